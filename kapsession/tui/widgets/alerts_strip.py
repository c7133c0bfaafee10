"""The alerts strip: the top open alerts, each with its word (ALERT / CHECK / note / info) and a
symbol, so none is signalled by colour alone. Alerts stay until acknowledged (`a`)."""

from __future__ import annotations

from textual.content import Content

from kapsession.core.state import Alert, SessionState
from kapsession.core.text_rule import visible
from kapsession.core.timeparse import format_local
from kapsession.tui.widgets.live_text import LiveText, join_lines

SYMBOLS = {"alarm": "▲", "warning": "●", "nudge": "·", "info": "i"}
MUTED = "$text-muted"


def alert_text(alert: Alert, room: int | None = None) -> Content:
    """`▲ ALERT BP 186/114 above 160/100 10:42`; with `room`, the message (and no time) cut to fit."""
    word = f"{SYMBOLS[alert.level]} {alert.word}"
    head = Content.assemble((f"{word:<7}", f"b $alert-{alert.level}"), " ")
    if room is None:
        return Content.assemble(
            head, (visible(alert.message), f"$alert-{alert.level}"), " ", (format_local(alert.raised_at), MUTED)
        )
    message = Content.styled(visible(alert.message), f"$alert-{alert.level}")
    return Content.assemble(head, message.truncate(max(8, room - 9), ellipsis=True))


def alerts_text(state: SessionState, limit: int, width: int = 200) -> Content:
    """One line per alert (cut with … rather than wrapped), the top one first."""
    alerts = state.open_alerts
    if not alerts and state.closing is not None:
        # A closed session shows what was still open when it was closed (each recorded), never a tick.
        from kapsession.core.closing import open_at_close

        was_open = open_at_close(state.closing)
        if was_open:
            head = Content.styled(f"Closed with {len(was_open)} item{'s' if len(was_open) != 1 else ''} open:", "b")
            room = max(1, limit - 1)
            left_out = len(was_open) - room
            more_words = f"  +{left_out} more in the record" if left_out > 0 else ""
            shown = [
                Content(visible(line, line_breaks=False)).truncate(
                    width - (len(more_words) if n == room - 1 else 0), ellipsis=True
                )
                for n, line in enumerate(was_open[:room])
            ]
            if more_words:
                shown[-1] += Content.styled(more_words, MUTED)
            return join_lines([head, *shown])
        return Content.styled("✓ closed with nothing open", MUTED)
    if not alerts:
        return Content.styled("✓ no open alerts", MUTED)
    lines = []
    for alert in alerts[:limit]:
        line = alert_text(alert)
        if line.cell_length > width:
            line = alert_text(alert, width)
        lines.append(line)
    adverse = (
        [(" · ", MUTED), ("e", f"b {MUTED}"), (" adverse event", MUTED)]
        if alerts[0].kind in ("threshold", "sedation")
        else []
    )
    hint = Content.assemble("  ", ("(", MUTED), ("a", f"b {MUTED}"), (" acknowledges", MUTED), *adverse, (")", MUTED))
    if lines[0].cell_length + hint.cell_length <= width:
        lines[0] += hint
    more = len(alerts) - limit
    if more > 0:
        tail = Content.assemble("  ", (f"+{more} more", MUTED))
        if lines[-1].cell_length + tail.cell_length > width:
            lines[-1] = alert_text(alerts[limit - 1], width - tail.cell_length)
        lines[-1] += tail
    return join_lines(lines)


def top_level(state: SessionState) -> str:
    """The level of the alert on top of the strip ("none" without one): the strip's class."""
    return state.top_alert.level if state.top_alert else "none"


class AlertsStrip(LiveText):
    limit = 2

    def __init__(self, top: str = "none", **kwargs) -> None:
        """`top`: the level of the alert on top when the strip is made (`top_level`), so its class
        is in place as it mounts and it is styled once."""
        super().__init__(**kwargs)
        self.state: SessionState | None = None
        self._top = top
        self.set_class(True, f"-top-{top}", update=False)

    def show_state(self, state: SessionState) -> None:
        self.state = state
        limit = self.limit
        self.show_for_width(
            lambda width: alerts_text(state, limit, width), key=(tuple(state.open_alerts), state.closing, limit)
        )
        top = top_level(state)
        if self._top != top:
            self._top = top
            for level in ("alarm", "warning", "nudge", "info", "none"):
                self.set_class(level == top, f"-top-{level}")
