"""What stands open when a session is closed, and what closing past it takes.

Closing is the one entry a therapist cannot take back, so it is never the easy way past an alarm:
every alarm still open must be acknowledged first, and every discharge criterion not met needs a
reason, which is recorded with the close (each criterion with its own). `close_session` in
core/commands.py builds the close from these; core/rules.py checks them again inside the store's
write transaction, so another terminal or the command line cannot close past them either.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta

from kapsession.core.errors import InputError
from kapsession.core.events import SessionClosed
from kapsession.core.state import SEDATION_CRITERION, Alert, SessionState, sedation_short
from kapsession.core.timeparse import format_local

# Alerts that are about the client's safety (a reading over a threshold after the dose, a sedation
# rating, one raised by a person), as opposed to reminders that end with the session. A pre-dose
# BP is a "CHECK" answered by the pre-dose decision, not an alarm to close past.
ALARM_KINDS = frozenset({"threshold", "sedation", "manual"})

# The modified Aldrete a client is discharged at (9 of 10, the usual rule).
ALDRETE_READY = 9

AFTER_CLOSE = (
    "After closing, notes, corrections and the next session are kept as addenda marked with the "
    "time written; vitals, doses, ratings and ticks are not taken."
)


@dataclass(frozen=True)
class Criterion:
    """A discharge criterion not met: `key` is what a reason names it by on the command line
    (`--reason "aldrete: walking steadily"`), `words` what the therapist reads."""

    key: str
    words: str


def unacknowledged_alarms(state: SessionState) -> list[Alert]:
    """The alarms no one has acknowledged yet, the most urgent first."""
    return [
        alert
        for alert in state.open_alerts
        if alert.kind in ALARM_KINDS and not (alert.kind == "threshold" and alert.level == "warning")
    ]


def alarms_going_on(state: SessionState) -> tuple[str, ...]:
    """Alarms still active (their reading still over the limit), acknowledged or not: what the
    close records as open at that moment."""
    alarm_alerts = [
        alert
        for alert in state.alerts
        if alert.active and alert.kind in ALARM_KINDS and not (alert.kind == "threshold" and alert.level == "warning")
    ]
    return tuple(f"{alert.word} {alert.message} (raised {format_local(alert.raised_at)})" for alert in alarm_alerts)


def unmet_criteria(state: SessionState) -> list[Criterion]:
    """The discharge criteria not met at `state.now`: the checklist's unticked items, the modified
    Aldrete, MOAA/S 5 since the last dose (unless a reason was recorded for it beforehand), the
    minimum observation and a recent reading where the preset asks for one."""
    missing: list[Criterion] = []
    until = state.observation_until
    now = state.clock_now
    if until is not None and now < until:
        # The words are kept with the reason, so they must not change by the minute.
        missing.append(Criterion("observation", f"minimum observation until {format_local(until)}"))
    sedation = sedation_short(state)
    if sedation is not None and SEDATION_CRITERION not in state.waived:
        missing.append(Criterion(SEDATION_CRITERION, sedation))
    aldrete = state.latest_scale("aldrete")
    if aldrete is None:
        missing.append(Criterion("aldrete", f"modified Aldrete not scored ({ALDRETE_READY} or more needed)"))
    elif aldrete.value < ALDRETE_READY:
        missing.append(
            Criterion(
                "aldrete", f"modified Aldrete {aldrete.value}, below {ALDRETE_READY} ({format_local(aldrete.at)})"
            )
        )
    if state.preset.vitals.before_discharge:
        window = state.preset.vitals.discharge_window_minutes
        if not state.vitals or now - state.vitals[-1].at > timedelta(minutes=window):
            missing.append(Criterion("vitals", f"no vitals within the last {window} min"))
    for number, item in enumerate(state.preset.discharge_checklist, start=1):
        if not state.discharge_ticked.get(item):
            missing.append(Criterion(f"item {number}", f"not ticked: {item}"))
    return missing


def criterion_for(criteria: list[Criterion], typed: str, items: tuple[str, ...] | list[str]) -> Criterion | None:
    """The criterion a reason's prefix names: its key (`observation`, `aldrete`, `sedation`,
    `vitals`, `item 2`), or the start of a checklist item's text (case ignored)."""
    wanted = " ".join(typed.split()).casefold()
    if not wanted:
        return None
    for criterion in criteria:
        if criterion.key == wanted or criterion.key.replace(" ", "") == wanted.replace(" ", ""):
            return criterion
    for number, item in enumerate(items, start=1):
        if item.casefold().startswith(wanted):
            return next((c for c in criteria if c.key == f"item {number}"), None)
    return None


def nothing_to_close_past(state: SessionState) -> str | None:
    """Why the session cannot be closed at all yet (no reason stands in): an infusion still
    running, a safety check note waiting. None when it may be closed."""
    running = state.running_infusion
    if running is not None:
        return (
            f"the infusion started at {format_local(running.started_at)} is still running; "
            "record its stop before closing"
        )
    if state.open_safety_alerts:
        return "a PHQ-9 item 9 above 0 is waiting for its safety check note; record it before closing"
    return None


def alarms_sentence(alarms: list[Alert]) -> str:
    listed = "; ".join(f"{alert.word} {alert.message} ({format_local(alert.raised_at)})" for alert in alarms)
    count = f"{len(alarms)} alarm{'s' if len(alarms) != 1 else ''}"
    return f"{count} not acknowledged: {listed}; acknowledge each before closing"


def check_close(state: SessionState, closed: SessionClosed) -> None:
    """The close rule on a close about to be recorded (InputError when it does not hold): no alarm
    left unacknowledged, and a reason for every criterion not met."""
    alarms = unacknowledged_alarms(state)
    if alarms:
        raise InputError(alarms_sentence(alarms))
    given = {reason.criterion for reason in closed.reasons}
    without = [c.words for c in unmet_criteria(state) if c.words not in given and closed.early_reason is None]
    if without:
        raise InputError(
            "closing with a discharge criterion not met needs a reason for each, which is recorded: "
            + "; ".join(without)
        )


def reasons_for(
    criteria: list[Criterion], reasons: Mapping[str, str], general: str | None
) -> tuple[list[tuple[Criterion, str]], list[Criterion]]:
    """Each criterion with its reason (its own, else the general one), and those left without."""
    given: list[tuple[Criterion, str]] = []
    without: list[Criterion] = []
    for criterion in criteria:
        reason = (reasons.get(criterion.key) or "").strip() or general
        if reason:
            given.append((criterion, reason))
        else:
            without.append(criterion)
    return given, without


def open_at_close(closed: SessionClosed) -> list[str]:
    """What the close recorded as open, one line each, as `show`, the record and the screens say it."""
    lines = [f"{alarm}, acknowledged" for alarm in closed.alarms]
    if closed.reasons:
        lines += [f"{reason.criterion}: reason: {reason.reason}" for reason in closed.reasons]
    elif closed.unmet:
        lines += [f"{criterion}: reason: {closed.early_reason}" for criterion in closed.unmet]
    return lines
