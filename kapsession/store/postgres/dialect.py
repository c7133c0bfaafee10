"""The store's SQL, written for SQLite, spoken to PostgreSQL.

The SQLite engine and store/clients.py write their statements once, with `?` placeholders and a
few SQLite functions; `Connection` hands them to psycopg rewritten (placeholders, the two-argument
MIN/MAX, SQLite's JSON functions, `rowid`) so both engines run the same statements and cannot
drift apart. Only the statements the store uses are rewritten; nothing else is expected.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

_TWO_ARGUMENT = re.compile(r"\b(MIN|MAX)\((\w+), \?\)")
_JSON_FIELD = re.compile(r"json_extract\(body, '\$\.(\w+)'\)")
_WITH_ENVELOPE = (
    "json_set(body, '$.type', type, '$.at', at, '$.seq', seq, '$.recorded_at', recorded_at)",
    "(body::jsonb || jsonb_build_object('type', type, 'at', at, 'seq', seq, 'recorded_at', recorded_at))::text",
)
_RETURNS_SEQ = re.compile(r"^\s*INSERT INTO (events|client_events) ", re.IGNORECASE)


def translate(sql: str) -> str:
    """One SQLite statement of the store as PostgreSQL runs it."""
    sql = sql.replace("%", "%%").replace(*_WITH_ENVELOPE)
    sql = _TWO_ARGUMENT.sub(lambda m: f"{'LEAST' if m[1] == 'MIN' else 'GREATEST'}({m[2]}, ?)", sql)
    # A struck entry's target is a number; every other field read this way is text.
    sql = _JSON_FIELD.sub(
        lambda m: f"(body::jsonb ->> '{m[1]}')::bigint" if m[1] == "target_seq" else f"(body::jsonb ->> '{m[1]}')",
        sql,
    )
    sql = re.sub(r"\browid\b", "created_order", sql).replace("?", "%s")
    if _RETURNS_SEQ.match(sql):
        sql += " RETURNING seq"
    return sql


class Cursor:
    """What the store reads from a sqlite3 cursor: rows, the rows an update changed, and the seq
    an insert was given."""

    def __init__(self, cursor: Any, returns_seq: bool) -> None:
        self._cursor = cursor
        self.rowcount: int = cursor.rowcount
        self.lastrowid: int | None = None
        self._pending: tuple | None = None
        if returns_seq:
            row = cursor.fetchone()
            self.lastrowid = int(row[0])

    def fetchone(self) -> tuple | None:
        return self._cursor.fetchone() if self._cursor.description else None

    def fetchall(self) -> list[tuple]:
        return self._cursor.fetchall() if self._cursor.description else []

    def __iter__(self) -> Iterator[tuple]:
        return iter(self.fetchall())


class Connection:
    """A psycopg connection (autocommit: the store opens its own transactions) with sqlite3's
    `execute` and `executemany`. Every server error leaves as one StoreError sentence; a
    connection the server dropped (a restart, the network) is opened again by the next statement
    outside a transaction, so a screen comes back by itself when the server does."""

    def __init__(self, url: str) -> None:
        from kapsession.store.postgres.connection import connect

        self.url = url
        self.raw = connect(url)
        self.in_transaction = False

    def _usable(self) -> Any:
        from kapsession.store.postgres.connection import connect, where

        if self.raw.closed or self.raw.broken:
            if self.in_transaction:
                from kapsession.core.errors import StoreError

                raise StoreError(
                    f"the connection to the PostgreSQL server {where(self.url)} dropped; nothing was recorded: try again"
                )
            self.raw.close()
            self.raw = connect(self.url)
        return self.raw

    def execute(self, sql: str, parameters: Sequence[object] = ()) -> Cursor:
        from kapsession.store.postgres.connection import engine_errors, sentence

        statement = translate(sql)
        raw = self._usable()
        try:
            return Cursor(raw.execute(statement, tuple(parameters)), statement.endswith("RETURNING seq"))
        except engine_errors() as error:
            raise sentence(error, self.url) from error

    def executemany(self, sql: str, rows: Iterable[Sequence[object]]) -> None:
        from kapsession.store.postgres.connection import engine_errors, sentence

        try:
            with self._usable().cursor() as cursor:
                cursor.executemany(translate(sql), [tuple(row) for row in rows])
        except engine_errors() as error:
            raise sentence(error, self.url) from error

    def close(self) -> None:
        self.raw.close()
