"""The six phases as a timeline: done (actual minutes), current, upcoming (planned), and the
route's expected onset and peak windows drawn relative to the first dose.

Compact (one line, for 80x24): `✓ Intake 14m › ✓ Intention 9m › ▶ PEAK 12/40m › Recovery 30m …`.
Full (three lines): phase blocks in proportion to their minutes, a time axis with the dose (◆),
the onset (╌) and peak (━) windows and now (│), and a legend that says the same in words.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import NamedTuple

from textual.content import Content

from kapsession.core.phases import PHASE_TITLES, PHASES
from kapsession.core.state import SessionState
from kapsession.core.timeparse import format_local
from kapsession.tui.widgets.live_text import LiveText, join_lines

SHORT_NAMES = {
    "intake": "Intake",
    "intention": "Intention",
    "dose-onset": "Dose",
    "peak": "Peak",
    "recovery": "Recovery",
    "integration": "Integration",
}
TINY_NAMES = {
    "intake": "Intk",
    "intention": "Int",
    "dose-onset": "Dose",
    "peak": "Peak",
    "recovery": "Rec",
    "integration": "Integ",
}


class Segment(NamedTuple):
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
            out.append(Segment(span.phase, span.started_at, end, "done", _minutes(end - span.started_at), planned))
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


def _style(segment: Segment) -> str:
    if segment.status == "done":
        return f"$phase-{segment.phase}"
    if segment.status == "current":
        return f"b reverse $phase-{segment.phase}"
    return "$text-muted"


def compact_line(state: SessionState, width: int) -> Content:
    segs = segments(state)
    line = Content("")
    for names, separator in ((PHASE_TITLES, " › "), (SHORT_NAMES, " › "), (SHORT_NAMES, " "), (TINY_NAMES, " ")):
        line = Content(separator).join(
            Content.styled(_label(seg, names).replace("Intention cards", "Intention"), _style(seg)) for seg in segs
        )
        if line.cell_length <= width:
            return line
    return line


def _column(moment: datetime, origin: datetime, per_column: float, width: int) -> int:
    offset = (moment - origin).total_seconds() / per_column
    return max(0, min(width - 1, int(offset)))


def _runs(cells: list[tuple[str, str]]) -> Content:
    """Cells as one text, one span per run of the same style."""
    return Content.assemble(*cells).simplify()


def full_lines(state: SessionState, width: int) -> list[Content]:
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
    blocks: list[tuple[str, str]] = []
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
            blocks.append((text, f"$phase-{seg.phase}") if cols > 1 else ("·", "$text-muted"))
        elif seg.status == "current":
            blocks.append((text, f"b reverse $phase-{seg.phase}"))
        else:
            blocks.append((text, f"reverse $phase-{seg.phase}"))
    line1 = Content.assemble(*blocks)

    # 2. the axis: onset ╌ and peak ━ windows from the first dose, dose ◆, now │.
    cells: list[tuple[str, str]] = [("─", "$text-muted")] * width
    first = state.first_dose_at
    preset = state.preset
    if first is not None:
        for window, char, colour in (
            (preset.onset_window, "╌", "$phase-dose-onset"),
            (preset.peak_window, "━", "$phase-peak"),
        ):
            a = _column(first + timedelta(minutes=window.start), origin, per_column, width)
            b = _column(first + timedelta(minutes=window.end), origin, per_column, width)
            for col in range(a, max(a, b) + 1):
                cells[col] = (char, colour)
        cells[_column(first, origin, per_column, width)] = ("◆", "b $phase-dose-onset")
    if not state.closed:
        cells[_column(state.clock_now, origin, per_column, width)] = ("│", "b")
    line2 = _runs(cells)

    # 3. the legend, in words.
    parts = [Content.styled(format_local(origin), "$text-muted")]
    if first is not None:
        parts.append(Content.styled(f"◆ dose {format_local(first)}", "$phase-dose-onset"))
        parts.append(
            Content.styled(f"╌ onset T+{preset.onset_window.start}-{preset.onset_window.end}", "$phase-dose-onset")
        )
        parts.append(Content.styled(f"━ peak T+{preset.peak_window.start}-{preset.peak_window.end}", "$phase-peak"))
    else:
        parts.append(
            Content.styled(
                f"after the dose: onset T+{preset.onset_window.start}-"
                f"{preset.onset_window.end} min, peak T+{preset.peak_window.start}-"
                f"{preset.peak_window.end} min",
                "$text-muted",
            )
        )
    if not state.closed:
        parts.append(Content.assemble(("│", "b"), f" now {format_local(state.clock_now)}"))
        parts.append(Content.styled(f"planned end ~{format_local(end)}", "$text-muted"))
    else:
        parts.append(Content(f"closed {format_local(state.closed_at)}"))  # type: ignore[arg-type]
    legend = Content("   ").join(parts)
    if legend.cell_length > width:
        legend = Content("  ").join(parts[:-1])
    return [line1, line2, legend]


class PhaseTimeline(LiveText):
    """Compact or full depending on the `-full` class (set by the screen from its height)."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.state: SessionState | None = None

    def _text(self, width: int) -> Content:
        if self.state is None:
            return Content("")
        if self.has_class("-full"):
            return join_lines(full_lines(self.state, width))
        return compact_line(self.state, width)

    def show_state(self, state: SessionState) -> None:
        """Redrawn when the events, the size or the minutes shown change, and every 5 seconds
        for the now mark (a column of the full timeline is a minute or more)."""
        self.state = state
        now = state.clock_now.timestamp()
        in_phase = state.time_in_phase()
        # (A new width builds the text again by itself: LiveText.show_for_width.)
        key = (
            id(state.events),
            len(state.events),
            self.has_class("-full"),
            int(now // 5),
            int(now // 60),
            in_phase and int(in_phase.total_seconds() // 60),
        )
        if key == getattr(self, "_key", None):
            return
        self._key = key
        self.show_for_width(self._text)
