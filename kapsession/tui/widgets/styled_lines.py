"""Lines of styled pieces drawn straight to strips: for text that changes every second.

A `Static` parses markup on every update and lays the result out again (wrapping included);
for the running clocks that is most of what a second costs. `StyledLines` takes its text as
pieces, `(text, style)` with a Textual style string such as `"b $phase-peak"` (`""` for the
widget's own colours), resolves each style once per theme, and renders each line as one strip.
Typed text needs no escaping here: nothing is parsed. The text is never wrapped; a line longer
than the widget is cut (callers fit their lines to the width: `show_for_width`).
"""

from __future__ import annotations

from typing import Callable, Iterable, Sequence

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style as RichStyle
from textual.content import Content
from textual.events import Resize
from textual.geometry import Region, Size
from textual.strip import Strip
from textual.style import Style
from textual.widgets import Static

Piece = tuple[str, str]  # text, style
Line = tuple[Piece, ...]


def line_length(line: Iterable[Piece]) -> int:
    """Cells a line of pieces takes."""
    return sum(cell_len(text) for text, _ in line)


def pieces_markup(line: Iterable[Piece]) -> str:
    """The same line as Textual markup (for tests and for places that still take markup)."""
    from kapsession.tui.widgets.state_text import esc

    return "".join(f"[{style}]{esc(text)}[/]" if style else esc(text) for text, style in line if text)


def _changed_cells(new: Line, old: Line, width: int) -> tuple[int, int]:
    """(x, width) of the cells that differ, from the first changed piece to the last, when both
    lines are cut the same way (a clock's digits); else the whole line. One span per line: Textual
    writes each span of a line from the start of the widget's strip, so several spans on a line
    would write its beginning several times."""
    if len(new) != len(old):
        return 0, width
    first = last = None
    x = 0
    for (text, style), (old_text, old_style) in zip(new, old):
        cells = cell_len(text)
        if cells != cell_len(old_text):
            return 0, width
        if text != old_text or style != old_style:
            if first is None:
                first = x
            last = x + cells
        x += cells
    if first is None or first >= width:
        return 0, width
    return first, min(width, last or width) - first


def hang_lines(prefix: Line, body: str, width: int, indent: int, body_style: str = "") -> list[Line]:
    """`state_text.hang` in pieces: `prefix`, then `body` wrapped to `width` with continuation
    lines indented by `indent` cells (words whole, as there)."""
    from kapsession.tui.widgets.state_text import split_hanging

    first, rest = split_hanging(body, width - line_length(prefix), max(10, width - indent))
    lines = [(*prefix, (first, body_style)) if first else tuple(prefix)]
    lines += [((" " * indent, ""), (line, body_style)) for line in rest]
    return lines


def wrap_pieces(line: Line, width: int, indent: int) -> list[Line]:
    """A line of pieces wrapped at its spaces to `width` cells (each word keeps its styles),
    continuation lines indented by `indent`; the line itself when it fits."""
    if line_length(line) <= width:
        return [tuple(line)]
    words: list[list[Piece]] = [[]]
    for text, style in line:
        for number, part in enumerate(text.split(" ")):
            if number:
                words.append([])
            if part:
                words[-1].append((part, style))
    lines: list[Line] = []
    current: list[Piece] = []
    used, fresh = 0, True  # fresh: nothing on this line yet but its indent
    for word in (word for word in words if word):
        size = line_length(word)
        if not fresh and used + 1 + size > width:
            lines.append(tuple(current))
            current, used, fresh = [(" " * indent, "")], indent, True
        if not fresh:
            current.append((" ", ""))
            used += 1
        current += word
        used += size
        fresh = False
    if current:
        lines.append(tuple(current))
    return lines


def lines_plain(lines: Iterable[Line]) -> str:
    """Lines of pieces as plain text, one line each."""
    return "\n".join("".join(text for text, _ in line) for line in lines)


def pieces_content(line: Iterable[Piece]) -> Content:
    return Content.assemble(*((text, style) if style else text for text, style in line if text))


class PieceStyles:
    """Draws lines of pieces for a widget: each piece's style name is resolved once per theme
    against the widget's own colours, and a line becomes one strip. A mixin for a Widget subclass,
    which calls `_init_piece_styles()` in its `__init__` and keeps its drawn strips in `_strips`
    (cleared here when the theme or the widget's colours change)."""

    _strips: dict[int, Strip]

    def _init_piece_styles(self) -> None:
        self._styles: dict[str, RichStyle] = {}
        self._style_key: tuple | None = None

    def _resolved(self) -> dict[str, RichStyle]:
        """The styles resolved so far, for the widget's current colours and theme."""
        base = self.visual_style  # type: ignore[attr-defined]
        key = (base, self.app.theme)  # type: ignore[attr-defined]
        if key != self._style_key:
            # A new theme (or a restyle): every piece's colours are looked up again.
            self._style_key = key
            self._styles.clear()
            self._strips.clear()
        return self._styles

    def _style(self, name: str) -> RichStyle:
        style = self._resolved().get(name)
        if style is None:
            base = self.visual_style  # type: ignore[attr-defined]
            try:
                style = (base + self._parse_style(name)).rich_style if name else base.rich_style
            except Exception:  # noqa: BLE001 - an unknown style draws plain, never breaks a line
                style = base.rich_style
            self._styles[name] = style
        return style

    def _parse_style(self, name: str) -> Style:
        """A piece's style name as a Textual style (theme variables resolved); subclasses may
        add names of their own."""
        return Style.parse(name)

    def _line_strip(self, line: Line) -> Strip:
        """One line of pieces as a strip (uncut: Textual or the caller fits it to the width)."""
        styles = self._resolved()
        segments: list[Segment] = []
        last = None
        for text, name in line:
            if not text:
                continue
            if name == last:  # one segment for a run of pieces in the same style
                segments[-1] = Segment(segments[-1].text + text, segments[-1].style)
            else:
                segments.append(Segment(text, styles.get(name) or self._style(name)))
                last = name
        return Strip(segments)


class StyledLines(PieceStyles, Static):
    """`show_lines(lines)` sets the text; nothing is redrawn when it is the same.

    A Static only so that whatever reads a Static's text (`render()`) reads this one too; it is
    drawn by `render_line`, never through `render()`.
    """

    DEFAULT_CSS = "StyledLines { height: auto; }"

    def __init__(self, lines: Sequence[Line] = (), **kwargs) -> None:
        super().__init__("", **kwargs)
        self._lines: tuple[Line, ...] = tuple(lines)
        self._strips: dict[int, Strip] = {}
        self._init_piece_styles()
        self.updates = 0  # how many times the text really changed (tests read it)
        self._build: Callable[[int], Sequence[Line]] | None = None  # see show_for_width
        self._built_for = 0  # the width the lines were built for (0: not built yet)

    # -- text ----------------------------------------------------------------------------------
    def show_lines(self, lines: Sequence[Line]) -> bool:
        """Show `lines`; only the lines that changed are drawn again (a layout only when the
        number of lines changed). False when nothing changed."""
        self._build = None
        return self._show_lines(lines)

    def _show_lines(self, lines: Sequence[Line]) -> bool:
        lines = tuple(lines)
        old = self._lines
        if lines == old:
            return False
        self._lines = lines
        self.updates += 1
        if len(lines) != len(old) or not self.is_mounted:
            self._strips.clear()
            self.refresh(layout=True)
            return True
        width = max(1, self.content_size.width)
        regions = []
        for y, (new, before) in enumerate(zip(lines, old)):
            if new != before:
                self._strips.pop(y, None)
                # Content coordinates; only up to the last changed cell goes to the terminal.
                x, span = _changed_cells(new, before, width)
                regions.append(Region(x, y, span, 1))
        self.refresh(*regions)
        return True

    def show_for_width(self, build: Callable[[int], Sequence[Line]]) -> bool:
        """Show the lines `build(width)` makes for the content width, and build them again
        whenever the width changes.

        Before the widget is laid out its width is unknown, so the lines are built when Textual
        first measures the widget (an auto height asks with the width) or draws it. The first
        frame is then drawn at the real width: lines built for a guessed width were drawn, then
        rebuilt on the Resize that followed, a second layout and frame later. False when nothing
        changed (or nothing can be drawn yet)."""
        self._build = build
        width = self.content_region.width
        if width <= 0:  # not laid out yet, or hidden
            if self._built_for and self.is_mounted:
                self.refresh(layout=True)  # measured again (and so built) at the next layout
            self._built_for = 0
            return False
        self._built_for = width
        return self._show_lines(build(width))

    def _build_for(self, width: int) -> None:
        """Build the lines of `show_for_width` for `width` if they were built for another width
        (or not yet), without asking for a refresh: Textual is measuring or drawing the widget."""
        if self._build is None or width <= 0 or width == self._built_for:
            return
        self._built_for = width
        lines = tuple(self._build(width))
        if lines != self._lines:
            self._lines = lines
            self._strips.clear()
            self.updates += 1

    def on_resize(self, event: Resize) -> None:
        if self._build is not None and self.content_region.width != self._built_for:
            self.show_for_width(self._build)

    @property
    def lines(self) -> tuple[Line, ...]:
        return self._lines

    @property
    def plain(self) -> str:
        return lines_plain(self._lines)

    def render(self) -> Content:
        return Content("\n").join(pieces_content(line) for line in self._lines)

    # -- size ----------------------------------------------------------------------------------
    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        self._build_for(width)
        return len(self._lines)

    def get_content_width(self, container: Size, viewport: Size) -> int:
        return max((line_length(line) for line in self._lines), default=0)

    # -- drawing -------------------------------------------------------------------------------
    def render_line(self, y: int) -> Strip:
        self._resolved()  # (clears the strips when the theme changed)
        if self._build is not None:
            self._build_for(self.content_region.width)  # (a fixed height is never measured)
        strip = self._strips.get(y)
        if strip is not None:
            return strip
        if y >= len(self._lines):
            return Strip.blank(self.size.width, self._style(""))
        # Cut or padded to the content width by Textual (the styles cache), as any widget's line.
        strip = self._line_strip(self._lines[y])
        self._strips[y] = strip
        return strip
