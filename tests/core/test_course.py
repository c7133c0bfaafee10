"""The course as a pure function: each session's row, the scores over time, planned sessions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from kapsession.core import commands
from kapsession.core.client_events import ClientCreated, CoursePlanned, fold_client
from kapsession.core.course import build_course
from kapsession.core.events import QuestionnaireAnswered

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _session(
    Chart: type, day: int, dose: int, phq: list[int], bp: str, side_effect: str | None = None, shared: str | None = None
) -> Any:
    from kapsession.core.clock import ManualClock

    chart = Chart("sublingual-troche", ManualClock(START + timedelta(days=day)), weight_kg=80, dose_mg=dose)
    chart.phase("intake")
    chart.add(commands.answer_questionnaire(chart.state(), "phq9", phq, chart.now))
    chart.vitals("124/80 70 98")
    chart.phase("intention")
    chart.phase("dose-onset")
    chart.dose(dose)
    chart.advance(minutes=40)
    chart.vitals(bp)
    if side_effect:
        chart.note(side_effect, kind="side-effect")
    if shared:
        chart.note(shared, kind="client-words", shareable=True)
    chart.advance(minutes=5)
    chart.vitals("122/78 72 98")
    return chart


def test_each_session_row_and_the_scores_over_time(new_chart) -> None:
    client = fold_client(
        "c-abcde",
        [
            ClientCreated(at=START, name="A.B.", seq=1),
            CoursePlanned(at=START, planned_sessions=3, schedule="twice a week", seq=2),
            QuestionnaireAnswered(at=START + timedelta(days=5), instrument="phq9", answers=(1,) * 9, seq=3),
        ],
    )
    first = _session(new_chart, 0, 200, [2, 2, 2, 2, 2, 2, 2, 2, 0], "186/114 126 97", side_effect="nausea, pale")
    second = _session(new_chart, 3, 240, [1, 1, 1, 1, 1, 1, 1, 1, 0], "150/92 80 98", shared="I can rest")
    now = START + timedelta(days=6)
    course = build_course(client, [("s2", second.state(now)), ("s1", first.state(now))], now)
    one, two = course.sessions
    assert (one.session_id, one.label, one.dose_mg, one.mg_per_kg) == ("s1", "Session 1 of 3", 200, 2.5)
    assert one.peak_bp is not None and one.peak_bp[:2] == (186, 114)
    assert [event.kind for event in one.adverse_events] == ["blood pressure high", "heart rate high", "side effect"]
    private = one.adverse_events[-1]
    assert private.describe(include_private=False) == "side effect noted (private note)"
    assert private.describe(include_private=True) == "side effect noted: nausea, pale"
    assert [(s.total, s.session_id) for s in course.scores] == [(16, "s1"), (8, "s2"), (9, None)]
    phq = course.change("phq9")
    assert phq is not None and (phq.first, phq.latest, phq.response) == (16, 9, False)
    assert course.change("gad7") is None
    # One session left in the series: the schedule's next date after the last session.
    assert len(course.planned_next) == 1 and course.planned_next[0] > now
    assert course.next_label() == "Session 3 of 3"
