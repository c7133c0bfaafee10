"""A partial repaint that draws only what it writes.

Textual's compositor repaints the regions that changed (`render_partial_update`) by rendering
every widget whose container overlaps the rectangle around all of them, each in full, and then
writing only the changed cells. On the live screen a reading saved from the vitals line changes
the vitals panel (near the top, on the left) and the key bar (at the foot): the rectangle around
them is most of the screen, so the header, the phases, the alerts, the notes and the intention
were all rendered again (from their caches) for nothing, about a third of that repaint.

`SpanCompositor` renders, for a partial update, only the widgets that cover a changed region,
and of each only its rows that hold one. What is written is the same to the byte: a cell is
written only when it lies in a changed region, and it comes from the front-most widget covering
it, which by definition is one of those rendered here. A full update (a layout, a resize) is
Textual's own.
"""

from __future__ import annotations

from typing import Iterable

from textual._compositor import ChopsUpdate, Compositor
from textual.geometry import Region
from textual.strip import Strip


class SpanCompositor(Compositor):
    def __init__(self) -> None:
        super().__init__()
        self._update_regions: list[Region] | None = None

    def render_partial_update(self) -> ChopsUpdate | None:
        regions = list(self._dirty_regions)
        self._update_regions = regions
        try:
            return super().render_partial_update()
        finally:
            self._update_regions = None

    def _get_renders(self, crop: Region | None = None) -> Iterable[tuple[Region, Region, list[Strip]]]:
        regions = self._update_regions
        if crop is None or not regions:
            yield from super()._get_renders(crop)
            return
        intersection = Region.intersection
        for widget, (region, clip) in self.visible_widgets.items():
            shown = intersection(region, clip)
            if not shown:
                continue
            # The rows of this widget that hold a changed region, in runs of adjacent rows (the
            # screen itself, behind everything, holds both ends of the screen's changes).
            spans = sorted((max(shown.y, changed.y), min(shown.bottom, changed.bottom))
                           for changed in regions if shown.overlaps(changed))
            runs: list[list[int]] = []
            for top, bottom in spans:
                if runs and top <= runs[-1][1]:
                    runs[-1][1] = max(runs[-1][1], bottom)
                else:
                    runs.append([top, bottom])
            for top, bottom in runs:
                rows = Region(shown.x, top, shown.width, bottom - top)
                yield region, rows, widget.render_lines(
                    Region(rows.x - region.x, rows.y - region.y, rows.width, rows.height))
