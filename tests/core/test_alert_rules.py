"""Issue 19 item 8: the alert rules the preset sets (relative rise, low BP, recheck, one on-time
rule) and temperature in °C or °F. Every figure comes from the built-in troche preset."""

from __future__ import annotations

from datetime import timedelta

import pytest

from kapsession.core.errors import InputError
from kapsession.core.vitals import parse_vitals

MIN = timedelta(minutes=1)


def dosed(new_chart):
    """Baseline 124/80 at 5 min, the troche given at 30 min."""
    chart = new_chart("sublingual-troche")
    chart.phase("intake")
    chart.advance(5).vitals("124/80 72 98")
    chart.advance(25).phase("dose-onset")
    chart.dose(200)
    return chart


def bp_alerts(state):
    return [a for a in state.alerts if a.kind == "threshold"]


def test_a_rise_far_above_the_baseline_is_flagged_under_the_limit(new_chart) -> None:
    chart = dosed(new_chart)
    chart.advance(20).vitals("166/96 88 98")  # +42 systolic, under 180/110
    (found,) = bp_alerts(chart.state())
    assert found.level == "alarm" and found.active
    assert found.message == "BP 166/96 up 42/16 from the baseline 124/80"
    # A smaller rise is not flagged.
    other = dosed(new_chart)
    other.advance(20).vitals("150/96 88 98")
    assert bp_alerts(other.state()) == []


def test_a_reading_still_far_above_the_baseline_has_not_settled(new_chart) -> None:
    chart = dosed(new_chart)
    chart.advance(10).vitals("190/115 110 98")
    chart.advance(5).vitals("170/100 104 98")
    (found,) = bp_alerts(chart.state())
    assert found.active, "170/100 after 190/115 is still 46/20 above the baseline"
    assert found.message == "BP 190/115 above 180/110; then 170/100 up 46/20 from the baseline 124/80"
    chart.advance(5).vitals("138/86 82 98")
    (settled,) = bp_alerts(chart.state())
    assert not settled.active and settled.message.endswith("(since settled)")


def test_a_low_blood_pressure_raises_an_alarm(new_chart) -> None:
    chart = dosed(new_chart)
    chart.advance(20).vitals("88/50 60 97")
    (found,) = bp_alerts(chart.state())
    assert found.level == "alarm" and found.message == "BP 88/50 systolic below 90"


def test_a_threshold_reading_asks_for_a_recheck_counted_down_and_answered(new_chart) -> None:
    chart = dosed(new_chart)
    chart.advance(20).vitals("190/115 110 98")
    chart.advance(0, 30)
    state = chart.state()
    assert state.next_check.label == "recheck"
    assert state.next_check.due_at - state.clock_now == 4 * MIN + 30 * timedelta(seconds=1)
    chart.advance(5).vitals("150/90 90 98")
    state = chart.state()
    recheck = next(c for c in state.checks if c.label == "recheck")
    assert recheck.done and recheck.status(chart.now) == "on time"
    assert state.next_check.label == "T+40"


def test_one_on_time_rule_from_the_preset(new_chart) -> None:
    chart = dosed(new_chart)
    chart.advance(41)  # T+41: due, within the troche preset's 2 minutes of grace
    state = chart.state()
    assert state.next_check.status(chart.now) == "due now"
    assert state.vitals_overdue_by() is None and not any(a.kind == "vitals-due" for a in state.alerts)
    chart.advance(1, 30)
    state = chart.state()
    assert state.next_check.status(chart.now) == "overdue"
    assert state.vitals_overdue_by() == 2 * MIN + timedelta(seconds=30)
    chart.vitals("130/84 80 98")
    assert chart.state().checks[1].status(chart.now) == "late by 0:02:30"


@pytest.mark.parametrize(
    ("typed", "celsius", "described"),
    [
        ("t 98.6", 37.0, "T 37.0°C (98.6°F)"),
        ("128/84 76 98 14 98.6", 37.0, "128/84 HR 76 SpO2 98% RR 14 T 37.0°C (98.6°F)"),
        ("temp 99.5f", 37.5, "T 37.5°C (99.5°F)"),
        ("t 36.8", 36.8, "T 36.8°C"),
    ],
)
def test_temperature_in_celsius_or_fahrenheit(typed: str, celsius: float, described: str) -> None:
    reading = parse_vitals(typed)
    assert reading.temperature == celsius
    assert reading.describe() == described


def test_a_temperature_out_of_both_ranges_names_both() -> None:
    with pytest.raises(InputError) as refused:
        parse_vitals("t 120")
    assert "accepted 30.0-43.0 °C or 86.0-109.4 °F" in str(refused.value)
