"""A session as readable lines: what `kapsession show` prints and the clinical record lists."""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from kapsession.core.entries import entry_number, entry_numbers, written_late
from kapsession.core.events import (
    AlertAcknowledged, AlertRaised, CardDrawn, ChecklistTicked, DoseGiven, EntryStruck, EventBase,
    IntentionSet, NextSessionSet, NoteVisibilityChanged, NoteWritten, PhaseStarted, QuestionnaireAnswered,
    SafetyCheckRecorded, ScaleRated, SessionClosed, SessionOpened, VitalsRecorded,
)
from kapsession.core.phases import PHASE_TITLES
from kapsession.core.scales import SCALES
from kapsession.core.state import SessionState
from kapsession.core.timeparse import format_duration, format_local

ROUTE_SHORT = {"sublingual": "SL", "intramuscular": "IM", "intravenous": "IV", "intranasal": "IN"}


class TimelineLine(NamedTuple):
    seq: int | None
    at: datetime
    t_plus: str  # "T+12:30", "T-5:00" or "" before any dose
    label: str
    text: str
    private: bool = False
    struck_reason: str | None = None
    number: int | None = None  # the entry's number in the session (core/entries.py)
    written_at: datetime | None = None  # when a late entry was written (None: at the time)


def describe_dose(event: DoseGiven) -> str:
    parts = [f"{event.mg:g} mg {ROUTE_SHORT.get(event.route, event.route)}"]
    if event.mg_per_kg is not None:
        parts.append(f"({event.mg_per_kg:.2f} mg/kg)")
    if event.devices:
        parts.append(f"{event.devices} device{'s' if event.devices > 1 else ''}")
    if event.site:
        parts.append(f"site {event.site}")
    if event.booster:
        parts.append("booster")
    return " ".join(parts)


def describe_questionnaire(event: QuestionnaireAnswered) -> str:
    """`PHQ-9 14 (moderate) · answers 1 2 0 1 2 1 0 1 0`, flagged when item 9 is above 0."""
    from kapsession.core.questionnaires import instrument

    form = instrument(event.instrument)
    total = sum(event.answers)
    flag = f" \u00b7 ALERT item {form.safety_item} answered" if form.safety_flagged(event.answers) else ""
    by = " (by the client)" if event.by_client else ""
    return (f"{form.title} {total} ({form.band(total).words}){by} \u00b7 answers "
            f"{' '.join(str(a) for a in event.answers)}{flag}")


def describe(event: EventBase, state: SessionState) -> tuple[str, str]:
    """(label, text) for one event."""
    if isinstance(event, SessionOpened):
        extra = f", planned {event.planned_dose_mg:g} mg" if event.planned_dose_mg else ""
        practice = " (PRACTICE)" if event.practice else ""
        return "opened", f"{event.client.name}, {event.preset}, session {event.series_number}{extra}{practice}"
    if isinstance(event, PhaseStarted):
        return "phase", PHASE_TITLES[event.phase]
    if isinstance(event, DoseGiven):
        return "dose", describe_dose(event)
    if isinstance(event, VitalsRecorded):
        return "vitals", event.reading.describe()
    if isinstance(event, ScaleRated):
        return "scale", f"{SCALES[event.scale].title} {event.value}"
    if isinstance(event, NoteWritten):
        note = next((n for n in state.notes if n.seq == event.seq), None)
        visibility = note.visibility if note else event.visibility
        kind = "" if event.kind == "observation" else f"({event.kind}) "
        mark = "[private] " if visibility == "private" else "[shareable] "
        text = f"\u201c{event.text}\u201d" if event.kind == "client-words" else event.text
        return "note", f"{mark}{kind}{text}"
    if isinstance(event, NoteVisibilityChanged):
        return ("shared" if event.visibility == "shareable" else "unshared",
                f"note #{entry_number(state, event.note_seq)} made {event.visibility}")
    if isinstance(event, IntentionSet):
        return "intention", event.text
    if isinstance(event, CardDrawn):
        return "card", event.card
    if isinstance(event, ChecklistTicked):
        return "checklist", f"{event.checklist}: {'✓' if event.done else 'unticked'} {event.item}"
    if isinstance(event, AlertRaised):
        return "alert", event.message
    if isinstance(event, AlertAcknowledged):
        alert = next((a for a in state.alerts if a.key == event.key), None)
        what = alert.message if alert else event.key
        return "ack", f"acknowledged: {what}"
    if isinstance(event, EntryStruck):
        return "struck", f"#{entry_number(state, event.target_seq)} struck: {event.reason}"
    if isinstance(event, NextSessionSet):
        return "next", f"next session {event.when.astimezone():%a %d %b %Y %H:%M}"
    if isinstance(event, QuestionnaireAnswered):
        return "score", describe_questionnaire(event)
    if isinstance(event, SafetyCheckRecorded):
        note = next((n for n in state.notes if n.seq == event.seq), None)
        visibility = note.visibility if note else event.visibility
        return "safety", f"[{visibility}] safety check: {event.text}"
    if isinstance(event, SessionClosed):
        reason = f" (before minimum observation: {event.early_reason})" if event.early_reason else ""
        return "closed", f"session closed{reason}"
    return event.type, ""  # type: ignore[attr-defined]


def timeline(state: SessionState) -> list[TimelineLine]:
    """Every event in clinical-time order, struck ones kept and marked (nothing is hidden)."""
    first = state.first_dose_at
    numbers = entry_numbers(state)
    lines = []
    for event in sorted(state.events, key=lambda e: (e.at, e.seq or 0)):
        label, text = describe(event, state)
        t_plus = ""
        if first is not None:
            delta = event.at - first
            t_plus = ("T+" if delta.total_seconds() >= 0 else "T-") + format_duration(abs(delta))
        private = isinstance(event, (NoteWritten, SafetyCheckRecorded)) and "[private]" in text[:10]
        lines.append(TimelineLine(event.seq, event.at, t_plus, label, text, private,
                                  state.struck.get(event.seq) if event.seq is not None else None,
                                  numbers.get(event.seq) if event.seq is not None else None,
                                  written_late(state, event)))
    return lines


def render_text(state: SessionState, session_id: str) -> str:
    """The plain-text timeline printed by `kapsession show`."""
    opened = state.opened
    header = [
        f"Session {session_id}{'  PRACTICE' if opened.practice else ''}",
        f"Client:  {opened.client.name}" + (f"  ({opened.client.weight_kg:g} kg)" if opened.client.weight_kg else ""),
        f"Preset:  {state.preset.name} ({state.preset.title}), session {opened.series_number}"
        + (f" of {opened.series_length}" if opened.series_length else ""),
        f"State:   {'closed ' + format_local(state.closed_at) if state.closed_at else (PHASE_TITLES[state.phase] if state.phase else 'planned, not started')}",
    ]
    if state.doses:
        header.append(f"Dose:    {state.total_dose_mg:g} mg total, first at {format_local(state.first_dose_at)}")  # type: ignore[arg-type]
    if state.intention:
        header.append(f"Intention: {state.intention}")
    if state.cards:
        header.append(f"Cards:   {'; '.join(state.cards)}")
    body = []
    for line in timeline(state):
        number = f"#{line.number}" if line.number is not None else ""
        text = line.text if line.struck_reason is None else f"~{line.text}~ [struck: {line.struck_reason}]"
        if line.written_at is not None:
            text += f"  (late entry, written {format_local(line.written_at)})"
        body.append(f"{format_local(line.at)}  {line.t_plus:>10}  {number:>5}  {line.label:<9} {text}")
    open_alerts = state.open_alerts
    footer = []
    if open_alerts:
        footer.append("Open alerts:")
        footer += [f"  {alert.word.upper():<6} {alert.message}" for alert in open_alerts]
    return "\n".join(header + [""] + body + ([""] + footer if footer else [])) + "\n"
