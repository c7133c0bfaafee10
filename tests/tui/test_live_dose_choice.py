"""The dose dialog after the first dose, at 80x24 with the real keys: it says what was given and
when, is not filled in, and takes a further dose only as a booster or a repeat; a dose far from
the plan is given on a second Enter."""

from __future__ import annotations

from textual.widgets import Input, Static

from kapsession.core import commands
from kapsession.core.events import DoseGiven
from kapsession.tui.screens.dialogs import DoseDialog

try:
    from .conftest import LiveTestApp, advance_to_mid_peak, screen_text, type_text
except ImportError:
    from live_support import LiveTestApp, advance_to_mid_peak, screen_text, type_text


def doses(session) -> list[DoseGiven]:
    return [event for event in session.fresh_events() if isinstance(event, DoseGiven)]


def error_line(app) -> str:
    return app.screen.query_one("#error", Static).render().plain


async def test_a_further_dose_shows_the_first_is_empty_and_needs_a_repeat(session) -> None:
    advance_to_mid_peak(session)  # 200 mg given
    app = LiveTestApp(session.log)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("d")
        assert isinstance(app.screen, DoseDialog)
        assert "given: 200 mg at " in screen_text(app)
        assert app.screen.query_one("#dose-mg", Input).value == ""  # not filled in from the plan
        await pilot.press("enter")
        assert isinstance(app.screen, DoseDialog) and len(doses(session)) == 1
        await type_text(pilot, "50")
        await pilot.press("enter")  # neither booster nor repeat chosen: refused, saying what was given
        assert isinstance(app.screen, DoseDialog)
        assert "200 mg at " in error_line(app) and "already given" in error_line(app)
        assert len(doses(session)) == 1
        await pilot.press("ctrl+r")
        assert "✓ repeat" in screen_text(app)
        await pilot.press("enter")
        assert app.screen is app.live
        assert [(d.mg, d.repeat) for d in doses(session)] == [(200, False), (50, True)]


async def test_a_dose_far_from_the_plan_is_given_on_a_second_enter(session) -> None:
    session.add(commands.start_phase, "next", session.clock.now())
    session.add(commands.decide_predose, "proceed", "test: the gate is not under test", session.clock.now())
    app = LiveTestApp(session.log)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("d")
        assert isinstance(app.screen, DoseDialog)
        assert app.screen.query_one("#dose-mg", Input).value == "200"  # the first dose: the plan
        await pilot.press("ctrl+u")
        await type_text(pilot, "20")
        await pilot.press("enter")
        assert "20 mg is under half of the planned 200 mg" in error_line(app)
        assert "Enter again gives it" in error_line(app) and doses(session) == []
        await pilot.press("enter")
        assert app.screen is app.live
        assert [d.mg for d in doses(session)] == [20]
