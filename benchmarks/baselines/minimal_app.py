"""The floor no Textual app can beat: a Header, one Static and a Footer.

    python benchmarks/baselines/minimal_app.py            # first paint, key -> repaint
    python benchmarks/baselines/minimal_app.py --clock    # also updates a clock every second

Pressing `v` repaints the Static with a counter ("pressed 1", "pressed 2", ...): that is the
key -> repaint baseline. Pressing `d` opens the smallest possible dialog (a ModalScreen with one
Input); Enter closes it and the Static shows what was typed ("saved <text>"). That is not a
baseline in the table, only a reference in the details: the floor of the same dialog round trip
the vitals figure makes. Only Textual is imported: nothing of kapsession.
"""

from __future__ import annotations

import sys
from datetime import datetime

from textual.app import App, ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Header, Input, Static

READY_TEXT = "minimal baseline ready"
DIALOG_TEXT = "minimal dialog open"


class OneLine(ModalScreen[str]):
    DEFAULT_CSS = """
    OneLine { align: center middle; }
    OneLine > Vertical { width: 60; height: auto; border: round $accent; }
    """

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(DIALOG_TEXT)
            yield Input()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)


class MinimalApp(App[None]):
    BINDINGS = [("v", "bump", "Bump"), ("d", "dialog", "Dialog"), ("q", "quit", "Quit")]

    def __init__(self, clock: bool = False) -> None:
        super().__init__()
        self.clock = clock
        self.presses = 0

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(READY_TEXT, id="body")
        yield Footer()

    def on_mount(self) -> None:
        if self.clock:
            self.set_interval(1.0, self.tick)

    def tick(self) -> None:
        self.query_one("#body", Static).update(f"{READY_TEXT} {datetime.now():%H:%M:%S}")

    def action_bump(self) -> None:
        self.presses += 1
        self.query_one("#body", Static).update(f"{READY_TEXT} pressed {self.presses}")

    def action_dialog(self) -> None:
        def saved(text: str | None) -> None:
            self.query_one("#body", Static).update(f"{READY_TEXT} saved {text}")

        self.push_screen(OneLine(), saved)


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    MinimalApp(clock="--clock" in args).run()


if __name__ == "__main__":
    main()
