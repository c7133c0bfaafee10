"""Big figures for a tall window: time in phase, T+ since the dose, and the next vitals check,
in three-row digits so they can be read from a glance at the knee.

One widget draws all three (a label line and three rows of digits, in thirds of the width): the
figures change every second, and one small widget repainted costs far less than ten (three
columns of a label and a Textual `Digits` each). The glyphs are Textual's own 3x3 digits.
A second that changes nothing (a closed session) redraws nothing (see `LiveText`).
"""

from __future__ import annotations

from datetime import timedelta

from textual.content import Content
from textual.renderables.digits import DIGITS, DIGITS3X3, DIGITS3X3_BOLD

from kapsession.core.phases import PHASE_TITLES
from kapsession.core.state import SessionState
from kapsession.core.timeparse import format_duration
from kapsession.tui.widgets.live_text import LiveText

DIGIT_STYLE = "$foreground"
ALERT_STYLE = "bold $alert-warning"
MUTED = "$text-muted"
Figure = tuple[Content, str, bool]  # label, value, alert


def digit_rows(value: str, bold: bool = False) -> tuple[str, str, str]:
    """The three text rows of `value` in 3x3 glyphs (as Textual's Digits draws them)."""
    table = DIGITS3X3_BOLD if bold else DIGITS3X3
    rows: tuple[list[str], list[str], list[str]] = ([], [], [])
    for character in value.replace(".", "•"):
        index = DIGITS.find(character)
        if index < 0:
            rows[0].append(" ")
            rows[1].append(" ")
            rows[2].append(character)
        else:
            for row in range(3):
                rows[row].append(table[index * 3 + row].ljust(3))
    return "".join(rows[0]), "".join(rows[1]), "".join(rows[2])


def figures(state: SessionState) -> tuple[Figure, Figure, Figure]:
    """(label, value, alert) for the phase, T+ and the next vitals check."""
    if state.phase is None or state.closed:
        phase: Figure = (Content.styled("phase", MUTED), "--:--", False)
    else:
        elapsed = state.time_in_phase() or timedelta(0)
        planned = int((state.planned_in_phase() or timedelta(0)).total_seconds() // 60)
        label = Content.assemble(
            (PHASE_TITLES[state.phase], f"b $phase-{state.phase}"), " ", (f"of {planned} min", MUTED)
        )
        if elapsed > timedelta(minutes=planned):
            label = Content.assemble(label, " ", ("▸ over plan", "$alert-nudge"))
        phase = (label, format_duration(elapsed), False)
    t_plus = state.t_plus()
    tplus: Figure = (
        Content.styled("T+ since the first dose" if t_plus is not None else "T+ (no dose yet)", MUTED),
        format_duration(t_plus) if t_plus is not None else "--:--",
        False,
    )
    check = state.next_check
    overdue = state.vitals_overdue_by()
    if state.closed or check is None:
        vitals: Figure = (Content.styled("next vitals: none due", MUTED), "--:--", False)
    elif overdue is not None:
        vitals = (
            Content.styled(f"▲ vitals {check.label} OVERDUE by", "b $alert-warning"),
            format_duration(overdue),
            True,
        )
    elif check.due_at is None:
        vitals = (Content.styled(f"vitals: {check.label} before the dose", MUTED), "--:--", False)
    elif check.due_at <= state.clock_now:
        # Within the preset's on-time grace: due, not yet overdue.
        vitals = (Content.styled(f"vitals {check.label} due now", "b"), "0:00", False)
    else:
        vitals = (
            Content.styled(f"vitals {check.label} in", MUTED),
            format_duration(check.due_at - state.clock_now),
            False,
        )
    return phase, tplus, vitals


def figure_lines(shown: tuple[Figure, ...], width: int) -> tuple[Content, Content, Content, Content]:
    """The label line and three digit rows, each figure in a third of `width` (a label too long
    for its third ends in …)."""
    column = max(8, width // 3)
    room = column - 1  # a blank column between figures
    lines: list[list[Content | str | tuple[str, str]]] = [[], [], [], []]
    for index, (label, value, alert) in enumerate(shown):
        last = index == len(shown) - 1
        lines[0].append(label.truncate(room, ellipsis=True, pad=not last).extend_right(0 if last else 1))
        style = ALERT_STYLE if alert else DIGIT_STYLE
        for row, glyphs in enumerate(digit_rows(value, bold=alert), start=1):
            glyphs = glyphs[:room]
            lines[row].append((glyphs, style))
            if not last:
                lines[row].append(" " * (column - len(glyphs)))
    return tuple(Content.assemble(*line) for line in lines)  # type: ignore[return-value]


class BigFigures(LiveText):
    """`show_state(state)` offers the figures; the widget repaints only when they changed."""

    DEFAULT_CSS = "BigFigures { height: 4; }"

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._figures: tuple[Figure, ...] | None = None

    def show_state(self, state: SessionState) -> None:
        self._figures = figures(state)
        self._draw()

    @property
    def values(self) -> tuple[str, ...]:
        return tuple(value for _, value, _ in self._figures or ())

    def _draw(self) -> None:
        if self._figures is not None:
            shown = self._figures
            self.show_for_width(lambda width: figure_lines(shown, width))
