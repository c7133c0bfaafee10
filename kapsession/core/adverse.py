"""A session's adverse events, as the course view and the course report show them.

One function reads them from the state: `session_adverse_events`. Today the record holds them as
threshold alerts (a blood pressure, heart rate, SpO2 or respiratory rate over the preset's limits),
notes of the kind "side effect", and the adverse events recorded as such (kind, severity, action,
whether resolved).

A side-effect note may be private: its words are kept apart (`note_text`) so a report shows them
only where private notes may be shown; otherwise it says that a side effect was noted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from kapsession.core.state import SessionState, threshold_episodes


@dataclass(frozen=True)
class AdverseEvent:
    at: datetime
    kind: str  # "blood pressure high", "side effect", ...
    words: str  # clinical words safe in any therapist-facing view ("BP 186/114 above 180/110")
    severity: str | None = None
    note_text: str | None = None  # a side-effect note's own words
    note_private: bool = False

    def describe(self, *, include_private: bool) -> str:
        """One line; a private note's words only when `include_private`."""
        if self.note_text is None:
            return self.words
        if self.note_private and not include_private:
            return f"{self.words} (private note)"
        return f"{self.words}: {self.note_text}"


_THRESHOLD_KIND = {
    "bp": "blood pressure high",
    "heart_rate_high": "heart rate high",
    "heart_rate_low": "heart rate low",
    "spo2_low": "SpO2 low",
    "resp_rate_low": "respiratory rate low",
    "temperature_high": "temperature high",
}


def session_adverse_events(state: SessionState) -> tuple[AdverseEvent, ...]:
    """Every adverse event of one session, in time order (see the module docstring)."""
    found: list[AdverseEvent] = []
    for alert in threshold_episodes(state):
        if "before dosing" in alert.message:
            continue  # a pre-dose BP is a decision before dosing, not an event of the session
        rule = alert.key.split(":")[1] if alert.key.count(":") >= 2 else ""
        found.append(
            AdverseEvent(
                alert.raised_at,
                _THRESHOLD_KIND.get(rule, "vital sign out of range"),
                alert.message.removesuffix(" (since settled)"),
            )
        )
    for event in state.adverse:  # recorded as adverse events (kind, severity, action, resolution)
        from kapsession.core.timeline import adverse_words

        words = f"{adverse_words(event.kind)}, {event.severity}" + (f": {event.detail}" if event.detail else "")
        if event.action:
            words += f"; action: {event.action}"
        words += "; resolved" if event.resolved else "; not resolved"
        found.append(AdverseEvent(event.at, adverse_words(event.kind), words, severity=event.severity))
    for note in state.notes:
        if note.kind == "side-effect":
            found.append(
                AdverseEvent(
                    note.at, "side effect", "side effect noted", note_text=note.text, note_private=not note.shareable
                )
            )
    return tuple(sorted(found, key=lambda event: event.at))
