"""Shared pilot fixtures for the live screen: a temp data dir, a store holding a session on a
ManualClock, and a tiny test App that pushes `LiveScreen` (independent of kapsession.tui.app)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from live_support import *  # noqa: F403 - re-exported: the pilot tests import these from conftest
from live_support import START, SessionFixture

from kapsession.core import commands
from kapsession.core.clock import ManualClock
from kapsession.core.protocol import Preset
from kapsession.presets import default_library
from kapsession.store.event_store import EventStore
from kapsession.store.session_log import SessionLog


@pytest.fixture(autouse=True)
def utc_local_time(monkeypatch: pytest.MonkeyPatch):
    """Show times in UTC so assertions on `09:40` hold on any machine."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    path = tmp_path / "data"
    path.mkdir(mode=0o700)
    return path


@pytest.fixture
def preset() -> Preset:
    return default_library().get("sublingual-troche")


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture
def session(data_dir: Path, preset: Preset, clock: ManualClock):
    store = EventStore(data_dir)
    opened = commands.open_session(
        client_name="A.B.",
        preset=preset,
        now=clock.now(),
        weight_kg=70,
        planned_dose_mg=200,
        series_number=2,
        series_length=6,
    )
    session_id, _ = store.create_session(opened)
    log = SessionLog(store, session_id, preset, clock)
    yield SessionFixture(store, session_id, log, clock, data_dir)
    store.close()
