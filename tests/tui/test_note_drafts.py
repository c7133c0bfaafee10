"""Issue 19, item 4: the note is a multi-line editor showing all of it; Escape on words asks to
keep them as a draft or discard them; a draft is kept while typing, so it survives a crash, and
comes back the next time a note is opened on the session."""

from __future__ import annotations

from textual.widgets import TextArea

from kapsession.core.events import NoteWritten
from kapsession.store.session_log import SessionLog
from kapsession.tui.screens.dialogs import DraftChoiceDialog, NoteDialog

try:
    from .conftest import LiveTestApp, said, screen_text, type_text
except ImportError:
    from live_support import LiveTestApp, said, screen_text, type_text

WORDS = "she said the river is calm now, and that she can hear it from far away, like a song"


def notes(session) -> list[NoteWritten]:
    return [event for event in session.fresh_events() if isinstance(event, NoteWritten)]


async def test_a_long_note_on_several_lines_is_all_in_view_and_saved_whole(session):
    app = LiveTestApp(session.log)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("n")
        await type_text(pilot, WORDS)
        await pilot.press("ctrl+j")
        await type_text(pilot, "second line")
        await pilot.pause()
        area = app.screen.query_one("#note-text", TextArea)
        # Wrapped onto lines the editor has room for: nothing scrolled out of sight.
        assert area.wrapped_document.height >= 3
        assert area.scrollable_content_region.height >= area.wrapped_document.height
        assert area.scroll_offset.x == 0 and area.scroll_offset.y == 0
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is app.live
        assert said(app) == "✓ Note saved."
    assert [note.text for note in notes(session)] == [f"{WORDS}\nsecond line"]
    assert session.store.note_draft(session.session_id, "") is None


async def test_escape_on_words_keeps_a_draft_that_comes_back_and_is_saved_once(session):
    app = LiveTestApp(session.log)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("n")
        opened_at = app.screen.started_at
        await type_text(pilot, "I am allowed to rest")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, DraftChoiceDialog)
        await pilot.press("enter")  # the default keeps it
        await pilot.pause()
        assert app.screen is app.live
        assert not notes(session)
        draft = session.store.note_draft(session.session_id, "")
        assert draft is not None and draft.text == "I am allowed to rest"
        session.clock.advance(minutes=3)
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, NoteDialog)
        assert app.screen.query_one("#note-text", TextArea).text == "I am allowed to rest"
        assert "draft" in screen_text(app)
        await pilot.press("enter")
        await pilot.pause()
    saved = notes(session)
    assert [(note.text, note.at) for note in saved] == [("I am allowed to rest", opened_at)]
    assert session.store.note_draft(session.session_id, "") is None


async def test_escape_then_discard_or_back(session):
    app = LiveTestApp(session.log)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("n")
        await type_text(pilot, "a thought")
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("escape")  # back to the note, words still there
        await pilot.pause()
        assert isinstance(app.screen, NoteDialog)
        assert app.screen.query_one("#note-text", TextArea).text == "a thought"
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("d")
        await pilot.pause()
        assert app.screen is app.live
    assert not notes(session)
    assert session.store.note_draft(session.session_id, "") is None


async def test_a_draft_typed_before_a_crash_is_there_after_it(session):
    app = LiveTestApp(session.log)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("n")
        await type_text(pilot, "her exact words before the crash")
        await pilot.pause(NoteDialog.DRAFT_AFTER + 0.5)  # typing paused: the draft is kept
    # The app is gone without Escape or Enter, as in a crash; a new screen on the same store:
    reopened = SessionLog(session.store, session.session_id, session.log.preset, session.clock)
    app = LiveTestApp(reopened)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        assert app.screen.query_one("#note-text", TextArea).text == "her exact words before the crash"


async def test_each_clinician_keeps_their_own_draft(session):
    session.log.clinician = "JN"
    session.store.keep_note_draft(
        session.session_id, "RM", "the therapist's words", session.clock.now(), "observation", False
    )
    app = LiveTestApp(session.log)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        assert app.screen.query_one("#note-text", TextArea).text == ""
