"""The clinical session record: everything, for the therapist's chart (never for the client).

Doses with route and mg/kg, the vitals table and chart, scheduled checks and how they were met,
scale ratings over time, alerts with their acknowledgement times, every note (private ones
marked), the checklists, the discharge, and every entry in time order (struck ones kept and
marked). For intranasal esketamine, the fields of the monitoring form are computed from the record:
total monitoring minutes from the first device to the end of monitoring, blood pressure before
dosing, at about 40 minutes and before completion, and when the client was judged ready to leave.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta, tzinfo
from typing import Any

from kapsession.core.entries import entry_numbers
from kapsession.core.events import AlertAcknowledged, ChecklistTicked, DoseGiven, ScaleRated, SessionClosed, VitalsRecorded
from kapsession.core.phases import PHASE_TITLES
from kapsession.core.protocol import ROUTE_PLAIN_WORDS
from kapsession.core.scales import SCALES
from kapsession.core.state import Alert, SessionState, fold
from kapsession.core.timeline import ROUTE_SHORT, timeline
from kapsession.core.timeparse import format_duration
from kapsession.summary.model import clock, long_date, session_label

# The esketamine form asks for blood pressure "at about 40 minutes": the reading nearest T+40
# within this many minutes either side counts.
BP_TARGET_MINUTES = 40
BP_WINDOW_MINUTES = 15
ESKETAMINE_MINIMUM_MINUTES = 120


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
class Reading:
    time: str
    t_plus: str
    bp: str

    def __str__(self) -> str:
        return f"{self.bp} at {self.time}" + (f" ({self.t_plus})" if self.t_plus else "")


@dataclass(frozen=True)
class MonitoringForm:
    """The esketamine monitoring-form fields, computed from the record."""

    first_device_at: datetime | None
    devices: tuple[str, ...]  # "Device 1 at 10:00", ...
    monitoring_ended_at: datetime | None  # the session close; None while still open
    total_minutes: int | None
    bp_before_dosing: Reading | None
    bp_at_40: Reading | None
    bp_before_completion: Reading | None
    ready_to_leave_at: datetime | None
    notes: tuple[str, ...]  # what a reviewer should see: short of two hours, missing readings

    def rows(self, zone: tzinfo | None = None) -> list[tuple[str, str]]:
        def show(reading: Reading | None, missing: str) -> str:
            return str(reading) if reading else missing

        first = _stamp(self.first_device_at, zone)
        ended = _stamp(self.monitoring_ended_at, zone)
        return [
            ("First device", first or "no dose recorded"),
            ("Devices", "; ".join(self.devices) or "none recorded"),
            ("End of monitoring", ended or "session still open"),
            ("Total monitoring", f"{self.total_minutes} min" if self.total_minutes is not None else "not yet known"),
            ("BP before dosing", show(self.bp_before_dosing, "no reading before the first device")),
            (f"BP at ~{BP_TARGET_MINUTES} min", show(self.bp_at_40, f"no reading between T+{BP_TARGET_MINUTES - BP_WINDOW_MINUTES} and T+{BP_TARGET_MINUTES + BP_WINDOW_MINUTES} min")),
            ("BP before completion", show(self.bp_before_completion, "no reading after dosing")),
            ("Judged ready to leave", _stamp(self.ready_to_leave_at, zone) or "discharge criteria not all met"),
        ]


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
    intention: str
    cards: tuple[str, ...]
    next_session: str
    phases: tuple[tuple[str, str, str], ...]  # (phase, start, planned/actual minutes)
    doses: tuple[RecordDose, ...]
    vitals: tuple[RecordVitals, ...]
    checks: tuple[RecordCheck, ...]
    scales: tuple[RecordScale, ...]
    alerts: tuple[RecordAlert, ...]
    notes: tuple[RecordNote, ...]
    checklists: tuple[ChecklistLine, ...]
    discharge_ready: str
    discharge_missing: tuple[str, ...]
    monitoring: tuple[tuple[str, str], ...]  # esketamine form rows; empty for other routes
    monitoring_notes: tuple[str, ...]
    entries: tuple[RecordEntry, ...]
    paper: str = "a4"

    def to_data(self) -> dict[str, Any]:
        return asdict(self)


# -- computations ---------------------------------------------------------------------------------

def discharge_ready_at(state: SessionState) -> datetime | None:
    """The first moment every discharge criterion was met, replaying the record up to the close.

    Readiness can only begin when something is given, ticked, rated or measured, or when the
    minimum observation time runs out, so only those moments are tried. The record is replayed
    as corrected (an entry struck as entered in error never counted), and each moment is judged
    by the fold's own discharge rule on a state holding just what that rule reads, so a long
    session costs one pass, not a fold per moment.
    """
    from kapsession.core.state import discharge_readiness  # the fold's own rule, not a copy of it

    relevant = sorted(
        (event for event in state.events
         if isinstance(event, (DoseGiven, VitalsRecorded, ScaleRated, ChecklistTicked))
         and not (event.seq is not None and event.seq in state.struck)),
        key=lambda event: (event.at, event.seq or 0),
    )
    end = state.closed_at or state.now
    start = state.first_dose_at or state.opened.at
    moments = {event.at for event in relevant}
    if state.observation_until is not None:
        moments.add(state.observation_until)
    scratch = SessionState(opened=state.opened, preset=state.preset, now=state.opened.at)
    index = 0
    for moment in sorted(moments):
        if moment > end:
            break
        while index < len(relevant) and relevant[index].at <= moment:
            event = relevant[index]
            if isinstance(event, DoseGiven):
                scratch.doses.append(event)
            elif isinstance(event, VitalsRecorded):
                scratch.vitals.append(event)
            elif isinstance(event, ScaleRated):
                scratch.scales.setdefault(event.scale, []).append(event)
            elif event.checklist == "discharge":
                scratch.discharge_ticked[event.item] = event.done
            index += 1
        if moment < start:
            continue
        scratch.now = moment
        if discharge_readiness(scratch).ready:
            return moment
    return None


def _bp(state: SessionState, event: VitalsRecorded, zone: tzinfo | None) -> Reading:
    reading = event.reading
    return Reading(clock(event.at, zone), _t_plus(state, event.at), f"{reading.systolic}/{reading.diastolic}")


def monitoring_form(state: SessionState, zone: tzinfo | None = None, *, ready_at: Any = ...) -> MonitoringForm:
    first = state.first_dose_at
    end = state.closed_at
    with_bp = [event for event in state.vitals if event.reading.systolic is not None]
    devices: list[str] = []
    number = 0
    for dose in state.doses:
        for _ in range(dose.devices or 1):
            number += 1
            devices.append(f"Device {number} at {clock(dose.at, zone)}")
    before = after_40 = last = None
    notes: list[str] = []
    if first is not None:
        before_readings = [event for event in with_bp if event.at <= first]
        before = _bp(state, before_readings[-1], zone) if before_readings else None
        target = first + timedelta(minutes=BP_TARGET_MINUTES)
        window = timedelta(minutes=BP_WINDOW_MINUTES)
        near = [event for event in with_bp if abs(event.at - target) <= window]
        if near:
            after_40 = _bp(state, min(near, key=lambda event: (abs(event.at - target), event.at)), zone)
        limit = end or state.now
        after = [event for event in with_bp if first < event.at <= limit]
        last = _bp(state, after[-1], zone) if after else None
    total = None
    if first is not None and end is not None:
        total = int((end - first).total_seconds() // 60)
        if total < ESKETAMINE_MINIMUM_MINUTES:
            notes.append(f"Monitoring lasted {total} min, less than the {ESKETAMINE_MINIMUM_MINUTES} min required"
                         + (f"; reason recorded: {state.early_reason}" if state.early_reason else ""))
    if first is not None:
        if before is None:
            notes.append("No blood pressure was recorded before the first device")
        if after_40 is None:
            notes.append(f"No blood pressure was recorded at about {BP_TARGET_MINUTES} minutes after the first device")
        if last is None:
            notes.append("No blood pressure was recorded after dosing")
    if ready_at is ...:
        ready_at = discharge_ready_at(state)
    return MonitoringForm(first, tuple(devices), end, total, before, after_40, last, ready_at, tuple(notes))


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
        if alert.kind in ("threshold", "manual") or alert.acknowledged_at is not None:
            found[alert.key] = (alert, alert.acknowledged_at)
    for ack in events:
        if not isinstance(ack, AlertAcknowledged) or (ack.seq is not None and ack.seq in state.struck):
            continue
        if ack.key in found and found[ack.key][1] is not None:
            continue
        then = fold([event for event in events if event.at <= ack.at], state.preset, ack.at)
        alert = next((candidate for candidate in then.alerts if candidate.key == ack.key), None)
        if alert is None:
            alert = Alert(ack.key, "unknown", "info", f"alert {ack.key}", ack.at)
        found[ack.key] = (alert, ack.at)
    return sorted(found.values(), key=lambda pair: pair[0].raised_at)


def _flags(state: SessionState, event: VitalsRecorded) -> str:
    from kapsession.core.state import threshold_crossings  # the fold's own threshold rules

    first = state.first_dose_at
    crossed = threshold_crossings(event.reading, state, first is None or event.at < first)
    return "; ".join(crossed.values())


def _is_intranasal(state: SessionState) -> bool:
    return state.preset.route == "intranasal" or any(dose.route == "intranasal" for dose in state.doses)


def build_record(
    state: SessionState,
    session_id: str,
    *,
    therapist_name: str = "",
    practice_name: str = "",
    paper: str = "a4",
    zone: tzinfo | None = None,
) -> ClinicalRecord:
    opened = state.opened
    weight = opened.client.weight_kg
    doses = tuple(
        RecordDose(
            time=clock(dose.at, zone), t_plus=_t_plus(state, dose.at), mg=f"{dose.mg:g}",
            route=f"{ROUTE_SHORT.get(dose.route, dose.route)} ({dose.route})",
            mg_per_kg=f"{dose.mg_per_kg:.2f}" if dose.mg_per_kg is not None else (f"{dose.mg / weight:.2f}" if weight else ""),
            devices=str(dose.devices or ""), site=dose.site or "", booster=dose.booster,
        )
        for dose in state.doses
    )
    first_reading = state.vitals[0].at if state.vitals else None
    vitals = tuple(
        RecordVitals(
            time=clock(event.at, zone), t_plus=_t_plus(state, event.at),
            minute=(event.at - first_reading).total_seconds() / 60 if first_reading else 0.0,
            bp=f"{event.reading.systolic}/{event.reading.diastolic}" if event.reading.systolic is not None else "",
            hr=str(event.reading.heart_rate or ""), spo2=str(event.reading.spo2 or ""),
            rr=str(event.reading.resp_rate or ""),
            temp=f"{event.reading.temperature:.1f}" if event.reading.temperature is not None else "",
            flags=_flags(state, event), systolic=event.reading.systolic, diastolic=event.reading.diastolic,
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
        RecordScale(clock(rating.at, zone), _t_plus(state, rating.at), SCALES[rating.scale].title, rating.value,
                    SCALES[rating.scale].anchors.get(rating.value, ""))
        for rating in sorted((r for ratings in state.scales.values() for r in ratings), key=lambda r: r.at)
    )
    alerts = tuple(
        RecordAlert(clock(alert.raised_at, zone), alert.word, alert.message, _stamp(acknowledged, zone))
        for alert, acknowledged in record_alerts(state)
    )
    numbers = entry_numbers(state)
    notes = tuple(
        RecordNote(numbers.get(note.seq) if note.seq is not None else None, clock(note.at, zone), _t_plus(state, note.at), note.kind, note.text, not note.shareable)
        for note in state.notes
    )
    tick_times: dict[tuple[str, str], datetime] = {}
    for event in state.events:
        if isinstance(event, ChecklistTicked) and not (event.seq is not None and event.seq in state.struck):
            tick_times[(event.checklist, event.item)] = event.at
    checklists = tuple(
        ChecklistLine(name, item, bool(ticked.get(item)),
                      _stamp(tick_times.get((name, item)), zone) if ticked.get(item) else "")
        for name, items, ticked in (("intake", state.preset.intake_checklist, state.intake_ticked),
                                    ("discharge", state.preset.discharge_checklist, state.discharge_ticked))
        for item in items
    )
    phases = tuple(
        (PHASE_TITLES[span.phase], clock(span.started_at, zone),
         f"{int(span.elapsed(end).total_seconds() // 60)} of {span.planned_minutes} min planned")
        for span in state.spans
    )
    ready_at = discharge_ready_at(state)
    monitoring_rows: tuple[tuple[str, str], ...] = ()
    monitoring_notes: tuple[str, ...] = ()
    if _is_intranasal(state):
        form = monitoring_form(state, zone, ready_at=ready_at)
        monitoring_rows = tuple(form.rows(zone))
        monitoring_notes = form.notes
    entries = tuple(
        RecordEntry(line.number, clock(line.at, zone), line.t_plus, line.label, line.text, line.private,
                    line.struck_reason or "", _stamp(line.written_at, zone))
        for line in timeline(state)
    )
    started = state.started_at
    duration = ""
    if started is not None:
        duration = format_duration(end - started) + ("" if state.closed_at else " so far")
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
        total_dose=f"{state.total_dose_mg:g} mg" if state.doses else "",
        intention=state.intention or "",
        cards=tuple(state.cards),
        next_session=(f"{long_date(state.next_session_at, zone)} at {clock(state.next_session_at, zone)}"
                      if state.next_session_at else ""),
        phases=phases,
        doses=doses,
        vitals=vitals,
        checks=checks,
        scales=scales,
        alerts=alerts,
        notes=notes,
        checklists=checklists,
        discharge_ready=_stamp(ready_at, zone),
        discharge_missing=() if ready_at else tuple(state.discharge.missing),
        monitoring=monitoring_rows,
        monitoring_notes=monitoring_notes,
        entries=entries,
        paper=paper if paper in ("a4", "letter") else "a4",
    )


def record_for(state: SessionState, session_id: str, *, paper: str | None = None, settings: Any = None,
               zone: tzinfo | None = None) -> ClinicalRecord:
    if settings is None:
        from kapsession.settings import load_settings

        settings = load_settings()
    return build_record(state, session_id, therapist_name=settings.therapist_name,
                        practice_name=settings.practice_name, paper=paper or settings.paper, zone=zone)


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
        ("Times", f"opened {record.opened}" + (f", started {record.started}" if record.started else "")
         + (f", first dose {record.first_dose}" if record.first_dose else "")
         + (f", closed {record.closed}" if record.closed else ", not closed")
         + (f" ({record.duration})" if record.duration else "")),
        ("Dose", ", ".join(p for p in (
            f"total {record.total_dose}" if record.total_dose else "none given",
            f"planned {record.planned_dose}" if record.planned_dose else "",
            f"previous session {record.previous_dose}" if record.previous_dose else "") if p)),
        ("Closed early", escape(record.early_reason)),
        ("Intention", escape(record.intention)),
        ("Cards", escape("; ".join(record.cards))),
        ("Next session", record.next_session),
    ]
    for label, value in facts:
        if value:
            add(f"- **{label}:** {value}")

    if record.monitoring:
        add("")
        add("## Esketamine monitoring form")
        add("")
        out += _table(["Field", "Value"], [[label, value] for label, value in record.monitoring])
        for note in record.monitoring_notes:
            add("")
            add(f"> CHECK: {note}")

    add("")
    add("## Doses")
    add("")
    if record.doses:
        out += _table(["Time", "T+", "mg", "Route", "mg/kg", "Devices", "Site", "Booster"],
                      [[d.time, d.t_plus, d.mg, d.route, d.mg_per_kg, d.devices, escape(d.site), "yes" if d.booster else ""]
                       for d in record.doses])
    else:
        add("No dose recorded.")

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
        out += _table(["Time", "T+", "BP", "HR", "SpO2", "RR", "Temp", "Flag"],
                      [[v.time, v.t_plus, v.bp, v.hr, v.spo2, v.rr, v.temp, v.flags] for v in record.vitals])
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
        out += _table(["Check", "Due", "Reading", "Status"], [[c.label, c.due, c.reading, c.status] for c in record.checks])

    add("")
    add("## Scale ratings")
    add("")
    if record.scales:
        out += _table(["Time", "T+", "Scale", "Value", "Meaning"],
                      [[s.time, s.t_plus, s.scale, str(s.value), s.meaning] for s in record.scales])
    else:
        add("No ratings recorded.")

    add("")
    add("## Alerts")
    add("")
    if record.alerts:
        out += _table(["Raised", "Level", "Alert", "Acknowledged"],
                      [[a.raised, a.level.upper(), a.message, a.acknowledged or "not acknowledged"] for a in record.alerts])
    else:
        add("No alerts.")

    add("")
    add("## Notes")
    add("")
    if record.notes:
        for note in record.notes:
            mark = "PRIVATE" if note.private else "shareable"
            where = " ".join(p for p in (note.time, f"({note.t_plus})" if note.t_plus else "", f"#{note.number}" if note.number else "") if p)
            add(f"- **{where}** [{mark}] *{note.kind}*: " + escape(note.text).replace("\n", "  \n  "))
    else:
        add("No notes.")

    add("")
    add("## Checklists and discharge")
    add("")
    out += _table(["List", "Item", "Done", "At"],
                  [[c.checklist, escape(c.item), "yes" if c.done else "no", c.at] for c in record.checklists])
    add("")
    if record.discharge_ready:
        add(f"Discharge criteria met at {record.discharge_ready}.")
    else:
        add("Discharge criteria were not all met: " + "; ".join(record.discharge_missing) + ".")
    add(f"Session closed: {record.closed or 'not yet'}" + (f" (early: {escape(record.early_reason)})" if record.early_reason else "") + ".")

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
    add("")
    return "\n".join(out)
