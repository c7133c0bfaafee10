"""Text the live screen offers again and again, as Textual `Content`, and the one wrapping helper.

The live screen folds the session once a second and offers every widget the new state; most of
the time nothing a widget shows has changed, and a widget that is not refreshed costs nothing.
`LiveText` compares what it is offered with what it shows and refreshes only on a change, and
lays the screen out again only when the text's size changed (a countdown ticking keeps its size).

Every text is built with Textual's own `Content` (`Content.assemble` from `(text, style)` parts,
or `Content.from_markup` with typed text passed as template variables), so typed text is never
parsed as markup and needs no escaping, and widths are Textual's cell lengths.
"""

from __future__ import annotations

from typing import Callable, Iterable

from textual.content import Content
from textual.geometry import Size
from textual.widget import Widget

Build = Callable[[int], Content]
NEWLINE = Content("\n")


def join_lines(lines: Iterable[Content]) -> Content:
    """Lines as one text, one under the other."""
    return NEWLINE.join(lines)


def hang(prefix: Content, body: str | Content, width: int, indent: int, body_style: str = "") -> list[Content]:
    """`prefix` then `body` wrapped to `width` cells, continuation lines indented by `indent`
    cells, so a wrapped note still reads as one entry under its time.

    A body given as a str is one paragraph in `body_style` (its line breaks and runs of spaces
    read as one space). Words are kept whole by Textual's wrapping; only a word longer than a
    whole line (a pasted link) is cut. The prefix is never cut: the body starts on the next line
    when no word of it fits after the prefix."""
    if isinstance(body, str):
        body = Content.styled(" ".join(body.split()), body_style)
    if not body:
        return [prefix]
    room = max(10, width - indent)
    text = Content.assemble(prefix, body)
    start = len(prefix.plain)
    if prefix.cell_length >= width:
        first, rest = prefix, text[start:]
    else:
        first = text.wrap(width)[0]
        if len(first.plain) < start:  # the prefix itself was wrapped: keep it whole
            first = prefix
        taken = len(first.plain)
        rest = text[taken + _spaces(text.plain, taken):]
    lines = [first.rstrip()]
    if rest:
        lines += [line.pad_left(indent) for line in rest.wrap(room)]
    return lines


def _spaces(text: str, start: int) -> int:
    """How many spaces follow `start` (where a wrapped line ended)."""
    return len(text[start:]) - len(text[start:].lstrip(" "))


class LiveText(Widget):
    """Shows a `Content`; `show()` and `show_for_width()` refresh only when it changed.

    `show_for_width(build)` is for text laid out for the widget's width (shortened to fit, or
    wrapped with a hanging indent): it is built again whenever the width changes. Before the
    widget is laid out its width is unknown, so the text is built when Textual first measures
    the widget (an auto height asks with the width) or draws it: the first frame is drawn at the
    real width, not at a guess that a Resize would correct a frame later.
    """

    DEFAULT_CSS = "LiveText { height: auto; }"

    def __init__(self, content: Content | str = "", **kwargs) -> None:
        super().__init__(**kwargs)
        self._text_shown = Content.from_markup(content) if isinstance(content, str) else content
        self._text_builder: Build | None = None
        self._text_width = 0  # the width the text was built for (0: not built yet)
        self.updates = 0  # how many times the text really changed (tests and benchmarks read it)

    # -- what is shown -----------------------------------------------------------------------
    @property
    def shown(self) -> Content:
        return self._text_shown

    @property
    def plain(self) -> str:
        return self._text_shown.plain

    def show(self, content: Content | str) -> bool:
        """Show `content` (markup when a str) unless it is shown already; True if it changed."""
        self._text_builder = None
        if isinstance(content, str):
            content = Content.from_markup(content)
        return self._replace(content, measuring=False)

    def show_for_width(self, build: Build) -> bool:
        """Show what `build(width)` makes for the content width, and build it again whenever the
        width changes. False when nothing changed (or nothing can be built yet)."""
        self._text_builder = build
        width = self.content_region.width
        if width <= 0:  # not laid out yet, or hidden
            if self._text_width and self.is_mounted:
                self.refresh(layout=True)  # measured again (and so built) at the next layout
            self._text_width = 0
            return False
        self._text_width = width
        return self._replace(build(width), measuring=False)

    def _replace(self, content: Content, measuring: bool) -> bool:
        old = self._text_shown
        if content.is_same(old):
            return False
        self._text_shown = content
        self.updates += 1
        if measuring:
            # Textual is measuring or drawing this widget now: the layout under way takes the new
            # text; only the widget's own cache of what it drew is cleared.
            self.refresh()
        elif self.is_mounted:
            # A text whose size cannot change (a countdown ticking) repaints only this widget; a
            # layout would rearrange and repaint the whole screen.
            self.refresh(layout=not self._same_size(old, content))
        return True

    def _same_size(self, old: Content, new: Content) -> bool:
        """True when `new` takes exactly the cells `old` took at the current width."""
        width = self.content_region.width
        if width <= 0:
            return False
        if old.get_height(self.styles, width) != new.get_height(self.styles, width):
            return False
        if self.styles.width is not None and self.styles.width.is_auto:
            return old.get_optimal_width(self.styles, width) == new.get_optimal_width(self.styles, width)
        return True

    def _build_for(self, width: int) -> None:
        """Build the text of `show_for_width` for `width` if it was built for another width (or
        not yet), while Textual measures or draws the widget."""
        if self._text_builder is None or width <= 0 or width == self._text_width:
            return
        self._text_width = width
        self._replace(self._text_builder(width), measuring=True)

    def on_resize(self) -> None:
        if self._text_builder is not None and self.content_region.width != self._text_width:
            self.show_for_width(self._text_builder)

    # -- Textual asks -----------------------------------------------------------------------
    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        self._build_for(width)
        return super().get_content_height(container, viewport, width)

    def render(self) -> Content:
        self._build_for(self.content_region.width)  # (a fixed height is never measured)
        return self._text_shown
