"""The alerts strip: the top open alerts, each with its word (ALERT / CHECK / note / info) and a
symbol, so none is signalled by colour alone. Alerts stay until acknowledged (`a`)."""

from __future__ import annotations

from kapsession.core.state import Alert, SessionState
from kapsession.core.timeparse import format_local
from kapsession.tui.widgets.state_text import StateText, esc, visible_length

SYMBOLS = {"alarm": "▲", "warning": "●", "nudge": "·", "info": "i"}


def alert_text(alert: Alert) -> str:
    word = f"{SYMBOLS[alert.level]} {alert.word}"
    return (f"[b $alert-{alert.level}]{word:<7}[/] [$alert-{alert.level}]{esc(alert.message)}[/]"
            f" [$text-muted]{format_local(alert.raised_at)}[/]")


def alerts_text(state: SessionState, limit: int, width: int = 200) -> str:
    """One line per alert (cut with … rather than wrapped), the top one first."""
    alerts = state.open_alerts
    if not alerts:
        return "[$text-muted]✓ no open alerts[/]"
    lines = []
    for alert in alerts[:limit]:
        line = alert_text(alert)
        if visible_length(line) > width:
            line = _cut(alert, width)
        lines.append(line)
    adverse = " · [b]e[/b] adverse event" if alerts[0].kind in ("threshold", "sedation") else ""
    hint = f"  [$text-muted]([b]a[/b] acknowledges{adverse})[/]"
    if visible_length(lines[0] + hint) <= width:
        lines[0] += hint
    more = len(alerts) - limit
    if more > 0:
        tail = f"  [$text-muted]+{more} more[/]"
        if visible_length(lines[-1] + tail) > width:
            lines[-1] = _cut(alerts[limit - 1], width - visible_length(tail))
        lines[-1] += tail
    return "\n".join(lines)


def _cut(alert: Alert, width: int) -> str:
    word = f"{SYMBOLS[alert.level]} {alert.word}"
    room = max(8, width - 9)
    message = alert.message if len(alert.message) <= room else alert.message[: room - 1] + "…"
    return f"[b $alert-{alert.level}]{word:<7}[/] [$alert-{alert.level}]{esc(message)}[/]"


def top_level(state: SessionState) -> str:
    """The level of the alert on top of the strip ("none" without one): the strip's class."""
    return state.top_alert.level if state.top_alert else "none"


class AlertsStrip(StateText):
    limit = 2

    def __init__(self, top: str = "none", **kwargs) -> None:
        """`top`: the level of the alert on top when the strip is made (`top_level`), so its class
        is in place as it mounts and it is styled once."""
        super().__init__(**kwargs)
        self.state: SessionState | None = None
        self._top = top
        self.set_class(True, f"-top-{top}", update=False)

    def compose_text(self, width: int) -> str | None:
        return None if self.state is None else alerts_text(self.state, self.limit, width)

    def show_state(self, state: SessionState) -> None:
        self.state = state
        self.recompute()
        top = top_level(state)
        if self._top != top:
            self._top = top
            for level in ("alarm", "warning", "nudge", "info", "none"):
                self.set_class(level == top, f"-top-{level}")
