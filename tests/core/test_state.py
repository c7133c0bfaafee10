"""Session state as a pure fold of events at a moment, on the manual clock.

Every entry is made through the core commands (as the screen and command line make them), so each
test reads like a session: the therapist starts a phase, gives the dose, takes vitals...
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from kapsession.core import commands
from kapsession.core.errors import InputError
from kapsession.core.state import fold

MIN = timedelta(minutes=1)


def labels(state) -> list[str]:
    return [check.label for check in state.checks]


def alert_keys(state, open_only: bool = True) -> list[str]:
    return [alert.key for alert in (state.open_alerts if open_only else state.alerts)]


def alert(state, prefix: str):
    found = [a for a in state.alerts if a.key.startswith(prefix)]
    assert len(found) == 1, (prefix, [a.key for a in state.alerts])
    return found[0]


def dosed(new_chart, preset: str, **opened):
    """Baseline taken at 5 min, phases through dose & onset, the dose given at 30 min."""
    chart = new_chart(preset, **opened)
    chart.phase("intake")
    chart.advance(5).vitals("124/80 72 98")
    chart.advance(15).phase("intention")
    chart.advance(10).phase("dose-onset")
    mg = {"sublingual-troche": 200, "intramuscular": 50, "iv-infusion": 35, "intranasal-esketamine": 28}[preset]
    chart.dose(mg)
    return chart


# --- phases and time -------------------------------------------------------------------------


def test_a_new_session_has_no_phase_no_dose_and_no_timers(new_chart) -> None:
    state = new_chart("sublingual-troche").advance(30).state()
    assert state.phase is None
    assert state.time_in_phase() is None and state.t_plus() is None and state.total_elapsed() is None
    assert state.observation_until is None
    assert labels(state) == ["baseline"]
    assert state.open_alerts == []


def test_phases_follow_in_order_with_time_in_each(new_chart) -> None:
    chart = new_chart("sublingual-troche")
    chart.advance(2).phase("next")
    chart.advance(7)
    state = chart.state()
    assert state.phase == "intake"
    assert state.time_in_phase() == 7 * MIN
    assert state.planned_in_phase() == 15 * MIN
    chart.phase("next")
    chart.advance(3)
    state = chart.state()
    assert state.phase == "intention"
    assert state.time_in_phase() == 3 * MIN
    assert state.total_elapsed() == 10 * MIN
    assert state.spans[0].phase == "intake" and state.spans[0].ended_at == chart.at(9)
    assert state.spans[0].elapsed(chart.now) == 7 * MIN  # an ended span no longer grows


def test_phase_by_name_number_and_title(new_chart) -> None:
    chart = new_chart("iv-infusion")
    chart.phase("Intake talk")
    chart.advance(1).phase("3")
    assert chart.state().phase == "dose-onset"
    with pytest.raises(InputError, match="already in Dose & onset"):
        chart.advance(1).phase("Dose onset")


def test_next_after_the_last_phase_is_refused(new_chart) -> None:
    chart = new_chart("sublingual-troche")
    chart.phases_until("integration")
    with pytest.raises(InputError, match="last phase"):
        chart.phase("next")


def test_a_backdated_phase_change_takes_its_clinical_time(new_chart) -> None:
    chart = new_chart("sublingual-troche")
    chart.phase("intake")
    chart.advance(20).phase("intention", at="-4m")
    state = chart.state()
    assert state.spans[1].started_at == chart.at(16)
    assert state.time_in_phase() == 4 * MIN
    with pytest.raises(InputError, match="cannot start before the current phase began"):
        chart.phase("dose-onset", at="-10m")


def test_t_plus_counts_from_the_first_dose(new_chart) -> None:
    chart = dosed(new_chart, "intramuscular", weight_kg=70)
    chart.advance(16)
    chart.dose(25, booster=True)
    chart.advance(14)
    state = chart.state()
    assert state.first_dose_at == chart.at(30)
    assert state.t_plus() == 30 * MIN
    assert state.total_dose_mg == 75
    assert state.doses[0].mg_per_kg == pytest.approx(50 / 70, abs=1e-3)
    # A dose backdated before the first one becomes the first.
    chart.dose(10, at_text="-40m", repeat=True)
    assert chart.state().first_dose_at == chart.at(20)
    assert chart.state().t_plus() == 40 * MIN


# --- the vitals schedule of each built-in preset ---------------------------------------------


def test_troche_checks_baseline_40_and_90(new_chart) -> None:
    chart = dosed(new_chart, "sublingual-troche")
    state = chart.state()
    assert labels(state) == ["baseline", "T+40", "T+90"]
    baseline = state.checks[0]
    assert baseline.done and baseline.status(chart.now) == "on time"
    assert [c.due_at for c in state.checks[1:]] == [chart.at(70), chart.at(120)]
    chart.advance(39)
    state = chart.state()
    assert state.next_check.label == "T+40"
    assert state.next_check.status(chart.now) == "upcoming"
    assert state.vitals_overdue_by() is None
    assert not any(a.kind == "vitals-due" for a in state.alerts)


def test_troche_check_overdue_then_late(new_chart) -> None:
    chart = dosed(new_chart, "sublingual-troche")
    chart.advance(43)
    state = chart.state()
    assert state.vitals_overdue_by() == 3 * MIN
    overdue = alert(state, "vitals-due:T+40")
    assert overdue.level == "warning" and overdue.word == "CHECK"
    assert "overdue by 0:03:00" in overdue.message
    assert state.checks[1].status(chart.now) == "overdue"
    chart.vitals("138/88 84 97")
    state = chart.state()
    assert state.checks[1].done
    assert state.checks[1].status(chart.now) == "late by 0:03:00"
    assert not any(a.kind == "vitals-due" for a in state.alerts)
    assert state.next_check.label == "T+90"


def test_troche_reading_a_little_early_is_on_time(new_chart) -> None:
    chart = dosed(new_chart, "sublingual-troche")
    chart.advance(37).vitals("130/84 80 98")
    state = chart.state()
    assert state.checks[1].done and state.checks[1].status(chart.now) == "on time"
    # A reading earlier than the tolerance answers no check.
    chart2 = dosed(new_chart, "sublingual-troche")
    chart2.advance(20).vitals("130/84 80 98")
    assert not chart2.state().checks[1].done


def test_troche_check_missed_when_the_next_window_opens(new_chart) -> None:
    chart = dosed(new_chart, "sublingual-troche")
    chart.advance(84)
    assert chart.state().checks[1].status(chart.now) == "overdue"
    chart.advance(1)  # T+85: the T+90 window opens
    state = chart.state()
    assert state.checks[1].status(chart.now) == "missed"
    assert state.next_check.label == "T+90"
    assert state.vitals_overdue_by() is None
    chart.advance(6)  # T+91: due, within the preset's 2 minutes of grace
    assert not any(a.kind == "vitals-due" for a in chart.state().alerts)
    assert chart.state().next_check.status(chart.now) == "due now"
    chart.advance(2)
    assert alert(chart.state(), "vitals-due:").key == "vitals-due:T+90"


def test_intramuscular_checks_baseline_15_40_60(new_chart) -> None:
    chart = dosed(new_chart, "intramuscular")
    state = chart.state()
    assert labels(state) == ["baseline", "T+15", "T+40", "T+60"]
    assert [c.due_at - chart.at(30) for c in state.checks[1:]] == [15 * MIN, 40 * MIN, 60 * MIN]
    chart.advance(16)
    assert chart.state().next_check.label == "T+15"
    assert chart.state().vitals_overdue_by() is None  # within the grace
    chart.advance(2)
    assert chart.state().vitals_overdue_by() == 3 * MIN
    chart.vitals("150/92 96 97")
    assert chart.state().next_check.label == "T+40"


def test_iv_checks_every_interval_of_the_phase(new_chart) -> None:
    chart = dosed(new_chart, "iv-infusion")
    # Dose & onset every 10: the next check is known from the moment of the dose.
    assert labels(chart.state()) == ["baseline", "T+10"]
    assert chart.state().next_check.label == "T+10"
    chart.advance(10).phase("peak")
    chart.advance(5)
    assert labels(chart.state()) == ["baseline", "T+10", "T+20"]
    chart.advance(25)  # T+40: the infusion is stopped, the post-infusion checks count from here
    chart.add(commands.stop_infusion(chart.state(), chart.now))
    chart.phase("recovery")
    chart.advance(5)
    state = chart.state()
    # The peak ended with the stop at T+40: the check there is the stop's.
    assert labels(state) == ["baseline", "T+10", "T+20", "T+30", "stop+0", "stop+15", "stop+30"]
    chart.advance(25).phase("integration")  # T+70: no interval in integration
    chart.advance(30)
    state = chart.state()
    assert labels(state) == ["baseline", "T+10", "T+20", "T+30", "stop+0", "stop+15", "stop+30"]
    statuses = [check.status(chart.now) for check in state.checks]
    assert statuses == ["on time"] + ["missed"] * 5 + ["overdue"]


def test_iv_readings_every_ten_minutes_are_all_on_time(new_chart) -> None:
    chart = dosed(new_chart, "iv-infusion")
    chart.advance(10).vitals("128/84 80 98")
    chart.phase("peak")
    for _ in range(3):
        chart.advance(10).vitals("132/86 82 98")
    chart.advance(1)
    state = chart.state()
    assert [c.label for c in state.checks if c.done] == ["baseline", "T+10", "T+20", "T+30", "T+40"]
    assert all(c.status(chart.now) == "on time" for c in state.checks if c.done)
    assert state.next_check.label == "T+50"


def test_esketamine_checks_before_dosing_at_40_and_before_leaving(new_chart) -> None:
    chart = dosed(new_chart, "intranasal-esketamine", dose_mg=56)
    assert labels(chart.state()) == ["baseline", "T+40"]
    chart.advance(40).vitals("142/88 84 97")
    state = chart.state()
    assert state.checks[1].status(chart.now) == "on time"
    assert state.next_check is None
    # Before leaving: a reading within the discharge window is part of readiness.
    chart.advance(90)
    missing = " ".join(chart.state().discharge.missing)
    assert "vitals within the last 15 min" in missing
    chart.vitals("128/80 76 98")
    assert "vitals within the last" not in " ".join(chart.state().discharge.missing)


def test_baseline_is_missed_once_the_dose_is_given_without_it(new_chart) -> None:
    chart = new_chart("sublingual-troche")
    chart.phases_until("dose-onset")
    assert chart.state().next_check.label == "baseline"
    chart.dose(200)
    chart.advance(5).vitals("126/82 78 98")  # after the dose: not a baseline
    chart.advance(40)
    state = chart.state()
    assert not state.checks[0].done
    assert state.checks[0].status(chart.now) == "missed"
    # The forgotten baseline does not hide the T+40 check that is due now.
    assert state.next_check.label == "T+40"
    assert alert(state, "vitals-due:").key == "vitals-due:T+40"


# --- thresholds ------------------------------------------------------------------------------


def test_a_high_bp_raises_one_alarm_per_episode_and_a_normal_reading_settles_it(new_chart) -> None:
    chart = dosed(new_chart, "sublingual-troche")
    first = chart.advance(20).vitals("190/100 88 98")
    state = chart.state()
    bp = alert(state, "threshold:bp")
    assert bp.key == f"threshold:bp:{first.seq}"
    assert bp.level == "alarm" and bp.word == "ALERT" and bp.active
    assert "190/100 above 180/110" in bp.message
    assert state.top_alert.key == bp.key
    chart.advance(5).vitals("186/114 90 98")  # still high: the same episode, the latest figures
    bp = alert(chart.state(), "threshold:bp")
    assert bp.key == f"threshold:bp:{first.seq}" and "186/114" in bp.message
    chart.advance(5).vitals("hr 84")  # no BP in this reading: nothing settles
    assert alert(chart.state(), "threshold:bp").active
    chart.advance(5).vitals("150/90 84 98")
    bp = alert(chart.state(), "threshold:bp")
    assert not bp.active and bp.message.endswith("(since settled)")
    assert bp.open  # a settled episode still wants a look
    chart.ack(bp.key)
    state = chart.state()
    assert bp.key not in alert_keys(state)
    assert alert(state, "threshold:bp").acknowledged_at == chart.now
    # A new episode is a new alert.
    again = chart.advance(10).vitals("184/100 90 98")
    assert f"threshold:bp:{again.seq}" in alert_keys(chart.state())


def test_a_new_alarm_comes_before_older_settled_ones(new_chart) -> None:
    chart = dosed(new_chart, "sublingual-troche")
    old = chart.advance(20).vitals("190/115 130 98")  # BP and HR alarms
    chart.advance(5).vitals("130/80 80 98")  # both settle, still open (unacknowledged)
    new = chart.advance(10).vitals("192/116 99 88")  # a new BP episode and a low SpO2
    state = chart.state()
    alarms = [a for a in state.open_alerts if a.level == "alarm"]
    active = [a for a in alarms if a.active]
    settled = [a for a in alarms if not a.active]
    assert active and settled and alarms == active + settled  # what is going on first
    assert all(a.key.endswith(f":{new.seq}") for a in active)
    assert all(a.key.endswith(f":{old.seq}") for a in settled)
    assert state.top_alert.key.endswith(f":{new.seq}")  # `a` acknowledges the new one first


def test_acknowledging_an_active_alarm_leaves_it_active_but_not_open(new_chart) -> None:
    chart = dosed(new_chart, "sublingual-troche")
    chart.advance(3).vitals("120/80 hr 130 spo2 90 rr 8")
    state = chart.state()
    assert {a.kind for a in state.open_alerts} >= {"threshold"}
    keys = [a.key.rsplit(":", 1)[0] for a in state.open_alerts if a.kind == "threshold"]
    assert sorted(keys) == ["threshold:heart_rate_high", "threshold:resp_rate_low", "threshold:spo2_low"]
    for _ in range(3):
        chart.ack()
    state = chart.state()
    assert [a for a in state.open_alerts if a.kind == "threshold"] == []
    assert all(a.active for a in state.alerts if a.kind == "threshold")
    with pytest.raises(InputError, match="no open alert"):
        chart.ack("threshold:nonsense:1")


def test_low_heart_rate_and_fever_are_alarms(new_chart) -> None:
    chart = dosed(new_chart, "intramuscular")
    chart.advance(3).vitals("120/80 hr 44 t 38.6")
    kinds = {a.key.rsplit(":", 1)[0] for a in chart.state().open_alerts}
    assert {"threshold:heart_rate_low", "threshold:temperature_high"} <= kinds


def test_predose_bp_above_140_90_is_a_decision_not_an_alarm(new_chart) -> None:
    chart = new_chart("intranasal-esketamine", dose_mg=56)
    chart.phase("intake")
    chart.advance(5).vitals("150/95 80 98")
    bp = alert(chart.state(), "threshold:bp")
    assert bp.level == "warning" and bp.word == "CHECK"
    assert "above 140/90 before dosing" in bp.message
    chart.advance(10).phases_until("dose-onset")
    chart.dose(28)
    # After the dose the limit is 180/110: the same figures settle the pre-dose episode.
    chart.advance(10).vitals("150/95 82 98")
    bp = alert(chart.state(), "threshold:bp")
    assert not bp.active and bp.level == "warning"


# --- reminders -------------------------------------------------------------------------------


def test_phase_time_nudge_after_the_planned_minutes(new_chart) -> None:
    chart = new_chart("sublingual-troche")
    started = chart.phase("intake")
    chart.advance(15)
    assert not any(a.kind == "phase-time" for a in chart.state().alerts)
    chart.advance(0, 1)
    nudge = alert(chart.state(), "phase-time:")
    assert nudge.key == f"phase-time:intake:{started.seq}"
    assert nudge.level == "nudge" and nudge.raised_at == chart.at(15)
    chart.phase("next")
    assert not any(a.kind == "phase-time" for a in chart.state().alerts)


def test_troche_spit_timer(new_chart) -> None:
    chart = dosed(new_chart, "sublingual-troche")
    chart.advance(11)
    state = chart.state()
    (timer,) = [t for t in state.timers if t.label == "Spit troche"]
    assert timer.due_at == chart.at(42) and not timer.done
    assert not any(a.kind == "spit" for a in state.alerts)
    chart.advance(1)
    spit = alert(chart.state(), "spit:")
    assert spit.level == "nudge" and "time to spit (12 min" in spit.message
    chart.ack(spit.key)
    assert spit.key not in alert_keys(chart.state())


def test_no_spit_timer_for_other_routes(new_chart) -> None:
    chart = dosed(new_chart, "intramuscular")
    chart.advance(20)
    assert not any(t.label == "Spit troche" for t in chart.state().timers)


def test_esketamine_devices_five_minutes_apart(new_chart) -> None:
    chart = dosed(new_chart, "intranasal-esketamine", dose_mg=84)
    state = chart.state()
    assert state.devices_given == 1
    (timer,) = [t for t in state.timers if t.label.startswith("Device")]
    assert timer.label == "Device 2 of 3" and timer.due_at == chart.at(35)
    chart.advance(4)
    assert not any(a.kind == "device" for a in chart.state().alerts)
    chart.advance(1)
    assert alert(chart.state(), "device:").key == "device:2"
    chart.dose(28)
    chart.advance(5).dose(28)
    state = chart.state()
    assert state.devices_given == 3 and state.total_dose_mg == 84
    assert not any(t.label.startswith("Device") for t in state.timers)
    assert not any(a.kind == "device" for a in state.alerts)
    with pytest.raises(InputError, match="devices of 28 mg"):
        commands.give_dose(state, 30, chart.now)


def test_intramuscular_booster_window(new_chart) -> None:
    chart = dosed(new_chart, "intramuscular")
    chart.advance(10)
    state = chart.state()
    assert ("Booster window opens", chart.at(45)) in [(t.label, t.due_at) for t in state.timers]
    assert not any(a.kind == "booster" for a in state.alerts)
    chart.advance(6)
    state = chart.state()
    booster = alert(state, "booster-window")
    assert booster.level == "info"
    assert ("Booster window closes", chart.at(50)) in [(t.label, t.due_at) for t in state.timers]
    chart.dose(25, booster=True)
    state = chart.state()
    assert not any(a.kind == "booster" for a in state.alerts)
    assert not any(t.label.startswith("Booster") for t in state.timers)


def test_booster_window_closes_unused(new_chart) -> None:
    chart = dosed(new_chart, "intramuscular")
    chart.advance(20)
    state = chart.state()
    assert not any(a.kind == "booster" for a in state.alerts)
    assert not any(t.label.startswith("Booster") for t in state.timers)


def test_a_booster_needs_a_first_dose(new_chart) -> None:
    chart = new_chart("intramuscular")
    with pytest.raises(InputError, match="needs a first dose"):
        chart.dose(25, booster=True)


# --- observation, discharge, close -----------------------------------------------------------


def test_minimum_observation_reminder_and_early_close(new_chart) -> None:
    chart = dosed(new_chart, "sublingual-troche")
    state = chart.state()
    assert state.observation_until == chart.at(30 + 90)
    assert ("Minimum observation", chart.at(120), False) in [(t.label, t.due_at, t.done) for t in state.timers]
    assert not any(a.kind == "observation" for a in state.alerts)  # only once recovery begins
    chart.advance(55).phase("recovery")
    assert alert(chart.state(), "observation").level == "info"
    with pytest.raises(InputError, match="needs a reason for each, which is recorded: minimum observation until"):
        commands.close_session(chart.state(), chart.now)
    chart.close("client's driver arrived early; vitals normal")
    assert chart.state().early_reason == "client's driver arrived early; vitals normal"


def test_discharge_readiness_needs_every_condition(new_chart) -> None:
    chart = dosed(new_chart, "intranasal-esketamine", dose_mg=28)
    chart.advance(40).vitals("130/84 80 98")
    chart.phases_until("integration")
    state = chart.state()
    assert not state.discharge.ready
    missing = state.discharge.missing
    assert missing[: len(chart.preset.discharge_checklist)] == tuple(chart.preset.discharge_checklist)
    assert "modified Aldrete score (9 or more)" in missing
    assert any(item.startswith("minimum observation until") for item in missing)

    chart.tick_all("discharge")
    chart.scale("aldrete", 8)
    chart.advance(80)  # T+120: two hours
    chart.vitals("124/80 74 98")
    chart.scale("moaas", 5)
    state = chart.state()
    assert state.discharge.missing == ("modified Aldrete 9 or more (latest 8)",)
    chart.scale("aldrete", 9)
    assert chart.state().discharge.ready
    chart.advance(16)  # the last vitals are now too old to leave on
    assert chart.state().discharge.missing == ("vitals within the last 15 min",)


def test_unticking_an_item_makes_it_missing_again(new_chart) -> None:
    chart = dosed(new_chart, "sublingual-troche")
    chart.tick("discharge", 1)
    item = chart.preset.discharge_checklist[0]
    assert item not in chart.state().discharge.missing
    chart.add(commands.tick_item(chart.state(), "discharge", 1, chart.now, done=False))
    assert item in chart.state().discharge.missing
    with pytest.raises(InputError, match="accepted 1-7"):
        chart.tick("discharge", 99)


def test_a_closed_session_freezes_its_clocks(new_chart) -> None:
    chart = dosed(new_chart, "sublingual-troche")
    chart.phases_until("integration")
    chart.advance(95).vitals("190/100 80 98")
    chart.scale("moaas", 5)
    chart.close()
    closed_at = chart.now
    chart.advance(300)
    state = chart.state()
    assert state.closed and state.closed_at == closed_at
    assert state.clock_now == closed_at
    assert state.t_plus() == 95 * MIN
    assert state.time_in_phase() == 95 * MIN
    assert state.open_alerts == [] and state.timers == []
    with pytest.raises(InputError, match="closed"):
        commands.record_vitals(state, "120/80", chart.now)
    with pytest.raises(InputError, match="closed"):
        commands.close_session(state, chart.now)


# --- corrections and backdating --------------------------------------------------------------


def test_struck_entries_leave_state_but_stay_in_the_record(new_chart) -> None:
    chart = dosed(new_chart, "sublingual-troche")
    high = chart.advance(10).vitals("195/115 90 98")
    note = chart.note("client is restless")
    peak = chart.phase("peak")
    assert alert(chart.state(), "threshold:bp").active
    chart.strike(high.seq, "entered in error: another client's reading")
    chart.strike(note.seq)
    chart.strike(peak.seq)
    state = chart.state()
    assert not any(a.kind == "threshold" for a in state.alerts)
    assert state.notes == []
    assert state.phase == "dose-onset"
    assert state.struck[high.seq] == "entered in error: another client's reading"
    assert {high.seq, note.seq, peak.seq} <= {e.seq for e in state.events}
    with pytest.raises(InputError, match="already struck"):
        chart.strike(high.seq)
    with pytest.raises(InputError, match="cannot be struck"):
        chart.strike(1)


def test_striking_the_only_dose_removes_t_plus_and_timers(new_chart) -> None:
    chart = dosed(new_chart, "sublingual-troche")
    dose = chart.events[-1]
    chart.advance(15).strike(dose.seq, "dose was recorded for the wrong session")
    state = chart.state()
    assert state.doses == [] and state.t_plus() is None and state.observation_until is None
    assert not any(t.label == "Spit troche" for t in state.timers)


def test_a_backdated_reading_takes_its_place_in_clinical_time(new_chart) -> None:
    chart = dosed(new_chart, "sublingual-troche")
    chart.advance(50).vitals("126/82 hr 80")  # typed at T+50
    chart.vitals("140/90 hr 88", at="-12m")  # measured at T+38, typed later
    state = chart.state()
    assert [event.at for event in state.vitals] == [chart.at(5), chart.at(68), chart.at(80)]
    assert state.latest("systolic") == (126, chart.at(80))
    assert state.series("heart_rate")[-2:] == [(chart.at(68), 88), (chart.at(80), 80)]
    # The backdated reading is the one that answered the T+40 check, on time.
    assert state.checks[1].reading_at == chart.at(68)
    assert state.checks[1].status(chart.now) == "on time"


def test_a_backdated_normal_reading_does_not_settle_a_later_high_one(new_chart) -> None:
    chart = dosed(new_chart, "sublingual-troche")
    chart.advance(20).vitals("190/112 90 98")
    chart.advance(5).vitals("130/80 80 98", at="-10m")  # before the high reading
    assert alert(chart.state(), "threshold:bp").active


def test_an_entry_cannot_be_backdated_far_before_the_session(new_chart) -> None:
    chart = new_chart("sublingual-troche")
    chart.advance(3)
    chart.vitals("120/80", at="-10m")  # a late start: up to four hours before it was written (issue 17)
    with pytest.raises(InputError, match="is too far back for this session"):
        chart.vitals("120/80", at="-250m")


def test_notes_visibility_and_cards(new_chart) -> None:
    chart = new_chart("sublingual-troche")
    private = chart.note("restless, sighing")
    chart.note("I am allowed to rest", kind="client-words", shareable=True)
    state = chart.state()
    assert [n.visibility for n in state.notes] == ["private", "shareable"]
    chart.add(commands.set_note_visibility(state, private.seq, True, chart.now))
    assert len(chart.state().shareable_notes()) == 2
    import random

    rng = random.Random(4)
    drawn = [chart.add(commands.draw_card(chart.state(), chart.now, rng)).card for _ in range(chart.preset.max_cards)]
    assert len(set(drawn)) == len(drawn) == 3  # the preset's cap (max_cards, 3 by default)
    with pytest.raises(InputError) as refused:
        commands.draw_card(chart.state(), chart.now)
    assert str(refused.value) == "3 cards are drawn already; this preset allows 3 a session (max_cards)"


def test_fold_needs_the_opening_event(new_chart) -> None:
    chart = new_chart("sublingual-troche")
    chart.phase("intake")
    with pytest.raises(ValueError, match="begin with session_opened"):
        fold(chart.events[1:], chart.preset, chart.now)


def test_a_post_dose_alarm_is_never_covered_by_a_pre_dose_acknowledgement(new_chart) -> None:
    chart = new_chart("intramuscular", weight_kg="70", dose_mg="50")
    chart.phase("intake")
    chart.vitals("165/98 80 98")
    pre_dose = chart.state().top_alert
    assert pre_dose is not None and pre_dose.level == "warning" and "before dosing" in pre_dose.message
    chart.ack()
    chart.phase("dose-onset")
    chart.advance(1)
    chart.dose("50")
    chart.advance(5)
    chart.vitals("200/125 120 97")
    alarm = chart.state().top_alert
    assert alarm is not None and alarm.level == "alarm" and "200/125" in alarm.message
    assert alarm.key != pre_dose.key


def test_striking_a_share_makes_the_note_private_again(new_chart) -> None:
    chart = new_chart("sublingual-troche")
    note = chart.note("a private thought")
    share = chart.add(commands.set_note_visibility(chart.state(), note.seq, True, chart.now))
    assert [n.text for n in chart.state().shareable_notes()] == ["a private thought"]
    chart.strike(share.seq)
    assert chart.state().shareable_notes() == []
