"""A Static that is offered new text often and redraws only when the text really changed.

The live screen folds the session once a second and offers every widget the new state; most of
the time nothing they show has changed, and a Static that is not updated costs nothing.
"""

from __future__ import annotations

import re

from rich.cells import cell_len
from textual.app import RenderResult
from textual.events import Resize
from textual.geometry import Size
from textual.widgets import Static

from kapsession.core.text_rule import visible

_TAG = re.compile(r"(?<!\\)\[[^\[\]]*\]")


def esc(text: str) -> str:
    """Make typed text (names, notes, intentions, cards) safe inside Textual markup."""
    # Textual's markup reads `\[` as a literal bracket and leaves other backslashes alone; a
    # trailing backslash gets a space so it cannot escape a closing tag that follows it.
    text = visible(str(text)).replace("[", "\\[")  # and no control character reaches the terminal
    return text + " " if text.endswith("\\") else text


def visible_length(markup: str) -> int:
    """Cells the markup takes on screen. The widgets' own markup is simple (style tags and
    escaped brackets), so stripping tags is exact and far cheaper than parsing once a second."""
    if "[" not in markup:
        return cell_len(markup)
    return cell_len(_TAG.sub("", markup).replace("\\[", "["))


class StateText(Static):
    """Shows markup; `show()` compares with what is on screen before touching it.

    Subclasses that depend on their width override `compose_text(width)` and call `recompute()`;
    a resize recomputes too.
    """

    def __init__(self, markup: str = "", **kwargs) -> None:
        super().__init__(markup, **kwargs)
        self._shown: str | None = markup
        self.updates = 0  # how many times the text really changed (tests and benchmarks read it)
        self._compose_for: int | None = None  # the width compose_text ran for (0: due when known)

    def show(self, markup: str, *, measuring: bool = False) -> bool:
        """Show `markup` unless it is shown already; True if it changed. `measuring`: Textual is
        measuring or drawing this widget now, so the layout under way takes the new text."""
        if markup == self._shown:
            return False
        # A text whose size on screen cannot change (a countdown ticking) repaints only this
        # widget; a layout refresh would rearrange and repaint the whole screen every second.
        layout = not measuring and not self._same_size(self._shown, markup)
        self._shown = markup
        self.updates += 1
        self.update(markup, layout=layout)
        return True

    def _same_size(self, old: str | None, new: str) -> bool:
        """True when `new` takes exactly the cells `old` took: as many lines, none wrapped, and
        (for an auto width) the same widest line."""
        if old is None or not self.is_mounted:
            return False
        old_lines, new_lines = old.split("\n"), new.split("\n")
        if len(old_lines) != len(new_lines):
            return False
        old_widths = [visible_length(line) for line in old_lines]
        new_widths = [visible_length(line) for line in new_lines]
        width = self.styles.width
        if width is not None and width.is_auto:
            return max(old_widths) == max(new_widths)
        room = self.content_region.width
        return room > 0 and max(old_widths) <= room and max(new_widths) <= room

    @property
    def shown(self) -> str:
        return self._shown or ""

    # -- width-dependent text ----------------------------------------------------------------
    def compose_text(self, width: int) -> str | None:
        """Override to build text for a width; None means "keep what is shown"."""
        return None

    def recompute(self) -> None:
        """Show `compose_text` for the content width. Before the widget is laid out the width is
        unknown: the text is composed when Textual first measures the widget (an auto height
        asks with the width) or draws it, so the first frame is drawn at the real width; text
        composed for a guessed width was drawn, then redone on the Resize that followed."""
        width = self.content_region.width
        if width <= 0:
            self._compose_for = 0
            return
        self._compose_at(width)

    def _compose_at(self, width: int, measuring: bool = False) -> None:
        self._compose_for = width
        text = self.compose_text(width)
        if text is not None:
            self.show(text, measuring=measuring)

    def _compose_if_needed(self, width: int) -> None:
        """Compose for `width` when what is shown was composed for another width, or is due:
        Textual is measuring (a new layout) or drawing the widget at that width now."""
        if width > 0 and self._compose_for is not None and width != self._compose_for:
            self._compose_at(width, measuring=True)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        self._compose_if_needed(width)
        return super().get_content_height(container, viewport, width)

    def render(self) -> RenderResult:
        self._compose_if_needed(self.content_region.width)  # (a fixed height is never measured)
        return super().render()

    def on_resize(self, event: Resize) -> None:
        if self.content_region.width != self._compose_for:
            self.recompute()


def hang(prefix: str, body: str, width: int, indent: int, body_style: str = "") -> str:
    """`prefix` (markup) then `body` (plain text) wrapped to `width`, continuation lines indented
    by `indent` cells, so a wrapped note still reads as one entry under its time."""
    first, rest = split_hanging(body, width - visible_length(prefix), max(10, width - indent))
    if not first and not rest:
        return prefix
    open_tag, close_tag = (f"[{body_style}]", "[/]") if body_style else ("", "")
    out = [prefix + (open_tag + esc(first) + close_tag if first else "")]
    out += [" " * indent + open_tag + esc(line) + close_tag for line in rest]
    return "\n".join(out)


def split_hanging(body: str, first_room: int, room: int) -> tuple[str, list[str]]:
    """`body` split for a hanging indent: the words that fit in `first_room` cells (after a
    prefix), then the rest wrapped to `room` cells a line.

    Measured in cells, not characters, so a note in Japanese or with emoji (two cells a
    character) still fits its panel. Words are never cut, except a word longer than a whole
    continuation line (a pasted link): what does not fit after the prefix starts the next line
    whole."""
    words = body.split()
    taken, used = 0, 0
    for word in words:
        extra = cell_len(word) + (1 if taken else 0)
        if used + extra > first_room:
            break
        taken, used = taken + 1, used + extra
    return " ".join(words[:taken]), wrap_cells(words[taken:], room)


def wrap_cells(words: list[str], room: int) -> list[str]:
    """Words greedily filled into lines of at most `room` cells (room >= 2); a word longer than
    a line is cut at the last whole character that fits."""
    lines: list[str] = []
    line: list[str] = []
    used = 0
    for word in words:
        width = cell_len(word)
        while width > room:
            if line:
                lines.append(" ".join(line))
                line, used = [], 0
            head, word = _cut_cells(word, room)
            lines.append(head)
            width = cell_len(word)
        if not word:
            continue
        if line and used + 1 + width > room:
            lines.append(" ".join(line))
            line, used = [], 0
        used += width + (1 if line else 0)
        line.append(word)
    if line:
        lines.append(" ".join(line))
    return lines


def _cut_cells(word: str, room: int) -> tuple[str, str]:
    """The longest start of `word` that fits in `room` cells (at least one character), and the rest."""
    used = 0
    for index, character in enumerate(word):
        used += cell_len(character)
        if used > room:
            return word[:max(1, index)], word[max(1, index):]
    return word, ""
