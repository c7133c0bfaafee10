"""tui/screen_paint.py and tui/compositor.py lean on Textual's internals: these tests fail, with
what to check, if a Textual release moves them, and pin down what the mixins promise."""

from __future__ import annotations

import inspect
from datetime import datetime, timezone
from pathlib import Path

from textual._compositor import Compositor
from textual.app import App
from textual.events import ScreenResume
from textual.screen import Screen

from benchmarks import seed
from kapsession.core.clock import ManualClock
from kapsession.tui.app import KapsessionApp
from kapsession.tui.screens.live import LiveScreen

NOW = datetime(2026, 3, 2, 15, 0, tzinfo=timezone.utc)
CHECK = "Textual's internals changed: check tui/screen_paint.py and tui/compositor.py against them"


def test_the_textual_internals_the_screens_lean_on_are_there() -> None:
    screen = Screen()
    for name in ("_compositor", "_dirty_widgets", "_repaint_required", "_layout_required"):
        assert hasattr(screen, name), CHECK
    for name in ("_compositor_refresh", "_on_screen_resume", "_on_timer_update", "_refresh_layout"):
        assert callable(getattr(Screen, name, None)), CHECK
    assert "_batch_count" in inspect.getsource(App._display), CHECK  # why PaintsOnce waits
    assert "refresh_styles" in inspect.getsource(Screen._on_screen_resume), CHECK  # StyledOnce
    assert ScreenResume().refresh_styles is True, CHECK
    compositor = Compositor()
    assert isinstance(compositor._dirty_regions, set), CHECK
    for name in ("render_partial_update", "render_full_update", "_get_renders", "visible_widgets"):
        assert hasattr(Compositor, name), CHECK


async def test_a_deferred_frame_left_over_never_cancels_a_whole_repaint(tmp_path: Path) -> None:
    """A screen whose first frame waited for a batch to end, covered before it ended, keeps no
    say over later repaints: uncovered, with a layout pending in the same update, it is still
    painted whole (a stale flag once cleared the repaint that ScreenResume asks for)."""
    data_dir = tmp_path / "data"
    session_id = seed.seed_long_session(data_dir, 40, 1.0, now=NOW)

    class Frames(KapsessionApp):
        sent: list[str] = []

        def _display(self, screen, renderable) -> None:  # noqa: ANN001
            if renderable is not None and not self._batch_count:
                self.sent.append(type(renderable).__name__)
            super()._display(screen, renderable)

    app = Frames(data_dir, session_id=session_id, clock=ManualClock(NOW))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause(0.2)
        live = app.screen
        assert isinstance(live, LiveScreen)
        Frames.sent.clear()
        live._frame_deferred = True  # as a deferral cut short by a covering screen left it
        live.refresh()  # what ScreenResume asks for when the screen is uncovered
        live._layout_required = True  # and a layout handled in the same update
        await pilot.pause(0.2)
        assert "LayoutUpdate" in Frames.sent
