"""The header band: who and what, where we are in the session, and when vitals are next due.

Line 1: client · preset · session n of m, with pending route timers (spit the troche, next
device, minimum observation) on the right. Line 2: the phase with time in phase against plan,
T+ since the first dose, total session time, and the countdown to the next vitals check, which
turns into "overdue by m:ss". Everything is computed from stored timestamps.
"""

from __future__ import annotations

from datetime import timedelta

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical

from kapsession.core.phases import PHASE_TITLES
from kapsession.core.state import SessionState
from kapsession.core.timeparse import format_duration, format_local
from kapsession.tui.widgets.state_text import StateText, esc, visible_length

SEPARATOR = "  [$text-muted]│[/]  "
NARROW_SEPARATOR = " [$text-muted]│[/] "

PHASE_SHORT = {
    "intake": "INTAKE", "intention": "INTENTION", "dose-onset": "DOSE", "peak": "PEAK",
    "recovery": "RECOVERY", "integration": "INTEGRATION",
}


def phase_part(state: SessionState, short: bool = False) -> str:
    if state.closed:
        return f"[b]■ CLOSED[/] at {format_local(state.closed_at)}"  # type: ignore[arg-type]
    phase = state.phase
    if phase is None:
        if short:
            return "[$text-muted]○ not started ([b]p[/b] starts)[/]"
        return "[$text-muted]○ not started: [b]p[/b] begins the intake talk[/]"
    title = PHASE_SHORT[phase] if short else PHASE_TITLES[phase].upper()
    elapsed = state.time_in_phase() or timedelta(0)
    planned = state.planned_in_phase() or timedelta(0)
    minutes = int(planned.total_seconds() // 60)
    text = f"[b $phase-{phase}]● {title}[/] {format_duration(elapsed)} of {minutes}m"
    if elapsed > planned:
        text += " [$alert-nudge]▸ over plan[/]" if not short else " [$alert-nudge]▸ over[/]"
    return text


def t_plus_part(state: SessionState) -> str:
    t_plus = state.t_plus()
    if t_plus is None:
        return "[$text-muted]T+ no dose yet[/]"
    return f"T+ [b]{format_duration(t_plus)}[/]"


def total_part(state: SessionState) -> str:
    total = state.total_elapsed()
    if total is None:
        return ""
    return f"total {format_duration(total)}"


def vitals_part(state: SessionState) -> str:
    if state.closed:
        return ""
    check = state.next_check
    if check is None:
        return "[$text-muted]no vitals due[/]"
    label = "baseline" if check.label == "baseline" else check.label
    overdue = state.vitals_overdue_by()
    if overdue is not None:
        return f"[b $alert-warning]▲ vitals {label} overdue by {format_duration(overdue)}[/]"
    if check.due_at is None:
        return f"vitals: {label} before the dose"
    remaining = check.due_at - state.clock_now
    return f"vitals {label} in [b]{format_duration(remaining)}[/]"


def times_line(state: SessionState, width: int) -> str:
    """Line 2, shortened step by step until it fits `width`: narrower separators, shorter phase
    words, then "T+ no dose yet" (before a dose), then the total time."""
    dosed = state.t_plus() is not None
    attempts = (
        (False, True, True, SEPARATOR),
        (False, True, True, NARROW_SEPARATOR),
        (True, True, True, NARROW_SEPARATOR),
        (True, dosed, True, NARROW_SEPARATOR),
        (True, dosed, False, NARROW_SEPARATOR),
        (True, False, False, NARROW_SEPARATOR),
    )
    line = ""
    for short, with_t_plus, with_total, separator in attempts:
        parts = [phase_part(state, short)]
        if with_t_plus:
            parts.append(t_plus_part(state))
        if with_total:
            parts.append(total_part(state))
        parts.append(vitals_part(state))
        line = separator.join(part for part in parts if part)
        if visible_length(line) <= width:
            return line
    return line  # wraps: still readable, never cut


def who_line(state: SessionState, width: int = 200) -> str:
    """`A.B. · 70 kg · Sublingual troche (lozenge) · session 2 of 6`, shortened to fit `width`."""
    opened = state.opened
    name = f"[b]{esc(opened.client.name)}[/]"
    dot = " [$text-muted]·[/] "
    weight = f"{opened.client.weight_kg:g} kg" if opened.client.weight_kg else ""
    series = f"session {opened.series_number}" + (f" of {opened.series_length}" if opened.series_length else "")
    short_series = f"#{opened.series_number}" + (f"/{opened.series_length}" if opened.series_length else "")
    attempts = (
        [name, weight, esc(state.preset.title), series],
        [name, esc(state.preset.title), series],
        [name, esc(state.preset.name), series],
        [name, esc(state.preset.name), short_series],
        [name, short_series],
    )
    line = ""
    for parts in attempts:
        line = dot.join(part for part in parts if part)
        if visible_length(line) <= width:
            return line
    return line


def timers_text(state: SessionState, limit: int = 2) -> str:
    """Pending route timers, soonest first: `◷ Spit troche in 3:12`."""
    now = state.clock_now
    pending = sorted((timer for timer in state.timers if not timer.done and timer.due_at > now),
                     key=lambda timer: timer.due_at)
    parts = []
    for timer in pending[:limit]:
        left = timer.due_at - now
        if timer.label == "Minimum observation":
            parts.append(f"◷ observe until {format_local(timer.due_at)}")
        else:
            parts.append(f"◷ {esc(timer.label)} in {format_duration(left)}")
    return "  ".join(parts)


class WhoLine(StateText):
    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.state: SessionState | None = None

    def compose_text(self, width: int) -> str | None:
        if self.state is None:
            return None
        return who_line(self.state, width)


class TimesLine(StateText):
    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.state: SessionState | None = None

    def compose_text(self, width: int) -> str | None:
        return None if self.state is None else times_line(self.state, width)


class HeaderBand(Vertical):
    """Two lines (three with a practice banner); see the module docstring."""

    def __init__(self, practice_banner: str | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self._banner = practice_banner

    def compose(self) -> ComposeResult:
        if self._banner is not None:
            yield StateText(f"▶ {esc(self._banner)}", id="practice-banner")
        with Horizontal(id="who-row"):
            yield WhoLine(id="who")
            yield StateText("", id="route-timers")
        yield TimesLine(id="times")

    def show_state(self, state: SessionState, practice_banner: str | None = None) -> None:
        if not hasattr(self, "_parts"):
            self._parts = (self.query_one(WhoLine), self.query_one(TimesLine),
                           self.query_one("#route-timers", StateText),
                           self.query_one("#practice-banner", StateText) if self._banner is not None else None)
        who, times, timers, banner = self._parts
        if practice_banner is not None and banner is not None:
            banner.show(f"▶ {esc(practice_banner)}")
        if who.state is None or who.state.opened is not state.opened:
            who.state = state
            who.recompute()
        times.state = state
        times.recompute()
        timers.show(timers_text(state))
