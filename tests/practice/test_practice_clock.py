"""The practice clock and driver: a whole scenario played on a ScaledClock over a fake real clock at
speeds 1, 10, 60 and 120, ticking roughly once a real second (with late and dropped ticks, as
Textual gives them). T+, the phase timer, the vitals countdown and the scripted events stay where
the real time says they should be (never more than one display second off), the stored events
carry the virtual times, and pausing stops every one of them."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from kapsession.core import commands
from kapsession.core.clock import ManualClock, ScaledClock
from kapsession.core.state import SessionState
from kapsession.core.timeparse import format_duration, format_local
from kapsession.practice.driver import PracticeDriver, script
from tests.conftest import START
from tests.practice.conftest import Rehearsal, builtin_scenarios

REAL_START = datetime(2026, 1, 5, 14, 0, tzinfo=UTC)
# Real seconds between ticks: mostly on time, sometimes late, sometimes a dropped tick or two.
TICKS = (1.0, 1.0, 0.98, 1.03, 1.0, 1.75, 1.0, 0.6, 3.0, 1.0)
READING = re.compile(r"(\d{2,3}/\d{2,3}) HR (\d{2,3})(?: SpO2 (\d{2,3}))?")


def seconds(display: str) -> int:
    """`1:02:03` or `2:03` (format_duration) back to seconds."""
    sign = -1 if display.startswith("-") else 1
    total = 0
    for part in display.lstrip("-").split(":"):
        total = total * 60 + int(part)
    return sign * total


class Trainee:
    """Plays a scenario on the live screen's terms: a tick about once a real second; each tick it
    reads the state, records what the monitor presents, acknowledges alerts, moves phases on plan."""

    def __init__(self, r: Rehearsal, real: ManualClock, clock: ScaledClock) -> None:
        self.r, self.real, self.clock = r, real, clock
        self.answered: set[int] = set()
        self.recorded_delay: dict[str, timedelta] = {}  # presented text -> virtual delay seen

    def act(self, state: SessionState) -> None:
        r = self.r
        now = self.clock.now()
        if state.phase is None:
            r.phase("intake")
            return
        recorded = len(r.log.events)
        for moment in script(r.scenario, state):
            if moment.index in self.answered or not moment.presented_by(now):
                continue
            self.answered.add(moment.index)
            match = READING.search(moment.event.text)
            if match:
                r.vitals(" ".join(group for group in match.groups() if group))
                self.recorded_delay[moment.event.text] = now - moment.due_at  # type: ignore[operator]
        if len(r.log.events) != recorded:
            state = r.state()
        for alert in state.open_alerts:
            if alert.kind in ("threshold", "manual"):
                r.ack(alert.key)
        span = state.current_span
        assert span is not None
        if span.elapsed(now) >= timedelta(minutes=span.planned_minutes):
            if state.phase != "integration":
                r.phase("next")
                if r.state().phase == "dose-onset":
                    r.dose(r.scenario.planned_dose_mg)
            elif state.observation_until and now >= state.observation_until and not state.closed:
                r.tick_all()
                r.scale("aldrete", 10)
                r.vitals("130/84 80 98")
                r.scale("moaas", 5)
                r.close()


def check_consistent(
    state: SessionState,
    driver: PracticeDriver,
    clock: ScaledClock,
    real: ManualClock,
    speed: float,
    paused_real: timedelta,
    real_at: dict[str, timedelta],
) -> None:
    """Everything on screen, derived from timestamps, against what the real clock says.
    `real_at`: the unpaused real time elapsed when the dose and each phase were recorded."""
    now = clock.now()
    active_real = (real.now() - REAL_START) - paused_real
    assert abs((now - START) - active_real * speed) < timedelta(milliseconds=1)
    if state.first_dose_at is not None:
        # T+ as displayed vs the real time since the dose was recorded, scaled: within one second.
        expected = (active_real - real_at["dose"]) * speed
        assert abs(seconds(format_duration(state.t_plus())) - expected.total_seconds()) <= 1
        assert state.t_plus() == now - state.first_dose_at
    span = state.current_span
    if span is not None:
        expected = (active_real - real_at[f"phase:{span.seq}"]) * speed
        assert abs(seconds(format_duration(state.time_in_phase())) - expected.total_seconds()) <= 1
    check = state.next_check
    if check is not None and check.due_at is not None:
        countdown = check.due_at - now
        # The driver's scheduling helper agrees: real seconds until a moment, times the speed.
        assert abs(clock.real_seconds_until(check.due_at) * speed - max(countdown.total_seconds(), 0)) < 0.01
    shown = driver.presented(state)
    due = [m for m in script(driver.scenario, state) if m.presented_by(now)]
    assert len(shown) == len(due)
    assert [when for when, _ in shown] == [format_local(m.due_at) for m in reversed(due)]  # type: ignore[arg-type]


def snapshot(state: SessionState, driver: PracticeDriver, clock: ScaledClock) -> tuple:
    next_check = state.next_check
    return (
        clock.now(),
        state.t_plus(),
        state.time_in_phase(),
        state.total_elapsed(),
        next_check.due_at - clock.now() if next_check and next_check.due_at else None,
        tuple(driver.presented(state)),
        tuple((a.key, a.message) for a in state.alerts),
        tuple((t.label, t.done) for t in state.timers),
        driver.banner(),
    )


@pytest.mark.parametrize("speed", [1, 10, 60, 120])
def test_a_full_scenario_keeps_t_plus_and_timers_consistent_at_every_speed(rehearse, speed: int) -> None:
    real = ManualClock(REAL_START)
    clock = ScaledClock(speed, start=START, real=real)
    r = rehearse("bp-spike-im", clock)
    trainee = Trainee(r, real, clock)
    real_at: dict[str, timedelta] = {}
    paused_real = timedelta(0)
    pause_done = False
    tick = 0
    while not r.log.events[-1].type == "session_closed":
        tick += 1
        assert tick < 20_000, "the scenario never finished"
        real.advance(seconds=TICKS[tick % len(TICKS)])
        before = len(r.log.events)
        state = r.state()
        check_consistent(state, r.driver, clock, real, speed, paused_real, real_at)
        r.driver.on_tick(state)
        trainee.act(state)
        active_real = (real.now() - REAL_START) - paused_real
        for event in r.log.events[before:]:  # note the real moment of each phase and the dose
            if event.type == "phase_started":
                real_at[f"phase:{event.seq}"] = active_real
            if event.type == "dose_given" and "dose" not in real_at:
                real_at["dose"] = active_real

        # Once, mid-peak: pause for five real minutes; nothing moves, then it carries on.
        if len(r.log.events) != before:
            state = r.state()
        if not pause_done and state.t_plus() is not None and state.t_plus() >= timedelta(minutes=30):
            pause_done = True
            assert r.driver.toggle_pause() is True
            assert r.driver.banner() == f"PRACTICE ×{speed} · bp-spike-im · PAUSED"
            frozen = snapshot(r.state(), r.driver, clock)
            paused_from = real.now()
            for step in range(300):
                real.advance(seconds=TICKS[step % len(TICKS)])
                paused_state = r.state()
                r.driver.on_tick(paused_state)
                assert snapshot(paused_state, r.driver, clock) == frozen
            assert r.driver.toggle_pause() is False
            paused_real += real.now() - paused_from
            assert clock.now() == frozen[0]  # no jump on resume
            assert r.driver.banner() == f"PRACTICE ×{speed} · bp-spike-im"

    assert pause_done
    state = r.state()
    # The whole session took its virtual length divided by the speed in (unpaused) real time.
    virtual = state.closed_at - START  # type: ignore[operator]
    active_real = (real.now() - REAL_START) - paused_real
    assert abs(virtual - active_real * speed) < timedelta(seconds=1)
    # Every event is stored at virtual time, in the order it was made, and the store agrees.
    stored = r.store.events(r.session_id)
    assert [e.at for e in stored] == sorted(e.at for e in stored)
    assert stored[-1].at == state.closed_at
    assert r.store.session(r.session_id).closed_at == state.closed_at

    # The debrief measures lateness in practice time: exactly the real delay times the speed.
    debrief = r.debrief()
    by_label = {check.label: check for check in debrief.checks}
    spike = next(text for text in trainee.recorded_delay if "186/114" in text)
    late = trainee.recorded_delay[spike]
    assert late <= timedelta(seconds=max(TICKS) * speed)
    assert by_label["T+40"].reading_at - by_label["T+40"].due_at == late  # type: ignore[operator]
    assert all(alert.delay == timedelta(0) for alert in debrief.alerts)
    assert debrief.observation is not None and debrief.observation.points == 1.0


def test_presented_waits_for_the_start_and_the_dose_and_is_newest_first(rehearse) -> None:
    clock = ManualClock(START)
    r = rehearse("bp-spike-im", clock)
    presented: list[str] = []
    closed: list[SessionState] = []
    r.driver.on_presented = lambda moment: presented.append(moment.event.when)
    r.driver.on_closed = closed.append

    clock.advance(minutes=30)
    assert r.driver.presented(r.state()) == []  # nothing before the session starts
    r.phase("intake")
    clock.advance(minutes=3)
    assert r.driver.presented(r.state()) == [(format_local(clock.now()), "Monitor shows 128/82 HR 74 SpO2 98")]
    clock.advance(minutes=60)
    assert len(r.driver.presented(r.state())) == 1  # dose-relative events wait for the dose
    upcoming = r.driver.upcoming(r.state())
    assert upcoming is None
    r.dose(54)
    dose_at = clock.now()
    upcoming = r.driver.upcoming(r.state())
    assert upcoming is not None and upcoming.due_at == dose_at + timedelta(minutes=15)
    clock.advance(minutes=41)
    r.driver.on_tick(r.state())
    r.driver.on_tick(r.state())  # each presented event is announced once
    shown = r.driver.presented(r.state())
    assert [text for _, text in shown] == [
        "The client's face is flushed; breathing is steady.",
        "Monitor shows 186/114 HR 118 SpO2 97",
        "Client says: my head is pounding a little.",
        "Monitor shows 132/84 HR 78 SpO2 98",
        "Monitor shows 128/82 HR 74 SpO2 98",
    ]
    assert shown[1][0] == format_local(dose_at + timedelta(minutes=40))
    assert presented == ["start+3", "T+15", "T+25", "T+40", "T+41"]
    # Presented is never recorded: the trainee records readings themselves.
    assert r.state().vitals == []
    assert closed == []
    r.record(commands.close_session, clock.now(), "practice stopped early")
    r.driver.on_tick(r.state())
    r.driver.on_tick(r.state())
    assert len(closed) == 1 and closed[0].closed


def test_banner_and_pause_with_a_scaled_clock() -> None:
    real = ManualClock(REAL_START)
    clock = ScaledClock(10, start=START, real=real)
    driver = PracticeDriver(builtin_scenarios().get("smooth-troche"), clock)
    assert driver.banner() == "PRACTICE ×10 · smooth-troche"
    real.advance(seconds=6)
    assert clock.now() == START + timedelta(minutes=1)
    assert driver.toggle_pause() is True
    real.advance(seconds=600)
    assert clock.now() == START + timedelta(minutes=1)
    assert driver.toggle_pause() is False
    real.advance(seconds=6)
    assert clock.now() == START + timedelta(minutes=2)
    driver.set_speed(60)
    assert driver.banner() == "PRACTICE ×60 · smooth-troche"
    real.advance(seconds=1)
    assert clock.now() == START + timedelta(minutes=3)
    with pytest.raises(ValueError, match="accepted 1-120"):
        driver.set_speed(121)
