"""Shown over every screen while the terminal is smaller than 80x24, instead of a broken layout.

The app pushes it on resize and pops it when the window is large enough again; the screens
underneath (and a session's timers and typed text) carry on untouched.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Center, Middle
from textual.screen import Screen
from textual.widgets import Static


class TooSmallScreen(Screen[None]):
    AUTO_FOCUS = None

    def compose(self) -> ComposeResult:
        with Middle():
            with Center():
                yield Static(id="too-small-message")

    def on_mount(self) -> None:
        self.show_size(self.app.size.width, self.app.size.height)

    def on_screen_resume(self) -> None:
        """Uncovered again (a screen above it closed): still needed only if still too small."""
        from kapsession.tui.app import MIN_HEIGHT, MIN_WIDTH

        width, height = self.app.size
        if width >= MIN_WIDTH and height >= MIN_HEIGHT:
            self.app.call_later(self._leave)
        else:
            self.show_size(width, height)

    def _leave(self) -> None:
        if self.app.screen is self:
            self.app.pop_screen()

    def show_size(self, width: int, height: int) -> None:
        from kapsession.tui.app import MIN_HEIGHT, MIN_WIDTH

        self.query_one("#too-small-message", Static).update(
            "The window is too small.\n\n"
            f"Please make the window larger:\nkapsession needs {MIN_WIDTH}x{MIN_HEIGHT}, "
            f"this one is {width}x{height}.\n\n"
            "Nothing is lost: everything is saved\nand the session timers keep running."
        )
