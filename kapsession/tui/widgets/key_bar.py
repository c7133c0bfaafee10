"""The key bar at the foot of the live screen: every key with its word, wrapping onto a second
line when the window is narrow (Textual's Footer scrolls sideways instead, hiding keys at 80
columns). A click on a key runs its action, as in the Footer."""

from __future__ import annotations

from dataclasses import dataclass

from textual.events import Click

from kapsession.tui.widgets.state_text import StateText, esc


@dataclass(frozen=True)
class KeyHint:
    key: str  # as shown: "v", "?", "space"
    description: str
    action: str


class KeyBar(StateText):
    """`show_keys(hints)` sets the keys; the bar lays them out for its width."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.hints: list[KeyHint] = []
        self._spots: list[tuple[int, int, int, str]] = []  # (row, start, end, action)

    def show_keys(self, hints: list[KeyHint]) -> None:
        self.hints = hints
        self.recompute()

    def compose_text(self, width: int) -> str | None:
        if not self.hints:
            return None
        rows: list[list[str]] = [[]]
        spots: list[tuple[int, int, int, str]] = []
        column = 0
        items = [(hint.key, hint.description, hint.action) for hint in self.hints]
        items.append(("^p", "commands", "app.command_palette"))
        for key, description, action in items:
            cell = len(key) + 1 + len(description)
            gap = 2 if column else 0
            if column and column + gap + cell > width:
                rows.append([])
                column, gap = 0, 0
            start = column + gap
            rows[-1].append(" " * gap + f"[b]{esc(key)}[/b] [$text-muted]{esc(description)}[/]")
            spots.append((len(rows) - 1, start, start + cell, action))
            column = start + cell
        self._spots = spots
        return "\n".join("".join(row) for row in rows)

    async def on_click(self, event: Click) -> None:
        x, y = event.x - self.gutter.left, event.y
        for row, start, end, action in self._spots:
            if row == y and start <= x < end:
                await self.screen.run_action(action) if not action.startswith("app.") \
                    else await self.app.run_action(action[4:])
                return
