"""The session's rules, checked on an event against the state it is about to join.

A command (core/commands.py) builds an event from the state a person saw; by the time it is
appended another terminal may have added to the session. So every event is admitted once more,
inside the store's write transaction, against the state folded from the session's latest events
(`SessionLog.record`): a rule holds whatever built the event and however many terminals write.
Each refusal is an InputError sentence, and nothing is recorded.
"""

from __future__ import annotations

from collections.abc import Callable

from kapsession.core.closing import check_close
from kapsession.core.commands import doses_given, further_dose_needs_a_choice
from kapsession.core.errors import InputError
from kapsession.core.events import (
    AlertAcknowledged,
    AlertRaised,
    CardDrawn,
    ChecklistTicked,
    DoseGiven,
    EntryStruck,
    EventBase,
    NoteVisibilityChanged,
    PhaseStarted,
    ScaleRated,
    SessionClosed,
    SessionOpened,
    VitalsRecorded,
)
from kapsession.core.phases import PHASE_TITLES
from kapsession.core.state import SessionState
from kapsession.core.timeparse import format_local

# A command: the state as it is now -> the one event to append (or an InputError).
Command = Callable[[SessionState], EventBase]

# What a closed session no longer takes (notes, intention, strikes, sharing and the next date
# may still be added after discharge, as on paper).
_NOT_AFTER_CLOSE = {
    PhaseStarted: "a phase change",
    VitalsRecorded: "vitals",
    DoseGiven: "a dose",
    ScaleRated: "a rating",
    CardDrawn: "a card",
    ChecklistTicked: "a checklist tick",
    SessionClosed: "a second close",
    AlertRaised: "an alert",
}


def admit(state: SessionState, event: EventBase) -> EventBase:
    """`event` if the session's rules allow it after `state`; otherwise an InputError. Only an
    acknowledgement and the close need `state` at a moment (which alerts are open, whether the
    minimum observation has passed); every other rule reads what the events alone say (a replay's
    base state will do)."""
    if isinstance(event, SessionOpened):
        raise InputError("a session is opened once, when it is created")
    what = _NOT_AFTER_CLOSE.get(type(event))
    if what is not None and state.closed:
        raise InputError(
            f"this session was closed at {format_local(state.closed_at)}; "  # type: ignore[arg-type]
            f"{what} can no longer be added (notes, corrections and the next session are kept as addenda)"
        )
    if isinstance(event, SessionClosed):
        check_close(state, event)
    elif isinstance(event, DoseGiven):
        _dose(state, event)
    elif isinstance(event, CardDrawn):
        if event.card.casefold() in {card.casefold() for card in state.cards}:
            raise InputError(f"the card '{event.card}' was already drawn in this session")
    elif isinstance(event, PhaseStarted):
        _phase(state, event)
    elif isinstance(event, AlertRaised):
        if any(isinstance(earlier, AlertRaised) and earlier.key == event.key for earlier in state.events):
            raise InputError(f"an alert with the key '{event.key}' was already raised in this session")
    elif isinstance(event, AlertAcknowledged):
        if not any(alert.key == event.key for alert in state.open_alerts):
            raise InputError("that alert is no longer open (it was acknowledged, or it settled)")
    elif isinstance(event, EntryStruck):
        if event.target_seq in state.struck:
            raise InputError(f"entry #{event.target_seq} is already struck")
        if not any(existing.seq == event.target_seq for existing in state.events):
            raise InputError(f"there is no entry #{event.target_seq} in this session")
    elif isinstance(event, NoteVisibilityChanged):
        if not any(note.seq == event.note_seq for note in state.notes):
            raise InputError(f"there is no note #{event.note_seq} in this session")
    return event


def _dose(state: SessionState, event: DoseGiven) -> None:
    maximum = state.preset.dosing.max_mg
    total = state.total_dose_mg + event.mg
    if total > maximum:
        raise InputError(
            f"this dose would bring the session total to {total:g} mg, above the preset's maximum of "
            f"{maximum:g} mg (given so far: {state.total_dose_mg:g} mg)"
        )
    if event.booster and not state.doses:
        raise InputError("a booster needs a first dose before it; record the first dose without the booster mark")
    if further_dose_needs_a_choice(state, event.route) and not (event.booster or event.repeat):
        # Another terminal may have recorded a dose since this one was typed as the first.
        raise InputError(
            f"{doses_given(state)} already given; a further dose is recorded only as a booster or an explicit repeat"
        )


def _phase(state: SessionState, event: PhaseStarted) -> None:
    if event.phase == state.phase:
        raise InputError(f"the session is already in {PHASE_TITLES[event.phase]}")
    if state.current_span is not None and event.at < state.current_span.started_at:
        raise InputError(
            f"{PHASE_TITLES[event.phase]} cannot start before the current phase began "
            f"({format_local(state.current_span.started_at)})"
        )
