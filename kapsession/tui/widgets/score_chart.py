"""PHQ-9 and GAD-7 over a course as a small text chart, readable at 80x24.

Totals on a 0-27 scale (rows) against the order the scores were taken (columns). Each PHQ-9 is a
`P`, each GAD-7 a `G` (both in one cell: `*`), dots join a series' scores, and a dotted line marks
5, under which is remission: letters, not colour alone, tell the two apart.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual.content import Content

from kapsession.core.course import Course, Score

TOP = 27
MARKS = {"phq9": "P", "gad7": "G"}
BOTH = "*"
AXIS_WIDTH = 3  # "27 "


def chart_rows(scores: Sequence[Score], width: int, height: int) -> list[str]:
    """`height` lines of at most `width` characters (plain text; the widget adds the colours)."""
    plot_width = max(8, width - AXIS_WIDTH - 1)
    rows = max(4, height - 1)  # the last line is the axis under the plot
    grid = [[" "] * plot_width for _ in range(rows)]

    def row_of(value: float) -> int:
        return rows - 1 - round(value / TOP * (rows - 1))

    for column in range(0, plot_width, 2):
        grid[row_of(5)][column] = "\u2504"
    count = len(scores)
    # Each score its own column, in time order; a series' neighbours joined by dots.
    positions = [0 if count == 1 else round(index * (plot_width - 1) / (count - 1)) for index in range(count)]
    for name in MARKS:
        points = [(positions[i], score.total) for i, score in enumerate(scores) if score.instrument == name]
        for (x0, y0), (x1, y1) in zip(points, points[1:], strict=False):
            for x in range(x0 + 1, x1):
                y = y0 + (y1 - y0) * (x - x0) / (x1 - x0)
                if grid[row_of(y)][x] in (" ", "\u2504"):
                    grid[row_of(y)][x] = "\u00b7"
    for index, score in enumerate(scores):
        cell = grid[row_of(score.total)]
        mark = MARKS.get(score.instrument, "?")
        here = cell[positions[index]]
        cell[positions[index]] = BOTH if here in MARKS.values() and here != mark else mark
    # The top, 15, 5 and 0 are labelled (each on the row its value falls in).
    labels = {row_of(value): str(value) for value in (0, 5, 15, TOP)}
    lines = []
    for number, row in enumerate(grid):
        label = labels.get(number, "")
        lines.append(f"{label:>{AXIS_WIDTH - 1}} \u2502" + "".join(row).rstrip())
    lines.append(" " * (AXIS_WIDTH - 1) + " \u2514" + "\u2500" * plot_width)
    return lines


CHART_STYLES = {"P": "b $primary", "G": "b $accent", "\u2504": "$text-muted", "\u00b7": "$text-muted"}


def chart_text(course: Course, width: int, height: int) -> Content:
    """The chart: P and G in their own colours (the letters carry the meaning)."""
    if not course.scores:
        return Content.styled("No PHQ-9 or GAD-7 yet: f on the live screen takes one at intake.", "$text-muted")
    lines = [
        Content.assemble(*((character, CHART_STYLES.get(character, "")) for character in line)).simplify()
        for line in chart_rows(course.scores, width, height - 1)
    ]
    lines.append(
        Content.styled("P PHQ-9 \u00b7 G GAD-7 \u00b7 * both \u00b7 \u2504 5: under it is remission", "$text-muted")
    )
    return Content("\n").join(lines)
