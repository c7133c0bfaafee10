"""Three things Textual does for nothing on our screens, undone by two Screen mixins
(`PaintsOnce`, `StyledOnce`); they reach into Textual's internals, which
tests/tui/test_screen_paint.py checks are still there.

1. **The first frame, dropped.** Textual mounts the app's first screen inside
   `App.batch_update()`, and while a batch is open `App._display` writes nothing. A screen pushed
   in that window (the live screen, on `kapsession resume`) still renders its first frame there,
   and the compositor then counts it as drawn: the frame is dropped and the next one holds only
   what changed since. In a terminal the header, the timeline and the key bar came first, over a
   blank middle, and the panels 20-30 ms later with a full repaint. Here the refresh waits for
   the batch to end: the compositor keeps its changed regions and paints them, whole, once.
2. **A screen nobody can see, repainting the one on top.** A layout change in a screen under
   the top one (the home screen, built under the live screen after its first paint) makes
   Textual repaint the whole top screen, in case it shows through. Behind an opaque screen
   nothing does, so the change waits: Textual repaints a screen whole when it comes back on top.
3. **Every widget styled twice before the first paint.** Textual styles each widget as it mounts,
   and then, as the screen is shown, restyles the screen and everything on it (about 3 ms on the
   live screen): a screen shown again may have missed a change of theme or classes meanwhile.
   Shown for the first time, just after its widgets mounted, it has not; only the screen itself,
   styled before its compose set its classes, is styled again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from textual.events import ScreenResume
    from textual.screen import Screen

    _ScreenMixin = Screen  # what the mixins are mixed into, for the type checker
else:
    _ScreenMixin = object


class PaintsOnce(_ScreenMixin):
    """Mixin for a Screen (put it before `Screen` in the bases)."""

    _frame_deferred = False

    def _compositor_refresh(self) -> None:
        app = self.app
        top = app.screen
        if self is not top:
            self._frame_deferred = False  # Textual repaints it whole when it is on top again
            if top.styles.background.a == 1:
                self._compositor._dirty_regions.clear()
                self._dirty_widgets.clear()
                return
        elif app._batch_count:
            self._frame_deferred = True
            self.refresh()  # so a repaint follows the batch
            return
        elif self._frame_deferred:
            self._frame_deferred = False
            compositor = self._compositor
            if compositor.size.region in compositor._dirty_regions:
                # This refresh paints the kept regions whole: the repaint asked for above is it.
                self._repaint_required = False
        super()._compositor_refresh()


class StyledOnce(_ScreenMixin):
    """Mixin for a Screen: its first showing does not restyle what mounting just styled."""

    _shown_before = False

    def _on_screen_resume(self, event: "ScreenResume") -> None:
        # Runs before Screen's own handler (Textual calls each class's handler in MRO order).
        if not self._shown_before:
            self._shown_before = True
            if event.refresh_styles:
                event.refresh_styles = False
                self.app.stylesheet.apply(self)  # the screen node only
