"""Practice test helpers: a stored practice session played through the real core commands, on any
clock (a ManualClock, or a ScaledClock over a fake real clock)."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from kapsession import locations
from kapsession.core import commands
from kapsession.core.clock import Clock
from kapsession.core.events import EventBase
from kapsession.core.state import SessionState
from kapsession.practice.debrief import Debrief, debrief_session
from kapsession.practice.driver import open_practice_session
from kapsession.practice.scenario import ScenarioLibrary
from kapsession.store import EventStore
from tests.conftest import builtin_library

_SCENARIOS: ScenarioLibrary | None = None


def builtin_scenarios() -> ScenarioLibrary:
    global _SCENARIOS
    if _SCENARIOS is None:
        _SCENARIOS = ScenarioLibrary.load(locations.builtin_scenarios_dir(), presets=builtin_library())
    return _SCENARIOS


class Rehearsal:
    """A practice session in a real store, driven the way a trainee would: every entry goes through
    the same core command the live screen uses, at the clock's (virtual) now."""

    def __init__(self, store: EventStore, scenario: str, clock: Clock) -> None:
        self.store = store
        self.clock = clock
        self.scenario = builtin_scenarios().get(scenario)
        self.session_id, self.log, self.driver = open_practice_session(store, builtin_library(), self.scenario, clock)

    def state(self) -> SessionState:
        return self.log.state()

    def record(self, build: Any, *args: Any, **kwargs: Any) -> EventBase:
        return self.log.record(build(self.log.state(), *args, **kwargs))

    def phase(self, which: str = "next") -> EventBase:
        return self.record(commands.start_phase, which, self.clock.now())

    def vitals(self, text: str) -> EventBase:
        return self.record(commands.record_vitals, text, self.clock.now())

    def dose(self, mg: str | float, **kwargs: Any) -> EventBase:
        kwargs.setdefault("confirmed", True)  # a dose far from the plan: the rule has its own tests
        return self.record(commands.give_dose, mg, self.clock.now(), **kwargs)

    def note(self, text: str) -> EventBase:
        return self.record(commands.write_note, text, self.clock.now())

    def scale(self, name: str, value: int) -> EventBase:
        return self.record(commands.rate_scale, name, value, self.clock.now())

    def ack(self, key: str | None = None) -> EventBase:
        return self.record(commands.acknowledge, self.clock.now(), key)

    def tick_all(self) -> None:
        for number in range(1, len(self.log.preset.discharge_checklist) + 1):
            self.record(commands.tick_item, "discharge", number, self.clock.now())

    def close(self, reason: str | None = None) -> EventBase:
        """As a therapist closes who has looked at everything: each alarm acknowledged, and the
        reason (a test's own when none is given) for every discharge criterion not met."""
        from kapsession.core.closing import unacknowledged_alarms, unmet_criteria

        for alarm in unacknowledged_alarms(self.state()):
            self.ack(alarm.key)
        if reason is None and unmet_criteria(self.state()):
            reason = "test: discharged with criteria open"
        return self.record(commands.close_session, self.clock.now(), reason)

    def debrief(self, now: datetime | None = None) -> Debrief:
        return debrief_session(
            self.store, self.session_id, now, presets=builtin_library(), scenarios=builtin_scenarios()
        )

    def minutes_since_dose(self) -> float:
        first = self.state().first_dose_at
        assert first is not None
        return (self.clock.now() - first) / timedelta(minutes=1)


@pytest.fixture
def store(tmp_path: Path) -> EventStore:
    with EventStore(tmp_path / "data") as opened:
        yield opened


@pytest.fixture
def rehearse(store: EventStore):
    def make(scenario: str, clock: Clock) -> Rehearsal:
        return Rehearsal(store, scenario, clock)

    return make
