"""The debrief: an honest account of a practice session, scored.

Everything is read from the same fold the live screen used (`core.state.fold`), at the moment the
session closed (or now, for one still running), and from the same script times the trainee saw
(`driver.script`):

- each scheduled vitals check: on time, late by m:ss, missed (or not reached before the close);
- each alert (threshold episodes and alerts raised by a person) and the time to acknowledge it;
- each scripted event and whether the expected entry (vitals, note, ack, scale, a medicine, an
  adverse event, the infusion stopped, any) followed within its window;
- the phases against the plan, the discharge checklist, and whether the minimum observation time
  was respected (closed before it without a reason: not respected).

A short score summary comes first, the details below; `to_text()` for the terminal and
`to_markdown()` for a supervisor.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from kapsession.core.events import (
    AlertAcknowledged,
    EntryStruck,
    EventBase,
    SessionClosed,
    SessionOpened,
)
from kapsession.core.phases import PHASE_TITLES, PHASES
from kapsession.core.protocol import Preset
from kapsession.core.state import SessionState, fold
from kapsession.core.timeparse import format_duration, format_local
from kapsession.practice.driver import script
from kapsession.practice.scenario import EXPECT_WORDS, KIND_WORDS, Scenario

# An alert acknowledged within this (virtual) time was acknowledged promptly; later is late.
ACK_WITHIN = timedelta(minutes=2)
# A phase within this of its plan is "on plan".
PHASE_SLACK = timedelta(minutes=1)
# Alerts the debrief accounts for: those a person must look at. Vitals-due reminders are already
# accounted for by the checks; phase-time, timer and observation notes are gentle nudges.
DEBRIEF_ALERT_KINDS = ("threshold", "manual")
_MISSING_WORDS = {
    "vitals": "vitals entry",
    "note": "note",
    "ack": "acknowledgement",
    "scale": "scale rating",
    "medication": "medicine given",
    "adverse": "adverse event recorded",
    "infusion-stop": "infusion stop",
    "any": "entry",
}


@dataclass(frozen=True)
class CheckResult:
    label: str
    due_at: datetime | None
    reading_at: datetime | None
    status: str  # on time | late by m:ss | missed | overdue | not reached | upcoming
    points: float | None  # None: not scored (not reached yet)


@dataclass(frozen=True)
class AlertResult:
    message: str
    level: str
    raised_at: datetime
    acknowledged_at: datetime | None

    @property
    def delay(self) -> timedelta | None:
        return self.acknowledged_at - self.raised_at if self.acknowledged_at else None

    @property
    def late(self) -> bool:
        return self.delay is None or self.delay > ACK_WITHIN

    @property
    def status(self) -> str:
        if self.delay is None:
            return "never acknowledged"
        word = "late" if self.late else "promptly"
        return f"acknowledged after {format_duration(self.delay)} ({word})"

    @property
    def points(self) -> float:
        return 0.0 if self.delay is None else (0.5 if self.late else 1.0)


@dataclass(frozen=True)
class ScriptedResult:
    when: str  # `T+40` or `start+5`, as scripted
    kind: str
    text: str
    expect: str | None
    window_minutes: int
    presented_at: datetime | None
    response_at: datetime | None
    status: str  # answered after m:ss | missed ... | not reached | presented | waiting
    points: float | None


@dataclass(frozen=True)
class PhaseResult:
    phase: str
    planned: timedelta
    actual: timedelta | None
    status: str


@dataclass(frozen=True)
class ObservationResult:
    until: datetime | None
    closed_at: datetime | None
    early_reason: str | None
    status: str
    points: float | None


@dataclass
class Debrief:
    session_id: str
    scenario_name: str | None
    scenario_title: str | None
    preset: str
    client_name: str
    opened_at: datetime
    started_at: datetime | None
    first_dose_at: datetime | None
    closed_at: datetime | None
    as_of: datetime
    checks: list[CheckResult] = field(default_factory=list)
    alerts: list[AlertResult] = field(default_factory=list)
    scripted: list[ScriptedResult] = field(default_factory=list)
    scenario_missing: bool = False
    phases: list[PhaseResult] = field(default_factory=list)
    discharge_items: list[tuple[str, bool]] = field(default_factory=list)
    discharge_other_missing: list[str] = field(default_factory=list)
    observation: ObservationResult | None = None

    # -- scoring -----------------------------------------------------------------------------
    def category_scores(self) -> list[tuple[str, float, float, str]]:
        """(category, points, possible, one-line summary) for each category that applies."""
        rows: list[tuple[str, float, float, str]] = []
        scored = [c for c in self.checks if c.points is not None]
        if scored:
            on_time = sum(1 for c in scored if c.status == "on time")
            late = sum(1 for c in scored if c.status.startswith("late"))
            missed = len(scored) - on_time - late
            rows.append(
                (
                    "Vitals checks",
                    sum(c.points or 0 for c in scored),
                    len(scored),
                    f"{on_time} of {len(scored)} on time, {late} late, {missed} missed",
                )
            )
        if self.alerts:
            prompt = sum(1 for a in self.alerts if not a.late)
            late = sum(1 for a in self.alerts if a.delay is not None and a.late)
            never = sum(1 for a in self.alerts if a.delay is None)
            text = f"{prompt} of {len(self.alerts)} acknowledged promptly, {late} late, {never} never"
            slowest = max((a.delay for a in self.alerts if a.delay is not None), default=None)
            if slowest is not None:
                text += f" (slowest {format_duration(slowest)})"
            rows.append(("Alerts", sum(a.points for a in self.alerts), len(self.alerts), text))
        expected = [s for s in self.scripted if s.points is not None]
        if expected:
            answered = sum(1 for s in expected if s.points)
            rows.append(
                (
                    "Scripted events",
                    float(answered),
                    len(expected),
                    f"{answered} of {len(expected)} answered in time, {len(expected) - answered} missed",
                )
            )
        if self.discharge_items and self.closed_at is not None:
            ticked = sum(1 for _, done in self.discharge_items if done)
            rows.append(
                (
                    "Discharge checklist",
                    float(ticked),
                    len(self.discharge_items),
                    f"{ticked} of {len(self.discharge_items)} items ticked",
                )
            )
        if self.observation is not None and self.observation.points is not None:
            rows.append(("Minimum observation", self.observation.points, 1.0, self.observation.status))
        return rows

    @property
    def score(self) -> int | None:
        """The mean of the category scores, as a whole percentage (None: nothing to score yet)."""
        rows = self.category_scores()
        if not rows:
            return None
        return round(100 * sum(points / possible for _, points, possible, _ in rows) / len(rows))

    def summary_lines(self) -> list[tuple[str, str]]:
        lines = [(name, text) for name, _, _, text in self.category_scores()]
        planned = sum((p.planned for p in self.phases), timedelta())
        actual = sum((p.actual for p in self.phases if p.actual is not None), timedelta())
        held = sum(1 for p in self.phases if p.actual is not None)
        if held:
            diff = actual - planned
            sign = "over" if diff > timedelta(0) else "under"
            lines.append(
                (
                    "Phases",
                    f"{held} of {len(self.phases)} held, {format_duration(actual)} in all "
                    f"against {format_duration(planned)} planned ({format_duration(abs(diff))} {sign})",
                )
            )
        return lines

    @property
    def misses(self) -> list[str]:
        """One line per thing done late or not at all: the part a trainee reads first."""
        found: list[str] = []
        for check in self.checks:
            if check.status != "on time" and check.points is not None:
                found.append(f"Vitals {check.label}: {check.status}")
        for alert in self.alerts:
            if alert.late:
                found.append(f"Alert \u201c{alert.message}\u201d: {alert.status}")
        for item in self.scripted:
            if item.points == 0:
                found.append(f"{item.when} \u201c{item.text}\u201d: {item.status}")
        unticked = [item for item, done in self.discharge_items if not done]
        if unticked and self.closed_at is not None:
            found.append(f"Discharge checklist: {len(unticked)} not ticked: {'; '.join(unticked)}")
        if self.observation is not None and self.observation.points is not None and self.observation.points < 1:
            found.append(f"Minimum observation: {self.observation.status}")
        return found

    # -- rendering ---------------------------------------------------------------------------
    def _nothing_missed(self) -> str:
        if not self.category_scores():
            return "nothing yet: no check, alert or scripted event has come due"
        return "nothing: every check, alert and event was answered in time"

    def _t(self, moment: datetime | None) -> str:
        if moment is None:
            return ""
        first = self.first_dose_at
        if first is None:
            return format_local(moment)
        delta = moment - first
        sign = "T+" if delta >= timedelta(0) else "T-"
        return f"{format_local(moment)} ({sign}{format_duration(abs(delta))})"

    def _heading(self) -> str:
        name = self.scenario_title or self.scenario_name or "practice session"
        return f"Practice debrief: {name}"

    def _facts(self) -> list[str]:
        when = self.opened_at.astimezone()
        facts = [
            f"Session {self.session_id} · scenario {self.scenario_name or 'none'} · preset {self.preset} · "
            f"client {self.client_name} · {when:%Y-%m-%d %H:%M}",
        ]
        if self.closed_at is not None:
            total = self.closed_at - (self.started_at or self.opened_at)
            facts.append(f"Closed at {self._t(self.closed_at)} after {format_duration(total)} (practice clock)")
        else:
            facts.append(f"Still open: debrief as of {self._t(self.as_of)} (practice clock)")
        return facts

    def to_markdown(self) -> str:
        out: list[str] = [f"# {self._heading()}", ""]
        out += [f"{fact}  " for fact in self._facts()]
        out.append("")
        score = self.score
        out.append(f"## Score: {score}%" if score is not None else "## Score: nothing to score yet")
        out.append("")
        lines = self.summary_lines()
        if lines:
            out += ["| area | result |", "|---|---|"]
            out += [f"| {name} | {_md(text)} |" for name, text in lines]
            out.append("")
        misses = self.misses
        out.append("### Late or missed")
        out.append("")
        out += [f"- {_md(item)}" for item in misses] if misses else [f"- {self._nothing_missed()}"]
        out.append("")

        out += ["## Vitals checks", ""]
        if self.checks:
            out += ["| check | due | reading | result |", "|---|---|---|---|"]
            for check in self.checks:
                due = "before the dose" if check.label == "baseline" else self._t(check.due_at)
                out.append(f"| {check.label} | {due} | {self._t(check.reading_at) or '—'} | {check.status} |")
        else:
            out.append("No checks were scheduled.")
        out.append("")

        out += ["## Alerts", ""]
        if self.alerts:
            out += ["| alert | raised | acknowledged | result |", "|---|---|---|---|"]
            for alert in self.alerts:
                out.append(
                    f"| {_md(alert.message)} | {self._t(alert.raised_at)} | "
                    f"{self._t(alert.acknowledged_at) or '—'} | {alert.status} |"
                )
        else:
            out.append("No alerts were raised.")
        out.append("")

        out += ["## Scripted events", ""]
        if self.scenario_missing:
            out.append(f"The scenario '{self.scenario_name}' can no longer be found, so its events cannot be checked.")
        elif self.scripted:
            out += ["| when | presented | what | expected | result |", "|---|---|---|---|---|"]
            for item in self.scripted:
                expected = f"{EXPECT_WORDS[item.expect]} within {item.window_minutes} min" if item.expect else "—"
                out.append(
                    f"| {item.when} | {self._t(item.presented_at) or '—'} | {_md(_what(item))} | "
                    f"{expected} | {item.status} |"
                )
        else:
            out.append("No scripted events.")
        out.append("")

        out += ["## Phases against the plan", ""]
        out += ["| phase | planned | actual | result |", "|---|---|---|---|"]
        for phase in self.phases:
            actual = format_duration(phase.actual) if phase.actual is not None else "—"
            out.append(
                f"| {PHASE_TITLES[phase.phase]} | {format_duration(phase.planned)} | {actual} | {phase.status} |"
            )
        out.append("")

        out += ["## Discharge checklist", ""]
        out += [f"- [{'x' if done else ' '}] {_md(item)}" for item, done in self.discharge_items]
        if self.discharge_other_missing:
            out += ["", "Also not met when the session closed:" if self.closed_at else "Also not met yet:", ""]
            out += [f"- {_md(item)}" for item in self.discharge_other_missing]
        out.append("")

        out += ["## Minimum observation", ""]
        out.append(self.observation.status if self.observation else "No dose was recorded.")
        out.append("")
        return "\n".join(out)

    def to_text(self) -> str:
        out: list[str] = [self._heading().upper()]
        out += self._facts()
        out.append("")
        score = self.score
        out.append(f"Score: {score}%" if score is not None else "Score: nothing to score yet")
        lines = self.summary_lines()
        width = max((len(name) for name, _ in lines), default=0)
        out += [f"  {name:<{width}}  {text}" for name, text in lines]
        out.append("")
        misses = self.misses
        out.append("Late or missed:")
        out += [f"  - {item}" for item in misses] if misses else [f"  {self._nothing_missed()}"]

        out += ["", "Vitals checks:"]
        for check in self.checks:
            due = "before the dose" if check.label == "baseline" else self._t(check.due_at)
            reading = self._t(check.reading_at) or "no reading"
            out.append(f"  {check.label:<9} due {due:<24} {reading:<24} {check.status}")
        if not self.checks:
            out.append("  none scheduled")

        out += ["", "Alerts:"]
        for alert in self.alerts:
            out.append(f"  {alert.message}")
            out.append(f"      raised {self._t(alert.raised_at)}; {alert.status}")
        if not self.alerts:
            out.append("  none raised")

        out += ["", "Scripted events:"]
        if self.scenario_missing:
            out.append(f"  the scenario '{self.scenario_name}' can no longer be found")
        for item in self.scripted:
            presented = f"presented {self._t(item.presented_at)}" if item.presented_at else "not presented"
            out.append(f"  {item.when:<9} {_what(item)}")
            expected = f"expected {EXPECT_WORDS[item.expect]} within {item.window_minutes} min; " if item.expect else ""
            out.append(f"      {presented}; {expected}{item.status}")

        out += ["", "Phases against the plan:"]
        for phase in self.phases:
            actual = format_duration(phase.actual) if phase.actual is not None else "—"
            out.append(
                f"  {PHASE_TITLES[phase.phase]:<17} planned {format_duration(phase.planned):>7}  "
                f"actual {actual:>7}  {phase.status}"
            )

        out += ["", "Discharge checklist:"]
        out += [f"  [{'x' if done else ' '}] {item}" for item, done in self.discharge_items]
        for missing in self.discharge_other_missing:
            out.append(f"  also not met: {missing}")

        out += ["", "Minimum observation:"]
        out.append(f"  {self.observation.status if self.observation else 'no dose was recorded'}")
        return "\n".join(out) + "\n"


def _what(item: ScriptedResult) -> str:
    """`Monitor shows 186/114`, `You notice: the client is pale`: the kind only where the text
    does not already say who presents it."""
    word = KIND_WORDS[item.kind]
    if item.text.casefold().startswith(word.split()[0].casefold()):
        return item.text
    return f"{word}: {item.text}"


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


# -- building it ------------------------------------------------------------------------------------


def _checks(state: SessionState, end: datetime) -> list[CheckResult]:
    results = []
    for check in state.checks:
        status = check.status(end)
        points: float | None
        if status == "on time":
            points = 1.0
        elif status.startswith("late"):
            points = 0.5
        elif status == "missed":
            points = 0.0
        elif status == "overdue":
            # Still waiting in an open session; in a closed one it can never come.
            status, points = ("missed", 0.0) if state.closed else ("overdue", 0.0)
        else:
            status, points = ("not reached" if state.closed else "upcoming"), None
        results.append(CheckResult(check.label, check.due_at, check.reading_at, status, points))
    return results


def _alerts(events: Sequence[EventBase], preset: Preset, end: datetime) -> list[AlertResult]:
    """Alerts as they stood just before the close (a closed session drops unanswered ones)."""
    without_close = [e for e in events if not isinstance(e, SessionClosed)]
    state = fold(without_close, preset, end)
    alerts = [a for a in state.alerts if a.kind in DEBRIEF_ALERT_KINDS]
    alerts.sort(key=lambda a: a.raised_at)
    return [AlertResult(a.message, a.level, a.raised_at, a.acknowledged_at) for a in alerts]


def _responses(state: SessionState, expect: str) -> list[datetime]:
    """When entries of the expected kind were made (struck ones left out)."""
    if expect == "vitals":
        return [e.at for e in state.vitals]
    if expect == "note":
        return [n.at for n in state.notes]
    if expect == "scale":
        return [r.at for ratings in state.scales.values() for r in ratings]
    if expect == "ack":
        return [e.at for e in state.events if isinstance(e, AlertAcknowledged)]
    if expect == "medication":
        return [m.at for m in state.medications]
    if expect == "adverse":
        return [a.at for a in state.adverse]
    if expect == "infusion-stop":
        return [i.stopped_at for i in state.infusions if i.stopped_at is not None]
    return [
        e.at
        for e in state.events
        if not isinstance(e, (SessionOpened, EntryStruck)) and (e.seq is None or e.seq not in state.struck)
    ]


def _scripted(scenario: Scenario, state: SessionState, end: datetime) -> list[ScriptedResult]:
    results = []
    for moment in script(scenario, state):
        event = moment.event
        due = moment.due_at
        window = timedelta(minutes=event.window_minutes)
        response: datetime | None = None
        points: float | None = None
        if due is None or due > end:
            status = "not reached"
            due_shown = None
        else:
            due_shown = due
            if event.expect is None:
                status = "presented (nothing expected)"
            else:
                times = sorted(t for t in _responses(state, event.expect) if t >= due)
                in_window = [t for t in times if t <= due + window]
                if in_window:
                    response = in_window[0]
                    status, points = f"answered after {format_duration(response - due)}", 1.0
                elif not state.closed and end < due + window:
                    status = "waiting"
                else:
                    points = 0.0
                    status = f"missed: no {_MISSING_WORDS[event.expect]} within {event.window_minutes} min"
                    if times:
                        response = times[0]
                        status += f" (first after {format_duration(times[0] - due)})"
        results.append(
            ScriptedResult(
                event.when,
                event.kind,
                event.text,
                event.expect,
                event.window_minutes,
                due_shown,
                response,
                status,
                points,
            )
        )
    return results


def _phases(state: SessionState, end: datetime) -> list[PhaseResult]:
    results = []
    current = state.current_span
    for phase in PHASES:
        planned = timedelta(minutes=state.preset.phases[phase].minutes)
        spans = [s for s in state.spans if s.phase == phase]
        if not spans:
            results.append(PhaseResult(phase, planned, None, "not held"))
            continue
        actual = sum((s.elapsed(end) for s in spans), timedelta())
        diff = actual - planned
        if current is not None and current.phase == phase and current.ended_at is None:
            status = "in progress"
        elif abs(diff) <= PHASE_SLACK:
            status = "on plan"
        elif diff > timedelta(0):
            status = f"{format_duration(diff)} over"
        else:
            status = f"{format_duration(-diff)} under"
        results.append(PhaseResult(phase, planned, actual, status))
    return results


def _observation(state: SessionState, end: datetime) -> ObservationResult | None:
    until = state.observation_until
    if until is None:
        return None
    minimum = state.preset.minimum_observation_minutes
    closed = state.closed_at
    if closed is None:
        text = (
            f"in progress: the minimum {minimum} min runs until {format_local(until)}"
            if end < until
            else f"the minimum {minimum} min ended at {format_local(until)}; the session is not closed yet"
        )
        return ObservationResult(until, None, None, text, None)
    if closed >= until:
        return ObservationResult(
            until,
            closed,
            None,
            f"respected: closed at {format_local(closed)}, the minimum {minimum} min ran until {format_local(until)}",
            1.0,
        )
    early = format_duration(until - closed)
    if state.early_reason:
        return ObservationResult(
            until,
            closed,
            state.early_reason,
            f"closed {early} before the minimum {minimum} min, with a recorded reason: {state.early_reason}",
            0.5,
        )
    return ObservationResult(
        until, closed, None, f"not respected: closed {early} before the minimum {minimum} min, without a reason", 0.0
    )


def build_debrief(
    events: Sequence[EventBase],
    preset: Preset,
    scenario: Scenario | None,
    now: datetime,
    session_id: str = "",
) -> Debrief:
    """Score one session's events. `now` matters only for a session that is not closed yet."""
    state = fold(events, preset, now)
    end = state.clock_now
    opened = state.opened
    debrief = Debrief(
        session_id=session_id,
        scenario_name=opened.scenario or (scenario.name if scenario else None),
        scenario_title=scenario.title if scenario else None,
        preset=preset.name,
        client_name=opened.client.name,
        opened_at=opened.at,
        started_at=state.started_at,
        first_dose_at=state.first_dose_at,
        closed_at=state.closed_at,
        as_of=end,
    )
    debrief.checks = _checks(state, end)
    debrief.alerts = _alerts(events, preset, end)
    if scenario is not None:
        debrief.scripted = _scripted(scenario, state, end)
    else:
        debrief.scenario_missing = bool(opened.scenario)
    debrief.phases = _phases(state, end)
    debrief.discharge_items = [(item, bool(state.discharge_ticked.get(item))) for item in preset.discharge_checklist]
    debrief.discharge_other_missing = [m for m in state.discharge.missing if m not in preset.discharge_checklist]
    debrief.observation = _observation(state, end)
    return debrief


def debrief_session(store, session_id: str, now: datetime | None = None, presets=None, scenarios=None) -> Debrief:
    """Load a stored practice session and score it (`presets`/`scenarios`: libraries to use).

    `now` is the practice clock's reading, for a session still running; without it (a report
    read later, when that clock is gone) an unfinished session is scored as of its last entry."""
    from kapsession.core.errors import InputError, NotFoundError
    from kapsession.practice.scenario import default_scenarios
    from kapsession.presets import default_library

    presets = presets if presets is not None else default_library()
    row = store.session(session_id)
    if not row.practice:
        raise InputError(f"session {session_id} is a real session; a debrief is only for practice sessions")
    events = store.events(session_id)
    opened = events[0]
    preset = presets.get(row.preset)
    scenario = None
    name = getattr(opened, "scenario", None)
    if name:
        scenarios = scenarios if scenarios is not None else default_scenarios(presets)
        try:
            scenario = scenarios.get(name)
        except NotFoundError:
            scenario = None
    if now is None:
        now = max(event.at for event in events)
    return build_debrief(events, preset, scenario, now, session_id)
