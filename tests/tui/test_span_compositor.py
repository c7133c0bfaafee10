"""`SpanCompositor` (a partial repaint that renders only the widgets under the changed regions)
writes exactly what Textual's own compositor writes, byte for byte, on the live screen: with a
reading just saved (the vitals panel and the key bar, far apart), with a notification over the
screen, and for random regions anywhere."""

from __future__ import annotations

import random

from textual._compositor import Compositor
from textual.geometry import Region

from kapsession.tui.compositor import SpanCompositor

try:
    from .conftest import LiveTestApp, advance_to_mid_peak, type_text
except ImportError:
    from live_support import LiveTestApp, advance_to_mid_peak, type_text


def _written(app, compositor: Compositor, regions: set[Region], cls: type) -> str:
    """What a partial update of `regions` writes to the terminal, rendered by `cls`."""
    kind = compositor.__class__
    compositor.__class__ = cls
    try:
        compositor._update_regions = None  # type: ignore[attr-defined]
        compositor._dirty_regions = set(regions)
        update = compositor.render_partial_update()
        return "" if update is None else update.render_segments(app.console)
    finally:
        compositor.__class__ = kind


def _same(app, regions: set[Region]) -> None:
    compositor = app.screen._compositor
    textual = _written(app, compositor, regions, Compositor)
    ours = _written(app, compositor, regions, SpanCompositor)
    assert ours == textual, sorted(regions)


async def test_a_partial_update_writes_what_textuals_writes(session):
    advance_to_mid_peak(session)
    app = LiveTestApp(session.log)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await pilot.pause()
        screen = app.live
        await pilot.press("v")
        await type_text(pilot, "141/91 77 97")
        panel = screen.query_one("#vitals").region
        keys = screen.query_one("#keys").region
        # A reading saved: the value lines of the panel and the key bar (their last frame).
        _same(app, {Region(panel.x + 6, panel.y + 1, 40, 2), keys})
        await pilot.press("enter")
        await pilot.pause()
        assert "141/91" in "\n".join(screen.query_one("#vitals").plain.splitlines())
        _same(app, {Region(panel.x + 6, panel.y + 1, 40, 2), keys})
        # A notification over the screen (a layer above it: the front-most widget wins).
        app.notify("Vitals saved for 10:42 (before the latest reading, so in the history)", timeout=30)
        await pilot.pause(0.1)
        assert screen.query("Toast")
        _same(app, {Region(0, 0, 120, 40)})
        _same(app, {Region(60, 28, 60, 8), Region(0, 14, 30, 1)})
        # Random regions, overlapping or not, on every part of the screen.
        rng = random.Random(7)
        for _ in range(60):
            regions = set()
            for _ in range(rng.randint(1, 4)):
                x, y = rng.randrange(120), rng.randrange(40)
                regions.add(Region(x, y, rng.randint(1, 120 - x), rng.randint(1, 40 - y)))
            _same(app, regions)


async def test_nothing_changed_writes_nothing(session):
    app = LiveTestApp(session.log)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert _written(app, app.screen._compositor, set(), SpanCompositor) == ""
