"""The text rule on the screens: a pasted control character or bidirectional override is refused
next to the field with the rule's sentence (the text kept), and a note stored before the rule is
drawn with its control characters written out, never sent raw to the terminal."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from textual import events
from textual.widgets import Input, Static, TextArea

from kapsession.core import commands
from kapsession.core.events import NoteWritten
from kapsession.locations import DATABASE_NAME
from kapsession.settings import load_settings
from kapsession.store.session_log import SessionLog
from kapsession.tui.app import KapsessionApp
from kapsession.tui.screens.dialogs import NoteDialog

try:  # tests/tui may become a package one day
    from .conftest import LiveTestApp, screen_text
except ImportError:
    from live_support import LiveTestApp, screen_text


async def paste(pilot, text: str) -> None:
    """What a terminal's bracketed paste delivers: a Paste event to the app, which hands it to the
    focused widget (posted to the widget itself, it would also bubble back and arrive twice)."""
    pilot.app.post_message(events.Paste(text))
    await pilot.pause()


async def test_a_pasted_bidi_override_in_a_note_is_refused_in_the_rules_words(session) -> None:
    app = LiveTestApp(session.log)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("n")
        await paste(pilot, "resting \u202eevil")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, NoteDialog)
        error = app.screen.query_one("#error", Static).render().plain
        assert "the note holds a bidirectional override (U+202E) at position 9" in error
        assert app.screen.query_one("#note-text", TextArea).text == "resting \u202eevil"
        assert not [event for event in session.fresh_events() if isinstance(event, NoteWritten)]


async def test_a_note_stored_before_the_rule_is_drawn_without_raw_control_characters(session) -> None:
    session.log.record(commands.write_note(session.log.state(), "PLACEHOLDER", session.clock.now()))
    # As an older version stored it: the rule is bypassed by writing the row directly.
    with sqlite3.connect(session.data_dir / DATABASE_NAME) as connection:
        connection.execute(
            "UPDATE events SET body = replace(body, 'PLACEHOLDER', ?)", ("calm\\u001b]0;owned\\u0007now",)
        )
    reread = SessionLog(session.store, session.session_id, session.log.preset, session.clock)
    app = LiveTestApp(reread)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        shown = screen_text(app)
        assert "calm\\x1b]0;owned\\x07now" in shown.replace("\n", "")
        assert "\x1b" not in shown and "\x07" not in shown


async def test_the_settings_form_refuses_a_control_character_under_its_field(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KAPSESSION_CONFIG_DIR", str(tmp_path / "config"))
    app = KapsessionApp(tmp_path / "data")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("s")
        await pilot.pause()
        app.screen.query_one("#practice", Input).value = "Harbour\x1b[31m"
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.id == "settings"
        error = app.screen.query_one("#practice-error", Static).render()
        assert "the practice's name holds a control character (U+001B) at position 8" in str(error)
        assert app.screen.query_one("#therapist-error", Static).has_class("hidden")
        assert load_settings().practice_name == ""
