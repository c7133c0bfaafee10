"""The PostgreSQL store against a real server (tests/conftest.py `postgres_url`: a throwaway
cluster or $KAPSESSION_TEST_DATABASE_URL; skipped with the reason where there is none): two
processes on one session see each other's events through NOTIFY within a second, the races hold,
a store moves between the engines with every event verified, and faults are one sentence."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from kapsession.core.errors import InputError, StoreError
from kapsession.core.events import Client, SessionOpened, VitalsRecorded
from kapsession.core.vitals import VitalsReading
from kapsession.store import EventStore
from kapsession.store.copy import copy_store, read_back
from kapsession.store.factory import open_store

REPO = Path(__file__).resolve().parents[2]
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def opened(name: str = "A.B.") -> SessionOpened:
    return SessionOpened(at=T0, client=Client(name=name), preset="intramuscular")


def kapsession(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kapsession", *args],
        capture_output=True,
        text=True,
        cwd=REPO,
        env={**os.environ, **env},
        stdin=subprocess.DEVNULL,
        timeout=60,
    )


def test_a_second_process_s_vitals_reach_the_first_through_notify_within_a_second(
    postgres_url: str, tmp_path: Path
) -> None:
    """The issue's "done when": a nurse's process appends vitals; the therapist's store, listening,
    is told within a second, and reads the event without polling the table."""
    with open_store(tmp_path / "therapist", postgres_url) as therapist:
        session_id, _ = therapist.create_session(opened())
        told = threading.Event()
        online = threading.Event()
        seqs: list[int] = []

        def news(seq: int) -> None:
            seqs.append(seq)
            if seq > 1:
                told.set()

        therapist.watch(session_id, news, lambda up: online.set() if up else None)  # type: ignore[attr-defined]
        assert online.wait(5)
        nurse = subprocess.Popen(
            [
                sys.executable,
                "-c",
                "import sys; from pathlib import Path; from kapsession.store.factory import open_store;"
                "from kapsession.core.events import VitalsRecorded; from kapsession.core.vitals import VitalsReading;"
                "from kapsession.core.clock import utc_now;"
                "s = open_store(Path(sys.argv[2]), sys.argv[1]); sys.stdout.write('ready\\n'); sys.stdout.flush();"
                "sys.stdin.readline();"
                "s.append(sys.argv[3], VitalsRecorded(at=utc_now(), reading=VitalsReading(systolic=120, diastolic=80)));"
                "sys.stdout.write('appended\\n'); sys.stdout.flush()",
                postgres_url,
                str(tmp_path / "nurse"),
                session_id,
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=REPO,
        )
        try:
            assert nurse.stdout is not None and nurse.stdin is not None
            assert nurse.stdout.readline().strip() == "ready"
            nurse.stdin.write("go\n")
            nurse.stdin.flush()
            assert nurse.stdout.readline().strip() == "appended"
            appended_at = time.monotonic()
            assert told.wait(1.0), "the nurse's vitals did not reach the therapist within a second"
            assert time.monotonic() - appended_at < 1.0
        finally:
            nurse.wait(timeout=30)
        assert therapist.last_seq(session_id) == max(seqs)
        news_events = therapist.events(session_id, after_seq=1)
        assert [type(e) for e in news_events] == [VitalsRecorded]


def test_no_rule_breaks_under_eight_concurrent_writers_on_postgres(
    postgres_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """tests/store/test_races.py's races, each of eight processes on its own connection."""
    sys.path.insert(0, str(REPO))
    from benchmarks.reliability.races import RULES, WRITERS, run_races

    monkeypatch.setenv("KAPSESSION_DATABASE_URL", postgres_url)
    rounds = 10
    counts = run_races(tmp_path, rounds=rounds)
    for rule in RULES:
        count = counts[rule]
        assert count.failures == 0 and count.violations == 0, (rule, count.examples)
        assert count.accepted + count.refused == rounds * WRITERS * (2 if rule == "alert" else 1), rule
    assert counts["dose"].accepted == rounds
    assert counts["close"].accepted == rounds
    assert counts["series"].accepted == WRITERS * rounds


def _fill(store: EventStore) -> None:
    for name in ("A.B.", "C.D."):
        session_id, _ = store.create_session_checked(name, lambda history, name=name: opened(name))
        for minute in range(1, 6):
            reading = VitalsReading(systolic=110 + minute, diastolic=70, heart_rate=60 + minute)
            store.append(session_id, VitalsRecorded(at=T0 + timedelta(minutes=minute), reading=reading))


def _file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_sqlite_store_moves_into_postgres_and_back_with_every_event_verified(
    postgres_url: str, tmp_path: Path
) -> None:
    from kapsession.locations import DATABASE_NAME

    with EventStore(tmp_path / "laptop") as laptop:
        _fill(laptop)
        before = read_back(laptop)
    source_file = tmp_path / "laptop" / DATABASE_NAME
    source_bytes = _file_hash(source_file)
    env = {"KAPSESSION_DATA_DIR": str(tmp_path / "laptop"), "KAPSESSION_DATABASE_URL": ""}
    moved = kapsession("store", "copy", "--to", postgres_url, env=env)
    assert moved.returncode == 0, moved.stderr
    assert "2 sessions, 12 events" in moved.stdout and "verified" in moved.stdout
    assert _file_hash(source_file) == source_bytes  # the source is only read
    with open_store(tmp_path / "clinic", postgres_url) as clinic:
        assert read_back(clinic) == before
        # New events are numbered on from the copied ones.
        session_id = clinic.session_ids()[0]
        added = clinic.append(
            session_id, VitalsRecorded(at=T0 + timedelta(minutes=9), reading=VitalsReading(systolic=1))
        )
        assert added.seq == before.counts.events + 1  # type: ignore[attr-defined]
        with EventStore(tmp_path / "back") as back:
            copied = copy_store(clinic, back, "the SQLite store")
            assert copied == read_back(clinic)
    again = kapsession("store", "copy", "--to", postgres_url, env=env)
    assert again.returncode == 2
    assert "already holds 2 sessions" in again.stderr and "Traceback" not in again.stderr


def test_a_non_empty_target_is_refused_and_left_as_it_was(postgres_url: str, tmp_path: Path) -> None:
    with EventStore(tmp_path / "a") as source, open_store(tmp_path / "b", postgres_url) as target:
        _fill(source)
        target.create_session(opened("E.F."))
        before = read_back(target)
        with pytest.raises(InputError, match="a store is copied only into an empty one"):
            copy_store(source, target, "the clinic's database")
        assert read_back(target) == before


def test_a_server_that_cannot_be_reached_is_one_sentence(tmp_path: Path) -> None:
    pytest.importorskip("psycopg", exc_type=ImportError)
    url = "postgresql://nobody:secret-password@127.0.0.1:1/kapsession"
    with pytest.raises(StoreError) as refused:
        open_store(tmp_path, url)
    sentence = str(refused.value)
    assert "127.0.0.1:1/kapsession" in sentence and "cannot be reached" in sentence
    assert "secret-password" not in sentence and "\n" not in sentence
    result = kapsession("--database", url, "sessions", env={"KAPSESSION_DATA_DIR": str(tmp_path)})
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "secret-password" not in result.stderr


def test_a_database_url_must_be_postgresql(tmp_path: Path) -> None:
    result = kapsession("--database", "mysql://x/y", "sessions", env={"KAPSESSION_DATA_DIR": str(tmp_path)})
    assert result.returncode == 2 and "must begin with postgresql://" in result.stderr


def test_a_server_restart_mid_session_is_a_sentence_and_the_store_reconnects_by_itself(
    postgres_admin: str, tmp_path: Path
) -> None:
    """A cluster of this test's own, stopped and started with pg_ctl under a listening store."""
    sys.path.insert(0, str(REPO))
    from benchmarks.postgres_server import ThrowawayCluster, _binaries, fresh_database

    if _binaries() is None:
        pytest.skip("restarting the server needs the postgresql server binaries (pg_ctl)")
    cluster = ThrowawayCluster()
    try:
        url = fresh_database(cluster.url)
        with open_store(tmp_path, url) as store:
            session_id, _ = store.create_session(opened())
            states: list[bool] = []
            store.watch(session_id, lambda seq: None, states.append)  # type: ignore[attr-defined]
            deadline = time.monotonic() + 5
            while states != [True] and time.monotonic() < deadline:
                time.sleep(0.05)
            cluster.stop()
            vitals = VitalsRecorded(at=T0 + timedelta(minutes=1), reading=VitalsReading(systolic=120, diastolic=80))
            with pytest.raises(StoreError) as refused:
                store.append(session_id, vitals)
            assert "nothing was recorded" in str(refused.value) and "\n" not in str(refused.value)
            deadline = time.monotonic() + 5
            while states[-1] is not False and time.monotonic() < deadline:
                time.sleep(0.05)
            assert states[-1] is False  # the live screen's "offline"
            cluster.start()
            stored = store.append(session_id, vitals)  # the store opened its connection again
            assert store.events(session_id)[-1].seq == stored.seq  # type: ignore[attr-defined]
            deadline = time.monotonic() + 10
            while states[-1] is not True and time.monotonic() < deadline:
                time.sleep(0.05)
            assert states[-1] is True  # the listener came back by itself
            assert len(store.events(session_id)) == 2  # the refused append left nothing
    finally:
        cluster.remove()


def test_a_connection_lost_during_commit_says_the_entry_may_be_saved(postgres_url: str, tmp_path: Path) -> None:
    """The server may have committed before the connection went: the sentence never says that
    nothing was recorded (the therapist would enter it twice), and says where to look."""
    import psycopg

    with open_store(tmp_path, postgres_url) as store:
        session_id, _ = store.create_session(opened())
        connection = store.connection
        execute = connection.execute

        def lose_the_connection_at_commit(sql: str, parameters: tuple = ()):  # type: ignore[no-untyped-def]
            if sql == "COMMIT":
                pid = connection.raw.info.backend_pid
                with psycopg.connect(postgres_url, autocommit=True) as other:
                    other.execute("SELECT pg_terminate_backend(%s)", (pid,))
            return execute(sql, parameters)

        connection.execute = lose_the_connection_at_commit  # type: ignore[method-assign]
        vitals = VitalsRecorded(at=T0 + timedelta(minutes=1), reading=VitalsReading(systolic=120, diastolic=80))
        with pytest.raises(StoreError) as uncertain:
            store.append(session_id, vitals)
        said = str(uncertain.value)
        assert "may have been recorded" in said and "look there before entering it again" in said
        assert "nothing was recorded" not in said and "\n" not in said
        connection.execute = execute  # type: ignore[method-assign]
        assert [event.type for event in store.events(session_id)] == ["session_opened"]  # (here it was not)
