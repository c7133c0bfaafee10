"""The practice driver: a scenario played on a scaled clock beside the live screen.

The live screen takes it as `practice=` and asks it for four things (duck-typed, no Textual here):

- `banner()`: the header text, e.g. `PRACTICE ×10 · bp-spike-im` (with `· PAUSED` while paused);
- `presented(state)`: the scripted things the monitor or client has presented so far, as
  (clock time, text), most recent first; the trainee still has to record them;
- `toggle_pause()`: pause or resume the scaled clock (every timer, T+ and the script stop with it,
  since they are all differences of its readings); returns True when now paused;
- `on_tick(state)`: called every second; notices newly presented events and the session closing.

When events are presented is a pure function of the scenario and the session's state (`script`),
so the debrief computes exactly the same times the trainee saw.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from kapsession.core.clock import Clock, ScaledClock
from kapsession.core.state import SessionState
from kapsession.core.timeparse import format_local
from kapsession.practice.scenario import KIND_WORDS, Scenario, ScenarioEvent
from kapsession.practice.speeds import DEFAULT_SPEED, MAX_SPEED, MIN_SPEED


@dataclass(frozen=True)
class ScriptedMoment:
    """One scripted event and when it is (or will be) presented; None: still waiting for the
    session to start or for the first dose."""

    index: int
    event: ScenarioEvent
    due_at: datetime | None

    def presented_by(self, moment: datetime) -> bool:
        return self.due_at is not None and self.due_at <= moment

    @property
    def display_text(self) -> str:
        return self.event.text


def anchor_time(state: SessionState, anchor: str) -> datetime | None:
    """When a scenario's clock starts: the first phase (`start`) or the first dose (`dose`)."""
    return state.first_dose_at if anchor == "dose" else state.started_at


def script(scenario: Scenario, state: SessionState) -> list[ScriptedMoment]:
    """Every scripted event with the time it is presented in this session, in presentation order
    (waiting ones last, in script order)."""
    moments = []
    for index, event in enumerate(scenario.ordered_events()):
        base = anchor_time(state, event.anchor)
        due = base + timedelta(minutes=event.at_minutes) if base is not None else None
        moments.append(ScriptedMoment(index, event, due))
    return sorted(moments, key=lambda m: (m.due_at.timestamp() if m.due_at else float("inf"), m.index))


def validate_speed(value: float | str) -> float:
    from kapsession.core.errors import InputError

    try:
        speed = float(value)
    except (TypeError, ValueError):
        raise InputError(f"speed '{value}' is not a number: accepted {MIN_SPEED}-{MAX_SPEED}") from None
    if not MIN_SPEED <= speed <= MAX_SPEED:
        raise InputError(f"speed {speed:g} is out of range: accepted {MIN_SPEED}-{MAX_SPEED}")
    return speed


class PracticeDriver:
    """Plays one scenario for one practice session on `clock` (a ScaledClock in use, a
    ManualClock in tests)."""

    def __init__(
        self,
        scenario: Scenario,
        clock: Clock,
        session_id: str | None = None,
        on_closed: Callable[[SessionState], None] | None = None,
        on_presented: Callable[[ScriptedMoment], None] | None = None,
    ) -> None:
        self.scenario = scenario
        self.clock = clock
        self.session_id = session_id
        self.on_closed = on_closed
        self.on_presented = on_presented
        self._seen: set[int] = set()
        self._closed_reported = False

    # -- the live screen's interface --------------------------------------------------------
    @property
    def speed(self) -> float:
        return float(getattr(self.clock, "speed", 1.0))

    @property
    def paused(self) -> bool:
        return bool(getattr(self.clock, "paused", False))

    def banner(self) -> str:
        text = f"PRACTICE ×{self.speed:g} · {self.scenario.name}"
        return text + " · PAUSED" if self.paused else text

    def presented(self, state: SessionState) -> list[tuple[str, str]]:
        moment = state.clock_now
        shown = [m for m in script(self.scenario, state) if m.presented_by(moment)]
        return [(format_local(m.due_at), m.display_text) for m in reversed(shown)]  # type: ignore[arg-type]

    def toggle_pause(self) -> bool:
        toggle = getattr(self.clock, "toggle_pause", None)
        if toggle is None:
            return False
        return bool(toggle())

    def on_tick(self, state: SessionState) -> None:
        moment = state.clock_now
        for item in script(self.scenario, state):
            if item.presented_by(moment) and item.index not in self._seen:
                self._seen.add(item.index)
                if self.on_presented is not None:
                    self.on_presented(item)
        if state.closed and not self._closed_reported:
            self._closed_reported = True
            if self.on_closed is not None:
                self.on_closed(state)

    # -- more than the live screen needs ---------------------------------------------------------
    def pause(self) -> None:
        if hasattr(self.clock, "pause"):
            self.clock.pause()

    def resume(self) -> None:
        if hasattr(self.clock, "resume"):
            self.clock.resume()

    def set_speed(self, speed: float) -> None:
        speed = validate_speed(speed)
        if isinstance(self.clock, ScaledClock):
            self.clock.set_speed(speed)

    def upcoming(self, state: SessionState) -> ScriptedMoment | None:
        """The next scripted event not yet presented (None when the script is done or waiting)."""
        moment = state.clock_now
        return next((m for m in script(self.scenario, state) if m.due_at is not None and m.due_at > moment), None)

    def real_seconds_until_next(self, state: SessionState) -> float | None:
        """Real seconds until the next scripted event, for a timer that wakes the screen then."""
        nxt = self.upcoming(state)
        if nxt is None or nxt.due_at is None:
            return None
        if isinstance(self.clock, ScaledClock):
            return self.clock.real_seconds_until(nxt.due_at)
        return max(0.0, (nxt.due_at - self.clock.now()).total_seconds() / max(self.speed, 1.0))

    @staticmethod
    def kind_word(event: ScenarioEvent) -> str:
        return KIND_WORDS[event.kind]


def open_practice_session(store, presets, scenario: Scenario, clock: Clock):
    """Create a practice session for `scenario` at the clock's `now` (stored with practice=True and
    the scenario's name); returns (session_id, SessionLog on `clock`, PracticeDriver)."""
    from kapsession.core.commands import open_session
    from kapsession.store.session_log import SessionLog

    preset = presets.get(scenario.preset)
    opened = open_session(
        client_name=scenario.client_name,
        preset=preset,
        now=clock.now(),
        weight_kg=scenario.weight_kg,
        planned_dose_mg=scenario.planned_dose_mg,
        practice=True,
        scenario=scenario.name,
    )
    session_id, _ = store.create_session(opened)
    log = SessionLog(store, session_id, preset, clock)
    return session_id, log, PracticeDriver(scenario, clock, session_id)


def resume_practice_session(store, presets, scenarios, session_id: str, speed: float = DEFAULT_SPEED):
    """Pick up an unfinished practice session where it stopped: a scaled clock that starts at its
    last entry's (virtual) time, so T+ and every timer carry on from where they were.
    Returns (SessionLog, PracticeDriver)."""
    from kapsession.core.errors import InputError
    from kapsession.store.session_log import SessionLog

    row = store.session(session_id)
    if not row.practice:
        raise InputError(f"session {session_id} is a real session, not a practice one")
    events = store.events(session_id)
    name = getattr(events[0], "scenario", None)
    if not name:
        raise InputError(f"practice session {session_id} has no scenario to play")
    scenario = scenarios.get(name)
    start = max(event.at for event in events)
    clock = ScaledClock(validate_speed(speed), start=start)
    log = SessionLog(store, session_id, presets.get(row.preset), clock)
    return log, PracticeDriver(scenario, clock, session_id)
