"""A session must survive the app being killed at any moment: an event the app reported as
recorded is on disk. A child process appends events to one session and prints each seq once
`append` has returned; the parent kills it with SIGKILL at a random moment, many times over, then
checks that every reported event is there, readable, and the database is intact."""

from __future__ import annotations


import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

from kapsession.core.events import SessionOpened, Client
from kapsession.locations import DATABASE_NAME
from kapsession.store import EventStore

CHILD = r"""
import sys
from datetime import datetime, timezone
from pathlib import Path

from kapsession.core.events import NoteWritten, VitalsRecorded
from kapsession.core.vitals import VitalsReading
from kapsession.store import EventStore

store = EventStore(Path(sys.argv[1]))
session_id = sys.argv[2]
count = 0
while True:
    count += 1
    now = datetime.now(timezone.utc)
    if count % 3:
        # Long notes span several database pages, so a kill often lands inside a write.
        event = NoteWritten(at=now, text=f"note {count} " + "the client breathes slowly. " * (count % 7 * 60 + 1))
    else:
        event = VitalsRecorded(at=now, reading=VitalsReading(systolic=120 + count % 40, diastolic=80, heart_rate=70))
    stored = store.append(session_id, event)
    sys.stdout.write(f"{stored.seq}\n")
    sys.stdout.flush()
"""

RUNS = 24


def run_and_kill(data_dir: Path, session_id: str, rng: random.Random) -> list[int]:
    """Start a writer, kill it at a random moment, return the seqs it reported as committed."""
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(data_dir), session_id],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    try:
        if rng.random() < 0.25:
            # Anywhere from start-up (opening the store) to the first writes.
            time.sleep(rng.uniform(0.0, 0.4))
        else:
            first = child.stdout.readline()  # type: ignore[union-attr]
            assert first, child.stderr.read().decode()  # type: ignore[union-attr]
            time.sleep(rng.uniform(0.0, 0.15))
            child.send_signal(signal.SIGKILL)
            rest = child.stdout.read()  # type: ignore[union-attr]
            child.wait(timeout=10)
            return [int(line) for line in (first + rest).split()]
        child.send_signal(signal.SIGKILL)
        out = child.stdout.read()  # type: ignore[union-attr]
        child.wait(timeout=10)
        return [int(line) for line in out.split()]
    finally:
        if child.poll() is None:  # pragma: no cover - only if an assertion fired above
            child.kill()
            child.wait()
        for stream in (child.stdout, child.stderr):
            if stream:
                stream.close()


def test_every_reported_event_survives_sigkill(tmp_path: Path) -> None:
    rng = random.Random(int.from_bytes(os.urandom(4), "big"))
    with EventStore(tmp_path) as store:
        session_id, _ = store.create_session(
            SessionOpened(at=datetime.now(timezone.utc), client=Client(name="C.K."), preset="sublingual-troche")
        )
    reported: list[int] = []
    killed_mid_run = 0
    started = time.monotonic()
    for _ in range(RUNS):
        seqs = run_and_kill(tmp_path, session_id, rng)
        killed_mid_run += bool(seqs)
        reported += seqs
    assert time.monotonic() - started < 40
    assert killed_mid_run >= RUNS // 2, "the writers were mostly killed before writing anything"
    assert len(reported) == len(set(reported))

    # The plain SQLite view first: intact, and every reported seq is there.
    connection = sqlite3.connect(tmp_path / DATABASE_NAME)
    try:
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        stored = {row[0] for row in connection.execute("SELECT seq FROM events WHERE session_id = ?", (session_id,))}
    finally:
        connection.close()
    missing = sorted(set(reported) - stored)
    assert not missing, f"reported as recorded but lost: {missing[:10]}"

    # Then through the store: every event reads back, and the listing row moved with each event.
    with EventStore(tmp_path) as store:
        events = store.events(session_id)
        assert {event.seq for event in events} == stored
        assert [event.seq for event in events] == sorted(stored)
        assert store.session(session_id).event_count == len(events)
        # And the store still takes new events after all that.
        assert store.append(session_id, events[-1].model_copy(update={"seq": None, "recorded_at": None})).seq > max(stored)
