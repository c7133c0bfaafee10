"""The intention corner: the client's own words and the cards they drew, always in view."""

from __future__ import annotations

from kapsession.core.state import SessionState
from kapsession.tui.widgets.state_text import StateText, hang


def intention_text(state: SessionState, width: int = 200) -> str:
    lines = []
    if state.intention:
        lines.append(hang("", f"“{state.intention}”", width, indent=1, body_style="i"))
    else:
        lines.append("[$text-muted]no intention yet: [b]i[/b] writes it in their words[/]")
    if state.cards:
        lines.extend(hang("[$phase-intention]◇[/] ", card, width, indent=2) for card in state.cards)
    else:
        lines.append("[$text-muted]no card drawn yet: [b]c[/b] draws one[/]")
    return "\n".join(lines)


class IntentionCorner(StateText):
    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.state: SessionState | None = None

    def on_mount(self) -> None:
        self.border_title = "Intention"

    def compose_text(self, width: int) -> str | None:
        return None if self.state is None else intention_text(self.state, width)

    def show_state(self, state: SessionState) -> None:
        self.state = state
        self.recompute()
