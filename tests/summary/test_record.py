"""The clinical record: every event, private notes marked, alerts with acknowledgement times, and
the esketamine monitoring-form fields computed from a scripted ManualClock session."""

from __future__ import annotations

from datetime import timedelta

from pdf_text import pdf_text
from summary_sessions import START, Script, short_session

from kapsession.core import commands
from kapsession.summary.esketamine_form import monitoring_form
from kapsession.summary.model import clock
from kapsession.summary.pdf import render_record_pdf
from kapsession.summary.record import build_record, discharge_ready_at, render_record_markdown


def at(minutes: float) -> str:
    return clock(START + timedelta(minutes=minutes))


def esketamine_session(*, close_after: float = 170, reason: str | None = None) -> Script:
    """Minute 0 = 09:00 UTC. Devices at 40 and 45; BP at 10, 20 (pre), 72, 82, 150, 160."""
    s = Script("intranasal-esketamine", client="R.K.", planned_mg=56, weight_kg=80)
    s.phase("intake")
    s.wait(minutes=10).vitals("128/82 72 98")
    s.wait(minutes=10).vitals("132/84 74 98")  # 09:20: the last before dosing
    s.wait(minutes=5).phase("intention")
    s.wait(minutes=10).phase("dose-onset")
    s.wait(minutes=5).dose(28)  # 09:40 device 1
    s.wait(minutes=5).dose(28)  # 09:45 device 2
    s.wait(minutes=10).phase("peak")
    s.note("Private process note: grief about father", shareable=False)
    s.wait(minutes=17).vitals("150/92 88 97")  # 10:12, T+32
    s.wait(minutes=10).vitals("158/96 90 97")  # 10:22, T+42: nearest to T+40
    s.note("I saw the sea", shareable=True, kind="client-words")
    s.wait(minutes=18).phase("recovery")
    s.wait(minutes=50).vitals("130/84 76 98")  # 11:30
    s.wait(minutes=5).phase("integration")
    s.wait(minutes=5).vitals("126/80 72 98")  # 11:40: the last before close
    s.scale("moaas", 5)
    s.scale("aldrete", 10)
    s.wait(minutes=1).tick_all("discharge")  # 11:41: ready to leave
    s.clock.set(START + timedelta(minutes=close_after))
    s.close(reason)
    return s


def test_esketamine_monitoring_form_fields() -> None:
    state = esketamine_session().state()
    form = monitoring_form(state)
    assert form.first_device_at == START + timedelta(minutes=40)
    assert form.devices == (f"Device 1 at {at(40)}", f"Device 2 at {at(45)}")
    assert form.monitoring_ended_at == START + timedelta(minutes=170)
    assert form.total_minutes == 130
    assert form.bp_before_dosing is not None and form.bp_before_dosing.bp == "132/84"
    assert form.bp_before_dosing.time == at(20)
    assert form.bp_at_40 is not None and (form.bp_at_40.bp, form.bp_at_40.time) == ("158/96", at(82))
    assert form.bp_at_40.t_plus == "T+0:42:00"
    assert form.bp_before_completion is not None and form.bp_before_completion.bp == "126/80"
    assert form.bp_before_completion.time == at(160)
    # Clinically ready at 11:40 (MOAA/S 5, Aldrete 10, vitals fine): 120 min from the first device.
    assert form.clinically_ready_at == START + timedelta(minutes=160)
    assert form.evaluation_minutes == 120
    assert form.notes == ()


def test_esketamine_form_flags_short_monitoring_and_missing_readings() -> None:
    s = Script("intranasal-esketamine", client="R.K.", planned_mg=56)
    s.phase("intake")
    s.wait(minutes=20).phase("dose-onset")
    s.dose(56)
    s.wait(minutes=90).vitals("130/80 70 98")
    s.close("client unwell, transferred to emergency care")
    form = monitoring_form(s.state())
    assert form.total_minutes == 90
    assert form.bp_before_dosing is None and form.bp_at_40 is None
    assert form.bp_before_completion is not None and form.bp_before_completion.bp == "130/80"
    assert form.clinically_ready_at is None and form.evaluation_minutes is None
    assert any("less than the 120 min minimum" in note and "transferred" in note for note in form.notes)
    assert any("before the first device" in note for note in form.notes)
    assert any("about 40 minutes" in note for note in form.notes)
    assert form.devices == (f"Device 1 at {at(20)}", f"Device 2 at {at(20)}")


def test_monitoring_form_in_record_markdown_and_pdf() -> None:
    record = build_record(esketamine_session().state(), "k7f3ab")
    assert record.form is not None
    assert record.form.field("Total monitoring time").value == "130 minutes"
    assert (
        record.form.field("Blood pressure about 40 minutes after administration").value
        == f"158/96 at {at(82)} (T+0:42:00)"
    )
    assert (
        record.form.field("Evaluation: ready to leave, without the minimum").value
        == "120 minutes from the start of administration"
    )
    markdown = render_record_markdown(record)
    assert "## Esketamine monitoring form (SPRAVATO REMS, outpatient)" in markdown
    assert "| Total monitoring time | 130 minutes |" in markdown
    text = pdf_text(render_record_pdf(record))
    assert "ESKETAMINEMONITORINGFORM" in "".join(text.upper().split())  # letter-spaced heading
    assert "130 minutes" in text and "158/96" in text


def test_no_monitoring_form_for_other_routes() -> None:
    record = build_record(short_session().state(), "abc234")
    assert record.form is None
    assert "monitoring form" not in render_record_markdown(record)


def test_record_has_every_note_marked_and_every_entry() -> None:
    script = esketamine_session()
    state = script.state()
    record = build_record(state, "k7f3ab", therapist_name="Dr Ana Reyes")
    notes = {n.text: n.private for n in record.notes}
    assert notes == {"Private process note: grief about father": True, "I saw the sea": False}
    assert len(record.entries) == len(state.events)
    markdown = render_record_markdown(record)
    assert "[PRIVATE]" in markdown and "grief about father" in markdown
    assert "Confidential" in markdown
    text = pdf_text(render_record_pdf(record))
    assert "PRIVATE" in text and "grief about father" in text


def test_record_doses_with_route_and_mg_per_kg() -> None:
    record = build_record(esketamine_session().state(), "k7f3ab")
    assert [(d.mg, d.mg_per_kg, d.devices) for d in record.doses] == [("28", "0.35", "1"), ("28", "0.35", "1")]
    assert record.doses[0].route.startswith("IN") and record.doses[0].drug == "esketamine"
    assert (record.total_dose, record.total_mg_per_kg, record.drugs) == ("56 mg", "0.70 mg/kg", "esketamine")


def test_alerts_keep_their_acknowledgement_times() -> None:
    s = Script("sublingual-troche", client="T.T.")
    s.phase("intake")
    s.wait(minutes=5).vitals("124/80 72 98")
    s.wait(minutes=5).phase("dose-onset")
    s.dose(200)
    s.wait(minutes=30).vitals("186/112 96 97")  # hypertensive alarm
    s.wait(minutes=2)
    s.do(commands.acknowledge, s.clock.now())  # acknowledged 2 min later
    s.wait(minutes=10).vitals("150/90 80 98")  # settles
    s.wait(minutes=60)
    s.do(commands.raise_alert, "client vomited", s.clock.now())  # hand-raised, never acknowledged
    s.wait(minutes=5)  # still open: a close needs every alarm acknowledged first
    record = build_record(s.state(), "alert1")
    alerts = {a.message.split(" (")[0]: a for a in record.alerts}
    bp = next(a for key, a in alerts.items() if key.startswith("BP 186/112"))
    assert bp.raised == at(40) and bp.acknowledged == at(42)
    manual = alerts["client vomited"]
    assert manual.acknowledged == ""
    markdown = render_record_markdown(record)
    assert "not acknowledged" in markdown and f"| {at(42)} |" in markdown


def test_vitals_flags_scales_and_checklists() -> None:
    s = esketamine_session()
    record = build_record(s.state(), "k7f3ab")
    flagged = [v for v in record.vitals if v.flags]
    assert flagged == []  # 158/96 is under 180/110
    assert [sc.scale for sc in record.scales] == ["MOAA/S", "Modified Aldrete"]
    discharge = [c for c in record.checklists if c.checklist == "discharge"]
    assert discharge and all(c.done and c.at == at(161) for c in discharge)
    assert record.discharge_ready == at(161) and record.closed == at(170)


def test_discharge_ready_waits_for_the_minimum_observation() -> None:
    s = Script("intranasal-esketamine", client="R.K.", planned_mg=56)
    s.phase("intake")
    s.wait(minutes=10).dose(56)
    s.wait(minutes=60).vitals("120/80 70 98")
    s.scale("moaas", 5)
    s.scale("aldrete", 10)
    s.tick_all("discharge")
    s.wait(minutes=55).vitals("120/80 70 98")  # T+115
    s.wait(minutes=10)  # T+125, observation ended at T+120
    s.close()
    assert discharge_ready_at(s.state()) == START + timedelta(minutes=130)


def _ready_by_folding(state):
    from kapsession.core.events import (
        ChecklistTicked,
        DischargeCriterionWaived,
        DoseGiven,
        InfusionStopped,
        ScaleRated,
        SessionClosed,
        VitalsRecorded,
    )
    from kapsession.core.state import fold

    events = [e for e in state.events if not isinstance(e, SessionClosed)]
    end = state.closed_at or state.now
    start = state.first_dose_at or state.opened.at
    moments = {
        e.at
        for e in events
        if isinstance(
            e, (ChecklistTicked, ScaleRated, VitalsRecorded, DoseGiven, InfusionStopped, DischargeCriterionWaived)
        )
    }
    if state.observation_until is not None:
        moments.add(state.observation_until)
    for moment in sorted(m for m in moments if start <= m <= end):
        if fold([e for e in events if e.at <= moment], state.preset, moment).discharge.ready:
            return moment
    return None


def test_fast_discharge_replay_agrees_with_folding() -> None:
    late_vitals = Script("sublingual-troche", client="L.V.")
    late_vitals.phase("intake")
    late_vitals.wait(minutes=5).dose(200)
    late_vitals.wait(minutes=30).vitals("120/80 70 98")
    late_vitals.scale("moaas", 5)
    late_vitals.scale("aldrete", 10)
    late_vitals.tick_all("discharge")  # ticked early: vitals still fresh, observation not over
    late_vitals.wait(minutes=80).vitals("118/78 68 98")  # after the observation time: ready here
    late_vitals.wait(minutes=5).close()
    scripts = [
        esketamine_session(),
        esketamine_session(close_after=100, reason="left early"),
        short_session(),
        late_vitals,
    ]
    for script in scripts:
        state = script.state()
        assert discharge_ready_at(state) == _ready_by_folding(state)
    assert discharge_ready_at(late_vitals.state()) == START + timedelta(minutes=115)


def test_a_note_after_the_close_is_an_addendum_in_the_pdf_notes(new_chart) -> None:
    chart = new_chart("sublingual-troche", weight_kg=70)
    chart.phase("intake")
    chart.advance(5).vitals("124/80 72 98")
    chart.dose(200)
    chart.advance(130).scale("moaas", 5)
    chart.close("test: checklist on paper")
    chart.advance(20).note("client phoned: home safe")
    record = build_record(chart.state(), "k7f3ab")
    [note] = record.notes
    assert note.addendum == clock(chart.now)
    text = " ".join(pdf_text(render_record_pdf(record)).split())
    assert text.count(f"addendum, written {note.addendum}") == 2  # in the timeline and in the notes
