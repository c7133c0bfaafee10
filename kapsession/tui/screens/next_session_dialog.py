"""The next session's date and time, from the live screen (`N`) or the summary preview (`N`).

The same words as `kapsession add ID next-session` ('in 3 days at 10:00', 'in 1 week', 'tue 14:00',
2026-03-09 10:00); as it is typed the line under it says the day and time it would be, or why not.
Dismisses with a `NextSessionEntry` (the recorder records it), or None on Escape. A session closed
already may still have its next session set: the summary prints it.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Input, Static

from kapsession.core import commands
from kapsession.core.errors import InputError
from kapsession.core.events import EventBase, NextSessionSet
from kapsession.core.timeparse import to_local
from kapsession.store.session_log import SessionLog
from kapsession.tui.dialog_entries import NextSessionEntry
from kapsession.tui.screens.dialogs import ESCAPE_HINT, EntryDialog


def when_words(event: NextSessionSet) -> str:
    """`Tue 9 Dec 2026 at 10:00`."""
    local = to_local(event.when)
    return f"{local:%a} {local.day} {local:%b %Y} at {local:%H:%M}"


def next_session_saved(events: tuple[EventBase, ...]) -> str:
    chosen = next((event for event in events if isinstance(event, NextSessionSet)), None)
    return f"Next session: {when_words(chosen)}." if chosen is not None else ""


class NextSessionDialog(EntryDialog[NextSessionEntry]):
    def __init__(self, log: SessionLog, *, entry: NextSessionEntry | None = None, problem: str | None = None) -> None:
        super().__init__(log, problem)
        self.typed = entry.text if entry else ""

    def compose(self) -> ComposeResult:
        state = self.session_log.state()
        current = (
            f"Set now: {when_words(NextSessionSet(at=state.next_session_at, when=state.next_session_at))}."
            if state.next_session_at
            else "Not set yet."
        )
        with Vertical(id="dialog"):
            yield Static(
                Content.styled(
                    current + " 'in 3 days at 10:00', 'in 1 week', 'tue 14:00' or 2026-03-09 10:00", "$text-muted"
                ),
                classes="help",
            )
            yield Input(self.typed, id="next-session-text", placeholder="in 2 weeks at 10:00", max_length=60)
            yield Static("", id="next-session-when", classes="help")
            yield Static("", id="error", classes="error")
            yield Static(f"[b]Enter[/b] saves · {ESCAPE_HINT}", classes="hint")

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#dialog").border_title = "Next session"
        self._show_when(self.typed)

    def entry(self) -> NextSessionEntry:
        return NextSessionEntry(self.query_one("#next-session-text", Input).value)

    @on(Input.Changed, "#next-session-text")
    def _typed(self, event: Input.Changed) -> None:
        self._show_when(event.value)

    def _show_when(self, text: str) -> None:
        line = self.query_one("#next-session-when", Static)
        if not text.strip():
            line.update("")
            return
        log = self.session_log
        try:
            event = commands.set_next_session(log.state(), text, log.now())
        except InputError:
            line.update(Content.styled("(not a date yet)", "$text-muted"))
            return
        line.update(Content.assemble("= ", (when_words(event), "b")))
