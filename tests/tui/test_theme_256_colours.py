"""dim-room stays dim on a 256-colour terminal (TERM=xterm-256color, no COLORTERM): each fill it
pins (the row cursor, selections, hover) is rounded to a dark grey there, never to the bright
olive (palette 58) a dark amber becomes."""

from __future__ import annotations

from rich.color import Color, ColorSystem

from kapsession.tui.theme_files import default_theme_dirs, load_themes

FILLS = (
    "block-cursor-background",
    "block-cursor-blurred-background",
    "block-hover-background",
    "link-background-hover",
    "input-selection-background",
    "screen-selection-background",
)


def _luminance(hex_colour: str) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def test_dim_rooms_fills_stay_dark_in_256_colours() -> None:
    themes, problems = load_themes(*default_theme_dirs())
    assert not problems
    variables = themes["dim-room"].variables
    for name in FILLS:
        rounded = Color.parse(variables[name]).downgrade(ColorSystem.EIGHT_BIT)
        shown = rounded.get_truecolor().hex
        assert rounded.number != 58, (name, variables[name])  # olive
        assert _luminance(shown) < 0.05, (name, variables[name], shown)
