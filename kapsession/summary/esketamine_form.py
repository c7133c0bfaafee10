"""The esketamine monitoring form, filled from the record: every field the SPRAVATO REMS Patient
Monitoring Form (outpatient) asks, in the form's order, each filled where the record knows it and
left as a marked blank where it does not.

Fields followed (see README, "The esketamine monitoring form"): the outpatient form as published
by Janssen (11/2021 layout, its text as reproduced in 2024), plus what later versions add
according to Janssen's own overview of the form: whether this is the patient's first treatment
(and, if so, REMS enrolment) and opioids among the concomitant medicines.

The form's minimum monitoring time is the preset's (`minimum_observation_minutes`), its
evaluation question is answered from the record: minutes from the first device until every
clinical discharge criterion (`core.state.clinical_readiness`) was first met, the minimum time
left out.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime, timedelta, tzinfo
from typing import Any

from kapsession.core.screening import FORM_CLASS_WORDS
from kapsession.core.state import SessionState, threshold_crossings
from kapsession.core.timeparse import format_duration, to_local
from kapsession.summary.model import clock, long_date

# "At about 40 minutes": the reading nearest T+40 within this many minutes either side counts.
BP_TARGET_MINUTES = 40
BP_WINDOW_MINUTES = 15
DUE_DAYS = 7
BLANK = "not in the record: fill in"


@dataclass(frozen=True)
class Reading:
    time: str
    t_plus: str
    bp: str

    def __str__(self) -> str:
        return f"{self.bp} at {self.time}" + (f" ({self.t_plus})" if self.t_plus else "")


@dataclass(frozen=True)
class FormField:
    label: str
    value: str  # "" when the record does not know it (printed as a marked blank)
    source: str = ""  # where the value came from, or what to check
    check: bool = False  # a value a reviewer must look at (short of the rules, to confirm)

    @property
    def blank(self) -> bool:
        return self.value == ""


@dataclass(frozen=True)
class FormSection:
    title: str
    fields: tuple[FormField, ...]


@dataclass(frozen=True)
class MonitoringForm:
    """The form's answers, and the moments behind them (for tests and the record's CHECK lines)."""

    sections: tuple[FormSection, ...]
    first_device_at: datetime | None
    devices: tuple[str, ...]  # "Device 1 at 10:00", ...
    monitoring_ended_at: datetime | None  # the session close; None while still open
    total_minutes: int | None
    minimum_minutes: int
    bp_before_dosing: Reading | None
    bp_at_40: Reading | None
    bp_before_completion: Reading | None
    clinically_ready_at: datetime | None
    evaluation_minutes: int | None
    due: str
    notes: tuple[str, ...]  # what a reviewer should see: short of the minimum, missing readings

    def field(self, label: str) -> FormField:
        return next(f for section in self.sections for f in section.fields if f.label == label)

    def to_data(self) -> dict[str, Any]:
        return {
            "sections": [{"title": s.title, "fields": [asdict(f) for f in s.fields]} for s in self.sections],
            "notes": list(self.notes),
            "due": self.due,
            "blank": BLANK,
        }


def is_esketamine(state: SessionState) -> bool:
    """The form belongs to sessions where esketamine was given (not to every intranasal dose)."""
    return any(state.drug_of(dose) == "esketamine" for dose in state.doses)


def _t_plus(first: datetime | None, at: datetime) -> str:
    if first is None:
        return ""
    delta = at - first
    return ("T+" if delta >= timedelta(0) else "T-") + format_duration(abs(delta))


def _yes_no(flag: bool | None) -> str:
    return "" if flag is None else ("Yes" if flag else "No")


def _seen(state: SessionState, field: str, derived: bool | None, evidence: str) -> FormField:
    """A yes/no the record suggests and the therapist may confirm (a confirmation wins)."""
    labels = {
        "sedation": "Sedation",
        "dissociation": "Dissociation",
        "respiratory-depression": "Respiratory depression",
    }
    confirmed = state.form_answers.get(field)
    if confirmed is not None:
        suggested = _yes_no(derived)
        differs = f"; the record suggests {suggested.lower()}" if suggested and suggested.lower() != confirmed else ""
        return FormField(labels[field], confirmed.capitalize(), f"confirmed by the therapist{differs}")
    if derived is None:
        return FormField(labels[field], "", f"{evidence}: confirm (`add ID form {field} yes|no`)", check=True)
    return FormField(labels[field], _yes_no(derived), f"from the record: {evidence}; confirm before signing")


def monitoring_form(
    state: SessionState,
    zone: tzinfo | None = None,
    *,
    therapist_name: str = "",
    practice_name: str = "",
    practice_phone: str = "",
    client_record: Any = None,
) -> MonitoringForm:
    """`client_record`: the client's record (`store/clients.py`), for the date of birth and sex
    when the session itself does not hold them."""
    from kapsession.summary.record import discharge_ready_at  # the record's replay, clinical criteria only

    preset = state.preset
    doses = [dose for dose in state.doses if state.drug_of(dose) == "esketamine"]
    first = doses[0].at if doses else None
    end = state.closed_at
    minimum = preset.minimum_observation_minutes
    opened = state.opened
    client = opened.client
    notes: list[str] = []

    devices: list[str] = []
    for dose in doses:
        for _ in range(dose.devices or 1):
            devices.append(f"Device {len(devices) + 1} at {clock(dose.at, zone)}")

    # -- patient --------------------------------------------------------------------------------
    first_confirmed = state.form_answers.get("first-treatment")
    if first_confirmed is not None:
        first_field = FormField("First treatment", first_confirmed.capitalize(), "confirmed by the therapist")
    else:
        is_first = opened.series_number == 1 and not opened.previous_dose_mg
        first_field = FormField(
            "First treatment",
            "Yes" if is_first else "No",
            f"from the series (session {opened.series_number}); confirm",
            check=is_first,
        )
    enrolled = state.screening.get("rems-enrolled")
    born = client.date_of_birth or getattr(client_record, "date_of_birth", None)
    sex = client.sex or getattr(client_record, "sex", None)
    patient = FormSection(
        "Patient information",
        (
            FormField("Patient name", client.name, "as entered for the session"),
            FormField(
                "Date of birth", born.strftime("%m/%d/%Y") if born else "", "the client's record" if born else ""
            ),
            FormField("Sex", sex or "", "the client's record" if sex else ""),
            first_field,
            FormField(
                "Enrolled in the REMS",
                enrolled.answer.capitalize() if enrolled else "",
                "screening answer" if enrolled else "",
            ),
        ),
    )

    # -- concomitant medication -----------------------------------------------------------------
    by_class: dict[str, str] = {q.form_class: q.key for q in preset.screening_questions if q.form_class}
    medicine_fields = []
    for form_class, words in FORM_CLASS_WORDS.items():
        key = by_class.get(form_class)
        answer = state.screening.get(key) if key else None
        medicine_fields.append(
            FormField(
                words, answer.answer.capitalize() if answer else "", "screening answer at intake" if answer else ""
            )
        )
    medicines = FormSection(
        "Concomitant medication that may cause sedation or blood pressure changes", tuple(medicine_fields)
    )

    # -- the monitoring clinician and the setting -------------------------------------------------
    clinician = FormSection(
        "Healthcare provider conducting patient monitoring",
        (
            FormField("Name", therapist_name.strip(), "settings" if therapist_name.strip() else ""),
            FormField(
                "Telephone", practice_phone.strip(), "settings (the practice's phone)" if practice_phone.strip() else ""
            ),
            FormField("Email", ""),
        ),
    )
    setting = FormSection(
        "Healthcare setting",
        (
            FormField("Setting name", practice_name.strip(), "settings" if practice_name.strip() else ""),
            FormField("Address", ""),
            FormField("City, state, ZIP", ""),
        ),
    )

    # -- the treatment session ------------------------------------------------------------------
    total_mg = sum(dose.mg for dose in doses)
    dose_text = (
        "" if not doses else ("56 mg" if total_mg == 56 else "84 mg" if total_mg == 84 else f"Other: {total_mg:g} mg")
    )
    lots = sorted({dose.lot for dose in doses if dose.lot})
    total = int((end - first).total_seconds() // 60) if first is not None and end is not None else None
    if total is not None and total < minimum:
        notes.append(
            f"Monitoring lasted {total} min, less than the {minimum} min minimum"
            + (f"; reason recorded: {state.early_reason}" if state.early_reason else "")
        )
    ready_at = discharge_ready_at(state, clinical_only=True) if first is not None else None
    evaluation = int((ready_at - first).total_seconds() // 60) if ready_at is not None and first is not None else None

    with_bp = [event for event in state.vitals if event.reading.systolic is not None]
    before = at_40 = last = None
    before_event = last_event = None
    if first is not None:
        before_readings = [event for event in with_bp if event.at <= first]
        before_event = before_readings[-1] if before_readings else None
        target = first + timedelta(minutes=BP_TARGET_MINUTES)
        near = [event for event in with_bp if abs(event.at - target) <= timedelta(minutes=BP_WINDOW_MINUTES)]
        if near:
            nearest = min(near, key=lambda event: (abs(event.at - target), event.at))
            at_40 = Reading(clock(nearest.at, zone), _t_plus(first, nearest.at), _bp(nearest))
        after = [event for event in with_bp if first < event.at <= (end or state.now)]
        last_event = after[-1] if after else None
        before = (
            Reading(clock(before_event.at, zone), _t_plus(first, before_event.at), _bp(before_event))
            if before_event
            else None
        )
        last = (
            Reading(clock(last_event.at, zone), _t_plus(first, last_event.at), _bp(last_event)) if last_event else None
        )
        if before is None:
            notes.append("No blood pressure was recorded before the first device")
        if at_40 is None:
            notes.append(f"No blood pressure was recorded at about {BP_TARGET_MINUTES} minutes after the first device")
        if last is None:
            notes.append("No blood pressure was recorded after dosing")

    all_before = [event for event in state.vitals if first is not None and event.at <= first]
    all_after = [event for event in state.vitals if first is not None and first < event.at <= (end or state.now)]
    acceptable_before = None if not all_before else not threshold_crossings(all_before[-1].reading, state, True)
    acceptable_after = None if not all_after else not threshold_crossings(all_after[-1].reading, state, False)

    sedation, sedation_evidence = _sedation(state, first, zone)
    dissociation, dissociation_evidence = _dissociation(state, first, zone)
    breathing, breathing_evidence = _respiratory(state, first, zone)

    treatment_date = to_local(first, zone).strftime("%m/%d/%Y") if first is not None else ""
    due = long_date(first + timedelta(days=DUE_DAYS), zone) if first is not None else ""
    session = FormSection(
        "Patient treatment session (administration and monitoring)",
        (
            FormField("Treatment date", treatment_date, "the first device"),
            FormField("Dose administered", dose_text, "; ".join(devices)),
            FormField("Lot number", ", ".join(lots), "the doses" if lots else ""),
            FormField(
                "Total monitoring time",
                f"{total} minutes" if total is not None else "",
                f"from the first device to the close; at least {minimum} min (the preset)"
                if total is not None
                else "the session is not closed",
                check=total is not None and total < minimum,
            ),
            FormField(
                "Evaluation: ready to leave, without the minimum",
                f"{evaluation} minutes from the start of administration" if evaluation is not None else "",
                (
                    "every clinical discharge criterion first met at "
                    + clock(ready_at, zone)
                    + " (MOAA/S 5 after the last dose, modified Aldrete 9 or more, vitals within the thresholds)"
                )
                if ready_at is not None
                else "the clinical discharge criteria were not all met in the record",
                check=evaluation is None,
            ),
            FormField(
                "Vital signs acceptable before administration",
                _yes_no(acceptable_before),
                "the last reading before the first device" if acceptable_before is not None else "",
            ),
            FormField(
                "Vital signs acceptable before completion",
                _yes_no(acceptable_after),
                "the last reading before the close" if acceptable_after is not None else "",
            ),
            FormField(
                "Blood pressure before administration",
                str(before) if before else "",
                "" if before else "no reading before the first device",
                check=before is None,
            ),
            FormField(
                f"Blood pressure about {BP_TARGET_MINUTES} minutes after administration",
                str(at_40) if at_40 else "",
                f"the reading nearest T+{BP_TARGET_MINUTES} within {BP_WINDOW_MINUTES} min",
                check=at_40 is None,
            ),
            FormField(
                "Blood pressure before completion",
                str(last) if last else "",
                "the last reading before the close" if last else "no reading after the first device",
                check=last is None,
            ),
            _seen(state, "sedation", sedation, sedation_evidence),
            _seen(state, "dissociation", dissociation, dissociation_evidence),
            _seen(state, "respiratory-depression", breathing, breathing_evidence),
        ),
    )
    return MonitoringForm(
        sections=(patient, medicines, clinician, setting, session),
        first_device_at=first,
        devices=tuple(devices),
        monitoring_ended_at=end,
        total_minutes=total,
        minimum_minutes=minimum,
        bp_before_dosing=before,
        bp_at_40=at_40,
        bp_before_completion=last,
        clinically_ready_at=ready_at,
        evaluation_minutes=evaluation,
        due=due,
        notes=tuple(notes),
    )


def _bp(event: Any) -> str:
    return f"{event.reading.systolic}/{event.reading.diastolic}"


def _sedation(state: SessionState, first: datetime | None, zone: tzinfo | None) -> tuple[bool | None, str]:
    ratings = [r for r in state.scales.get("moaas", []) if first is not None and r.at >= first]
    events = [a for a in state.adverse if a.kind == "excessive-sedation"]
    if events:
        return True, f"adverse event: excessive sedation at {clock(events[0].at, zone)}"
    if not ratings:
        return None, "no MOAA/S rated after dosing"
    lowest = min(ratings, key=lambda r: (r.value, r.at))
    if lowest.value < 5:
        return True, f"MOAA/S {lowest.value} at {clock(lowest.at, zone)}"
    return False, f"MOAA/S 5 at every rating after dosing ({len(ratings)})"


def _dissociation(state: SessionState, first: datetime | None, zone: tzinfo | None) -> tuple[bool | None, str]:
    ratings = [r for r in state.scales.get("dissociation", []) if first is not None and r.at >= first]
    events = [a for a in state.adverse if a.kind == "distressing-dissociation"]
    if events:
        return True, f"adverse event: distressing dissociation at {clock(events[0].at, zone)}"
    if not ratings:
        return None, "no dissociation rated after dosing"
    highest = max(ratings, key=lambda r: (r.value, -r.at.timestamp()))
    if highest.value > 0:
        return True, f"dissociation {highest.value}/10 at {clock(highest.at, zone)}"
    return False, f"dissociation 0 at every rating after dosing ({len(ratings)})"


def _respiratory(state: SessionState, first: datetime | None, zone: tzinfo | None) -> tuple[bool | None, str]:
    limits = state.preset.thresholds
    events = [a for a in state.adverse if a.kind in ("respiratory-depression", "desaturation")]
    if events:
        return True, f"adverse event: {events[0].kind.replace('-', ' ')} at {clock(events[0].at, zone)}"
    readings = [
        v
        for v in state.vitals
        if first is not None and v.at >= first and (v.reading.spo2 is not None or v.reading.resp_rate is not None)
    ]
    if not readings:
        return None, "no SpO2 or respiratory rate recorded after dosing"
    for event in readings:
        reading = event.reading
        if reading.spo2 is not None and reading.spo2 < limits.spo2_low:
            return True, f"SpO2 {reading.spo2}% at {clock(event.at, zone)} (below {limits.spo2_low}%)"
        if reading.resp_rate is not None and reading.resp_rate < limits.resp_rate_low:
            return True, f"RR {reading.resp_rate} at {clock(event.at, zone)} (below {limits.resp_rate_low})"
    return False, f"SpO2 and RR within the thresholds at every reading after dosing ({len(readings)})"
