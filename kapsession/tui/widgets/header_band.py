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
from textual.content import Content

from kapsession.core.phases import PHASE_TITLES
from kapsession.core.state import SessionState
from kapsession.core.text_rule import visible
from kapsession.core.timeparse import format_duration, format_local
from kapsession.tui.widgets.live_text import LiveText

MUTED = "$text-muted"
SEPARATOR = Content.assemble("  ", ("│", MUTED), "  ")
NARROW_SEPARATOR = Content.assemble(" ", ("│", MUTED), " ")
EMPTY = Content("")

PHASE_SHORT = {
    "intake": "INTAKE",
    "intention": "INTENTION",
    "dose-onset": "DOSE",
    "peak": "PEAK",
    "recovery": "RECOVERY",
    "integration": "INTEGRATION",
}


def phase_part(state: SessionState, short: bool = False) -> Content:
    if state.closed:
        return Content.assemble(("■ CLOSED", "b"), f" at {format_local(state.closed_at)}")  # type: ignore[arg-type]
    phase = state.phase
    if phase is None:
        if short:
            return Content.assemble(("○ not started (", MUTED), ("p", f"b {MUTED}"), (" starts)", MUTED))
        return Content.assemble(("○ not started: ", MUTED), ("p", f"b {MUTED}"), (" begins the intake talk", MUTED))
    title = PHASE_SHORT[phase] if short else PHASE_TITLES[phase].upper()
    elapsed = state.time_in_phase() or timedelta(0)
    planned = state.planned_in_phase() or timedelta(0)
    minutes = int(planned.total_seconds() // 60)
    line = Content.assemble((f"● {title}", f"b $phase-{phase}"), f" {format_duration(elapsed)} of {minutes}m")
    if elapsed > planned:
        line = Content.assemble(line, " ", ("▸ over plan" if not short else "▸ over", "$alert-nudge"))
    return line


def t_plus_part(state: SessionState) -> Content:
    t_plus = state.t_plus()
    if t_plus is None:
        return Content.styled("T+ no dose yet", MUTED)
    return Content.assemble("T+ ", (format_duration(t_plus), "b"))


def total_part(state: SessionState) -> Content:
    total = state.total_elapsed()
    if total is None:
        return EMPTY
    return Content(f"total {format_duration(total, seconds=False)}")  # h:mm: the seconds are T+'s


def vitals_part(state: SessionState) -> Content:
    if state.closed:
        return EMPTY
    check = state.next_check
    if check is None:
        return Content.styled("no vitals due", MUTED)
    label = check.label
    overdue = state.vitals_overdue_by()
    if overdue is not None:
        return Content.styled(f"▲ vitals {label} overdue by {format_duration(overdue)}", "b $alert-warning")
    if check.due_at is None:
        return Content(f"vitals: {label} before the dose")
    if check.due_at <= state.clock_now:
        # Within the preset's on-time grace: due, not yet overdue.
        return Content.styled(f"vitals {label} due now", "b")
    remaining = check.due_at - state.clock_now
    return Content.assemble(f"vitals {label} in ", (format_duration(remaining), "b"))


def times_line(state: SessionState, width: int) -> Content:
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
    t_plus, total, vitals = t_plus_part(state), total_part(state), vitals_part(state)
    phases = {short: phase_part(state, short) for short in (False, True)}
    line = EMPTY
    for short, with_t_plus, with_total, separator in attempts:
        parts = [phases[short]]
        if with_t_plus:
            parts.append(t_plus)
        if with_total:
            parts.append(total)
        parts.append(vitals)
        line = separator.join(part for part in parts if part)
        if line.cell_length <= width:
            return line
    return line  # cut at the edge: the narrowest form fits 80 columns


def who_line(state: SessionState, width: int = 200) -> Content:
    """`A.B. · 70 kg · Sublingual troche (lozenge) · session 2 of 6`, shortened to fit `width`."""
    opened = state.opened
    name = Content.styled(visible(opened.client.name), "b")
    dot = Content.assemble(" ", ("·", MUTED), " ")
    weight = Content(f"{opened.client.weight_kg:g} kg") if opened.client.weight_kg else None
    series = Content(
        f"session {opened.series_number}" + (f" of {opened.series_length}" if opened.series_length else "")
    )
    short_series = Content(f"#{opened.series_number}" + (f"/{opened.series_length}" if opened.series_length else ""))
    title, short_title = Content(state.preset.title), Content(state.preset.name)
    attempts = (
        [name, weight, title, series],
        [name, title, series],
        [name, short_title, series],
        [name, short_title, short_series],
        [name, short_series],
    )
    line = EMPTY
    for parts in attempts:
        line = dot.join(part for part in parts if part is not None)
        if line.cell_length <= width:
            return line
    return line


def timers_part(state: SessionState, limit: int = 2) -> Content:
    """Pending route timers, soonest first: `◷ Spit troche in 3:12`."""
    now = state.clock_now
    pending = sorted(
        (timer for timer in state.timers if not timer.done and timer.due_at > now), key=lambda timer: timer.due_at
    )
    parts = []
    for timer in pending[:limit]:
        if timer.label == "Minimum observation":
            parts.append(f"◷ observe until {format_local(timer.due_at)}")
        else:
            parts.append(f"◷ {timer.label} in {format_duration(timer.due_at - now)}")
    return Content.styled("  ".join(parts), MUTED)


def first_line(state: SessionState, width: int, timers: Content | None = None) -> Content:
    """Who (left) and the pending route timers (right, `timers_part` unless given), on one line
    of `width`."""
    timers = timers_part(state) if timers is None else timers
    room = width - (timers.cell_length + 2 if timers else 0)
    who = who_line(state, max(10, room))
    if not timers:
        return who
    gap = max(2, width - who.cell_length - timers.cell_length)
    return Content.assemble(who, " " * gap, timers)


class HeaderBand(Vertical):
    """Two lines (three with a practice banner); see the module docstring. Each line is built
    for its width, again when the width changes, and redrawn only when its text changed."""

    def __init__(self, practice_banner: str | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self._banner = practice_banner
        self.state: SessionState | None = None

    def compose(self) -> ComposeResult:
        if self._banner is not None:
            yield LiveText(Content(f"▶ {visible(self._banner)}"), id="practice-banner")
        yield LiveText(id="who")
        yield LiveText(id="times")

    def show_state(self, state: SessionState, practice_banner: str | None = None) -> None:
        if not hasattr(self, "_parts"):
            self._parts = (
                self.query_one("#who", LiveText),
                self.query_one("#times", LiveText),
                self.query_one("#practice-banner", LiveText) if self._banner is not None else None,
            )
        who, times, banner = self._parts
        self.state = state
        if practice_banner is not None and banner is not None:
            banner.show(Content(f"▶ {visible(practice_banner)}"))
        timers = timers_part(state)
        # Who it is changes only with the session's first event; the timers with the clock.
        who.show_for_width(
            lambda width: first_line(state, width, timers),
            key=(state.opened, state.preset.title, state.preset.name, timers.plain),
        )
        times.show_for_width(lambda width: times_line(state, width))
