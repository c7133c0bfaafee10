"""A session as readable lines: what `kapsession show` prints and the clinical record lists."""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from kapsession.core.entries import entry_number, entry_numbers, written_late
from kapsession.core.events import (
    AdverseEventRecorded,
    AdverseEventResolved,
    AlertAcknowledged,
    AlertRaised,
    CardDrawn,
    ChecklistTicked,
    DischargeCriterionWaived,
    DoseGiven,
    EntryStruck,
    EventBase,
    FormAnswerConfirmed,
    InfusionPaused,
    InfusionRateChanged,
    InfusionResumed,
    InfusionStopped,
    IntentionSet,
    MedicationGiven,
    NextSessionSet,
    NoteVisibilityChanged,
    NoteWritten,
    PhaseStarted,
    PreDoseDecision,
    QuestionnaireAnswered,
    SafetyCheckRecorded,
    ScaleRated,
    ScreeningAnswered,
    SessionClosed,
    SessionOpened,
    VitalsRecorded,
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


DECISION_WORDS = {"proceed": "go ahead", "defer": "defer", "cancel": "cancel"}
ADVERSE_WORDS = {
    "respiratory-depression": "respiratory depression",
    "excessive-sedation": "excessive sedation",
    "distressing-dissociation": "distressing dissociation or emergence reaction",
}


def describe_dose(event: DoseGiven, drug: str | None = None, *, with_drug: bool = True) -> str:
    """`56 mg esketamine IN (0.70 mg/kg) 2 devices lot ABC1`; `drug` for a dose recorded before
    doses named theirs (the preset's); `with_drug=False` where the drug goes without saying (the
    live screen's dose line, beside the preset's name)."""
    named = (event.drug or drug) if with_drug else None
    parts = [f"{event.mg:g} mg" + (f" {named}" if named else "") + f" {ROUTE_SHORT.get(event.route, event.route)}"]
    if event.infusion_minutes:
        parts.append(
            f"infusion over {event.infusion_minutes:g} min ({event.mg / event.infusion_minutes * 60:.3g} mg/h)"
        )
    if event.mg_per_kg is not None:
        parts.append(f"({event.mg_per_kg:.2f} mg/kg)")
    if event.devices:
        parts.append(f"{event.devices} device{'s' if event.devices > 1 else ''}")
    if event.site:
        parts.append(f"site {event.site}")
    if event.lot:
        parts.append(f"lot {event.lot}")
    if event.booster:
        parts.append("booster")
    return " ".join(parts)


def describe_medication(event: MedicationGiven) -> str:
    text = f"{event.name} {event.amount:g} {event.unit}" + (f" {event.route}" if event.route else "")
    return text + (f" ({event.reason})" if event.reason else "")


def adverse_words(kind: str) -> str:
    return ADVERSE_WORDS.get(kind, kind)


def describe_adverse(event: AdverseEventRecorded) -> str:
    parts = [f"{adverse_words(event.kind)}, {event.severity}" + (f": {event.detail}" if event.detail else "")]
    if event.action:
        parts.append(f"action: {event.action}")
    if event.outcome:
        parts.append(f"outcome: {event.outcome}")
    return "; ".join(parts)


def _screening(event: ScreeningAnswered, state: SessionState) -> str:
    from kapsession.core.screening import is_stop

    question = next((q for q in state.preset.screening_questions if q.key == event.question), None)
    stop = " (STOP AND DECIDE)" if question is not None and is_stop(question, event.answer) else ""
    return f"{event.text} {event.answer}{stop}"


def describe_questionnaire(event: QuestionnaireAnswered) -> str:
    """`PHQ-9 14 (moderate) · answers 1 2 0 1 2 1 0 1 0`, flagged when item 9 is above 0."""
    from kapsession.core.questionnaires import instrument

    form = instrument(event.instrument)
    total = sum(event.answers)
    flag = f" \u00b7 ALERT item {form.safety_item} answered" if form.safety_flagged(event.answers) else ""
    by = " (by the client)" if event.by_client else ""
    return (
        f"{form.title} {total} ({form.band(total).words}){by} \u00b7 answers "
        f"{' '.join(str(a) for a in event.answers)}{flag}"
    )


def describe(event: EventBase, state: SessionState) -> tuple[str, str]:
    """(label, text) for one event."""
    if isinstance(event, SessionOpened):
        extra = f", planned {event.planned_dose_mg:g} mg" if event.planned_dose_mg else ""
        practice = " (PRACTICE)" if event.practice else ""
        return "opened", f"{event.client.name}, {event.preset}, session {event.series_number}{extra}{practice}"
    if isinstance(event, PhaseStarted):
        return "phase", PHASE_TITLES[event.phase]
    if isinstance(event, DoseGiven):
        return "dose", describe_dose(event, state.drug_of(event))
    if isinstance(event, InfusionRateChanged):
        return "infusion", f"rate {event.mg_per_hour:g} mg/h"
    if isinstance(event, InfusionPaused):
        return "infusion", "paused" + (f": {event.reason}" if event.reason else "")
    if isinstance(event, InfusionResumed):
        return "infusion", "resumed"
    if isinstance(event, InfusionStopped):
        dose = next((d for d in state.events if isinstance(d, DoseGiven) and d.seq == event.dose_seq), None)
        planned = f" of {dose.mg:g}" if dose is not None else ""
        return "infusion", f"stopped: {event.delivered_mg:g}{planned} mg delivered" + (
            f" (stopped early: {event.reason})" if event.reason else ""
        )
    if isinstance(event, MedicationGiven):
        return "medicine", describe_medication(event)
    if isinstance(event, AdverseEventRecorded):
        return "adverse", describe_adverse(event)
    if isinstance(event, AdverseEventResolved):
        found = next((a for a in state.adverse if a.seq == event.event_seq), None)
        what = adverse_words(found.kind) if found else "adverse event"
        return "resolved", (
            f"#{entry_number(state, event.event_seq)} {what} resolved" + (f": {event.outcome}" if event.outcome else "")
        )
    if isinstance(event, ScreeningAnswered):
        return "screening", _screening(event, state)
    if isinstance(event, PreDoseDecision):
        short = f" (short: {'; '.join(event.short)})" if event.short else ""
        return "decision", f"{DECISION_WORDS[event.decision]} before the first dose: {event.reason}{short}"
    if isinstance(event, DischargeCriterionWaived):
        return "discharge", f"may leave without the {event.criterion} criterion met: {event.reason}"
    if isinstance(event, FormAnswerConfirmed):
        return (
            "form",
            f"{event.field.replace('-', ' ')} seen: {event.answer} (confirmed)"
            if event.field != "first-treatment"
            else f"first treatment: {event.answer} (confirmed)",
        )
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
        return (
            "shared" if event.visibility == "shareable" else "unshared",
            f"note #{entry_number(state, event.note_seq)} made {event.visibility}",
        )
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
        if event.unmet:
            reason = f" with {'; '.join(event.unmet)} not met: {event.early_reason}"
        else:
            reason = f" (before minimum observation: {event.early_reason})" if event.early_reason else ""
        return "closed", f"session closed{reason}"
    return event.type, ""


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
        lines.append(
            TimelineLine(
                event.seq,
                event.at,
                t_plus,
                label,
                text,
                private,
                state.struck.get(event.seq) if event.seq is not None else None,
                numbers.get(event.seq) if event.seq is not None else None,
                written_late(state, event),
            )
        )
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
    if state.doses and state.first_dose_at is not None:
        drugs = sorted({state.drug_of(dose) for dose in state.doses})
        header.append(
            f"Dose:    {state.total_dose_mg:g} mg {' and '.join(drugs)} total, first at "
            f"{format_local(state.first_dose_at)}"
        )
    running = state.running_infusion
    if running is not None:
        now = state.clock_now
        status = "paused" if running.paused else "running"
        header.append(
            f"Infusion: {status}, {running.mg_so_far(now):.1f} of {running.planned_mg:g} mg so far, "
            f"{running.mg_per_hour:g} mg/h"
        )
    if state.medications:
        header.append("Medicines: " + "; ".join(describe_medication(m) for m in state.medications))
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
    if state.open_adverse:
        footer.append("Adverse events not resolved:")
        footer += [f"  #{entry_number(state, a.seq)} {adverse_words(a.kind)}, {a.severity}" for a in state.open_adverse]
    if open_alerts:
        footer.append("Open alerts:")
        footer += [f"  {alert.word.upper():<6} {alert.message}" for alert in open_alerts]
    return "\n".join(header + [""] + body + ([""] + footer if footer else [])) + "\n"
