"""Numbers far too long for Python's `int()` (it refuses 4,300 digits and more) and dates dateutil
chokes on are a sentence like any other mistake, never a traceback (found by the reliability fuzz)."""

from __future__ import annotations

import pytest

from kapsession.core import commands
from kapsession.core.errors import InputError
from kapsession.core.phases import parse_phase
from kapsession.core.scales import parse_aldrete, parse_scale_value

HUGE = "9" * 5000


@pytest.mark.parametrize(
    ("parse", "text", "sentence"),
    [
        (
            lambda text: parse_scale_value("moaas", text),
            HUGE,
            "MOAA/S 99999999999999999999\u2026 is out of range: accepted 0-5",
        ),
        (lambda text: parse_scale_value("nausea", text), "0011", "Nausea 11 is out of range"),
        (parse_aldrete, HUGE, "Modified Aldrete 99999999999999999999\u2026 is out of range: accepted 0-10"),
        (parse_aldrete, f"2 2 2 2 {HUGE}", "SpO2 99999999999999999999 is out of range: each item is scored 0-2"),
        (parse_phase, HUGE, "is not a phase"),
    ],
)
def test_a_huge_number_is_out_of_range_in_one_sentence(parse, text: str, sentence: str) -> None:
    with pytest.raises(InputError) as refused:
        parse(text)
    assert sentence in str(refused.value)
    assert parse_scale_value("moaas", "0003") == 3


def test_a_huge_checklist_number_is_not_on_the_checklist(new_chart) -> None:
    chart = new_chart("intramuscular")
    with pytest.raises(InputError, match="there is no item 99999999999999999999 on the discharge checklist"):
        commands.tick_item(chart.state(), "discharge", HUGE, chart.now)


@pytest.mark.parametrize("text", ["0:10000000000000000000000000000", "dec 3 0:10000000000000000000000000000"])
def test_a_date_dateutil_cannot_read_is_not_a_date(new_chart, text: str) -> None:
    chart = new_chart("intramuscular")
    with pytest.raises(InputError, match="is not a date"):
        commands.set_next_session(chart.state(), text, chart.now)
