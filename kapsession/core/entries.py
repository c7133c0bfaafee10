"""A session's entries as people see them: their numbers, how far back one may be dated, and
which were written late.

The store numbers events across every session (`seq`); a person counts the entries of one
session: `kapsession show` prints them 1, 2, 3 ... (1 is the opening), and `strike N` and `share N`
take that number. `entry_number` and `entry_seq` map between the two, in one place.

A therapist who opens kapsession twenty minutes into a session records what came before with a
time in the past (`--at 10:05`, `new --started-at 10:05`). Such an entry keeps both times: `at`,
when it happened, and `recorded_at`, when it was written (the store sets it). An entry is late when
it was written more than `LATE_AFTER` after the moment it describes; `show` and the clinical record
print both times for it.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from kapsession.core.errors import InputError

if TYPE_CHECKING:
    from kapsession.core.events import EventBase
    from kapsession.core.state import SessionState

# How far before the session was written an entry (or the session's start) may be dated: a
# session runs two to three hours, so this covers one begun on paper and typed in on the way.
BACKDATE_LIMIT = timedelta(hours=4)

# Written this long after the moment it describes, an entry is a late entry. Under it: the vitals
# line's `@10:42` a few minutes back, or a note that keeps the time its typing began.
LATE_AFTER = timedelta(minutes=10)


def entry_numbers(state: SessionState) -> dict[int, int]:
    """Every stored entry's `seq` -> its number in the session (1 is the opening)."""
    seqs = sorted(event.seq for event in state.events if event.seq is not None)
    return {seq: number for number, seq in enumerate(seqs, start=1)}


def entry_number(state: SessionState, seq: int | None) -> int | None:
    """The number `show` prints for the entry stored as `seq` (None for one not stored)."""
    return None if seq is None else entry_numbers(state).get(seq)


def entry_seq(state: SessionState, number: int) -> int:
    """The stored `seq` of entry `number` of this session, or an InputError saying which exist."""
    seqs = sorted(event.seq for event in state.events if event.seq is not None)
    if not 1 <= number <= len(seqs):
        raise InputError(
            f"there is no entry #{number} in this session: accepted 1-{len(seqs)}, as `kapsession show` numbers them"
        )
    return seqs[number - 1]


def _whole_minute(moment: datetime) -> datetime:
    return moment.replace(second=0, microsecond=0)


def earliest_entry_time(state: SessionState) -> datetime:
    """The earliest moment an entry of this session may be dated: `BACKDATE_LIMIT` before the
    session was written, or its start if that is earlier. To the whole minute, so any clock time
    shown as HH:MM from that minute on is accepted (a time typed in the minute the session was
    made is not "before" it)."""
    opened = state.opened
    written = opened.recorded_at or opened.at
    return _whole_minute(min(opened.at, written - BACKDATE_LIMIT))


def earliest_start(now: datetime) -> datetime:
    """The earliest start a new session may be given (`new --started-at`)."""
    return _whole_minute(now - BACKDATE_LIMIT)


def written_late(state: SessionState, event: EventBase) -> datetime | None:
    """When a late entry was written (None for an entry written at the time, or not stored).
    Never in a practice session: its entries are dated by the practice clock, which runs ahead of
    the wall clock, and a rehearsal resumed days later carries on from its own last entry."""
    recorded = event.recorded_at
    if state.opened.practice or recorded is None or recorded - event.at <= LATE_AFTER:
        return None
    return recorded
