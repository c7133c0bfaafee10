"""Session state as a pure function of the events, the preset and "now".

`fold(events, preset, now)` is the only way state comes to exist: the live screen, the command
line, the summary and the practice debrief all read the same fold. Nothing here remembers
anything between calls, so replaying the same events at the same moment always gives the same
state.
"""

import dataclasses
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal

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
from kapsession.core.infusion import Infusion, build_infusions
from kapsession.core.phases import PHASE_TITLES, PHASES, Phase
from kapsession.core.protocol import Preset
from kapsession.core.vitals import VitalsReading

AlertLevel = Literal["alarm", "warning", "nudge", "info"]
LEVEL_RANK: dict[str, int] = {"alarm": 0, "warning": 1, "nudge": 2, "info": 3}
# Words carried with every alert, so none is signalled by colour alone.
LEVEL_WORDS: dict[str, str] = {"alarm": "ALERT", "warning": "CHECK", "nudge": "note", "info": "info"}
# The kind of note a safety check keeps (shown beside the notes; private unless chosen otherwise).
SAFETY_CHECK_KIND = "safety-check"
# A check this close to an earlier one is the same check (an interval and a fixed minute meeting).
SAME_CHECK = timedelta(minutes=2)
# The label of a check asked for after a reading crossed a threshold.
RECHECK = "recheck"


@dataclass(frozen=True)
class PhaseSpan:
    phase: Phase
    started_at: datetime
    ended_at: datetime | None
    planned_minutes: int
    seq: int | None

    def elapsed(self, now: datetime) -> timedelta:
        return (self.ended_at or now) - self.started_at


@dataclass(frozen=True)
class VitalsCheck:
    """One scheduled vitals check and the reading (if any) that answered it."""

    label: str
    due_at: datetime | None  # None: the baseline, due before the first dose is given
    window_start: datetime | None
    window_end: datetime | None  # the next check's window opens here
    reading_at: datetime | None = None
    reading_seq: int | None = None
    grace: timedelta = timedelta(minutes=2)  # the preset's on-time grace

    @property
    def done(self) -> bool:
        return self.reading_at is not None

    def lateness(self) -> timedelta | None:
        if self.reading_at is None or self.due_at is None:
            return None
        return max(timedelta(0), self.reading_at - self.due_at)

    def overdue_by(self, now: datetime) -> timedelta | None:
        """How long past due an unanswered check is, once past the grace (None within it)."""
        if self.reading_at is not None or self.due_at is None:
            return None
        late = now - self.due_at
        return late if late > self.grace else None

    def status(self, now: datetime) -> str:
        """`on time`, `late by m:ss`, `missed`, `overdue`, `due now` or `upcoming`: the one rule
        the live screen and the debrief share (a reading within the grace is on time)."""
        from kapsession.core.timeparse import format_duration

        if self.reading_at is not None:
            late = self.lateness()
            if late is None or late <= self.grace:
                return "on time"
            return f"late by {format_duration(late)}"
        if self.window_end is not None and now >= self.window_end:
            return "missed"
        if self.overdue_by(now) is not None:
            return "overdue"
        if self.due_at is not None and now > self.due_at:
            return "due now"
        return "upcoming"


@dataclass(frozen=True)
class Alert:
    key: str
    kind: str
    level: AlertLevel
    message: str
    raised_at: datetime
    active: bool = True
    acknowledged_at: datetime | None = None

    @property
    def open(self) -> bool:
        return self.acknowledged_at is None

    @property
    def word(self) -> str:
        return LEVEL_WORDS[self.level]


@dataclass(frozen=True)
class RouteTimer:
    label: str
    due_at: datetime
    done: bool = False


@dataclass(frozen=True)
class NoteView:
    seq: int | None
    at: datetime
    text: str
    kind: str
    visibility: str
    struck: str | None = None  # the reason it was struck; a struck note is shown struck, not hidden

    @property
    def shareable(self) -> bool:
        return self.visibility == "shareable"


@dataclass(frozen=True)
class AdverseView:
    """An adverse event as the record stands: resolved or still going on."""

    seq: int | None
    at: datetime
    kind: str
    severity: str
    action: str | None
    outcome: str | None
    detail: str | None
    resolved_at: datetime | None = None
    resolved_outcome: str | None = None

    @property
    def resolved(self) -> bool:
        return self.resolved_at is not None


@dataclass(frozen=True)
class Discharge:
    ready: bool
    missing: tuple[str, ...]


# The discharge criterion a recorded reason may stand in for (`DischargeCriterionWaived`).
SEDATION_CRITERION = "sedation"


@dataclass
class SessionState:
    opened: SessionOpened
    preset: Preset
    now: datetime
    spans: list[PhaseSpan] = field(default_factory=list)
    doses: list[DoseGiven] = field(default_factory=list)
    vitals: list[VitalsRecorded] = field(default_factory=list)
    scales: dict[str, list[ScaleRated]] = field(default_factory=dict)
    notes: list[NoteView] = field(default_factory=list)
    intention: str | None = None
    cards: list[str] = field(default_factory=list)
    intake_ticked: dict[str, bool] = field(default_factory=dict)
    discharge_ticked: dict[str, bool] = field(default_factory=dict)
    checks: list[VitalsCheck] = field(default_factory=list)
    alerts: list[Alert] = field(default_factory=list)
    timers: list[RouteTimer] = field(default_factory=list)
    struck: dict[int, str] = field(default_factory=dict)
    next_session_at: datetime | None = None
    closed_at: datetime | None = None
    early_reason: str | None = None
    closed_unmet: tuple[str, ...] = ()
    closing: SessionClosed | None = None
    discharge: Discharge = Discharge(False, ())
    events: list[EventBase] = field(default_factory=list)
    infusions: list[Infusion] = field(default_factory=list)
    medications: list[MedicationGiven] = field(default_factory=list)
    adverse: list[AdverseView] = field(default_factory=list)
    screening: dict[str, ScreeningAnswered] = field(default_factory=dict)
    decisions: list[PreDoseDecision] = field(default_factory=list)
    waived: dict[str, str] = field(default_factory=dict)
    form_answers: dict[str, str] = field(default_factory=dict)
    questionnaires: list[QuestionnaireAnswered] = field(default_factory=list)
    # When a recheck falls due: after each reading that crossed a threshold (the events alone say)
    rechecks_due: tuple[datetime, ...] = ()

    # -- where we are ------------------------------------------------------------------------
    @property
    def clock_now(self) -> datetime:
        """`now`, but frozen at the close for a closed session."""
        return min(self.now, self.closed_at) if self.closed_at else self.now

    @property
    def closed(self) -> bool:
        return self.closed_at is not None

    @property
    def practice(self) -> bool:
        return self.opened.practice

    @property
    def current_span(self) -> PhaseSpan | None:
        return self.spans[-1] if self.spans else None

    @property
    def phase(self) -> Phase | None:
        return self.spans[-1].phase if self.spans else None

    @property
    def started_at(self) -> datetime | None:
        return self.spans[0].started_at if self.spans else None

    def time_in_phase(self) -> timedelta | None:
        span = self.current_span
        return span.elapsed(self.clock_now) if span else None

    def planned_in_phase(self) -> timedelta | None:
        span = self.current_span
        return timedelta(minutes=span.planned_minutes) if span else None

    @property
    def first_dose_at(self) -> datetime | None:
        return self.doses[0].at if self.doses else None

    def t_plus(self) -> timedelta | None:
        first = self.first_dose_at
        return self.clock_now - first if first else None

    def total_elapsed(self) -> timedelta | None:
        start = self.started_at
        return self.clock_now - start if start else None

    @property
    def total_dose_mg(self) -> float:
        """Every dose's mg; an infusion counts what it delivered once stopped (its planned mg
        before: the maximum is checked against what may still run in)."""
        delivered = {infusion.seq: infusion.delivered_mg for infusion in self.infusions}
        return sum(
            delivered.get(dose.seq) if delivered.get(dose.seq) is not None else dose.mg  # type: ignore[misc]
            for dose in self.doses
        )

    @property
    def running_infusion(self) -> Infusion | None:
        """The infusion not yet stopped (running or paused), if any."""
        return next((infusion for infusion in reversed(self.infusions) if infusion.stopped is None), None)

    def drug_of(self, dose: DoseGiven) -> str:
        """The drug a dose named, or for a dose recorded before doses named one, the preset's."""
        return dose.drug or self.preset.drug

    @property
    def dosing_ended_at(self) -> datetime | None:
        """When the last dose was given (an infusion: when it stopped); None before any dose and
        while an infusion still runs."""
        if not self.doses or self.running_infusion is not None:
            return None
        stops = {infusion.seq: infusion.stopped_at for infusion in self.infusions}
        return max(stops.get(dose.seq) or dose.at for dose in self.doses)

    @property
    def observation_anchor(self) -> datetime | None:
        """What the minimum observation counts from: the first dose, a later booster, or the end
        of an infusion (its stop; its planned end while it runs)."""
        first = self.first_dose_at
        if first is None:
            return None
        anchor = first
        for dose in self.doses:
            if dose.booster:
                anchor = max(anchor, dose.at)
        for infusion in self.infusions:
            anchor = max(anchor, infusion.end_for_observation(self.clock_now))
        return anchor

    @property
    def predose_decision(self) -> PreDoseDecision | None:
        return self.decisions[-1] if self.decisions else None

    @property
    def open_adverse(self) -> list[AdverseView]:
        return [event for event in self.adverse if not event.resolved]

    @property
    def devices_given(self) -> int:
        return sum(dose.devices or 0 for dose in self.doses)

    # -- vitals ------------------------------------------------------------------------------
    def latest(self, measure: str) -> tuple[float, datetime] | None:
        for event in reversed(self.vitals):
            value = getattr(event.reading, measure)
            if value is not None:
                return value, event.at
        return None

    def series(self, measure: str) -> list[tuple[datetime, float]]:
        return [
            (event.at, getattr(event.reading, measure))
            for event in self.vitals
            if getattr(event.reading, measure) is not None
        ]

    def latest_scale(self, scale: str) -> ScaleRated | None:
        ratings = self.scales.get(scale)
        return ratings[-1] if ratings else None

    @property
    def next_check(self) -> VitalsCheck | None:
        """The check the header counts down to (or reports overdue)."""
        now = self.clock_now
        for check in self.checks:
            if check.done:
                continue
            if check.window_end is not None and now >= check.window_end:
                continue  # missed; the next one matters now
            return check
        return None

    def vitals_overdue_by(self) -> timedelta | None:
        """How long the next check is past due, once past the preset's on-time grace."""
        check = self.next_check
        return None if check is None else check.overdue_by(self.clock_now)

    # -- alerts ------------------------------------------------------------------------------
    @property
    def open_alerts(self) -> list[Alert]:
        return [alert for alert in self.alerts if alert.open]

    @property
    def top_alert(self) -> Alert | None:
        alerts = self.open_alerts
        return alerts[0] if alerts else None

    @property
    def observation_until(self) -> datetime | None:
        anchor = self.observation_anchor
        if anchor is None:
            return None
        return anchor + timedelta(minutes=self.preset.minimum_observation_minutes)

    def latest_questionnaire(self, instrument: str) -> QuestionnaireAnswered | None:
        taken = [q for q in self.questionnaires if q.instrument == instrument]
        return taken[-1] if taken else None

    @property
    def open_safety_alerts(self) -> list[Alert]:
        """PHQ-9 item 9 answered above 0 and no safety check recorded yet."""
        return [alert for alert in self.open_alerts if alert.kind == "safety"]

    def shareable_notes(self) -> list[NoteView]:
        return [note for note in self.notes if note.shareable]

    def cards_left(self) -> list[str]:
        drawn = {card.casefold() for card in self.cards}
        return [card for card in self.preset.cards if card.casefold() not in drawn]


def _planned_devices(opened: SessionOpened, preset: Preset) -> int | None:
    per_device = preset.timers.mg_per_device
    if not per_device or not opened.planned_dose_mg:
        return None
    return max(1, round(opened.planned_dose_mg / per_device))


def _schedule(state: SessionState) -> list[tuple[str, datetime | None]]:
    """Due times of every check in this session so far (baseline first, as `None`)."""
    preset = state.preset
    first = state.first_dose_at
    due: list[tuple[str, datetime | None]] = []
    timed: list[tuple[str, datetime]] = []
    if first is not None:
        for minute in preset.vitals.after_dose_minutes:
            timed.append((f"T+{minute}", first + timedelta(minutes=minute)))
        # A booster brings the post-dose checks again, counted from the booster.
        for dose in state.doses:
            if dose.booster:
                for minute in preset.vitals.after_dose_minutes:
                    timed.append((f"booster+{minute}", dose.at + timedelta(minutes=minute)))
        # The post-infusion checks count from the stop.
        for infusion in state.infusions:
            if infusion.stopped_at is not None:
                for minute in preset.vitals.after_stop_minutes:
                    timed.append((f"stop+{minute}", infusion.stopped_at + timedelta(minutes=minute)))
        # An infusion's stop ends the interval checks: the post-infusion ones take over, and one due
        # within the tolerance before the stop is the stop's own check.
        stops = [infusion.stopped_at for infusion in state.infusions if infusion.stopped_at is not None]
        intervals_end = min(stops) - timedelta(minutes=preset.vitals.tolerance_minutes) if stops else None
        for span in state.spans:
            interval = preset.vitals.every_minutes.get(span.phase)
            if not interval:
                continue
            step = timedelta(minutes=interval)
            # Multiples of the interval after the first dose that fall inside this span (a check at
            # the moment a phase ends belongs to the next one); the open current span reaches one
            # interval past now, inclusive, so the next check is always known.
            k = max(1, math.ceil((span.started_at - first) / step))
            while (first + k * step < span.ended_at) if span.ended_at else (first + k * step <= state.clock_now + step):
                if intervals_end is not None and first + k * step >= intervals_end:
                    break
                timed.append((f"T+{k * interval}", first + k * step))
                k += 1
    timed.sort(key=lambda item: item[1])
    kept: list[tuple[str, datetime]] = []
    for label, moment in timed:
        if kept and moment - kept[-1][1] < SAME_CHECK:
            continue
        kept.append((label, moment))
    # A recheck close to a scheduled check (or to another recheck) is that check.
    for moment in state.rechecks_due:
        if all(abs(moment - other) >= SAME_CHECK for _, other in kept):
            kept.append((RECHECK, moment))
    kept.sort(key=lambda item: item[1])
    if preset.vitals.baseline:
        due.append(("baseline", None))
    due.extend(kept)
    return due


def _recheck_times(state: SessionState) -> tuple[datetime, ...]:
    """A recheck is due the preset's minutes after each reading that crossed a threshold."""
    minutes = state.preset.vitals.recheck_after_alert_minutes
    if not minutes:
        return ()
    first = state.first_dose_at
    return tuple(
        event.at + timedelta(minutes=minutes)
        for event in state.vitals
        if threshold_crossings(event.reading, state, first is None or event.at < first)
    )


def _match_checks(state: SessionState) -> list[VitalsCheck]:
    """Give each scheduled check the first reading inside its window.

    A check's window opens `tolerance` before it is due and closes where the next scheduled one
    opens; the baseline's window is everything up to the first dose. A recheck's opens just after
    the reading that asked for it and stays open until a reading answers it (late, if need be).
    """
    schedule = _schedule(state)
    tolerance = timedelta(minutes=state.preset.vitals.tolerance_minutes)
    recheck_minutes = state.preset.vitals.recheck_after_alert_minutes or 0
    first = state.first_dose_at
    checks: list[VitalsCheck] = []
    for index, (label, due) in enumerate(schedule):
        if due is None:
            start, end = None, first
        else:
            start = due - tolerance
            if label == RECHECK:
                # The reading that asked for the recheck does not answer it.
                start = max(start, due - timedelta(minutes=recheck_minutes) + timedelta(microseconds=1))
            following = [moment for other, moment in schedule[index + 1 :] if other != RECHECK and moment]
            end = following[0] - tolerance if following and label != RECHECK else None
        reading = next(
            (
                event
                for event in state.vitals
                if (start is None or event.at >= start)
                and (end is None or event.at < end or (due is None and event.at <= end))
            ),
            None,
        )
        checks.append(
            VitalsCheck(
                label=label,
                due_at=due if due is not None else first,
                window_start=start,
                # The baseline's window closes at the first dose: a later reading is no baseline.
                window_end=end,
                reading_at=reading.at if reading else None,
                reading_seq=reading.seq if reading else None,
                grace=timedelta(minutes=state.preset.vitals.on_time_grace_minutes),
            )
        )
    return checks


_THRESHOLD_RULES: tuple[tuple[str, str], ...] = (
    ("bp", "blood pressure high"),
    ("bp_low", "blood pressure low"),
    ("heart_rate_high", "heart rate high"),
    ("heart_rate_low", "heart rate low"),
    ("spo2_low", "SpO2 low"),
    ("resp_rate_low", "respiratory rate low"),
    ("temperature_high", "temperature high"),
)


def threshold_crossings(reading: VitalsReading, state: SessionState, before_dose: bool) -> dict[str, str]:
    """Which threshold rules this reading crosses, with the words to show for each."""
    limits = state.preset.thresholds
    found: dict[str, str] = {}
    if reading.systolic is not None and reading.diastolic is not None:
        high_s, high_d = (
            (limits.predose_systolic_high, limits.predose_diastolic_high)
            if before_dose
            else (limits.systolic_high, limits.diastolic_high)
        )
        if reading.systolic > high_s or reading.diastolic > high_d:
            context = " before dosing: decide before giving the dose" if before_dose else ""
            found["bp"] = f"BP {reading.systolic}/{reading.diastolic} above {high_s}/{high_d}{context}"
        elif not before_dose and (rise := _rise_over_baseline(reading, state)) is not None:
            # Under the limits but far above the client's own baseline: the same episode, so a
            # 170/100 after a 190/115 has not settled while it is still that far up.
            found["bp"] = rise
        if reading.systolic < limits.systolic_low:
            found["bp_low"] = f"BP {reading.systolic}/{reading.diastolic} systolic below {limits.systolic_low}"
    if reading.heart_rate is not None:
        if reading.heart_rate > limits.heart_rate_high:
            found["heart_rate_high"] = f"HR {reading.heart_rate} above {limits.heart_rate_high}"
        if reading.heart_rate < limits.heart_rate_low:
            found["heart_rate_low"] = f"HR {reading.heart_rate} below {limits.heart_rate_low}"
    if reading.spo2 is not None and reading.spo2 < limits.spo2_low:
        found["spo2_low"] = f"SpO2 {reading.spo2}% below {limits.spo2_low}%"
    if reading.resp_rate is not None and reading.resp_rate < limits.resp_rate_low:
        found["resp_rate_low"] = f"RR {reading.resp_rate} below {limits.resp_rate_low}"
    if reading.temperature is not None and reading.temperature > limits.temperature_high:
        found["temperature_high"] = f"T {reading.temperature:.1f}°C above {limits.temperature_high}"
    return found


def _rise_over_baseline(reading: VitalsReading, state: SessionState) -> str | None:
    """The words for a BP far above the session's first BP reading, or None."""
    limits = state.preset.thresholds
    baseline = next((event.reading for event in state.vitals if event.reading.systolic is not None), None)
    if baseline is None or baseline is reading or reading.systolic is None or reading.diastolic is None:
        return None
    assert baseline.systolic is not None and baseline.diastolic is not None
    up_s = reading.systolic - baseline.systolic
    up_d = reading.diastolic - baseline.diastolic
    if (limits.systolic_rise is not None and up_s >= limits.systolic_rise) or (
        limits.diastolic_rise is not None and up_d >= limits.diastolic_rise
    ):
        return (
            f"BP {reading.systolic}/{reading.diastolic} up {up_s}/{up_d} from the baseline "
            f"{baseline.systolic}/{baseline.diastolic}"
        )
    return None


_RULE_MEASURE = {
    "bp": "systolic",
    "bp_low": "systolic",
    "heart_rate_high": "heart_rate",
    "heart_rate_low": "heart_rate",
    "spo2_low": "spo2",
    "resp_rate_low": "resp_rate",
    "temperature_high": "temperature",
}


def _threshold_alerts(state: SessionState) -> list[Alert]:
    """One alert per episode: it opens at the first reading over a limit and stays active while
    the latest reading of that measure is still over it (a later normal reading settles it)."""
    alerts: list[Alert] = []
    first = state.first_dose_at
    episode: dict[str, tuple[int | None, datetime, str]] = {}
    dose_passed = False
    for event in state.vitals:
        before_dose = first is None or event.at < first
        if not before_dose and not dose_passed:
            # The dose ends every pre-dose episode: a post-dose alarm is a new alert with its own
            # key, never one already acknowledged as a pre-dose decision.
            dose_passed = True
            for rule, (seq, raised, message) in episode.items():
                alerts.append(
                    Alert(
                        f"threshold:{rule}:{seq}", "threshold", _threshold_level(message), message, raised, active=False
                    )
                )
            episode.clear()
        crossed = threshold_crossings(event.reading, state, before_dose)
        for rule, _ in _THRESHOLD_RULES:
            measure = _RULE_MEASURE[rule]
            if getattr(event.reading, measure) is None:
                continue
            if rule in crossed:
                if rule in episode:
                    seq, raised, old = episode[rule]
                    message = crossed[rule]
                    if " up " in message and " above " in old:
                        # Still far above the baseline after a reading over the limit: keep the
                        # peak in the words, and say where it stands now.
                        message = f"{old.partition('; then ')[0]}; then {message.removeprefix('BP ')}"
                    episode[rule] = (seq, raised, message)
                else:
                    episode[rule] = (event.seq, event.at, crossed[rule])
            elif rule in episode:
                seq, raised, message = episode.pop(rule)
                alerts.append(
                    Alert(
                        f"threshold:{rule}:{seq}",
                        "threshold",
                        _threshold_level(message),
                        message + " (since settled)",
                        raised,
                        active=False,
                    )
                )
    for rule, (seq, raised, message) in episode.items():
        alerts.append(Alert(f"threshold:{rule}:{seq}", "threshold", _threshold_level(message), message, raised))
    return alerts


def threshold_episodes(state: SessionState) -> list[Alert]:
    """Every threshold episode of the session (open, settled, acknowledged or not): a closed
    session's `alerts` keep only the acknowledged ones, and the course lists them all."""
    return _threshold_alerts(state)


def _threshold_level(message: str) -> AlertLevel:
    """A pre-dose BP is a decision to make (warning), settled or not; anything else is an alarm."""
    return "warning" if "before dosing" in message else "alarm"


def sedation_alerts(state: SessionState) -> list[Alert]:
    """One alert per sedation episode: a MOAA/S at or below the preset's threshold opens it (a
    warning), a 1 or 0 within it raises an alarm of its own, and a later rating above the
    threshold settles both."""
    from kapsession.core.scales import SCALES

    threshold = state.preset.thresholds.moaas_alert
    anchors = SCALES["moaas"].anchors
    alerts: list[Alert] = []
    episode: Alert | None = None
    deep: Alert | None = None
    for rating in state.scales.get("moaas", []):
        words = f"MOAA/S {rating.value}: {anchors.get(rating.value, '')}"
        if rating.value <= threshold:
            if episode is None:
                episode = Alert(
                    f"sedation:{rating.seq}", "sedation", "warning", f"{words} (at or below {threshold})", rating.at
                )
            if rating.value <= 1 and deep is None:
                deep = Alert(f"sedation-deep:{rating.seq}", "sedation", "alarm", words, rating.at)
        else:
            for found in (episode, deep):
                if found is not None:
                    alerts.append(dataclasses.replace(found, message=found.message + " (since settled)", active=False))
            episode = deep = None
    alerts += [found for found in (episode, deep) if found is not None]
    return alerts


def _reminder_alerts(state: SessionState) -> tuple[list[Alert], list[RouteTimer]]:
    """Vitals due, phase time reached, route timers, observation: gentle, and only while true."""
    from kapsession.core.timeparse import format_duration, format_local

    now = state.clock_now
    preset = state.preset
    alerts: list[Alert] = []
    timers: list[RouteTimer] = []

    check = state.next_check
    overdue = None if check is None else check.overdue_by(now)
    if check is not None and check.due_at is not None and overdue is not None:
        alerts.append(
            Alert(
                f"vitals-due:{check.label}",
                "vitals-due",
                "warning",
                f"Vitals {check.label} overdue by {format_duration(overdue)}",
                check.due_at,
            )
        )

    span = state.current_span
    if span is not None and span.elapsed(now) > timedelta(minutes=span.planned_minutes):
        alerts.append(
            Alert(
                f"phase-time:{span.phase}:{span.seq}",
                "phase-time",
                "nudge",
                f"{PHASE_TITLES[span.phase]} has passed its planned {span.planned_minutes} min",
                span.started_at + timedelta(minutes=span.planned_minutes),
            )
        )

    timer_settings = preset.timers
    if timer_settings.spit_after_minutes:
        for dose in state.doses:
            if dose.route != "sublingual":
                continue
            due = dose.at + timedelta(minutes=timer_settings.spit_after_minutes)
            timers.append(RouteTimer("Spit troche", due, done=now >= due))
            if now >= due:
                alerts.append(
                    Alert(
                        f"spit:{dose.seq}",
                        "spit",
                        "nudge",
                        f"Troche: time to spit ({timer_settings.spit_after_minutes} min since the dose at {format_local(dose.at)})",
                        due,
                    )
                )

    planned_devices = _planned_devices(state.opened, preset)
    if timer_settings.device_interval_minutes and state.doses and planned_devices:
        given = state.devices_given
        if given < planned_devices:
            last = state.doses[-1].at
            due = last + timedelta(minutes=timer_settings.device_interval_minutes)
            timers.append(RouteTimer(f"Device {given + 1} of {planned_devices}", due))
            if now >= due:
                alerts.append(
                    Alert(
                        f"device:{given + 1}",
                        "device",
                        "nudge",
                        f"Device {given + 1} of {planned_devices} is due ({timer_settings.device_interval_minutes} min after the last)",
                        due,
                    )
                )

    window = timer_settings.booster_window
    first = state.first_dose_at
    if window and first is not None and not any(dose.booster for dose in state.doses):
        opens = first + timedelta(minutes=window.start)
        closes = first + timedelta(minutes=window.end)
        if now < closes:
            timers.append(
                RouteTimer(
                    "Booster window opens" if now < opens else "Booster window closes", opens if now < opens else closes
                )
            )
        if opens <= now < closes:
            alerts.append(
                Alert(
                    "booster-window",
                    "booster",
                    "info",
                    f"Booster window open until {format_local(closes)} (T+{window.start}-{window.end} min)",
                    opens,
                )
            )

    for infusion in state.infusions:
        end = infusion.planned_end()
        if end is None:
            continue
        timers.append(RouteTimer("Infusion planned end", end, done=now >= end))
        if now >= end:
            alerts.append(
                Alert(
                    f"infusion-end:{infusion.seq}",
                    "infusion",
                    "warning",
                    f"Infusion: the planned {infusion.planned_mg:g} mg has run in "
                    f"({format_local(end)}); record the stop",
                    end,
                )
            )

    until = state.observation_until
    if until is not None:
        timers.append(RouteTimer("Minimum observation", until, done=now >= until))
        if now < until and state.phase in ("recovery", "integration"):
            alerts.append(
                Alert(
                    "observation",
                    "observation",
                    "info",
                    f"Minimum observation until {format_local(until)} ({format_duration(until - now)} to go)",
                    span.started_at if span else now,
                )
            )
    return alerts, timers


def sedation_short(state: SessionState) -> str | None:
    """What is missing for the sedation criterion (a MOAA/S of 5 rated after the last dose, and
    none lower since), or None when it is met or no dose was given."""
    from kapsession.core.timeparse import format_local

    if not state.doses:
        return None
    ended = state.dosing_ended_at
    if ended is None:
        return "MOAA/S 5 after the last dose (the infusion is still running)"
    after = [rating for rating in state.scales.get("moaas", []) if rating.at >= ended]
    if after and after[-1].value == 5:
        return None
    if after:
        return f"MOAA/S 5 after the last dose (latest {after[-1].value} at {format_local(after[-1].at)})"
    return "MOAA/S 5 after the last dose (none rated since)"


def clinical_readiness(state: SessionState) -> tuple[str, ...]:
    """The clinical discharge criteria alone, the minimum observation time and the checklist's
    ticks left out: back at MOAA/S 5 after the last dose, a modified Aldrete of 9 or more, the
    infusion stopped, and a recent reading that crosses no threshold. The esketamine form's
    evaluation question asks when these were first all met."""
    missing: list[str] = []
    sedation = sedation_short(state)
    if sedation is not None:
        missing.append(sedation)
    aldrete = state.latest_scale("aldrete")
    if aldrete is None or aldrete.value < 9:
        missing.append("modified Aldrete 9 or more")
    window = timedelta(minutes=state.preset.vitals.discharge_window_minutes)
    if not state.vitals or state.clock_now - state.vitals[-1].at > window:
        missing.append(f"vitals within the last {state.preset.vitals.discharge_window_minutes} min")
    elif threshold_crossings(state.vitals[-1].reading, state, before_dose=False):
        missing.append("the latest vitals within the thresholds")
    return tuple(missing)


def discharge_readiness(state: SessionState) -> Discharge:
    from kapsession.core.timeparse import format_local

    missing: list[str] = []
    if state.open_safety_alerts:
        missing.append("a safety check note (PHQ-9 item 9 above 0)")
    for item in state.preset.discharge_checklist:
        if not state.discharge_ticked.get(item):
            missing.append(item)
    aldrete = state.latest_scale("aldrete")
    if aldrete is None:
        missing.append("modified Aldrete score (9 or more)")
    elif aldrete.value < 9:
        missing.append(f"modified Aldrete 9 or more (latest {aldrete.value})")
    sedation = sedation_short(state)
    if sedation is not None and SEDATION_CRITERION not in state.waived:
        missing.append(sedation)
    if state.running_infusion is not None:
        missing.append("the infusion stopped")
    until = state.observation_until
    if until is not None and state.clock_now < until:
        missing.append(f"minimum observation until {format_local(until)}")
    if state.preset.vitals.before_discharge:
        window = timedelta(minutes=state.preset.vitals.discharge_window_minutes)
        if not state.vitals or state.clock_now - state.vitals[-1].at > window:
            missing.append(f"vitals within the last {state.preset.vitals.discharge_window_minutes} min")
    return Discharge(ready=not missing, missing=tuple(missing))


def fold(events: Iterable[EventBase], preset: Preset, now: datetime) -> SessionState:
    """Build the state of one session from its events (in store order) at the moment `now`."""
    return replay(events, preset).at(now)


@dataclass(frozen=True)
class Replay:
    """What the events alone say (no clock): `fold(events, preset, now)` is
    `replay(events, preset).at(now)`. One replay serves every `now` while the events stay the
    same (the live screen folds once a second); `at` never changes it."""

    base: SessionState
    acknowledged: dict[str, datetime]
    thresholds: tuple[Alert, ...]
    manual: tuple[Alert, ...]  # raised by a person
    sedation: tuple[Alert, ...] = ()

    def at(self, now: datetime) -> SessionState:
        state = dataclasses.replace(self.base, now=now)
        state.checks = _match_checks(state)
        reminders, state.timers = ([], []) if state.closed else _reminder_alerts(state)
        derived = [*self.thresholds, *self.sedation, *reminders, *self.manual]
        acknowledged = self.acknowledged
        state.alerts = sorted(
            (
                Alert(a.key, a.kind, a.level, a.message, a.raised_at, a.active, acknowledged.get(a.key))
                for a in derived
                # A settled threshold episode still needs a look; a closed session needs nothing more.
                if not state.closed or a.key in acknowledged
            ),
            # Most urgent first: by level; within one, what is still going on before what has
            # settled, and the newest first (so a new alarm is never below older, settled ones).
            key=lambda a: (LEVEL_RANK[a.level], not a.active, -a.raised_at.timestamp()),
        )
        state.discharge = discharge_readiness(state)
        return state


def replay(events: Iterable[EventBase], preset: Preset) -> Replay:
    """Everything in `fold` that does not depend on the moment (see `Replay`)."""
    ordered: Sequence[EventBase] = list(events)
    if not ordered or not isinstance(ordered[0], SessionOpened):
        raise ValueError("a session's events begin with session_opened")
    opened = ordered[0]
    state = SessionState(opened=opened, preset=preset, now=opened.at, events=list(ordered))
    state.struck = {e.target_seq: e.reason for e in ordered if isinstance(e, EntryStruck)}
    # A struck visibility change no longer counts: striking "make shareable" makes it private again.
    visibility = {
        e.note_seq: e.visibility for e in ordered if isinstance(e, NoteVisibilityChanged) and e.seq not in state.struck
    }
    acknowledged: dict[str, datetime] = {}
    raised_by_person: list[AlertRaised] = []
    phase_events: list[PhaseStarted] = []
    resolutions: dict[int, AdverseEventResolved] = {}

    for event in ordered:
        if event.seq is not None and event.seq in state.struck:
            continue
        if isinstance(event, PhaseStarted):
            phase_events.append(event)
        elif isinstance(event, DoseGiven):
            state.doses.append(event)
        elif isinstance(event, VitalsRecorded):
            state.vitals.append(event)
        elif isinstance(event, ScaleRated):
            state.scales.setdefault(event.scale, []).append(event)
        elif isinstance(event, NoteWritten):
            shown = visibility.get(event.seq, event.visibility) if event.seq is not None else event.visibility
            state.notes.append(NoteView(event.seq, event.at, event.text, event.kind, shown))
        elif isinstance(event, IntentionSet):
            state.intention = event.text
        elif isinstance(event, CardDrawn):
            state.cards.append(event.card)
        elif isinstance(event, ChecklistTicked):
            target = state.intake_ticked if event.checklist == "intake" else state.discharge_ticked
            target[event.item] = event.done
        elif isinstance(event, AlertRaised):
            raised_by_person.append(event)
        elif isinstance(event, AlertAcknowledged):
            acknowledged.setdefault(event.key, event.at)
        elif isinstance(event, NextSessionSet):
            state.next_session_at = event.when
        elif isinstance(event, QuestionnaireAnswered):
            state.questionnaires.append(event)
        elif isinstance(event, SafetyCheckRecorded):
            acknowledged.setdefault(event.key, event.at)
            shown = visibility.get(event.seq, event.visibility) if event.seq is not None else event.visibility
            state.notes.append(NoteView(event.seq, event.at, event.text, SAFETY_CHECK_KIND, shown))
        elif isinstance(event, SessionClosed):
            state.closed_at = event.at
            state.early_reason = event.early_reason
            state.closed_unmet = event.unmet
            state.closing = event
        elif isinstance(event, MedicationGiven):
            state.medications.append(event)
        elif isinstance(event, AdverseEventRecorded):
            state.adverse.append(
                AdverseView(event.seq, event.at, event.kind, event.severity, event.action, event.outcome, event.detail)
            )
        elif isinstance(event, AdverseEventResolved):
            resolutions.setdefault(event.event_seq, event)
        elif isinstance(event, ScreeningAnswered):
            state.screening[event.question] = event
        elif isinstance(event, PreDoseDecision):
            state.decisions.append(event)
        elif isinstance(event, DischargeCriterionWaived):
            state.waived[event.criterion] = event.reason
        elif isinstance(event, FormAnswerConfirmed):
            state.form_answers[event.field] = event.answer

    # Clinical time order, not typing order: a backdated reading takes its place in the series.
    state.doses.sort(key=lambda e: e.at)
    state.vitals.sort(key=lambda e: e.at)
    for ratings in state.scales.values():
        ratings.sort(key=lambda e: e.at)
    state.notes.sort(key=lambda n: n.at)
    state.medications.sort(key=lambda e: e.at)
    state.adverse = sorted(
        (
            dataclasses.replace(
                view, resolved_at=resolutions[view.seq].at, resolved_outcome=resolutions[view.seq].outcome
            )
            if view.seq in resolutions
            else view
            for view in state.adverse
        ),
        key=lambda view: view.at,
    )
    state.infusions = build_infusions(state.doses, (e for e in ordered if e.seq is None or e.seq not in state.struck))
    state.questionnaires.sort(key=lambda e: e.at)
    phase_events.sort(key=lambda e: e.at)
    for index, event in enumerate(phase_events):
        ended = phase_events[index + 1].at if index + 1 < len(phase_events) else state.closed_at
        state.spans.append(PhaseSpan(event.phase, event.at, ended, preset.phases[event.phase].minutes, event.seq))

    state.rechecks_due = _recheck_times(state)
    return Replay(
        state,
        acknowledged,
        tuple(_threshold_alerts(state)) + tuple(safety_alerts(state.questionnaires)),
        tuple(Alert(e.key, "manual", "warning", e.message, e.at) for e in raised_by_person),
        tuple(sedation_alerts(state)),
    )


def safety_alerts(questionnaires: Iterable[QuestionnaireAnswered]) -> list[Alert]:
    """One alarm per PHQ-9 whose item 9 (thoughts of self-harm) was answered above 0: it stays
    open until a safety check note is recorded against it (`SafetyCheckRecorded`)."""
    from kapsession.core.questionnaires import instrument

    alerts = []
    for taken in questionnaires:
        form = instrument(taken.instrument)
        if form.safety_flagged(taken.answers):
            answer = taken.answers[form.safety_item - 1]  # type: ignore[operator]
            alerts.append(
                Alert(
                    f"safety:{taken.seq}",
                    "safety",
                    "alarm",
                    f"{form.title} item {form.safety_item} answered {answer} ({form.answers[answer].lower()}): "
                    "a safety check is needed today; acknowledging asks for the note",
                    taken.at,
                )
            )
    return alerts


def phase_label(phase: Phase | None) -> str:
    from kapsession.core.phases import PHASE_TITLES

    return PHASE_TITLES[phase] if phase else "Not started"


__all__ = [
    "fold",
    "replay",
    "Replay",
    "SessionState",
    "Alert",
    "VitalsCheck",
    "PhaseSpan",
    "RouteTimer",
    "NoteView",
    "AdverseView",
    "Discharge",
    "PHASES",
    "phase_label",
]
