"""Practice mode: what the scenario presents right now (the monitor's reading, the client's
words), shown above the notes. Fed by `practice.presented(state)`: a list of (time, text)."""

from __future__ import annotations

from typing import Iterable

from kapsession.tui.widgets.state_text import StateText, esc, hang, visible_length


def presented_text(items: Iterable[tuple[str, str]], width: int = 200) -> str:
    lines = []
    for when, text in items:
        prefix = f"[$practice-banner]{esc(str(when))}[/] "
        lines.append(hang(prefix, str(text), width, indent=visible_length(prefix)))
    return "\n".join(lines)


class PracticePanel(StateText):
    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.items: list[tuple[str, str]] = []

    def on_mount(self) -> None:
        self.border_title = "Practice: presented now"

    def compose_text(self, width: int) -> str | None:
        return presented_text(self.items, width)

    def show_items(self, items: Iterable[tuple[str, str]]) -> None:
        self.items = list(items)
        if self.display != bool(self.items):
            self.display = bool(self.items)
        self.recompute()
