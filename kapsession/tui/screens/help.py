"""The help screen: `help.md` with the live screen's keys filled in from its own bindings, so the
help can never disagree with the footer or the command palette."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Markdown, Static

HELP_PATH = Path(__file__).with_name("help.md")

KEY_NAMES = {"question_mark": "?", "space": "Space", "escape": "Escape", "enter": "Enter"}


def key_label(key: str) -> str:
    return " / ".join(KEY_NAMES.get(part.strip(), part.strip()) for part in key.split(","))


def keys_table(bindings: Iterable[tuple[Binding, str]]) -> str:
    rows = ["| key | what it does |", "|---|---|"]
    for binding, detail in bindings:
        rows.append(f"| **{key_label(binding.key)}** | {binding.description}: {detail} |")
    return "\n".join(rows)


def help_markdown(bindings: Iterable[tuple[Binding, str]]) -> str:
    return HELP_PATH.read_text(encoding="utf-8").replace("{keys}", keys_table(bindings))


class HelpScreen(ModalScreen[None]):
    CSS_PATH = "../dialogs.tcss"
    BINDINGS = [
        Binding("escape,q,question_mark,enter", "close", "Close help", id="help.close"),
        Binding("down,j", "scroll(1)", "Scroll down", id="help.down", show=False),
        Binding("up,k", "scroll(-1)", "Scroll up", id="help.up", show=False),
        Binding("pagedown,space", "page(1)", "Page down", id="help.pagedown", show=False),
        Binding("pageup", "page(-1)", "Page up", id="help.pageup", show=False),
    ]

    def __init__(self, bindings: Iterable[tuple[Binding, str]]) -> None:
        super().__init__()
        self.markdown = help_markdown(bindings)

    def compose(self) -> ComposeResult:
        with Vertical(id="help-frame"):
            with VerticalScroll(id="help-body", can_focus=False):
                yield Markdown(self.markdown)
            yield Static("[b]↑ ↓[/b] scroll · [b]Escape[/b], [b]?[/b] or [b]q[/b] closes", classes="hint")

    def on_mount(self) -> None:
        self.query_one("#help-frame").border_title = "Help"

    def action_close(self) -> None:
        self.dismiss(None)

    def action_scroll(self, step: int) -> None:
        self.query_one("#help-body", VerticalScroll).scroll_relative(y=step * 2, animate=False)

    def action_page(self, step: int) -> None:
        body = self.query_one("#help-body", VerticalScroll)
        if step > 0:
            body.scroll_page_down(animate=False)
        else:
            body.scroll_page_up(animate=False)
