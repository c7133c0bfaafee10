"""The latest quick-scale ratings: MOAA/S (with its anchor words), dissociation, nausea, and the
modified Aldrete once it has been scored."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical

from kapsession.core.scales import SCALES
from kapsession.core.state import SessionState
from kapsession.core.timeparse import format_local
from kapsession.tui.widgets.state_text import StateText

# MOAA/S anchors, short enough for one line of the panel.
MOAAS_SHORT = {5: "responds readily", 4: "lethargic to name", 3: "loud/repeated name",
               2: "only to prodding", 1: "only to trapezius", 0: "no response"}
LABELS = {"moaas": "MOAA/S ", "dissociation": "Dissoc ", "nausea": "Nausea ", "aldrete": "Aldrete"}


def scale_text(state: SessionState, name: str) -> str:
    spec = SCALES[name]
    label = LABELS[name]
    rating = state.latest_scale(name)
    if rating is None:
        return f"{label} [$text-muted]—[/]"
    value = f"[b]{rating.value}[/][$text-muted]/{spec.high}[/]"
    words = ""
    if name == "moaas":
        words = f" {MOAAS_SHORT.get(rating.value, '')}"
    elif name == "aldrete":
        words = " ready (9+)" if rating.value >= 9 else " [$alert-warning]▼ below 9[/]"
    return f"{label} {value}{words} [$text-muted]{format_local(rating.at)}[/]"


class ScalesPanel(Vertical):
    def compose(self) -> ComposeResult:
        for name in ("moaas", "dissociation", "nausea", "aldrete"):
            yield StateText(f"{LABELS[name]} [$text-muted]—[/]", id=f"scale-{name}", classes="scale-value")

    def on_mount(self) -> None:
        self.border_title = "Scales"
        self.query_one("#scale-aldrete").display = False

    def show_state(self, state: SessionState) -> None:
        if not hasattr(self, "_texts"):
            self._texts = {widget.id: widget for widget in self.query(StateText)}
        for name in ("moaas", "dissociation", "nausea", "aldrete"):
            widget = self._texts[f"scale-{name}"]
            if name == "aldrete":
                rated = state.latest_scale("aldrete") is not None
                if widget.display != rated:
                    widget.display = rated
            widget.show(scale_text(state, name))
