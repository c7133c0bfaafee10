"""The course of treatment for one client, as a pure function of their records.

`build_course(client, sessions, now, ...)`: the client's real sessions in order, each with its
place in the series ("Session 3 of 6", then boosters), route, dose (mg and mg/kg), peak blood
pressure, adverse events and discharge; every PHQ-9 and GAD-7 (taken in a session or between
sessions) with its band; the change from the first score with response and remission; and the
next planned sessions. The course view, the course report and the client's progress page all read
a `Course`; none of them reads the events.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from kapsession.core.adverse import AdverseEvent, session_adverse_events
from kapsession.core.client_events import ClientRecord
from kapsession.core.events import QuestionnaireAnswered
from kapsession.core.questionnaires import INSTRUMENTS, Change, change, instrument
from kapsession.core.state import NoteView, SessionState

# How many planned sessions a course shows ahead.
PLANNED_AHEAD = 6


@dataclass(frozen=True)
class Score:
    instrument: str
    at: datetime
    answers: tuple[int, ...]
    session_id: str | None  # None: collected between sessions
    by_client: bool = False

    @property
    def total(self) -> int:
        return sum(self.answers)

    @property
    def band(self) -> str:
        return instrument(self.instrument).band(self.total).words

    @property
    def safety_flagged(self) -> bool:
        return instrument(self.instrument).safety_flagged(self.answers)

    @property
    def title(self) -> str:
        return instrument(self.instrument).title


@dataclass(frozen=True)
class CourseSession:
    session_id: str
    number: int  # place among the client's real sessions, from 1
    label: str  # "Session 3 of 6" or "Booster 1"
    booster: bool
    state: SessionState

    @property
    def when(self) -> datetime:
        return self.state.started_at or self.state.opened.at

    @property
    def route(self) -> str:
        return self.state.doses[0].route if self.state.doses else self.state.preset.route

    @property
    def dose_mg(self) -> float | None:
        return self.state.total_dose_mg if self.state.doses else None

    @property
    def weight_kg(self) -> float | None:
        return self.state.opened.client.weight_kg

    @property
    def mg_per_kg(self) -> float | None:
        dose, weight = self.dose_mg, self.weight_kg
        return round(dose / weight, 2) if dose and weight else None

    @property
    def peak_bp(self) -> tuple[int, int, datetime] | None:
        """The reading with the highest systolic pressure (systolic, diastolic, when)."""
        best = None
        for event in self.state.vitals:
            reading = event.reading
            if reading.systolic is None or reading.diastolic is None:
                continue
            if best is None or reading.systolic > best[0]:
                best = (reading.systolic, reading.diastolic, event.at)
        return best

    @property
    def adverse_events(self) -> tuple[AdverseEvent, ...]:
        return session_adverse_events(self.state)

    @property
    def discharged_at(self) -> datetime | None:
        return self.state.closed_at

    @property
    def practice(self) -> bool:
        return self.state.practice

    @property
    def intention(self) -> str | None:
        return self.state.intention

    @property
    def shareable_notes(self) -> list[NoteView]:
        return self.state.shareable_notes()


@dataclass(frozen=True)
class Course:
    client: ClientRecord
    merged: tuple[ClientRecord, ...]  # records merged into this one
    sessions: tuple[CourseSession, ...]
    scores: tuple[Score, ...]
    planned_sessions: int
    schedule: str | None
    planned_next: tuple[datetime, ...]
    now: datetime
    open_safety: tuple[str, ...] = field(default=())  # scores with item 9 above 0 not yet checked

    def scores_of(self, name: str) -> list[Score]:
        return [score for score in self.scores if score.instrument == name]

    def change(self, name: str) -> Change | None:
        return change(name, [score.total for score in self.scores_of(name)])

    @property
    def done(self) -> int:
        """Sessions held in the series so far (boosters not counted)."""
        return sum(1 for session in self.sessions if not session.booster)

    @property
    def position(self) -> str:
        """`4 of 6 sessions`, `6 of 6 sessions, 2 boosters`."""
        boosters = sum(1 for session in self.sessions if session.booster)
        text = f"{self.done} of {self.planned_sessions} sessions"
        return text + (f", {boosters} booster{'s' if boosters != 1 else ''}" if boosters else "")

    def next_label(self) -> str:
        """What the next session would be called: `Session 5 of 6` or `Booster 1`."""
        return label_for(len(self.sessions) + 1, self.planned_sessions)[0]

    def last_session(self) -> CourseSession | None:
        return self.sessions[-1] if self.sessions else None

    def last_score(self, name: str) -> Score | None:
        scores = self.scores_of(name)
        return scores[-1] if scores else None


def label_for(number: int, planned: int) -> tuple[str, bool]:
    """(label, booster) for the session at `number` in a course of `planned` sessions."""
    if number <= planned:
        return f"Session {number} of {planned}", False
    return f"Booster {number - planned}", True


def build_course(
    client: ClientRecord,
    sessions: Sequence[tuple[str, SessionState]],
    now: datetime,
    *,
    merged: Sequence[ClientRecord] = (),
    default_planned: int = 6,
) -> Course:
    """The course from the client record (and those merged into it) and their real sessions."""
    real = sorted(
        ((sid, state) for sid, state in sessions if not state.practice), key=lambda item: (item[1].opened.at, item[0])
    )
    planned = client.planned_sessions or default_planned
    course_sessions = []
    for index, (session_id, state) in enumerate(real, start=1):
        label, booster = label_for(index, planned)
        course_sessions.append(CourseSession(session_id, index, label, booster, state))
    scores: list[Score] = []
    for record in (client, *merged):
        scores += [_score(event, None) for event in record.scores]
    for session_id, state in real:
        scores += [_score(event, session_id) for event in state.questionnaires]
    scores.sort(key=lambda score: score.at)
    schedule = client.schedule
    return Course(
        client=client,
        merged=tuple(merged),
        sessions=tuple(course_sessions),
        scores=tuple(scores),
        planned_sessions=planned,
        schedule=schedule,
        planned_next=tuple(_planned_next(course_sessions, planned, schedule, now)),
        now=now,
        open_safety=tuple(key for record in (client, *merged) for key in record.open_safety_keys),
    )


def _score(event: QuestionnaireAnswered, session_id: str | None) -> Score:
    return Score(event.instrument, event.at, tuple(event.answers), session_id, event.by_client)


def _planned_next(sessions: list[CourseSession], planned: int, schedule: str | None, now: datetime) -> list[datetime]:
    """The next sessions: the date set in the last session (if still ahead), then the schedule's
    dates for the sessions left in the series."""
    from kapsession.core.errors import InputError
    from kapsession.core.schedule import parse_schedule, planned_dates

    last = sessions[-1] if sessions else None
    left = max(0, planned - len(sessions))
    dates: list[datetime] = []
    if last is not None and last.state.next_session_at is not None and last.state.next_session_at > now:
        dates.append(last.state.next_session_at)
    if schedule and left > len(dates):
        try:
            rule = parse_schedule(schedule)
        except InputError:
            rule = None  # stored by an earlier version that read it differently: show no dates
        if rule is not None:
            # Not the same day as the last session: its own slot is not a plan.
            after = max([now, *([last.when + timedelta(hours=12)] if last else []), *dates])
            dates += planned_dates(
                rule, after, min(left, PLANNED_AHEAD) - len(dates), anchor=last.when if last else now
            )
    return dates[:PLANNED_AHEAD]


__all__ = ["Course", "CourseSession", "Score", "build_course", "label_for", "INSTRUMENTS"]
