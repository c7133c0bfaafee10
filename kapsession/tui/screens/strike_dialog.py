"""Correcting from the live screen (`u`): choose an entry, give the reason, and it is struck (an
event of its own: the entry stays in the record, drawn struck, never deleted). "Strike and enter
again" then opens that kind of entry filled in with what was there, at its own time, to be put
right and saved as the correction.

Every entry a person made can be chosen, newest first, except the opening, the close and the
strikes themselves; entries already struck are not offered again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from kapsession.core import commands
from kapsession.core.entries import entry_numbers
from kapsession.core.errors import InputError
from kapsession.core.events import EntryStruck, EventBase, SessionClosed, SessionOpened
from kapsession.core.state import SessionState
from kapsession.core.text_rule import visible
from kapsession.core.timeline import describe
from kapsession.core.timeparse import format_local
from kapsession.store.session_log import SessionLog
from kapsession.tui.screens.dialogs import Dialog


@dataclass(frozen=True)
class StrikeEntry:
    """Strike the entry stored as `target_seq` for `reason`; `enter_again`: then open that kind of
    entry filled in with what it held, to record the correction."""

    target_seq: int
    reason: str
    enter_again: bool = False

    def command(self, state: SessionState, now: datetime) -> EventBase:
        return commands.strike(state, self.target_seq, self.reason, now)


def strikable(state: SessionState) -> list[EventBase]:
    """The entries that can be struck, newest (by clinical time) first."""
    return sorted(
        (
            event
            for event in state.events
            if event.seq is not None
            and event.seq not in state.struck
            and not isinstance(event, (SessionOpened, SessionClosed, EntryStruck))
        ),
        key=lambda event: (event.at, event.seq or 0),
        reverse=True,
    )


def entry_line(state: SessionState, event: EventBase, numbers: dict[int, int]) -> Content:
    """`#12  09:40  vitals  128/84 HR 76 SpO2 98%`, as `show` words it."""
    label, text = describe(event, state)
    number = numbers.get(event.seq or 0)
    return Content.assemble(
        (f"#{number:<3} ", "$text-muted"),
        f"{format_local(event.at)}  ",
        (f"{label:<9}", "b"),
        " ",
        visible(" ".join(text.split())),
    )


class StrikeDialog(Dialog["StrikeEntry | None"]):
    BINDINGS = [
        Binding("ctrl+e", "strike(True)", "Strike and enter again", id="strike.again", priority=True),
    ]

    def __init__(self, log: SessionLog, *, entry: StrikeEntry | None = None, problem: str | None = None) -> None:
        super().__init__()
        self.session_log = log
        self.state = log.state()
        self.choices = strikable(self.state)
        self.chosen_seq = entry.target_seq if entry else None
        self.reason = entry.reason if entry else ""
        self.problem = problem

    def compose(self) -> ComposeResult:
        numbers = entry_numbers(self.state)
        with Vertical(id="dialog"):
            yield Static("Which entry is wrong? (newest first; ↑ ↓ to choose)", classes="help")
            yield OptionList(
                *(Option(entry_line(self.state, event, numbers), id=str(event.seq)) for event in self.choices),
                id="strike-entries",
            )
            yield Input(
                self.reason,
                placeholder="why it is struck, e.g. entered in error: wrong time",
                id="strike-reason",
                max_length=500,
            )
            yield Static("", id="error", classes="error")
            yield Static(
                "[b]Enter[/b] strikes · [b]ctrl+e[/b] strikes and enters it again, corrected · "
                "[b]Escape[/b] leaves, nothing struck",
                classes="hint",
            )

    def on_mount(self) -> None:
        self.query_one("#dialog").border_title = "Strike or correct an entry"
        entries = self.query_one("#strike-entries", OptionList)
        if not self.choices:
            self.show_error("There is no entry to strike yet.", soft=True)
            return
        index = 0
        if self.chosen_seq is not None:
            index = next((i for i, e in enumerate(self.choices) if e.seq == self.chosen_seq), 0)
        entries.highlighted = index
        self.show_error(self.problem or "")
        (self.query_one("#strike-reason", Input) if self.problem else entries).focus()

    @on(OptionList.OptionSelected, "#strike-entries")
    def _chosen(self) -> None:
        self.query_one("#strike-reason", Input).focus()

    @on(Input.Submitted, "#strike-reason")
    def _reason_given(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_strike(False)

    def action_strike(self, enter_again: bool) -> None:
        entries = self.query_one("#strike-entries", OptionList)
        if entries.highlighted is None or not self.choices:
            self.show_error("Choose the entry to strike first (↑ ↓).")
            entries.focus()
            return
        target = self.choices[entries.highlighted]
        entry = StrikeEntry(target.seq or 0, self.query_one("#strike-reason", Input).value, enter_again)
        try:
            entry.command(self.session_log.state(), self.session_log.now())  # the command line's rules
        except InputError as error:  # said here, with what was typed kept
            self.show_error(str(error))
            self.query_one("#strike-reason", Input).focus()
            return
        self.dismiss(entry)
