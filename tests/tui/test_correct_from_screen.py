"""Issue 19, item 3: a wrong entry is put right from the live screen. `u` lists the entries
(newest first), a reason strikes the chosen one (an event: it stays in the record, drawn struck),
and ctrl+e strikes it and opens it again, filled in at its own time, for the correction."""

from __future__ import annotations

from textual.widgets import OptionList, TextArea

from kapsession.core.events import EntryStruck, NoteWritten, VitalsRecorded
from kapsession.tui.screens.dialogs import NoteDialog
from kapsession.tui.screens.strike_dialog import StrikeDialog

try:
    from .conftest import LiveTestApp, advance_to_mid_peak, said, screen_text, type_text
except ImportError:
    from live_support import LiveTestApp, advance_to_mid_peak, said, screen_text, type_text


def of_type(events, kind):
    return [event for event in events if isinstance(event, kind)]


async def choose(pilot, app, predicate) -> None:
    """Move the highlight to the first listed entry `predicate` accepts, then Enter."""
    dialog = app.screen
    assert isinstance(dialog, StrikeDialog)
    index = next(i for i, event in enumerate(dialog.choices) if predicate(event))
    for _ in range(index):
        await pilot.press("down")
    assert dialog.query_one(OptionList).highlighted == index
    await pilot.press("enter")


async def test_a_wrong_note_is_struck_with_a_reason_and_kept(session):
    advance_to_mid_peak(session)
    wrong = of_type(session.fresh_events(), NoteWritten)[-1]
    app = LiveTestApp(session.log)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("u")
        await pilot.pause()
        await choose(pilot, app, lambda event: event.seq == wrong.seq)
        await pilot.press("enter")  # no reason yet: refused, nothing struck
        await pilot.pause()
        assert isinstance(app.screen, StrikeDialog)
        assert "needs a reason" in screen_text(app)
        await type_text(pilot, "entered in error: another client")
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is app.live
        assert said(app).startswith("✓ Entry #") and said(app).endswith("struck.")
        assert "STRUCK" in app.live.query_one("#notes").plain  # kept in view, drawn struck
    struck = of_type(session.fresh_events(), EntryStruck)
    assert [(s.target_seq, s.reason) for s in struck] == [(wrong.seq, "entered in error: another client")]
    assert any(event.seq == wrong.seq for event in session.fresh_events())  # kept, never deleted


async def test_a_reading_struck_and_entered_again_is_corrected_at_its_own_time(session):
    advance_to_mid_peak(session)
    wrong = of_type(session.fresh_events(), VitalsRecorded)[-1]
    app = LiveTestApp(session.log)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("u")
        await pilot.pause()
        await choose(pilot, app, lambda event: event.seq == wrong.seq)
        await type_text(pilot, "wrong arm")
        await pilot.press("ctrl+e")
        await pilot.pause()
        line = app.live.vitals_line
        assert app.screen is app.live and line.is_open
        assert line.text.startswith("138/88 HR 84 SpO2 97%")
        for _ in range(len(line.text)):
            await pilot.press("left")
        for _ in range(3):
            await pilot.press("delete")
        await type_text(pilot, "128")
        await pilot.press("enter")
        await pilot.pause()
    readings = of_type(session.fresh_events(), VitalsRecorded)
    corrected = readings[-1]
    assert corrected.reading.systolic == 128 and corrected.at == wrong.at
    assert wrong.seq in {s.target_seq for s in of_type(session.fresh_events(), EntryStruck)}


async def test_a_note_entered_again_opens_filled_in_and_keeps_its_moment(session):
    advance_to_mid_peak(session)
    wrong = of_type(session.fresh_events(), NoteWritten)[0]
    app = LiveTestApp(session.log)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("u")
        await pilot.pause()
        await choose(pilot, app, lambda event: event.seq == wrong.seq)
        await type_text(pilot, "misheard")
        await pilot.press("ctrl+e")
        await pilot.pause()
        assert isinstance(app.screen, NoteDialog)
        area = app.screen.query_one("#note-text", TextArea)
        assert area.text == wrong.text
        await type_text(pilot, ", then deeper")
        await pilot.press("enter")
        await pilot.pause()
    fixed = of_type(session.fresh_events(), NoteWritten)[-1]
    assert fixed.text == f"{wrong.text}, then deeper" and fixed.at == wrong.at


async def test_escape_strikes_nothing(session):
    advance_to_mid_peak(session)
    before = len(session.fresh_events())
    app = LiveTestApp(session.log)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("u")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is app.live
    assert len(session.fresh_events()) == before
