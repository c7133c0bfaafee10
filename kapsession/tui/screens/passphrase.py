"""The passphrase of an encrypted store, asked for at launch in a small, calm dialog.

`run_app` opens the store before the app starts; when the store is encrypted and neither
$KAPSESSION_PASSPHRASE nor the OS keyring has the passphrase, `ask_for_store` runs this dialog on
its own (a tiny app, in the therapist's theme) until the passphrase opens the store, or Escape
leaves. The passphrase is never shown, logged or kept beyond the open store.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual import on, work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from kapsession.core.errors import KapsessionError

PASSPHRASE_CSS = "../passphrase.tcss"


class PassphraseDialog(ModalScreen["Any | None"]):
    """A password field; Enter tries the passphrase, Escape leaves. Dismissed with the open
    EventStore, or None."""

    CSS_PATH = PASSPHRASE_CSS
    BINDINGS = [Binding("escape", "leave", "Leave", id="passphrase.leave")]

    def __init__(self, data_dir: Path) -> None:
        super().__init__()
        self.data_dir = Path(data_dir)
        self.tries = 0

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static("Your sessions are encrypted", id="title")
            yield Static("Type the passphrase to open them.", id="prompt")
            yield Input(password=True, id="passphrase", placeholder="passphrase")
            yield Static("", id="error")
            yield Static("[b]Enter[/b] opens  ·  [b]Escape[/b] leaves", id="hint")

    def on_mount(self) -> None:
        self.query_one("#error", Static).display = False
        self.query_one(Input).focus()

    def action_leave(self) -> None:
        self.dismiss(None)

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        typed = event.value
        if not typed:
            self._say("Type the passphrase, then Enter.")
            return
        field = self.query_one(Input)
        field.disabled = True
        self._say("Opening…", soft=True)
        self._open(typed)

    @work(thread=True, exclusive=True)
    def _open(self, typed: str) -> None:
        """Deriving the key takes a moment (deliberately): off the UI thread."""
        from kapsession.store import EventStore
        from kapsession.store.faults import PassphraseError

        try:
            store = EventStore(self.data_dir, typed)
        except PassphraseError:
            self.app.call_from_thread(self._refused, "That passphrase does not open the store. Try again.")
        except KapsessionError as error:
            self.app.call_from_thread(self._refused, str(error)[:1].upper() + str(error)[1:] + ".")
        else:
            self.app.call_from_thread(self.dismiss, store)

    def _refused(self, message: str) -> None:
        self.tries += 1
        field = self.query_one(Input)
        field.disabled = False
        field.value = ""
        field.focus()
        self._say(message)

    def _say(self, message: str, *, soft: bool = False) -> None:
        error = self.query_one("#error", Static)
        error.update(message)
        error.set_class(soft, "-soft")
        error.display = bool(message)


class PassphraseApp(App["Any | None"]):
    """The dialog alone, before the app itself starts; returns the open store, or None."""

    TITLE = "kapsession"

    def __init__(self, data_dir: Path) -> None:
        super().__init__()
        self.data_dir = Path(data_dir)
        self._use_remembered_theme()

    def _use_remembered_theme(self) -> None:
        """The therapist's theme, so the dialog looks like the app that follows it."""
        try:
            from kapsession.settings import load_settings
            from kapsession.tui.theme_files import default_theme_dirs, load_themes

            themes, _ = load_themes(*default_theme_dirs())
            for theme in themes.values():
                self.register_theme(theme)
            wanted = load_settings().theme or "dim-room"
            self.theme = wanted if wanted in themes else ("dim-room" if "dim-room" in themes else "textual-dark")
        except Exception:
            self.theme = "textual-dark"

    def on_mount(self) -> None:
        self.push_screen(PassphraseDialog(self.data_dir), self.exit)


def ask_for_store(data_dir: Path) -> Any | None:
    """Ask for the passphrase until it opens the store in `data_dir`; the open EventStore, or None
    when the therapist left with Escape."""
    return PassphraseApp(data_dir).run()
