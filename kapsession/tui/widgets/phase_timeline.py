"""The six phases as a timeline: done (actual minutes), current, upcoming (planned), and the
route's expected onset and peak windows drawn relative to the first dose.

Compact (one line, for 80x24): `✓ Intake 14m › ✓ Intention 9m › ▶ PEAK 12/40m › Recovery 30m …`.
Full (three lines): phase blocks in proportion to their minutes, a time axis with the dose (◆),
the onset (╌) and peak (━) windows and now (│), and a legend that says the same in words.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import NamedTuple

from kapsession.core.phases import PHASE_TITLES, PHASES
from kapsession.core.state import SessionState
from kapsession.core.timeparse import format_local
from kapsession.tui.widgets.state_text import StateText, visible_length

SHORT_NAMES = {
    "intake": "Intake", "intention": "Intention", "dose-onset": "Dose", "peak": "Peak",
    "recovery": "Recovery", "integration": "Integration",
}
TINY_NAMES = {
    "intake": "Intk", "intention": "Int", "dose-onset": "Dose", "peak": "Peak",
    "recovery": "Rec", "integration": "Integ",
}


class Segment(NamedTuple):  # (a NamedTuple: a dataclass costs ~1 ms to create at import)
    phase: str
    start: datetime
    end: datetime
    status: str  # done | current | upcoming
    minutes: int  # actual for done, elapsed for current, planned for upcoming
    planned: int


def _minutes(delta: timedelta) -> int:
    return int(delta.total_seconds() // 60)


def segments(state: SessionState) -> list[Segment]:
    """Every phase placed on one time line: actual where it happened, planned after now."""
    now = state.clock_now
    out: list[Segment] = []
    seen = set()
    cursor = state.started_at or now
    for index, span in enumerate(state.spans):
        seen.add(span.phase)
        planned = span.planned_minutes
        current = index == len(state.spans) - 1 and not state.closed
        if current:
            elapsed = now - span.started_at
            end = span.started_at + max(elapsed, timedelta(minutes=planned))
            out.append(Segment(span.phase, span.started_at, end, "current", _minutes(elapsed), planned))
        else:
            end = span.ended_at or now
            out.append(Segment(span.phase, span.started_at, end, "done",
                               _minutes(end - span.started_at), planned))
        cursor = end
    if not state.closed:
        for phase in PHASES:
            if phase in seen:
                continue
            planned = state.preset.phases[phase].minutes
            end = cursor + timedelta(minutes=planned)
            out.append(Segment(phase, cursor, end, "upcoming", planned, planned))
            cursor = end
    return out


def _label(segment: Segment, names: dict[str, str]) -> str:
    name = names[segment.phase]
    if segment.status == "done":
        return f"✓ {name} {segment.minutes}m"
    if segment.status == "current":
        return f"▶ {name.upper()} {segment.minutes}/{segment.planned}m"
    return f"{name} {segment.minutes}m"


def _styled(segment: Segment, text: str) -> str:
    if segment.status == "done":
        return f"[$phase-{segment.phase}]{text}[/]"
    if segment.status == "current":
        return f"[b reverse $phase-{segment.phase}]{text}[/]"
    return f"[$text-muted]{text}[/]"


def compact_line(state: SessionState, width: int) -> str:
    segs = segments(state)
    for names, separator in ((PHASE_TITLES, " › "), (SHORT_NAMES, " › "), (SHORT_NAMES, " "),
                             (TINY_NAMES, " ")):
        line = separator.join(_styled(seg, _label(seg, names).replace("Intention cards", "Intention"))
                              for seg in segs)
        if visible_length(line) <= width:
            return line
    return line


def _column(moment: datetime, origin: datetime, per_column: float, width: int) -> int:
    offset = (moment - origin).total_seconds() / per_column
    return max(0, min(width - 1, int(offset)))


def _runs(cells: list[tuple[str, str]]) -> str:
    """Cells as markup, one tag per run of the same style (a tag per cell is slow to parse)."""
    out: list[str] = []
    run: list[str] = []
    style = None
    for char, cell_style in cells:
        if cell_style != style and run:
            out.append(f"[{style}]{''.join(run)}[/]")
            run = []
        style = cell_style
        run.append(char)
    if run:
        out.append(f"[{style}]{''.join(run)}[/]")
    return "".join(out)


def full_lines(state: SessionState, width: int) -> list[str]:
    """Three lines: proportional phase blocks, the time axis with windows, a legend."""
    segs = segments(state)
    if not segs or width < 40:
        return [compact_line(state, width)]
    origin = segs[0].start
    end = max(seg.end for seg in segs)
    total = max((end - origin).total_seconds(), 60.0)
    per_column = total / width

    # 1. blocks: each phase gets columns in proportion to its minutes (at least 1).
    bounds = [_column(seg.start, origin, per_column, width + 1) for seg in segs] + [width]
    blocks = []
    for index, seg in enumerate(segs):
        cols = max(1, bounds[index + 1] - bounds[index])
        room = max(1, cols - 1)  # a blank column keeps neighbouring blocks apart
        label = _label(seg, SHORT_NAMES)
        if len(label) > room:
            label = _label(seg, TINY_NAMES)
        if len(label) > room:
            label = label.replace("✓ ", "").replace("▶ ", "")
        if len(label) > room:
            label = label.split(" ")[0]
        text = label[:room].ljust(cols)
        if seg.status == "upcoming":
            blocks.append(f"[$phase-{seg.phase}]{text}[/]" if cols > 1 else "[$text-muted]·[/]")
        elif seg.status == "current":
            blocks.append(f"[b reverse $phase-{seg.phase}]{text}[/]")
        else:
            blocks.append(f"[reverse $phase-{seg.phase}]{text}[/]")
    line1 = "".join(blocks)

    # 2. the axis: onset ╌ and peak ━ windows from the first dose, dose ◆, now │.
    cells: list[tuple[str, str]] = [("─", "$text-muted")] * width
    first = state.first_dose_at
    preset = state.preset
    if first is not None:
        for window, char, colour in ((preset.onset_window, "╌", "$phase-dose-onset"),
                                     (preset.peak_window, "━", "$phase-peak")):
            a = _column(first + timedelta(minutes=window.start), origin, per_column, width)
            b = _column(first + timedelta(minutes=window.end), origin, per_column, width)
            for col in range(a, max(a, b) + 1):
                cells[col] = (char, colour)
        cells[_column(first, origin, per_column, width)] = ("◆", "b $phase-dose-onset")
    if not state.closed:
        cells[_column(state.clock_now, origin, per_column, width)] = ("│", "b")
    line2 = _runs(cells)

    # 3. the legend, in words.
    parts = [f"[$text-muted]{format_local(origin)}[/]"]
    if first is not None:
        parts.append(f"[$phase-dose-onset]◆ dose {format_local(first)}[/]")
        parts.append(f"[$phase-dose-onset]╌ onset T+{preset.onset_window.start}-{preset.onset_window.end}[/]")
        parts.append(f"[$phase-peak]━ peak T+{preset.peak_window.start}-{preset.peak_window.end}[/]")
    else:
        parts.append(f"[$text-muted]after the dose: onset T+{preset.onset_window.start}-"
                     f"{preset.onset_window.end} min, peak T+{preset.peak_window.start}-"
                     f"{preset.peak_window.end} min[/]")
    if not state.closed:
        parts.append(f"[b]│[/] now {format_local(state.clock_now)}")
        parts.append(f"[$text-muted]planned end ~{format_local(end)}[/]")
    else:
        parts.append(f"closed {format_local(state.closed_at)}")  # type: ignore[arg-type]
    legend = "   ".join(parts)
    if visible_length(legend) > width:
        legend = "  ".join(parts[:-1])
    return [line1, line2, legend]


class PhaseTimeline(StateText):
    """Compact or full depending on the `-full` class (set by the screen from its height)."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.state: SessionState | None = None

    def compose_text(self, width: int) -> str | None:
        if self.state is None:
            return None
        if self.has_class("-full"):
            return "\n".join(full_lines(self.state, width))
        return compact_line(self.state, width)

    def show_state(self, state: SessionState) -> None:
        """Redrawn when the events, the size or the minutes shown change, and every 5 seconds
        for the now mark (a column of the full timeline is a minute or more)."""
        self.state = state
        now = state.clock_now.timestamp()
        in_phase = state.time_in_phase()
        # (A new width recomposes by itself: StateText.recompute.)
        key = (id(state.events), len(state.events), self.has_class("-full"),
               int(now // 5), int(now // 60), in_phase and int(in_phase.total_seconds() // 60))
        if key == getattr(self, "_key", None):
            return
        self._key = key
        self.recompute()
