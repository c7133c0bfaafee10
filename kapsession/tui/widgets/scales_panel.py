"""The latest quick-scale ratings: MOAA/S (with its anchor words), dissociation, nausea, and the
modified Aldrete once it has been scored."""

from __future__ import annotations

from textual.content import Content

from kapsession.core.scales import SCALES
from kapsession.core.state import SessionState
from kapsession.core.timeparse import format_local
from kapsession.tui.widgets.live_text import LiveText

# MOAA/S anchors, short enough for one line of the panel.
MOAAS_SHORT = {
    5: "responds readily",
    4: "lethargic to name",
    3: "loud/repeated name",
    2: "only to prodding",
    1: "only to trapezius",
    0: "no response",
}
LABELS = {"moaas": "MOAA/S ", "dissociation": "Dissoc ", "nausea": "Nausea ", "aldrete": "Aldrete"}
MUTED = "$text-muted"


def scale_line(state: SessionState, name: str) -> Content:
    spec = SCALES[name]
    label = LABELS[name]
    rating = state.latest_scale(name)
    if rating is None:
        return Content.assemble(f"{label} ", ("—", MUTED))
    parts: list[str | tuple[str, str]] = [f"{label} ", (str(rating.value), "b"), (f"/{spec.high}", MUTED)]
    if name == "moaas":
        parts.append(f" {MOAAS_SHORT.get(rating.value, '')}")
    elif name == "aldrete":
        parts += [" ready (9+)"] if rating.value >= 9 else [" ", ("▼ below 9", "$alert-warning")]
    return Content.assemble(*parts, " ", (format_local(rating.at), MUTED))


class ScalesPanel(LiveText):
    """MOAA/S, dissociation and nausea, and the modified Aldrete once it has been scored."""

    def on_mount(self) -> None:
        self.border_title = "Scales"

    def show_state(self, state: SessionState) -> None:
        names = ["moaas", "dissociation", "nausea"]
        if state.latest_scale("aldrete") is not None:
            names.append("aldrete")
        self.show([scale_line(state, name) for name in names])
