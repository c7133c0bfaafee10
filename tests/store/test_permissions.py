"""The data directory and database are private to the therapist, a store that cannot be used says
so in one sentence, and two processes may write to one session (a nurse adding vitals from another
terminal)."""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from store_commands import assert_one_sentence, run_cli, unprivileged

from kapsession.core.errors import StoreError
from kapsession.core.events import Client, NoteWritten, SessionOpened, VitalsRecorded
from kapsession.core.vitals import VitalsReading
from kapsession.locations import DATABASE_NAME
from kapsession.store import EventStore
from kapsession.store.schema import SCHEMA_VERSION
from kapsession.store.session_log import SessionLog

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def opened(name: str = "A.B.") -> SessionOpened:
    return SessionOpened(at=NOW, client=Client(name=name), preset="sublingual-troche")


def note(text: str, minutes: int = 1) -> NoteWritten:
    return NoteWritten(at=NOW + timedelta(minutes=minutes), text=text)


@pytest.fixture
def permissive_umask() -> Iterator[None]:
    previous = os.umask(0)
    try:
        yield
    finally:
        os.umask(previous)


# --- modes -----------------------------------------------------------------------------------


def test_a_new_data_dir_is_0700_and_the_database_files_0600(tmp_path: Path, permissive_umask: None, new_store) -> None:
    data = tmp_path / "nested" / "data"
    passphrase = new_store(data)  # plain, or converted to SQLCipher (a file replaced: born private too)
    with EventStore(data, passphrase) as store:
        session_id, _ = store.create_session(opened())
        store.append(session_id, note("first"))
        assert mode(data) == 0o700
        database = data / DATABASE_NAME
        assert mode(database) == 0o600
        present = [suffix for suffix in ("-wal", "-shm") if Path(f"{database}{suffix}").exists()]
        assert "-wal" in present  # WAL mode: the journal exists while the store is open
        for suffix in present:
            assert mode(Path(f"{database}{suffix}")) == 0o600, suffix
    # Files SQLite creates later (a new WAL after the last connection closed) are private too.
    with EventStore(data, passphrase) as store:
        store.append(session_id, note("second", 2))
        for suffix in ("", "-wal", "-shm"):
            path = Path(f"{data / DATABASE_NAME}{suffix}")
            if path.exists():
                assert mode(path) == 0o600, suffix
    # Nothing else in the data dir is readable by others (lock files included).
    for path in data.rglob("*"):
        assert mode(path) & 0o077 == 0, path


def test_existing_loose_permissions_are_tightened(tmp_path: Path, permissive_umask: None) -> None:
    data = tmp_path / "data"
    with EventStore(data):
        pass
    os.chmod(data, 0o755)
    os.chmod(data / DATABASE_NAME, 0o644)
    with EventStore(data):
        pass
    assert mode(data) == 0o700
    assert mode(data / DATABASE_NAME) == 0o600


def test_a_data_dir_locked_by_its_owner_is_not_reopened(tmp_path: Path) -> None:
    """Taking group/other access away is fine; adding access the owner removed is not."""
    data = tmp_path / "data"
    data.mkdir()
    os.chmod(data, 0o500)
    try:
        if os.access(data, os.W_OK):
            pytest.skip("running with the power to write anywhere (root); see the subprocess test below")
        with pytest.raises(StoreError, match="not readable and writable by you"):
            EventStore(data)
        assert mode(data) == 0o500
    finally:
        os.chmod(data, 0o700)


# --- a store that cannot be used -------------------------------------------------------------


STORE_SCRIPT = r"""
import sys
from pathlib import Path
from kapsession.core.errors import StoreError
from kapsession.store import EventStore
try:
    EventStore(Path(sys.argv[1]))
except StoreError as error:
    print("StoreError:", error)
else:
    print("opened")
"""


def test_an_unreadable_data_dir_is_one_clear_sentence(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    os.chmod(data, 0o000)
    try:
        result = subprocess.run(
            unprivileged([sys.executable, "-c", STORE_SCRIPT, str(data)]), capture_output=True, text=True, timeout=60
        )
        assert result.returncode == 0, result.stderr
        assert result.stdout.startswith("StoreError: the data directory"), result.stdout
        assert str(data) in result.stdout

        cli = run_cli("--data-dir", str(data), "sessions", privileged=False)
        assert_one_sentence(cli, "the data directory", str(data))
        assert cli.returncode == 1
        assert mode(data) == 0o000  # never loosened behind the owner's back
    finally:
        os.chmod(data, 0o700)


def test_a_data_dir_that_is_a_file(tmp_path: Path) -> None:
    path = tmp_path / "data"
    path.write_text("not a directory")
    with pytest.raises(StoreError, match="the data directory .* cannot be used"):
        EventStore(path)
    assert_one_sentence(run_cli("--data-dir", str(path), "sessions"), "the data directory")


def test_a_database_from_a_newer_kapsession_is_refused_untouched(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with EventStore(tmp_path) as store:
        session_id, _ = store.create_session(opened())
    database = tmp_path / DATABASE_NAME
    connection = sqlite3.connect(database)
    connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    connection.close()
    with pytest.raises(StoreError) as caught:
        EventStore(tmp_path)
    assert f"newer kapsession (schema {SCHEMA_VERSION + 5}; this one knows up to {SCHEMA_VERSION})" in str(caught.value)
    assert_one_sentence(run_cli("--data-dir", str(tmp_path), "sessions"), "newer kapsession", "upgrade")
    from kapsession.cli import main

    for command in (
        ["show", session_id],
        ["add", session_id, "note", "hello"],
        ["new", "--client", "X", "--preset", "sublingual-troche", "--no-open"],
    ):
        assert main(["--data-dir", str(tmp_path), *command]) == 1
        captured = capsys.readouterr()
        assert captured.out == "" and captured.err.count("\n") == 1 and "newer kapsession" in captured.err
    connection = sqlite3.connect(database)
    try:
        assert connection.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION + 5
        assert connection.execute("SELECT COUNT(*) FROM events").fetchone()[0] == 1
    finally:
        connection.close()


def test_a_file_that_is_not_a_database(tmp_path: Path) -> None:
    junk = b"these are not the pages you are looking for" * 100
    (tmp_path / DATABASE_NAME).write_bytes(junk)
    with pytest.raises(StoreError, match="cannot be opened: it is not a kapsession database"):
        EventStore(tmp_path)
    assert_one_sentence(run_cli("--data-dir", str(tmp_path), "sessions"), "cannot be opened", "left it as it is")
    assert (tmp_path / DATABASE_NAME).read_bytes() == junk


def test_an_empty_first_release_database_is_migrated(tmp_path: Path) -> None:
    """A database at version 0 with no tables (a first start cut short) is brought up to date."""
    connection = sqlite3.connect(tmp_path / DATABASE_NAME)
    connection.execute("PRAGMA journal_mode=WAL")  # writes the header: a database, empty
    connection.close()
    with EventStore(tmp_path) as store:
        assert store.connection.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert store.list_sessions() == []


# --- two writers -----------------------------------------------------------------------------

WRITER = r"""
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path
from kapsession.core.events import VitalsRecorded
from kapsession.core.vitals import VitalsReading
from kapsession.store import EventStore
store = EventStore(Path(sys.argv[1]))
start = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
for n in range(int(sys.argv[3])):
    store.append(sys.argv[2], VitalsRecorded(at=start + timedelta(seconds=n), reading=VitalsReading(heart_rate=60 + n % 100)))
print("done")
"""


def test_two_store_instances_interleave_on_one_session(tmp_path: Path) -> None:
    with EventStore(tmp_path) as therapist, EventStore(tmp_path) as nurse:
        session_id, _ = therapist.create_session(opened())
        log = SessionLog(therapist, session_id, preset=None)  # type: ignore[arg-type]
        seqs = []
        for n in range(10):
            writer = therapist if n % 2 else nurse
            seqs.append(writer.append(session_id, note(f"entry {n}", n)).seq)
        assert seqs == sorted(seqs) and len(set(seqs)) == 10
        assert log.has_news()
        new = log.refresh()
        assert [e.seq for e in new] == seqs
        assert not log.has_news()
        assert [e.text for e in therapist.events(session_id)[1:]] == [f"entry {n}" for n in range(10)]  # type: ignore[attr-defined]
        assert nurse.session(session_id).event_count == 11


def test_another_process_appending_at_the_same_time(tmp_path: Path) -> None:
    per_writer = 60
    with EventStore(tmp_path) as store:
        session_id, _ = store.create_session(opened())
        other = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(tmp_path), session_id, str(per_writer)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            mine = [store.append(session_id, note(f"mine {n}", n)).seq for n in range(per_writer)]
            out, err = other.communicate(timeout=60)
        finally:
            if other.poll() is None:  # pragma: no cover
                other.kill()
                other.communicate()
        assert other.returncode == 0 and out.strip() == "done", err
        events = store.events(session_id)
        assert len(events) == 1 + 2 * per_writer
        assert len({e.seq for e in events}) == len(events)
        assert set(mine) <= {e.seq for e in events}
        assert sum(isinstance(e, VitalsRecorded) for e in events) == per_writer
        assert store.session(session_id).event_count == len(events)
    connection = sqlite3.connect(tmp_path / DATABASE_NAME)
    try:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    finally:
        connection.close()


def test_appending_to_an_unknown_session_records_nothing(tmp_path: Path) -> None:
    from kapsession.core.errors import NotFoundError

    with EventStore(tmp_path) as store:
        store.create_session(opened())
        with pytest.raises(NotFoundError):
            store.append("zzzzzz", VitalsRecorded(at=NOW, reading=VitalsReading(heart_rate=70)))
        assert store.connection.execute("SELECT COUNT(*) FROM events").fetchone()[0] == 1
