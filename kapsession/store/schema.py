"""The database schema and its migrations, one per version since the first release.

`PRAGMA user_version` holds the schema version. Each migration moves the database up by one
version inside one transaction; a database from a newer kapsession is refused, never touched.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from kapsession.core.errors import StoreError


def _run(connection: sqlite3.Connection, script: str) -> None:
    """Statement by statement: executescript() would commit the migration's transaction early."""
    for statement in script.split(";"):
        if statement.strip():
            connection.execute(statement)


def _v1(connection: sqlite3.Connection) -> None:
    _run(
        connection,
        """
        CREATE TABLE sessions (
            id            TEXT PRIMARY KEY,
            client_name   TEXT NOT NULL,
            client_key    TEXT NOT NULL,          -- casefolded name, to find a series
            preset        TEXT NOT NULL,
            series_number INTEGER NOT NULL,
            practice      INTEGER NOT NULL DEFAULT 0,
            created_at    TEXT NOT NULL,
            -- A projection of the events, kept in the same transaction as each append (the
            -- home screen lists thousands of sessions without replaying any of them)
            started_at    TEXT,
            phase         TEXT,
            first_dose_at TEXT,
            dose_mg       REAL,
            closed_at     TEXT,
            last_event_at TEXT NOT NULL,
            event_count   INTEGER NOT NULL DEFAULT 0
        );
        CREATE TABLE events (
            seq         INTEGER PRIMARY KEY AUTOINCREMENT,
            session_id  TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
            type        TEXT NOT NULL,
            at          TEXT NOT NULL,
            recorded_at TEXT NOT NULL,
            body        TEXT NOT NULL
        );
        CREATE INDEX events_by_session ON events (session_id, seq);
        CREATE INDEX sessions_by_created ON sessions (practice, created_at DESC);
        CREATE INDEX sessions_by_client ON sessions (client_key, practice, created_at);
        """,
    )


def _v2(connection: sqlite3.Connection) -> None:
    """Indexes for the two queries the home screen makes at every launch: the newest sessions of
    either kind (the practice-first index cannot serve it, so SQLite sorted every session) and the
    interrupted ones (started, not closed: a handful, found without reading the rest)."""
    connection.execute("CREATE INDEX sessions_by_recency ON sessions (created_at DESC)")
    connection.execute(
        "CREATE INDEX sessions_open ON sessions (last_event_at DESC) WHERE started_at IS NOT NULL AND closed_at IS NULL"
    )


def _v3_clients(connection: sqlite3.Connection) -> None:
    """Clients: a record of their own (append-only client events and a small projection), and
    each real session linked to one. Existing sessions get a client per name, ignoring case and
    spaces (store/clients.py, `migrate_sessions_to_clients`); practice sessions get none."""
    _run(
        connection,
        """
        CREATE TABLE clients (
            id            TEXT PRIMARY KEY,
            name          TEXT NOT NULL,
            name_key      TEXT NOT NULL,          -- case and spaces removed, to find a client by name
            merged_into   TEXT REFERENCES clients(id),
            created_at    TEXT NOT NULL,
            last_event_at TEXT NOT NULL
        );
        CREATE TABLE client_events (
            seq         INTEGER PRIMARY KEY AUTOINCREMENT,
            client_id   TEXT NOT NULL REFERENCES clients(id),
            type        TEXT NOT NULL,
            at          TEXT NOT NULL,
            recorded_at TEXT NOT NULL,
            body        TEXT NOT NULL
        );
        CREATE INDEX client_events_by_client ON client_events (client_id, seq);
        CREATE INDEX clients_by_name ON clients (name_key);
        CREATE INDEX clients_by_merge ON clients (merged_into) WHERE merged_into IS NOT NULL;
        ALTER TABLE sessions ADD COLUMN client_id TEXT REFERENCES clients(id);
        CREATE INDEX sessions_by_client_id ON sessions (client_id, created_at)
        """,
    )
    from kapsession.store.clients import migrate_sessions_to_clients

    migrate_sessions_to_clients(connection)


def _v4_note_drafts(connection: sqlite3.Connection) -> None:
    """A note being written, kept while it is typed and when the therapist leaves it as a draft,
    so a crash or a stray Escape never loses the client's words. Not part of the record: a draft
    is replaced as it is typed and deleted once the note is saved or discarded. One per session
    and clinician (two terminals on one session each keep their own)."""
    connection.execute(
        """
        CREATE TABLE note_drafts (
            session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
            author     TEXT NOT NULL,             -- the clinician's initials, "" when not said
            body       TEXT NOT NULL,             -- JSON: text, started_at, kind, shareable
            saved_at   TEXT NOT NULL,
            PRIMARY KEY (session_id, author)
        )
        """
    )


def _v5_open_sessions_by_creation(connection: sqlite3.Connection) -> None:
    """The index of open sessions was keyed on `last_event_at`, which every append moves, so each
    append rewrote an index page as well as the listing row. Open sessions are a handful: they
    are found through the same partial index keyed on a column that never changes, and sorted."""
    connection.execute("DROP INDEX sessions_open")
    connection.execute(
        "CREATE INDEX sessions_open ON sessions (created_at) WHERE started_at IS NOT NULL AND closed_at IS NULL"
    )


# MIGRATIONS[n] brings a database from version n to n + 1.
MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [
    _v1,
    _v2,
    _v3_clients,
    _v4_note_drafts,
    _v5_open_sessions_by_creation,
]
SCHEMA_VERSION = len(MIGRATIONS)


def migrate(connection: sqlite3.Connection) -> None:
    version = connection.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"the database was written by a newer kapsession (schema {version}; this one knows up to "
            f"{SCHEMA_VERSION}); upgrade kapsession to open it"
        )
    while version < SCHEMA_VERSION:
        connection.execute("BEGIN IMMEDIATE")
        try:
            # Another process may have migrated while we waited for the lock.
            current = connection.execute("PRAGMA user_version").fetchone()[0]
            if current == version:
                MIGRATIONS[version](connection)
                connection.execute(f"PRAGMA user_version = {version + 1}")
            connection.execute("COMMIT")
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        version = connection.execute("PRAGMA user_version").fetchone()[0]
