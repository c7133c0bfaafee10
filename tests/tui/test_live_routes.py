"""Doses where the route has more to say: esketamine devices, the IM booster; and the summary
preview from the live screen."""

from __future__ import annotations

from textual.widgets import Input

from kapsession.core import commands
from kapsession.core.clock import ManualClock
from kapsession.core.events import DoseGiven
from kapsession.presets import default_library
from kapsession.store.session_log import SessionLog

try:
    from .conftest import START, LiveTestApp, screen_text
except ImportError:
    from live_support import START, LiveTestApp, screen_text


def open_with(session, preset_name: str, dose_mg: float) -> SessionLog:
    preset = default_library().get(preset_name)
    clock = ManualClock(START)
    opened = commands.open_session(
        client_name="C.D.", preset=preset, now=clock.now(), weight_kg=80, planned_dose_mg=dose_mg
    )
    session_id, _ = session.store.create_session(opened)
    log = SessionLog(session.store, session_id, preset, clock)
    for _ in range(3):
        log.record(commands.start_phase(log.state(), "next", clock.now()))
    log.record(commands.decide_predose(log.state(), "proceed", "the gate is not under test here", clock.now()))
    return log


async def test_esketamine_is_recorded_device_by_device(session):
    log = open_with(session, "intranasal-esketamine", 56)
    app = LiveTestApp(log)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("d")
        assert app.screen.query_one("#dose-devices", Input).value == "1"
        assert "device 1 of 2" in screen_text(app)
        await pilot.press("enter")
        dose = [e for e in log.events if isinstance(e, DoseGiven)]
        assert [(d.mg, d.devices, d.route) for d in dose] == [(28, 1, "intranasal")]
        assert "Device 2 of 2 in 0:05:00" in screen_text(app)
        log.clock.advance(minutes=5)
        app.live.refresh_now()
        await pilot.pause()
        assert "Device 2 of 2 is due" in screen_text(app)
        await pilot.press("d")
        assert "device 2 of 2" in screen_text(app)
        await pilot.press("enter")
        assert [d.devices for d in log.events if isinstance(d, DoseGiven)] == [1, 1]
        assert log.state().devices_given == 2


async def test_intramuscular_booster_is_marked(session):
    log = open_with(session, "intramuscular", 50)
    app = LiveTestApp(log)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("d")
        assert app.screen.query_one("#dose-mg", Input).value == "50"
        assert "not a booster" in screen_text(app)
        await pilot.press("enter")
        log.clock.advance(minutes=16)
        await pilot.press("d")
        assert "a further dose: choose ctrl+b booster or ctrl+r repeat" in screen_text(app)
        assert app.screen.query_one("#dose-mg", Input).value == ""  # a further dose is typed, not the plan
        await pilot.press("ctrl+b")
        assert "✓ booster" in screen_text(app)
        await pilot.press("2", "5", "tab", "tab", "enter")  # 25 mg; site and time left empty
        doses = [e for e in log.events if isinstance(e, DoseGiven)]
        assert [(d.mg, d.booster) for d in doses] == [(50, False), (25, True)]
        assert "total 75 mg" in screen_text(app)


async def test_r_opens_the_summary_preview(session):
    app = LiveTestApp(session.log)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("r")
        await pilot.pause()
        assert type(app.screen).__name__ == "PreviewScreen"
