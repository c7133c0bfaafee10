"""Kill runs: a child process appends events to one session and prints each seq once `append` has
returned (acknowledged); the parent kills it with SIGKILL at a random moment, over and over, then
counts the acknowledged events that are not in the store, and checks the store is intact and
still takes events."""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from benchmarks.reliability.report import Section

CHILD = r"""
import sys
from datetime import datetime, timezone
from pathlib import Path

from kapsession.core.events import NoteWritten, VitalsRecorded
from kapsession.core.vitals import VitalsReading
from kapsession.store import EventStore

store = EventStore(Path(sys.argv[1]), sys.argv[3] or None)
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


@dataclass
class KillCount:
    runs: int = 0
    killed_mid_run: int = 0  # runs in which the child had acknowledged at least one event
    acknowledged: int = 0
    lost: int = 0  # acknowledged, then not in the store
    intact: bool = True  # integrity check after all runs
    takes_more: bool = True  # the store still appends after all runs
    seconds: float = 0.0


def run_and_kill(data_dir: Path, session_id: str, rng: random.Random, passphrase: str | None = None) -> list[int]:
    """Start a writer, kill it at a random moment, return the seqs it reported as committed."""
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(data_dir), session_id, passphrase or ""],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        if rng.random() < 0.25:
            # Anywhere from start-up (opening the store) to the first writes.
            time.sleep(rng.uniform(0.0, 0.4))
            child.send_signal(signal.SIGKILL)
            out = child.stdout.read()  # type: ignore[union-attr]
        else:
            first = child.stdout.readline()  # type: ignore[union-attr]
            if not first:
                raise RuntimeError(child.stderr.read().decode())  # type: ignore[union-attr]
            time.sleep(rng.uniform(0.0, 0.15))
            child.send_signal(signal.SIGKILL)
            out = first + child.stdout.read()  # type: ignore[union-attr]
        child.wait(timeout=10)
        return [int(line) for line in out.split()]
    finally:
        if child.poll() is None:  # pragma: no cover - only if something above failed
            child.kill()
            child.wait()
        for stream in (child.stdout, child.stderr):
            if stream:
                stream.close()


def run_kills(data_dir: Path, runs: int, passphrase: str | None = None, seed: int | None = None) -> KillCount:
    """`runs` kill runs on one session in `data_dir` (a store is made there if absent)."""
    from kapsession.core.events import Client, SessionOpened
    from kapsession.store import EventStore

    rng = random.Random(seed)
    with EventStore(data_dir, passphrase) as store:
        session_id, _ = store.create_session(
            SessionOpened(at=datetime.now(UTC), client=Client(name="C.K."), preset="sublingual-troche")
        )
    count = KillCount()
    reported: list[int] = []
    started = time.perf_counter()
    for _ in range(runs):
        seqs = run_and_kill(data_dir, session_id, rng, passphrase)
        count.runs += 1
        count.killed_mid_run += bool(seqs)
        reported += seqs
    count.seconds = time.perf_counter() - started
    count.acknowledged = len(reported)
    with EventStore(data_dir, passphrase) as store:
        count.intact = store.connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        events = store.events(session_id)
        stored = {event.seq for event in events}
        count.lost = len(set(reported) - stored)
        listing_agrees = store.session(session_id).event_count == len(events)
        again = store.append(session_id, events[-1].model_copy(update={"seq": None, "recorded_at": None}))
        count.takes_more = listing_agrees and again.seq is not None and again.seq > max(stored)
    return count


def section(settings, workdir: Path, log) -> Section:
    """The kill runs, on a plain store and on an encrypted one, for docs/reliability.md."""
    from benchmarks.reliability.report import Count, Section

    result = Section("kills", "Kill runs")
    runs = {"plain": settings.kill_runs, "encrypted": max(1, settings.kill_runs * 2 // 3)}
    seconds = 0.0
    for kind, count_of_runs in runs.items():
        data_dir = workdir / f"kills-{kind}"
        passphrase = None
        if kind == "encrypted":
            from kapsession.store.maintenance import encrypt

            passphrase = "reliability passphrase, not a secret"
            encrypt(data_dir, passphrase)
        log(f"  {count_of_runs} kills, {kind} store ...")
        count = run_kills(data_dir, count_of_runs, passphrase, seed=settings.seed)
        seconds += count.seconds
        result.counts.append(
            Count(
                f"acknowledged events lost, {kind} store",
                count.lost,
                f"of {count.acknowledged:,} acknowledged, in {count.runs} kills "
                f"({count.killed_mid_run} after the first write)",
            )
        )
        result.counts.append(
            Count(
                f"store damaged or refusing entries after the kills, {kind} store",
                int(not count.intact) + int(not count.takes_more),
                "1 store",
            )
        )
        log(f"    lost {count.lost} of {count.acknowledged} ({count.seconds:.0f} s)")
    result.seconds = seconds
    result.details += [
        "- A child process opens the store and appends to one session as fast as it can, alternating "
        "vitals with notes long enough to span several database pages; it prints each event's number "
        "once `EventStore.append` has returned (committed: WAL, synchronous=FULL). The parent kills it "
        "with SIGKILL at a random moment: in a quarter of the runs anywhere from start-up (opening the "
        "store, deriving an encrypted store's key) to the first writes, otherwise 0-150 ms after its "
        "first acknowledged write. An event counts as lost if the child printed its number and the "
        "store, opened afresh after all the runs, does not hold it.",
        "- After the runs: SQLite's integrity check, every event read back and decoded, the listing row's "
        "count equal to the events, and one more append accepted.",
        f"- Random seed {settings.seed}.",
    ]
    return result
