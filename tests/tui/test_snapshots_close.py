"""The close dialog as a therapist sees it at 80x24 with something still open: an alarm no one has
acknowledged and discharge criteria not met, "Go back" focused (Enter's default). A change to
this picture should be a decision: update the snapshot only on purpose
(`pytest tests/tui/test_snapshots_close.py --snapshot-update`)."""

from __future__ import annotations

from kapsession.core import commands

try:
    from .conftest import LiveTestApp, advance_to_mid_peak, freeze_cursor
except ImportError:
    from live_support import LiveTestApp, advance_to_mid_peak, freeze_cursor


def test_the_close_dialog_with_an_alarm_and_criteria_open(session, snap_compare) -> None:
    advance_to_mid_peak(session)
    session.clock.advance(minutes=70)
    session.add(commands.rate_scale, "moaas", 5, session.clock.now())
    session.add(commands.record_vitals, "122/80 45 98", session.clock.now())
    app = LiveTestApp(session.log)

    async def open_the_close_dialog(pilot) -> None:
        await pilot.pause()
        await pilot.press("x", "ctrl+e")
        await pilot.pause()
        freeze_cursor(pilot.app)

    assert snap_compare(app, terminal_size=(80, 24), run_before=open_the_close_dialog)
