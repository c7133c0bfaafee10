"""The preview screen, driven with the keys a therapist presses: what it shows, note toggles as
events in the store, the clinical-figures toggle, and exports written by a thread worker."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from summary_sessions import START, short_session
from textual.app import App
from textual.widgets import Markdown, OptionList, Static

from kapsession.core.clock import ManualClock
from kapsession.core.events import NoteVisibilityChanged
from kapsession.presets import default_library
from kapsession.settings import Settings
from kapsession.store.event_store import EventStore
from kapsession.store.session_log import SessionLog
from kapsession.tui.screens.preview import PreviewScreen
from kapsession.tui.theme_files import APP_VARIABLE_DEFAULTS


class PreviewApp(App):
    def __init__(self, log: SessionLog, exports: Path) -> None:
        super().__init__()
        self.session_log = log
        self.exports = exports
        self.settings = Settings(therapist_name="Dr Ana Reyes", practice_name="Quiet Harbour Practice")
        self.preview: PreviewScreen | None = None
        self.messages: list[str] = []

    def get_theme_variable_defaults(self) -> dict[str, str]:
        return dict(APP_VARIABLE_DEFAULTS)

    def on_mount(self) -> None:
        self.preview = PreviewScreen(self.session_log, exports_dir=self.exports)
        self.push_screen(self.preview)

    def notify(self, message: str, **kwargs: object) -> None:  # type: ignore[override]
        self.messages.append(message)
        super().notify(message, **kwargs)  # type: ignore[arg-type]


def open_log(tmp_path: Path, notes: list[tuple[str, bool, str]] | None = None) -> SessionLog:
    data = tmp_path / "data"
    session_id = short_session(notes=notes).into_store(data)
    store = EventStore(data)
    preset = default_library().get(store.session(session_id).preset)
    return SessionLog(store, session_id, preset, ManualClock(START.replace(hour=14)))


def markdown_of(app: PreviewApp) -> str:
    assert app.preview is not None
    return app.preview.markdown_text


async def test_shows_the_summary_and_says_when_nothing_personal_is_included(tmp_path: Path) -> None:
    log = open_log(tmp_path, notes=[("Private WORDSALPHA", False, "observation")])
    app = PreviewApp(log, tmp_path / "exports")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = app.preview
        assert screen is not None and app.screen is screen
        text = markdown_of(app)
        assert text.startswith("# Maya Lindqvist") and "WORDSALPHA" not in text
        assert "With Dr Ana Reyes" in text
        included = str(screen.query_one("#preview-included", Static).render())
        assert "Nothing personal is included" in included
        notes = screen.query_one("#preview-notes", OptionList)
        assert notes.option_count == 1 and "private" in str(notes.get_option_at_index(0).prompt)
        assert screen.query_one("#preview-markdown", Markdown) is not None


async def test_space_shares_a_note_as_an_event(tmp_path: Path) -> None:
    log = open_log(
        tmp_path, notes=[("Private WORDSALPHA", False, "observation"), ("Shared WORDSBETA", True, "client-words")]
    )
    app = PreviewApp(log, tmp_path / "exports")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert "WORDSALPHA" not in markdown_of(app) and "WORDSBETA" in markdown_of(app)
        await pilot.press("space")  # the first note (private) becomes shareable
        await pilot.pause()
        assert "WORDSALPHA" in markdown_of(app)
        changes = [e for e in log.store.events(log.session_id) if isinstance(e, NoteVisibilityChanged)]
        assert [c.visibility for c in changes] == ["shareable"]
        await pilot.press("down", "space")  # the second (shared) becomes private
        await pilot.pause()
        assert "WORDSBETA" not in markdown_of(app)
        changes = [e for e in log.store.events(log.session_id) if isinstance(e, NoteVisibilityChanged)]
        assert [c.visibility for c in changes] == ["shareable", "private"]
        notes = app.preview.query_one("#preview-notes", OptionList)  # type: ignore[union-attr]
        assert "shared" in str(notes.get_option_at_index(0).prompt)
        assert "private" in str(notes.get_option_at_index(1).prompt)


async def test_clinical_figures_toggle(tmp_path: Path) -> None:
    log = open_log(tmp_path)
    app = PreviewApp(log, tmp_path / "exports")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert "Figures from today" not in markdown_of(app)
        await pilot.press("c")
        await pilot.pause()
        assert "Figures from today" in markdown_of(app) and "124/80" in markdown_of(app)
        await pilot.press("c")
        await pilot.pause()
        assert "Figures from today" not in markdown_of(app)


@pytest.mark.parametrize(
    "key,suffix,start",
    [
        ("p", "summary.pdf", b"%PDF"),
        ("h", "summary.html", b"<!DOCTYPE"),
        ("m", "summary.md", b"# Maya"),
        ("R", "record.pdf", b"%PDF"),
    ],
)
async def test_export_keys_write_private_files_in_a_worker(tmp_path: Path, key: str, suffix: str, start: bytes) -> None:
    log = open_log(tmp_path)
    exports = tmp_path / "exports"
    app = PreviewApp(log, exports)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press(key)
        await app.workers.wait_for_complete()
        await pilot.pause()
        files = sorted(exports.iterdir())
        assert len(files) == 1 and files[0].name.endswith(f"-{log.session_id}-{suffix}")
        assert files[0].read_bytes().startswith(start)
        assert stat.S_IMODE(files[0].stat().st_mode) == 0o600
        assert any("saved:" in message and str(files[0]) in message for message in app.messages)


async def test_print_without_lp_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    empty = tmp_path / "bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    log = open_log(tmp_path)
    app = PreviewApp(log, tmp_path / "exports")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("P")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert any("no printer command (lp)" in message for message in app.messages)
    assert os.environ["PATH"] == str(empty)


async def test_escape_leaves(tmp_path: Path) -> None:
    log = open_log(tmp_path)
    app = PreviewApp(log, tmp_path / "exports")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, PreviewScreen)
