"""Visual regression: SVG snapshots (pytest-textual-snapshot) of the live screen in every theme
and of what opens from it. A change to how a screen looks fails here until the snapshots are
updated on purpose (`pytest tests/tui/test_snapshots.py --snapshot-update`, then look at the
changed SVGs). Everything is pinned: a ManualClock, TZ=UTC (conftest), no blinking cursor."""

from __future__ import annotations

from typing import Any

import pytest

from kapsession.core import commands

try:
    from .conftest import LiveTestApp, advance_to_mid_peak, freeze_cursor, shipped_theme_names, type_text
except ImportError:
    from live_support import LiveTestApp, advance_to_mid_peak, freeze_cursor, shipped_theme_names, type_text

SIZES = [(80, 24), (120, 40)]


def mid_peak_app(session: Any, theme: str = "dim-room") -> LiveTestApp:
    """The live screen mid-peak with a high blood pressure alert open."""
    advance_to_mid_peak(session)
    session.add(commands.record_vitals, "192/112 124 91", session.clock.now())
    return LiveTestApp(session.log, theme_name=theme)


def after(*keys: str, text: str = ""):
    """A run_before that presses `keys`, types `text`, and lets the screen settle unblinking."""

    async def run_before(pilot: Any) -> None:
        await pilot.pause()
        if keys:
            await pilot.press(*keys)
        if text:
            await type_text(pilot, text)
        await pilot.pause()
        freeze_cursor(pilot.app)
        await pilot.pause()

    return run_before


@pytest.mark.parametrize("size", SIZES, ids=lambda size: f"{size[0]}x{size[1]}")
@pytest.mark.parametrize("theme", shipped_theme_names())
def test_live_mid_peak_with_an_alarm(snap_compare, session, theme: str, size: tuple[int, int]) -> None:
    assert snap_compare(mid_peak_app(session, theme), terminal_size=size, run_before=after())


@pytest.mark.parametrize(
    ("keys", "text"),
    [
        (("v",), "128/82 76 97"),  # the vitals entry line with a reading typed
        (("n",), "settling, hands open"),  # the note dialog
        (("d",), ""),  # the dose dialog
        (("x",), ""),  # the discharge checklist
        (("w",), ""),  # the client view
        (("r",), ""),  # the summary preview
    ],
    ids=["vitals-line", "note", "dose", "discharge", "client-view", "preview"],
)
def test_what_opens_from_the_live_screen(snap_compare, session, keys: tuple[str, ...], text: str) -> None:
    assert snap_compare(mid_peak_app(session), terminal_size=(80, 24), run_before=after(*keys, text=text))
