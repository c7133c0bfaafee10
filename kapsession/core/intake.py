"""The intake checklist as the record counts it: a tick, or for an item that asks for the baseline
vitals, the baseline reading itself.

A preset written before the baseline was read from the vitals may still list "Baseline vitals
taken" among its intake items; a baseline reading already says so, and the record must not print
"no" beside it. So an item naming the baseline vitals is done when there is a reading taken before
the first dose (or a tick), and its time is the reading's.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kapsession.core.events import VitalsRecorded
    from kapsession.core.state import SessionState

BASELINE_LINE = "Baseline vitals taken"
"""The record's intake line for the baseline, when the preset lists no item for it."""


def names_baseline(item: str) -> bool:
    """True for an intake item that asks for the baseline vitals ("Baseline vitals taken")."""
    words = item.casefold()
    return "baseline" in words and ("vital" in words or "reading" in words or "bp" in words.split())


def baseline_reading(state: SessionState) -> VitalsRecorded | None:
    """The first reading taken before the first dose (any reading, when no dose was given yet)."""
    first_dose = state.first_dose_at
    return next((event for event in state.vitals if first_dose is None or event.at <= first_dose), None)


def intake_done(state: SessionState) -> dict[str, datetime | None]:
    """Each intake item that is done, with the time the record gives it (None: ticked, the tick's
    time is the record's to find); a baseline item counts the baseline reading."""
    baseline = baseline_reading(state)
    done: dict[str, datetime | None] = {}
    for item in state.preset.intake_checklist:
        if state.intake_ticked.get(item):
            done[item] = None
        elif baseline is not None and names_baseline(item):
            done[item] = baseline.at
    return done
