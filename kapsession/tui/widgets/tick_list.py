"""A checklist that shows its ticks without colour: `✓` for a ticked item, `·` for one not yet.

Textual's SelectionList draws the same `▐X▌` for both and tells them apart by colour alone, which
a dim room, a 256-colour terminal or a colour-blind eye loses. `TickList` is a SelectionList (the
same keys, messages and `selected`) whose mark is a character: the line Textual's OptionList draws
for the item, after a four-cell mark as wide as SelectionList's own button, so the item's text
keeps its place.
"""

from __future__ import annotations

from typing import TypeVar

from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip
from textual.widgets import OptionList, SelectionList
from textual.widgets.option_list import OptionDoesNotExist

TICKED, UNTICKED = "✓", "·"
Value = TypeVar("Value")


def tick_mark(done: bool) -> str:
    """The mark for an item, wherever a checklist is drawn."""
    return TICKED if done else UNTICKED


class TickList(SelectionList[Value]):
    """A SelectionList whose ticks read without colour (see the module's docstring)."""

    def render_line(self, y: int) -> Strip:
        line = OptionList.render_line(self, y)
        _, scroll_y = self.scroll_offset
        index = scroll_y + y
        try:
            option = self.get_option_at_index(index)
        except OptionDoesNotExist:
            return line
        base = next(iter(line)).style if line.cell_length else None
        style = (base or Style()) + Style(meta={"option": index})
        done = option.value in self.selected
        mark = Segment(f" {tick_mark(done)}  ", style + Style(bold=done))
        return Strip([mark, *line])

    def tick_numbered(self, character: str | None) -> bool:
        """Tick or untick the item a number key names (1-9, as the list numbers its items) and
        move to it; False when the character names no item."""
        if not character or len(character) != 1 or character not in "123456789":
            return False
        index = int(character) - 1
        if index >= self.option_count:
            return False
        self.toggle(self.get_option_at_index(index).value)
        self.highlighted = index
        return True
