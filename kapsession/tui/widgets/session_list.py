"""The home screen's list of sessions: a header row and one plain line per session.

A Line API widget (Textual's ScrollView): it draws only the lines on screen, each from a few
strings, so 200 sessions cost what the visible 20 or 40 do. Textual's DataTable measured and
rendered every cell through Rich on the first frame and painted a second time once it had
measured its columns; this list's column widths are known when its rows are set, so the very
first frame is the finished one (issue 6: launch to home painted).

Keys (none shown in the footer, as a DataTable's): up/down move the cursor row, page up/down a
screenful, home/end (or ctrl+home/ctrl+end) the first and last session, Enter selects. A click
moves the cursor; a click on the row already under it selects it, as a DataTable does.

The API is the part of DataTable's the home screen and its tests use: `rows` (keys with a
`.value`, in order), `row_count`, `get_row(key)`, `get_row_index(key)`, `cursor_row`,
`move_cursor(row=...)`, `clear()`; and the messages `RowHighlighted` and `RowSelected`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import ClassVar

from rich.cells import cell_len
from rich.segment import Segment
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

GAP = 2  # spaces between columns (a DataTable's cell padding of 1 on each side)
EDGE = 1  # a space before the first column


class RowKey(str):
    """A row's key (the session id): a str, with `.value` as a DataTable's RowKey has."""

    __slots__ = ()

    @property
    def value(self) -> str:
        return str(self)


def _cells(text: str) -> int:
    """Terminal cells `text` takes (a session's texts are nearly always ASCII: one cell each)."""
    return len(text) if text.isascii() else cell_len(text)


def _fit(text: str, width: int) -> str:
    """`text` padded or clipped (with an ellipsis) to exactly `width` cells."""
    length = _cells(text)
    if length <= width:
        return text + " " * (width - length)
    if width <= 0:
        return ""
    clipped = text
    while clipped and _cells(clipped) > width - 1:
        clipped = clipped[:-1]
    return clipped + "…" + " " * (width - 1 - _cells(clipped))


class SessionList(ScrollView, can_focus=True):
    """Rows of short texts under a header row, with a row cursor."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select_cursor", "Select", show=False),
        Binding("up", "cursor_up", "Cursor up", show=False),
        Binding("down", "cursor_down", "Cursor down", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("home,ctrl+home", "first", "First", show=False),
        Binding("end,ctrl+end", "last", "Last", show=False),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {"session-list--header", "session-list--cursor"}

    # The same theme variables as Textual's DataTable, so every theme's tested cursor colours hold.
    DEFAULT_CSS = """
    SessionList {
        background: $surface;
        color: $foreground;
        height: 1fr;
        overflow-x: hidden;
        & > .session-list--header {
            text-style: bold;
            background: $panel;
            color: $foreground;
        }
        &:ansi > .session-list--header {
            background: ansi_bright_blue;
            color: ansi_default;
        }
        & > .session-list--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
        &:focus {
            background-tint: $foreground 5%;
            & > .session-list--cursor {
                background: $block-cursor-background;
                color: $block-cursor-foreground;
                text-style: $block-cursor-text-style;
            }
            & > .session-list--header {
                background-tint: $foreground 5%;
            }
        }
    }
    """

    class RowHighlighted(Message):
        """The cursor moved to another row."""

        def __init__(self, session_list: SessionList, row_key: RowKey, cursor_row: int) -> None:
            super().__init__()
            self.session_list = session_list
            self.row_key = row_key
            self.cursor_row = cursor_row

        @property
        def control(self) -> SessionList:
            return self.session_list

    class RowSelected(RowHighlighted):
        """Enter (or a click on the cursor row) chose a row."""

    def __init__(
        self,
        columns: Sequence[str],
        *,
        shrink: Sequence[int] = (),
        min_width: int = 8,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        """`columns`: the header labels. `shrink`: the columns (by index) that give up width,
        first to last, when a row would not fit the widget (their texts are clipped with "…",
        never below `min_width`); the others always show in full."""
        super().__init__(id=id, classes=classes)
        self.columns = tuple(columns)
        self._shrink = tuple(shrink)
        self._min_width = min_width
        self._keys: list[RowKey] = []
        self._cells: dict[RowKey, tuple[str, ...]] = {}
        self._index: dict[str, int] = {}
        self._natural = [_cells(label) for label in self.columns]
        self._widths: tuple[int, tuple[int, ...]] | None = None  # (for width, column widths)
        self._lines: dict[int, str] = {}  # row index (-1: the header) -> its text at those widths
        self.cursor_row = 0

    # -- data ---------------------------------------------------------------------------------
    @property
    def rows(self) -> dict[RowKey, tuple[str, ...]]:
        """Every row's cells by key, in display order."""
        return self._cells

    @property
    def row_count(self) -> int:
        return len(self._keys)

    @property
    def cursor_key(self) -> RowKey | None:
        if not self._keys:
            return None
        return self._keys[min(self.cursor_row, len(self._keys) - 1)]

    def get_row(self, key: str) -> list[str]:
        return list(self._cells[RowKey(key)])

    def get_row_index(self, key: str) -> int:
        return self._index[key]

    def clear(self) -> None:
        self._keys.clear()
        self._cells.clear()
        self._index.clear()
        self._natural = [_cells(label) for label in self.columns]
        self.cursor_row = 0
        self._resized()

    def add_rows(self, rows: Iterable[tuple[str, Sequence[str]]]) -> None:
        """Append rows: (key, cells), one cell per column."""
        natural = self._natural
        for key, cells in rows:
            row_key = RowKey(key)
            if row_key in self._cells:
                continue
            texts = tuple(cells)
            self._index[row_key] = len(self._keys)
            self._keys.append(row_key)
            self._cells[row_key] = texts
            for column, text in enumerate(texts):
                length = _cells(text)
                if length > natural[column]:
                    natural[column] = length
        self._resized()

    def _resized(self) -> None:
        self._widths = None
        self._lines.clear()
        width = EDGE + sum(self._natural) + GAP * (len(self._natural) - 1) + EDGE
        self.virtual_size = Size(width, len(self._keys) + 1)  # + the header line
        self.refresh()

    # -- cursor -------------------------------------------------------------------------------
    def move_cursor(self, *, row: int, animate: bool = False) -> None:
        if not self._keys:
            return
        row = max(0, min(row, len(self._keys) - 1))
        moved = row != self.cursor_row
        self.cursor_row = row
        self._scroll_cursor_into_view()
        self.refresh()
        if moved:
            self.post_message(self.RowHighlighted(self, self._keys[row], row))

    def _page(self) -> int:
        """Rows in one screenful (the lines under the header)."""
        return max(1, self.scrollable_content_region.height - 1)

    def _move_page(self, direction: int) -> None:
        """A screenful up or down: the view turns a page and the cursor keeps its line on it."""
        if not self._keys:
            return
        page = self._page() * direction
        top = max(0, min(round(self.scroll_y) + page, len(self._keys) - self._page()))
        self.scroll_to(y=top, animate=False, force=True, immediate=True)
        self.move_cursor(row=self.cursor_row + page)

    def _scroll_cursor_into_view(self) -> None:
        lines = self.scrollable_content_region.height - 1  # under the header
        if lines <= 0:
            return  # not laid out yet: on_resize scrolls
        top = round(self.scroll_y)
        if self.cursor_row < top:
            target = self.cursor_row
        elif self.cursor_row >= top + lines:
            target = self.cursor_row - lines + 1
        else:
            return
        self.scroll_to(y=target, animate=False, force=True, immediate=True)

    def on_resize(self) -> None:
        self._scroll_cursor_into_view()

    def action_cursor_up(self) -> None:
        self.move_cursor(row=self.cursor_row - 1)

    def action_cursor_down(self) -> None:
        self.move_cursor(row=self.cursor_row + 1)

    def action_page_up(self) -> None:
        self._move_page(-1)

    def action_page_down(self) -> None:
        self._move_page(1)

    def action_first(self) -> None:
        self.move_cursor(row=0)

    def action_last(self) -> None:
        self.move_cursor(row=len(self._keys) - 1)

    def action_select_cursor(self) -> None:
        key = self.cursor_key
        if key is not None:
            self.post_message(self.RowSelected(self, key, self.cursor_row))

    async def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None or offset.y < 1:
            return  # the header, or the scrollbar
        row = round(self.scroll_y) + offset.y - 1
        if row >= len(self._keys):
            return
        event.stop()
        if row == self.cursor_row:
            self.action_select_cursor()
        else:
            self.move_cursor(row=row)

    # -- drawing ------------------------------------------------------------------------------
    def notify_style_update(self) -> None:
        super().notify_style_update()
        self.refresh()

    def _column_widths(self, width: int) -> tuple[int, ...]:
        """Each column's width for a widget `width` cells wide: the widest text in it, less what
        the shrinking columns give up when the line would not fit."""
        if self._widths is not None and self._widths[0] == width:
            return self._widths[1]
        widths = list(self._natural)
        over = EDGE + sum(widths) + GAP * (len(widths) - 1) + EDGE - width
        for column in self._shrink:
            if over <= 0:
                break
            give = min(over, max(0, widths[column] - max(self._min_width, _cells(self.columns[column]))))
            widths[column] -= give
            over -= give
        self._widths = (width, tuple(widths))
        self._lines.clear()
        return self._widths[1]

    def _line(self, index: int, width: int) -> str:
        """Row `index` (-1: the header) as the text of one line exactly `width` cells wide."""
        text = self._lines.get(index)
        if text is None:
            widths = self._column_widths(width)
            texts = self.columns if index < 0 else self._cells[self._keys[index]]
            text = " " * EDGE + (" " * GAP).join(_fit(cell, size) for cell, size in zip(texts, widths, strict=False))
            length = _cells(text)
            if length < width:
                text += " " * (width - length)
            elif length > width:  # only when even the shrunk columns cannot fit
                text = _fit(text, width)
            self._lines[index] = text
        return text

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        if width <= 0:
            return Strip.blank(0)
        self._column_widths(width)  # drops the cached lines when the width changed
        if y == 0:
            index, component = -1, "session-list--header"
        else:
            index = round(self.scroll_y) + y - 1
            if index >= len(self._keys):
                return Strip.blank(width, self.get_visual_style().rich_style)
            component = "session-list--cursor" if index == self.cursor_row else ""
        style = (self.get_visual_style(component) if component else self.get_visual_style()).rich_style
        return Strip([Segment(self._line(index, width), style)], width)

    def render_lines_text(self) -> list[str]:
        """The lines the widget shows now, as plain text (what the tests read)."""
        return [strip.text for strip in (self.render_line(y) for y in range(self.scrollable_content_region.height))]


__all__ = ["RowKey", "SessionList"]
