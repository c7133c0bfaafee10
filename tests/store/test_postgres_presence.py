"""Home tells interrupted sessions from those left open across machines on PostgreSQL: the live
screen's hold is the server's (an advisory lock on a connection of its own, and a row saying it
was left on purpose), not this machine's lock file. Two data directories stand for two machines;
a process killed with SIGKILL stands for a screen that died. Against a real server."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path

from kapsession.core import commands
from kapsession.core.clock import ManualClock
from kapsession.presets import default_library
from kapsession.store.factory import open_store
from kapsession.store.live_lock import live_lock_for
from kapsession.store.session_log import SessionLog

REPO = Path(__file__).resolve().parents[2]
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def started_session(store) -> str:  # type: ignore[no-untyped-def]
    preset = default_library().get("intramuscular")
    session_id, _ = store.create_session(commands.open_session(client_name="A.B.", preset=preset, now=START))
    log = SessionLog(store, session_id, preset, ManualClock(START + timedelta(minutes=1)))
    log.record(partial(commands.start_phase, which="next", now=log.now()))
    return session_id


def home_calls(store, session_id: str) -> str:  # type: ignore[no-untyped-def]
    interrupted, left_open = store.sessions_off_screen()
    if session_id in [row.id for row in interrupted]:
        return "interrupted"
    if session_id in [row.id for row in left_open]:
        return "left open"
    return "on a screen"


def test_a_screen_on_one_machine_is_seen_from_another_and_leaving_on_purpose_is_too(
    postgres_url: str, tmp_path: Path
) -> None:
    with open_store(tmp_path / "room", postgres_url) as room, open_store(tmp_path / "nurse", postgres_url) as nurse:
        session_id = started_session(room)
        assert home_calls(nurse, session_id) == "left open"  # written, never on a screen
        screen = live_lock_for(room, session_id)
        assert screen.acquire() and screen.held
        assert home_calls(nurse, session_id) == "on a screen"
        assert not live_lock_for(nurse, session_id).acquire()  # the nurse's screen co-monitors
        screen.release(left_open=True)
        assert home_calls(nurse, session_id) == "left open"
        again = live_lock_for(nurse, session_id)
        assert again.acquire()  # taken up on the other machine: no longer "left open"
        again.release(left_open=False)  # the screen went without a leave
        assert home_calls(room, session_id) == "interrupted"


def test_a_screen_killed_mid_session_is_interrupted_on_every_machine(postgres_url: str, tmp_path: Path) -> None:
    with open_store(tmp_path / "nurse", postgres_url) as nurse:
        session_id = started_session(nurse)
        holder = subprocess.Popen(
            [
                sys.executable,
                "-c",
                "import sys, time\n"
                "from pathlib import Path\n"
                "from kapsession.store.factory import open_store\n"
                "from kapsession.store.live_lock import live_lock_for\n"
                "store = open_store(Path(sys.argv[1]), sys.argv[2])\n"
                "screen = live_lock_for(store, sys.argv[3])\n"
                "assert screen.acquire()\n"
                "print('held', flush=True)\n"
                "time.sleep(60)\n",
                str(tmp_path / "room"),
                postgres_url,
                session_id,
            ],
            cwd=REPO,
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
            assert home_calls(nurse, session_id) == "on a screen"
            os.kill(holder.pid, signal.SIGKILL)
            holder.wait(timeout=10)
            deadline = time.monotonic() + 10  # the server notices the closed socket at once
            while home_calls(nurse, session_id) != "interrupted" and time.monotonic() < deadline:
                time.sleep(0.1)
            assert home_calls(nurse, session_id) == "interrupted"
        finally:
            holder.kill()
            holder.wait()
