"""The intention corner: the client's own words and the cards they drew, always in view."""

from __future__ import annotations

from textual.content import Content

from kapsession.core.state import SessionState
from kapsession.tui.widgets.live_text import LiveText, hang, join_lines

MUTED = "$text-muted"
CARD_MARK = Content.styled("◇", "$phase-intention") + " "


def intention_text(state: SessionState, width: int = 200) -> Content:
    lines: list[Content] = []
    if state.intention:
        lines += hang(Content(""), f"“{state.intention}”", width, indent=1, body_style="i")
    else:
        lines.append(
            Content.assemble(("no intention yet: ", MUTED), ("i", f"b {MUTED}"), (" writes it in their words", MUTED))
        )
    if state.cards:
        for card in state.cards:
            lines += hang(CARD_MARK, card, width, indent=2)
    else:
        lines.append(Content.assemble(("no card drawn yet: ", MUTED), ("c", f"b {MUTED}"), (" draws one", MUTED)))
    return join_lines(lines)


class IntentionCorner(LiveText):
    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.state: SessionState | None = None

    def on_mount(self) -> None:
        self.border_title = "Intention"

    def show_state(self, state: SessionState) -> None:
        self.state = state
        self.show_for_width(lambda width: intention_text(state, width))
