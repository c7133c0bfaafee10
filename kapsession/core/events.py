"""The record: a session is an append-only list of these typed events.

Nothing is edited in place. A correction is a new event (`entry_struck` points at the one it
supersedes), as a paper chart is corrected with a single line and initials.

Every event carries `at` (the clinical time it describes; may be backdated) and, once stored,
`seq` (its position in the store, which is also its id) and `recorded_at` (when it was made
durable).
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Annotated, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, field_validator

from kapsession.core.phases import Phase
from kapsession.core.scales import ScaleName
from kapsession.core.vitals import VitalsReading

Route = Literal["sublingual", "intramuscular", "intravenous", "intranasal"]
NoteKind = Literal["observation", "client-words", "intervention", "side-effect", "other"]
Visibility = Literal["private", "shareable"]

NOTE_KINDS: tuple[str, ...] = ("observation", "client-words", "intervention", "side-effect", "other")


class Client(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=1, max_length=120, description="display name or initials, as entered")
    weight_kg: float | None = Field(default=None, ge=20, le=350)
    date_of_birth: date | None = None

    @field_validator("name")
    @classmethod
    def _name_not_blank(cls, value: str) -> str:
        value = value.strip()
        if not value:
            raise ValueError("the client's name or initials must not be blank")
        return value


class EventBase(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    at: datetime
    seq: int | None = None
    recorded_at: datetime | None = None

    @field_validator("at", "recorded_at")
    @classmethod
    def _aware_utc(cls, value: datetime | None) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("timestamps must be timezone-aware")
        return value.astimezone(timezone.utc)


class SessionOpened(EventBase):
    type: Literal["session_opened"] = "session_opened"
    client: Client
    preset: str
    series_number: int = Field(ge=1, default=1)
    series_length: int | None = Field(default=None, ge=1)
    planned_dose_mg: float | None = Field(default=None, gt=0, le=1000)
    previous_dose_mg: float | None = None
    practice: bool = False
    scenario: str | None = None


class PhaseStarted(EventBase):
    type: Literal["phase_started"] = "phase_started"
    phase: Phase


class DoseGiven(EventBase):
    type: Literal["dose_given"] = "dose_given"
    route: Route
    mg: float = Field(gt=0, le=1000)
    mg_per_kg: float | None = None
    site: str | None = None
    devices: int | None = Field(default=None, ge=1, le=6)
    booster: bool = False


class VitalsRecorded(EventBase):
    type: Literal["vitals_recorded"] = "vitals_recorded"
    reading: VitalsReading


class ScaleRated(EventBase):
    type: Literal["scale_rated"] = "scale_rated"
    scale: ScaleName
    value: int = Field(ge=0, le=10)


class NoteWritten(EventBase):
    type: Literal["note_written"] = "note_written"
    text: str = Field(min_length=1, max_length=20_000)
    kind: NoteKind = "observation"
    visibility: Visibility = "private"


class NoteVisibilityChanged(EventBase):
    type: Literal["note_visibility_changed"] = "note_visibility_changed"
    note_seq: int
    visibility: Visibility


class IntentionSet(EventBase):
    type: Literal["intention_set"] = "intention_set"
    text: str = Field(min_length=1, max_length=2_000)


class CardDrawn(EventBase):
    type: Literal["card_drawn"] = "card_drawn"
    card: str


class ChecklistTicked(EventBase):
    type: Literal["checklist_ticked"] = "checklist_ticked"
    checklist: Literal["intake", "discharge"]
    item: str
    done: bool = True


class AlertRaised(EventBase):
    """An alert raised by a person (a co-monitoring nurse) rather than derived from the record."""

    type: Literal["alert_raised"] = "alert_raised"
    key: str
    message: str


class AlertAcknowledged(EventBase):
    type: Literal["alert_acknowledged"] = "alert_acknowledged"
    key: str


class EntryStruck(EventBase):
    type: Literal["entry_struck"] = "entry_struck"
    target_seq: int
    reason: str = Field(min_length=1, max_length=500)


class NextSessionSet(EventBase):
    type: Literal["next_session_set"] = "next_session_set"
    when: datetime


class SessionClosed(EventBase):
    type: Literal["session_closed"] = "session_closed"
    early_reason: str | None = None


Event = Annotated[
    Union[
        SessionOpened, PhaseStarted, DoseGiven, VitalsRecorded, ScaleRated, NoteWritten,
        NoteVisibilityChanged, IntentionSet, CardDrawn, ChecklistTicked, AlertRaised,
        AlertAcknowledged, EntryStruck, NextSessionSet, SessionClosed,
    ],
    Field(discriminator="type"),
]

EVENT_ADAPTER: TypeAdapter[Event] = TypeAdapter(Event)
EVENT_TYPES: tuple[str, ...] = tuple(
    cls.model_fields["type"].default
    for cls in (
        SessionOpened, PhaseStarted, DoseGiven, VitalsRecorded, ScaleRated, NoteWritten,
        NoteVisibilityChanged, IntentionSet, CardDrawn, ChecklistTicked, AlertRaised,
        AlertAcknowledged, EntryStruck, NextSessionSet, SessionClosed,
    )
)

# Fields kept in their own store columns, not in the JSON body.
ENVELOPE_FIELDS = {"seq", "recorded_at", "at", "type"}


def event_body_json(event: EventBase) -> str:
    return event.model_dump_json(exclude=ENVELOPE_FIELDS)
