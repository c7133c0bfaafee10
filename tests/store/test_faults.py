"""Every fault of the database is one sentence, and nothing is recorded or changed by it: a full
disk, a database busy for too long (naming the process that holds it), a damaged database (with
`kapsession check` and `kapsession recover`), a 0-byte or foreign file (never re-created), a
store from a newer kapsession (not a byte changed)."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from store_commands import assert_one_sentence, run_cli

from kapsession.core.errors import StoreError
from kapsession.core.events import Client, NoteWritten, SessionOpened, VitalsRecorded
from kapsession.core.vitals import VitalsReading
from kapsession.locations import DATABASE_NAME
from kapsession.store import EventStore
from kapsession.store.schema import SCHEMA_VERSION

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def opened(name: str = "A.B.") -> SessionOpened:
    return SessionOpened(at=NOW, client=Client(name=name), preset="sublingual-troche")


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def env_for(passphrase: str | None) -> dict[str, str]:
    return {"KAPSESSION_PASSPHRASE": passphrase} if passphrase else {}


# --- files that are not a store ------------------------------------------------------------------


def test_a_0_byte_database_is_refused_and_never_recreated(tmp_path: Path) -> None:
    (tmp_path / DATABASE_NAME).touch()
    with pytest.raises(StoreError, match=r"is empty \(0 bytes\)"):
        EventStore(tmp_path)
    result = run_cli(
        "--data-dir", str(tmp_path), "new", "--client", "A.B.", "--preset", "sublingual-troche", "--no-open"
    )
    assert_one_sentence(result, "is empty (0 bytes)", "move it aside")
    assert result.returncode == 1
    assert (tmp_path / DATABASE_NAME).stat().st_size == 0
    assert not Path(f"{tmp_path / DATABASE_NAME}-wal").exists()


def test_another_programs_sqlite_database_is_refused_untouched(tmp_path: Path) -> None:
    database = tmp_path / DATABASE_NAME
    connection = sqlite3.connect(database)
    connection.execute("CREATE TABLE photos (id INTEGER PRIMARY KEY, name TEXT)")
    connection.execute("INSERT INTO photos (name) VALUES ('beach')")
    connection.commit()
    connection.close()
    before = digest(database)
    with pytest.raises(StoreError, match="its tables are another program's"):
        EventStore(tmp_path)
    assert_one_sentence(run_cli("--data-dir", str(tmp_path), "sessions"), "another program", "left it as it is")
    assert digest(database) == before

    connection = sqlite3.connect(database)
    connection.execute("PRAGMA application_id = 1234")
    connection.commit()
    connection.close()
    before = digest(database)
    with pytest.raises(StoreError, match="belongs to another program"):
        EventStore(tmp_path)
    assert digest(database) == before


def test_a_summary_written_over_the_store_is_refused_not_replaced(tmp_path: Path) -> None:
    """A Markdown or PDF file where the store was is not mistaken for an encrypted store."""
    database = tmp_path / DATABASE_NAME
    for content in (b"# Client summary\n\nA calm session.\n" * 128, b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + bytes(4082)):
        database.write_bytes(content)
        with pytest.raises(StoreError, match="not a kapsession database"):
            EventStore(tmp_path)
        assert database.read_bytes() == content


@pytest.mark.parametrize("store_kind", ["plain", "encrypted"])
def test_a_newer_schema_is_refused_with_not_a_byte_changed(tmp_path: Path, new_store, store_kind: str) -> None:
    passphrase = new_store(tmp_path)
    with EventStore(tmp_path, passphrase) as store:
        session_id, _ = store.create_session(opened())
        store.connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    database = tmp_path / DATABASE_NAME
    before = digest(database)
    assert not Path(f"{database}-wal").exists()
    with pytest.raises(StoreError, match=r"newer kapsession .*nothing was changed"):
        EventStore(tmp_path, passphrase)
    result = run_cli("--data-dir", str(tmp_path), "add", session_id, "note", "hello", env=env_for(passphrase))
    assert_one_sentence(result, "newer kapsession", "upgrade")
    assert digest(database) == before
    if store_kind == "plain":  # read from the header alone: SQLite never opened it
        assert not Path(f"{database}-wal").exists() and not Path(f"{database}-shm").exists()


# --- faults while in use -------------------------------------------------------------------------


def test_a_full_disk_records_nothing_and_says_so(tmp_path: Path) -> None:
    with EventStore(tmp_path) as store:
        session_id, _ = store.create_session(opened())
        pages = store.connection.execute("PRAGMA page_count").fetchone()[0]
        # SQLite's own limit on the file's size fails a write just as a full disk does (SQLITE_FULL).
        store.connection.execute(f"PRAGMA max_page_count = {pages}")
        note = NoteWritten(at=NOW, text="the client is resting " * 800)
        with pytest.raises(StoreError, match=r"is full; nothing was recorded; free some space and try again"):
            store.append(session_id, note)
        assert store.last_seq(session_id) == 1
        assert store.session(session_id).event_count == 1
        store.connection.execute(f"PRAGMA max_page_count = {pages * 100}")
        assert store.append(session_id, note).seq == 2  # space freed: the same entry goes in


HOLDER = r"""
import sqlite3, sys, time
connection = sqlite3.connect(sys.argv[1], isolation_level=None)
connection.execute("BEGIN IMMEDIATE")
connection.execute("UPDATE sessions SET event_count = event_count")
print("holding", flush=True)
time.sleep(30)
"""


def test_a_busy_database_says_for_how_long_and_which_process(tmp_path: Path) -> None:
    with EventStore(tmp_path, busy_timeout=0.5) as store:
        session_id, _ = store.create_session(opened())
        holder = subprocess.Popen(
            [sys.executable, "-c", HOLDER, str(tmp_path / DATABASE_NAME)], stdout=subprocess.PIPE, text=True
        )
        try:
            assert holder.stdout.readline().strip() == "holding"  # type: ignore[union-attr]
            started = time.monotonic()
            with pytest.raises(StoreError) as caught:
                store.append(session_id, VitalsRecorded(at=NOW, reading=VitalsReading(heart_rate=70)))
            assert time.monotonic() - started < 5
            message = str(caught.value)
            assert f"process {holder.pid} (python" in message
            assert "more than 0.5 s" in message and "nothing was recorded" in message
        finally:
            holder.kill()
            holder.wait()
        assert store.last_seq(session_id) == 1


# --- a damaged database --------------------------------------------------------------------------


def damage(database: Path, fraction: float = 0.5, pages: int = 2) -> None:
    """Overwrite `pages` pages from the middle of the file (where the events lie) with garbage."""
    size = database.stat().st_size
    page = 4096
    first = int(size / page * fraction)
    with open(database, "r+b") as handle:
        for number in range(first, first + pages):
            handle.seek(number * page)
            handle.write(os.urandom(page))


def filled_store(data_dir: Path, passphrase: str | None) -> tuple[list[str], dict[str, list]]:
    """Three sessions of 60 events each, checkpointed into the file; returns (ids, events by id)."""
    with EventStore(data_dir, passphrase) as store:
        ids = [store.create_session(opened(name))[0] for name in ("A.B.", "C.D.", "E.F.")]
        for minute in range(60):
            for session_id in ids:
                store.append(
                    session_id,
                    NoteWritten(at=NOW + timedelta(minutes=minute), text=f"entry {minute} " + "calm breathing " * 60),
                )
        events = {session_id: store.events(session_id) for session_id in ids}
    return ids, events


def test_check_and_recover_a_damaged_store(tmp_path: Path, new_store) -> None:
    data = tmp_path / "data"
    passphrase = new_store(data)
    env = env_for(passphrase)
    ids, originals = filled_store(data, passphrase)
    ok = run_cli("--data-dir", str(data), "check", env=env)
    assert ok.returncode == 0 and "integrity: ok" in ok.stdout and "all 3 sessions and 183 events" in ok.stdout

    damage(data / DATABASE_NAME)
    shown = [run_cli("--data-dir", str(data), "show", session_id, env=env) for session_id in ids]
    damaged = [result for result in shown if result.returncode != 0]
    assert damaged, "the damage reached no session"
    for result in damaged:
        assert_one_sentence(result, "is damaged", "kapsession check", "kapsession recover -o DIR")
        assert result.returncode == 1

    checked = run_cli("--data-dir", str(data), "check", env=env)
    assert checked.returncode == 1, checked.stderr
    assert "integrity: DAMAGED" in checked.stdout and "kapsession recover -o DIR" in checked.stdout
    assert "Traceback" not in checked.stderr and checked.stderr == ""

    out = tmp_path / "recovered"
    recovered = run_cli("--data-dir", str(data), "recover", "-o", str(out), env=env)
    assert recovered.returncode == 0, recovered.stderr
    report = json.loads((out / "recovery.json").read_text())
    lost = set(report["unreadable_event_seqs"]) | set(report["events_of_those_sessions_not_copied"])
    with EventStore(out, passphrase) as store:
        assert store.encrypted == (passphrase is not None)
        assert store.connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        copied = 0
        for session_id, events in originals.items():
            if session_id in report["sessions_whose_first_event_was_lost"]:
                continue
            back = {event.seq: event for event in store.events(session_id)}
            for event in events:
                if event.seq in back:
                    assert back[event.seq] == event  # every readable event, exactly as it was
                    copied += 1
                else:
                    assert event.seq in lost
            assert store.session(session_id).event_count == len(back)
        assert copied == report["events"] > 0.8 * 183
    # The damaged store was only read.
    again = run_cli("--data-dir", str(data), "check", env=env)
    assert again.stdout == checked.stdout
