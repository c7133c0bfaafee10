"""The header band: who and what, where we are in the session, and when vitals are next due.

Line 1: client · preset · session n of m, with pending route timers (spit the troche, next
device, minimum observation) on the right. Line 2: the phase with time in phase against plan,
T+ since the first dose, total session time, and the countdown to the next vitals check, which
turns into "overdue by m:ss". Everything is computed from stored timestamps.
"""

from __future__ import annotations

from datetime import timedelta

from textual.app import ComposeResult
from textual.containers import Vertical

from kapsession.core.phases import PHASE_TITLES
from kapsession.core.state import SessionState
from kapsession.core.timeparse import format_duration, format_local
from kapsession.tui.widgets.state_text import StateText, esc
from kapsession.tui.widgets.styled_lines import Line, StyledLines, line_length, pieces_markup

MUTED = "$text-muted"
SEPARATOR: Line = (("  ", ""), ("│", MUTED), ("  ", ""))
NARROW_SEPARATOR: Line = ((" ", ""), ("│", MUTED), (" ", ""))

PHASE_SHORT = {
    "intake": "INTAKE", "intention": "INTENTION", "dose-onset": "DOSE", "peak": "PEAK",
    "recovery": "RECOVERY", "integration": "INTEGRATION",
}


def phase_pieces(state: SessionState, short: bool = False) -> Line:
    if state.closed:
        return (("■ CLOSED", "b"), (f" at {format_local(state.closed_at)}", ""))  # type: ignore[arg-type]
    phase = state.phase
    if phase is None:
        if short:
            return (("○ not started (", MUTED), ("p", f"b {MUTED}"), (" starts)", MUTED))
        return (("○ not started: ", MUTED), ("p", f"b {MUTED}"), (" begins the intake talk", MUTED))
    title = PHASE_SHORT[phase] if short else PHASE_TITLES[phase].upper()
    elapsed = state.time_in_phase() or timedelta(0)
    planned = state.planned_in_phase() or timedelta(0)
    minutes = int(planned.total_seconds() // 60)
    line: Line = ((f"● {title}", f"b $phase-{phase}"), (f" {format_duration(elapsed)} of {minutes}m", ""))
    if elapsed > planned:
        line += ((" ", ""), ("▸ over plan" if not short else "▸ over", "$alert-nudge"))
    return line


def t_plus_pieces(state: SessionState) -> Line:
    t_plus = state.t_plus()
    if t_plus is None:
        return (("T+ no dose yet", MUTED),)
    return (("T+ ", ""), (format_duration(t_plus), "b"))


def total_pieces(state: SessionState) -> Line:
    total = state.total_elapsed()
    if total is None:
        return ()
    return ((f"total {format_duration(total)}", ""),)


def vitals_pieces(state: SessionState) -> Line:
    if state.closed:
        return ()
    check = state.next_check
    if check is None:
        return (("no vitals due", MUTED),)
    label = check.label
    overdue = state.vitals_overdue_by()
    if overdue is not None:
        return ((f"▲ vitals {label} overdue by {format_duration(overdue)}", "b $alert-warning"),)
    if check.due_at is None:
        return ((f"vitals: {label} before the dose", ""),)
    remaining = check.due_at - state.clock_now
    return ((f"vitals {label} in ", ""), (format_duration(remaining), "b"))


def times_pieces(state: SessionState, width: int) -> Line:
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
    t_plus, total, vitals = t_plus_pieces(state), total_pieces(state), vitals_pieces(state)
    phases = {short: phase_pieces(state, short) for short in (False, True)}
    line: Line = ()
    for short, with_t_plus, with_total, separator in attempts:
        parts = [phases[short]]
        if with_t_plus:
            parts.append(t_plus)
        if with_total:
            parts.append(total)
        parts.append(vitals)
        line = ()
        for part in parts:
            if part:
                line += (separator + part) if line else part
        if line_length(line) <= width:
            return line
    return line  # cut at the edge: the narrowest form fits 80 columns


def times_line(state: SessionState, width: int) -> str:
    """`times_pieces` as markup."""
    return pieces_markup(times_pieces(state, width))


def who_pieces(state: SessionState, width: int = 200) -> Line:
    """`A.B. · 70 kg · Sublingual troche (lozenge) · session 2 of 6`, shortened to fit `width`."""
    opened = state.opened
    name = (opened.client.name, "b")
    dot = (" ", ""), ("·", MUTED), (" ", "")
    weight = (f"{opened.client.weight_kg:g} kg", "") if opened.client.weight_kg else None
    series = (f"session {opened.series_number}" + (f" of {opened.series_length}" if opened.series_length else ""), "")
    short_series = (f"#{opened.series_number}" + (f"/{opened.series_length}" if opened.series_length else ""), "")
    attempts = (
        [name, weight, (state.preset.title, ""), series],
        [name, (state.preset.title, ""), series],
        [name, (state.preset.name, ""), series],
        [name, (state.preset.name, ""), short_series],
        [name, short_series],
    )
    line: Line = ()
    for parts in attempts:
        line = ()
        for part in parts:
            if part is not None:
                line += (*dot, part) if line else (part,)
        if line_length(line) <= width:
            return line
    return line


def who_line(state: SessionState, width: int = 200) -> str:
    """`who_pieces` as markup."""
    return pieces_markup(who_pieces(state, width))


def timers_pieces(state: SessionState, limit: int = 2) -> Line:
    """Pending route timers, soonest first: `◷ Spit troche in 3:12`."""
    now = state.clock_now
    pending = sorted((timer for timer in state.timers if not timer.done and timer.due_at > now),
                     key=lambda timer: timer.due_at)
    parts: list[tuple[str, str]] = []
    for timer in pending[:limit]:
        if parts:
            parts.append(("  ", ""))
        if timer.label == "Minimum observation":
            parts.append((f"◷ observe until {format_local(timer.due_at)}", MUTED))
        else:
            parts.append((f"◷ {timer.label} in {format_duration(timer.due_at - now)}", MUTED))
    return tuple(parts)


def first_line(state: SessionState, width: int) -> Line:
    """Who (left) and the pending route timers (right), on one line of `width`."""
    timers = timers_pieces(state)
    room = width - (line_length(timers) + 2 if timers else 0)
    who = who_pieces(state, max(10, room))
    if not timers:
        return who
    gap = max(2, width - line_length(who) - line_length(timers))
    return (*who, (" " * gap, ""), *timers)


class HeaderBand(Vertical):
    """Two lines (three with a practice banner); see the module docstring. The two lines are
    drawn from pieces (`StyledLines`): they change every second."""

    def __init__(self, practice_banner: str | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self._banner = practice_banner
        self.state: SessionState | None = None

    def compose(self) -> ComposeResult:
        if self._banner is not None:
            yield StateText(f"▶ {esc(self._banner)}", id="practice-banner")
        yield StyledLines(id="who")
        yield StyledLines(id="times")

    def show_state(self, state: SessionState, practice_banner: str | None = None) -> None:
        if not hasattr(self, "_parts"):
            self._parts = (self.query_one("#who", StyledLines), self.query_one("#times", StyledLines),
                           self.query_one("#practice-banner", StateText) if self._banner is not None else None)
        who, times, banner = self._parts
        self.state = state
        if practice_banner is not None and banner is not None:
            banner.show(f"▶ {esc(practice_banner)}")
        # Built for the lines' width when it is known (see StyledLines.show_for_width), and again
        # when it changes.
        who.show_for_width(lambda width: (first_line(state, width),))
        times.show_for_width(lambda width: (times_pieces(state, width),))
