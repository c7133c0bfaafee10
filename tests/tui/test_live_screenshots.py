"""Screenshots of the live screen mid-peak (with an alarm open) at 80x24 and 120x40 in every
shipped theme: the SVG is saved (look at it with `rsvg-convert -o x.png x.svg`), the key texts
are in it, and in dim-room nothing on screen is brighter than the room allows."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from kapsession.core import commands
from kapsession.tui.theme_files import relative_luminance

try:
    from .conftest import LiveTestApp, advance_to_mid_peak, freeze_cursor, screen_text, shipped_theme_names
except ImportError:
    from live_support import LiveTestApp, advance_to_mid_peak, freeze_cursor, screen_text, shipped_theme_names

# The SVG's window frame (traffic lights, title), not the app.
FRAME_COLOURS = {"#ff5f57", "#febc2e", "#28c840", "#c5c8c6"}
KEY_TEXTS = ("PEAK", "T+", "ALERT", "HIGH", "gentler", "SHARE", "private", "Vitals", "Notes")


def svg_text(svg: str) -> str:
    """The visible characters of a Textual SVG screenshot, spaces restored."""
    return html.unescape(re.sub(r"<[^>]+>", "", svg)).replace("\xa0", " ")


def svg_colours(svg: str) -> set[str]:
    return {c.lower() for c in re.findall(r"(?:fill|color)[:=]\s*\"?(#[0-9a-fA-F]{6})", svg)} - FRAME_COLOURS


@pytest.mark.parametrize("theme", shipped_theme_names() or ["textual-dark"])
async def test_mid_peak_screenshots(session, tmp_path: Path, theme: str):
    advance_to_mid_peak(session)
    session.add(commands.record_vitals, "192/112 124 91", session.clock.now())
    app = LiveTestApp(session.log, theme_name=theme)
    async with app.run_test(size=(80, 24)) as pilot:
        for width, height in ((80, 24), (120, 40)):
            await pilot.resize_terminal(width, height)
            await pilot.pause()
            assert app.theme == theme
            freeze_cursor(app)
            path = Path(app.save_screenshot(filename=f"live-{theme}-{width}x{height}.svg", path=str(tmp_path)))
            svg = path.read_text(encoding="utf-8")
            text = svg_text(svg)
            for expected in KEY_TEXTS:
                assert expected in text, (theme, width, expected)
            assert "192/112 ▲ HIGH" in screen_text(app)
            if theme == "dim-room":
                brightest = max(relative_luminance(colour) for colour in svg_colours(svg))
                assert brightest <= 0.5, f"dim-room live screen has a colour of luminance {brightest:.2f}"
