"""The key bar at the foot of the live screen: every key with its word, wrapping onto a second
line when the window is narrow (Textual's Footer scrolls sideways instead, hiding keys at 80
columns). A click on a key runs its action, as in the Footer.

While the vitals line is open (`v`, see `vitals_entry.VitalsLine`) the bar shows that line
instead, on as many lines as the keys took, so opening and closing it is a repaint of these
lines only.

The bar is also the screen's status line (`say`): "Note saved.", or why an entry was refused,
takes the bar's last line for a few seconds. A toast would cover the notes, the intention or the
client's card, and four of them stack; a line where the keys are covers nothing a therapist reads.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal, NamedTuple

from textual.content import Content
from textual.events import Click

from kapsession.tui.widgets.live_text import LiveText

if TYPE_CHECKING:
    from textual.binding import Binding
    from textual.timer import Timer

    from kapsession.tui.widgets.vitals_entry import VitalsLine

MUTED = "$text-muted"
# How long a sentence stays: a save is a glance; a refusal is read, perhaps twice.
SAID_FOR = {"information": 4.0, "warning": 10.0, "error": 12.0}
SAID_MARK = {"information": ("✓ ", "$text-success"), "warning": ("! ", "$text-warning"), "error": ("✗ ", "$text-error")}
Severity = Literal["information", "warning", "error"]


class KeyHint(NamedTuple):  # (a NamedTuple: built at import, on the way to the first paint)
    key: str  # as shown: "v", "?", "space"
    description: str
    action: str


# Textual's names for the keys that read better short, in a key bar and in a command's title.
_KEY_LABELS = {"question_mark": "?", "escape": "esc"}


def key_label(key: str) -> str:
    """A binding's key as a key bar shows it: `?` for question_mark, `esc` for escape."""
    return _KEY_LABELS.get(key, key)


def hint_for(binding: Binding) -> KeyHint:
    """The key bar's hint for a screen's binding."""
    return KeyHint(key_label(binding.key), binding.description, binding.action)


Spot = tuple[int, int, int, str]  # (row, start, end, action)


def key_lines(hints: list[KeyHint], width: int) -> tuple[list[Content], list[Spot]]:
    """The keys laid out in `width` cells, and where each one is: (row, start, end, action)."""
    rows: list[list[tuple[str, str]]] = [[]]
    spots: list[Spot] = []
    column = 0
    items = [(hint.key, hint.description, hint.action) for hint in hints]
    items.append(("^p", "commands", "app.command_palette"))
    for key, description, action in items:
        cell = len(key) + 1 + len(description)
        gap = 2 if column else 0
        if column and column + gap + cell > width:
            rows.append([])
            column, gap = 0, 0
        start = column + gap
        if gap:
            rows[-1].append((" " * gap, MUTED))
        rows[-1] += [(key, "b"), (" " + description, MUTED)]
        spots.append((len(rows) - 1, start, start + cell, action))
        column = start + cell
    # The spaces take the colour of the word they follow (nothing shows on a space), so a key is
    # two runs of one style each.
    return [Content.assemble(*row).simplify() for row in rows], spots


class KeyBar(LiveText):
    """`show_keys(hints)` sets the keys; the bar lays them out for its width. `show_entry(line)`
    shows the vitals line instead while it is open (`redraw()` after each key)."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.hints: list[KeyHint] = []
        self.entry: VitalsLine | None = None
        self._spots: list[Spot] = []
        self._keys: tuple[int, list[Content]] | None = None  # (width, lines)
        self.said: Content | None = None  # the status sentence on the last line, while it lasts
        self._said_timer: Timer | None = None

    def show_keys(self, hints: list[KeyHint]) -> None:
        self.hints = hints
        self._keys = None
        self.redraw()

    def show_entry(self, entry: VitalsLine | None) -> None:
        self.entry = entry
        self.redraw()

    def say(self, sentence: str, severity: Severity = "information") -> None:
        """Show `sentence` on the bar's last line for a few seconds (longer for a problem)."""
        mark, style = SAID_MARK[severity]
        self.said = Content.assemble((mark, f"b {style}"), (sentence, "" if severity == "information" else style))
        if self._said_timer is not None:
            self._said_timer.stop()
        self._said_timer = self.set_timer(SAID_FOR[severity], self.unsay)
        self.redraw()

    def unsay(self) -> None:
        self.said = None
        self._said_timer = None
        self.redraw()

    def _key_lines(self, width: int) -> list[Content]:
        if self._keys is None or self._keys[0] != width:
            lines, self._spots = key_lines(self.hints, width)
            self._keys = (width, lines)
        return self._keys[1]

    def redraw(self) -> None:
        if not self.hints:
            return
        entry = self.entry

        said = self.said

        def lines(width: int) -> list[Content]:
            keys = self._key_lines(width)
            if entry is not None and entry.is_open:
                return entry.lines(width, len(keys))
            if said is not None:
                return [*keys[:-1], said.truncate(width, ellipsis=True)]
            return keys

        self.show_for_width(lines)  # laid out for the bar's width, again when it changes

    async def on_click(self, event: Click) -> None:
        if self.entry is not None and self.entry.is_open:
            return
        x, y = event.x - self.gutter.left, event.y
        for row, start, end, action in self._spots:
            if row == y and start <= x < end:
                await self.screen.run_action(action) if not action.startswith("app.") else await self.app.run_action(
                    action[4:]
                )
                return
