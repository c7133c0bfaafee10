"""Shared test helpers: the built-in presets, a manual clock, and `Chart`, a session kept in memory
that is driven through the real core commands (events get a `seq` as the store would give them)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from kapsession import locations
from kapsession.core import commands
from kapsession.core.clock import ManualClock
from kapsession.core.events import EventBase
from kapsession.core.preset_library import PresetLibrary
from kapsession.core.protocol import Preset
from kapsession.core.state import SessionState, fold

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
BUILTIN_PRESETS = ("sublingual-troche", "intramuscular", "iv-infusion", "intranasal-esketamine")


@pytest.fixture(autouse=True, scope="session")
def _isolated_dirs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """No test ever reads or writes the real user data, config or cache dir."""
    saved = {
        key: os.environ.get(key)
        for key in ("KAPSESSION_DATA_DIR", "KAPSESSION_CONFIG_DIR", "KAPSESSION_CACHE_DIR", "KAPSESSION_CLINICIAN")
    }
    os.environ.pop("KAPSESSION_CLINICIAN", None)  # a developer's own initials never reach a record
    os.environ["KAPSESSION_DATA_DIR"] = str(tmp_path_factory.mktemp("default-data"))
    os.environ["KAPSESSION_CONFIG_DIR"] = str(tmp_path_factory.mktemp("default-config"))
    os.environ["KAPSESSION_CACHE_DIR"] = str(tmp_path_factory.mktemp("default-cache"))
    yield
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


_LIBRARY: PresetLibrary | None = None


def builtin_library() -> PresetLibrary:
    global _LIBRARY
    if _LIBRARY is None:
        _LIBRARY = PresetLibrary.load(locations.builtin_presets_dir())
    return _LIBRARY


def builtin_preset(name: str) -> Preset:
    return builtin_library().get(name)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


class Chart:
    """One session in memory. Every entry goes through the same command the screen and the command
    line use, and gets the next `seq`, so what is folded is what the store would hold."""

    def __init__(self, preset: Preset | str, clock: ManualClock | None = None, **opened: Any) -> None:
        self.preset = builtin_preset(preset) if isinstance(preset, str) else preset
        self.clock = clock or ManualClock(START)
        opened.setdefault("client_name", "A.B.")
        if "dose_mg" in opened:
            opened["planned_dose_mg"] = opened.pop("dose_mg")
        event = commands.open_session(preset=self.preset, now=self.clock.now(), **opened)
        self.events: list[EventBase] = []
        self.add(event)

    # -- time ----------------------------------------------------------------------------------
    @property
    def now(self) -> datetime:
        return self.clock.now()

    def advance(self, minutes: float = 0, seconds: float = 0) -> Chart:
        self.clock.advance(timedelta(minutes=minutes, seconds=seconds))
        return self

    def at(self, minutes: float) -> datetime:
        """The moment `minutes` after the session was opened."""
        return START + timedelta(minutes=minutes)

    # -- state ---------------------------------------------------------------------------------
    def state(self, now: datetime | None = None) -> SessionState:
        return fold(self.events, self.preset, now or self.clock.now())

    def add(self, event: EventBase) -> EventBase:
        stored = event.model_copy(update={"seq": len(self.events) + 1, "recorded_at": self.clock.now()})
        self.events.append(stored)
        return stored

    # -- the commands --------------------------------------------------------------------------
    def phase(self, which: str = "next", at: str | None = None) -> EventBase:
        return self.add(commands.start_phase(self.state(), which, self.now, at))

    def phases_until(self, last: str) -> None:
        while self.state().phase != last:
            self.phase("next")

    def vitals(self, text: str, at: str | None = None) -> EventBase:
        return self.add(commands.record_vitals(self.state(), text, self.now, at))

    def dose(self, mg: str | float, **kwargs: Any) -> EventBase:
        kwargs.setdefault("confirmed", True)  # a dose far from the plan: the rule has its own tests
        return self.add(commands.give_dose(self.state(), mg, self.now, **kwargs))

    def scale(self, name: str, value: str | int) -> EventBase:
        return self.add(commands.rate_scale(self.state(), name, value, self.now))

    def note(self, text: str, **kwargs: Any) -> EventBase:
        return self.add(commands.write_note(self.state(), text, self.now, **kwargs))

    def tick(self, checklist: str, item: str | int) -> EventBase:
        return self.add(commands.tick_item(self.state(), checklist, item, self.now))

    def tick_all(self, checklist: str = "discharge") -> None:
        items = self.preset.discharge_checklist if checklist == "discharge" else self.preset.intake_checklist
        for number in range(1, len(items) + 1):
            self.tick(checklist, number)

    def ack(self, key: str | None = None) -> EventBase:
        return self.add(commands.acknowledge(self.state(), self.now, key))

    def strike(self, seq: int, reason: str = "entered in error") -> EventBase:
        return self.add(commands.strike(self.state(), seq, reason, self.now))

    def close(self, reason: str | None = None) -> EventBase:
        """As a therapist closes who has looked at everything: each alarm acknowledged, and the
        reason (a test's own when none is given) for every discharge criterion not met."""
        from kapsession.core.closing import unacknowledged_alarms, unmet_criteria

        for alarm in unacknowledged_alarms(self.state()):
            self.ack(alarm.key)
        if reason is None and unmet_criteria(self.state()):
            reason = "test: discharged with criteria open"
        return self.add(commands.close_session(self.state(), self.now, reason))


@pytest.fixture(scope="session")
def new_chart() -> type[Chart]:
    """`new_chart("sublingual-troche", dose_mg=...)`: a fresh in-memory session (session-scoped so
    hypothesis tests may use it too)."""
    return Chart


@pytest.fixture(scope="session")
def preset_named() -> Any:
    return builtin_preset


def repo_root() -> Path:
    return Path(__file__).resolve().parents[1]


# `HYPOTHESIS_PROFILE=thorough pytest tests/core` digs deeper than the everyday run.
from hypothesis import settings as _hypothesis_settings  # noqa: E402

_hypothesis_settings.register_profile("thorough", max_examples=3000, deadline=None)
_hypothesis_settings.register_profile("default", deadline=None)
_hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


@pytest.fixture(scope="session")
def built_wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project built as a wheel once per run, for the tests that prove what ships inside it."""
    import subprocess
    import sys

    repo = Path(__file__).resolve().parents[1]
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(repo), "--no-deps", "--no-build-isolation", "-q", "-w", str(out)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return next(out.glob("kapsession-*.whl"))


@pytest.fixture(scope="session")
def postgres_admin() -> Iterator[str]:
    """A PostgreSQL server for this run (benchmarks/postgres_server.py): the one
    $KAPSESSION_TEST_DATABASE_URL names, else a throwaway cluster, else the test is skipped with
    the reason."""
    import sys

    root = str(repo_root())
    if root not in sys.path:
        sys.path.insert(0, root)
    from benchmarks.postgres_server import admin_url

    url, cluster, reason = admin_url()
    if url is None:
        pytest.skip(reason)
    try:
        yield url
    finally:
        if cluster is not None:
            cluster.remove()


@pytest.fixture
def postgres_url(postgres_admin: str) -> str:
    """A fresh, empty PostgreSQL database for one test."""
    from benchmarks.postgres_server import fresh_database

    return fresh_database(postgres_admin)
