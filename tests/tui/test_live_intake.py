"""Intake on the live screen (`t`): the intake checklist ticked and the screening answered with
keys at 80x24, and the next session set from the live screen (`N`); pressed as a therapist would."""

from __future__ import annotations

from datetime import timedelta

from kapsession.core import commands
from kapsession.core.events import ChecklistTicked, NextSessionSet, ScreeningAnswered
from kapsession.core.predose import predose_short

try:
    from .conftest import LiveTestApp, said, screen_text, type_text
except ImportError:
    from live_support import LiveTestApp, said, screen_text, type_text

SIZE = (80, 24)


def shown_text(app) -> str:
    """The dialog's text, its lists' drawn lines and its title included."""
    from textual.widgets import OptionList

    lists = [
        widget.render_line(y).text
        for widget in app.screen.query(OptionList)
        if widget.display
        for y in range(widget.size.height)
    ]
    titles = [str(widget.border_title) for widget in app.screen.query("#dialog") if widget.border_title]
    return " ".join(" ".join([*titles, screen_text(app), *lists]).split())


def of_type(events, kind):
    return [event for event in events if isinstance(event, kind)]


async def test_t_ticks_the_intake_and_answers_the_screening_with_keys(session) -> None:
    session.add(commands.start_phase, "next", session.clock.now())
    session.add(commands.record_vitals, "124/80 72 98 14", session.clock.now())
    app = LiveTestApp(session.log)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("t")
        await pilot.pause()
        shown = shown_text(app)
        assert "Intake and screening" in shown
        assert "· 1. Hydrated today" in shown  # unticked reads without colour
        await pilot.press("1", "2", "3", "4")  # every intake item, by its number
        await pilot.pause()
        assert "✓ 1. Hydrated today" in shown_text(app)
        await pilot.press("tab")  # to the screening
        await pilot.press(*"nnnnnnn")  # seven contraindications: no
        await type_text(pilot, "6")  # hours since food: the key starts the answer line
        await pilot.press("enter")
        await type_text(pilot, "2.5")
        await pilot.press("enter")
        await type_text(pilot, "none")
        await pilot.press("enter")
        await pilot.press("y", "y")  # driver arranged, consent re-confirmed
        await pilot.pause()
        assert "STOP" not in shown_text(app)
        await pilot.press("enter")  # saves
        await pilot.pause()
        assert app.screen is app.live
        events = session.fresh_events()
        assert len(of_type(events, ChecklistTicked)) == 4
        answers = {event.question: event.answer for event in of_type(events, ScreeningAnswered)}
        assert answers["pregnancy"] == "no" and answers["food-hours"] == "6" and answers["drink-hours"] == "2.5"
        assert answers["medicines-today"] == "none" and answers["consent"] == "yes"
        assert predose_short(session.log.state()) == ()  # the dose gate is open


async def test_a_stop_answer_is_marked_and_a_bad_hours_answer_is_one_sentence(session) -> None:
    session.add(commands.start_phase, "next", session.clock.now())
    app = LiveTestApp(session.log)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("t", "tab", "y")  # uncontrolled high blood pressure: yes
        await pilot.pause()
        assert "yes STOP and decide" in shown_text(app)
        await pilot.press(*"nnnnnn")
        await type_text(pilot, "lots")
        await pilot.press("enter")
        await pilot.pause()
        assert "is not a number of hours" in shown_text(app)
        await pilot.press("escape")  # leaves without saving
        await pilot.pause()
        assert app.screen is app.live
        assert not of_type(session.fresh_events(), ScreeningAnswered)


async def test_escape_on_the_intake_records_nothing_and_untick_is_recorded(session) -> None:
    session.add(commands.tick_item, "intake", 1, session.clock.now())
    app = LiveTestApp(session.log)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("t", "2", "escape")
        await pilot.pause()
        assert len(of_type(session.fresh_events(), ChecklistTicked)) == 1
        await pilot.press("t", "1", "enter")  # untick the first
        await pilot.pause()
        [_, untick] = of_type(session.fresh_events(), ChecklistTicked)
        assert untick.done is False and untick.item == "Hydrated today"


async def test_shift_n_sets_the_next_session_in_the_command_lines_words(session) -> None:
    app = LiveTestApp(session.log)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("N")
        await pilot.pause()
        assert "Next session" in shown_text(app) and "Not set yet." in shown_text(app)
        await type_text(pilot, "someday")
        await pilot.press("enter")
        await pilot.pause()
        assert "is not a date" in shown_text(app)
        assert not of_type(session.fresh_events(), NextSessionSet)
        await pilot.press(*["backspace"] * 7)
        await type_text(pilot, "in 2 weeks at 10:00")
        await pilot.pause()
        assert "= Mon 16 Mar 2026 at 10:00" in shown_text(app)
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is app.live
        [chosen] = of_type(session.fresh_events(), NextSessionSet)
        assert chosen.when - session.clock.now() > timedelta(days=13)


async def test_checklists_show_ticks_without_colour(session) -> None:
    """✓ for a ticked item and · for one not yet, in the discharge list as in the intake's."""
    app = LiveTestApp(session.log)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("x", "2")
        await pilot.pause()
        shown = shown_text(app)
        assert "· 1. Alert and oriented" in shown and "✓ 2. Walks steadily without help" in shown
        assert "X" not in shown.replace("Escape", "")  # no ▐X▌ buttons


async def test_c_asks_before_a_second_card_and_the_cap_is_said(session) -> None:
    from kapsession.core.events import CardDrawn

    app = LiveTestApp(session.log)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("c")  # the first card: at once
        await pilot.pause()
        assert len(of_type(session.fresh_events(), CardDrawn)) == 1
        await pilot.press("c")  # a second: asks first
        await pilot.pause()
        assert "Draw another card? 1 is drawn already." in shown_text(app)
        await pilot.press("n")
        await pilot.pause()
        assert len(of_type(session.fresh_events(), CardDrawn)) == 1
        await pilot.press("c", "y", "c", "y")
        await pilot.pause()
        assert len(of_type(session.fresh_events(), CardDrawn)) == 3
        await pilot.press("c")  # past the cap: refused, saying the cap (on the status line)
        await pilot.pause()
        assert len(of_type(session.fresh_events(), CardDrawn)) == 3
        assert "this preset allows 3 a session" in said(app)
