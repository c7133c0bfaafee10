"""The colours a running app's screen shows, read from its SVG screenshot (`App.export_screenshot`,
the same picture pytest-textual-snapshot compares): every cell's text and background colour as
the terminal is sent them, reverse video and dim text already resolved by Rich."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import Any

from rich.cells import cell_len
from rich.terminal_theme import SVG_EXPORT_THEME

from kapsession.tui.theme_files import contrast_ratio, relative_luminance

# Rich's SVG grid (rich.console.Console.export_svg): a 20 px font, cells 0.61 of it wide, lines
# 1.22 of it high; a row's background rectangles start 1.5 px down it, its text's baseline 20 px.
CHAR_WIDTH = 20 * 0.61
LINE_HEIGHT = 20 * 1.22
RECT_TOP = 1.5
BASELINE = 20

# What Rich draws a cell in when its style leaves the colour to the terminal (its SVG theme).
TERMINAL_FOREGROUND = SVG_EXPORT_THEME.foreground_color.hex
TERMINAL_BACKGROUND = SVG_EXPORT_THEME.background_color.hex

_CLASS_FILL = re.compile(r"\.(terminal-\d+-r\d+) \{ fill: (#[0-9a-f]{6})")
_RECT = re.compile(
    r'<rect fill="(#[0-9a-f]{6})" x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="[\d.]+" '
    r'shape-rendering="crispEdges"/>'
)
_TEXT = re.compile(
    r'<text class="(terminal-\d+-r\d+)" x="([\d.]+)" y="([\d.]+)" textLength="[\d.]+" '
    r'clip-path="[^"]*">(.*?)</text>',
    re.DOTALL,
)


@dataclass
class ScreenColours:
    """The colours a screen actually shows, as "#rrggbb" with a count of cells:
    `text` by the colour of every visible character (box drawing, bars and blocks included),
    `backgrounds` by the background of every cell, and `letters` by (text, background) pair for
    cells holding a letter or digit (what a person reads)."""

    text: dict[str, int] = field(default_factory=dict)
    backgrounds: dict[str, int] = field(default_factory=dict)
    letters: dict[tuple[str, str], int] = field(default_factory=dict)
    unresolved_cells: int = 0
    """Cells drawn in the terminal's own default colour, which cannot be measured."""

    def brightest(self) -> tuple[float, str]:
        """(luminance, colour) of the brightest text or background colour on the screen."""
        colours = {*self.text, *self.backgrounds}
        return max((relative_luminance(colour), colour) for colour in colours)

    def main_background(self) -> str:
        """The background of the most cells."""
        return max(self.backgrounds, key=self.backgrounds.__getitem__)

    def body_text(self) -> tuple[str, str]:
        """(text, background) of the most letters: the screen's body text."""
        return max(self.letters, key=self.letters.__getitem__)

    def lowest_letter_contrast(self, at_least_cells: int = 1) -> tuple[float, tuple[str, str]]:
        """The least readable (text, background) pair used for `at_least_cells` letters or more."""
        return min((contrast_ratio(*pair), pair) for pair, cells in self.letters.items() if cells >= at_least_cells)


def _add(counts: dict[Any, int], key: Any, count: int = 1) -> None:
    counts[key] = counts.get(key, 0) + count


def screen_colours(app: Any) -> ScreenColours:
    """Measure what the running app's current screen shows (call inside `App.run_test()`)."""
    svg = app.export_screenshot()
    width, height = app.size
    fills = dict(_CLASS_FILL.findall(svg))
    backgrounds: dict[tuple[int, int], str] = {}
    for colour, x, y, span in _RECT.findall(svg):
        row = round((float(y) - RECT_TOP) / LINE_HEIGHT)
        first = round(float(x) / CHAR_WIDTH)
        for column in range(first, first + round(float(span) / CHAR_WIDTH)):
            backgrounds[row, column] = colour
    measured = ScreenColours()
    unresolved: set[tuple[int, int]] = set()
    for row in range(height):
        for column in range(width):
            colour = backgrounds.get((row, column))
            if colour is None or colour == TERMINAL_BACKGROUND:
                unresolved.add((row, column))
            else:
                _add(measured.backgrounds, colour)
    for style_class, x, y, text in _TEXT.findall(svg):
        colour = fills[style_class]
        row = round((float(y) - BASELINE) / LINE_HEIGHT)
        column = round(float(x) / CHAR_WIDTH)
        for character in html.unescape(text):
            cell = (row, column)
            column += cell_len(character)
            if character.isspace():
                continue
            if colour == TERMINAL_FOREGROUND:
                unresolved.add(cell)
                continue
            _add(measured.text, colour)
            background = backgrounds.get(cell)
            if character.isalnum() and background is not None:
                _add(measured.letters, (colour, background))
    measured.unresolved_cells = len(unresolved)
    return measured
