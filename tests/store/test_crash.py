"""A session must survive the app being killed at any moment: an event the app reported as
recorded is on disk. A child process appends events to one session and prints each seq once
`append` has returned; the parent kills it with SIGKILL at a random moment, many times over, then
checks that every reported event is there, readable, and the database is intact
(benchmarks/reliability/kills.py; `python -m benchmarks.reliability` runs more of them)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from benchmarks.reliability.kills import run_kills  # noqa: E402

RUNS = 24


def test_every_reported_event_survives_sigkill(tmp_path: Path, new_store) -> None:
    passphrase = new_store(tmp_path)
    count = run_kills(tmp_path, RUNS, passphrase, seed=int.from_bytes(os.urandom(4), "big"))
    assert count.seconds < 60
    assert count.killed_mid_run >= RUNS // 2, "the writers were mostly killed before writing anything"
    assert count.acknowledged > 0
    assert count.lost == 0, f"{count.lost} events reported as recorded but lost"
    assert count.intact
    assert count.takes_more
