"""The app's process is killed (SIGKILL) mid-session; a new process resumes it with everything
intact, the session shows as interrupted while nothing holds it, and times are true times."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from datetime import timedelta
from pathlib import Path

from kapsession.core import commands
from kapsession.core.clock import ManualClock
from kapsession.core.events import NoteWritten, VitalsRecorded
from kapsession.store.event_store import EventStore
from kapsession.store.live_lock import is_live
from kapsession.store.session_log import SessionLog

try:
    from .conftest import START, LiveTestApp, screen_text
except ImportError:
    from live_support import START, LiveTestApp, screen_text

CHILD = textwrap.dedent("""
    import asyncio, sys
    from datetime import timedelta
    sys.path.insert(0, {tests_dir!r})
    from live_support import START, LiveTestApp
    from kapsession.core.clock import ManualClock
    from kapsession.presets import default_library
    from kapsession.store.event_store import EventStore
    from kapsession.store.session_log import SessionLog

    async def main():
        store = EventStore({data_dir!r})
        clock = ManualClock(START + timedelta(minutes=5))
        log = SessionLog(store, {session_id!r}, default_library().get("sublingual-troche"), clock)
        app = LiveTestApp(log)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            await pilot.press("v", *"126/82 74 99", "enter")
            await pilot.press("n", *"arrived calm, slept well", "enter")
            print("READY", flush=True)
            await asyncio.sleep(60)

    asyncio.run(main())
""")


def test_killed_mid_session_resumes_intact(session, tmp_path: Path):
    session.add(commands.start_phase, "next", session.clock.now())  # intake at START
    script = tmp_path / "child.py"
    script.write_text(
        CHILD.format(
            tests_dir=str(Path(__file__).parent), data_dir=str(session.data_dir), session_id=session.session_id
        )
        .replace('*"', '*"')
        .replace('*"126/82 74 99"', '*[("space" if c == " " else c) for c in "126/82 74 99"]')
        .replace('*"arrived calm, slept well"', '*[("space" if c == " " else c) for c in "arrived calm, slept well"]')
    )
    child = subprocess.Popen(
        [sys.executable, str(script)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={
            **os.environ,
            "TZ": "UTC",
            # the child runs this checkout's kapsession, not the installed one
            "PYTHONPATH": str(Path(__file__).resolve().parents[2]),
        },
    )
    try:
        line = child.stdout.readline()  # type: ignore[union-attr]
        assert line.strip() == "READY", child.stderr.read()  # type: ignore[union-attr]
        assert is_live(session.data_dir, session.session_id)  # the child's live screen holds it
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=10)
    finally:
        if child.poll() is None:
            child.kill()
    assert child.returncode == -signal.SIGKILL

    # Everything the child recorded is on disk; the session is interrupted (nobody holds it).
    with EventStore(session.data_dir) as store:
        events = store.events(session.session_id)
        vitals = [e for e in events if isinstance(e, VitalsRecorded)]
        notes = [e for e in events if isinstance(e, NoteWritten)]
        assert [v.reading.describe() for v in vitals] == ["126/82 HR 74 SpO2 99%"]
        assert [n.text for n in notes] == ["arrived calm, slept well"]
        assert vitals[0].at == START + timedelta(minutes=5)
        assert session.session_id in [row.id for row in store.sessions_off_screen()[0]]

    # Resume 40 minutes after the start: the true elapsed time, and everything in view.
    store = EventStore(session.data_dir)
    try:
        log = SessionLog(store, session.session_id, session.log.preset, ManualClock(START + timedelta(minutes=40)))
        app = LiveTestApp(log)

        async def resume() -> str:
            async with app.run_test(size=(80, 24)) as pilot:
                await pilot.pause()
                return screen_text(app)

        import asyncio

        text = asyncio.run(resume())
    finally:
        store.close()
    assert "total 0:40" in text and "INTAKE" in text
    assert "126/82" in text and "arrived calm, slept well" in text
