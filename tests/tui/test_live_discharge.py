"""Discharge from the keyboard: ticks, the modified Aldrete, closing (what is open named, Enter goes
back, each alarm acknowledged and a reason for each criterion not met)."""

from __future__ import annotations

from textual.widgets import Input, Static

from kapsession.core import commands
from kapsession.core.events import ChecklistTicked, ScaleRated, SessionClosed
from kapsession.tui.screens.dialogs import CloseDialog, DischargeDialog
from kapsession.tui.screens.preview import PreviewScreen

try:
    from .conftest import LiveTestApp, advance_to_mid_peak, screen_text, type_text
except ImportError:
    from live_support import LiveTestApp, advance_to_mid_peak, screen_text, type_text


def of_type(events, kind):
    return [event for event in events if isinstance(event, kind)]


async def test_ticks_and_aldrete_then_an_early_close_with_a_reason(session):
    advance_to_mid_peak(session)
    app = LiveTestApp(session.log)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("x")
        assert isinstance(app.screen, DischargeDialog)
        await pilot.press("1", "2", "tab")
        await type_text(pilot, "2 2 2 2 3")
        await pilot.press("enter")
        # a bad Aldrete keeps the dialog open, says why, records nothing
        assert isinstance(app.screen, DischargeDialog)
        assert "SpO2 3 is out of range" in app.screen.query_one("#error", Static).render().plain
        assert not of_type(session.fresh_events(), ChecklistTicked)
        await pilot.press("backspace", "1", "enter")
        assert app.screen is app.live
        events = session.fresh_events()
        assert [e.item for e in of_type(events, ChecklistTicked)] == list(session.log.preset.discharge_checklist[:2])
        assert [(e.scale, e.value) for e in of_type(events, ScaleRated) if e.scale == "aldrete"] == [("aldrete", 9)]
        assert "Aldrete 9/10" in screen_text(app)

        # close before the minimum observation: the close dialog names what is open, goes back by default
        await pilot.press("x")
        await pilot.press("ctrl+e")
        # MOAA/S 4 at mid-peak, before the minimum observation, items unticked: each named
        assert isinstance(app.screen, CloseDialog)
        asked = screen_text(app)
        assert "MOAA/S 5 after the last dose (latest 4" in asked and "minimum observation until" in asked
        assert "kept as addenda marked with the time written" in asked
        await pilot.press("enter")  # the default: back to the checklist, nothing recorded
        assert isinstance(app.screen, DischargeDialog)
        assert not of_type(session.fresh_events(), SessionClosed)
        await pilot.press("ctrl+e", "ctrl+e")  # closing with no reasons is refused in words
        assert isinstance(app.screen, CloseDialog)
        assert "a reason is needed for: minimum observation" in app.screen.query_one("#error", Static).render().plain
        await type_text(pilot, "client unwell, transferred to ER")  # the first reason has the focus
        await pilot.press("ctrl+r", "ctrl+e")  # the same reason for each, then close
        assert app.screen is app.live
        closed = of_type(session.fresh_events(), SessionClosed)
        assert len(closed) == 1 and closed[0].early_reason is None
        assert closed[0].unmet and closed[0].unmet[0].startswith("minimum observation until")
        assert any(unmet.startswith("MOAA/S 5 after the last dose") for unmet in closed[0].unmet)
        assert {reason.reason for reason in closed[0].reasons} == {"client unwell, transferred to ER"}
        assert len(closed[0].reasons) == len(closed[0].unmet)
        assert "■ CLOSED" in screen_text(app)
        assert "Closed with" in screen_text(app) and "no open alerts" not in screen_text(app)
        # a closed session takes no more vitals
        count = len(session.fresh_events())
        await pilot.press("v")
        assert app.screen is app.live and len(session.fresh_events()) == count


async def test_close_after_observation_asks_to_confirm(session):
    advance_to_mid_peak(session)
    session.clock.advance(minutes=70)
    session.add(commands.record_vitals, "122/80 70 98", session.clock.now())
    session.add(commands.rate_scale, "moaas", 5, session.clock.now())
    app = LiveTestApp(session.log)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("x")
        for number in range(1, len(session.log.preset.discharge_checklist) + 1):
            await pilot.press(str(number))
        await pilot.press("tab")
        await type_text(pilot, "22222")
        await pilot.pause()
        assert "✓ READY" in app.screen.query_one("#readiness", Static).render().plain
        await pilot.press("ctrl+e")
        assert isinstance(app.screen, CloseDialog)
        assert "Nothing is open" in screen_text(app)
        await pilot.press("escape")
        assert isinstance(app.screen, DischargeDialog)
        assert app.screen.query_one("#aldrete", Input).value == "22222"  # kept
        await pilot.press("ctrl+e", "enter")  # nothing open: Enter closes
        events = session.fresh_events()
        closed = of_type(events, SessionClosed)
        assert len(closed) == 1 and closed[0].early_reason is None
        assert len(of_type(events, ChecklistTicked)) == len(session.log.preset.discharge_checklist)
        state = session.log.state()
        assert state.closed and state.closed_at == session.clock.now()


async def test_escape_from_the_checklist_records_nothing(session):
    advance_to_mid_peak(session)
    app = LiveTestApp(session.log)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        count = len(session.fresh_events())
        await pilot.press("x", "1", "2", "3", "escape")
        assert app.screen is app.live
        assert len(session.fresh_events()) == count


def with_an_alarm(session) -> None:
    """Mid-peak, then past the minimum observation with an HR of 45 no one has acknowledged."""
    advance_to_mid_peak(session)
    session.clock.advance(minutes=70)
    session.add(commands.rate_scale, "moaas", 5, session.clock.now())
    session.add(commands.record_vitals, "122/80 45 98", session.clock.now())


async def test_enter_in_the_close_dialog_with_an_alarm_leaves_the_session_open(session):
    with_an_alarm(session)
    app = LiveTestApp(session.log)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("x", "ctrl+e", "enter")
        await pilot.pause()
        assert not session.log.state().closed
        assert not of_type(session.fresh_events(), SessionClosed)
        assert isinstance(app.screen, DischargeDialog)


async def test_closing_past_an_alarm_acknowledges_it_and_the_record_says_what_was_open(session):
    with_an_alarm(session)
    app = LiveTestApp(session.log)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("x", "ctrl+e")
        assert isinstance(app.screen, CloseDialog)
        assert "1 alarm not acknowledged" in screen_text(app) and "HR 45 below" in screen_text(app)
        await pilot.press("ctrl+e")  # not yet: the alarm first
        assert "each alarm needs acknowledging" in app.screen.query_one("#error", Static).render().plain
        await pilot.press("a")
        assert "to be acknowledged with the close" in screen_text(app)
        await type_text(pilot, "prescriber reviewed; usual resting HR")  # `a` moved to the first reason
        await pilot.press("ctrl+r", "ctrl+e")
        assert app.screen is app.live
        state = session.log.state()
        assert state.closed and state.closing is not None
        assert state.closing.alarms and state.closing.alarms[0].startswith("ALERT HR 45 below")
        assert "Closed with" in screen_text(app) and "HR 45" in screen_text(app)


async def test_a_note_after_the_close_is_an_addendum_in_the_preview(session):
    with_an_alarm(session)
    session.add(commands.acknowledge, session.clock.now())
    session.add(commands.close_session, session.clock.now(), "test: discharged")
    session.clock.advance(minutes=12)
    app = LiveTestApp(session.log)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("v")  # vitals: refused, saying what a closed session still takes
        await pilot.pause()
        assert app.screen is app.live
        await pilot.press("n")
        await type_text(pilot, "client phoned: home safe")
        await pilot.press("enter")
        assert app.screen is app.live
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, PreviewScreen)
        shown = screen_text(app) + " ".join(
            str(option.prompt) for option in app.screen.query_one("#preview-notes").options
        )
        assert "addendum written" in shown and "client phoned: home safe" in shown
