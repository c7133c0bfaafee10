"""The notes log: timestamped, newest first (so the latest is always in view), and every note
says in a word whether it is private or may go in the client's summary."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll

from kapsession.core.state import NoteView, SessionState
from kapsession.core.timeparse import format_local
from kapsession.tui.widgets.state_text import StateText, hang

KIND_WORDS = {
    "observation": "",
    "client-words": "client's words: ",
    "intervention": "intervention: ",
    "side-effect": "side effect: ",
    "other": "",
}
PRIVATE_TAG = "[$note-private]private[/]  "
SHAREABLE_TAG = "[b $note-shareable]SHARE ✓[/]  "


def note_text(note: NoteView, width: int = 200) -> str:
    """`09:43 SHARE ✓  client's words: “I am allowed to rest”`, wrapped under the tag."""
    tag = SHAREABLE_TAG if note.shareable else PRIVATE_TAG
    body = note.text
    if note.kind == "client-words":
        body = f"“{body}”"
    kind = KIND_WORDS.get(note.kind, "")
    kind = f"[$text-muted]{kind}[/]" if kind else ""
    return hang(f"[$text-muted]{format_local(note.at)}[/] {tag}{kind}", body, width, indent=6)


def notes_text(state: SessionState, width: int = 200) -> str:
    if not state.notes:
        return "[$text-muted]no notes yet: [b]n[/b] writes one (private unless you mark it to share)[/]"
    return "\n".join(note_text(note, width) for note in reversed(state.notes))


class NotesText(StateText):
    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.state: SessionState | None = None

    def compose_text(self, width: int) -> str | None:
        return None if self.state is None else notes_text(self.state, width)


class NotesLog(VerticalScroll, can_focus=False):
    def compose(self) -> ComposeResult:
        yield NotesText(id="notes-text")

    def on_mount(self) -> None:
        self.border_title = "Notes (newest first)"
        self._key: tuple | None = None

    def show_state(self, state: SessionState) -> None:
        key = tuple((n.seq, n.visibility, n.at) for n in state.notes)
        if key == self._key:
            return
        self._key = key
        text = self.query_one(NotesText)
        text.state = state
        text.recompute()
        self.scroll_home(animate=False)
