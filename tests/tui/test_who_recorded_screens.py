"""Issue 19, item 9, on the screens: the initials are set in the settings form (refused there if
they are not initials), and every entry the live screen makes carries them."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input, Static

from kapsession.core.events import NoteWritten
from kapsession.settings import load_settings
from kapsession.tui.app import KapsessionApp

try:
    from .conftest import LiveTestApp, type_text
except ImportError:
    from live_support import LiveTestApp, type_text


async def test_the_settings_form_takes_initials_and_refuses_what_is_not(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KAPSESSION_CONFIG_DIR", str(tmp_path / "config"))
    app = KapsessionApp(tmp_path / "data")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("s")
        await pilot.pause()
        app.screen.query_one("#clinician", Input).value = "nurse 2"
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.id == "settings"
        error = app.screen.query_one("#clinician-error", Static).render()
        assert "'nurse 2' is not a clinician's initials: accepted: 1 to 8 letters" in str(error)
        app.screen.query_one("#clinician", Input).value = "RM"
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.id != "settings"
    assert load_settings().clinician == "RM"


async def test_a_note_from_the_live_screen_carries_the_terminals_initials(session) -> None:
    session.log.clinician = "JN"
    app = LiveTestApp(session.log)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("n")
        await type_text(pilot, "client resting")
        await pilot.press("enter")
        await pilot.pause()
    notes = [event for event in session.fresh_events() if isinstance(event, NoteWritten)]
    assert [note.by for note in notes] == ["JN"]
