"""Practice mode: what the scenario presents right now (the monitor's reading, the client's
words), shown above the notes. Fed by `practice.presented(state)`: a list of (time, text)."""

from __future__ import annotations

from collections.abc import Iterable

from textual.content import Content

from kapsession.core.text_rule import visible
from kapsession.tui.widgets.live_text import LiveText, hang, join_lines


def presented_text(items: Iterable[tuple[str, str]], width: int = 200) -> Content:
    lines: list[Content] = []
    for when, text in items:
        prefix = Content.assemble((visible(str(when)), "$practice-banner"), " ")
        lines += hang(prefix, str(text), width, indent=prefix.cell_length)
    return join_lines(lines)


class PracticePanel(LiveText):
    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.items: list[tuple[str, str]] = []

    def on_mount(self) -> None:
        self.border_title = "Practice: presented now"

    def show_items(self, items: Iterable[tuple[str, str]]) -> None:
        self.items = list(items)
        if self.display != bool(self.items):
            self.display = bool(self.items)
        shown = list(self.items)
        self.show_for_width(lambda width: presented_text(shown, width))
