"""`kapsession add ID ...` for the clinical record: the pre-dose gate and `--override`, the
infusion, other medicines, adverse events, screening answers, decisions, reasons and the form.
A refused entry is one sentence on stderr, exit 2, and nothing recorded."""

from __future__ import annotations

import pytest
from test_cli import Cli, recorded

from kapsession.core.events import (
    AdverseEventRecorded,
    AdverseEventResolved,
    DoseGiven,
    InfusionStopped,
    MedicationGiven,
    PreDoseDecision,
    ScreeningAnswered,
    SessionClosed,
)


@pytest.fixture
def cli(tmp_path, capsys) -> Cli:
    return Cli(tmp_path / "data", capsys)


def events_of(cli: Cli, session_id: str, kind: type) -> list:
    from kapsession.store import EventStore

    with EventStore(cli.data_dir) as store:
        return [event for event in store.events(session_id) if isinstance(event, kind)]


def ready_for_the_dose(cli: Cli, session_id: str, preset_answers: dict[str, str] | None = None) -> None:
    """Baseline vitals, every screening answer, every intake item ticked."""
    from kapsession.presets import default_library
    from kapsession.store import EventStore

    with EventStore(cli.data_dir) as store:
        preset = default_library().get(store.session(session_id).preset)
    cli.ok("add", session_id, "phase", "intake")
    cli.ok("add", session_id, "vitals", "124/80", "72", "98")
    words = []
    for question in preset.screening_questions:
        answer = {"yes-no": "yes" if question.stop_if == "no" else "no", "hours": "4", "text": "none"}[question.kind]
        words += [question.key, (preset_answers or {}).get(question.key, answer)]
    cli.ok("add", session_id, "screen", *words)
    for number in range(1, len(preset.intake_checklist) + 1):
        cli.ok("add", session_id, "tick", "intake", str(number))


def test_a_dose_with_something_short_exits_2_naming_it(cli: Cli) -> None:
    session_id = cli.new()
    cli.ok("add", session_id, "phase", "intake")
    cli.ok("add", session_id, "vitals", "152/96", "80", "98")
    message = cli.refused("add", session_id, "dose", "200")
    assert message.startswith("before the first dose: the latest blood pressure 152/96")
    assert "above the pre-dose limit of 140/90" in message
    assert "screening not answered: hypertension, vascular, haemorrhage and 9 more" in message
    assert "intake checklist: 4 of 4 not ticked" in message
    assert "--override" in message
    # a mistyped dose is refused for what it is, before the gate
    assert cli.refused("add", session_id, "dose", "lots").startswith("dose 'lots' is not a number")


def test_override_records_the_decision_then_the_dose(cli: Cli) -> None:
    session_id = cli.new()
    cli.ok("add", session_id, "phase", "intake")
    cli.ok("add", session_id, "vitals", "146/92", "80", "98")
    out = cli.ok("add", session_id, "dose", "200", "--override", "prescriber agreed: usual BP 145/90")
    assert out.count("\n") == 2
    [decision] = events_of(cli, session_id, PreDoseDecision)
    assert decision.decision == "proceed" and decision.reason == "prescriber agreed: usual BP 145/90"
    assert any("146/92" in short for short in decision.short)


def test_nothing_short_doses_without_a_decision(cli: Cli) -> None:
    session_id = cli.new()
    ready_for_the_dose(cli, session_id)
    assert recorded(cli.ok("add", session_id, "dose", "200"), "dose") == "200 mg racemic ketamine SL"
    assert events_of(cli, session_id, PreDoseDecision) == []


def test_defer_keeps_the_session_open_and_cancel_closes_it(cli: Cli) -> None:
    session_id = cli.new()
    ready_for_the_dose(cli, session_id, {"pregnancy": "yes"})
    out = cli.ok("add", session_id, "decide", "defer", "--reason", "wait for the test result")
    assert "defer before the first dose" in out and "'Pregnant, or could be?' answered yes" in out
    assert events_of(cli, session_id, SessionClosed) == []
    assert "--override" in cli.refused("add", session_id, "dose", "200")  # a deferral does not open the gate
    cli.ok("add", session_id, "decide", "cancel", "--reason", "positive test; back to the prescriber")
    [closed] = events_of(cli, session_id, SessionClosed)
    assert closed.early_reason == "cancelled before dosing: positive test; back to the prescriber"


def test_the_screening_takes_pairs_by_key_or_number(cli: Cli) -> None:
    session_id = cli.new()
    cli.ok("add", session_id, "screen", "1", "no", "food-hours", "3")
    assert [(a.question, a.answer) for a in events_of(cli, session_id, ScreeningAnswered)] == [
        ("hypertension", "no"),
        ("food-hours", "3"),
    ]
    assert "the questions: 1 hypertension" in cli.refused("add", session_id, "screen", "pregnancy")
    assert "not an answer" in cli.refused("add", session_id, "screen", "1", "no", "pregnancy", "perhaps")
    assert len(events_of(cli, session_id, ScreeningAnswered)) == 2  # the good pair before the bad one: neither


def test_the_infusion_from_the_command_line(cli: Cli) -> None:
    session_id = cli.new("I.V.", "iv-infusion", "--weight-kg", "70")
    ready_for_the_dose(cli, session_id)
    assert "stop" in cli.refused("add", session_id, "infusion", "stop")  # nothing to stop yet
    out = cli.ok("add", session_id, "dose", "35", "--over", "60")
    assert recorded(out, "dose") == "35 mg racemic ketamine IV infusion over 60 min (35 mg/h) (0.50 mg/kg)"
    assert recorded(cli.ok("add", session_id, "infusion", "rate", "30"), "infusion") == "rate 30 mg/h"
    assert (
        recorded(cli.ok("add", session_id, "infusion", "pause", "--reason", "client asked"), "infusion")
        == "paused: client asked"
    )
    assert "already paused" in cli.refused("add", session_id, "infusion", "pause")
    assert recorded(cli.ok("add", session_id, "infusion", "resume"), "infusion") == "resumed"
    assert "stopping early needs a reason" in cli.refused("add", session_id, "infusion", "stop")
    out = cli.ok("add", session_id, "infusion", "stop", "--delivered", "12", "--reason", "BP 190/115")
    assert recorded(out, "infusion") == "stopped: 12 of 35 mg delivered (stopped early: BP 190/115)"
    [stop] = events_of(cli, session_id, InfusionStopped)
    assert stop.delivered_mg == 12
    assert "already stopped" in cli.refused("add", session_id, "infusion", "stop", "--reason", "again")
    show = cli.ok("show", session_id)
    assert "Dose:    12 mg racemic ketamine total" in show


def test_medicines_adverse_events_and_their_resolution(cli: Cli) -> None:
    session_id = cli.new()
    out = cli.ok("add", session_id, "med", "ondansetron", "4", "mg", "--reason", "nausea")
    assert recorded(out, "medicine") == "ondansetron 4 mg ODT (nausea)"
    assert "implausible for the unit" in cli.refused("add", session_id, "med", "ondansetron", "4000", "mg")
    assert "standing order" in cli.refused("add", session_id, "med", "ondansetron", "4", "g")
    assert "standing order" in cli.refused("add", session_id, "med", "clonidine", "100", "mg")
    out = cli.ok("add", session_id, "adverse", "vomiting", "--severity", "moderate", "--action", "ondansetron 4 mg")
    assert recorded(out, "adverse") == "vomiting, moderate; action: ondansetron 4 mg"
    [vomit] = events_of(cli, session_id, AdverseEventRecorded)
    assert "not a severity" in cli.refused("add", session_id, "adverse", "nausea", "--severity", "awful")
    assert "#" + str(vomit.seq) + " vomiting" in cli.ok("show", session_id)
    out = cli.ok("add", session_id, "resolved", str(vomit.seq), "--outcome", "settled")
    assert recorded(out, "resolved") == f"#{vomit.seq} vomiting resolved: settled"
    assert "already resolved" in cli.refused("add", session_id, "resolved", str(vomit.seq))
    assert len(events_of(cli, session_id, AdverseEventResolved)) == 1
    assert [m.name for m in events_of(cli, session_id, MedicationGiven)] == ["ondansetron"]


def test_discharge_with_a_moaas_below_5_needs_a_reason(cli: Cli) -> None:
    session_id = cli.backdated_session(120)
    cli.ok("add", session_id, "phase", "intake", "--at", "-110m")
    cli.ok("add", session_id, "dose", "200", "--at", "-100m", "--override", "test")
    cli.ok("add", session_id, "vitals", "124/80", "72", "98")
    cli.ok("add", session_id, "scale", "moaas", "4")
    assert "MOAA/S 5 after the last dose (latest 4" in cli.refused("add", session_id, "close")
    assert "already met" not in cli.ok("add", session_id, "waive", "sedation", "--reason", "usual alertness")
    assert "MOAA/S" not in cli.refused("add", session_id, "close")  # the checklist and the Aldrete remain
    closed = recorded(cli.ok("add", session_id, "close", "--reason", "test: the rest on paper"), "closed")
    assert closed.startswith("session closed") and "MOAA/S" not in closed


def test_form_answers_are_confirmed_yes_or_no(cli: Cli) -> None:
    session_id = cli.new("E.K.", "intranasal-esketamine")
    assert recorded(cli.ok("add", session_id, "form", "sedation", "no"), "form") == "sedation seen: no (confirmed)"
    assert "accepted yes or no" in cli.refused("add", session_id, "form", "sedation", "maybe")
    assert "not a form question" in cli.refused("add", session_id, "form", "mood", "yes")


def test_the_esketamine_form_takes_date_of_birth_and_sex_from_the_clients_record(cli: Cli) -> None:
    client = cli.ok("client", "add", "E.K.", "--dob", "1984-07-21", "--sex", "female").strip()
    session_id = cli.new(client, "intranasal-esketamine")
    cli.ok("add", session_id, "dose", "56", "--lot", "EK-7", "--override", "screened on paper")
    record = cli.ok("record", session_id, "--format", "md")
    assert "| Date of birth | 07/21/1984 | the client's record |" in record
    assert "| Sex | female | the client's record |" in record
    assert "| Lot number | EK-7 | the doses |" in record


def test_close_exits_2_listing_the_unacknowledged_alarms_and_takes_a_reason_per_criterion(cli: Cli) -> None:
    session_id = cli.backdated_session(150)
    cli.ok("add", session_id, "phase", "intake", "--at", "-140m")
    cli.ok("add", session_id, "dose", "200", "--at", "-130m", "--override", "test")
    cli.ok("add", session_id, "scale", "moaas", "5")
    cli.ok("add", session_id, "vitals", "122/80", "45", "98")
    refused = cli.refused("add", session_id, "close", "--reason", "test: everything else on paper")
    assert refused.startswith("1 alarm not acknowledged: ALERT HR 45 below")
    assert "`kapsession add ID ack` acknowledges the top one" in refused
    cli.ok("add", session_id, "ack")
    refused = cli.refused("add", session_id, "close", "--reason", "aldrete: 8, walking steadily")
    assert "needs a reason for each" in refused and "not ticked: " in refused
    assert "modified Aldrete" not in refused  # it has its own reason
    out = cli.ok(
        "add", session_id, "close", "--reason", "aldrete: 8, walking steadily", "--reason", "checklist done on paper"
    )
    assert recorded(out, "closed").startswith("session closed")
    closed = events_of(cli, session_id, SessionClosed)[0]
    reasons = {reason.criterion: reason.reason for reason in closed.reasons}
    assert reasons["modified Aldrete not scored (9 or more needed)"] == "8, walking steadily"
    assert {r for c, r in reasons.items() if c.startswith("not ticked: ")} == {"checklist done on paper"}
    assert closed.alarms and closed.alarms[0].startswith("ALERT HR 45 below")
    shown = cli.ok("show", session_id)
    assert "HR 45" in shown and "8, walking steadily" in shown


def test_a_second_dose_exits_2_saying_what_was_given_and_a_far_dose_asks_for_confirm(cli: Cli) -> None:
    session_id = cli.new("A.B.", "sublingual-troche", "--weight-kg", "70", "--dose-mg", "150")
    far = cli.refused("add", session_id, "dose", "15", "--override", "test")
    assert far.startswith("15 mg is under half of the planned 150 mg") and "accepted --confirm" in far
    assert events_of(cli, session_id, DoseGiven) == []
    cli.ok("add", session_id, "dose", "150", "--override", "test")
    again = cli.refused("add", session_id, "dose", "150")
    assert again.startswith("150 mg at ") and "already given" in again and "--repeat" in again
    cli.ok("add", session_id, "dose", "50", "--repeat")
    assert [(d.mg, d.repeat) for d in events_of(cli, session_id, DoseGiven)] == [(150, False), (50, True)]
    assert "--repeat" in cli.ok("add", session_id, "dose", "--help")
