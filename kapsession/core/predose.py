"""The pre-dose gate: before the first dose, what is short (no baseline vitals, a pre-dose blood
pressure over the preset's limit, screening unanswered or answered "stop and decide", intake
items unticked). With anything short, no dose is recorded until someone records a decision: go
ahead (with a reason), defer, or cancel.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kapsession.core.screening import is_stop

if TYPE_CHECKING:
    from kapsession.core.state import SessionState


def _listed(items: list[str], most: int = 3) -> str:
    shown = ", ".join(items[:most])
    return shown + (f" and {len(items) - most} more" if len(items) > most else "")


def predose_short(state: SessionState) -> tuple[str, ...]:
    """What is short before the first dose, in words; () once a dose was given."""
    from kapsession.core.timeparse import format_local

    if state.doses:
        return ()
    preset = state.preset
    short: list[str] = []
    with_bp = [event for event in state.vitals if event.reading.systolic is not None]
    if preset.vitals.baseline and not with_bp:
        short.append("no baseline vitals (with a blood pressure) recorded")
    if with_bp:
        latest = with_bp[-1]
        limits = preset.thresholds
        systolic, diastolic = latest.reading.systolic, latest.reading.diastolic
        if systolic > limits.predose_systolic_high or (diastolic or 0) > limits.predose_diastolic_high:  # type: ignore[operator]
            short.append(
                f"the latest blood pressure {systolic}/{diastolic} ({format_local(latest.at)}) is above "
                f"the pre-dose limit of {limits.predose_systolic_high}/{limits.predose_diastolic_high}"
            )
    questions = preset.screening_questions
    unanswered = [question.key for question in questions if question.key not in state.screening]
    if unanswered:
        short.append(f"screening not answered: {_listed(unanswered)}")
    for question in questions:
        answer = state.screening.get(question.key)
        if answer is not None and is_stop(question, answer.answer):
            short.append(f"screening: '{question.text}' answered {answer.answer} (stop and decide)")
    from kapsession.core.intake import intake_done

    done = intake_done(state)  # a baseline item counts the baseline reading
    unticked = [item for item in preset.intake_checklist if item not in done]
    if unticked:
        short.append(f"intake checklist: {len(unticked)} of {len(preset.intake_checklist)} not ticked")
    return tuple(short)


def gate_open(state: SessionState) -> bool:
    """A first dose may be recorded: nothing is short, or someone decided to go ahead."""
    if state.doses or not predose_short(state):
        return True
    decision = state.predose_decision
    return decision is not None and decision.decision == "proceed"
