"""Invariants over any session a therapist could make: hypothesis builds sequences of real commands
on a manual clock (refused ones are simply not recorded, as in the app), then

- folding the same events at the same moment gives the same state, every time;
- the events survive the store unchanged, and the state folded from what the store gives back is
  the state folded from what was written.
"""

from __future__ import annotations

import tempfile
from datetime import timedelta
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from kapsession.core import commands
from kapsession.core.errors import InputError
from kapsession.core.events import decode_event, event_json
from kapsession.core.scales import SCALES
from kapsession.core.state import SessionState, fold
from kapsession.core.vitals import MEASURES
from kapsession.store import EventStore

PRESETS = ("sublingual-troche", "intramuscular", "iv-infusion", "intranasal-esketamine")


@st.composite
def vitals_lines(draw: st.DrawFn) -> str:
    parts = []
    if draw(st.booleans()):
        systolic = draw(st.integers(80, 220))
        parts.append(f"{systolic}/{draw(st.integers(40, systolic - 1))}")
    for field, name in (("heart_rate", "hr"), ("spo2", "spo2"), ("resp_rate", "rr")):
        if draw(st.booleans()) or (not parts and field == "spo2"):
            measure = MEASURES[field]
            parts.append(f"{name} {draw(st.integers(int(measure.low), int(measure.high)))}")
    if draw(st.booleans()):
        parts.append(f"t {draw(st.integers(350, 400)) / 10}")
    return " ".join(parts)


BACKDATE = st.one_of(st.none(), st.integers(1, 30).map(lambda m: f"-{m}m"))

ACTIONS = st.one_of(
    st.tuples(st.just("advance"), st.integers(0, 40), st.integers(0, 59)),
    st.tuples(st.just("phase"), st.sampled_from(["next", "next", "next", "peak", "recovery"]), BACKDATE),
    st.tuples(st.just("vitals"), vitals_lines(), BACKDATE),
    st.tuples(st.just("dose"), st.sampled_from(["28", "56", "50", "200", "35"]), st.booleans(), BACKDATE),
    st.tuples(st.just("scale"), st.sampled_from(sorted(SCALES)), st.integers(0, 10)),
    st.tuples(st.just("note"), st.text(min_size=1, max_size=30), st.booleans()),
    st.tuples(st.just("share"), st.integers(0, 40), st.booleans()),
    st.tuples(st.just("intention"), st.text(min_size=1, max_size=30)),
    st.tuples(st.just("card"), st.randoms(use_true_random=False)),
    st.tuples(st.just("tick"), st.integers(1, 8), st.booleans()),
    st.tuples(
        st.just("ack"),
    ),
    st.tuples(st.just("alert"), st.text(min_size=1, max_size=20)),
    st.tuples(st.just("strike"), st.integers(0, 40)),
    st.tuples(st.just("next-session"), st.integers(1, 30)),
    st.tuples(st.just("close"), st.sampled_from([None, "client needed to leave"])),
)

NEXT_PHASE = ("phase", "next", None)
TIME_PASSES = st.tuples(st.just("advance"), st.integers(1, 30), st.integers(0, 59))


@st.composite
def scripts(draw: st.DrawFn) -> list[tuple]:
    """A session walks through its phases (maybe not all), with entries and time in each."""
    actions: list[tuple] = []
    for _ in range(draw(st.integers(0, 7))):
        actions.append(NEXT_PHASE)
        for _ in range(draw(st.integers(0, 4))):
            actions.append(draw(TIME_PASSES))
            actions.append(draw(ACTIONS))
    return actions + draw(st.lists(ACTIONS, max_size=4))


SESSIONS = st.tuples(
    st.sampled_from(PRESETS),
    st.sampled_from([None, 28, 56, 84]),
    st.sampled_from([None, 62.5, 80]),
    scripts(),
)


def apply(chart: Any, action: tuple) -> None:
    """One action through the real command; a refusal records nothing."""
    kind, *args = action
    state = chart.state()
    now = chart.now
    try:
        if kind == "advance":
            chart.advance(args[0], args[1])
            return
        if kind == "phase":
            event = commands.start_phase(state, args[0], now, args[1])
        elif kind == "vitals":
            event = commands.record_vitals(state, args[0], now, args[1])
        elif kind == "dose":
            event = commands.give_dose(state, args[0], now, booster=args[1], at_text=args[2])
        elif kind == "scale":
            event = commands.rate_scale(state, args[0], args[1], now)
        elif kind == "note":
            event = commands.write_note(state, args[0], now, shareable=args[1])
        elif kind == "share":
            event = commands.set_note_visibility(state, args[0], args[1], now)
        elif kind == "intention":
            event = commands.set_intention(state, args[0], now)
        elif kind == "card":
            event = commands.draw_card(state, now, args[0])
        elif kind == "tick":
            event = commands.tick_item(state, "discharge", args[0], now, done=args[1])
        elif kind == "ack":
            event = commands.acknowledge(state, now)
        elif kind == "alert":
            event = commands.raise_alert(state, args[0], now)
        elif kind == "strike":
            event = commands.strike(state, args[0], "entered in error", now)
        elif kind == "next-session":
            event = commands.set_next_session(state, f"in {args[0]} days", now)
        else:
            event = commands.close_session(state, now, args[0])
    except InputError:
        return
    chart.add(event)


def summary(state: SessionState) -> dict[str, Any]:
    """Everything a screen, the command line or a debrief reads from a state, as plain values."""
    now = state.clock_now
    return {
        "phase": state.phase,
        "spans": [(s.phase, s.started_at, s.ended_at, s.planned_minutes, s.seq) for s in state.spans],
        "time_in_phase": state.time_in_phase(),
        "t_plus": state.t_plus(),
        "total": state.total_elapsed(),
        "doses": [(d.seq, d.at, d.mg, d.devices, d.booster) for d in state.doses],
        "vitals": [(v.seq, v.at, v.reading.measures()) for v in state.vitals],
        "scales": {name: [(r.seq, r.at, r.value) for r in ratings] for name, ratings in sorted(state.scales.items())},
        "notes": [(n.seq, n.at, n.text, n.kind, n.visibility) for n in state.notes],
        "intention": state.intention,
        "cards": list(state.cards),
        "ticks": sorted(state.discharge_ticked.items()),
        "checks": [
            (c.label, c.due_at, c.window_start, c.window_end, c.reading_at, c.reading_seq, c.status(now))
            for c in state.checks
        ],
        "next_check": state.next_check.label if state.next_check else None,
        "alerts": [(a.key, a.kind, a.level, a.message, a.raised_at, a.active, a.acknowledged_at) for a in state.alerts],
        "timers": [(t.label, t.due_at, t.done) for t in state.timers],
        "struck": sorted(state.struck.items()),
        "next_session": state.next_session_at,
        "closed": (state.closed_at, state.early_reason),
        "discharge": (state.discharge.ready, state.discharge.missing),
    }


def build(new_chart: Any, session: tuple) -> Any:
    preset, dose, weight, actions = session
    chart = new_chart(preset, dose_mg=dose, weight_kg=weight)
    for action in actions:
        apply(chart, action)
    return chart


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(SESSIONS, st.integers(0, 600))
def test_replaying_the_same_events_gives_the_same_state(new_chart, session: tuple, later: int) -> None:
    chart = build(new_chart, session)
    event(f"recorded events: {len(chart.events) // 5 * 5}+")
    event(f"phase reached: {chart.state().phase}")
    moment = chart.now + timedelta(minutes=later)
    first = fold(chart.events, chart.preset, moment)
    second = fold(list(chart.events), chart.preset, moment)
    assert summary(first) == summary(second)
    # The same events, rebuilt from their JSON, are the same record and fold to the same state.
    rebuilt = [decode_event(event_json(event)) for event in chart.events]
    assert rebuilt == chart.events
    assert summary(fold(rebuilt, chart.preset, moment)) == summary(first)
    # A few things every state promises.
    assert first.discharge.ready == (not first.discharge.missing)
    assert all(alert in first.alerts for alert in first.open_alerts)
    assert [v.at for v in first.vitals] == sorted(v.at for v in first.vitals)
    if first.closed:
        assert first.open_alerts == [] and first.timers == []


@settings(max_examples=40, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(SESSIONS)
def test_events_read_back_from_the_store_are_the_events_written(new_chart, session: tuple) -> None:
    chart = build(new_chart, session)
    with tempfile.TemporaryDirectory() as directory, EventStore(Path(directory)) as store:
        session_id, opened = store.create_session(chart.events[0].model_copy(update={"seq": None}))
        assert opened.seq == 1
        for event in chart.events[1:]:
            stored = store.append(session_id, event.model_copy(update={"seq": None, "recorded_at": None}))
            assert stored.seq == event.seq  # a fresh store numbers them as the chart did
        back = store.events(session_id)
    assert [e.model_copy(update={"recorded_at": None}) for e in back] == [
        e.model_copy(update={"recorded_at": None}) for e in chart.events
    ]
    assert [type(e) for e in back] == [type(e) for e in chart.events]
    assert all(e.recorded_at is not None and e.recorded_at.utcoffset() == timedelta(0) for e in back)
    assert summary(fold(back, chart.preset, chart.now)) == summary(chart.state())
