"""Backups: `kapsession backup FILE` takes a consistent copy while a session is being written (the
online backup API), encrypted when the store is; `kapsession restore FILE` gives back an identical
record, and refuses to replace a store holding what the backup lacks unless told to."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from store_commands import assert_one_sentence, run_cli

from kapsession.core.events import Client, SessionOpened
from kapsession.locations import DATABASE_NAME
from kapsession.store import EventStore

WRITER = r"""
import sys
from datetime import datetime, timezone
from pathlib import Path
from kapsession.core.events import NoteWritten, VitalsRecorded
from kapsession.core.vitals import VitalsReading
from kapsession.store import EventStore
store = EventStore(Path(sys.argv[1]), sys.argv[3] or None)
stop = Path(sys.argv[4])
n = 0
while not stop.exists():  # until the test has its backup
    n += 1
    now = datetime.now(timezone.utc)
    if n % 2:
        store.append(sys.argv[2], NoteWritten(at=now, text=f"note {n} " + "slow breathing " * 50))
    else:
        store.append(sys.argv[2], VitalsRecorded(at=now, reading=VitalsReading(heart_rate=60 + n % 40)))
    if n == 20:
        print("writing", flush=True)
print("done", flush=True)
"""


def env_for(passphrase: str | None) -> dict[str, str]:
    return {"KAPSESSION_PASSPHRASE": passphrase or ""}


def test_a_backup_taken_mid_session_restores_to_an_identical_record(tmp_path: Path, new_store) -> None:
    data = tmp_path / "data"
    passphrase = new_store(data)
    with EventStore(data, passphrase) as store:
        session_id, _ = store.create_session(
            SessionOpened(at=datetime.now(UTC), client=Client(name="A.B."), preset="sublingual-troche")
        )
    stop = tmp_path / "stop"
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(data), session_id, passphrase or "", str(stop)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    backup = tmp_path / "elsewhere" / "kapsession-backup.sqlite3"
    backup.parent.mkdir()
    try:
        assert writer.stdout.readline().strip() == "writing", writer.stderr.read()  # type: ignore[union-attr]
        taken = run_cli("--data-dir", str(data), "backup", str(backup), env=env_for(passphrase))
        still_writing = writer.poll() is None
        stop.touch()
        out, err = writer.communicate(timeout=120)
    finally:
        if writer.poll() is None:  # pragma: no cover
            writer.kill()
            writer.wait()
    assert taken.returncode == 0, taken.stderr
    assert out.strip() == "done", err
    assert still_writing, "the writer finished before the backup: not a mid-session backup"
    assert ("encrypted with the store's passphrase" if passphrase else "not encrypted") in taken.stdout
    assert backup.stat().st_mode & 0o077 == 0
    if passphrase:
        assert not backup.read_bytes().startswith(b"SQLite format 3")

    with EventStore(data, passphrase) as store:
        live = store.events(session_id)

    restored_dir = tmp_path / "restored"
    restored = run_cli("--data-dir", str(restored_dir), "restore", str(backup), env=env_for(passphrase))
    assert restored.returncode == 0, restored.stderr
    with EventStore(restored_dir, passphrase) as store:
        assert store.encrypted == bool(passphrase)
        back = store.events(session_id)
        row = store.session(session_id)
    # A consistent snapshot: exactly the first events, each one identical, none half-written.
    assert 21 < len(back) < len(live)
    assert back == live[: len(back)]
    assert row.event_count == len(back)


def test_restore_refuses_to_lose_what_the_backup_lacks(tmp_path: Path) -> None:
    data = tmp_path / "data"
    first = run_cli("--data-dir", str(data), "new", "--client", "A.B.", "--preset", "sublingual-troche", "--no-open")
    session_id = first.stdout.strip()
    backup = tmp_path / "monday.sqlite3"
    assert run_cli("--data-dir", str(data), "backup", str(backup)).returncode == 0
    again = run_cli("--data-dir", str(data), "backup", str(backup))
    assert_one_sentence(again, "already exists", "--force")
    assert_one_sentence(run_cli("--data-dir", str(data), "backup", str(data / DATABASE_NAME)), "the store itself")

    assert run_cli("--data-dir", str(data), "add", session_id, "note", "after the backup").returncode == 0
    run_cli("--data-dir", str(data), "new", "--client", "C.D.", "--preset", "sublingual-troche", "--no-open")
    before = (data / DATABASE_NAME).read_bytes()
    refused = run_cli("--data-dir", str(data), "restore", str(backup))
    assert_one_sentence(refused, "1 session not in the backup", "newer entries in 1 session", "--force")
    assert refused.returncode == 2
    assert (data / DATABASE_NAME).read_bytes() == before

    with EventStore(data):
        in_use = run_cli("--data-dir", str(data), "restore", str(backup), "--force")
        assert_one_sentence(in_use, "in use by another kapsession")

    forced = run_cli("--data-dir", str(data), "restore", str(backup), "--force")
    assert forced.returncode == 0, forced.stderr
    kept = next((data / "replaced").glob("kapsession-*.sqlite3"))
    assert str(kept) in forced.stdout
    with EventStore(data) as store:
        assert [row.client_name for row in store.list_sessions()] == ["A.B."]
        assert len(store.events(session_id)) == 1
    # What was replaced is all still there, in the copy kept aside.
    aside = tmp_path / "aside"
    aside.mkdir()
    (aside / DATABASE_NAME).write_bytes(kept.read_bytes())
    with EventStore(aside) as store:
        assert sorted(row.client_name for row in store.list_sessions()) == ["A.B.", "C.D."]
        assert len(store.events(session_id)) == 2


def test_a_backup_is_checked_before_it_is_restored(tmp_path: Path) -> None:
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"not a backup\n" * 400)
    assert_one_sentence(
        run_cli("--data-dir", str(tmp_path / "data"), "restore", str(junk)), "not a kapsession database"
    )
    assert_one_sentence(
        run_cli("--data-dir", str(tmp_path / "data"), "restore", str(tmp_path / "none")), "there is no backup file"
    )
    assert not (tmp_path / "data" / DATABASE_NAME).exists()
