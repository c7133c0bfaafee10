"""Text the live screen offers again and again, as Textual `Content`, and the one wrapping helper.

The live screen folds the session once a second and offers every widget the new state; most of
the time nothing a widget shows has changed, and a widget that is not refreshed costs nothing.
`LiveText` compares what it is offered with what it shows, line by line, and repaints only the
lines that changed (a ticking clock is one line); it lays the screen out again only when the
number of lines changed.

Every text is built with Textual's own `Content` (`Content.assemble` from `(text, style)` parts),
so typed text is never parsed as markup and needs no escaping, and widths are Textual's cell
lengths. A line is drawn with `Content.render_segments` (the widget's colours under it, theme
variables resolved by Textual), and kept until it changes or the theme does.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from textual.content import Content
from textual.geometry import Region, Size
from textual.strip import Strip
from textual.widget import Widget

from kapsession.core.text_rule import visible

Build = Callable[[int], "Content | Sequence[Content]"]
NEWLINE = Content("\n")


def join_lines(lines: Iterable[Content]) -> Content:
    """Lines as one text, one under the other."""
    return NEWLINE.join(lines)


def hang(prefix: Content, body: str | Content, width: int, indent: int, body_style: str = "") -> list[Content]:
    """`prefix` then `body` wrapped to `width` cells, continuation lines indented by `indent`
    cells, so a wrapped note still reads as one entry under its time.

    A body given as a str is typed text: one paragraph in `body_style` (its line breaks and runs
    of spaces read as one space, a character the text rule refuses written out as its escape). Words are kept whole by Textual's wrapping; only a word longer than a
    whole line (a pasted link) is cut. The prefix is never cut: the body starts on the next line
    when no word of it fits after the prefix."""
    if isinstance(body, str):
        body = Content.styled(" ".join(visible(body).split()), body_style)
    if not body:
        return [prefix]
    room = max(10, width - indent)
    text = Content.assemble(prefix, body)
    if text.cell_length <= width and "\n" not in text.plain:
        return [text.rstrip()]  # one line: nothing to wrap (most notes on a wide panel)
    start = len(prefix.plain)
    if prefix.cell_length >= width:
        first, rest = prefix, text[start:]
    else:
        first = text.wrap(width)[0]
        if len(first.plain) < start:  # the prefix itself was wrapped: keep it whole
            first = prefix
        taken = len(first.plain)
        rest = text[taken + _spaces(text.plain, taken) :]
    lines = [first.rstrip()]
    if rest:
        lines += [line.pad_left(indent) for line in rest.wrap(room)]
    return lines


def _spaces(text: str, start: int) -> int:
    """How many spaces follow `start` (where a wrapped line ended)."""
    return len(text[start:]) - len(text[start:].lstrip(" "))


class LiveText(Widget):
    """Shows a `Content`, or lines of it; `show()` and `show_for_width()` repaint only the lines
    that changed.

    `show_for_width(build)` is for text laid out for the widget's width (shortened to fit, or
    wrapped with a hanging indent): it is built again whenever the width changes. Before the
    widget is laid out its width is unknown, so the text is built when Textual first measures
    the widget (an auto height asks with the width) or draws it: the first frame is drawn at the
    real width, not at a guess that a Resize would correct a frame later.

    A line longer than the width is wrapped at words (Textual's `Content.wrap`) unless the
    widget's style says `text-wrap: nowrap` (then it is cut at the edge); `text-align` is kept.
    """

    DEFAULT_CSS = "LiveText { height: auto; }"

    def __init__(self, content: Content | str = "", **kwargs) -> None:
        super().__init__(**kwargs)
        self._text_given: list[Content] = _as_lines(content)  # the text's lines, as given
        self._text_builder: Build | None = None
        self._text_width = 0  # the width the text was built for (0: not built yet)
        self._text_key: object = None  # what the text was built from, when the caller said
        self._drawn_lines: tuple[int, list[Content]] | None = None  # (width, the lines drawn at it)
        self._drawn_strips: dict[int, Strip] = {}  # drawn lines, by row
        self._drawn_in: tuple | None = None  # the colours (and theme) they were drawn in
        self.updates = 0  # how many times the text really changed (tests and benchmarks read it)

    # -- what is shown -----------------------------------------------------------------------
    @property
    def shown(self) -> Content:
        return join_lines(self._text_given)

    @property
    def plain(self) -> str:
        return "\n".join(line.plain for line in self._text_given)

    def show(self, content: Content | Sequence[Content] | str) -> bool:
        """Show `content` (markup when a str; lines when a sequence) unless it is shown already;
        True if it changed."""
        self._text_builder = None
        self._text_key = None
        return self._replace(content, measuring=False)

    def show_for_width(self, build: Build, key: object = None) -> bool:
        """Show what `build(width)` makes (a Content, or its lines) for the content width, and
        build it again whenever the width changes. False when nothing changed (or nothing can be
        built yet).

        `key`, when given, is everything the text is made from besides the width: offered the
        same key at the same width, the text is not built again (most of what the screen offers
        each second is what it offered the second before)."""
        width = self.content_region.width
        if key is not None and key == self._text_key and width == self._text_width and width > 0:
            self._text_builder = build
            return False
        self._text_builder = build
        self._text_key = key
        if width <= 0:  # not laid out yet, or hidden
            if self._text_width and self.is_mounted:
                self.refresh(layout=True)  # measured again (and so built) at the next layout
            self._text_width = 0
            return False
        self._text_width = width
        return self._replace(build(width), measuring=False)

    def _replace(self, content: Content | Sequence[Content] | str, measuring: bool) -> bool:
        given = _as_lines(content)
        if _same_lines(given, self._text_given):
            return False
        self._text_given = given
        self.updates += 1
        drawn = self._drawn_lines
        if measuring:
            # Textual is measuring or drawing this widget now: the layout under way takes the new
            # text (as drawing does), so only what was drawn before is let go.
            self._drawn_lines = None
            self._drawn_strips.clear()
            self.refresh()
            return True
        width = self.content_region.width if self.is_mounted else 0
        if drawn is None or width <= 0 or drawn[0] != width:
            # Nothing drawn at this width yet: measured and drawn afresh.
            self._drawn_lines = None
            self._drawn_strips.clear()
            if self.is_mounted:
                self.refresh(layout=True)
            return True
        self._drawn_lines = None  # (the lines drawn are those of the old text)
        old_lines, new_lines = drawn[1], self._lines_at(width)
        if len(old_lines) != len(new_lines) or self._auto_width_changed(old_lines, new_lines):
            self._drawn_strips.clear()
            self.refresh(layout=True)
            return True
        # Only the lines that changed are drawn again, and only the cells that changed are sent
        # to the terminal (a ticking clock is a few digits of one line).
        regions = []
        for y, (new, before) in enumerate(zip(new_lines, old_lines, strict=True)):
            if not new.is_same(before):
                self._drawn_strips.pop(y, None)
                x, cells = _changed_cells(new, before, width)
                regions.append(Region(x, y, cells, 1))
        if regions:
            self.refresh(*regions)
        return True

    def _auto_width_changed(self, old: list[Content], new: list[Content]) -> bool:
        if self.styles.width is None or not self.styles.width.is_auto:
            return False
        return max(line.cell_length for line in old) != max(line.cell_length for line in new)

    def _lines_at(self, width: int) -> list[Content]:
        """The lines as drawn `width` cells wide (wrapped, aligned), kept for that width."""
        drawn = self._drawn_lines
        if drawn is not None and drawn[0] == width:
            return drawn[1]
        styles = self.styles
        lines = self._text_given
        if styles.text_wrap != "nowrap" and any(line.cell_length > width for line in lines):
            lines = [
                part for line in lines for part in (line.wrap(max(1, width)) if line.cell_length > width else [line])
            ]
        align = styles.text_align
        if align in ("center", "right", "end"):
            lines = [_aligned(line, width, align) for line in lines]
        self._drawn_lines = (width, lines)
        return lines

    def _build_for(self, width: int) -> None:
        """Build the text of `show_for_width` for `width` if it was built for another width (or
        not yet), while Textual measures or draws the widget."""
        if self._text_builder is None or width <= 0 or width == self._text_width:
            return
        self._text_width = width
        self._replace(self._text_builder(width), measuring=True)

    def on_resize(self) -> None:
        if self._text_builder is not None and self.content_region.width != self._text_width:
            self.show_for_width(self._text_builder, key=self._text_key)

    # -- Textual asks -----------------------------------------------------------------------
    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        self._build_for(width)
        return len(self._lines_at(width)) if width > 0 else 0

    def get_content_width(self, container: Size, viewport: Size) -> int:
        return max((line.cell_length for line in self._text_given), default=0)

    def render(self) -> Content:
        """The whole text (what Textual shows for it; it is drawn line by line, `render_line`)."""
        return self.shown

    def render_line(self, y: int) -> Strip:
        width = self.content_region.width
        self._build_for(width)  # (a fixed height is never measured)
        base = self.visual_style
        colours = (base, self.app.theme)
        if colours != self._drawn_in:  # a new theme (or a restyle): every line is drawn again
            self._drawn_in = colours
            self._drawn_strips.clear()
        strip = self._drawn_strips.get(y)
        if strip is None:
            lines = self._lines_at(width)
            if y >= len(lines):
                return Strip.blank(width, base.rich_style)
            # Cut or padded to the content width by Textual, as any widget's line.
            strip = self._drawn_strips[y] = Strip(lines[y].render_segments(base))
        return strip


def _aligned(line: Content, width: int, align: str) -> Content:
    """`line` centred or set right in `width` cells, with plain spaces (they take no style)."""
    room = max(0, width - line.cell_length)
    left = room // 2 if align == "center" else room
    return Content.assemble(" " * left, line, " " * (room - left))


def _as_lines(content: Content | Sequence[Content] | str) -> list[Content]:
    """A text as its lines (markup when a str)."""
    if isinstance(content, str):
        content = Content.from_markup(content)
    if isinstance(content, Content):
        return content.split("\n", allow_blank=True) if "\n" in content.plain else [content]
    return list(content)


def _changed_cells(new: Content, old: Content, width: int) -> tuple[int, int]:
    """(x, cells) of a changed line to repaint: from its first changed character to its last
    when both lines have the same length and the same styles in the same places (a clock's
    digits), else the whole line."""
    if new.cell_length != old.cell_length or len(new.plain) != len(old.plain) or new.spans != old.spans:
        return 0, width
    text, before = new.plain, old.plain
    first = next((i for i, (a, b) in enumerate(zip(text, before, strict=True)) if a != b), None)
    if first is None:
        return 0, width
    last = next(i for i in range(len(text) - 1, -1, -1) if text[i] != before[i])
    x = Content(text[:first]).cell_length
    if x >= width:
        return 0, width
    return x, min(width, Content(text[: last + 1]).cell_length) - x


def _same_lines(new: list[Content], old: list[Content]) -> bool:
    return len(new) == len(old) and all(a.is_same(b) for a, b in zip(new, old, strict=True))
