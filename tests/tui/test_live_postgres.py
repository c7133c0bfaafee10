"""The live screen on a PostgreSQL store (skipped, with the reason, where there is no server):
another connection's vitals appear within a second through NOTIFY, and while the server is down
the screen shows its offline line and comes back by itself."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

from kapsession.core import commands
from kapsession.core.state import fold
from kapsession.presets import default_library
from kapsession.store.factory import open_store
from kapsession.store.session_log import SessionLog
from kapsession.tui.live_listen import OfflineLine

try:
    from .conftest import START, LiveTestApp, screen_text
except ImportError:
    from live_support import START, LiveTestApp, screen_text  # type: ignore[no-redef]

REPO = Path(__file__).resolve().parents[2]


def _session(url: str, data_dir: Path, clock) -> SessionLog:
    preset = default_library().get("sublingual-troche")
    store = open_store(data_dir, url)
    opened = commands.open_session(client_name="A.B.", preset=preset, now=START, weight_kg=70, planned_dose_mg=200)
    session_id, _ = store.create_session(opened)
    return SessionLog(store, session_id, preset, clock)


async def _until(pilot, condition, seconds: float) -> float:
    began = time.monotonic()
    while not condition() and time.monotonic() - began < seconds:
        await pilot.pause(0.05)
    return time.monotonic() - began


async def test_another_machine_s_vitals_appear_within_a_second(postgres_url: str, tmp_path: Path, clock) -> None:
    log = _session(postgres_url, tmp_path / "therapist", clock)
    app = LiveTestApp(log)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            screen = app.screen
            await _until(pilot, lambda: getattr(screen, "_listener", None) is not None and screen._listener.online, 5)
            with open_store(tmp_path / "nurse", postgres_url) as nurse:
                state = fold(nurse.events(log.session_id), log.preset, clock.now())
                nurse.append(log.session_id, commands.record_vitals(state, "141/93 hr 88", clock.now()))
            took = await _until(pilot, lambda: "141/93" in screen_text(app), 2)
            assert "141/93" in screen_text(app) and took < 1.0, f"shown after {took:.2f}s"
    finally:
        log.store.close()


async def test_the_screen_says_offline_while_the_server_is_down_and_comes_back(
    postgres_admin: str, tmp_path: Path, clock
) -> None:
    sys.path.insert(0, str(REPO))
    from benchmarks.postgres_server import ThrowawayCluster, _binaries, fresh_database

    if _binaries() is None:
        pytest.skip("stopping the server needs the postgresql server binaries (pg_ctl)")
    cluster = ThrowawayCluster()
    try:
        log = _session(fresh_database(cluster.url), tmp_path, clock)
        app = LiveTestApp(log)
        async with app.run_test(size=(80, 24)) as pilot:
            screen = app.screen
            await _until(pilot, lambda: getattr(screen, "_listener", None) is not None and screen._listener.online, 5)
            cluster.stop()
            await _until(pilot, lambda: bool(screen.query(OfflineLine)), 5)
            assert "offline" in screen_text(app)
            cluster.start()
            await _until(pilot, lambda: not screen.query(OfflineLine), 10)
            assert not screen.query(OfflineLine) and "offline" not in screen_text(app)
        log.store.close()
    finally:
        cluster.remove()
