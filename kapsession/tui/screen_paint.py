"""Two frames Textual paints for nothing, one it drops, and a restyle it does twice: mixins for
our screens (`PaintsOnce`, `StyledOnce`).

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


class PaintsOnce:
    """Mixin for a Screen (put it before `Screen` in the bases)."""

    _frame_deferred = False

    def _compositor_refresh(self) -> None:
        screen = self  # a Screen, through the class this is mixed into
        app = screen.app  # type: ignore[attr-defined]
        top = app.screen
        if screen is not top:
            if top.styles.background.a == 1:
                screen._compositor._dirty_regions.clear()  # type: ignore[attr-defined]
                screen._dirty_widgets.clear()  # type: ignore[attr-defined]
                return
        elif app._batch_count:
            screen._frame_deferred = True
            screen.refresh()  # type: ignore[attr-defined] - so a repaint follows the batch
            return
        elif screen._frame_deferred:
            # This refresh paints the kept regions whole; the repaint asked for above is this one.
            screen._frame_deferred = False
            screen._repaint_required = False  # type: ignore[attr-defined]
        super()._compositor_refresh()  # type: ignore[misc]


class StyledOnce:
    """Mixin for a Screen: its first showing does not restyle what mounting just styled."""

    _shown_before = False

    def _on_screen_resume(self, event: "ScreenResume") -> None:
        # Runs before Screen's own handler (Textual calls each class's handler in MRO order).
        if not self._shown_before:
            self._shown_before = True
            if event.refresh_styles:
                event.refresh_styles = False
                self.app.stylesheet.apply(self)  # type: ignore[attr-defined] - the screen node only
