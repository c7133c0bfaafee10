"""The rules a real session needs, on the manual clock: the infusion as a span, the booster, other
medicines, adverse events, sedation, the pre-dose gate and the screening answers.

Every entry goes through the same core command the screen and the command line use.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from kapsession.core import commands
from kapsession.core.closing import unacknowledged_alarms
from kapsession.core.errors import InputError
from kapsession.core.events import DoseGiven, SessionClosed, decode_event, event_json
from kapsession.core.predose import gate_open, predose_short

MIN = timedelta(minutes=1)


def add(chart, command, *args, **kwargs):
    """Build an event with `command` against the chart's state now, and add it."""
    return chart.add(command(chart.state(), *args, **kwargs))


def started(new_chart, preset: str, **opened):
    chart = new_chart(preset, **opened)
    chart.phase("intake")
    chart.advance(5).vitals("124/80 72 98")
    chart.advance(15).phase("dose-onset")
    return chart


# --- the infusion ------------------------------------------------------------------------------


def test_an_iv_dose_starts_an_infusion_over_the_presets_minutes(new_chart) -> None:
    chart = started(new_chart, "iv-infusion", weight_kg=70)
    dose = chart.dose(35)
    assert dose.infusion_minutes == 40 and dose.drug == "racemic ketamine"
    state = chart.advance(10).state()
    infusion = state.running_infusion
    assert infusion is not None and infusion.running(chart.now)
    assert infusion.mg_so_far(chart.now) == pytest.approx(8.75)
    assert infusion.planned_end() == dose.at + 40 * MIN
    # While it runs, the observation counts from its planned end, not from its start.
    assert state.observation_until == dose.at + 40 * MIN + 30 * MIN


def test_observation_and_the_post_infusion_checks_count_from_the_stop(new_chart) -> None:
    chart = started(new_chart, "iv-infusion", weight_kg=70)
    dose = chart.dose(35, over_minutes=60)
    chart.advance(60)
    stop = add(chart, commands.stop_infusion, chart.now)
    assert stop.delivered_mg == pytest.approx(35)
    state = chart.state()
    assert state.observation_until == dose.at + 60 * MIN + 30 * MIN
    assert [c.label for c in state.checks if c.label.startswith("stop")] == ["stop+0", "stop+15", "stop+30"]
    assert [c.due_at for c in state.checks if c.label == "stop+15"] == [stop.at + 15 * MIN]


def test_rate_changes_and_a_pause_change_what_has_run_in(new_chart) -> None:
    chart = started(new_chart, "iv-infusion", weight_kg=70)
    chart.dose(40, over_minutes=40)  # 60 mg/h
    chart.advance(10)
    add(chart, commands.change_infusion_rate, "30", chart.now)  # 10 mg so far
    chart.advance(10)
    add(chart, commands.pause_infusion, chart.now, "client asked for a pause")  # 15 mg so far
    chart.advance(20)
    state = chart.state()
    assert state.running_infusion.paused
    assert state.running_infusion.mg_so_far(chart.now) == pytest.approx(15)
    assert state.running_infusion.planned_end() is None
    add(chart, commands.resume_infusion, chart.now)
    chart.advance(10)  # 5 mg more at 30 mg/h
    state = chart.state()
    assert state.running_infusion.mg_so_far(chart.now) == pytest.approx(20)
    assert state.running_infusion.planned_end() == chart.now + 40 * MIN  # 20 mg left at 30 mg/h


def test_an_early_stop_needs_a_reason_and_counts_what_was_delivered(new_chart) -> None:
    chart = started(new_chart, "iv-infusion", weight_kg=70)
    chart.dose(35)
    chart.advance(20)
    chart.vitals("190/115 96 98")
    with pytest.raises(InputError, match="stopping early needs a reason"):
        commands.stop_infusion(chart.state(), chart.now)
    stop = add(chart, commands.stop_infusion, chart.now, None, "BP 190/115")
    assert stop.delivered_mg == pytest.approx(17.5) and stop.reason == "BP 190/115"
    state = chart.state()
    assert state.total_dose_mg == pytest.approx(17.5)
    assert state.observation_until == stop.at + 30 * MIN


def test_an_infusion_stopped_twice_or_before_it_started_is_refused(new_chart) -> None:
    chart = started(new_chart, "iv-infusion", weight_kg=70)
    with pytest.raises(InputError, match="no infusion has started"):
        commands.stop_infusion(chart.state(), chart.now)
    chart.dose(35)
    chart.advance(40)
    add(chart, commands.stop_infusion, chart.now)
    count = len(chart.events)
    with pytest.raises(InputError, match="already stopped at"):
        commands.stop_infusion(chart.state(), chart.now)
    with pytest.raises(InputError, match="already stopped"):
        commands.change_infusion_rate(chart.state(), "40", chart.now)
    assert len(chart.events) == count


def test_more_delivered_than_planned_and_a_second_dose_while_running_are_refused(new_chart) -> None:
    chart = started(new_chart, "iv-infusion", weight_kg=70)
    chart.dose(35)
    with pytest.raises(InputError, match="another dose"):
        commands.give_dose(chart.state(), 10, chart.now)
    with pytest.raises(InputError, match="accepted 0-35 mg"):
        commands.stop_infusion(chart.state(), chart.now, "50")
    with pytest.raises(InputError, match="still running"):
        commands.close_session(chart.state(), chart.now, "reason")
    assert "the infusion stopped" in chart.state().discharge.missing


def test_the_planned_end_raises_a_reminder_to_record_the_stop(new_chart) -> None:
    chart = started(new_chart, "iv-infusion", weight_kg=70)
    chart.dose(35)
    assert not any(a.kind == "infusion" for a in chart.advance(39).state().alerts)
    alerts = [a for a in chart.advance(2).state().alerts if a.kind == "infusion"]
    assert len(alerts) == 1 and "record the stop" in alerts[0].message


def test_an_infusion_time_on_another_route_is_refused(new_chart) -> None:
    chart = started(new_chart, "sublingual-troche")
    with pytest.raises(InputError, match="belongs to an intravenous dose"):
        commands.give_dose(chart.state(), 200, chart.now, over_minutes="40")


# --- the booster ------------------------------------------------------------------------------


def test_a_booster_restarts_the_observation_and_brings_the_post_dose_checks_again(new_chart) -> None:
    chart = started(new_chart, "intramuscular", weight_kg=70)
    first = chart.dose(50)
    chart.advance(17)
    booster = chart.dose(25, booster=True)
    state = chart.state()
    assert state.observation_until == booster.at + 90 * MIN
    assert state.observation_until != first.at + 90 * MIN
    boosted = [c for c in state.checks if c.label.startswith("booster+")]
    assert [c.label for c in boosted] == ["booster+15", "booster+40", "booster+60"]
    assert [c.due_at - booster.at for c in boosted] == [15 * MIN, 40 * MIN, 60 * MIN]
    assert state.total_dose_mg == 75


def test_a_booster_on_a_route_without_boosters_is_refused(new_chart) -> None:
    chart = started(new_chart, "sublingual-troche")
    chart.dose(200)
    with pytest.raises(InputError, match="booster window"):
        commands.give_dose(chart.state(), 100, chart.now, booster=True)


# --- other medicines ------------------------------------------------------------------------------


def test_an_antiemetic_is_recorded_and_never_counted_against_the_ketamine_maximum(new_chart) -> None:
    chart = started(new_chart, "sublingual-troche")
    chart.dose(500)  # the preset's maximum
    given = add(chart, commands.give_medication, "Ondansetron", "4", "mg", chart.now, reason="nausea")
    assert (given.name, given.amount, given.unit, given.route) == ("ondansetron", 4, "mg", "ODT")
    state = chart.state()
    assert state.total_dose_mg == 500 and state.medications == [given]


def test_a_standing_adjunct_may_be_typed_in_micrograms(new_chart) -> None:
    chart = started(new_chart, "sublingual-troche")
    given = add(chart, commands.give_medication, "clonidine", "100", "mcg", chart.now)
    assert (given.amount, given.unit, given.reason) == (100, "mcg", "raised blood pressure")


@pytest.mark.parametrize(
    ("name", "amount", "unit", "words"),
    [
        ("clonidine", "100", "mg", "above the preset's standing order"),
        ("ondansetron", "40", "mg", "above the preset's standing order"),
        ("lorazepam", "0.01", "mg", "implausibly small"),
        ("labetalol", "20", "g", "implausible for the unit"),
        ("paracetamol", "9", "tablet", "implausible for the unit"),
        ("ondansetron", "4", "drops", "not a unit"),
        ("ondansetron", "four", "mg", "not an amount"),
    ],
)
def test_an_implausible_amount_for_its_unit_is_refused(new_chart, name, amount, unit, words) -> None:
    chart = started(new_chart, "sublingual-troche")
    with pytest.raises(InputError, match=words) as refused:
        commands.give_medication(chart.state(), name, amount, unit, chart.now)
    assert "\n" not in str(refused.value)


# --- adverse events ----------------------------------------------------------------------------


def test_an_adverse_event_is_resolved_once(new_chart) -> None:
    chart = started(new_chart, "intranasal-esketamine")
    vomit = add(
        chart, commands.record_adverse, "vomiting", "moderate", chart.now, action="ondansetron 4 mg ODT, bag offered"
    )
    assert chart.state().open_adverse[0].kind == "vomiting"
    chart.advance(20)
    add(chart, commands.resolve_adverse, vomit.seq, chart.now, "settled")
    state = chart.state()
    assert state.open_adverse == [] and state.adverse[0].resolved_at == chart.now
    with pytest.raises(InputError, match="already resolved"):
        commands.resolve_adverse(chart.state(), vomit.seq, chart.now)
    with pytest.raises(InputError, match="not an adverse event"):
        commands.resolve_adverse(chart.state(), 1, chart.now)


@pytest.mark.parametrize(
    ("kind", "severity", "words"),
    [
        ("sneezing", "mild", "not a kind of adverse event"),
        ("nausea", "awful", "not a severity"),
        ("other", "mild", "needs a few words"),
    ],
)
def test_a_malformed_adverse_event_is_refused(new_chart, kind, severity, words) -> None:
    chart = started(new_chart, "sublingual-troche")
    with pytest.raises(InputError, match=words):
        commands.record_adverse(chart.state(), kind, severity, chart.now)


# --- sedation ---------------------------------------------------------------------------------


def test_a_moaas_at_the_threshold_raises_an_alert_and_1_an_alarm(new_chart) -> None:
    chart = started(new_chart, "intranasal-esketamine")
    chart.dose(56)
    chart.advance(20).scale("moaas", 4)
    assert not any(a.kind == "sedation" for a in chart.state().alerts)
    chart.advance(5).scale("moaas", 2)
    [alert] = [a for a in chart.state().alerts if a.kind == "sedation"]
    assert alert.level == "warning" and "responds only after mild prodding or shaking" in alert.message
    chart.advance(5).scale("moaas", 1)
    levels = sorted(a.level for a in chart.state().alerts if a.kind == "sedation")
    assert levels == ["alarm", "warning"]
    chart.advance(10).scale("moaas", 4)
    settled = [a for a in chart.state().alerts if a.kind == "sedation"]
    assert len(settled) == 2 and not any(a.active for a in settled)
    assert all("since settled" in a.message for a in settled)


def test_the_preset_sets_the_moaas_threshold(new_chart, preset_named) -> None:
    preset = preset_named("sublingual-troche")
    lower = preset.model_copy(update={"thresholds": preset.thresholds.model_copy(update={"moaas_alert": 2})})
    chart = started(new_chart, lower)
    chart.dose(200)
    chart.advance(20).scale("moaas", 3)
    assert not any(a.kind == "sedation" for a in chart.state().alerts)


def test_discharge_waits_for_a_moaas_of_5_after_the_last_dose(new_chart) -> None:
    chart = started(new_chart, "intramuscular", weight_kg=70)
    chart.dose(50)
    chart.advance(5).scale("moaas", 5)
    chart.advance(12).dose(25, booster=True)
    missing = chart.state().discharge.missing
    assert "MOAA/S 5 after the last dose (none rated since)" in missing
    chart.advance(60).scale("moaas", 3)
    assert "MOAA/S 5 after the last dose (latest 3 at 10:22)" not in missing  # local time varies
    assert any(m.startswith("MOAA/S 5 after the last dose (latest 3") for m in chart.state().discharge.missing)
    chart.advance(40).vitals("124/80 72 98")
    with pytest.raises(InputError, match="1 alarm not acknowledged: CHECK MOAA/S 3"):
        commands.close_session(chart.state(), chart.now)
    chart.ack(unacknowledged_alarms(chart.state())[0].key)
    with pytest.raises(InputError, match="MOAA/S 5 after the last dose"):
        commands.close_session(chart.state(), chart.now)
    chart.scale("moaas", 5)
    assert not any(m.startswith("MOAA/S") for m in chart.state().discharge.missing)


def test_a_recorded_reason_stands_in_for_the_sedation_criterion(new_chart) -> None:
    chart = started(new_chart, "sublingual-troche")
    chart.dose(200)
    chart.advance(100).scale("moaas", 4)
    with pytest.raises(InputError, match="needs a reason"):
        commands.waive_criterion(chart.state(), "sedation", "", chart.now)
    add(
        chart, commands.waive_criterion, "sedation", "4 is this client's usual alertness after a night shift", chart.now
    )
    assert not any(m.startswith("MOAA/S") for m in chart.state().discharge.missing)
    closed = chart.close()
    assert isinstance(closed, SessionClosed) and not any(unmet.startswith("MOAA/S") for unmet in closed.unmet)


def test_closing_with_the_sedation_criterion_unmet_keeps_the_reason_and_what_was_unmet(new_chart) -> None:
    chart = started(new_chart, "sublingual-troche")
    chart.dose(200)
    chart.advance(100).scale("moaas", 4)
    closed = chart.close("client left against advice with their driver")
    assert closed.unmet and closed.unmet[0].startswith("MOAA/S 5 after the last dose (latest 4")
    assert chart.state().closed_unmet == closed.unmet


# --- the pre-dose gate and the screening ------------------------------------------------------


def screen_all(chart, **answers) -> None:
    for question in chart.preset.screening_questions:
        default = {"yes-no": "yes" if question.stop_if == "no" else "no", "hours": "4", "text": "none"}[question.kind]
        add(
            chart,
            commands.answer_screening,
            question.key,
            answers.get(question.key.replace("-", "_"), default),
            chart.now,
        )


def test_the_gate_names_everything_short_before_the_first_dose(new_chart) -> None:
    chart = new_chart("sublingual-troche")
    chart.phase("intake")
    short = predose_short(chart.state())
    assert short[0] == "no baseline vitals (with a blood pressure) recorded"
    assert short[1].startswith("screening not answered: hypertension, vascular, haemorrhage and 9 more")
    assert short[2].startswith("intake checklist: 4 of 4 not ticked")
    with pytest.raises(commands.PreDoseShort, match="before the first dose: "):
        commands.check_predose_gate(chart.state())
    chart.advance(5).vitals("152/96 80 98")
    screen_all(chart, pregnancy="yes")
    chart.tick_all("intake")
    short = predose_short(chart.state())
    assert len(short) == 2
    assert "152/96" in short[0] and "above the pre-dose limit of 140/90" in short[0]
    assert short[1] == "screening: 'Pregnant, or could be?' answered yes (stop and decide)"


def test_a_decision_to_go_ahead_opens_the_gate_and_records_what_was_short(new_chart) -> None:
    chart = new_chart("sublingual-troche")
    chart.phase("intake")
    chart.advance(5).vitals("146/92 80 98")
    screen_all(chart)
    chart.tick_all("intake")
    assert not gate_open(chart.state())
    deferred = add(chart, commands.decide_predose, "defer", "recheck the BP after ten minutes of rest", chart.now)
    assert deferred.decision == "defer" and not gate_open(chart.state())
    decision = add(chart, commands.decide_predose, "proceed", "prescriber agreed by phone: usual BP 145/90", chart.now)
    assert decision.short and "146/92" in decision.short[0]
    assert gate_open(chart.state())
    commands.check_predose_gate(chart.state())  # no longer refused
    chart.dose(200)
    with pytest.raises(InputError, match="already given"):
        commands.decide_predose(chart.state(), "proceed", "again", chart.now)


def test_nothing_short_needs_no_decision(new_chart) -> None:
    chart = new_chart("sublingual-troche")
    chart.phase("intake")
    chart.advance(5).vitals("124/80 72 98")
    screen_all(chart)
    chart.tick_all("intake")
    assert predose_short(chart.state()) == ()
    commands.check_predose_gate(chart.state())


def test_screening_answers_are_checked_by_the_kind_of_question(new_chart) -> None:
    chart = new_chart("intranasal-esketamine")
    assert add(chart, commands.answer_screening, "food-hours", "3.5h", chart.now).answer == "3.5"
    assert add(chart, commands.answer_screening, "1", "N", chart.now).answer == "no"
    assert add(chart, commands.answer_screening, "benzodiazepines", "yes", chart.now).answer == "yes"
    with pytest.raises(InputError, match="not an answer"):
        commands.answer_screening(chart.state(), "pregnancy", "maybe", chart.now)
    with pytest.raises(InputError, match="not a screening question"):
        commands.answer_screening(chart.state(), "favourite-colour", "blue", chart.now)
    with pytest.raises(InputError, match="accepted 1-18"):
        commands.answer_screening(chart.state(), "40", "no", chart.now)


# --- the drug and the lot; sessions recorded before this change ---------------------------------


def test_each_dose_names_its_drug_and_may_carry_a_lot(new_chart) -> None:
    chart = started(new_chart, "intranasal-esketamine")
    dose = chart.dose(56, lot="ABC123")
    assert (dose.drug, dose.lot, dose.devices) == ("esketamine", "ABC123", 2)


def test_events_recorded_before_this_change_still_read_back(new_chart) -> None:
    old_dose = (
        '{"type": "dose_given", "at": "2026-03-02T09:30:00+00:00", "route": "intravenous", '
        '"mg": 35.0, "mg_per_kg": 0.5, "site": null, "devices": null, "booster": false}'
    )
    old_close = '{"type": "session_closed", "at": "2026-03-02T11:00:00+00:00", "early_reason": null}'
    dose = decode_event(old_dose)
    assert isinstance(dose, DoseGiven) and dose.drug is None and dose.infusion_minutes is None
    assert decode_event(old_close).unmet == ()
    chart = started(new_chart, "iv-infusion", weight_kg=70)
    chart.add(dose.model_copy(update={"at": chart.now}))
    state = chart.state()
    # An old IV dose is a dose, not an infusion: the observation counts from it, as it did.
    assert state.infusions == [] and state.observation_until == chart.now + 30 * MIN
    assert state.drug_of(state.doses[0]) == "racemic ketamine"
    assert decode_event(event_json(state.doses[0])) == state.doses[0]
