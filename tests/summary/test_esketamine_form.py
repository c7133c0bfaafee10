"""The esketamine monitoring form from a scripted session on the manual clock: every field the
form asks, filled from the record where it knows it, a marked blank where it does not; the
evaluation answer earlier than the 120-minute minimum; the form only for esketamine doses."""

from __future__ import annotations

from datetime import timedelta

from pdf_text import pdf_text
from summary_sessions import START, Script, preset

from kapsession.core import commands
from kapsession.core.events import DoseGiven
from kapsession.core.state import fold
from kapsession.summary.esketamine_form import is_esketamine, monitoring_form
from kapsession.summary.model import clock
from kapsession.summary.pdf import render_record_pdf
from kapsession.summary.record import build_record, render_record_markdown

EVALUATION = "Evaluation: ready to leave, without the minimum"


def at(minutes: float) -> str:
    return clock(START + timedelta(minutes=minutes))


def sedated_session(close_after: float = 130, confirm: tuple[str, str] | None = None) -> Script:
    """Minute 0 = 09:00 UTC. Two devices at 20 and 25 (lot EK-2291); MOAA/S 3 at T+30, dissociation
    6; back to MOAA/S 5, Aldrete 10 and normal vitals at T+75 (minute 95); closed at `close_after`."""
    s = Script("intranasal-esketamine", client="R.K.", planned_mg=56, weight_kg=80, series_number=1, series_length=8)
    s.phase("intake")
    for key, answer in (
        ("benzodiazepines", "yes"),
        ("sedative-hypnotics", "no"),
        ("psychostimulants", "no"),
        ("maois", "no"),
        ("opioids", "no"),
        ("rems-enrolled", "yes"),
    ):
        s.do(commands.answer_screening, key, answer, s.clock.now())
    s.wait(minutes=10).vitals("132/84 74 98 14")  # 09:10: before dosing
    s.wait(minutes=10).phase("dose-onset")
    s.dose(28, lot="EK-2291")  # 09:20 device 1
    s.wait(minutes=5).dose(28, lot="EK-2291")  # 09:25 device 2
    s.wait(minutes=25).scale("moaas", 3)  # 09:50 (T+30): sedated
    s.scale("dissociation", 6)
    s.wait(minutes=10).vitals("156/94 88 96 12")  # 10:00 (T+40)
    s.wait(minutes=35).vitals("128/82 74 98 14")  # 10:35 (T+75)
    s.scale("moaas", 5)
    s.scale("aldrete", 10)  # clinically ready at T+75
    s.wait(minutes=40).vitals("124/80 72 98 14")  # 11:15 (T+115)
    s.tick_all("discharge")
    if confirm:
        s.do(commands.confirm_form_answer, *confirm, s.clock.now())
    s.clock.set(START + timedelta(minutes=close_after))
    s.close(None if close_after >= 140 else "test: closing early on purpose")
    return s


def test_the_evaluation_answer_comes_before_the_two_hour_minimum() -> None:
    form = monitoring_form(sedated_session(150).state())
    assert form.first_device_at == START + timedelta(minutes=20)
    assert form.clinically_ready_at == START + timedelta(minutes=95)
    assert form.evaluation_minutes == 75 < form.minimum_minutes == 120
    assert form.field(EVALUATION).value == "75 minutes from the start of administration"
    assert form.total_minutes == 130 and form.field("Total monitoring time").value == "130 minutes"


def test_every_field_in_the_forms_order() -> None:
    form = monitoring_form(
        sedated_session(150).state(),
        therapist_name="Dr Ana Reyes",
        practice_name="Quiet Harbour",
        practice_phone="555 0100",
    )
    titles = [section.title for section in form.sections]
    assert titles == [
        "Patient information",
        "Concomitant medication that may cause sedation or blood pressure changes",
        "Healthcare provider conducting patient monitoring",
        "Healthcare setting",
        "Patient treatment session (administration and monitoring)",
    ]
    values = {f.label: f.value for section in form.sections for f in section.fields}
    assert values["Patient name"] == "R.K."
    assert values["Date of birth"] == "" and values["Sex"] == ""  # not in the record: marked blanks
    assert values["First treatment"] == "Yes" and values["Enrolled in the REMS"] == "Yes"
    assert values["Benzodiazepines"] == "Yes" and values["Opioids"] == "No"
    assert values["Non-benzodiazepine sedative hypnotics"] == "No"
    assert (values["Name"], values["Telephone"], values["Email"]) == ("Dr Ana Reyes", "555 0100", "")
    assert (values["Setting name"], values["Address"]) == ("Quiet Harbour", "")
    assert values["Treatment date"] == "03/02/2026"
    assert values["Dose administered"] == "56 mg" and values["Lot number"] == "EK-2291"
    assert values["Vital signs acceptable before administration"] == "Yes"
    assert values["Vital signs acceptable before completion"] == "Yes"
    assert values["Blood pressure before administration"] == f"132/84 at {at(10)} (T-0:10:00)"
    assert values["Blood pressure about 40 minutes after administration"] == f"156/94 at {at(60)} (T+0:40:00)"
    assert values["Blood pressure before completion"] == f"124/80 at {at(135)} (T+1:55:00)"
    assert values["Sedation"] == "Yes" and "MOAA/S 3" in form.field("Sedation").source
    assert values["Dissociation"] == "Yes" and "dissociation 6/10" in form.field("Dissociation").source
    assert values["Respiratory depression"] == "No"
    assert form.due == "Monday 9 March 2026"


def test_the_therapist_confirms_what_the_record_only_suggests() -> None:
    s = sedated_session(150, confirm=("dissociation", "no"))
    field = monitoring_form(s.state()).field("Dissociation")
    assert field.value == "No" and field.source == "confirmed by the therapist; the record suggests yes"


def test_short_monitoring_and_the_presets_minimum() -> None:
    form = monitoring_form(sedated_session(100).state())
    assert form.total_minutes == 80
    assert any("less than the 120 min minimum" in note for note in form.notes)
    assert form.field("Total monitoring time").check
    longer = preset("intranasal-esketamine").model_copy(update={"minimum_observation_minutes": 150})
    state = fold(sedated_session(150).events, longer, START + timedelta(minutes=200))
    form = monitoring_form(state)
    assert form.minimum_minutes == 150 and "at least 150 min" in form.field("Total monitoring time").source
    assert any("less than the 150 min minimum" in note for note in form.notes)


def test_the_form_is_only_for_esketamine_doses() -> None:
    s = sedated_session(150)
    assert is_esketamine(s.state())
    nasal_ketamine = preset("intranasal-esketamine").model_copy(update={"drug": "racemic ketamine"})
    as_ketamine = [
        e.model_copy(update={"drug": "racemic ketamine"}) if isinstance(e, DoseGiven) else e for e in s.events
    ]
    state = fold(as_ketamine, nasal_ketamine, START + timedelta(minutes=200))
    assert not is_esketamine(state)
    assert build_record(state, "abc234").form is None
    # A dose recorded before doses named their drug is the preset's drug.
    older = [e.model_copy(update={"drug": None}) if isinstance(e, DoseGiven) else e for e in s.events]
    assert is_esketamine(fold(older, preset("intranasal-esketamine"), START + timedelta(minutes=200)))


def test_the_form_prints_as_its_own_last_page() -> None:
    record = build_record(sedated_session(150).state(), "k7f3ab", therapist_name="Dr Ana Reyes")
    markdown = render_record_markdown(record)
    assert markdown.index("## Every entry") < markdown.index("## Esketamine monitoring form")
    assert "| Date of birth | ____ (not in the record: fill in) |" in markdown
    pages = pdf_text(render_record_pdf(record)).split("\f")
    last = " ".join(page for page in pages if page.strip())
    form_page = [page for page in pages if "Patient Monitoring Form" in page]
    assert len(form_page) == 1 and "Every entry".upper() not in form_page[0].upper().replace(" ", "")
    assert "75 minutes from the start of administration" in form_page[0] and "EK-2291" in form_page[0]
    assert "Signature" in last
