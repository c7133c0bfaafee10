"""The session's rules hold under concurrent writers: eight processes give the same command to one
session at the same moment, fifty times for each rule (benchmarks/reliability/races.py says what
each race does and what counts as broken). The same races, with their counts, are written to
docs/reliability.md by `python -m benchmarks.reliability`."""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from benchmarks.reliability.races import RULES, WRITERS, run_races  # noqa: E402

ROUNDS = 50


@pytest.fixture
def race_dir(tmp_path: Path) -> Iterator[Path]:
    """The rules, not the disk, are under test here: on a RAM disk (where there is one) a commit's
    fsync costs nothing, and the 300 races of eight processes take seconds, not minutes."""
    shm = Path("/dev/shm")
    if shm.is_dir() and os.access(shm, os.W_OK):
        with tempfile.TemporaryDirectory(dir=shm, prefix="kapsession-races-") as directory:
            yield Path(directory)
    else:  # pragma: no cover - a machine without /dev/shm
        yield tmp_path


def test_no_rule_breaks_under_eight_concurrent_writers(race_dir: Path, new_store) -> None:
    passphrase = new_store(race_dir)
    started = time.monotonic()
    counts = run_races(race_dir, rounds=ROUNDS, passphrase=passphrase)
    assert set(counts) == set(RULES)
    for rule, count in counts.items():
        assert count.races == ROUNDS, rule
        assert count.failures == 0, (rule, count.examples)
        assert count.violations == 0, (rule, count.examples)
        assert count.accepted + count.refused == ROUNDS * WRITERS * (2 if rule == "alert" else 1), rule
    # Each rule let through exactly what it allows, every time.
    assert counts["dose"].accepted == ROUNDS  # one 100 mg dose under a 150 mg maximum
    assert counts["card"].accepted == 3 * ROUNDS  # the preset's cap: three cards a session
    assert counts["close"].accepted == ROUNDS
    assert counts["phase"].accepted == 6 * ROUNDS  # intake ... integration, then "already the last"
    assert counts["series"].accepted == WRITERS * ROUNDS
    assert counts["alert"].accepted == 2 * WRITERS * ROUNDS
    assert time.monotonic() - started < 90
