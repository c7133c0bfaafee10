"""Co-monitoring: events another process adds (`kapsession add ID vitals ...`) reach the live
screen within two seconds, by the screen's own once-a-second poll (nothing is nudged here)."""

from __future__ import annotations

import time

from kapsession.core import commands
from kapsession.core.state import fold
from kapsession.store.event_store import EventStore

try:
    from .conftest import LiveTestApp, advance_to_mid_peak, screen_text
except ImportError:
    from live_support import LiveTestApp, advance_to_mid_peak, screen_text


async def test_vitals_from_another_store_appear_within_two_seconds(session):
    advance_to_mid_peak(session)
    app = LiveTestApp(session.log)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "141/93" not in screen_text(app)
        with EventStore(session.data_dir) as nurse:
            events = nurse.events(session.session_id)
            state = fold(events, session.log.preset, session.clock.now())
            nurse.append(session.session_id, commands.record_vitals(state, "141/93 hr 88", session.clock.now()))
            nurse.append(
                session.session_id, commands.write_note(state, "nurse: client asked for water", session.clock.now())
            )
        written = time.monotonic()
        while "141/93" not in screen_text(app) and time.monotonic() - written < 2.0:
            await pilot.pause(0.05)
        took = time.monotonic() - written
        text = screen_text(app)
        assert "141/93" in text and "nurse: client asked for water" in text, f"not shown after {took:.2f}s"
        assert took < 2.0
