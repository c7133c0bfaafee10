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
from kapsession.core.state import SessionState, fold


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
    over: str | None = None  # an intravenous dose's infusion minutes, as typed
    lot: str | None = None
    repeat: bool = False  # a further dose given again on purpose (not a booster)
    confirmed: bool = False  # a dose far from the plan, confirmed with a second Enter

    def command(self, state: SessionState, now: datetime) -> EventBase:
        mg: str | float = self.mg
        devices: int | None = None
        per_device = state.preset.timers.mg_per_device
        if self.devices is not None and per_device:
            count = self.devices.strip()
            if not (count.isascii() and count.isdigit()) or not 1 <= int(count) <= 6:
                raise InputError(f"device count '{count}' is not accepted: accepted 1-6 devices")
            devices = int(count)
            mg = devices * per_device
        given = {
            "devices": devices,
            "booster": self.booster,
            "repeat": self.repeat,
            "confirmed": self.confirmed,
            "site": self.site,
            "over_minutes": self.over,
            "lot": self.lot,
        }
        if not self.at:
            # Timed when `d` was pressed: the moment the dose was given, not when typing ended.
            return commands.give_dose(state, mg, self.opened_at, **given)  # type: ignore[arg-type]
        return commands.give_dose(state, mg, now, at_text=self.at, **given)  # type: ignore[arg-type]


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
    reasons: tuple[tuple[str, str], ...] = ()  # (criterion key, reason) for each criterion not met
    acknowledge: tuple[str, ...] = ()  # the alarms acknowledged from the close dialog, by key

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
            events += [commands.acknowledge(state, now, key) for key in self.acknowledge]
            # The close is decided on the session as it will be with the ticks, the score and the
            # acknowledgements before it (they are recorded first).
            after = fold([*state.events, *events], state.preset, now)
            events.append(commands.close_session(after, now, self.early_reason, dict(self.reasons)))
        return events


@dataclass(frozen=True)
class CloseChoice:
    """What the close dialog returns: the alarms to acknowledge before the close (by key), and a
    reason for each discharge criterion not met (by the criterion's key)."""

    acknowledge: tuple[str, ...] = ()
    reasons: tuple[tuple[str, str], ...] = ()


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
            raise InputError(
                f"{left} item{'s' if left != 1 else ''} still to answer (item {len(self.answers) + 1} is next)"
            )
        return commands.answer_questionnaire(state, self.instrument, list(self.answers), now, by_client=self.by_client)


@dataclass(frozen=True)
class SafetyCheckEntry:
    """The note that acknowledges a safety alert (`key`)."""

    key: str
    text: str
    shareable: bool = False

    def command(self, state: SessionState, now: datetime) -> EventBase:
        return commands.record_safety_check(state, self.text, now, key=self.key, shareable=self.shareable)


@dataclass(frozen=True)
class MedicationEntry:
    """Another medicine (never the ketamine dose), timed when `m` was pressed."""

    opened_at: datetime
    name: str
    amount: str
    unit: str
    route: str = ""
    reason: str = ""

    def command(self, state: SessionState, now: datetime) -> EventBase:
        return commands.give_medication(
            state, self.name, self.amount, self.unit, self.opened_at, route=self.route, reason=self.reason
        )


@dataclass(frozen=True)
class AdverseEntry:
    """An adverse event, timed when `e` was pressed; `severity` None until one is chosen."""

    opened_at: datetime
    kind: str
    severity: str | None
    action: str = ""
    detail: str = ""

    def command(self, state: SessionState, now: datetime) -> EventBase:
        if self.severity is None:
            raise InputError("choose the severity: 1 mild, 2 moderate, 3 severe")
        return commands.record_adverse(
            state, self.kind, self.severity, self.opened_at, action=self.action, detail=self.detail
        )


@dataclass(frozen=True)
class InfusionEntry:
    """What to do with the running infusion: `rate` (to `rate` mg/h), `pause`, `resume`, or
    `stop` (with what was `delivered` and the `reason` for an early stop); None until chosen."""

    mode: str | None
    rate: str = ""
    delivered: str = ""
    reason: str = ""

    def command(self, state: SessionState, now: datetime) -> EventBase:
        if self.mode == "rate":
            return commands.change_infusion_rate(state, self.rate, now)
        if self.mode == "pause":
            return commands.pause_infusion(state, now)
        if self.mode == "resume":
            return commands.resume_infusion(state, now)
        if self.mode == "stop":
            return commands.stop_infusion(state, now, self.delivered, self.reason)
        raise InputError("choose what to do: r a new rate, p pause or resume, s stop")


@dataclass(frozen=True)
class PreDoseEntry:
    """The decision before the first dose (defer, proceed, cancel) and its reason; a cancel is
    recorded with the session's close."""

    choice: str
    reason: str

    def command(self, state: SessionState, now: datetime) -> list[EventBase]:
        decision = commands.decide_predose(state, self.choice, self.reason, now)
        if decision.decision == "cancel":
            return [decision, commands.close_session(state, now, f"cancelled before dosing: {decision.reason}")]
        return [decision]


@dataclass(frozen=True)
class IntakeEntry:
    """The intake checklist as ticked on screen and the screening answers as typed (by the
    question's key); what differs from the record is recorded, in the preset's order."""

    ticked: frozenset[str]
    answers: tuple[tuple[str, str], ...] = ()

    def command(self, state: SessionState, now: datetime) -> list[EventBase]:
        from kapsession.core.screening import parse_answer

        items = state.preset.intake_checklist
        events: list[EventBase] = [
            commands.tick_item(state, "intake", number, now, done=item in self.ticked)
            for number, item in enumerate(items, start=1)
            if bool(state.intake_ticked.get(item)) != (item in self.ticked)
        ]
        typed = dict(self.answers)
        for question in state.preset.screening_questions:
            text = typed.get(question.key, "")
            if not text.strip():
                continue  # not answered on screen: nothing to record
            recorded = state.screening.get(question.key)
            if recorded is None or recorded.answer != parse_answer(question, text):
                events.append(commands.answer_screening(state, question.key, text, now))
        return events


@dataclass(frozen=True)
class NextSessionEntry:
    """The next session's date and time as typed (the command line's formats)."""

    text: str

    def command(self, state: SessionState, now: datetime) -> EventBase:
        return commands.set_next_session(state, self.text, now)
