"""Issue 19, item 7: the client view tells the therapist of an open alarm without alarming the
client: a small dot and a number in the corner (no words, no red), the bell if it is on, and no
toast over the client's intention or cards."""

from __future__ import annotations

import functools

from kapsession.core import commands
from kapsession.core.state import SessionState
from kapsession.store.event_store import EventStore
from kapsession.store.session_log import SessionLog
from kapsession.tui.screens.client_view import ClientViewScreen, alarm_mark

try:
    from .conftest import LiveTestApp, advance_to_mid_peak, screen_text
except ImportError:
    from live_support import LiveTestApp, advance_to_mid_peak, screen_text


def nurse_records(session, line: str) -> None:
    """A reading entered at the nurse's terminal: another SessionLog on its own connection."""
    with EventStore(session.data_dir) as other:
        log = SessionLog(other, session.session_id, session.log.preset, session.clock)
        log.record(commands.record_vitals(log.state(), line, session.clock.now()))


def open_alarms(state: SessionState) -> int:
    return sum(1 for alert in state.open_alerts if alert.level == "alarm")


async def test_an_alarm_from_the_other_terminal_shows_as_a_quiet_dot_and_rings_the_bell(session):
    advance_to_mid_peak(session)
    app = LiveTestApp(session.log, bell=True)
    rung: list[int] = []
    app.bell = functools.partial(rung.append, 1)  # type: ignore[method-assign]
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.pause()
        await pilot.press("w")
        await pilot.pause()
        assert isinstance(app.screen, ClientViewScreen)
        assert "•" not in screen_text(app)
        session.clock.advance(seconds=5)
        nurse_records(session, "190/115 80 97")
        app.screen.refresh_view()
        app.live.refresh_now(poll=True)  # the live screen beneath keeps its once-a-second tick
        await pilot.pause()
        text = screen_text(app)
        count = open_alarms(session.log.state())
        assert count >= 1
        last_line = text.rstrip("\n").splitlines()[-1]
        assert last_line.rstrip().endswith(f"• {count}")
        for clinical in ("190", "BP", "ALERT", "HIGH", "alarm"):
            assert clinical not in text, clinical
        assert "“to be gentler with myself”" in text  # nothing covers the client's words
        assert not list(app.screen.query("Toast"))
        assert rung == [1]


def test_the_mark_is_empty_without_an_open_alarm(session):
    advance_to_mid_peak(session)
    assert alarm_mark(session.log.state()).plain == ""
