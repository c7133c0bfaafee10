"""The live screen's keys for the clinical record, pressed at 80x24: another medicine (m), an
adverse event (e, from the alert), the infusion (l), the pre-dose decision on d, and closing with
the client not back at MOAA/S 5."""

from __future__ import annotations

from textual.widgets import Static

from kapsession.core import commands
from kapsession.core.clock import ManualClock
from kapsession.core.events import (
    AdverseEventRecorded,
    DoseGiven,
    InfusionPaused,
    InfusionRateChanged,
    InfusionStopped,
    MedicationGiven,
    PreDoseDecision,
    SessionClosed,
)
from kapsession.presets import default_library
from kapsession.store.session_log import SessionLog

try:
    from .conftest import START, LiveTestApp, advance_to_mid_peak, screen_text, type_text
except ImportError:
    from live_support import START, LiveTestApp, advance_to_mid_peak, screen_text, type_text

SIZE = (80, 24)


def of_type(events, kind):
    return [event for event in events if isinstance(event, kind)]


def error_text(app) -> str:
    return str(app.screen.query_one("#error", Static).render())


async def test_m_records_a_standing_adjunct_with_its_digit_and_refuses_a_unit_slip(session) -> None:
    advance_to_mid_peak(session)
    app = LiveTestApp(session.log)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("m")
        assert "1 ondansetron 4 mg ODT/oral" in screen_text(app)
        await pilot.press("1", "enter")  # ondansetron 4 mg ODT, for nausea
        [given] = of_type(session.fresh_events(), MedicationGiven)
        assert (given.name, given.amount, given.unit, given.route, given.reason) == (
            "ondansetron",
            4,
            "mg",
            "ODT",
            "nausea",
        )
        assert app.screen is app.live and session.log.state().total_dose_mg == 200  # not ketamine

        await pilot.press("m")
        await type_text(pilot, "clonidine")
        await pilot.press("tab")
        await type_text(pilot, "100")  # meant as micrograms
        await pilot.press("enter")
        assert "above the preset's standing order" in error_text(app)
        assert len(of_type(session.fresh_events(), MedicationGiven)) == 1
        await pilot.press("tab")
        await pilot.press("ctrl+u")
        await type_text(pilot, "mcg")
        await pilot.press("enter")
        assert [m.unit for m in of_type(session.fresh_events(), MedicationGiven)] == ["mg", "mcg"]


async def test_e_from_a_threshold_alert_records_it_as_an_adverse_event(session) -> None:
    advance_to_mid_peak(session)
    session.add(commands.record_vitals, "190/115 104 97", session.clock.now())
    app = LiveTestApp(session.log)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "e adverse event" in screen_text(app)  # the alert offers it
        await pilot.press("e")
        shown = screen_text(app)
        assert "from the alert: BP 190/115 above 180/110" in shown and "kind: hypertension" in shown
        await pilot.press("enter")  # no severity yet: refused in words
        assert "choose the severity" in error_text(app)
        await pilot.press("3")
        await type_text(pilot, "clonidine 0.1 mg given")
        await pilot.press("enter")
        [event] = of_type(session.fresh_events(), AdverseEventRecorded)
        assert (event.kind, event.severity, event.action) == ("hypertension", "severe", "clonidine 0.1 mg given")


def iv_session(session) -> SessionLog:
    preset = default_library().get("iv-infusion")
    clock = ManualClock(START)
    opened = commands.open_session(client_name="I.V.", preset=preset, now=clock.now(), weight_kg=70, planned_dose_mg=35)
    session_id, _ = session.store.create_session(opened)
    log = SessionLog(session.store, session_id, preset, clock)
    for _ in range(3):
        log.record(commands.start_phase(log.state(), "next", clock.now()))
    log.record(commands.decide_predose(log.state(), "proceed", "the gate is not under test here", clock.now()))
    return log


async def test_l_shows_the_running_infusion_changes_its_rate_pauses_and_stops_it_early(session) -> None:
    log = iv_session(session)
    app = LiveTestApp(log)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("d", "enter")  # 35 mg over the preset's 40 min
        [dose] = of_type(log.events, DoseGiven)
        assert dose.infusion_minutes == 40
        log.clock.advance(minutes=10)
        app.live.refresh_now()
        await pilot.pause()
        assert "▶ RUNNING 8.8 of 35 mg" in screen_text(app)
        await pilot.press("l", "r")
        await type_text(pilot, "30")
        await pilot.press("enter")
        assert [e.mg_per_hour for e in of_type(log.events, InfusionRateChanged)] == [30]
        log.clock.advance(minutes=10)  # 5 mg more at 30 mg/h
        await pilot.press("l", "p")
        assert len(of_type(log.events, InfusionPaused)) == 1
        app.live.refresh_now()
        await pilot.pause()
        assert "PAUSED 13.8 of 35 mg" in screen_text(app)
        await pilot.press("l", "s")
        await pilot.press("enter")  # stopping early without a reason: refused
        assert "stopping early needs a reason" in error_text(app)
        await type_text(pilot, "BP 190/115")
        await pilot.press("enter")
        [stop] = of_type(log.events, InfusionStopped)
        assert (stop.delivered_mg, stop.reason) == (13.8, "BP 190/115")
        app.live.refresh_now()
        await pilot.pause()
        assert "stopped 09:20: 13.8 of 35 mg" in screen_text(app)
        await pilot.press("l", "s")  # stopped twice: one sentence, nothing recorded
        assert "already stopped at 09:20" in error_text(app)
        await pilot.press("escape")
        assert len(of_type(log.events, InfusionStopped)) == 1


async def test_d_before_the_first_dose_asks_for_a_decision_first(session) -> None:
    session.add(commands.start_phase, "next", session.clock.now())
    session.add(commands.record_vitals, "152/96 80 98", session.clock.now())
    app = LiveTestApp(session.log)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("d")
        shown = screen_text(app)
        assert "Before the first dose, this is short" in shown and "152/96" in shown
        assert "▶ defer" in shown  # the safe choice comes first
        await pilot.press("enter")  # no reason: refused
        assert "needs a reason" in error_text(app)
        await type_text(pilot, "recheck after ten minutes' rest")
        await pilot.press("enter")
        assert app.screen is app.live  # deferred: no dose entry
        assert [d.decision for d in of_type(session.fresh_events(), PreDoseDecision)] == ["defer"]
        assert of_type(session.fresh_events(), DoseGiven) == []

        await pilot.press("d", "down")  # go ahead
        await type_text(pilot, "prescriber agreed: usual BP 150/95")
        await pilot.press("enter")
        await pilot.press("enter")  # the dose entry, 200 mg from the plan
        events = session.fresh_events()
        assert [d.decision for d in of_type(events, PreDoseDecision)] == ["defer", "proceed"]
        assert [d.mg for d in of_type(events, DoseGiven)] == [200]


async def test_cancel_before_the_first_dose_closes_the_session(session) -> None:
    session.add(commands.start_phase, "next", session.clock.now())
    app = LiveTestApp(session.log)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("d", "up")  # defer -> cancel
        await type_text(pilot, "pregnancy test positive")
        await pilot.press("enter")
        [closed] = of_type(session.fresh_events(), SessionClosed)
        assert closed.early_reason == "cancelled before dosing: pregnancy test positive"


async def test_closing_with_the_client_not_back_at_moaas_5_needs_a_reason(session) -> None:
    advance_to_mid_peak(session)
    session.clock.advance(minutes=80)  # past the minimum observation
    session.add(commands.record_vitals, "122/80 70 98", session.clock.now())
    session.add(commands.rate_scale, "moaas", 3, session.clock.now())
    app = LiveTestApp(session.log)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("x")
        await pilot.press("tab")
        assert "activity: 2 moves four extremities" in screen_text(app)  # what earns 2, 1 and 0
        await type_text(pilot, "2")
        assert "respiration: 2 breathes deeply and coughs freely" in screen_text(app)
        await pilot.press("ctrl+u")
        await pilot.press("ctrl+e")
        assert "MOAA/S 5 after the last dose (latest 3" in screen_text(app)
        assert "1 alarm not acknowledged" in screen_text(app)  # the sedation CHECK
        await pilot.press("a")  # acknowledged with the close; the first reason has the focus
        await type_text(pilot, "client's usual alertness; partner driving")
        await pilot.press("ctrl+r", "ctrl+e")
        [closed] = of_type(session.fresh_events(), SessionClosed)
        assert closed.unmet[0].startswith("MOAA/S 5 after the last dose (latest 3")
        assert closed.reasons[0].reason == "client's usual alertness; partner driving"
