"""Looking after the database file: check, recover, back up, restore, encrypt, decrypt.

None of these writes to a store it has not first made sure of. A damaged store is only ever
read (check, recover). A backup is a new file, checked after it is written. Restore, encrypt and
decrypt build the new database beside the old one, check it, and put it in place with one
rename, holding the store lock alone (no screen or command has the store open meanwhile); the
store they replace is kept aside in `replaced/` when it held anything.
"""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kapsession.core.errors import InputError, StoreError
from kapsession.store import database_file as files
from kapsession.store.passphrase import Asker, for_store
from kapsession.store.store_lock import StoreLock

REPLACED_DIR = "replaced"
_EVENT_COLUMNS = "seq, session_id, type, at, recorded_at, body"
_SESSION_COLUMNS = (
    "id, client_name, client_key, preset, series_number, practice, created_at, last_event_at, event_count"
)


def _database(data_dir: Path) -> Path:
    from kapsession.locations import DATABASE_NAME

    return Path(data_dir) / DATABASE_NAME


def _open_read_only(path: Path, given: str | None, ask: Asker | None) -> tuple[Any, str | None]:
    """A read-only connection to an existing store (plain, or encrypted with its passphrase)."""
    found = files.inspect(path)
    if found.kind == "absent":
        raise StoreError(f"there is no store at {path}")
    key, given_by = (None, "") if found.kind == "plain" else for_store(path, given, ask)
    try:
        connection = files.connect(path, key, read_only=True)
    except files.engine_errors() as error:
        raise StoreError(f"the database {path} cannot be opened ({error})") from error
    if key is not None and not _opens(connection):
        connection.close()
        from kapsession.store.faults import PassphraseError

        raise PassphraseError(f"the passphrase {given_by} does not open the store {path}; nothing was changed")
    return connection, key


def _opens(connection: Any) -> bool:
    try:
        return files.key_opens(connection)
    except files.engine_errors():
        return True  # it decrypts; what is wrong beyond that is the integrity check's to say


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}{'' if number == 1 else 's'}"


def _stamp() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")


def _fsync(path: Path) -> None:
    with open(path, "rb") as handle:
        os.fsync(handle.fileno())


def _private_temporary(directory: Path, name: str) -> Path:
    temporary = directory / f".{name}.part-{secrets.token_hex(4)}"
    os.close(os.open(temporary, os.O_CREAT | os.O_EXCL | os.O_RDWR, 0o600))
    return temporary


def _remove_with_journal(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


# -- check and recover ----------------------------------------------------------------------------


@dataclass
class Readable:
    """What could be read out of a store, row by row where a whole read failed."""

    sessions: dict[str, tuple] = field(default_factory=dict)  # id -> the sessions row
    events: list[tuple] = field(default_factory=list)  # (seq, session_id, type, at, recorded_at, body)
    unreadable_events: list[int] = field(default_factory=list)  # seqs that could not be read or decoded
    sessions_unreadable: int = 0

    @property
    def event_count(self) -> int:
        return len(self.events)


class _Reader:
    """Read-only access to a store that may be damaged. SQLCipher refuses every read after a page
    fails its check, so the connection is renewed after each failure (with the derived key: no
    key derivation each time); plain SQLite goes on, and is renewed all the same."""

    def __init__(self, path: Path, key: str | None) -> None:
        self.path, self.key = path, key
        self.raw_key: str | None = None
        if key is not None:
            raw = files.derived_key(path, key)
            probe = files.connect_with_raw_key(path, raw)
            try:
                self.raw_key = raw if _opens(probe) else None  # other SQLCipher settings: the passphrase
            finally:
                probe.close()
        self.connection = self._connect()

    def _connect(self) -> Any:
        if self.raw_key is not None:
            return files.connect_with_raw_key(self.path, self.raw_key)
        return files.connect(self.path, self.key, read_only=True)

    def rows(self, sql: str, parameters: tuple = ()) -> list[tuple] | None:
        """The rows, or None when they cannot be read (and the connection is renewed)."""
        try:
            return self.connection.execute(sql, parameters).fetchall()
        except files.engine_errors():
            self.renew()
            return None

    def renew(self) -> None:
        self.connection.close()
        self.connection = self._connect()

    def close(self) -> None:
        self.connection.close()


def _rows(reader: _Reader, table: str, columns: str) -> Iterator[tuple[int, tuple | None]]:
    """(rowid, row or None when it cannot be read), for every rowid up to the highest known."""
    rows = reader.rows(f"SELECT rowid, {columns} FROM {table} ORDER BY rowid")
    if rows is not None:
        for row in rows:
            yield row[0], tuple(row[1:])
        return
    # A page could not be read: one row at a time, so every row on a good page is kept.
    highest = 0
    for query in (f"SELECT max(rowid) FROM {table}", f"SELECT seq FROM sqlite_sequence WHERE name = '{table}'"):
        found = reader.rows(query)
        if found and found[0][0]:
            highest = max(highest, int(found[0][0]))
    for rowid in range(1, highest + 1):
        found = reader.rows(f"SELECT {columns} FROM {table} WHERE rowid = ?", (rowid,))
        if found is None:
            yield rowid, None
        elif found:
            yield rowid, tuple(found[0])


def read_what_can_be_read(reader: _Reader) -> Readable:
    from pydantic import ValidationError

    from kapsession.core.events import decode_events

    readable = Readable()
    for _, row in _rows(reader, "sessions", _SESSION_COLUMNS):
        if row is None:
            readable.sessions_unreadable += 1
        else:
            readable.sessions[row[0]] = row
    for seq, row in _rows(reader, "events", _EVENT_COLUMNS.split(", ", 1)[1]):
        if row is None:
            readable.unreadable_events.append(seq)
            continue
        session_id, kind, at, recorded_at, body = row
        try:
            envelope = json.loads(body)
            envelope.update(type=kind, at=at, seq=seq, recorded_at=recorded_at)
            decode_events(json.dumps([envelope]))
        except (ValueError, TypeError, ValidationError):
            readable.unreadable_events.append(seq)
            continue
        readable.events.append((seq, *row))
    return readable


def _session_row_from_opened(session_id: str, body: str, at: str) -> tuple:
    opened = json.loads(body)
    name = opened["client"]["name"]
    return (
        session_id,
        name,
        name.casefold(),
        opened["preset"],
        opened.get("series_number", 1),
        int(bool(opened.get("practice"))),
        at,
        at,
        0,
    )


@dataclass
class CheckReport:
    path: Path
    encrypted: bool
    schema: int | None
    problems: list[str]
    readable: Readable | None

    @property
    def ok(self) -> bool:
        return not self.problems


def check(data_dir: Path, given: str | None = None, ask: Asker | None = None) -> CheckReport:
    """SQLite's integrity check (and SQLCipher's check of every page, for an encrypted store), and
    what could be read from the store; read-only throughout."""
    path = _database(data_dir)
    connection, key = _open_read_only(path, given, ask)
    connection.close()
    reader = _Reader(path, key)
    try:
        found = reader.rows("PRAGMA user_version")
        schema = int(found[0][0]) if found else None
        problems: list[str] = []
        if key is not None:
            pages = reader.rows("PRAGMA cipher_integrity_check")
            problems += [row[0] for row in pages] if pages is not None else ["the pages cannot be checked"]
        if not problems:
            rows = reader.rows("PRAGMA integrity_check(20)")
            lines = [
                line
                for row in rows or []
                for line in str(row[0]).splitlines()
                if line.strip() and not line.startswith("***")
            ]
            problems += [] if lines == ["ok"] else (lines or ["the integrity check could not run"])
        reader.renew()
        readable: Readable | None = read_what_can_be_read(reader)
        if readable is not None and not readable.sessions and not readable.events and readable.unreadable_events:
            readable = None
        if readable is not None and readable.unreadable_events:
            problems.append(f"{len(readable.unreadable_events)} event(s) cannot be read")
    finally:
        reader.close()
    return CheckReport(path, key is not None, schema, problems, readable)


@dataclass
class RecoveryReport:
    target: Path
    sessions: int
    events: int
    lost_events: list[int]
    sessions_without_first_event: int
    orphaned_events: int


def recover(data_dir: Path, out_dir: Path, given: str | None = None, ask: Asker | None = None) -> RecoveryReport:
    """Copy every readable event of the store in `data_dir` into a new store in `out_dir` (same
    encryption), and write `recovery.json` there: what was copied and what was lost (ids and
    numbers only). The damaged store is only read."""
    from kapsession.store.event_store import EventStore

    source = _database(data_dir)
    out_dir = Path(out_dir)
    if out_dir.resolve() == Path(data_dir).resolve():
        raise InputError("recover into another folder than the damaged store's: give -o a new folder")
    target = _database(out_dir)
    if target.exists() or (out_dir / "recovery.json").exists():
        raise InputError(f"{out_dir} already holds a store or a recovery; give -o an empty or new folder")
    connection, key = _open_read_only(source, given, ask)
    connection.close()
    reader = _Reader(source, key)
    try:
        readable = read_what_can_be_read(reader)
    finally:
        reader.close()
    if not readable.events:
        raise StoreError(f"no event can be read from {source}; restore a backup instead (`kapsession restore FILE`)")

    from kapsession.store.event_store import ensure_private_dir

    try:
        out_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as error:
        raise InputError(
            f"cannot make the folder {out_dir} ({error.strerror or error}); give -o another one"
        ) from error
    ensure_private_dir(out_dir)
    files.build_new_store(target, key)
    first_events = {row[1]: row for row in readable.events if row[2] == "session_opened"}
    kept_sessions: dict[str, tuple] = {}
    for session_id, first in first_events.items():
        kept_sessions[session_id] = readable.sessions.get(session_id) or _session_row_from_opened(
            session_id, first[5], first[3]
        )
    orphaned = [row for row in readable.events if row[1] not in kept_sessions]
    with EventStore(out_dir, key) as store:
        connection = store.connection
        connection.execute("BEGIN IMMEDIATE")
        try:
            for row in kept_sessions.values():
                connection.execute(f"INSERT INTO sessions ({_SESSION_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", row)
            connection.executemany(
                f"INSERT INTO events ({_EVENT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)",
                [row for row in readable.events if row[1] in kept_sessions],
            )
            connection.execute("COMMIT")
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        for session_id in kept_sessions:
            store.rebuild_listing(session_id)
    report = RecoveryReport(
        target,
        len(kept_sessions),
        len(readable.events) - len(orphaned),
        readable.unreadable_events,
        len(readable.sessions) - len(set(readable.sessions) & set(kept_sessions)),
        len(orphaned),
    )
    summary = {
        "recovered_from": str(source),
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "sessions": report.sessions,
        "events": report.events,
        "unreadable_event_seqs": report.lost_events,
        "sessions_whose_first_event_was_lost": sorted(set(readable.sessions) - set(kept_sessions)),
        "events_of_those_sessions_not_copied": [row[0] for row in orphaned],
    }
    from kapsession.private_files import write_private

    write_private(out_dir / "recovery.json", json.dumps(summary, indent=2).encode("utf-8"))
    return report


# -- backup and restore ---------------------------------------------------------------------------


def backup(
    data_dir: Path, target: Path, *, force: bool = False, given: str | None = None, ask: Asker | None = None
) -> tuple[int, int, bool]:
    """Write a consistent copy of the store to `target` (a new file, 0600; an existing one only
    with `force`), encrypted with the store's key when it has one. Returns (sessions, events,
    encrypted) as read back from the copy."""
    from kapsession.store.event_store import EventStore

    target = Path(target).expanduser()
    store_files = {Path(f"{_database(data_dir)}{suffix}").resolve() for suffix in ("", "-wal", "-shm")}
    if target.resolve() in store_files:
        raise InputError(f"{target} is the store itself; give the backup another name, on another disk")
    if target.is_dir():
        raise InputError(f"{target} is a folder; give the backup a file name")
    if not target.parent.is_dir():
        raise InputError(f"the folder {target.parent} does not exist")
    if target.exists() and not force:
        raise InputError(f"{target} already exists; give a new name, or --force to replace it")
    with EventStore(data_dir, given, ask=ask) as store:
        try:
            temporary = _private_temporary(target.parent, target.name)
        except OSError as error:
            raise InputError(f"cannot write a backup in {target.parent} ({error.strerror or error})") from error
        try:
            store.backup_into(temporary)
            sessions, events = _verify(temporary, store._key)
            _fsync(temporary)
            os.replace(temporary, target)
        finally:
            _remove_with_journal(temporary)
        return sessions, events, store.encrypted


def _verify(path: Path, key: str | None) -> tuple[int, int]:
    """A copy just written must pass the quick check; returns its (sessions, events)."""
    connection = files.connect(path, key, read_only=True)
    try:
        if connection.execute("PRAGMA quick_check").fetchone()[0] != "ok":
            raise StoreError(f"the copy written to {path} did not pass SQLite's check; nothing was replaced")
        sessions = connection.execute("SELECT count(*) FROM sessions").fetchone()[0]
        events = connection.execute("SELECT count(*) FROM events").fetchone()[0]
    finally:
        connection.close()
    return int(sessions), int(events)


def _last_seqs(connection: Any) -> dict[str, int]:
    return {
        row[0]: int(row[1]) for row in connection.execute("SELECT session_id, max(seq) FROM events GROUP BY session_id")
    }


@dataclass
class RestoreReport:
    sessions: int
    events: int
    encrypted: bool
    kept_aside: Path | None


def restore(
    data_dir: Path, source: Path, *, force: bool = False, given: str | None = None, ask: Asker | None = None
) -> RestoreReport:
    """Make the store in `data_dir` the backup `source`. Refused when the store holds sessions or
    events the backup lacks, unless `force`; the store it replaces is kept in `replaced/`."""
    data_dir = Path(data_dir)
    source = Path(source).expanduser()
    if not source.is_file():
        raise InputError(f"there is no backup file at {source}")
    database = _database(data_dir)
    backup_connection, backup_key = _open_read_only(source, given, ask)
    try:
        if backup_connection.execute("PRAGMA quick_check").fetchone()[0] != "ok":
            raise StoreError(f"the backup {source} is damaged; `kapsession recover` can read what is left of it")
        files.check_identity(
            backup_connection,
            source,
            files.pragma_value(backup_connection, "user_version"),
            files.pragma_value(backup_connection, "application_id"),
        )
        in_backup = _last_seqs(backup_connection)
    except files.engine_errors() as error:
        raise StoreError(f"the backup {source} cannot be read ({error})") from error
    finally:
        backup_connection.close()

    from kapsession.store.event_store import ensure_private_dir

    ensure_private_dir(data_dir)
    lock = StoreLock(data_dir)
    lock.take_alone("restore")
    try:
        kept_aside = None
        if files.inspect(database).kind != "absent":
            current, current_key = _open_read_only(database, given, ask)
            try:
                in_store = _last_seqs(current)
            finally:
                current.close()
            missing_sessions = [sid for sid in in_store if sid not in in_backup]
            missing_events = sum(1 for sid, last in in_store.items() if sid in in_backup and last > in_backup[sid])
            if (missing_sessions or missing_events) and not force:
                lacking = [
                    text
                    for count, text in (
                        (len(missing_sessions), f"{_count(len(missing_sessions), 'session')} not in the backup"),
                        (missing_events, f"newer entries in {_count(missing_events, 'session')}"),
                    )
                    if count
                ]
                raise InputError(
                    f"the store holds {' and '.join(lacking)}; nothing was changed (restore with --force to "
                    "replace the store anyway; it would be kept aside in the data folder's replaced/)"
                )
            if in_store:
                kept_aside = _keep_aside(data_dir, database, current_key)
        temporary = _private_temporary(data_dir, database.name)
        try:
            _copy_store(source, temporary, backup_key)
            sessions, events = _verify(temporary, backup_key)
            _fsync(temporary)
            for suffix in ("-wal", "-shm"):  # the old file's, which must never meet the new one
                Path(f"{database}{suffix}").unlink(missing_ok=True)
            os.replace(temporary, database)
            files.sync_directory(data_dir)
        finally:
            _remove_with_journal(temporary)
    finally:
        lock.release()
    return RestoreReport(sessions, events, backup_key is not None, kept_aside)


def _copy_store(source: Path, target: Path, key: str | None) -> None:
    """`source` into the new file `target` with the backup API (a consistent copy in WAL mode)."""
    reader = files.connect(source, key, read_only=True)
    writer = files.connect(target, key)
    try:
        reader.backup(writer)
        writer.execute("PRAGMA journal_mode=WAL")
    finally:
        writer.close()
        reader.close()


def _keep_aside(data_dir: Path, database: Path, key: str | None) -> Path:
    folder = data_dir / REPLACED_DIR
    folder.mkdir(mode=0o700, exist_ok=True)
    kept = folder / f"kapsession-{_stamp()}.sqlite3"
    os.close(os.open(kept, os.O_CREAT | os.O_EXCL | os.O_RDWR, 0o600))
    _copy_store(database, kept, key)
    return kept


# -- encrypt and decrypt --------------------------------------------------------------------------


def encrypt(data_dir: Path, passphrase: str) -> int:
    """Convert the plain store in `data_dir` to SQLCipher with `passphrase`; returns its events."""
    return _convert(Path(data_dir), to_key=passphrase, from_key=None, doing="encrypt")


def decrypt(data_dir: Path, given: str | None = None, ask: Asker | None = None) -> int:
    """Convert the encrypted store in `data_dir` back to plain SQLite; returns its events."""
    database = _database(data_dir)
    found = files.inspect(database)
    if found.kind != "encrypted":
        raise InputError(f"the store {database} is not encrypted; nothing was changed")
    key, _ = for_store(database, given, ask)
    return _convert(Path(data_dir), to_key=None, from_key=key, doing="decrypt")


def _convert(data_dir: Path, *, to_key: str | None, from_key: str | None, doing: str) -> int:
    from kapsession.store.event_store import EventStore, ensure_private_dir
    from kapsession.store.faults import PassphraseError

    ensure_private_dir(data_dir)
    database = _database(data_dir)
    found = files.inspect(database)
    if to_key is not None and found.kind == "encrypted":
        raise InputError(f"the store {database} is already encrypted; nothing was changed")
    # Open it once as the app does: a new store is made, an older schema migrated, a wrong
    # passphrase or a foreign file refused before anything is converted.
    EventStore(data_dir, from_key).close()
    lock = StoreLock(data_dir)
    lock.take_alone(doing)
    try:
        engine = files.sqlcipher()
        source = engine.connect(str(database), isolation_level=None, timeout=10)
        temporary = _private_temporary(data_dir, database.name)
        try:
            source.execute("PRAGMA cipher_log_level = NONE")
            if from_key is not None:
                source.execute(f"PRAGMA key = {files.sql_text(from_key)}")
            if not files.key_opens(source):
                raise PassphraseError(f"the passphrase does not open the store {database}; nothing was changed")
            source.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            version = files.pragma_value(source, "user_version")
            source.execute(
                f"ATTACH DATABASE {files.sql_text(str(temporary))} AS converted KEY {files.sql_text(to_key or '')}"
            )
            source.execute("SELECT sqlcipher_export('converted')")
            source.execute(f"PRAGMA converted.user_version = {version}")
            source.execute(f"PRAGMA converted.application_id = {files.APPLICATION_ID}")
            source.execute("DETACH DATABASE converted")
            expected = source.execute("SELECT count(*) FROM events").fetchone()[0]
            source.close()
            source = None
            converted = files.connect(temporary, to_key)
            try:
                converted.execute("PRAGMA journal_mode=WAL")
            finally:
                converted.close()
            _, events = _verify(temporary, to_key)
            if events != expected:
                raise StoreError(f"the converted store holds {events} events, not {expected}; nothing was changed")
            _fsync(temporary)
            for suffix in ("-wal", "-shm"):  # the old file's, which must never meet the new one
                Path(f"{database}{suffix}").unlink(missing_ok=True)
            os.replace(temporary, database)
            files.sync_directory(data_dir)
        except files.engine_errors() as error:
            raise StoreError(f"the store could not be converted ({error}); nothing was changed") from error
        finally:
            if source is not None:
                source.close()
            _remove_with_journal(temporary)
    finally:
        lock.release()
    return int(expected)
