"""What the live screen's dialogs return: what was typed and chosen, as a typed value.

A dialog checks its entry with `command` (the core's rules, the same as the command line's) and
dismisses with it; the screen's recorder then runs `command` again against the session as it is
at that moment and records the result (`kapsession/tui/recorder.py`). An entry the store refused
opens its dialog again, filled in with it, so nothing typed is lost.

No screen here: an entry is plain data and a call into `kapsession.core.commands`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from kapsession.core import commands
from kapsession.core.errors import InputError
from kapsession.core.events import EventBase
from kapsession.core.scales import parse_aldrete
from kapsession.core.state import SessionState


class Entry(Protocol):
    """Anything a dialog returns for the recorder: its core command."""

    def command(self, state: SessionState, now: datetime) -> EventBase | Sequence[EventBase]: ...


@dataclass(frozen=True)
class NoteEntry:
    text: str
    started_at: datetime  # when typing began: the note belongs to that moment
    kind: str = "observation"
    shareable: bool = False

    def command(self, state: SessionState, now: datetime) -> EventBase:
        return commands.write_note(state, self.text, self.started_at, kind=self.kind, shareable=self.shareable)


@dataclass(frozen=True)
class DoseEntry:
    opened_at: datetime  # when `d` was pressed: the dose's time unless `at` backdates it
    mg: str = ""  # as typed (unused when devices are counted)
    devices: str | None = None  # as typed, for a nasal-spray dose counted in devices
    booster: bool = False
    site: str | None = None
    at: str | None = None  # a typed time to backdate to

    def command(self, state: SessionState, now: datetime) -> EventBase:
        mg: str | float = self.mg
        per_device = state.preset.timers.mg_per_device
        if self.devices is not None and per_device:
            count = self.devices.strip()
            if not (count.isascii() and count.isdigit()) or not 1 <= int(count) <= 6:
                raise InputError(f"device count '{count}' is not accepted: accepted 1-6 devices")
            mg = int(count) * per_device
        if not self.at:
            # Timed when `d` was pressed: the moment the dose was given, not when typing ended.
            return commands.give_dose(state, mg, self.opened_at, booster=self.booster, site=self.site)
        return commands.give_dose(state, mg, now, booster=self.booster, site=self.site, at_text=self.at)


@dataclass(frozen=True)
class ScaleEntry:
    scale: str
    value: str

    def command(self, state: SessionState, now: datetime) -> EventBase:
        return commands.rate_scale(state, self.scale, self.value, now)


@dataclass(frozen=True)
class IntentionEntry:
    text: str

    def command(self, state: SessionState, now: datetime) -> EventBase:
        return commands.set_intention(state, self.text, now)


@dataclass(frozen=True)
class DischargeEntry:
    """The discharge checklist as ticked on screen, the modified Aldrete as typed, and whether
    to close the session (with the reason, when closing before the minimum observation)."""

    ticked: frozenset[str]
    aldrete: str = ""
    close: bool = False
    early_reason: str | None = None

    def changes(self, state: SessionState, now: datetime) -> list[EventBase]:
        """A tick (or untick) for every item whose mark differs from the record, then the
        Aldrete score; raises InputError for a bad score."""
        items = state.preset.discharge_checklist
        events: list[EventBase] = [
            commands.tick_item(state, "discharge", number, now, done=item in self.ticked)
            for number, item in enumerate(items, start=1)
            if bool(state.discharge_ticked.get(item)) != (item in self.ticked)
        ]
        if self.aldrete.strip():
            events.append(commands.rate_scale(state, "aldrete", parse_aldrete(self.aldrete), now))
        return events

    def command(self, state: SessionState, now: datetime) -> list[EventBase]:
        events = self.changes(state, now)
        if self.close:
            events.append(commands.close_session(state, now, self.early_reason))
        return events


@dataclass(frozen=True)
class QuestionnaireEntry:
    """A PHQ-9 or GAD-7 as answered so far (a command refuses it until every item is)."""

    instrument: str
    answers: tuple[int, ...]
    by_client: bool = False

    def command(self, state: SessionState, now: datetime) -> EventBase:
        from kapsession.core.questionnaires import instrument

        left = len(instrument(self.instrument).items) - len(self.answers)
        if left:
            raise InputError(f"{left} item{'s' if left != 1 else ''} still to answer "
                             f"(item {len(self.answers) + 1} is next)")
        return commands.answer_questionnaire(state, self.instrument, list(self.answers), now,
                                             by_client=self.by_client)


@dataclass(frozen=True)
class SafetyCheckEntry:
    """The note that acknowledges a safety alert (`key`)."""

    key: str
    text: str
    shareable: bool = False

    def command(self, state: SessionState, now: datetime) -> EventBase:
        return commands.record_safety_check(state, self.text, now, key=self.key, shareable=self.shareable)
