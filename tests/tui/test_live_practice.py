"""The practice hook, duck-typed: banner, what the scenario presents now, space to pause, and
on_tick once a second."""

from __future__ import annotations

from kapsession.tui.widgets.live_text import LiveText
from kapsession.tui.widgets.practice_panel import PracticePanel

try:
    from .conftest import LiveTestApp, advance_to_mid_peak, screen_text
except ImportError:
    from live_support import LiveTestApp, advance_to_mid_peak, screen_text


class FakePractice:
    def __init__(self) -> None:
        self.paused = False
        self.ticks = []
        self.items = [("09:40", "monitor: BP 186/104"), ("09:41", "client: “I feel like I'm floating”")]

    def banner(self) -> str:
        return "PRACTICE ×10 — bp-spike-im" + (" (paused)" if self.paused else "")

    def presented(self, state):
        return self.items

    def toggle_pause(self) -> bool:
        self.paused = not self.paused
        return self.paused

    def on_tick(self, state) -> None:
        self.ticks.append(state.now)


async def test_practice_banner_panel_pause_and_tick(session):
    advance_to_mid_peak(session)
    practice = FakePractice()
    app = LiveTestApp(session.log, practice=practice)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        live = app.live
        banner = live.query_one("#practice-banner", LiveText)
        assert "PRACTICE ×10 — bp-spike-im" in banner.plain
        panel = live.query_one(PracticePanel)
        assert panel.display and "monitor: BP 186/104" in panel.plain
        assert "I feel like I'm floating" in screen_text(app)
        # the key bar offers the pause key in practice
        assert "space Pause" in screen_text(app)
        await pilot.press("space")
        assert practice.paused and "(paused)" in banner.render().plain
        await pilot.press("space")
        assert not practice.paused
        # once a second, on_tick with the state
        await pilot.pause(1.2)
        assert practice.ticks and practice.ticks[-1] == session.clock.now()
        practice.items = []
        live.refresh_now()
        await pilot.pause()
        assert not panel.display


async def test_no_practice_no_banner_no_pause(session):
    app = LiveTestApp(session.log)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert not app.live.query("#practice-banner")
        assert "Pause" not in screen_text(app)
        await pilot.press("space")  # nothing happens
        assert app.screen is app.live
