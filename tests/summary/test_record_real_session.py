"""A clinician's sessions in the record, with the right clocks: an IV infusion stopped early for a
hypertensive episode, an IM dose with a booster, an antiemetic, a sedated client, the screening
answers and the pre-dose decision."""

from __future__ import annotations

from datetime import timedelta

from pdf_text import pdf_text
from summary_sessions import START, Script

from kapsession.core import commands
from kapsession.summary.model import clock
from kapsession.summary.pdf import render_record_pdf
from kapsession.summary.record import build_record, render_record_markdown


def at(minutes: float) -> str:
    return clock(START + timedelta(minutes=minutes))


def iv_session() -> Script:
    """Minute 0 = 09:00 UTC. Screening (one stop answer), a decision to go ahead at 09:14, the
    infusion 35 mg over 40 min from 09:15, 190/115 at 09:35 and the stop there, clonidine,
    nausea and ondansetron, MOAA/S 2 then 5, closed at 10:40."""
    s = Script("iv-infusion", client="I.V.", planned_mg=35, weight_kg=70)
    s.phase("intake")
    s.do(commands.answer_screening, "hypertension", "yes", s.clock.now())
    s.do(commands.answer_screening, "food-hours", "4", s.clock.now())
    s.wait(minutes=5).vitals("138/86 76 98 14")
    s.wait(minutes=9)
    s.do(commands.decide_predose, "proceed", "BP controlled on treatment, prescriber agrees", s.clock.now())
    s.wait(minutes=1).phase("dose-onset")
    s.dose(35)  # 09:15
    s.wait(minutes=20).vitals("190/115 104 97 14")  # 09:35
    s.do(commands.stop_infusion, s.clock.now(), None, "BP 190/115")  # 17.5 mg delivered
    s.do(commands.record_adverse, "hypertension", "severe", s.clock.now(), action="infusion stopped; clonidine")
    s.do(commands.give_medication, "clonidine", "0.1", "mg", s.clock.now())
    s.wait(minutes=5).scale("moaas", 2)  # 09:40
    s.wait(minutes=10).do(commands.record_adverse, "nausea", "mild", s.clock.now())
    s.do(commands.give_medication, "ondansetron", "4", "mg", s.clock.now())
    s.wait(minutes=15).vitals("142/88 80 98 14")  # 10:05
    s.scale("moaas", 5)
    s.scale("aldrete", 10)
    for seq in [e.seq for e in s.events if e.type == "adverse_event"]:
        s.do(commands.resolve_adverse, seq, s.clock.now(), "settled")
    s.tick_all("discharge")
    s.wait(minutes=35).vitals("130/84 74 98 14")  # 10:40
    s.close()
    return s


def test_the_infusion_its_stop_and_the_observation_from_the_stop() -> None:
    record = build_record(iv_session().state(), "iv0001")
    [infusion] = record.infusions
    assert infusion.started == at(15) and infusion.planned == "35 mg over 40 min (52.5 mg/h)"
    assert (infusion.stopped, infusion.delivered, infusion.reason) == (at(35), "17.5 of 35 mg", "BP 190/115")
    assert record.total_dose == "17.5 mg" and record.total_mg_per_kg == "0.25 mg/kg"
    assert record.observation == f"30 min from the infusion's stop at {at(35)}: until {at(65)}"
    assert record.doses[0].mg == "17.5 of 35 planned"
    assert record.form is None


def test_medicines_adverse_events_sedation_screening_and_the_decision() -> None:
    record = build_record(iv_session().state(), "iv0001")
    assert [(m.medicine, m.route, m.reason) for m in record.medications] == [
        ("clonidine 0.1 mg", "oral", "raised blood pressure"),
        ("ondansetron 4 mg", "ODT", "nausea"),
    ]
    assert [(a.kind, a.severity, a.resolved) for a in record.adverse] == [
        ("hypertension", "severe", f"{at(65)}: settled"),
        ("nausea", "mild", f"{at(65)}: settled"),
    ]
    assert any(a.message.startswith("MOAA/S 2: responds only after mild prodding or shaking") for a in record.alerts)
    stop = [r for r in record.screening if r.stop]
    assert [(r.question, r.answer) for r in stop] == [("Uncontrolled high blood pressure?", "yes")]
    [decision] = record.decisions
    assert decision.decision == "go ahead" and decision.reason.startswith("BP controlled")
    assert any("'Uncontrolled high blood pressure?' answered yes" in short for short in decision.short)
    markdown = render_record_markdown(record)
    for words in (
        "## Other medicines",
        "| clonidine 0.1 mg | oral | raised blood pressure |",
        "## Adverse events",
        "| hypertension | severe | infusion stopped; clonidine |",
        "yes (STOP AND DECIDE)",
        "**Decision at",
        "Stopped " + at(35) + ": 17.5 of 35 mg delivered (early: BP 190/115)",
    ):
        assert words in markdown, words
    text = pdf_text(render_record_pdf(record))
    squeezed = "".join(text.split())  # headings are letter-spaced
    for words in (
        "OTHERMEDICINES",
        "ondansetron4mg",
        "ADVERSEEVENTS",
        "17.5of35mgdelivered",
        "STOPANDDECIDE",
        "Decisionat",
    ):
        assert words in squeezed, words


def test_a_booster_shows_both_doses_the_total_and_the_observation_from_the_booster() -> None:
    s = Script("intramuscular", client="B.O.", planned_mg=50, weight_kg=80)
    s.phase("intake")
    s.wait(minutes=5).vitals("124/80 72 98")
    s.wait(minutes=5).dose(50, site="left deltoid", lot="K-77")
    s.wait(minutes=17).dose(25, booster=True, site="right deltoid", lot="K-77")
    s.wait(minutes=100).vitals("122/80 70 98")
    s.scale("moaas", 5)
    s.close()
    record = build_record(s.state(), "im0001")
    assert [(d.mg, d.booster, d.lot) for d in record.doses] == [("50", False, "K-77"), ("25", True, "K-77")]
    assert record.total_dose == "75 mg" and record.total_mg_per_kg == "0.94 mg/kg"
    assert record.observation == f"90 min from the booster at {at(27)}: until {at(117)}"
    assert [c.label for c in record.checks if c.label.startswith("booster")] == [
        "booster+15",
        "booster+40",
        "booster+60",
    ]


def test_a_close_with_the_sedation_criterion_unmet_says_so() -> None:
    s = Script("sublingual-troche", client="S.D.")
    s.phase("intake")
    s.wait(minutes=5).dose(200)
    s.wait(minutes=100).vitals("120/80 70 98")
    s.scale("moaas", 4)
    s.close("client left with their driver against advice")
    record = build_record(s.state(), "sd0001")
    assert record.closed_unmet and record.closed_unmet[0].startswith("MOAA/S 5 after the last dose (latest 4")
    markdown = render_record_markdown(record)
    assert ", with 9 open, each recorded:" in markdown  # MOAA/S, the Aldrete and 7 unticked items
    assert "- MOAA/S 5 after the last dose (latest 4" in markdown
    assert "reason: client left with their driver against advice" in markdown
