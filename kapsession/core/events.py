"""The record: a session is an append-only list of these typed events.

Nothing is edited in place. A correction is a new event (`entry_struck` points at the one it
supersedes), as a paper chart is corrected with a single line and initials.

Every event carries `at` (the clinical time it describes; may be backdated) and, once stored,
`seq` (its position in the store, which is also its id) and `recorded_at` (when it was made
durable). Each class names its `type` as a literal, which tags it in the stored JSON and lets
one `TypeAdapter` read any event back.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Any, Literal, TypeVar, get_args

from pydantic import Field, TypeAdapter, ValidationError, field_validator

from kapsession.core import text_rule
from kapsession.core.clinician import Initials
from kapsession.core.errors import InputError
from kapsession.core.phases import Phase
from kapsession.core.scales import ScaleName
from kapsession.core.strict_model import StrictModel
from kapsession.core.text_rule import follows
from kapsession.core.vitals import VitalsReading

Route = Literal["sublingual", "intramuscular", "intravenous", "intranasal"]
NoteKind = Literal["observation", "client-words", "intervention", "side-effect", "other"]
Visibility = Literal["private", "shareable"]

NOTE_KINDS: tuple[str, ...] = ("observation", "client-words", "intervention", "side-effect", "other")

Mg = Annotated[float, Field(gt=0, le=1000)]
Drug = Literal["racemic ketamine", "esketamine"]
DRUGS: tuple[str, ...] = ("racemic ketamine", "esketamine")
Decision = Literal["proceed", "defer", "cancel"]
Severity = Literal["mild", "moderate", "severe"]
SEVERITIES: tuple[str, ...] = get_args(Severity)
AdverseKind = Literal[
    "nausea",
    "vomiting",
    "hypertension",
    "tachycardia",
    "bradycardia",
    "desaturation",
    "respiratory-depression",
    "excessive-sedation",
    "distressing-dissociation",
    "agitation",
    "headache",
    "dizziness",
    "other",
]
ADVERSE_KINDS: tuple[str, ...] = get_args(AdverseKind)
MedicationUnit = Literal["mg", "mcg", "g", "mL", "tablet"]
ShortText = Annotated[str, Field(min_length=1, max_length=500), follows(text_rule.CLINICAL_TEXT)]


class Client(StrictModel):
    name: Annotated[str, Field(min_length=1, max_length=120), follows(text_rule.CLIENT_NAME)]
    """Display name or initials, as entered."""
    weight_kg: Annotated[float, Field(ge=20, le=350)] | None = None
    date_of_birth: date | None = None
    sex: Annotated[str, Field(max_length=40)] | None = None
    """As the client gives it (the esketamine form asks); a client record will fill it."""

    @field_validator("name")
    @classmethod
    def _name_not_blank(cls, name: str) -> str:
        name = name.strip()
        if not name:
            raise ValueError("the client's name or initials must not be blank")
        return name


class EventBase(StrictModel):
    type: str
    """Each event class narrows this to its own literal tag."""
    at: datetime
    seq: int | None = None
    recorded_at: datetime | None = None
    by: Initials | None = None
    """The initials of the clinician who recorded it (None: not said, as in records made before
    entries carried them)."""

    @field_validator("at", "recorded_at")
    @classmethod
    def _aware_utc(cls, value: datetime | None) -> datetime | None:
        # Timestamps are aware and kept in UTC, whoever made them.
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("timestamps must be timezone-aware")
        return value.astimezone(UTC)


class SessionOpened(EventBase):
    type: Literal["session_opened"] = "session_opened"
    client: Client
    preset: str
    series_number: Annotated[int, Field(ge=1)] = 1
    series_length: Annotated[int, Field(ge=1)] | None = None
    planned_dose_mg: Mg | None = None
    previous_dose_mg: float | None = None
    practice: bool = False
    scenario: str | None = None


class PhaseStarted(EventBase):
    type: Literal["phase_started"] = "phase_started"
    phase: Phase


class DoseGiven(EventBase):
    type: Literal["dose_given"] = "dose_given"
    route: Route
    mg: Mg
    mg_per_kg: float | None = None
    site: Annotated[str, follows(text_rule.SITE)] | None = None
    devices: Annotated[int, Field(ge=1, le=6)] | None = None
    booster: bool = False
    repeat: bool = False
    """A further dose given on purpose as a repeat (not a booster): a dose after the first is
    one or the other (core/rules.py)."""
    drug: Drug | None = None
    """None in sessions recorded before doses named their drug: the preset's drug is meant."""
    lot: Annotated[str, Field(min_length=1, max_length=40), follows(text_rule.LOT)] | None = None
    infusion_minutes: Annotated[float, Field(gt=0, le=600)] | None = None
    """An intravenous dose given as an infusion: `mg` is planned over this many minutes, and the
    infusion runs until an `infusion_stopped` event (which says what was actually delivered)."""


class InfusionRateChanged(EventBase):
    type: Literal["infusion_rate_changed"] = "infusion_rate_changed"
    dose_seq: int
    mg_per_hour: Annotated[float, Field(gt=0, le=1000)]


class InfusionPaused(EventBase):
    type: Literal["infusion_paused"] = "infusion_paused"
    dose_seq: int
    reason: ShortText | None = None


class InfusionResumed(EventBase):
    type: Literal["infusion_resumed"] = "infusion_resumed"
    dose_seq: int


class InfusionStopped(EventBase):
    type: Literal["infusion_stopped"] = "infusion_stopped"
    dose_seq: int
    delivered_mg: Annotated[float, Field(ge=0, le=1000)]
    reason: ShortText | None = None
    """Why it stopped before the planned amount ran in (required then)."""


class MedicationGiven(EventBase):
    """Any medicine other than the ketamine dose (an antiemetic, a benzodiazepine, an
    antihypertensive): never counted against the ketamine maximum."""

    type: Literal["medication_given"] = "medication_given"
    name: Annotated[str, Field(min_length=1, max_length=80), follows(text_rule.MEDICINE)]
    amount: Annotated[float, Field(gt=0, le=10_000)]
    unit: MedicationUnit
    route: Annotated[str, Field(min_length=1, max_length=40)] | None = None
    reason: ShortText | None = None


class AdverseEventRecorded(EventBase):
    type: Literal["adverse_event"] = "adverse_event"
    kind: AdverseKind
    severity: Severity
    action: ShortText | None = None
    outcome: ShortText | None = None
    detail: ShortText | None = None
    """What it was, for `other` (or more words for any kind)."""


class AdverseEventResolved(EventBase):
    type: Literal["adverse_event_resolved"] = "adverse_event_resolved"
    event_seq: int
    outcome: ShortText | None = None


class ScreeningAnswered(EventBase):
    """One intake screening question answered; the question's words are kept with the answer,
    so the record reads the same after the preset changes."""

    type: Literal["screening_answered"] = "screening_answered"
    question: Annotated[str, Field(min_length=1, max_length=60)]
    text: Annotated[str, Field(min_length=1, max_length=300)]
    answer: Annotated[str, Field(min_length=1, max_length=500), follows(text_rule.CLINICAL_TEXT)]


class PreDoseDecision(EventBase):
    """Before the first dose, with something short (no baseline, a high BP, screening or intake
    unfinished): who decided what, and why. `short` is what was short when it was decided."""

    type: Literal["predose_decision"] = "predose_decision"
    decision: Decision
    reason: ShortText
    short: tuple[str, ...] = ()


class DischargeCriterionWaived(EventBase):
    """A discharge criterion not met, and the recorded reason the client may leave anyway."""

    type: Literal["discharge_criterion_waived"] = "discharge_criterion_waived"
    criterion: Annotated[str, Field(min_length=1, max_length=60)]
    reason: ShortText


class FormAnswerConfirmed(EventBase):
    """The therapist's own answer to a monitoring-form question the record can only suggest
    (sedation, dissociation, respiratory depression seen; first treatment)."""

    type: Literal["form_answer_confirmed"] = "form_answer_confirmed"
    field: Annotated[str, Field(min_length=1, max_length=60)]
    answer: Literal["yes", "no"]


class VitalsRecorded(EventBase):
    type: Literal["vitals_recorded"] = "vitals_recorded"
    reading: VitalsReading


class ScaleRated(EventBase):
    type: Literal["scale_rated"] = "scale_rated"
    scale: ScaleName
    value: Annotated[int, Field(ge=0, le=10)]


class NoteWritten(EventBase):
    type: Literal["note_written"] = "note_written"
    text: Annotated[str, Field(min_length=1, max_length=20_000), follows(text_rule.NOTE)]
    kind: NoteKind = "observation"
    visibility: Visibility = "private"
    saved_at: datetime | None = None
    """When it was saved, if later than `at` (when typing began): the practice debrief judges a
    note by when it was saved. Older records have none."""


class NoteVisibilityChanged(EventBase):
    type: Literal["note_visibility_changed"] = "note_visibility_changed"
    note_seq: int
    visibility: Visibility


class IntentionSet(EventBase):
    type: Literal["intention_set"] = "intention_set"
    text: Annotated[str, Field(min_length=1, max_length=2_000), follows(text_rule.INTENTION)]


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
    message: Annotated[str, Field(min_length=1), follows(text_rule.ALERT_TEXT)]


class AlertAcknowledged(EventBase):
    type: Literal["alert_acknowledged"] = "alert_acknowledged"
    key: str


class EntryStruck(EventBase):
    type: Literal["entry_struck"] = "entry_struck"
    target_seq: int
    reason: Annotated[str, Field(min_length=1, max_length=500), follows(text_rule.STRIKE_REASON)]


class NextSessionSet(EventBase):
    type: Literal["next_session_set"] = "next_session_set"
    when: datetime


class CriterionReason(StrictModel):
    """A discharge criterion not met at the close, as it was shown, and the reason recorded for it."""

    criterion: Annotated[str, Field(min_length=1, max_length=300)]
    reason: Annotated[str, Field(min_length=1), follows(text_rule.CLOSE_REASON)]


class SessionClosed(EventBase):
    type: Literal["session_closed"] = "session_closed"
    early_reason: Annotated[str, Field(min_length=1), follows(text_rule.CLOSE_REASON)] | None = None
    """The reason recorded at the close: before the minimum observation, or with a discharge
    criterion in `unmet`."""
    unmet: tuple[str, ...] = ()
    """Discharge criteria not met when the session was closed (with the reason above)."""
    reasons: tuple[CriterionReason, ...] = ()
    """Each criterion in `unmet` with its own reason (sessions closed before these were kept say
    only `early_reason`)."""
    alarms: tuple[str, ...] = ()
    """Alarms still going on at the close (each acknowledged before it), as they were shown."""


class QuestionnaireAnswered(EventBase):
    """A PHQ-9 or GAD-7, every answer kept (the total and band are derived). In a session's log
    when taken there (at intake, or by the client in the client view); in a client's log when
    collected between sessions."""

    type: Literal["questionnaire_answered"] = "questionnaire_answered"
    instrument: Literal["phq9", "gad7"]
    answers: tuple[Annotated[int, Field(ge=0, le=3)], ...]
    by_client: bool = False
    """Answered by the client themselves (the client view), not read out by the therapist."""

    @field_validator("answers")
    @classmethod
    def _one_answer_per_item(cls, answers: tuple[int, ...], info: Any) -> tuple[int, ...]:
        expected = {"phq9": 9, "gad7": 7}.get(info.data.get("instrument", ""))
        if expected is not None and len(answers) != expected:
            raise ValueError(f"needs {expected} answers, one per item; {len(answers)} given")
        return answers


class SafetyCheckRecorded(EventBase):
    """The therapist's safety check after a PHQ-9 item 9 above 0: acknowledges that alert (`key`)
    and keeps the note, private unless the therapist chose otherwise."""

    type: Literal["safety_check_recorded"] = "safety_check_recorded"
    key: str
    text: Annotated[str, Field(min_length=1, max_length=20_000), follows(text_rule.SAFETY_NOTE)]
    visibility: Visibility = "private"


Event = Annotated[
    SessionOpened
    | PhaseStarted
    | DoseGiven
    | VitalsRecorded
    | ScaleRated
    | NoteWritten
    | NoteVisibilityChanged
    | IntentionSet
    | CardDrawn
    | ChecklistTicked
    | AlertRaised
    | AlertAcknowledged
    | EntryStruck
    | NextSessionSet
    | SessionClosed
    | InfusionRateChanged
    | InfusionPaused
    | InfusionResumed
    | InfusionStopped
    | MedicationGiven
    | AdverseEventRecorded
    | AdverseEventResolved
    | ScreeningAnswered
    | PreDoseDecision
    | DischargeCriterionWaived
    | FormAnswerConfirmed
    | QuestionnaireAnswered
    | SafetyCheckRecorded,
    Field(discriminator="type"),
]
EVENT_CLASSES: tuple[type[EventBase], ...] = (
    SessionOpened,
    PhaseStarted,
    DoseGiven,
    VitalsRecorded,
    ScaleRated,
    NoteWritten,
    NoteVisibilityChanged,
    IntentionSet,
    CardDrawn,
    ChecklistTicked,
    AlertRaised,
    AlertAcknowledged,
    EntryStruck,
    NextSessionSet,
    SessionClosed,
    InfusionRateChanged,
    InfusionPaused,
    InfusionResumed,
    InfusionStopped,
    MedicationGiven,
    AdverseEventRecorded,
    AdverseEventResolved,
    ScreeningAnswered,
    PreDoseDecision,
    DischargeCriterionWaived,
    FormAnswerConfirmed,
    QuestionnaireAnswered,
    SafetyCheckRecorded,
)


def event_type(cls: type[EventBase]) -> str:
    """The tag a class is stored under (`DoseGiven` -> `dose_given`)."""
    return str(cls.model_fields["type"].default)


EVENT_TYPES: tuple[str, ...] = tuple(event_type(cls) for cls in EVENT_CLASSES)

# Fields kept in their own store columns, not in the JSON body.
ENVELOPE_FIELDS = frozenset({"seq", "recorded_at", "at", "type"})
_BODY_EXCLUDE = {"seq", "recorded_at", "at"}

# Built when first used: the home screen lists sessions without reading any event.
_adapters: dict[str, TypeAdapter[Any]] = {}


def _adapter(kind: str) -> TypeAdapter[Any]:
    if kind not in _adapters:
        _adapters[kind] = TypeAdapter(Event if kind == "one" else list[Event])
    return _adapters[kind]


def event_json(event: EventBase) -> str:
    """The whole event as JSON, `type` included (what `decode_event` reads back)."""
    return event.model_dump_json()


def decode_event(data: bytes | str) -> EventBase:
    """One event from `event_json`'s form; a pydantic `ValidationError` if it breaks a rule."""
    return _adapter("one").validate_json(data, context=text_rule.READING_THE_RECORD)


def decode_events(data: bytes | str) -> list[EventBase]:
    """A JSON array of events in `event_json`'s form, decoded (and checked) in one call."""
    return _adapter("many").validate_json(data, context=text_rule.READING_THE_RECORD)


def event_body_json(event: EventBase) -> str:
    """The JSON body the store keeps: every field but the envelope (`ENVELOPE_FIELDS`); `type`
    stays in the body too, so a body read on its own still says what it is."""
    return event.model_dump_json(exclude=_BODY_EXCLUDE)


def with_store_fields(event: EventBase, seq: int | None, recorded_at: datetime | None) -> EventBase:
    """The same event with its store position and recording time (None, None: as if unstored)."""
    return event.model_copy(update={"seq": seq, "recorded_at": recorded_at})


def describe_error(error: ValidationError) -> str:
    """pydantic's first problem in one plain line: `mg: Input should be greater than 0`."""
    first = error.errors(include_url=False)[0]
    where = ".".join(str(part) for part in first["loc"])
    message = str(first["msg"]).removeprefix("Value error, ")
    return f"{where}: {message}" if where else message


AnyEvent = TypeVar("AnyEvent", bound=EventBase)


def checked(event: AnyEvent) -> AnyEvent:
    """`event`, validated again from its fields so every rule above holds before it is stored
    (a model built with `model_copy` or `model_construct` skips validation); an `InputError`
    naming the field and the rule when one is broken (nothing is recorded)."""
    try:
        return type(event).model_validate(event.model_dump())
    except ValidationError as error:
        kind = event.type.replace("_", " ")
        raise InputError(f"cannot record this {kind}: {describe_error(error)}") from None


def as_dict(event: EventBase) -> dict[str, Any]:
    """The event as JSON-ready builtins (`type` included), e.g. for `export json`."""
    return event.model_dump(mode="json")
