"""The record: a session is an append-only list of these typed events.

Nothing is edited in place. A correction is a new event (`entry_struck` points at the one it
supersedes), as a paper chart is corrected with a single line and initials.

Every event carries `at` (the clinical time it describes; may be backdated) and, once stored,
`seq` (its position in the store, which is also its id) and `recorded_at` (when it was made
durable).
"""

# Annotations are real objects here, not `from __future__` strings: msgspec would evaluate each
# string when the classes are made, on the way to every screen and PDF.
import re
from datetime import date, datetime, timezone
from typing import Annotated, Any, ClassVar, Literal, Union

import msgspec
from msgspec import Meta

from kapsession.core.errors import InputError
from kapsession.core.phases import Phase
from kapsession.core.scales import ScaleName
from kapsession.core.vitals import VitalsReading

Route = Literal["sublingual", "intramuscular", "intravenous", "intranasal"]
NoteKind = Literal["observation", "client-words", "intervention", "side-effect", "other"]
Visibility = Literal["private", "shareable"]

NOTE_KINDS: tuple[str, ...] = ("observation", "client-words", "intervention", "side-effect", "other")

# Constraints are checked wherever an event is read or written through msgspec (the store decodes
# every event it reads and re-reads every event before it writes it; see `checked`). msgspec, not
# pydantic, because events are read on the way to the first paint and into the PDF: importing and
# building the pydantic models cost more than the whole time budget of those paths.
Mg = Annotated[float, Meta(gt=0, le=1000)]


class Client(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    name: Annotated[str, Meta(min_length=1, max_length=120)]
    """Display name or initials, as entered."""
    weight_kg: Annotated[float, Meta(ge=20, le=350)] | None = None
    date_of_birth: date | None = None

    def __post_init__(self) -> None:
        name = self.name.strip()
        if not name:
            raise ValueError("the client's name or initials must not be blank")
        if name != self.name:
            msgspec.structs.force_setattr(self, "name", name)


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


class EventBase(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True,
                tag_field="type", tag=_snake):
    """`type` is the snake-case class name (`DoseGiven` -> `dose_given`), stored as the tag."""

    at: datetime
    seq: int | None = None
    recorded_at: datetime | None = None

    type: ClassVar[str] = "event"

    def __init_subclass__(cls, **options: Any) -> None:
        super().__init_subclass__(**options)
        cls.type = _snake(cls.__name__)

    def __post_init__(self) -> None:
        # Timestamps are aware and kept in UTC, whoever made them.
        for name in ("at", "recorded_at"):
            value = getattr(self, name)
            if value is None:
                continue
            if value.tzinfo is None:
                raise ValueError("timestamps must be timezone-aware")
            if value.tzinfo is not timezone.utc:
                msgspec.structs.force_setattr(self, name, value.astimezone(timezone.utc))


class SessionOpened(EventBase, frozen=True):
    client: Client
    preset: str
    series_number: Annotated[int, Meta(ge=1)] = 1
    series_length: Annotated[int, Meta(ge=1)] | None = None
    planned_dose_mg: Mg | None = None
    previous_dose_mg: float | None = None
    practice: bool = False
    scenario: str | None = None


class PhaseStarted(EventBase, frozen=True):
    phase: Phase


class DoseGiven(EventBase, frozen=True):
    route: Route
    mg: Mg
    mg_per_kg: float | None = None
    site: str | None = None
    devices: Annotated[int, Meta(ge=1, le=6)] | None = None
    booster: bool = False


class VitalsRecorded(EventBase, frozen=True):
    reading: VitalsReading


class ScaleRated(EventBase, frozen=True):
    scale: ScaleName
    value: Annotated[int, Meta(ge=0, le=10)]


class NoteWritten(EventBase, frozen=True):
    text: Annotated[str, Meta(min_length=1, max_length=20_000)]
    kind: NoteKind = "observation"
    visibility: Visibility = "private"


class NoteVisibilityChanged(EventBase, frozen=True):
    note_seq: int
    visibility: Visibility


class IntentionSet(EventBase, frozen=True):
    text: Annotated[str, Meta(min_length=1, max_length=2_000)]


class CardDrawn(EventBase, frozen=True):
    card: str


class ChecklistTicked(EventBase, frozen=True):
    checklist: Literal["intake", "discharge"]
    item: str
    done: bool = True


class AlertRaised(EventBase, frozen=True):
    """An alert raised by a person (a co-monitoring nurse) rather than derived from the record."""

    key: str
    message: str


class AlertAcknowledged(EventBase, frozen=True):
    key: str


class EntryStruck(EventBase, frozen=True):
    target_seq: int
    reason: Annotated[str, Meta(min_length=1, max_length=500)]


class NextSessionSet(EventBase, frozen=True):
    when: datetime


class SessionClosed(EventBase, frozen=True):
    early_reason: str | None = None


EVENT_CLASSES: tuple[type[EventBase], ...] = (
    SessionOpened, PhaseStarted, DoseGiven, VitalsRecorded, ScaleRated, NoteWritten,
    NoteVisibilityChanged, IntentionSet, CardDrawn, ChecklistTicked, AlertRaised,
    AlertAcknowledged, EntryStruck, NextSessionSet, SessionClosed,
)
Event = Union[
    SessionOpened, PhaseStarted, DoseGiven, VitalsRecorded, ScaleRated, NoteWritten,
    NoteVisibilityChanged, IntentionSet, CardDrawn, ChecklistTicked, AlertRaised,
    AlertAcknowledged, EntryStruck, NextSessionSet, SessionClosed,
]
EVENT_TYPES: tuple[str, ...] = tuple(cls.type for cls in EVENT_CLASSES)

# Fields kept in their own store columns, not in the JSON body.
ENVELOPE_FIELDS = frozenset({"seq", "recorded_at", "at", "type"})

_ENCODER = msgspec.json.Encoder()
_EVENT_DECODER = msgspec.json.Decoder(Event)
_EVENTS_DECODER = msgspec.json.Decoder(list[Event])


def event_json(event: EventBase) -> bytes:
    """The whole event as JSON, `type` included (what `decode_event` reads back)."""
    return _ENCODER.encode(event)


def decode_event(data: bytes | str) -> EventBase:
    """One event from `event_json`'s form; a `msgspec.ValidationError` if it breaks a rule."""
    return _EVENT_DECODER.decode(data)


def decode_events(data: bytes | str) -> list[EventBase]:
    """A JSON array of events in `event_json`'s form, decoded (and checked) in one call."""
    return _EVENTS_DECODER.decode(data)


def event_body_json(event: EventBase) -> str:
    """The JSON body the store keeps: every field but the envelope (`ENVELOPE_FIELDS`)."""
    body = msgspec.structs.asdict(event)
    for name in ("seq", "recorded_at", "at"):
        body.pop(name, None)
    return _ENCODER.encode(body).decode()


def with_store_fields(event: EventBase, seq: int | None, recorded_at: datetime | None) -> EventBase:
    """The same event with its store position and recording time (None, None: as if unstored)."""
    return msgspec.structs.replace(event, seq=seq, recorded_at=recorded_at)


def checked(event: EventBase) -> EventBase:
    """`event`, read back from its own JSON so every rule above is checked before it is stored;
    an `InputError` naming the field and the rule when one is broken (nothing is recorded)."""
    try:
        return decode_event(event_json(event))
    except msgspec.ValidationError as error:
        raise InputError(f"cannot record this {event.type.replace('_', ' ')}: {error}") from None


def as_dict(event: EventBase) -> dict[str, Any]:
    """The event as JSON-ready builtins (`type` included), e.g. for `export json`."""
    return msgspec.to_builtins(event)
