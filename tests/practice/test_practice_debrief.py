"""The debrief reports exactly what was late or missed: vitals checks, alerts and the time to
acknowledge them, scripted events and the response that did (or did not) follow, phases against
the plan, the discharge checklist and the minimum observation."""

from __future__ import annotations

from datetime import timedelta

import pytest

from kapsession.core import commands
from kapsession.core.clock import ManualClock
from kapsession.core.errors import InputError
from kapsession.core.events import SessionClosed
from kapsession.practice.debrief import build_debrief
from tests.conftest import START, builtin_library
from tests.practice.conftest import Rehearsal


def play_bp_spike(r: Rehearsal, clock: ManualClock) -> None:
    """bp-spike-im with some things answered, some ignored, one alert acknowledged late."""

    def at_dose(minutes: float) -> None:
        clock.set(r.state().first_dose_at + timedelta(minutes=minutes))

    r.phase("intake")
    clock.advance(minutes=3)
    r.vitals("128/82 74 98")  # start+3 presented now: baseline, on time
    clock.advance(minutes=12)
    r.phase("next")  # intention cards at 15
    clock.advance(minutes=10)
    r.phase("next")  # dose & onset at 25
    r.dose(54)
    at_dose(5)
    r.phase("peak")
    # T+15 (132/84) is ignored: the T+15 check is missed and so is the scripted reading.
    at_dose(27)
    r.note("says her head is pounding a little")  # T+25 client words: answered after 2:00
    at_dose(43)
    r.vitals("186/114 118 97")  # T+40 presented 3 minutes ago: check late by 3:00
    # T+41 (flushed face) gets no note.
    at_dose(50)
    r.ack()  # the BP alert raised at T+43: acknowledged after 7:00
    r.phase("recovery")
    at_dose(56)
    r.vitals("170/100 104 98")  # T+55 presented: answered after 1:00 (and the T+60 check)
    at_dose(80)
    r.phase("integration")
    at_dose(91)
    r.vitals("138/86 82 98")  # T+90: answered after 1:00
    at_dose(95)
    r.tick_all()
    r.scale("aldrete", 10)
    r.scale("moaas", 5)
    at_dose(96)
    r.close()


def test_bp_spike_debrief_reports_exactly_the_misses_and_delays(rehearse) -> None:
    clock = ManualClock(START)
    r = rehearse("bp-spike-im", clock)
    play_bp_spike(r, clock)
    debrief = r.debrief()

    assert [(c.label, c.status) for c in debrief.checks] == [
        ("baseline", "on time"),
        ("T+15", "missed"),
        ("T+40", "late by 0:03:00"),
        # 186/114 at T+43 asked for a recheck 5 minutes later; the next reading came at T+56.
        ("recheck", "late by 0:08:00"),
        ("T+60", "on time"),
    ]
    assert len(debrief.alerts) == 1
    alert = debrief.alerts[0]
    # 170/100 at T+56 is still 42 above the baseline 128/82: the episode has not settled.
    assert alert.message.startswith("BP 186/114 above 180/110; then 170/100 up 42/18 from the baseline 128/82")
    assert alert.delay == timedelta(minutes=7)
    assert alert.status == "acknowledged after 0:07:00 (late)"
    assert [(s.when, s.status) for s in debrief.scripted] == [
        ("start+3", "answered after 0:00:00"),
        ("T+15", "missed: no vitals entry within 5 min (first after 0:28:00)"),
        ("T+25", "answered after 0:02:00"),
        ("T+40", "answered after 0:03:00"),
        ("T+41", "missed: no note within 10 min"),
        ("T+55", "answered after 0:01:00"),
        ("T+90", "answered after 0:01:00"),
    ]
    assert [(p.phase, p.status) for p in debrief.phases] == [
        ("intake", "on plan"),
        ("intention", "on plan"),
        ("dose-onset", "on plan"),
        ("peak", "on plan"),
        ("recovery", "on plan"),
        ("integration", "0:14:00 under"),
    ]
    assert all(done for _, done in debrief.discharge_items)
    assert debrief.discharge_other_missing == []
    assert debrief.observation is not None and debrief.observation.points == 1.0
    assert debrief.observation.status.startswith("respected")

    assert debrief.misses == [
        "Vitals T+15: missed",
        "Vitals T+40: late by 0:03:00",
        "Vitals recheck: late by 0:08:00",
        f"Alert \u201c{alert.message}\u201d: acknowledged after 0:07:00 (late)",
        "T+15 \u201cMonitor shows 132/84 HR 78 SpO2 98\u201d: missed: no vitals entry within 5 min (first after 0:28:00)",
        "T+41 \u201cThe client's face is flushed; breathing is steady.\u201d: missed: no note within 10 min",
    ]
    # vitals 3/5, alerts 0.5/1, scripted 5/7, discharge 8/8, observation 1/1
    assert debrief.score == round(100 * (3 / 5 + 0.5 + 5 / 7 + 1 + 1) / 5)
    summary = dict(debrief.summary_lines())
    assert summary["Vitals checks"] == "2 of 5 on time, 2 late, 1 missed"
    assert summary["Alerts"] == "0 of 1 acknowledged promptly, 1 late, 0 never (slowest 0:07:00)"
    assert summary["Scripted events"] == "5 of 7 answered in time, 2 missed"


def test_markdown_and_text_put_the_score_first_and_the_details_below(rehearse) -> None:
    clock = ManualClock(START)
    r = rehearse("bp-spike-im", clock)
    play_bp_spike(r, clock)
    debrief = r.debrief()
    markdown = debrief.to_markdown()
    headings = [line for line in markdown.splitlines() if line.startswith("#")]
    assert headings == [
        "# Practice debrief: Blood pressure spike after an IM dose",
        f"## Score: {debrief.score}%",
        "### Late or missed",
        "## Vitals checks",
        "## Alerts",
        "## Scripted events",
        "## Phases against the plan",
        "## Discharge checklist",
        "## Minimum observation",
    ]
    assert "| T+15 | 09:40" in markdown or "| T+15 |" in markdown
    assert "late by 0:03:00" in markdown and "acknowledged after 0:07:00 (late)" in markdown
    assert "- [x] Injection site checked" in markdown
    text = debrief.to_text()
    assert text.splitlines()[0] == "PRACTICE DEBRIEF: BLOOD PRESSURE SPIKE AFTER AN IM DOSE"
    assert text.index("Score:") < text.index("Vitals checks:") < text.index("Alerts:") < text.index("Scripted events:")
    for miss in debrief.misses:
        assert miss in text


def test_a_perfect_smooth_troche_scores_100(rehearse) -> None:
    clock = ManualClock(START)
    r = rehearse("smooth-troche", clock)
    r.phase("intake")
    clock.advance(minutes=2)
    r.note("slept well, ate four hours ago, partner driving")
    clock.advance(minutes=3)
    r.vitals("124/80 72 98")
    clock.advance(minutes=10)
    r.phase("next")
    clock.advance(minutes=10)
    r.phase("next")
    r.dose(200)
    for minute, action in [
        (12, lambda: r.note("troche spat out")),
        (15, lambda: r.phase("peak")),
        (
            25,
            lambda: r.note(
                "floating on warm water",
            ),
        ),
        (40, lambda: r.vitals("138/86 80 97")),
        (55, lambda: r.phase("recovery")),
        (70, lambda: r.note("asks for water")),
        (85, lambda: r.phase("integration")),
        (90, lambda: r.vitals("126/82 74 98")),
        (100, r.tick_all),
        (100, lambda: r.scale("aldrete", 10)),
        (100, lambda: r.scale("moaas", 5)),
        (101, r.close),
    ]:
        clock.set(r.state().first_dose_at + timedelta(minutes=minute))
        action()
    debrief = r.debrief()
    assert debrief.misses == []
    assert debrief.score == 100
    assert {c.status for c in debrief.checks} == {"on time"}


def test_closing_before_the_minimum_observation(rehearse) -> None:
    clock = ManualClock(START)
    r = rehearse("nausea-esketamine", clock)
    r.phase("intake")
    r.vitals("134/86 76 98")
    clock.advance(minutes=25)
    r.dose(28)
    clock.advance(minutes=5)
    r.dose(28)
    clock.advance(minutes=90)  # T+95: the client asks to leave
    with pytest.raises(InputError, match="needs a reason"):
        commands.close_session(r.state(), clock.now())
    r.note("client asks to go home; explained the two-hour rule")
    r.close(reason="client insisted on leaving against advice; friend driving")
    debrief = r.debrief()
    assert debrief.observation is not None
    assert debrief.observation.points == 0.5
    assert debrief.observation.status == (
        "closed 0:25:00 before the minimum 120 min, with a recorded reason: "
        "client insisted on leaving against advice; friend driving"
    )
    leave = next(s for s in debrief.scripted if "can I go" in s.text)
    assert leave.status == "answered after 0:00:00"

    # A close with no reason (an older record, or one typed into another tool) is not respected.
    events = [
        e if not isinstance(e, SessionClosed) else e.model_copy(update={"early_reason": None}) for e in r.log.events
    ]
    bare = build_debrief(events, builtin_library().get("intranasal-esketamine"), r.scenario, clock.now())
    assert bare.observation is not None and bare.observation.points == 0.0
    assert bare.observation.status == "not respected: closed 0:25:00 before the minimum 120 min, without a reason"
    assert "Minimum observation: not respected" in " ".join(bare.misses)


def test_an_unfinished_rehearsal_is_scored_as_of_its_last_entry(rehearse) -> None:
    clock = ManualClock(START)
    r = rehearse("bp-spike-im", clock)
    r.phase("intake")
    r.vitals("128/82 74 98")
    clock.advance(minutes=25)
    r.dose(54)
    clock.advance(minutes=16)
    r.vitals("132/84 78 98")  # T+16
    debrief = r.debrief()  # the practice clock is gone: as of the last entry
    assert debrief.closed_at is None and debrief.as_of == clock.now()
    assert [(c.label, c.status) for c in debrief.checks] == [
        ("baseline", "on time"),
        ("T+15", "on time"),
        ("T+40", "upcoming"),
        ("T+60", "upcoming"),
    ]
    assert "Still open" in debrief.to_text()
    assert [s.status for s in debrief.scripted][-1] == "not reached"


def test_a_real_session_has_no_debrief(store) -> None:
    from kapsession.practice.debrief import debrief_session

    preset = builtin_library().get("intramuscular")
    session_id, _ = store.create_session(commands.open_session(client_name="A.B.", preset=preset, now=START))
    with pytest.raises(InputError, match="real session"):
        debrief_session(store, session_id, presets=builtin_library())


def test_a_struck_reading_does_not_answer_anything(rehearse) -> None:
    clock = ManualClock(START)
    r = rehearse("bp-spike-im", clock)
    r.phase("intake")
    clock.advance(minutes=3)
    wrong = r.vitals("128/82 74 98")
    r.record(commands.strike, wrong.seq, "entered in error: wrong patient", clock.now())
    debrief = r.debrief()
    assert debrief.scripted[0].status == "waiting"
    clock.advance(minutes=11)
    assert r.debrief(clock.now()).scripted[0].status == "missed: no vitals entry within 10 min"


def test_the_nausea_scenario_expects_an_antiemetic_and_an_adverse_event(rehearse) -> None:
    clock = ManualClock(START)
    r = rehearse("nausea-esketamine", clock)
    r.phase("intake")
    clock.advance(minutes=4)
    r.vitals("134/86 76 98")
    clock.advance(minutes=21)
    r.dose(56)
    first = r.state().first_dose_at
    clock.set(first + timedelta(minutes=56))
    r.scale("nausea", 7)  # T+55: answered
    clock.set(first + timedelta(minutes=59))
    r.record(commands.record_adverse, "vomiting", "moderate", clock.now())  # T+58: answered
    clock.set(first + timedelta(minutes=75))  # T+60: no medicine within 10 min
    debrief = r.debrief(clock.now())
    scripted = {s.expect: s for s in debrief.scripted if s.expect in ("adverse", "medication")}
    assert scripted["adverse"].points == 1.0
    assert scripted["medication"].points == 0.0
    assert scripted["medication"].status == "missed: no medicine given within 10 min"
    assert any("I still feel really sick" in miss for miss in debrief.misses)
    r.record(commands.give_medication, "ondansetron", "4", "mg", clock.now())
    late = next(s for s in r.debrief().scripted if s.expect == "medication")
    assert late.status == "missed: no medicine given within 10 min (first after 0:15:00)"


def test_the_iv_scenario_scores_the_early_stop_and_counts_from_it(rehearse) -> None:
    clock = ManualClock(START)
    r = rehearse("stopped-infusion-iv", clock)
    r.phase("intake")
    clock.advance(minutes=4)
    r.vitals("126/80 72 98")
    clock.advance(minutes=16)
    r.phase("dose-onset")
    r.dose(35)  # 0.5 mg/kg over the preset's 40 min
    first = r.state().first_dose_at
    for minute, action in [
        (10, lambda: r.vitals("148/90 86 98")),
        (20, lambda: r.vitals("190/115 104 97")),
        (21, lambda: r.ack()),
        (22, lambda: r.record(commands.stop_infusion, clock.now(), None, "BP 190/115")),
        (
            24,
            lambda: r.record(commands.record_adverse, "hypertension", "severe", clock.now(), action="infusion stopped"),
        ),
        (36, lambda: r.vitals("164/98 94 98")),
        (51, lambda: r.vitals("138/86 80 98")),
    ]:
        clock.set(first + timedelta(minutes=minute))
        action()
    debrief = r.debrief()
    assert [s.points for s in debrief.scripted] == [1.0] * 7
    stop = next(s for s in debrief.scripted if s.expect == "infusion-stop")
    assert stop.status == "answered after 0:01:00"
    state = r.state()
    assert state.infusions[0].delivered_mg == pytest.approx(19.2, abs=0.1)
    assert state.observation_until == first + timedelta(minutes=22 + 30)
    # The reading at T+20, two minutes before the stop, is the stop's check; the stop ends the checks
    # every 10 minutes, and those after it count from it.
    assert [(c.label, c.status) for c in debrief.checks] == [
        ("baseline", "on time"),
        ("T+10", "on time"),
        ("stop+0", "on time"),
        # 190/115 at T+20 asked for a recheck at T+25; the next reading came at T+36.
        ("recheck", "late by 0:11:00"),
        ("stop+15", "on time"),
        ("stop+30", "on time"),
    ]
