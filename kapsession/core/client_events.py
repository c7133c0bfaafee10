"""A client's own record: created, renamed, merged (and the merge undone), the course planned,
and the PHQ-9 / GAD-7 collected between sessions, as append-only events like a session's.

`fold_client(client_id, events)` gives the `ClientRecord` everything else reads. Sessions are not
events here: the store links each session to its client, and a merge leaves that link as it was
(the merged record points at the one it joined), so undoing a merge puts everything back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import Field, TypeAdapter, field_validator

from kapsession.core import text_rule
from kapsession.core.events import EventBase, QuestionnaireAnswered, SafetyCheckRecorded
from kapsession.core.text_rule import follows

Sex = Literal["female", "male", "other"]
SEXES: tuple[str, ...] = ("female", "male", "other")
ClientName = Annotated[str, Field(min_length=1, max_length=120), follows(text_rule.CLIENT_NAME)]


class _Named(EventBase):
    @field_validator("name", check_fields=False)
    @classmethod
    def _name_not_blank(cls, name: str) -> str:
        name = name.strip()
        if not name:
            raise ValueError("the client's name or initials must not be blank")
        return name


class ClientCreated(_Named):
    type: Literal["client_created"] = "client_created"
    name: ClientName
    date_of_birth: date | None = None
    sex: Sex | None = None
    reference: Annotated[str, Field(max_length=60), follows(text_rule.CHART_REFERENCE)] | None = None
    """The practice's own reference (a chart number)."""


class ClientRenamed(_Named):
    type: Literal["client_renamed"] = "client_renamed"
    name: ClientName


class ClientMerged(EventBase):
    """This record and `into` are one person: its sessions and scores now belong to `into`."""

    type: Literal["client_merged"] = "client_merged"
    into: str


class ClientMergeUndone(EventBase):
    type: Literal["client_merge_undone"] = "client_merge_undone"


class CoursePlanned(EventBase):
    """The course: sessions planned in the series (boosters come after), and a schedule in words
    (`twice a week`, `every Monday and Thursday at 10:00`; see core/schedule.py)."""

    type: Literal["course_planned"] = "course_planned"
    planned_sessions: Annotated[int, Field(ge=1, le=50)]
    schedule: Annotated[str, Field(max_length=120), follows(text_rule.SCHEDULE)] | None = None


ClientEvent = Annotated[
    ClientCreated
    | ClientRenamed
    | ClientMerged
    | ClientMergeUndone
    | CoursePlanned
    | QuestionnaireAnswered
    | SafetyCheckRecorded,
    Field(discriminator="type"),
]
CLIENT_EVENT_CLASSES: tuple[type[EventBase], ...] = (
    ClientCreated,
    ClientRenamed,
    ClientMerged,
    ClientMergeUndone,
    CoursePlanned,
    QuestionnaireAnswered,
    SafetyCheckRecorded,
)

_adapter: TypeAdapter[Any] | None = None


def decode_client_events(data: bytes | str) -> list[EventBase]:
    """A JSON array of client events (each with `type`, `at`, `seq`, `recorded_at`), checked."""
    global _adapter
    if _adapter is None:
        _adapter = TypeAdapter(list[ClientEvent])
    return _adapter.validate_json(data)


@dataclass
class ClientRecord:
    id: str
    name: str
    created_at: datetime
    date_of_birth: date | None = None
    sex: str | None = None
    reference: str | None = None
    merged_into: str | None = None
    planned_sessions: int | None = None
    schedule: str | None = None
    scores: list[QuestionnaireAnswered] = field(default_factory=list)
    safety_checks: list[SafetyCheckRecorded] = field(default_factory=list)
    events: list[EventBase] = field(default_factory=list)

    @property
    def open_safety_keys(self) -> list[str]:
        """Scores between sessions whose PHQ-9 item 9 was above 0 and not yet checked."""
        from kapsession.core.questionnaires import instrument

        checked = {check.key for check in self.safety_checks}
        return [
            f"client-safety:{score.seq}"
            for score in self.scores
            if instrument(score.instrument).safety_flagged(score.answers)
            and f"client-safety:{score.seq}" not in checked
        ]


def fold_client(client_id: str, events: list[EventBase]) -> ClientRecord:
    if not events or not isinstance(events[0], ClientCreated):
        raise ValueError("a client's events begin with client_created")
    first = events[0]
    record = ClientRecord(
        client_id, first.name, first.at, first.date_of_birth, first.sex, first.reference, events=list(events)
    )
    for event in events[1:]:
        if isinstance(event, ClientRenamed):
            record.name = event.name
        elif isinstance(event, ClientMerged):
            record.merged_into = event.into
        elif isinstance(event, ClientMergeUndone):
            record.merged_into = None
        elif isinstance(event, CoursePlanned):
            record.planned_sessions = event.planned_sessions
            record.schedule = event.schedule
        elif isinstance(event, QuestionnaireAnswered):
            record.scores.append(event)
        elif isinstance(event, SafetyCheckRecorded):
            record.safety_checks.append(event)
    record.scores.sort(key=lambda e: e.at)
    return record


def name_key(name: str) -> str:
    """How names are matched: case and spaces ignored (`A. B.` is `a.b.`)."""
    return "".join(name.split()).casefold()
