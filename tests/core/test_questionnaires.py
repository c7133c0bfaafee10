"""PHQ-9 and GAD-7: the shipped items, scoring, bands, response and remission, the item-9 alert."""

from __future__ import annotations

import pytest

from kapsession.core import commands
from kapsession.core.errors import InputError
from kapsession.core.questionnaires import change, check_answers, instrument, parse_answers


def test_the_forms_are_the_published_ones() -> None:
    assert instrument("PHQ-9") is instrument("phq9")
    phq, gad = instrument("phq9"), instrument("gad7")
    assert len(phq.items) == 9 and len(gad.items) == 7
    assert phq.items[0] == "Little interest or pleasure in doing things"
    assert phq.items[8] == "Thoughts that you would be better off dead or of hurting yourself in some way"
    assert gad.items[0] == "Feeling nervous, anxious, or on edge"
    assert gad.items[6] == "Feeling afraid, as if something awful might happen"
    for form in (phq, gad):
        assert form.answers == ("Not at all", "Several days", "More than half the days", "Nearly every day")
        assert "Pfizer" in form.source and "No permission required" in form.source
    assert (phq.max_total, gad.max_total) == (27, 21)


@pytest.mark.parametrize(
    ("name", "bands"),
    [
        (
            "phq9",
            [
                (0, 4, "minimal"),
                (5, 9, "mild"),
                (10, 14, "moderate"),
                (15, 19, "moderately severe"),
                (20, 27, "severe"),
            ],
        ),
        ("gad7", [(0, 4, "minimal"), (5, 9, "mild"), (10, 14, "moderate"), (15, 21, "severe")]),
    ],
)
def test_bands_are_the_published_ones(name: str, bands: list[tuple[int, int, str]]) -> None:
    form = instrument(name)
    assert [(band.low, band.high, band.words) for band in form.bands] == bands
    for low, high, words in bands:
        assert form.band(low).words == words and form.band(high).words == words


def test_scoring_and_parsing() -> None:
    assert sum(parse_answers("phq9", ["1", "2", "0", "1", "2", "1", "0", "1", "0"])) == 8
    assert parse_answers("phq9", ["120121010"]) == (1, 2, 0, 1, 2, 1, 0, 1, 0)
    assert parse_answers("gad7", ["3,3,3,3,3,3,3"]) == (3,) * 7


@pytest.mark.parametrize(
    ("name", "words", "says"),
    [
        ("phq9", ["1", "2", "0"], "a PHQ-9 has 9 answers, one per item; 3 were given"),
        ("phq9", ["1", "2", "0", "1", "2", "1", "0", "1", "4"], "PHQ-9 item 9: 4 is not an answer: accepted 0-3"),
        ("gad7", ["1", "x", "0", "1", "2", "1", "0"], "'x' is not a GAD-7 answer"),
        ("gad7", ["1"] * 9, "a GAD-7 has 7 answers"),
        ("bdi", ["1"], "'bdi' is not a questionnaire: accepted phq9, gad7"),
    ],
)
def test_bad_answers_are_one_sentence(name: str, words: list[str], says: str) -> None:
    with pytest.raises(InputError, match=says.replace("(", r"\(").replace(")", r"\)")):
        parse_answers(name, words)


def test_response_and_remission() -> None:
    falling = change("phq9", [18, 14, 9])
    assert falling is not None and falling.response and not falling.remission
    assert falling.words == ("RESPONSE",) and falling.describe() == "18 \u2192 9 (-9, -50%) RESPONSE"
    well = change("phq9", [18, 10, 4])
    assert well is not None and well.words == ("RESPONSE", "REMISSION")
    almost = change("gad7", [12, 7])
    assert almost is not None and not almost.response and not almost.remission
    assert change("gad7", [4, 3]).remission is False  # began under 5: nothing was reached  # type: ignore[union-attr]
    assert change("phq9", [9]).words == ()  # type: ignore[union-attr]
    assert change("phq9", []) is None


def test_item_nine_above_zero_raises_an_alert_acknowledged_only_with_a_note(new_chart) -> None:
    chart = new_chart("sublingual-troche")
    chart.phase("intake")
    chart.add(commands.answer_questionnaire(chart.state(), "phq9", [1, 2, 1, 1, 0, 1, 0, 0, 1], chart.clock.now()))
    state = chart.state()
    alert = state.top_alert
    assert alert is not None and alert.kind == "safety" and alert.word == "ALERT"
    assert "item 9 answered 1" in alert.message
    with pytest.raises(InputError, match="safety check note"):
        commands.acknowledge(state, chart.clock.now())
    with pytest.raises(InputError, match="needs a note"):
        commands.record_safety_check(state, "   ", chart.clock.now())
    with pytest.raises(InputError, match="safety check note"):
        commands.close_session(state, chart.clock.now(), "leaving")
    assert any("safety check" in item for item in state.discharge.missing)
    check = chart.add(
        commands.record_safety_check(
            chart.state(), "asked directly; passive thoughts, no plan; crisis line given", chart.clock.now()
        )
    )
    state = chart.state()
    assert not state.open_safety_alerts and check.visibility == "private"  # type: ignore[attr-defined]
    note = next(note for note in state.notes if note.seq == check.seq)
    assert note.kind == "safety-check" and not note.shareable
    assert not any("safety check" in item for item in state.discharge.missing)


def test_item_nine_at_zero_raises_nothing_and_gad7_never(new_chart) -> None:
    chart = new_chart("sublingual-troche")
    chart.add(commands.answer_questionnaire(chart.state(), "phq9", [3, 3, 3, 3, 3, 3, 3, 3, 0], chart.clock.now()))
    chart.add(commands.answer_questionnaire(chart.state(), "gad7", [3] * 7, chart.clock.now()))
    state = chart.state()
    assert not state.open_safety_alerts and len(state.questionnaires) == 2
    with pytest.raises(InputError, match="no safety alert"):
        commands.record_safety_check(state, "note", chart.clock.now())


def test_a_questionnaire_is_checked_before_it_is_an_event(new_chart) -> None:
    chart = new_chart("sublingual-troche")
    with pytest.raises(InputError, match="9 answers"):
        commands.answer_questionnaire(chart.state(), "phq9", [1, 2], chart.clock.now())
    with pytest.raises(InputError, match="accepted 0-3"):
        check_answers("gad7", [0, 0, 0, 0, 0, 0, 5])
