"""The event store on a PostgreSQL server: the SQLite engine's statements and rules
(store/event_store.py), another transaction and lock.

Every write runs in one transaction that first takes advisory locks: an append takes its
session's lock (`pg_advisory_xact_lock` on the session id) and the store-wide lock shared;
creating a session, a client's change or deleting a practice session take the store-wide lock
alone. So the session's rules (`append_checked`'s `decide`) and a client's series numbers are
checked against the latest committed events with no other writer in between, from whichever
machine it writes, as SQLite's `BEGIN IMMEDIATE` does on one machine. The commit returns after the
server has it on disk (synchronous_commit, the server's default). Each append also sends
`NOTIFY kapsession_events` with the session id, delivered when it commits: other machines' live
screens listen (store/postgres/listen.py) instead of polling the table.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from kapsession.core.errors import StoreError
from kapsession.store.event_store import EngineFaults, EventStore, ensure_private_dir
from kapsession.store.postgres.listen import CHANNEL
from kapsession.store.postgres.schema import MIGRATION_LOCK

if TYPE_CHECKING:
    from collections.abc import Callable

    from kapsession.core.events import EventBase
    from kapsession.store.event_store import SessionRow
    from kapsession.store.postgres.listen import Listener
    from kapsession.store.postgres.presence import ScreenLease


_STORE_WIDE = (MIGRATION_LOCK, 1)  # the two-key form: its own key space, apart from the sessions'


class _Transaction:
    def __init__(self, connection: Any, session_id: str | None) -> None:
        self.connection = connection
        self.session_id = session_id

    def __enter__(self) -> None:
        self.connection.execute("BEGIN")
        self.connection.in_transaction = True
        if self.session_id is None:
            self.connection.execute("SELECT pg_advisory_xact_lock(?::int, ?::int)", _STORE_WIDE)
        else:
            self.connection.execute("SELECT pg_advisory_xact_lock_shared(?::int, ?::int)", _STORE_WIDE)
            self.connection.execute("SELECT pg_advisory_xact_lock(hashtextextended(?, 0))", (self.session_id,))

    def __exit__(self, kind: object, *_: object) -> None:
        try:
            if kind is None:
                self._commit()
            elif not (self.connection.raw.closed or self.connection.raw.broken):
                try:
                    self.connection.execute("ROLLBACK")
                except StoreError:
                    pass  # the error that stopped the transaction is the one to report
        finally:
            self.connection.in_transaction = False

    def _commit(self) -> None:
        """COMMIT; when the connection drops during it, the server may have committed before it
        went, so the sentence says the entry may be saved and how to find out, never that nothing
        was recorded (an entry made twice is as wrong as one lost)."""
        from kapsession.store.postgres.connection import where

        try:
            self.connection.execute("COMMIT")
        except StoreError as error:
            raw = self.connection.raw
            if not (raw.closed or raw.broken):
                raise  # the server answered: it did not commit (a conflict, a full disk...)
            raise StoreError(
                f"the connection to the PostgreSQL server {where(self.connection.url)} dropped while this was "
                "being saved: it may have been recorded. It shows on the screen once the server is back; "
                "look there before entering it again"
            ) from error.__cause__


class PostgresEventStore(EventStore):
    """The store interface (`kapsession.store.interface.Store`) on a PostgreSQL server. `data_dir`
    still holds what is this machine's: exports, crash reports, the live screen's lock files."""

    def __init__(self, url: str, data_dir: Path) -> None:
        from kapsession.store.postgres.connection import where
        from kapsession.store.postgres.dialect import Connection
        from kapsession.store.postgres.schema import migrate

        self.url = url
        self.data_dir = Path(data_dir)
        ensure_private_dir(self.data_dir)
        self.path = Path(where(url))  # named in sentences; never a file
        self.busy_timeout = 10.0
        self.encrypted = False  # encryption at rest is the server's (README)
        self._key = None
        self._session_lock: str | None = None
        self._watched: dict[str, Listener] = {}
        self._notified: dict[str, int] = {}
        self.connection = Connection(url)
        try:
            with self._faults():
                migrate(self.connection.raw, where(url))
        except BaseException:
            self.connection.close()
            raise

    def _faults(self) -> EngineFaults:
        from kapsession.store.postgres.connection import engine_errors, sentence

        return EngineFaults(engine_errors, lambda error: sentence(error, self.url))

    def _transaction(self) -> Any:
        return _Transaction(self.connection, self._session_lock)

    def _append(
        self, session_id: str, decide: Callable[[list[EventBase]], EventBase], after_seq: int | None
    ) -> EventBase:
        self._session_lock = session_id
        try:
            return super()._append(session_id, decide, after_seq)
        finally:
            self._session_lock = None

    def _appended(self, session_id: str, seq: int) -> None:
        # Delivered at commit, to every machine listening: "session_id seq".
        self.connection.execute("SELECT pg_notify(?, ?)", (CHANNEL, f"{session_id} {seq}"))

    def last_seq(self, session_id: str) -> int:
        """While a Listener watches this session and is online, the last seq it was told of (no
        query: a live screen asks every second, and the table is not polled); else the table's."""
        watching = self._watched.get(session_id)
        if watching is not None and watching.online:
            return self._notified.get(session_id, 0)
        return super().last_seq(session_id)

    def screen_lease(self, session_id: str) -> ScreenLease:
        """What a live screen holds while it shows the session, seen from every machine
        (store/postgres/presence.py), in place of this machine's lock file."""
        from kapsession.store.postgres.presence import ScreenLease

        return ScreenLease(self.url, session_id)

    def sessions_off_screen(self) -> tuple[list[SessionRow], list[SessionRow]]:
        """As SQLite's (interrupted, left open; newest entry first), with the live screens of every
        machine connected to the server, not this machine's lock files."""
        from kapsession.store.event_store import _ROW_COLUMNS, _row
        from kapsession.store.postgres.presence import off_screen

        with self._faults():
            rows = self.connection.execute(
                f"SELECT {_ROW_COLUMNS} FROM sessions WHERE started_at IS NOT NULL AND closed_at IS NULL "
                "ORDER BY last_event_at DESC"
            ).fetchall()
            interrupted_ids = off_screen(self.connection)
        interrupted: list[SessionRow] = []
        left_open: list[SessionRow] = []
        for row in map(_row, rows):
            if row.id in interrupted_ids:  # (the others are on a screen now)
                (interrupted if interrupted_ids[row.id] else left_open).append(row)
        return interrupted, left_open

    def watch(self, session_id: str, on_news: Callable[[int], None], on_online: Callable[[bool], None]) -> Listener:
        """Listen for this session's events from every connection (another machine's too):
        `on_news(seq)` and `on_online(bool)` are called from the listener's thread."""
        from kapsession.store.postgres.listen import Listener

        def news(seq: int) -> None:
            self._notified[session_id] = max(seq, self._notified.get(session_id, 0))
            on_news(seq)

        listener = Listener(self.url, session_id, news, on_online)
        self._watched[session_id] = listener
        return listener.start()

    def backup_into(self, target: Path) -> None:
        raise StoreError(
            "a PostgreSQL store is backed up by its server (pg_dump, or the server's own backups); "
            "`kapsession store copy --to FILE.sqlite3` copies it into a SQLite store"
        )

    def close(self) -> None:
        for listener in self._watched.values():
            listener.stop()
        self.connection.close()

    def __enter__(self) -> PostgresEventStore:
        return self
