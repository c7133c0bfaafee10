"""`kapsession store copy --to URL|DIR`: a whole store into an empty one on the other engine
(a practice's SQLite file into the clinic's PostgreSQL server, or back).

Every client, client event, session and event is copied row for row in one transaction on the
target, keeping ids and `seq` numbers, so the copy reads back as the source does. Then both are
read again and compared: the counts, and a SHA-256 over each session's events in order (as the
app reads them, so the same events give the same hash whichever engine holds them). The source
is only read. A target that already holds anything is refused: a copy never merges.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kapsession.core.errors import InputError, StoreError

if TYPE_CHECKING:
    from kapsession.store.event_store import EventStore

_SESSION_COLUMNS = (
    "id, client_name, client_key, preset, series_number, practice, created_at, started_at, phase, "
    "first_dose_at, dose_mg, closed_at, last_event_at, event_count, client_id"
)
_EVENT_COLUMNS = "seq, session_id, type, at, recorded_at, body"
_CLIENT_EVENT_COLUMNS = "seq, client_id, type, at, recorded_at, body"


@dataclass(frozen=True)
class Counts:
    clients: int
    client_events: int
    sessions: int
    events: int


@dataclass(frozen=True)
class CopyReport:
    counts: Counts
    hashes: dict[str, str]  # session id -> SHA-256 of its events, in order


def session_hash(store: EventStore, session_id: str) -> str:
    """SHA-256 over one session's events as the app reads them (type, times, seq, body), in order."""
    digest = hashlib.sha256()
    for event in store.events(session_id):
        digest.update(event.model_dump_json().encode())
        digest.update(b"\n")
    return digest.hexdigest()


def counts(store: EventStore) -> Counts:
    def one(table: str) -> int:
        row = store.connection.execute(f"SELECT COUNT(*) FROM {table}").fetchone()
        return int(row[0]) if row else 0

    with store._faults():
        return Counts(one("clients"), one("client_events"), one("sessions"), one("events"))


def read_back(store: EventStore) -> CopyReport:
    return CopyReport(counts(store), {sid: session_hash(store, sid) for sid in store.session_ids()})


def copy_store(source: EventStore, target: EventStore, target_name: str) -> CopyReport:
    """Copy every row of `source` into the empty `target`, then verify; returns what was verified.
    Raises InputError for a target that is not empty, StoreError when the copy differs."""
    found = counts(target)
    if found.sessions or found.clients:
        raise InputError(
            f"{target_name} already holds {found.sessions} sessions and {found.clients} clients; "
            "a store is copied only into an empty one (nothing was copied)"
        )
    expected = read_back(source)
    with source._faults():
        clients = source.connection.execute(
            "SELECT id, name, name_key, merged_into, created_at, last_event_at FROM clients"
        ).fetchall()
        client_events = source.connection.execute(
            f"SELECT {_CLIENT_EVENT_COLUMNS} FROM client_events ORDER BY seq"
        ).fetchall()
        sessions = source.connection.execute(
            f"SELECT {_SESSION_COLUMNS} FROM sessions ORDER BY created_at, rowid"
        ).fetchall()
        events = source.connection.execute(f"SELECT {_EVENT_COLUMNS} FROM events ORDER BY seq").fetchall()
    into = target.connection
    with target._faults(), target._transaction():
        into.executemany(
            "INSERT INTO clients (id, name, name_key, merged_into, created_at, last_event_at) "
            "VALUES (?, ?, ?, NULL, ?, ?)",
            [(c[0], c[1], c[2], c[4], c[5]) for c in clients],
        )
        into.executemany(
            "UPDATE clients SET merged_into = ? WHERE id = ?", [(c[3], c[0]) for c in clients if c[3] is not None]
        )
        into.executemany(
            f"INSERT INTO client_events ({_CLIENT_EVENT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)", client_events
        )
        marks = ", ".join("?" * len(_SESSION_COLUMNS.split(", ")))
        into.executemany(f"INSERT INTO sessions ({_SESSION_COLUMNS}) VALUES ({marks})", sessions)
        into.executemany(f"INSERT INTO events ({_EVENT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)", events)
        target_after_copy(target)
    copied = read_back(target)
    if copied.counts != expected.counts:
        raise StoreError(f"the copy in {target_name} holds {copied.counts}, the source {expected.counts}")
    differing = [sid for sid, digest in expected.hashes.items() if copied.hashes.get(sid) != digest]
    if differing:
        raise StoreError(f"{len(differing)} sessions differ in {target_name} from the source, e.g. {differing[0]}")
    return copied


def target_after_copy(target: EventStore) -> None:
    """New events after the copy are numbered on from the copied ones (SQLite's AUTOINCREMENT
    does this by itself; a PostgreSQL identity column is told)."""
    from kapsession.store.postgres.connection import is_postgres_url

    if is_postgres_url(getattr(target, "url", None)):
        for table in ("events", "client_events"):
            target.connection.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'seq'), COALESCE(MAX(seq), 0) + 1, false) FROM {table}"
            )
