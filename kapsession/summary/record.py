"""The clinical session record: everything, for the therapist's chart (never for the client).

Doses with their drug, route, mg/kg and lot; the infusion with its rate changes, pauses and stop;
other medicines; adverse events and their resolution; the screening answers and the pre-dose
decision; the vitals table and chart, scheduled checks and how they were met, scale ratings over
time, alerts with their acknowledgement times, every note (private ones marked), the checklists,
the discharge (reasons recorded for criteria not met), and every entry in time order (struck ones
kept and marked). For esketamine doses, the monitoring form (`summary/esketamine_form.py`).
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta, tzinfo
from typing import Any

from kapsession.core.entries import entry_numbers
from kapsession.core.events import (
    AlertAcknowledged,
    ChecklistTicked,
    DischargeCriterionWaived,
    DoseGiven,
    InfusionStopped,
    ScaleRated,
    SessionClosed,
    VitalsRecorded,
)
from kapsession.core.phases import PHASE_TITLES
from kapsession.core.protocol import ROUTE_PLAIN_WORDS
from kapsession.core.scales import SCALES
from kapsession.core.state import Alert, SessionState, fold
from kapsession.core.timeline import DECISION_WORDS, ROUTE_SHORT, adverse_words, timeline
from kapsession.core.timeparse import format_duration
from kapsession.summary.esketamine_form import MonitoringForm, is_esketamine, monitoring_form
from kapsession.summary.model import clock, long_date, session_label


def _t_plus(state: SessionState, at: datetime) -> str:
    first = state.first_dose_at
    if first is None:
        return ""
    delta = at - first
    return ("T+" if delta >= timedelta(0) else "T-") + format_duration(abs(delta))


def _stamp(moment: datetime | None, zone: tzinfo | None) -> str:
    return clock(moment, zone) if moment is not None else ""


@dataclass(frozen=True)
class RecordDose:
    time: str
    t_plus: str
    mg: str
    route: str
    mg_per_kg: str
    devices: str
    site: str
    booster: bool
    drug: str = ""
    lot: str = ""


@dataclass(frozen=True)
class RecordVitals:
    time: str
    t_plus: str
    minute: float  # since the first reading, for the chart
    bp: str
    hr: str
    spo2: str
    rr: str
    temp: str
    flags: str  # "BP high", "" when within the preset's thresholds
    systolic: int | None
    diastolic: int | None
    pulse: int | None


@dataclass(frozen=True)
class RecordCheck:
    label: str
    due: str
    reading: str
    status: str


@dataclass(frozen=True)
class RecordScale:
    time: str
    t_plus: str
    scale: str
    value: int
    meaning: str


@dataclass(frozen=True)
class RecordAlert:
    raised: str
    level: str
    message: str
    acknowledged: str  # clock time, or "" when never acknowledged


@dataclass(frozen=True)
class RecordNote:
    number: int | None  # the entry's number in the session, as `kapsession show` prints it
    time: str
    t_plus: str
    kind: str
    text: str
    private: bool


@dataclass(frozen=True)
class ChecklistLine:
    checklist: str
    item: str
    done: bool
    at: str


@dataclass(frozen=True)
class RecordInfusion:
    started: str
    planned: str  # "35 mg over 40 min (52.5 mg/h)"
    changes: tuple[str, ...]  # "10:20 rate 30 mg/h", "10:30 paused: ...", ...
    stopped: str  # clock time, or "" while it runs
    delivered: str  # "17.5 of 35 mg", or "" while it runs
    reason: str  # why it stopped early


@dataclass(frozen=True)
class RecordMedication:
    time: str
    t_plus: str
    medicine: str  # "ondansetron 4 mg"
    route: str
    reason: str


@dataclass(frozen=True)
class RecordAdverse:
    number: int | None  # the entry's number in the session, as `kapsession show` prints it
    time: str
    t_plus: str
    kind: str
    severity: str
    action: str
    outcome: str
    resolved: str  # "10:52: settled", or "" while it is not


@dataclass(frozen=True)
class RecordScreening:
    question: str
    answer: str
    stop: bool  # the "stop and decide" answer
    at: str


@dataclass(frozen=True)
class RecordDecision:
    time: str
    decision: str
    reason: str
    short: tuple[str, ...]


@dataclass(frozen=True)
class RecordEntry:
    number: int | None  # the entry's number in the session, as `kapsession show` prints it
    time: str
    t_plus: str
    label: str
    text: str
    private: bool
    struck: str  # the reason, or ""
    written: str = ""  # a late entry: the clock time it was written (core/entries.py)


@dataclass(frozen=True)
class ClinicalRecord:
    session_id: str
    client_name: str
    weight: str
    preset_title: str
    route: str
    session_label: str
    date: str
    therapist_name: str
    practice_name: str
    practice: bool
    opened: str
    started: str
    first_dose: str
    closed: str
    duration: str
    early_reason: str
    planned_dose: str
    previous_dose: str
    total_dose: str
    total_mg_per_kg: str
    drugs: str  # "racemic ketamine", "esketamine"
    observation: str  # the minimum observation, and what it counts from
    intention: str
    cards: tuple[str, ...]
    next_session: str
    phases: tuple[tuple[str, str, str], ...]  # (phase, start, planned/actual minutes)
    doses: tuple[RecordDose, ...]
    infusions: tuple[RecordInfusion, ...]
    medications: tuple[RecordMedication, ...]
    adverse: tuple[RecordAdverse, ...]
    screening: tuple[RecordScreening, ...]
    decisions: tuple[RecordDecision, ...]
    vitals: tuple[RecordVitals, ...]
    checks: tuple[RecordCheck, ...]
    scales: tuple[RecordScale, ...]
    alerts: tuple[RecordAlert, ...]
    notes: tuple[RecordNote, ...]
    checklists: tuple[ChecklistLine, ...]
    discharge_ready: str
    discharge_missing: tuple[str, ...]
    discharge_reasons: tuple[str, ...]  # criteria a recorded reason stood in for
    closed_unmet: tuple[str, ...]
    form: MonitoringForm | None  # esketamine doses only
    entries: tuple[RecordEntry, ...]
    paper: str = "a4"

    def to_data(self) -> dict[str, Any]:
        data = asdict(self)
        data["form"] = self.form.to_data() if self.form is not None else None
        return data


# -- computations ---------------------------------------------------------------------------------


def discharge_ready_at(state: SessionState, *, clinical_only: bool = False) -> datetime | None:
    """The first moment every discharge criterion was met, replaying the record up to the close
    (with `clinical_only`, the clinical criteria alone: `core.state.clinical_readiness`).

    Readiness can only begin when something is given, stopped, ticked, rated, measured or
    recorded as a reason, or when the minimum observation time runs out, so only those moments
    are tried. The record is replayed as corrected (an entry struck as entered in error never
    counted), and each moment is judged by the fold's own rule on a state holding just what that
    rule reads, so a long session costs one pass, not a fold per moment.
    """
    from kapsession.core.infusion import INFUSION_EVENTS, build_infusions
    from kapsession.core.state import clinical_readiness, discharge_readiness  # the fold's own rules

    relevant = sorted(
        (
            event
            for event in state.events
            if isinstance(
                event,
                (DoseGiven, VitalsRecorded, ScaleRated, ChecklistTicked, DischargeCriterionWaived, *INFUSION_EVENTS),
            )
            and not (event.seq is not None and event.seq in state.struck)
        ),
        key=lambda event: (event.at, event.seq or 0),
    )
    end = state.closed_at or state.now
    start = state.first_dose_at or state.opened.at
    moments = {event.at for event in relevant}
    if state.observation_until is not None and not clinical_only:
        moments.add(state.observation_until)
    for infusion in state.infusions:  # an infusion's planned end moves the observation while it runs
        planned = infusion.planned_end()
        if planned is not None:
            moments.add(planned + timedelta(minutes=state.preset.minimum_observation_minutes))
    scratch = SessionState(opened=state.opened, preset=state.preset, now=state.opened.at)
    infusion_events: list[Any] = []
    index = 0
    for moment in sorted(moments):
        if moment > end:
            break
        changed = False
        while index < len(relevant) and relevant[index].at <= moment:
            event = relevant[index]
            if isinstance(event, DoseGiven):
                scratch.doses.append(event)
                changed = True
            elif isinstance(event, VitalsRecorded):
                scratch.vitals.append(event)
            elif isinstance(event, ScaleRated):
                scratch.scales.setdefault(event.scale, []).append(event)
            elif isinstance(event, DischargeCriterionWaived):
                scratch.waived[event.criterion] = event.reason
            elif isinstance(event, INFUSION_EVENTS):
                infusion_events.append(event)
                changed = True
            elif event.checklist == "discharge":
                scratch.discharge_ticked[event.item] = event.done
            index += 1
        if changed:
            scratch.infusions = build_infusions(scratch.doses, infusion_events)
        if moment < start:
            continue
        scratch.now = moment
        ready = not clinical_readiness(scratch) if clinical_only else discharge_readiness(scratch).ready
        if ready:
            return moment
    return None


def record_alerts(state: SessionState) -> list[tuple[Alert, datetime | None]]:
    """Every alert that mattered, with its acknowledgement time.

    A closed session's state keeps only acknowledged alerts, and reminders exist only while true,
    so the record replays: threshold and hand-raised alerts as at the close (settled or not), and
    each acknowledged alert as it stood at the moment it was acknowledged.
    """
    events = [event for event in state.events if not isinstance(event, SessionClosed)]
    at_close = fold(events, state.preset, state.closed_at or state.now)
    found: dict[str, tuple[Alert, datetime | None]] = {}
    for alert in at_close.alerts:
        if alert.kind in ("threshold", "manual", "sedation") or alert.acknowledged_at is not None:
            found[alert.key] = (alert, alert.acknowledged_at)
    for ack in events:
        if not isinstance(ack, AlertAcknowledged) or (ack.seq is not None and ack.seq in state.struck):
            continue
        if ack.key in found and found[ack.key][1] is not None:
            continue
        then = fold([event for event in events if event.at <= ack.at], state.preset, ack.at)
        known = next((candidate for candidate in then.alerts if candidate.key == ack.key), None)
        found[ack.key] = (known or Alert(ack.key, "unknown", "info", f"alert {ack.key}", ack.at), ack.at)
    return sorted(found.values(), key=lambda pair: pair[0].raised_at)


def _flags(state: SessionState, event: VitalsRecorded) -> str:
    from kapsession.core.state import threshold_crossings  # the fold's own threshold rules

    first = state.first_dose_at
    crossed = threshold_crossings(event.reading, state, first is None or event.at < first)
    return "; ".join(crossed.values())


def build_record(
    state: SessionState,
    session_id: str,
    *,
    therapist_name: str = "",
    practice_name: str = "",
    practice_phone: str = "",
    paper: str = "a4",
    zone: tzinfo | None = None,
    client_record: Any = None,
) -> ClinicalRecord:
    opened = state.opened
    weight = opened.client.weight_kg
    delivered = {infusion.seq: infusion.delivered_mg for infusion in state.infusions}

    def dose_mg(dose: DoseGiven) -> str:
        given = delivered.get(dose.seq)
        return f"{dose.mg:g}" if given is None or given == dose.mg else f"{given:g} of {dose.mg:g} planned"

    doses = tuple(
        RecordDose(
            time=clock(dose.at, zone),
            t_plus=_t_plus(state, dose.at),
            mg=dose_mg(dose),
            route=f"{ROUTE_SHORT.get(dose.route, dose.route)} ({dose.route})"
            + (" infusion" if dose.infusion_minutes else ""),
            mg_per_kg=_mg_per_kg(dose, delivered.get(dose.seq), weight),
            devices=str(dose.devices or ""),
            site=dose.site or "",
            booster=dose.booster,
            drug=state.drug_of(dose),
            lot=dose.lot or "",
        )
        for dose in state.doses
    )
    infusions = tuple(_infusion(state, infusion, zone) for infusion in state.infusions)
    medications = tuple(
        RecordMedication(
            clock(m.at, zone), _t_plus(state, m.at), f"{m.name} {m.amount:g} {m.unit}", m.route or "", m.reason or ""
        )
        for m in state.medications
    )
    adverse = tuple(
        RecordAdverse(
            entry_numbers(state).get(a.seq) if a.seq is not None else None,
            clock(a.at, zone),
            _t_plus(state, a.at),
            adverse_words(a.kind) + (f": {a.detail}" if a.detail else ""),
            a.severity,
            a.action or "",
            a.outcome or "",
            (clock(a.resolved_at, zone) + (f": {a.resolved_outcome}" if a.resolved_outcome else ""))
            if a.resolved_at
            else "",
        )
        for a in state.adverse
    )
    screening = _screening(state, zone)
    decisions = tuple(
        RecordDecision(clock(d.at, zone), DECISION_WORDS[d.decision], d.reason, tuple(d.short)) for d in state.decisions
    )
    first_reading = state.vitals[0].at if state.vitals else None
    vitals = tuple(
        RecordVitals(
            time=clock(event.at, zone),
            t_plus=_t_plus(state, event.at),
            minute=(event.at - first_reading).total_seconds() / 60 if first_reading else 0.0,
            bp=f"{event.reading.systolic}/{event.reading.diastolic}" if event.reading.systolic is not None else "",
            hr=str(event.reading.heart_rate or ""),
            spo2=str(event.reading.spo2 or ""),
            rr=str(event.reading.resp_rate or ""),
            temp=f"{event.reading.temperature:.1f}" if event.reading.temperature is not None else "",
            flags=_flags(state, event),
            systolic=event.reading.systolic,
            diastolic=event.reading.diastolic,
            pulse=event.reading.heart_rate,
        )
        for event in state.vitals
    )
    end = state.closed_at or state.now
    checks = tuple(
        RecordCheck(
            label=check.label,
            due=("before the first dose" if check.label == "baseline" else _stamp(check.due_at, zone)),
            reading=_stamp(check.reading_at, zone),
            status=check.status(end),
        )
        for check in state.checks
    )
    scales = tuple(
        RecordScale(
            clock(rating.at, zone),
            _t_plus(state, rating.at),
            SCALES[rating.scale].title,
            rating.value,
            SCALES[rating.scale].anchors.get(rating.value, ""),
        )
        for rating in sorted((r for ratings in state.scales.values() for r in ratings), key=lambda r: r.at)
    )
    alerts = tuple(
        RecordAlert(clock(alert.raised_at, zone), alert.word, alert.message, _stamp(acknowledged, zone))
        for alert, acknowledged in record_alerts(state)
    )
    numbers = entry_numbers(state)
    notes = tuple(
        RecordNote(
            numbers.get(note.seq) if note.seq is not None else None,
            clock(note.at, zone),
            _t_plus(state, note.at),
            note.kind,
            note.text,
            not note.shareable,
        )
        for note in state.notes
    )
    tick_times: dict[tuple[str, str], datetime] = {}
    for event in state.events:
        if isinstance(event, ChecklistTicked) and not (event.seq is not None and event.seq in state.struck):
            tick_times[(event.checklist, event.item)] = event.at
    checklists = tuple(
        ChecklistLine(
            name, item, bool(ticked.get(item)), _stamp(tick_times.get((name, item)), zone) if ticked.get(item) else ""
        )
        for name, items, ticked in (
            ("intake", state.preset.intake_checklist, state.intake_ticked),
            ("discharge", state.preset.discharge_checklist, state.discharge_ticked),
        )
        for item in items
    )
    phases = tuple(
        (
            PHASE_TITLES[span.phase],
            clock(span.started_at, zone),
            f"{int(span.elapsed(end).total_seconds() // 60)} of {span.planned_minutes} min planned",
        )
        for span in state.spans
    )
    ready_at = discharge_ready_at(state)
    form = (
        monitoring_form(
            state,
            zone,
            therapist_name=therapist_name,
            practice_name=practice_name,
            practice_phone=practice_phone,
            client_record=client_record,
        )
        if is_esketamine(state)
        else None
    )
    entries = tuple(
        RecordEntry(
            line.number,
            clock(line.at, zone),
            line.t_plus,
            line.label,
            line.text,
            line.private,
            line.struck_reason or "",
            _stamp(line.written_at, zone),
        )
        for line in timeline(state)
    )
    started = state.started_at
    duration = ""
    if started is not None:
        duration = format_duration(end - started) + ("" if state.closed_at else " so far")
    total = state.total_dose_mg
    return ClinicalRecord(
        session_id=session_id,
        client_name=opened.client.name,
        weight=f"{weight:g} kg" if weight else "",
        preset_title=f"{state.preset.title} ({state.preset.name})",
        route=ROUTE_PLAIN_WORDS.get(state.preset.route, state.preset.route),
        session_label=session_label(state),
        date=long_date(started or opened.at, zone),
        therapist_name=therapist_name.strip(),
        practice_name=practice_name.strip(),
        practice=opened.practice,
        opened=clock(opened.at, zone),
        started=_stamp(started, zone),
        first_dose=_stamp(state.first_dose_at, zone),
        closed=_stamp(state.closed_at, zone),
        duration=duration,
        early_reason=state.early_reason or "",
        planned_dose=f"{opened.planned_dose_mg:g} mg" if opened.planned_dose_mg else "",
        previous_dose=f"{opened.previous_dose_mg:g} mg" if opened.previous_dose_mg else "",
        total_dose=f"{total:g} mg" if state.doses else "",
        total_mg_per_kg=f"{total / weight:.2f} mg/kg" if state.doses and weight else "",
        drugs=" and ".join(sorted({state.drug_of(dose) for dose in state.doses})),
        observation=_observation(state, zone),
        intention=state.intention or "",
        cards=tuple(state.cards),
        next_session=(
            f"{long_date(state.next_session_at, zone)} at {clock(state.next_session_at, zone)}"
            if state.next_session_at
            else ""
        ),
        phases=phases,
        doses=doses,
        infusions=infusions,
        medications=medications,
        adverse=adverse,
        screening=screening,
        decisions=decisions,
        vitals=vitals,
        checks=checks,
        scales=scales,
        alerts=alerts,
        notes=notes,
        checklists=checklists,
        discharge_ready=_stamp(ready_at, zone),
        discharge_missing=() if ready_at else tuple(state.discharge.missing),
        discharge_reasons=tuple(f"{criterion}: {reason}" for criterion, reason in state.waived.items()),
        closed_unmet=state.closed_unmet,
        form=form,
        entries=entries,
        paper=paper if paper in ("a4", "letter") else "a4",
    )


def _mg_per_kg(dose: DoseGiven, delivered: float | None, weight: float | None) -> str:
    """What was given per kg: an infusion's delivered amount once stopped."""
    if delivered is not None and weight:
        return f"{delivered / weight:.2f}"
    if dose.mg_per_kg is not None:
        return f"{dose.mg_per_kg:.2f}"
    return f"{dose.mg / weight:.2f}" if weight else ""


def _infusion(state: SessionState, infusion: Any, zone: tzinfo | None) -> RecordInfusion:
    from kapsession.core.timeline import describe

    changes = tuple(
        f"{clock(change.at, zone)} {describe(change, state)[1]}"
        for change in infusion.changes
        if not isinstance(change, InfusionStopped)
    )
    stop = infusion.stopped
    rate = infusion.planned_mg / infusion.planned_minutes * 60 if infusion.planned_minutes else 0
    return RecordInfusion(
        started=clock(infusion.started_at, zone),
        planned=f"{infusion.planned_mg:g} mg over {infusion.planned_minutes:g} min ({rate:.3g} mg/h)",
        changes=changes,
        stopped=clock(stop.at, zone) if stop else "",
        delivered=f"{stop.delivered_mg:g} of {infusion.planned_mg:g} mg" if stop else "",
        reason=(stop.reason or "") if stop else "",
    )


def _screening(state: SessionState, zone: tzinfo | None) -> tuple[RecordScreening, ...]:
    from kapsession.core.screening import is_stop

    rows = []
    questions = {q.key: q for q in state.preset.screening_questions}
    for key, question in questions.items():
        answer = state.screening.get(key)
        rows.append(
            RecordScreening(
                question.text,
                answer.answer if answer else "",
                bool(answer and is_stop(question, answer.answer)),
                clock(answer.at, zone) if answer else "",
            )
        )
    for key, answer in state.screening.items():  # asked by an earlier version of the preset
        if key not in questions:
            rows.append(RecordScreening(answer.text, answer.answer, False, clock(answer.at, zone)))
    return tuple(rows)


def _observation(state: SessionState, zone: tzinfo | None) -> str:
    until = state.observation_until
    anchor = state.observation_anchor
    if until is None or anchor is None:
        return ""
    minimum = state.preset.minimum_observation_minutes
    stops = [infusion.stopped_at for infusion in state.infusions if infusion.stopped_at is not None]
    if state.running_infusion is not None:
        since = "the infusion's planned end"
    elif stops and anchor == max(stops):
        since = f"the infusion's stop at {clock(anchor, zone)}"
    elif any(dose.booster and dose.at == anchor for dose in state.doses):
        since = f"the booster at {clock(anchor, zone)}"
    else:
        since = f"the first dose at {clock(anchor, zone)}"
    return f"{minimum} min from {since}: until {clock(until, zone)}"


def record_for(
    state: SessionState,
    session_id: str,
    *,
    paper: str | None = None,
    settings: Any = None,
    zone: tzinfo | None = None,
    store: Any = None,
) -> ClinicalRecord:
    """`build_record` with the remembered settings, and (given the `store`) the client's record."""
    if settings is None:
        from kapsession.settings import load_settings

        settings = load_settings()
    return build_record(
        state,
        session_id,
        therapist_name=settings.therapist_name,
        practice_name=settings.practice_name,
        practice_phone=getattr(settings, "practice_phone", ""),
        paper=paper or settings.paper,
        zone=zone,
        client_record=client_record_of(store, session_id),
    )


def client_record_of(store: Any, session_id: str) -> Any:
    """The client record a session belongs to (date of birth, sex), or None (no store, a practice
    session, a store from before clients)."""
    if store is None:
        return None
    from kapsession.store.clients import ClientBook

    try:
        book = ClientBook(store)
        client_id = book.client_of_session(session_id)
        return book.record(client_id) if client_id else None
    except Exception:
        return None


# -- Markdown -----------------------------------------------------------------------------------


def _cell(text: str) -> str:
    return re.sub(r"(?<!\\)\|", r"\\|", text.replace("\n", " ")).strip() or "\u2013"


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(_cell(cell) for cell in row) + " |" for row in rows]
    return lines


def render_record_markdown(record: ClinicalRecord) -> str:
    from kapsession.summary.markdown import escape

    out: list[str] = []
    add = out.append
    add(f"# Clinical session record: {escape(record.client_name)}")
    add("")
    add("**Confidential: therapist's record. Contains private process notes; not for the client.**")
    if record.practice:
        add("")
        add("**PRACTICE SESSION: a rehearsal, not a real client.**")
    add("")
    facts = [
        ("Session", f"{record.session_id} \u00b7 {record.session_label} \u00b7 {record.date}"),
        ("Client", escape(record.client_name) + (f", {record.weight}" if record.weight else "")),
        ("Protocol", escape(record.preset_title)),
        ("Therapist", escape(" \u00b7 ".join(p for p in (record.therapist_name, record.practice_name) if p))),
        (
            "Times",
            f"opened {record.opened}"
            + (f", started {record.started}" if record.started else "")
            + (f", first dose {record.first_dose}" if record.first_dose else "")
            + (f", closed {record.closed}" if record.closed else ", not closed")
            + (f" ({record.duration})" if record.duration else ""),
        ),
        (
            "Dose",
            ", ".join(
                p
                for p in (
                    f"total {record.total_dose} {record.drugs}"
                    + (f" ({record.total_mg_per_kg})" if record.total_mg_per_kg else "")
                    if record.total_dose
                    else "none given",
                    f"planned {record.planned_dose}" if record.planned_dose else "",
                    f"previous session {record.previous_dose}" if record.previous_dose else "",
                )
                if p
            ),
        ),
        ("Observation", record.observation),
        ("Closed early" if not record.closed_unmet else "Reason at the close", escape(record.early_reason)),
        ("Intention", escape(record.intention)),
        ("Cards", escape("; ".join(record.cards))),
        ("Next session", record.next_session),
    ]
    for label, value in facts:
        if value:
            add(f"- **{label}:** {value}")

    add("")
    add("## Screening and the pre-dose decision")
    add("")
    if any(r.answer for r in record.screening):
        out += _table(
            ["Question", "Answer", "At"],
            [
                [
                    escape(r.question),
                    (escape(r.answer) + (" (STOP AND DECIDE)" if r.stop else "")) or "not answered",
                    r.at,
                ]
                for r in record.screening
            ],
        )
    else:
        add("No screening answers recorded.")
    for decision in record.decisions:
        add("")
        short = f" What was short: {escape('; '.join(decision.short))}." if decision.short else ""
        add(f"**Decision at {decision.time}: {decision.decision}.** Reason: {escape(decision.reason)}.{short}")

    add("")
    add("## Doses")
    add("")
    if record.doses:
        out += _table(
            ["Time", "T+", "mg", "Drug", "Route", "mg/kg", "Devices", "Site", "Lot", "Booster"],
            [
                [
                    d.time,
                    d.t_plus,
                    d.mg,
                    d.drug,
                    d.route,
                    d.mg_per_kg,
                    d.devices,
                    escape(d.site),
                    escape(d.lot),
                    "yes" if d.booster else "",
                ]
                for d in record.doses
            ],
        )
    else:
        add("No dose recorded.")
    for infusion in record.infusions:
        add("")
        add(
            f"Infusion started {infusion.started}: {infusion.planned}."
            + "".join(f" {escape(change)}." for change in infusion.changes)
            + (f" Stopped {infusion.stopped}: {infusion.delivered} delivered" if infusion.stopped else " Not stopped")
            + (f" (early: {escape(infusion.reason)})" if infusion.reason else "")
            + "."
        )

    add("")
    add("## Other medicines")
    add("")
    if record.medications:
        out += _table(
            ["Time", "T+", "Medicine", "Route", "Reason"],
            [[m.time, m.t_plus, escape(m.medicine), escape(m.route), escape(m.reason)] for m in record.medications],
        )
    else:
        add("None given.")

    add("")
    add("## Adverse events")
    add("")
    if record.adverse:
        out += _table(
            ["Time", "T+", "#", "Event", "Severity", "Action", "Outcome", "Resolved"],
            [
                [
                    a.time,
                    a.t_plus,
                    f"#{a.number}" if a.number else "",
                    escape(a.kind),
                    a.severity,
                    escape(a.action),
                    escape(a.outcome),
                    escape(a.resolved) or "not resolved",
                ]
                for a in record.adverse
            ],
        )
    else:
        add("None recorded.")

    add("")
    add("## Phases")
    add("")
    if record.phases:
        out += _table(["Phase", "Started", "Length"], [list(phase) for phase in record.phases])
    else:
        add("The session was not started.")

    add("")
    add("## Vitals")
    add("")
    if record.vitals:
        out += _table(
            ["Time", "T+", "BP", "HR", "SpO2", "RR", "Temp", "Flag"],
            [[v.time, v.t_plus, v.bp, v.hr, v.spo2, v.rr, v.temp, v.flags] for v in record.vitals],
        )
        from kapsession.summary.markdown import sparkline

        systolic = [float(v.systolic) for v in record.vitals if v.systolic is not None]
        pulse = [float(v.pulse) for v in record.vitals if v.pulse is not None]
        if len(systolic) > 1:
            add("")
            add(f"Systolic `{sparkline(systolic)}` {min(systolic):g}-{max(systolic):g} mmHg  ")
        if len(pulse) > 1:
            add(f"Heart rate `{sparkline(pulse)}` {min(pulse):g}-{max(pulse):g} bpm")
    else:
        add("No vitals recorded.")
    if record.checks:
        add("")
        add("Scheduled checks:")
        add("")
        out += _table(
            ["Check", "Due", "Reading", "Status"], [[c.label, c.due, c.reading, c.status] for c in record.checks]
        )

    add("")
    add("## Scale ratings")
    add("")
    if record.scales:
        out += _table(
            ["Time", "T+", "Scale", "Value", "Meaning"],
            [[s.time, s.t_plus, s.scale, str(s.value), s.meaning] for s in record.scales],
        )
    else:
        add("No ratings recorded.")

    add("")
    add("## Alerts")
    add("")
    if record.alerts:
        out += _table(
            ["Raised", "Level", "Alert", "Acknowledged"],
            [[a.raised, a.level.upper(), a.message, a.acknowledged or "not acknowledged"] for a in record.alerts],
        )
    else:
        add("No alerts.")

    add("")
    add("## Notes")
    add("")
    if record.notes:
        for note in record.notes:
            mark = "PRIVATE" if note.private else "shareable"
            where = " ".join(
                p
                for p in (
                    note.time,
                    f"({note.t_plus})" if note.t_plus else "",
                    f"#{note.number}" if note.number else "",
                )
                if p
            )
            add(f"- **{where}** [{mark}] *{note.kind}*: " + escape(note.text).replace("\n", "  \n  "))
    else:
        add("No notes.")

    add("")
    add("## Checklists and discharge")
    add("")
    out += _table(
        ["List", "Item", "Done", "At"],
        [[c.checklist, escape(c.item), "yes" if c.done else "no", c.at] for c in record.checklists],
    )
    add("")
    if record.discharge_ready:
        add(f"Discharge criteria met at {record.discharge_ready}.")
    else:
        add("Discharge criteria were not all met: " + "; ".join(record.discharge_missing) + ".")
    for reason in record.discharge_reasons:
        add(f"Reason recorded for a criterion not met: {escape(reason)}.")
    if record.closed_unmet:
        add(f"Closed with {escape('; '.join(record.closed_unmet))} not met; reason: {escape(record.early_reason)}.")
    else:
        add(
            f"Session closed: {record.closed or 'not yet'}"
            + (f" (early: {escape(record.early_reason)})" if record.early_reason else "")
            + "."
        )

    add("")
    add("## Every entry")
    add("")
    rows = []
    for entry in record.entries:
        text = escape(entry.text)
        if entry.struck:
            text = f"~~{text}~~ (struck: {escape(entry.struck)})"
        if entry.written:
            text += f" (late entry, written {entry.written})"
        rows.append([entry.time, entry.t_plus, f"#{entry.number}" if entry.number else "", entry.label, text])
    out += _table(["Time", "T+", "#", "Entry", "Detail"], rows)
    if record.form is not None:
        out += _form_markdown(record.form)
    add("")
    return "\n".join(out)


def _form_markdown(form: MonitoringForm) -> list[str]:
    from kapsession.summary.esketamine_form import BLANK
    from kapsession.summary.markdown import escape

    out = [
        "",
        "## Esketamine monitoring form (SPRAVATO REMS, outpatient)",
        "",
        f"Prepared from the session record, in the form's order. Due within 7 days: by {form.due}. "
        "Check every value, fill in the blanks, then sign.",
        "",
    ]
    for section in form.sections:
        out += [f"### {section.title}", ""]
        out += _table(
            ["Field", "Answer", "From"],
            [
                [
                    f.label,
                    escape(f.value) if f.value else f"____ ({BLANK})",
                    ("CHECK: " if f.check else "") + escape(f.source),
                ]
                for f in section.fields
            ],
        )
        out.append("")
    for note in form.notes:
        out += [f"> CHECK: {escape(note)}", ""]
    out += ["Signature: ______________________  Date: __________", ""]
    return out
