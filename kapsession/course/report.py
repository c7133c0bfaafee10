"""The two course documents, built from a `Course` by one function each, the only places through
which anything of a course reaches a page:

- `build_course_report(course, include_private=...)`: for the chart and the prescriber. Doses,
  a vitals summary and adverse events per session, every PHQ-9 and GAD-7 with the chart, the
  change from the first score with response and remission, safety checks, notes. Private notes
  (and a private side-effect note's or safety check's words) only with `include_private`.
- `build_progress_page(course)`: for the client. Their scores over time in plain words, their
  intentions across sessions, the reflections they chose to keep (notes marked shareable), the
  next sessions. Nothing private has a path here: it reads only `NoteView.shareable` notes.

Both are frozen pydantic models of plain strings; Markdown and the PDF templates
(`summary/templates/course.typ`, `progress.typ`) render them and nothing else.
"""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import Any

from pydantic import BaseModel, ConfigDict

from kapsession.core.course import Course, CourseSession
from kapsession.core.questionnaires import INSTRUMENTS, instrument
from kapsession.core.timeline import ROUTE_SHORT
from kapsession.core.timeparse import to_local
from kapsession.summary.model import clock, long_date


class Part(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


def short_date(moment: datetime, zone: tzinfo | None = None) -> str:
    local = to_local(moment, zone)
    return f"{local:%a} {local.day} {local:%b %Y}"


# -- the prescriber's report --------------------------------------------------------------------


class SessionLine(Part):
    label: str
    session_id: str
    date: str
    route: str
    dose: str  # "200 mg" or ""
    mg_per_kg: str
    weight: str
    baseline_bp: str
    peak_bp: str
    heart_rate: str  # "62-118"
    lowest_spo2: str
    adverse: tuple[str, ...]
    discharged: str  # clock time, or "open"
    early_close: str
    scores: str  # "PHQ-9 14 · GAD-7 9"


class ScoreLine(Part):
    date: str
    instrument: str
    total: int
    band: str
    where: str  # "Session 2" or "between sessions"
    answers: str
    flag: str  # "ALERT item 9 answered 1" or ""
    day: float  # days since the first score, for the chart


class ChangeLine(Part):
    instrument: str
    text: str  # "18 → 9 (-9, -50%)"
    words: tuple[str, ...]  # RESPONSE, REMISSION


class NoteLine(Part):
    session: str
    time: str
    kind: str
    text: str
    private: bool


class CourseReport(Part):
    client_name: str
    client_id: str
    date_of_birth: str
    sex: str
    reference: str
    therapist_name: str
    practice_name: str
    generated: str
    position: str
    schedule: str
    sessions: tuple[SessionLine, ...]
    scores: tuple[ScoreLine, ...]
    changes: tuple[ChangeLine, ...]
    safety: tuple[str, ...]
    notes: tuple[NoteLine, ...]
    planned: tuple[str, ...]
    include_private: bool
    sources: tuple[str, ...]
    paper: str = "a4"

    def to_data(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


def _bp(reading: tuple[int, int, datetime] | None) -> str:
    return f"{reading[0]}/{reading[1]}" if reading else ""


def _session_line(session: CourseSession, course: Course, include_private: bool, zone: tzinfo | None) -> SessionLine:
    state = session.state
    pressures = [e for e in state.vitals if e.reading.systolic is not None and e.reading.diastolic is not None]
    baseline = next((e for e in pressures if state.first_dose_at is None or e.at <= state.first_dose_at), None)
    rates = [e.reading.heart_rate for e in state.vitals if e.reading.heart_rate is not None]
    spo2 = [e.reading.spo2 for e in state.vitals if e.reading.spo2 is not None]
    peak = session.peak_bp
    scores = " \u00b7 ".join(f"{instrument(q.instrument).title} {sum(q.answers)}" for q in state.questionnaires)
    return SessionLine(
        label=session.label,
        session_id=session.session_id,
        date=short_date(session.when, zone),
        route=ROUTE_SHORT.get(session.route, session.route),
        dose=f"{session.dose_mg:g} mg" if session.dose_mg else "",
        mg_per_kg=f"{session.mg_per_kg:.2f}" if session.mg_per_kg else "",
        weight=f"{session.weight_kg:g} kg" if session.weight_kg else "",
        baseline_bp=f"{baseline.reading.systolic}/{baseline.reading.diastolic}" if baseline else "",
        peak_bp=_bp(peak) + (f" at {clock(peak[2], zone)}" if peak else ""),
        heart_rate=f"{min(rates)}-{max(rates)}" if rates else "",
        lowest_spo2=f"{min(spo2)}%" if spo2 else "",
        adverse=tuple(
            f"{clock(event.at, zone)} {event.describe(include_private=include_private)}"
            for event in session.adverse_events
        ),
        discharged=clock(session.discharged_at, zone) if session.discharged_at else "open",
        early_close=state.early_reason or "",
        scores=scores,
    )


def _score_lines(course: Course, zone: tzinfo | None) -> tuple[ScoreLine, ...]:
    labels = {session.session_id: session.label.replace(" of ", "/") for session in course.sessions}
    first = course.scores[0].at if course.scores else None
    lines = []
    for score in course.scores:
        form = instrument(score.instrument)
        flag = ""
        if score.safety_flagged:
            flag = f"ALERT item {form.safety_item} answered {score.answers[form.safety_item - 1]}"  # type: ignore[operator]
        lines.append(
            ScoreLine(
                date=short_date(score.at, zone),
                instrument=form.title,
                total=score.total,
                band=score.band,
                where=labels.get(score.session_id or "", "between sessions") + (" (self)" if score.by_client else ""),
                answers=" ".join(str(answer) for answer in score.answers),
                flag=flag,
                day=(score.at - first).total_seconds() / 86400 if first else 0.0,
            )
        )
    return tuple(lines)


def _changes(course: Course) -> tuple[ChangeLine, ...]:
    lines = []
    for name in INSTRUMENTS:
        found = course.change(name)
        if found is not None:
            lines.append(ChangeLine(instrument=instrument(name).title, text=found.figures(), words=found.words))
    return tuple(lines)


def _safety(course: Course, include_private: bool, zone: tzinfo | None) -> tuple[str, ...]:
    """Each item-9 alert and whether a safety check was recorded (its words only if allowed)."""
    lines = []
    for session in course.sessions:
        state = session.state
        checks = {note.seq: note for note in state.notes if note.kind == "safety-check"}
        for alert in state.alerts:
            if alert.kind != "safety":
                continue
            when = f"{session.label}, {short_date(alert.raised_at, zone)} {clock(alert.raised_at, zone)}"
            line = f"{when}: {alert.message.split(':')[0]}"
            check = next(
                (
                    event
                    for event in state.events
                    if getattr(event, "key", None) == alert.key and event.type == "safety_check_recorded"
                ),
                None,
            )
            if check is None:
                lines.append(line + "; NO SAFETY CHECK RECORDED")
                continue
            note = checks.get(check.seq)
            shown = note is not None and (include_private or note.shareable)
            lines.append(
                line
                + f"; safety check recorded at {clock(check.at, zone)}"
                + (f": {note.text}" if shown and note else " (private note)")
            )
    for record in (course.client, *course.merged):
        checked = {check.key: check for check in record.safety_checks}
        for score in record.scores:
            if not instrument(score.instrument).safety_flagged(score.answers):
                continue
            key = f"client-safety:{score.seq}"
            line = f"between sessions, {short_date(score.at, zone)}: PHQ-9 item 9 answered {score.answers[8]}"
            check = checked.get(key)
            if check is None:
                lines.append(line + "; NO SAFETY CHECK RECORDED")
            else:
                shown = include_private or check.visibility == "shareable"
                lines.append(
                    line
                    + f"; safety check recorded {short_date(check.at, zone)}"
                    + (f": {check.text}" if shown else " (private note)")
                )
    return tuple(lines)


def _notes(course: Course, include_private: bool, zone: tzinfo | None) -> tuple[NoteLine, ...]:
    lines = []
    for session in course.sessions:
        for note in session.state.notes:
            if note.kind == "safety-check":
                continue  # listed with its alert
            if note.shareable or include_private:
                lines.append(
                    NoteLine(
                        session=session.label,
                        time=f"{short_date(note.at, zone)} {clock(note.at, zone)}",
                        kind=note.kind,
                        text=note.text,
                        private=not note.shareable,
                    )
                )
    return tuple(lines)


def build_course_report(
    course: Course,
    *,
    include_private: bool = False,
    therapist_name: str = "",
    practice_name: str = "",
    paper: str = "a4",
    zone: tzinfo | None = None,
) -> CourseReport:
    client = course.client
    return CourseReport(
        client_name=client.name,
        client_id=client.id,
        date_of_birth=client.date_of_birth.isoformat() if client.date_of_birth else "",
        sex=client.sex or "",
        reference=client.reference or "",
        therapist_name=therapist_name.strip(),
        practice_name=practice_name.strip(),
        generated=long_date(course.now, zone),
        position=course.position,
        schedule=course.schedule or "",
        sessions=tuple(_session_line(session, course, include_private, zone) for session in course.sessions),
        scores=_score_lines(course, zone),
        changes=_changes(course),
        safety=_safety(course, include_private, zone),
        notes=_notes(course, include_private, zone),
        planned=tuple(f"{long_date(when, zone)} at {clock(when, zone)}" for when in course.planned_next),
        include_private=include_private,
        sources=tuple(instrument(name).source for name in INSTRUMENTS if course.scores_of(name)),
        paper=paper if paper in ("a4", "letter") else "a4",
    )


# -- the client's progress page -------------------------------------------------------------------


class ProgressScores(Part):
    title: str  # "How your mood has been (PHQ-9)"
    sentences: tuple[str, ...]
    points: tuple[tuple[str, int], ...]  # (date, total) for the small chart
    maximum: int


class Intention(Part):
    label: str
    date: str
    text: str


class Reflection(Part):
    label: str
    text: str
    quote: bool


class ProgressPage(Part):
    client_name: str
    therapist_name: str
    practice_name: str
    date: str
    position: str  # "You have had 4 of your 6 sessions."
    scores: tuple[ProgressScores, ...]
    intentions: tuple[Intention, ...]
    reflections: tuple[Reflection, ...]
    next_sessions: tuple[str, ...]
    sources: tuple[str, ...]
    paper: str = "a4"

    def to_data(self) -> dict[str, Any]:
        data = self.model_dump(mode="json")
        names = [part for part in (self.therapist_name, self.practice_name) if part]
        data["with_line"] = "With " + " \u00b7 ".join(names) if names else ""
        return data


_PLAIN_TITLES = {"phq9": "How your mood has been", "gad7": "How anxious you have felt"}


def _plain_scores(course: Course, zone: tzinfo | None) -> tuple[ProgressScores, ...]:
    found = []
    for name in INSTRUMENTS:
        scores = course.scores_of(name)
        if not scores:
            continue
        form = instrument(name)
        first, last = scores[0], scores[-1]
        sentences = [
            f"At the start ({short_date(first.at, zone)}) your score was {first.total} of {form.max_total}: "
            f"{first.band} on this questionnaire."
        ]
        if len(scores) > 1:
            sentences.append(f"Most recently ({short_date(last.at, zone)}) it was {last.total}: {last.band}.")
            change = course.change(name)
            assert change is not None
            if change.remission:
                sentences.append("That is within the range most people score when they are feeling well.")
            elif change.response:
                sentences.append("That is less than half of where you began.")
            elif change.difference < 0:
                sentences.append("It has come down since you began.")
            elif change.difference == 0:
                sentences.append("It is where it was when you began; change often comes unevenly.")
            else:
                sentences.append("It is higher than when you began; this is worth talking about together.")
        found.append(
            ProgressScores(
                title=f"{_PLAIN_TITLES[name]} ({form.title})",
                sentences=tuple(sentences),
                points=tuple((short_date(score.at, zone), score.total) for score in scores),
                maximum=form.max_total,
            )
        )
    return tuple(found)


def build_progress_page(
    course: Course, *, therapist_name: str = "", practice_name: str = "", paper: str = "a4", zone: tzinfo | None = None
) -> ProgressPage:
    """The client's progress page; only what was marked shareable crosses from the sessions."""
    intentions = tuple(
        Intention(label=session.label, date=short_date(session.when, zone), text=session.intention)
        for session in course.sessions
        if session.intention
    )
    reflections = tuple(
        Reflection(label=session.label, text=note.text, quote=note.kind == "client-words")
        for session in course.sessions
        for note in session.state.notes
        # The gate: the fold's verdict after every visibility change; never a safety check.
        if note.shareable and note.visibility == "shareable" and note.kind != "safety-check"
    )
    planned = course.planned_sessions
    done = course.done
    boosters = len(course.sessions) - done
    position = f"You have had {done} of your {planned} planned sessions" + (
        f" and {boosters} booster session{'s' if boosters != 1 else ''}." if boosters else "."
    )
    return ProgressPage(
        client_name=course.client.name,
        therapist_name=therapist_name.strip(),
        practice_name=practice_name.strip(),
        date=long_date(course.now, zone),
        position=position,
        scores=_plain_scores(course, zone),
        intentions=intentions,
        reflections=reflections,
        next_sessions=tuple(f"{long_date(when, zone)} at {clock(when, zone)}" for when in course.planned_next),
        sources=tuple(instrument(name).source for name in INSTRUMENTS if course.scores_of(name)),
        paper=paper if paper in ("a4", "letter") else "a4",
    )


def previous_session_lines(course: Course, zone: tzinfo | None = None) -> list[str]:
    """What the new-session form shows for a client's next session: its place in the course, the
    previous dose (mg and mg/kg), that session's peak BP and adverse events, and the last scores.
    Private note words never appear (a private side-effect note is "side effect noted")."""
    lines = [f"{course.client.name} ({course.client.id}) \u00b7 {course.next_label()} \u00b7 {course.position}"]
    last = course.last_session()
    if last is not None:
        dose = f"{last.dose_mg:g} mg" if last.dose_mg else "no dose recorded"
        if last.mg_per_kg:
            dose += f" ({last.mg_per_kg:.2f} mg/kg)"
        peak = last.peak_bp
        lines.append(
            f"Previous ({short_date(last.when, zone)}): {dose} \u00b7 peak BP "
            + (f"{peak[0]}/{peak[1]}" if peak else "not recorded")
        )
        events = last.adverse_events
        lines.append(
            "Adverse events: "
            + ("; ".join(event.describe(include_private=False) for event in events) if events else "none recorded")
        )
    scores = []
    for name in INSTRUMENTS:
        score = course.last_score(name)
        if score is not None:
            scores.append(f"{score.title} {score.total} ({score.band}, {short_date(score.at, zone)})")
    lines.append("Last scores: " + (" \u00b7 ".join(scores) if scores else "none yet"))
    return lines
