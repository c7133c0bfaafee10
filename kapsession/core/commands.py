"""Commands: what a person asked for, checked against the session, turned into one event.

Each function returns an event ready to be appended, or raises InputError with a sentence that
says what was wrong and what is accepted; nothing is recorded from a refused command. The caller
(command line or screen) hands the command to `SessionLog.record`, which runs it inside the store's
write transaction on the session's latest state, and checks the event with core/rules.py there.
"""

from __future__ import annotations

import random
import re
from datetime import UTC, datetime, timedelta

from kapsession.core import text_rule
from kapsession.core.entries import earliest_entry_time, earliest_start, entry_number
from kapsession.core.errors import InputError
from kapsession.core.events import (
    ADVERSE_KINDS,
    NOTE_KINDS,
    SEVERITIES,
    AdverseEventRecorded,
    AdverseEventResolved,
    AlertAcknowledged,
    AlertRaised,
    CardDrawn,
    ChecklistTicked,
    Client,
    DischargeCriterionWaived,
    DoseGiven,
    EntryStruck,
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
from kapsession.core.phases import PHASE_TITLES, next_phase, parse_phase
from kapsession.core.protocol import Preset
from kapsession.core.scales import parse_scale_name, parse_scale_value
from kapsession.core.state import SEDATION_CRITERION, SessionState, sedation_short
from kapsession.core.timeparse import format_local, parse_entry_time
from kapsession.core.vitals import VitalsReading, parse_vitals, split_backdate

ROUTE_ALIASES = {
    "sl": "sublingual",
    "troche": "sublingual",
    "sublingual": "sublingual",
    "lozenge": "sublingual",
    "im": "intramuscular",
    "intramuscular": "intramuscular",
    "injection": "intramuscular",
    "iv": "intravenous",
    "intravenous": "intravenous",
    "infusion": "intravenous",
    "in": "intranasal",
    "intranasal": "intranasal",
    "nasal": "intranasal",
    "spray": "intranasal",
}


def _parse_number(text: str | float, what: str, low: float, high: float, unit: str) -> float:
    if isinstance(text, (int, float)):
        value = float(text)
    else:
        cleaned = text.strip().lower().removesuffix(unit.lower()).strip()
        if not re.fullmatch(r"-?\d{1,4}(\.\d{1,3})?", cleaned, re.ASCII):
            raise InputError(f"{what} '{text.strip()}' is not a number: accepted {low:g}-{high:g} {unit}")
        value = float(cleaned)
    if not low <= value <= high:
        raise InputError(f"{what} {value:g} is out of range: accepted {low:g}-{high:g} {unit}")
    return value


def open_session(
    *,
    client_name: str,
    preset: Preset,
    now: datetime,
    weight_kg: str | float | None = None,
    planned_dose_mg: str | float | None = None,
    series_number: int = 1,
    series_length: int | None = None,
    previous_dose_mg: float | None = None,
    practice: bool = False,
    scenario: str | None = None,
) -> SessionOpened:
    name = text_rule.cleaned(client_name, text_rule.CLIENT_NAME)
    if not name:
        raise InputError(f"the client's name or initials are needed: accepted: {text_rule.CLIENT_NAME.accepted}")
    weight = None if weight_kg in (None, "") else _parse_number(weight_kg, "weight", 20, 350, "kg")
    dose = (
        None
        if planned_dose_mg in (None, "")
        else _parse_number(planned_dose_mg, "planned dose", 1, preset.dosing.max_mg, "mg")
    )
    return SessionOpened(
        at=now,
        client=Client(name=name, weight_kg=weight),
        preset=preset.name,
        series_number=series_number,
        series_length=series_length,
        planned_dose_mg=dose,
        previous_dose_mg=previous_dose_mg,
        practice=practice,
        scenario=scenario,
    )


def _entry_time(state: SessionState, now: datetime, at_text: str | None) -> datetime:
    if not at_text:
        return now
    moment = parse_entry_time(at_text, now)
    earliest = earliest_entry_time(state)
    if moment < earliest:
        raise InputError(
            f"{at_text.strip()} is too far back for this session; accepted: a time from "
            f"{format_local(earliest)} (four hours before it was written) until now"
        )
    return moment


def entry_time(state: SessionState, now: datetime, at_text: str | None) -> datetime:
    """When an entry happened: now, or a typed backdate (never in the future, never earlier than
    `entries.earliest_entry_time`; one written late keeps both times, see core/entries.py)."""
    return _entry_time(state, now, at_text)


def session_start(now: datetime, at_text: str | None) -> datetime:
    """When a new session began: now, or a typed time up to four hours back (`new --started-at`)."""
    if not at_text:
        return now
    moment = parse_entry_time(at_text, now)
    earliest = earliest_start(now)
    if moment < earliest:
        raise InputError(
            f"{at_text.strip()} is more than four hours ago; accepted: a start from {format_local(earliest)} until now"
        )
    return moment


def _not_closed(state: SessionState, what: str) -> None:
    if state.closed:
        raise InputError(f"this session was closed at {format_local(state.closed_at)}; {what} can no longer be added")  # type: ignore[arg-type]


ANY_PHASE = "any"


def start_phase(
    state: SessionState, which: str, now: datetime, at_text: str | None = None, *, from_phase: str | None = ANY_PHASE
) -> PhaseStarted:
    """`which`: a phase name, or `next` (one phase on from the current one). `from_phase`: the
    phase the person saw when they asked (a screen's "Move from Intake to Intention?"); if another
    terminal has moved the session since, nothing is changed."""
    _not_closed(state, "a phase change")
    if from_phase != ANY_PHASE and state.phase != from_phase:
        now_in = PHASE_TITLES[state.phase] if state.phase else "no phase"
        raise InputError(f"the session is now in {now_in} (moved from another screen); nothing was changed")
    if which.strip().lower() in ("next", "n", ""):
        phase = next_phase(state.phase)
        if phase is None:
            raise InputError(
                "this is already the last phase (integration talk); close the session from the discharge checklist"
            )
    else:
        phase = parse_phase(which)
    if phase == state.phase:
        raise InputError(f"the session is already in {PHASE_TITLES[phase]}")
    at = _entry_time(state, now, at_text)
    if state.current_span is not None and at < state.current_span.started_at:
        raise InputError(
            f"{PHASE_TITLES[phase]} cannot start before the current phase began ({format_local(state.current_span.started_at)})"
        )
    return PhaseStarted(at=at, phase=phase)


def record_vitals(state: SessionState, text: str, now: datetime, at_text: str | None = None) -> VitalsRecorded:
    """`text` may end with `@10:42` to backdate, as typed on the vitals line."""
    _not_closed(state, "vitals")
    body, suffix = split_backdate(text)
    if suffix is not None and at_text:
        raise InputError("give the time once: either '@10:42' in the line or --at, not both")
    reading: VitalsReading = parse_vitals(body)
    return VitalsRecorded(at=_entry_time(state, now, suffix or at_text), reading=reading)


def give_dose(
    state: SessionState,
    mg: str | float,
    now: datetime,
    *,
    route: str | None = None,
    devices: str | int | None = None,
    booster: bool = False,
    site: str | None = None,
    at_text: str | None = None,
    lot: str | None = None,
    over_minutes: str | float | None = None,
    rate_mg_per_hour: str | float | None = None,
) -> DoseGiven:
    """A dose of the preset's drug. An intravenous dose runs as an infusion over `over_minutes`
    (or at `rate_mg_per_hour`; by default the preset's infusion minutes). The pre-dose gate is
    checked apart (`check_predose_gate`), so a refused gate never hides a mistyped dose."""
    _not_closed(state, "a dose")
    preset = state.preset
    amount = _parse_number(mg, "dose", 0.5, preset.dosing.max_mg, "mg")
    chosen_route = preset.route
    if route:
        key = route.strip().lower()
        if key not in ROUTE_ALIASES:
            raise InputError(f"'{route}' is not a route: accepted sublingual, intramuscular, intravenous, intranasal")
        chosen_route = ROUTE_ALIASES[key]  # type: ignore[assignment]
    device_count: int | None = None
    per = preset.timers.mg_per_device
    if devices not in (None, ""):
        if chosen_route != "intranasal":
            raise InputError(f"a device count belongs to a nasal-spray dose, not a {chosen_route} one")
        count = _parse_number(devices, "device count", 1, 6, "devices")
        if not count.is_integer():
            raise InputError(f"device count {count:g} is not a whole number: accepted 1-6 devices")
        device_count = int(count)
    if chosen_route == "intranasal" and per:
        if amount % per:
            raise InputError(
                f"an esketamine dose is counted in devices of {per:g} mg: accepted {per:g}, {2 * per:g}, {3 * per:g} …"
            )
        if device_count is not None and device_count * per != amount:
            raise InputError(
                f"{device_count} device(s) of {per:g} mg make {device_count * per:g} mg, not {amount:g} mg"
            )
        device_count = int(amount // per)
    total = state.total_dose_mg + amount
    if total > preset.dosing.max_mg:
        raise InputError(
            f"this dose would bring the session total to {total:g} mg, above the preset's maximum of "
            f"{preset.dosing.max_mg:g} mg (given so far: {state.total_dose_mg:g} mg)"
        )
    if booster and not state.doses:
        raise InputError("a booster needs a first dose before it; record the first dose without the booster mark")
    if booster and (not preset.allows_boosters or chosen_route != preset.route):
        raise InputError(
            f"a booster belongs to a route with a booster window; this {chosen_route} dose ({preset.name}) has none"
        )
    running = state.running_infusion
    if running is not None:
        raise InputError(
            f"the infusion started at {format_local(running.started_at)} has not been stopped; "
            "stop it (or change its rate) before another dose"
        )
    infusion_minutes = _infusion_minutes(
        preset.dosing.infusion_minutes, amount, chosen_route, over_minutes, rate_mg_per_hour
    )
    cleaned_lot = text_rule.cleaned(lot, text_rule.LOT)
    weight = state.opened.client.weight_kg
    return DoseGiven(
        at=_entry_time(state, now, at_text),
        route=chosen_route,
        mg=amount,
        mg_per_kg=round(amount / weight, 3) if weight else None,
        site=text_rule.cleaned(site, text_rule.SITE) or None,
        devices=device_count,
        booster=booster,
        drug=preset.drug,
        lot=cleaned_lot or None,
        infusion_minutes=infusion_minutes,
    )


def _infusion_minutes(
    default: int | None, mg: float, route: str, over: str | float | None, rate: str | float | None
) -> float | None:
    given_over = over not in (None, "")
    given_rate = rate not in (None, "")
    if route != "intravenous":
        if given_over or given_rate:
            raise InputError(f"an infusion time or rate belongs to an intravenous dose, not a {route} one")
        return None
    if given_over and given_rate:
        raise InputError("give the infusion time or its rate, not both")
    if given_rate:
        per_hour = _parse_number(rate, "infusion rate", 1, 1000, "mg/h")  # type: ignore[arg-type]
        minutes = mg / per_hour * 60
        if not 1 <= minutes <= 600:
            raise InputError(f"{mg:g} mg at {per_hour:g} mg/h would run {minutes:.0f} min: accepted 1-600 min")
        return round(minutes, 2)
    if given_over:
        return _parse_number(over, "infusion time", 1, 600, "min")  # type: ignore[arg-type]
    return float(default) if default else None


class PreDoseShort(InputError):
    """The first dose was asked for with something short and no decision recorded."""

    def __init__(self, short: tuple[str, ...]) -> None:
        self.short = short
        super().__init__("before the first dose: " + "; ".join(short))


def check_predose_gate(state: SessionState) -> None:
    """Raise `PreDoseShort` naming what is short, unless the first dose may be given."""
    from kapsession.core.predose import gate_open, predose_short

    if not gate_open(state):
        raise PreDoseShort(predose_short(state))


DECISIONS = ("proceed", "defer", "cancel")


def decide_predose(state: SessionState, decision: str, reason: str, now: datetime) -> PreDoseDecision:
    """Go ahead, defer or cancel before the first dose, with the reason and what was short. A
    cancel is followed by `close_session` (the caller records both)."""
    from kapsession.core.predose import predose_short

    _not_closed(state, "a pre-dose decision")
    word = (decision or "").strip().lower()
    word = {"go": "proceed", "go-ahead": "proceed", "ahead": "proceed", "override": "proceed"}.get(word, word)
    if word not in DECISIONS:
        raise InputError(f"'{decision}' is not a decision: accepted proceed, defer, cancel")
    if state.doses:
        raise InputError("the first dose was already given; a pre-dose decision is made before it")
    cleaned = text_rule.cleaned(reason, text_rule.DECISION_REASON)
    if not cleaned:
        raise InputError(f"a decision to {word} needs a reason, which is recorded")
    return PreDoseDecision(at=now, decision=word, reason=cleaned, short=predose_short(state))


# -- the infusion -----------------------------------------------------------------------------------


def _open_infusion(state: SessionState, what: str):
    running = state.running_infusion
    if running is None:
        stopped = [infusion for infusion in state.infusions if infusion.stopped_at is not None]
        if stopped:
            raise InputError(
                f"the infusion was already stopped at {format_local(stopped[-1].stopped_at)}; "  # type: ignore[arg-type]
                f"there is nothing to {what}"
            )
        raise InputError(f"no infusion has started, so there is nothing to {what}; an intravenous dose starts one")
    return running


def _infusion_time(state: SessionState, infusion, now: datetime, at_text: str | None) -> datetime:
    at = _entry_time(state, now, at_text)
    last = max([infusion.started_at, *(change.at for change in infusion.changes)])
    if at < last:
        raise InputError(f"{format_local(at)} is before the infusion's last entry ({format_local(last)})")
    return at


def change_infusion_rate(
    state: SessionState, rate: str | float, now: datetime, at_text: str | None = None
) -> InfusionRateChanged:
    _not_closed(state, "an infusion change")
    infusion = _open_infusion(state, "change")
    per_hour = _parse_number(rate, "infusion rate", 1, 1000, "mg/h")
    return InfusionRateChanged(
        at=_infusion_time(state, infusion, now, at_text), dose_seq=infusion.seq, mg_per_hour=per_hour
    )


def pause_infusion(
    state: SessionState, now: datetime, reason: str | None = None, at_text: str | None = None
) -> InfusionPaused:
    _not_closed(state, "an infusion change")
    infusion = _open_infusion(state, "pause")
    if infusion.paused and infusion.paused_at is not None:
        raise InputError(f"the infusion is already paused (since {format_local(infusion.paused_at)})")
    return InfusionPaused(
        at=_infusion_time(state, infusion, now, at_text),
        dose_seq=infusion.seq,
        reason=_short_text(reason, "the reason"),
    )


def resume_infusion(state: SessionState, now: datetime, at_text: str | None = None) -> InfusionResumed:
    _not_closed(state, "an infusion change")
    infusion = _open_infusion(state, "resume")
    if not infusion.paused:
        raise InputError("the infusion is running, not paused; there is nothing to resume")
    return InfusionResumed(at=_infusion_time(state, infusion, now, at_text), dose_seq=infusion.seq)


# Stopping this much short of the planned amount is stopping early (a pump's last drops).
EARLY_STOP_MG = 0.5


def stop_infusion(
    state: SessionState,
    now: datetime,
    delivered: str | float | None = None,
    reason: str | None = None,
    at_text: str | None = None,
) -> InfusionStopped:
    """The stop, with what was delivered (by default what the recorded rates ran in); a stop
    short of the planned amount needs a reason."""
    _not_closed(state, "an infusion stop")
    infusion = _open_infusion(state, "stop")
    at = _infusion_time(state, infusion, now, at_text)
    if delivered in (None, ""):
        amount = round(infusion.mg_so_far(at), 1)
    else:
        amount = _parse_number(delivered, "delivered amount", 0, infusion.planned_mg, "mg")
    cleaned = _short_text(reason, "the reason")
    if amount < infusion.planned_mg - EARLY_STOP_MG and cleaned is None:
        raise InputError(
            f"{amount:g} of the planned {infusion.planned_mg:g} mg has run in; stopping early needs a "
            "reason, which is recorded"
        )
    return InfusionStopped(at=at, dose_seq=infusion.seq, delivered_mg=amount, reason=cleaned)


def _short_text(text: str | None, what: str, limit: int = 500) -> str | None:
    """One line of clinical text (an action, an outcome, a reason) under the one text rule."""
    cleaned = " ".join(text_rule.cleaned(text, text_rule.TextField(what, limit)).split())
    return cleaned or None


# -- other medicines, adverse events --------------------------------------------------------------


def give_medication(
    state: SessionState,
    name: str,
    amount: str | float,
    unit: str,
    now: datetime,
    *,
    route: str | None = None,
    reason: str | None = None,
    at_text: str | None = None,
) -> MedicationGiven:
    """A medicine other than the ketamine dose; never counted against the ketamine maximum."""
    from kapsession.core.medications import check_amount, find_adjunct, parse_amount, parse_route, parse_unit

    _not_closed(state, "a medicine")
    cleaned = " ".join(text_rule.cleaned(name, text_rule.MEDICINE).split())
    if not cleaned:
        raise InputError("the medicine needs a name, like ondansetron")
    value = parse_amount(amount)
    chosen_unit = parse_unit(unit)
    adjunct = find_adjunct(state.preset.adjuncts, cleaned)
    check_amount(cleaned, value, chosen_unit, adjunct)
    chosen_route = parse_route(route) or (adjunct.routes[0] if adjunct else None)
    return MedicationGiven(
        at=_entry_time(state, now, at_text),
        name=adjunct.name if adjunct else cleaned,
        amount=value,
        unit=chosen_unit,
        route=chosen_route,
        reason=_short_text(reason, "the reason") or (adjunct.reason or None if adjunct else None),
    )


ADVERSE_ALIASES = {
    "bp": "hypertension",
    "high-bp": "hypertension",
    "sedation": "excessive-sedation",
    "dissociation": "distressing-dissociation",
    "emergence": "distressing-dissociation",
    "emergence-reaction": "distressing-dissociation",
    "respiratory": "respiratory-depression",
    "spo2": "desaturation",
    "hr-high": "tachycardia",
    "hr-low": "bradycardia",
}


def record_adverse(
    state: SessionState,
    kind: str,
    severity: str,
    now: datetime,
    *,
    action: str | None = None,
    outcome: str | None = None,
    detail: str | None = None,
    at_text: str | None = None,
) -> AdverseEventRecorded:
    _not_closed(state, "an adverse event")
    key = (kind or "").strip().lower().replace(" ", "-").replace("_", "-")
    key = ADVERSE_ALIASES.get(key, key)
    if key not in ADVERSE_KINDS:
        raise InputError(f"'{kind.strip()}' is not a kind of adverse event: accepted {', '.join(ADVERSE_KINDS)}")
    level = (severity or "").strip().lower()
    if level not in SEVERITIES:
        raise InputError(f"'{(severity or '').strip()}' is not a severity: accepted {', '.join(SEVERITIES)}")
    said = _short_text(detail, "the detail")
    if key == "other" and said is None:
        raise InputError("an adverse event of kind 'other' needs a few words saying what it was")
    return AdverseEventRecorded(
        at=_entry_time(state, now, at_text),
        kind=key,
        severity=level,
        action=_short_text(action, "the action"),
        outcome=_short_text(outcome, "the outcome"),
        detail=said,
    )


def resolve_adverse(
    state: SessionState, event_seq: int, now: datetime, outcome: str | None = None, at_text: str | None = None
) -> AdverseEventResolved:
    """`event_seq` is the adverse event's stored seq (`core.entries.entry_seq` maps the number a
    person sees to it); sentences name the number a person sees."""
    from kapsession.core.entries import entry_number

    _not_closed(state, "a resolution")
    found = next((view for view in state.adverse if view.seq == event_seq), None)
    if found is None:
        known = ", ".join(f"#{entry_number(state, view.seq)} {view.kind}" for view in state.open_adverse) or "none open"
        raise InputError(
            f"entry #{entry_number(state, event_seq)} is not an adverse event in this session (open: {known})"
        )
    if found.resolved_at is not None:
        raise InputError(
            f"the {found.kind} (#{entry_number(state, event_seq)}) was already resolved at "
            f"{format_local(found.resolved_at)}"
        )
    at = _entry_time(state, now, at_text)
    if at < found.at:
        raise InputError(f"{format_local(at)} is before the {found.kind} was recorded ({format_local(found.at)})")
    return AdverseEventResolved(at=at, event_seq=event_seq, outcome=_short_text(outcome, "the outcome"))


# -- screening, discharge reasons, the esketamine form ---------------------------------------------


def answer_screening(state: SessionState, question: str | int, answer: str, now: datetime) -> ScreeningAnswered:
    """One screening answer, by the question's number (1-based) or key."""
    from kapsession.core.screening import parse_answer

    _not_closed(state, "a screening answer")
    questions = state.preset.screening_questions
    text = str(question).strip()
    if text.isascii() and text.isdigit():
        index = int(text)
        if not 1 <= index <= len(questions):
            raise InputError(f"there is no screening question {index}: accepted 1-{len(questions)}")
        chosen = questions[index - 1]
    else:
        chosen = next((q for q in questions if q.key == text.lower()), None)  # type: ignore[assignment]
        if chosen is None:
            raise InputError(f"'{text}' is not a screening question: accepted " + ", ".join(q.key for q in questions))
    value = parse_answer(chosen, text_rule.cleaned(answer, text_rule.CLINICAL_TEXT))
    return ScreeningAnswered(at=now, question=chosen.key, text=chosen.text, answer=value)


WAIVABLE = {SEDATION_CRITERION: "a MOAA/S of 5 after the last dose"}


def waive_criterion(state: SessionState, criterion: str, reason: str, now: datetime) -> DischargeCriterionWaived:
    """A recorded reason the client may leave without a discharge criterion met."""
    _not_closed(state, "a discharge reason")
    key = (criterion or "").strip().lower()
    key = {"moaas": SEDATION_CRITERION, "moaa/s": SEDATION_CRITERION}.get(key, key)
    if key not in WAIVABLE:
        raise InputError(f"'{criterion}' is not a criterion a reason can stand in for: accepted {', '.join(WAIVABLE)}")
    if sedation_short(state) is None:
        raise InputError(f"{WAIVABLE[key]} is already met (or no dose was given); nothing to record a reason for")
    cleaned = _short_text(reason, "the reason")
    if cleaned is None:
        raise InputError(f"leaving without {WAIVABLE[key]} needs a reason, which is recorded")
    return DischargeCriterionWaived(at=now, criterion=key, reason=cleaned)


FORM_FIELDS = {
    "sedation": "sedation seen",
    "dissociation": "dissociation seen",
    "respiratory-depression": "respiratory depression seen",
    "first-treatment": "first treatment",
}


def confirm_form_answer(state: SessionState, field: str, answer: str, now: datetime) -> FormAnswerConfirmed:
    """The therapist's answer to a monitoring-form question the record only suggests."""
    key = (field or "").strip().lower().replace("_", "-")
    if key not in FORM_FIELDS:
        raise InputError(f"'{field}' is not a form question: accepted {', '.join(FORM_FIELDS)}")
    word = (answer or "").strip().lower()
    word = {"y": "yes", "n": "no"}.get(word, word)
    if word not in ("yes", "no"):
        raise InputError(f"'{answer}' is not an answer: accepted yes or no")
    return FormAnswerConfirmed(at=now, field=key, answer=word)


def rate_scale(
    state: SessionState, scale: str, value: str | int, now: datetime, at_text: str | None = None
) -> ScaleRated:
    _not_closed(state, "a rating")
    name = parse_scale_name(scale)
    return ScaleRated(at=_entry_time(state, now, at_text), scale=name, value=parse_scale_value(name, str(value)))


def write_note(
    state: SessionState,
    text: str,
    started_at: datetime,
    *,
    kind: str = "observation",
    shareable: bool = False,
) -> NoteWritten:
    """`started_at` is when the therapist began typing: the note belongs to that moment."""
    cleaned = text_rule.cleaned(text, text_rule.NOTE)
    if not cleaned:
        raise InputError("the note is empty: write at least one word (Escape leaves without saving)")
    if kind not in NOTE_KINDS:
        raise InputError(f"'{kind}' is not a kind of note: accepted {', '.join(NOTE_KINDS)}")
    earliest = earliest_entry_time(state)
    if started_at < earliest:
        started_at = earliest
    return NoteWritten(
        at=started_at,
        text=cleaned,
        kind=kind,
        visibility="shareable" if shareable else "private",
    )


def set_note_visibility(state: SessionState, note_seq: int, shareable: bool, now: datetime) -> NoteVisibilityChanged:
    note = next((n for n in state.notes if n.seq == note_seq), None)
    if note is None:
        number = entry_number(state, note_seq)
        raise InputError(
            f"entry #{number} is not a note" if number else f"there is no note with seq {note_seq} in this session"
        )
    return NoteVisibilityChanged(at=now, note_seq=note_seq, visibility="shareable" if shareable else "private")


def set_intention(state: SessionState, text: str, now: datetime, at_text: str | None = None) -> IntentionSet:
    cleaned = text_rule.cleaned(text, text_rule.INTENTION)
    if not cleaned:
        raise InputError("the intention is empty: write it in the client's own words")
    return IntentionSet(at=_entry_time(state, now, at_text), text=cleaned)


def draw_card(
    state: SessionState, now: datetime, rng: random.Random | None = None, at_text: str | None = None
) -> CardDrawn:
    _not_closed(state, "a card")
    left = state.cards_left()
    if not left:
        raise InputError("every card in this deck has been drawn in this session")
    return CardDrawn(at=_entry_time(state, now, at_text), card=(rng or random.SystemRandom()).choice(left))


def tick_item(
    state: SessionState, checklist: str, item: str | int, now: datetime, done: bool = True
) -> ChecklistTicked:
    _not_closed(state, "a checklist tick")
    items = state.preset.intake_checklist if checklist == "intake" else state.preset.discharge_checklist
    if isinstance(item, int) or (isinstance(item, str) and item.strip().isascii() and item.strip().isdigit()):
        digits = str(item).strip().lstrip("0")
        index = int(digits or "0") if len(digits) <= 3 else 0  # no int() of a huge number: it may fail
        if not 1 <= index <= len(items):
            raise InputError(
                f"there is no item {str(item).strip()[:20]} on the {checklist} checklist: accepted 1-{len(items)}"
            )
        chosen = items[index - 1]
    else:
        chosen = _checklist_item(items, str(item), checklist)
    ticked = state.intake_ticked if checklist == "intake" else state.discharge_ticked
    if bool(ticked.get(chosen)) == done:
        raise InputError(f"'{chosen}' is already {'ticked' if done else 'unticked'} on the {checklist} checklist")
    return ChecklistTicked(at=now, checklist=checklist, item=chosen, done=done)


def _checklist_item(items: tuple[str, ...] | list[str], typed: str, checklist: str) -> str:
    """The item a person means by its whole text or the start of it (any case); a sentence
    listing the candidates when the start fits several, or the items when it fits none."""
    wanted = " ".join(typed.split()).casefold()
    exact = [candidate for candidate in items if candidate.casefold() == wanted]
    if exact:
        return exact[0]
    starting = [candidate for candidate in items if wanted and candidate.casefold().startswith(wanted)]
    if len(starting) == 1:
        return starting[0]
    numbered = [f"{index}. {candidate}" for index, candidate in enumerate(items, start=1)]
    if starting:
        fits = [line for line, candidate in zip(numbered, items, strict=True) if candidate in starting]
        raise InputError(
            f"'{typed.strip()}' fits {len(starting)} items on the {checklist} checklist: "
            + "; ".join(fits)
            + "; type more of it, or its number"
        )
    raise InputError(
        f"'{typed.strip()}' is not on the {checklist} checklist: accepted a number or the start "
        "of an item: " + "; ".join(numbered)
    )


def acknowledge(state: SessionState, now: datetime, key: str | None = None) -> AlertAcknowledged:
    alerts = state.open_alerts
    if not alerts:
        raise InputError("there is no open alert to acknowledge")
    if key is None:
        key = alerts[0].key
    alert = next((alert for alert in alerts if alert.key == key), None)
    if alert is None:
        raise InputError(f"there is no open alert '{key}'")
    if alert.kind == "safety":
        raise InputError(
            "this alert is acknowledged with a safety check note, which is recorded (private): "
            '`kapsession add ID safety-check "what was asked and the plan"`'
        )
    return AlertAcknowledged(at=now, key=key)


def answer_questionnaire(
    state: SessionState,
    instrument: str,
    answers: list[int] | tuple[int, ...],
    now: datetime,
    *,
    by_client: bool = False,
    at_text: str | None = None,
) -> QuestionnaireAnswered:
    """A whole PHQ-9 or GAD-7 (every item answered 0-3); a PHQ-9 with item 9 above 0 raises a
    safety alert in the state."""
    from kapsession.core.questionnaires import check_answers, instrument_name

    _not_closed(state, "a questionnaire")
    name = instrument_name(instrument)
    return QuestionnaireAnswered(
        at=_entry_time(state, now, at_text),
        instrument=name,
        answers=check_answers(name, answers),
        by_client=by_client,
    )


def record_safety_check(
    state: SessionState,
    text: str,
    now: datetime,
    *,
    key: str | None = None,
    shareable: bool = False,
    at_text: str | None = None,
) -> SafetyCheckRecorded:
    """The note that acknowledges a safety alert (the oldest open one, or `key`)."""
    open_checks = state.open_safety_alerts
    if not open_checks:
        raise InputError("there is no safety alert waiting for a check (it follows a PHQ-9 with item 9 above 0)")
    alert = open_checks[-1] if key is None else next((a for a in open_checks if a.key == key), None)
    if alert is None:
        raise InputError(f"there is no open safety alert '{key}'")
    cleaned = text_rule.cleaned(text, text_rule.SAFETY_NOTE)
    if not cleaned:
        raise InputError("the safety check needs a note: what was asked, the answer, and the plan")
    return SafetyCheckRecorded(
        at=_entry_time(state, now, at_text),
        key=alert.key,
        text=cleaned,
        visibility="shareable" if shareable else "private",
    )


def raise_alert(state: SessionState, message: str, now: datetime) -> AlertRaised:
    cleaned = text_rule.cleaned(message, text_rule.ALERT_TEXT)
    if not cleaned:
        raise InputError("the alert needs a few words saying what is wrong")
    # Each alert its own key, so that one acknowledgement clears one alert: a second alert in the
    # same second gets a suffix (decided inside the write transaction, see core/rules.py).
    taken = {event.key for event in state.events if isinstance(event, AlertRaised)}
    key = base = f"manual:{now.timestamp():.0f}"
    number = 1
    while key in taken:
        number += 1
        key = f"{base}.{number}"
    return AlertRaised(at=now, key=key, message=cleaned)


def strike(state: SessionState, target_seq: int, reason: str, now: datetime) -> EntryStruck:
    cleaned = text_rule.cleaned(reason, text_rule.STRIKE_REASON)
    if not cleaned:
        raise InputError("striking an entry needs a reason (for example 'entered in error: wrong client')")
    target = next((e for e in state.events if e.seq == target_seq), None)
    if target is None:
        raise InputError(f"there is no entry with seq {target_seq} in this session")
    number = entry_number(state, target_seq)  # as `show` prints it
    if isinstance(target, (SessionOpened, EntryStruck, SessionClosed)):
        raise InputError(f"entry #{number} ({target.type.replace('_', ' ')}) cannot be struck")
    if target_seq in state.struck:
        raise InputError(f"entry #{number} is already struck")
    return EntryStruck(at=now, target_seq=target_seq, reason=cleaned)


_RELATIVE = re.compile(r"^in\s+(\d{1,3})\s+(day|days|week|weeks)(?:\s+at\s+(.+))?$", re.ASCII)


def set_next_session(state: SessionState, text: str, now: datetime) -> NextSessionSet:
    """`in 3 days`, `in 1 week at 10:00`, `2026-12-03 10:00`, `dec 3 10am`."""
    cleaned = (text or "").strip().lower()
    accepted = "accepted: 'in 3 days', 'in 1 week at 10:00', or a date like 2026-12-03 10:00"
    if not cleaned:
        raise InputError("the next session date is empty; " + accepted)
    from dateutil import parser as date_parser  # lazy: not on the way to the first paint
    from dateutil.relativedelta import relativedelta

    from kapsession.core.timeparse import local_zone

    zone = local_zone()
    local_now = now.astimezone(zone)
    relative = _RELATIVE.match(cleaned)
    try:
        if relative:
            amount = int(relative.group(1))
            delta = relativedelta(days=amount) if relative.group(2).startswith("day") else relativedelta(weeks=amount)
            base = local_now.replace(second=0, microsecond=0)
            when = base + delta
            if relative.group(3):
                clock = date_parser.parse(relative.group(3), default=base)
                when = when.replace(hour=clock.hour, minute=clock.minute)
        else:
            default = local_now.replace(hour=10, minute=0, second=0, microsecond=0)
            when = date_parser.parse(cleaned, default=default)
            if when.tzinfo is None:
                when = when.replace(tzinfo=zone)
        # A typed zone such as +9999 only fails when the time is used.
        when_utc = when.astimezone(UTC)
        ahead = when_utc - now
    except (ValueError, ArithmeticError, TypeError) as error:  # dateutil: decimal.InvalidOperation too
        raise InputError(f"'{text.strip()}' is not a date; " + accepted) from error
    if ahead <= timedelta(0):
        raise InputError(f"{when:%Y-%m-%d %H:%M} is not in the future; " + accepted)
    if ahead > timedelta(days=400):
        raise InputError(f"{when:%Y-%m-%d} is more than a year away; " + accepted)
    return NextSessionSet(at=now, when=when_utc)


def close_session(state: SessionState, now: datetime, early_reason: str | None = None) -> SessionClosed:
    _not_closed(state, "a second close")
    running = state.running_infusion
    if running is not None:
        raise InputError(
            f"the infusion started at {format_local(running.started_at)} is still running; "
            "record its stop before closing"
        )
    if state.open_safety_alerts:
        raise InputError("a PHQ-9 item 9 above 0 is waiting for its safety check note; record it before closing")
    until = state.observation_until
    reason = text_rule.cleaned(early_reason, text_rule.CLOSE_REASON) or None
    if until is not None and now < until and reason is None:
        raise InputError(
            f"the minimum observation time runs until {format_local(until)}; "
            "closing before then needs a reason, which is recorded"
        )
    sedation = sedation_short(state)
    unmet: tuple[str, ...] = ()
    if sedation is not None and SEDATION_CRITERION not in state.waived:
        if reason is None:
            raise InputError(
                f"discharge needs {sedation}: rate the MOAA/S, or close with a reason the client "
                "may leave anyway, which is recorded"
            )
        unmet = (sedation,)
    return SessionClosed(at=now, early_reason=reason, unmet=unmet)
