"""A dose says what was given: a further dose only as a booster or an explicit repeat, and a dose
far from the plan (under half of it, or over it) only once confirmed."""

from __future__ import annotations

import pytest

from kapsession.core import commands
from kapsession.core.errors import InputError
from kapsession.core.rules import admit


def first_dose(new_chart, preset: str = "sublingual-troche", **opened):
    chart = new_chart(preset, weight_kg=70, dose_mg=150, **opened)
    chart.phase("intake")
    chart.advance(5).vitals("124/80 72 98")
    chart.dose(150, confirmed=False)
    return chart


def test_a_second_dose_says_what_was_given_and_needs_a_repeat_or_a_booster(new_chart) -> None:
    chart = first_dose(new_chart)
    with pytest.raises(InputError, match=r"^150 mg at \d\d:\d\d already given; a further dose .* --repeat"):
        commands.give_dose(chart.state(), 150, chart.now)
    repeat = chart.advance(10).dose(50, repeat=True)
    assert repeat.repeat and chart.state().total_dose_mg == 200


def test_a_nasal_sprays_next_device_is_no_repeat(new_chart) -> None:
    chart = new_chart("intranasal-esketamine", weight_kg=70, dose_mg=84)
    chart.phase("intake")
    chart.dose(28, confirmed=False)
    chart.advance(5).dose(28, confirmed=False)  # device 2 of 3: the plan, a device at a time
    assert len(chart.state().doses) == 2


def test_a_dose_built_as_the_first_is_refused_in_the_transaction_once_another_was_given(new_chart) -> None:
    chart = new_chart("sublingual-troche", weight_kg=70, dose_mg=150)
    typed_as_first = commands.give_dose(chart.state(), 150, chart.now)  # on one terminal
    chart.dose(150)  # meanwhile, on another
    with pytest.raises(InputError, match="already given; a further dose is recorded only as a booster"):
        admit(chart.state(), typed_as_first)


@pytest.mark.parametrize(("mg", "words"), [(15, "under half of"), (160, "over")])
def test_a_dose_far_from_the_plan_is_given_only_once_confirmed(new_chart, mg, words) -> None:
    chart = new_chart("sublingual-troche", weight_kg=70, dose_mg=150)
    with pytest.raises(commands.FarFromPlan, match=f"^{mg} mg is {words} the planned 150 mg"):
        commands.give_dose(chart.state(), mg, chart.now)
    assert chart.dose(mg, confirmed=True).mg == mg
    assert commands.give_dose(new_chart("sublingual-troche", dose_mg=150).state(), 75, chart.now).mg == 75  # half: ok


def test_the_maximum_still_holds_in_the_transaction(new_chart) -> None:
    chart = first_dose(new_chart)
    maximum = chart.preset.dosing.max_mg
    too_much = commands.give_dose(chart.state(), maximum - 150, chart.now, repeat=True, confirmed=True)
    chart.dose(10, repeat=True)
    with pytest.raises(InputError, match="above the preset's maximum"):
        admit(chart.state(), too_much)
