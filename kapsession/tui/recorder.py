"""The one way the screens save: a command becomes an appended event, then a refreshed screen.

    outcome = recorder.record(lambda state, now: commands.draw_card(state, now),
                              saved=lambda events: f"Card drawn: {events[0].card}")

`record` asks the command for its event(s) against the session's state at this moment (so a
change made meanwhile from another terminal, such as a close, is seen), makes each durable with
`SessionLog.record` (durable first, then visible), then hands the stored events to `show` (the
screen redraws from the new state). Anything that stops it (the command refusing what was typed,
the database busy, locked or full, the disk gone) becomes one sentence, made here and only here
(`problem_sentence`), and nothing more is recorded.

Where that sentence is shown is the caller's choice: a dialog or the vitals line shows it next to
what was typed (`tell_problem=False`) and keeps the text; otherwise `tell` shows it (a
notification today). `tell` also says what was saved, when the caller gives words for it (and,
when saving raised an alarm, how loudly).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from kapsession.core.errors import InputError, KapsessionError, NotFoundError, StoreError
from kapsession.core.events import EventBase
from kapsession.core.state import SessionState
from kapsession.store.session_log import SessionLog

Severity = Literal["information", "warning", "error"]
_SAVED: Severity = "information"
Built = EventBase | Sequence[EventBase]
Command = Callable[[SessionState, datetime], Built]
Saved = str | Callable[[tuple[EventBase, ...]], "str | tuple[str, Severity]"] | None

# What can stop a save: what was typed (the core's InputError), the store's own errors, SQLite,
# and the filesystem under it.
RECORD_ERRORS = (KapsessionError, sqlite3.Error, OSError)


def problem_sentence(error: BaseException) -> str:
    """The sentence the therapist sees when something was not saved."""
    if isinstance(error, InputError):
        return _sentence(str(error))  # already says what was wrong and what is accepted
    if isinstance(error, sqlite3.OperationalError) and "locked" in str(error).lower():
        why = "the session's database is busy (another screen or terminal is writing to it)"
    elif isinstance(error, (sqlite3.Error, StoreError)):
        why = f"the session's database could not be written ({error})"
    elif isinstance(error, NotFoundError):
        why = str(error)
    elif isinstance(error, OSError):
        why = f"the data folder could not be written ({error.strerror or error})"
    else:
        why = str(error)
    return f"Not saved: {why}. Nothing was recorded; try again."


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


@dataclass(frozen=True)
class Outcome:
    """What `record` did: the events now durable (in order), and the sentence saying why it
    stopped (None when everything was saved)."""

    events: tuple[EventBase, ...] = ()
    problem: str | None = None

    @property
    def saved(self) -> bool:
        return self.problem is None


class Recorder:
    """`record(command)` for one screen's session.

    `show(events)`: the screen shows the stored events (folds the new state and redraws).
    `tell(sentence, severity)`: a sentence for the therapist (saved, or why not).
    """

    def __init__(
        self, log: SessionLog, show: Callable[[tuple[EventBase, ...]], None], tell: Callable[[str, Severity], None]
    ) -> None:
        self.session_log = log
        self.show = show
        self.tell = tell

    def record(
        self, command: Command, *, saved: Saved = None, tell_problem: bool = True, state: SessionState | None = None
    ) -> Outcome:
        """Build with `command(state, now)`, make durable, show; see the module docstring. With
        several events they are recorded in order, and a problem stops at the one that failed
        (those before it stay recorded and are shown).

        `state`: the session as the caller has just folded it from the events the log holds now,
        for a command that needs only what the events say (a reading: closed or not, when the
        session was created); the fold at the clock's time is then not done again."""
        log = self.session_log
        stored: list[EventBase] = []
        refused: BaseException | None = None
        try:
            built = command(state if state is not None else log.state(), log.now())
            for event in (built,) if isinstance(built, EventBase) else tuple(built):
                stored.append(log.record(event))
        except RECORD_ERRORS as error:
            refused = error
        events = tuple(stored)
        if events:
            self.show(events)
        if refused is not None:
            problem = problem_sentence(refused)
            if tell_problem:
                self.tell(problem, "warning" if isinstance(refused, InputError) else "error")
            return Outcome(events, problem)
        words = saved(events) if callable(saved) else saved
        sentence, severity = words if isinstance(words, tuple) else (words, _SAVED)
        if sentence:
            self.tell(sentence, severity)
        return Outcome(events)
