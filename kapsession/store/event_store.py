"""The event store: sessions and their append-only events in one SQLite file (plain, or
encrypted with SQLCipher).

WAL with `synchronous=FULL`, one transaction per event, committed before `append` returns: an
event the caller has seen is on disk. Several processes may append to the same session (a nurse
adding vitals from another terminal); SQLite's write lock serialises them, and the session's
rules are checked inside that lock, against the events as they are at that moment
(`append_checked`, `create_session_checked`).
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

from kapsession.core.clock import utc_now
from kapsession.core.errors import NotFoundError, StoreError
from kapsession.private_dirs import make_private_dir
from kapsession.store.database_file import engine_errors
from kapsession.store.faults import PassphraseError
from kapsession.store.schema import migrate
from kapsession.store.session_ids import new_session_id
from kapsession.store.store_lock import StoreLock

if TYPE_CHECKING:
    from kapsession.core.events import EventBase, SessionOpened
    from kapsession.store.drafts import NoteDraft
    from kapsession.store.passphrase import Asker

# The event models are imported when events are first read or written, not with the store:
# listing sessions for the home screen needs neither (benchmarks/, "launch to home screen painted").


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def _when(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


class SessionRow(NamedTuple):
    """One line of the session list, read from the projection without replaying events (the home
    screen lists thousands of sessions without building an event model)."""

    id: str
    client_name: str
    preset: str
    series_number: int
    practice: bool
    created_at: datetime
    started_at: datetime | None
    phase: str | None
    first_dose_at: datetime | None
    dose_mg: float | None
    closed_at: datetime | None
    last_event_at: datetime
    event_count: int

    @property
    def state(self) -> str:
        if self.closed_at:
            return "closed"
        if self.phase:
            return self.phase
        return "planned"


_ROW_COLUMNS = (
    "id, client_name, preset, series_number, practice, created_at, started_at, phase, "
    "first_dose_at, dose_mg, closed_at, last_event_at, event_count"
)


_parse_iso = datetime.fromisoformat


def _row(values: tuple) -> SessionRow:
    """A SessionRow from one projection row (columns in `_ROW_COLUMNS` order)."""
    (sid, name, preset, number, practice, created, started, phase, first_dose, dose, closed, last, count) = values
    return SessionRow(
        sid,
        name,
        preset,
        number,
        bool(practice),
        _parse_iso(created),
        _parse_iso(started) if started else None,
        phase,
        _parse_iso(first_dose) if first_dose else None,
        dose,
        _parse_iso(closed) if closed else None,
        _parse_iso(last),
        count,
    )


class EngineFaults:
    """A `with` block whose engine errors (`errors()`, looked up only when one is raised) leave
    as the StoreError `sentence` makes of them. A class rather than a generator: every append
    passes through one."""

    __slots__ = ("_errors", "_sentence")

    def __init__(
        self, errors: Callable[[], tuple[type[BaseException], ...]], sentence: Callable[[BaseException], StoreError]
    ) -> None:
        self._errors, self._sentence = errors, sentence

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: object, error: BaseException | None, _trace: object) -> Literal[False]:
        if error is not None and isinstance(error, self._errors()):
            raise self._sentence(error) from error
        return False


def ensure_private_dir(directory: Path) -> None:
    """Create the data directory 0700, or take group and other access away from an existing one
    (never adding any: a directory locked by its owner stays locked and is reported)."""
    try:
        make_private_dir(directory)  # and any parent it creates, whatever the umask
        if not directory.is_dir():
            raise StoreError(f"the data directory {directory} is not a directory")
        mode = stat.S_IMODE(directory.stat().st_mode)
        if mode & 0o077:
            os.chmod(directory, mode & 0o700)
    except OSError as error:
        raise StoreError(f"the data directory {directory} cannot be used ({error.strerror or error})") from error
    if not os.access(directory, os.R_OK | os.W_OK | os.X_OK):
        raise StoreError(f"the data directory {directory} is not readable and writable by you")


class EventStore:
    """The SQLite (or SQLCipher) engine of the event store; `kapsession.store.interface.Store` is
    the interface every engine keeps. Every engine error leaves as one StoreError sentence
    (`faults.sentence`), and every session rule is checked inside the transaction that appends
    (`append_checked`)."""

    def __init__(
        self, data_dir: Path, passphrase: str | None = None, *, ask: Asker | None = None, busy_timeout: float = 10.0
    ) -> None:
        """Open the store in `data_dir` (created if absent). An encrypted store's passphrase is
        `passphrase`, else $KAPSESSION_PASSPHRASE, else the OS keyring's, else what `ask` returns
        (a terminal prompt, a dialog); none of them: PassphraseNeeded."""
        from kapsession.locations import DATABASE_NAME

        self.data_dir = Path(data_dir)
        ensure_private_dir(self.data_dir)
        self.path = self.data_dir / DATABASE_NAME
        self.busy_timeout = busy_timeout
        self.encrypted = False
        self._key: str | None = None
        self._store_lock = StoreLock(self.data_dir)
        previous_umask = os.umask(0o077)  # the -wal and -shm files are born private too
        try:
            self._store_lock.share(timeout=busy_timeout)
            self.connection = self._open(passphrase, ask)
        except BaseException:
            self._store_lock.release()
            raise
        finally:
            os.umask(previous_umask)
        for suffix in ("", "-wal", "-shm"):
            extra = Path(str(self.path) + suffix)
            if extra.exists() and stat.S_IMODE(extra.stat().st_mode) != 0o600:
                os.chmod(extra, 0o600)

    def _open(self, passphrase: str | None, ask: Asker | None) -> Any:
        """The three steps of `database_file`: what the file is, a look that writes nothing, then
        the connection that writes (WAL, migrations)."""
        from kapsession.store import database_file as files

        found = files.inspect(self.path)
        if found.kind == "absent":
            failures: tuple[type[BaseException], ...] = (*files.engine_errors(), OSError)
            try:
                files.build_new_store(self.path)
            except failures as error:
                raise self._open_failure(error) from error
            found = files.inspect(self.path)
        key: str | None = None
        given_by = ""
        if found.kind == "plain":
            if found.application_id != files.APPLICATION_ID or found.wal_pending:
                # Another program's database, an older store, or a header that may lag behind its
                # -wal: a read-only connection answers (the file itself is not written).
                self._look_read_only()
            else:
                files.check_identity(None, self.path, found.user_version, found.application_id)
        else:
            from kapsession.store.passphrase import for_store

            key, given_by = for_store(self.path, passphrase, ask)
        try:
            connection = files.connect(self.path, key, timeout=self.busy_timeout)
        except files.engine_errors() as error:
            raise self._open_failure(error) from error
        try:
            if key is not None:
                if not files.key_opens(connection):
                    raise PassphraseError(
                        f"the passphrase {given_by} does not open the store {self.path}; nothing was changed"
                    )
                # Reads only, until the store is known to be kapsession's and not from a newer one.
                files.check_identity(
                    connection,
                    self.path,
                    files.pragma_value(connection, "user_version"),
                    files.pragma_value(connection, "application_id"),
                )
            connection.execute(f"PRAGMA busy_timeout={int(self.busy_timeout * 1000)}")
            if connection.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
                connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=FULL")
            connection.execute("PRAGMA foreign_keys=ON")
            migrate(connection)
            if files.pragma_value(connection, "application_id") == 0:
                connection.execute(f"PRAGMA application_id = {files.APPLICATION_ID}")
        except BaseException as error:
            connection.close()
            if isinstance(error, files.engine_errors()):
                raise self._open_failure(error) from error
            raise
        self.encrypted, self._key = key is not None, key
        return connection

    def _look_read_only(self) -> None:
        from kapsession.store import database_file as files

        try:
            look = files.connect(self.path, None, read_only=True, timeout=self.busy_timeout)
        except files.engine_errors() as error:
            raise self._open_failure(error) from error
        try:
            files.check_identity(
                look, self.path, files.pragma_value(look, "user_version"), files.pragma_value(look, "application_id")
            )
        except files.engine_errors() as error:
            raise self._open_failure(error) from error
        finally:
            look.close()

    def _open_failure(self, error: BaseException) -> StoreError:
        from kapsession.store import faults

        if isinstance(error, OSError):
            return StoreError(f"the database {self.path} cannot be opened ({error.strerror or error})")
        return faults.sentence(error, self.path, self.busy_timeout)

    def _faults(self) -> EngineFaults:
        """Engine errors leave as one sentence (disk full, busy, damaged, ...)."""
        return EngineFaults(engine_errors, self._fault_sentence)

    def _fault_sentence(self, error: BaseException) -> StoreError:
        from kapsession.store import faults

        return faults.sentence(error, self.path, self.busy_timeout)

    def backup_into(self, target: Path) -> None:
        """Copy the whole store into the new file `target` with SQLite's online backup API: one
        consistent snapshot, taken while other processes go on writing (WAL), encrypted with
        this store's key when it has one."""
        from kapsession.store import database_file as files
        from kapsession.store import faults

        try:
            copy = files.connect(target, self._key, timeout=self.busy_timeout)
            try:
                self.connection.backup(copy)
            finally:
                copy.close()
        except files.engine_errors() as error:  # most likely the backup's disk: it is named
            raise faults.sentence(error, Path(target), self.busy_timeout) from error

    def rebuild_listing(self, session_id: str) -> None:
        """Rebuild one session's listing row from its events (after a recovery or an import)."""
        with self._faults(), self._transaction():
            self._reproject(session_id)

    def close(self) -> None:
        try:
            self.connection.close()
        finally:
            self._store_lock.release()

    def __enter__(self) -> EventStore:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    # -- writing -------------------------------------------------------------------------------
    # The write path imports the events module (pydantic) when first used, not with this module:
    # home lists sessions without it. `import ... as` is the cheap form of that on every append.
    def _insert(self, session_id: str, event: EventBase, recorded_at: datetime) -> int:
        import kapsession.core.events as core_events

        cursor = self.connection.execute(
            "INSERT INTO events (session_id, type, at, recorded_at, body) VALUES (?, ?, ?, ?, ?)",
            (session_id, event.type, _iso(event.at), _iso(recorded_at), core_events.event_body_json(event)),
        )
        return int(cursor.lastrowid)

    def create_session(
        self, opened: SessionOpened, *, client_id: str | None = None, new_client: bool = False
    ) -> tuple[str, SessionOpened]:
        """Store a new session and its first event as given (a rehearsal, an import); a real
        session's place in its client's series is counted under the lock by
        `create_session_checked`. Returns (id, stored event)."""
        return self._create(
            opened.client.name,
            lambda _history: opened,
            practice=opened.practice,
            client_id=client_id,
            new_client=new_client,
            at=opened.at,
        )

    def create_session_checked(
        self,
        client_name: str,
        decide: Callable[[list[SessionRow]], SessionOpened],
        *,
        client_id: str | None = None,
        new_client: bool = False,
    ) -> tuple[str, SessionOpened]:
        """Store a new real session whose first event `decide` makes from its client's sessions
        (oldest first) as they are inside the write transaction: two `new` at once for one client
        get consecutive numbers in the series. The client is `client_id`, else the one client of
        that name, else a new one (store/clients.py, `client_for_session`); several of that name
        is refused. Returns (id, stored event)."""
        return self._create(
            client_name, decide, practice=False, client_id=client_id, new_client=new_client, at=utc_now()
        )

    def _create(
        self,
        client_name: str,
        decide: Callable[[list[SessionRow]], SessionOpened],
        *,
        practice: bool,
        client_id: str | None,
        new_client: bool,
        at: datetime,
    ) -> tuple[str, SessionOpened]:
        from kapsession.core.client_events import name_key
        from kapsession.core.events import checked, with_store_fields
        from kapsession.store.clients import ClientBook, client_for_session

        with self._faults(), self._transaction():
            owner = (
                None
                if practice
                else client_for_session(self.connection, client_name, at, client_id=client_id, new_client=new_client)
            )
            history = [] if owner is None else ClientBook(self).sessions(owner)
            opened = checked(decide(history))
            if owner is not None and name_key(opened.client.name) != name_key(ClientBook(self).record(owner).name):
                raise StoreError("a session was opened for another client than the one whose series was read")
            recorded = utc_now()
            for _ in range(20):
                session_id = new_session_id()
                exists = self.connection.execute("SELECT 1 FROM sessions WHERE id = ?", (session_id,)).fetchone()
                if not exists:
                    break
            else:  # pragma: no cover - 31**6 ids
                raise StoreError("could not find a free session id")
            self.connection.execute(
                "INSERT INTO sessions (id, client_name, client_key, preset, series_number, practice, "
                "created_at, dose_mg, last_event_at, event_count, client_id) VALUES (?, ?, ?, ?, ?, ?, ?, NULL, ?, 1, ?)",
                (
                    session_id,
                    opened.client.name,
                    opened.client.name.casefold(),
                    opened.preset,
                    opened.series_number,
                    int(opened.practice),
                    _iso(opened.at),
                    _iso(opened.at),
                    owner,
                ),
            )
            seq = self._insert(session_id, opened, recorded)
        return session_id, with_store_fields(opened, seq, recorded)  # type: ignore[return-value]

    def append(self, session_id: str, event: EventBase) -> EventBase:
        """Make one event durable as given, with no session rule checked (imports, tests,
        benchmarks: a person's entry goes through `append_checked`, via SessionLog.record).
        Returns it with its `seq` and `recorded_at`."""
        return self._append(session_id, lambda _news: event, None)

    def append_checked(
        self, session_id: str, decide: Callable[[list[EventBase]], EventBase], after_seq: int = 0
    ) -> EventBase:
        """Make durable the event `decide` returns, deciding under the write lock: `decide` gets
        the session's events with a seq above `after_seq` as they are inside the transaction (the
        caller holds the ones before), checks its rules against them and returns the event, or
        raises (an InputError: nothing is recorded). Returns the event with `seq` and `recorded_at`."""
        return self._append(session_id, decide, after_seq)

    def _append(
        self, session_id: str, decide: Callable[[list[EventBase]], EventBase], after_seq: int | None
    ) -> EventBase:
        import kapsession.core.events as core_events

        with self._faults(), self._transaction():
            news = [] if after_seq is None else self._events(session_id, after_seq)
            event = decide(news)
            if isinstance(event, core_events.SessionOpened):
                raise StoreError("a session is opened with create_session, not append")
            event = core_events.checked(event)
            recorded = utc_now()
            # The listing row is updated first: no row, no session, and nothing is inserted.
            if not self._project(session_id, event):
                raise NotFoundError(f"there is no session '{session_id}'")
            seq = self._insert(session_id, event, recorded)
            if event.type == "entry_struck":
                self._reproject(session_id)
            self._appended(session_id, seq)
        return core_events.with_store_fields(event, seq, recorded)

    def _appended(self, session_id: str, seq: int) -> None:
        """Called inside the append's transaction once the event has its seq (an engine that
        tells other machines about appends does it here)."""

    def _project(self, session_id: str, event: EventBase) -> bool:
        """Bring the session's listing row up to date with `event`, which is about to be
        inserted after it; False when there is no such session."""
        import kapsession.core.events as core_events

        at = _iso(event.at)
        sql = "UPDATE sessions SET event_count = event_count + 1, last_event_at = MAX(last_event_at, ?)"
        params: list[object] = [at]
        if isinstance(event, core_events.PhaseStarted):
            # The current phase is the latest by clinical time (a backdated change may be older):
            # a live phase change later than this one, else this one.
            sql += (
                ", started_at = COALESCE(MIN(started_at, ?), ?), phase = COALESCE((SELECT json_extract(body, "
                "'$.phase') FROM events WHERE session_id = ? AND type = 'phase_started' AND at > ? AND seq NOT IN ("
                "SELECT json_extract(body, '$.target_seq') FROM events WHERE session_id = ? "
                "AND type = 'entry_struck') ORDER BY at DESC, seq DESC LIMIT 1), ?)"
            )
            params += [at, at, session_id, at, session_id, event.phase]
        elif isinstance(event, core_events.DoseGiven):
            sql += ", first_dose_at = COALESCE(MIN(first_dose_at, ?), ?), dose_mg = COALESCE(dose_mg, 0) + ?"
            params += [at, at, event.mg]
        elif isinstance(event, core_events.SessionClosed):
            sql += ", closed_at = ?"
            params.append(at)
        # (A struck entry changes the row in ways only the events say: `_reproject` follows.)
        return self.connection.execute(sql + " WHERE id = ?", (*params, session_id)).rowcount > 0

    def _reproject(self, session_id: str) -> None:
        """After a strike, rebuild this session's listing row from its events."""
        from kapsession.core.events import DoseGiven, PhaseStarted, SessionClosed

        events = self._events(session_id, 0)
        struck = {e.target_seq for e in events if e.type == "entry_struck"}  # type: ignore[attr-defined]
        live = [e for e in events if e.seq not in struck]
        phases = sorted((e for e in live if isinstance(e, PhaseStarted)), key=lambda e: e.at)
        doses = [e for e in live if isinstance(e, DoseGiven)]
        closed = next((e for e in live if isinstance(e, SessionClosed)), None)
        self.connection.execute(
            "UPDATE sessions SET started_at = ?, phase = ?, first_dose_at = ?, dose_mg = ?, closed_at = ?, "
            "event_count = ?, last_event_at = ? WHERE id = ?",
            (
                _iso(phases[0].at) if phases else None,
                phases[-1].phase if phases else None,
                _iso(min(d.at for d in doses)) if doses else None,
                sum(d.mg for d in doses) if doses else None,
                _iso(closed.at) if closed else None,
                len(events),
                _iso(max(e.at for e in events)),
                session_id,
            ),
        )

    class _Transaction:
        def __init__(self, connection: Any) -> None:
            self.connection = connection

        def __enter__(self) -> None:
            self.connection.execute("BEGIN IMMEDIATE")

        def __exit__(self, kind: object, *_: object) -> None:
            if kind is None:
                self.connection.execute("COMMIT")
            elif self.connection.in_transaction:
                # SQLite may already have rolled back (a full disk, an I/O error); the error that
                # stopped the transaction is the one to report, not this one.
                try:
                    self.connection.execute("ROLLBACK")
                except Exception:
                    pass

    def _transaction(self) -> _Transaction:
        return self._Transaction(self.connection)

    # -- note drafts (store/drafts.py): kept until the note is saved or discarded --------------
    def keep_note_draft(
        self, session_id: str, author: str, text: str, started_at: datetime, kind: str, shareable: bool
    ) -> None:
        """Keep (or replace) this clinician's draft note for the session, durably."""
        from kapsession.store.drafts import draft_json, now_text

        with self._faults(), self._transaction():
            self.connection.execute(
                "INSERT INTO note_drafts (session_id, author, body, saved_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (session_id, author) DO UPDATE SET body = excluded.body, saved_at = excluded.saved_at",
                (session_id, author, draft_json(text, started_at, kind, shareable), now_text()),
            )

    def note_draft(self, session_id: str, author: str) -> NoteDraft | None:
        from kapsession.store.drafts import draft_from

        with self._faults():
            row = self.connection.execute(
                "SELECT body, saved_at FROM note_drafts WHERE session_id = ? AND author = ?", (session_id, author)
            ).fetchone()
        return None if row is None else draft_from(row[0], row[1])

    def drop_note_draft(self, session_id: str, author: str) -> None:
        with self._faults(), self._transaction():
            self.connection.execute("DELETE FROM note_drafts WHERE session_id = ? AND author = ?", (session_id, author))

    def delete_practice_session(self, session_id: str) -> None:
        """Practice sessions are rehearsals, not records: they may be deleted, and only they."""
        with self._faults(), self._transaction():
            row = self.connection.execute("SELECT practice FROM sessions WHERE id = ?", (session_id,)).fetchone()
            if row is None:
                raise NotFoundError(f"there is no session '{session_id}'")
            if not row[0]:
                raise StoreError(f"session {session_id} is a real session; only practice sessions can be deleted")
            self.connection.execute("DELETE FROM events WHERE session_id = ?", (session_id,))
            self.connection.execute("DELETE FROM note_drafts WHERE session_id = ?", (session_id,))
            self.connection.execute("DELETE FROM sessions WHERE id = ?", (session_id,))

    # -- reading -------------------------------------------------------------------------------
    def events(self, session_id: str, after_seq: int = 0) -> list[EventBase]:
        with self._faults():
            return self._events(session_id, after_seq)

    def _events(self, session_id: str, after_seq: int) -> list[EventBase]:
        from pydantic import ValidationError

        from kapsession.core.events import decode_events

        # SQLite puts the envelope columns back into each body, and the whole list is decoded
        # (and checked) in one call.
        rows = self.connection.execute(
            "SELECT json_set(body, '$.type', type, '$.at', at, '$.seq', seq, '$.recorded_at', recorded_at) "
            "FROM events WHERE session_id = ? AND seq > ? ORDER BY seq",
            (session_id, after_seq),
        ).fetchall()
        if not rows:
            return []
        try:
            return decode_events("[" + ",".join(row[0] for row in rows) + "]")
        except ValidationError as error:
            raise StoreError(f"session {session_id} holds an event this version cannot read ({error})") from error

    def last_seq(self, session_id: str) -> int:
        with self._faults():
            row = self.connection.execute("SELECT MAX(seq) FROM events WHERE session_id = ?", (session_id,)).fetchone()
        return int(row[0] or 0)

    def session(self, session_id: str) -> SessionRow:
        with self._faults():
            row = self.connection.execute(f"SELECT {_ROW_COLUMNS} FROM sessions WHERE id = ?", (session_id,)).fetchone()
        if row is None:
            raise NotFoundError(f"there is no session '{session_id}'")
        return _row(row)

    def resolve(self, text: str) -> str:
        """A typed session id (any case, surrounding spaces) to a stored one, or a clear error."""
        wanted = (text or "").strip().lower()
        with self._faults():
            # Ids are ASCII; other text (bytes that are not UTF-8, too) cannot be one, nor go to SQLite.
            if (
                wanted
                and wanted.isascii()
                and self.connection.execute("SELECT 1 FROM sessions WHERE id = ?", (wanted,)).fetchone()
            ):
                return wanted
            known = [row[0] for row in self.connection.execute("SELECT id FROM sessions")]
        if not known:
            raise NotFoundError(f"there is no session '{text.strip()}' (no sessions are stored yet)")
        from kapsession.store.session_ids import closest

        suggestion = closest(wanted, known)
        hint = f"; did you mean {suggestion}?" if suggestion else "; `kapsession sessions` lists them"
        raise NotFoundError(f"there is no session '{text.strip()}'{hint}")

    def list_sessions(self, *, practice: bool | None = False, limit: int | None = None) -> list[SessionRow]:
        """Newest first. practice=False: real sessions only; True: practice only; None: both."""
        sql = f"SELECT {_ROW_COLUMNS} FROM sessions"
        params: list[object] = []
        if practice is not None:
            sql += " WHERE practice = ?"
            params.append(int(practice))
        sql += " ORDER BY created_at DESC"
        if limit:
            sql += " LIMIT ?"
            params.append(limit)
        with self._faults():
            return [_row(values) for values in self.connection.execute(sql, params)]

    def client_history(self, client_name: str) -> list[SessionRow]:
        """A client's real sessions, oldest first (practice sessions never appear here): the
        sessions of the clients of that name, ignoring case and spaces, and of records merged into
        them (store/clients.py)."""
        from kapsession.store.clients import ClientBook, same_name

        with self._faults():
            rows: list[SessionRow] = []
            for client in same_name(self.connection, client_name):
                rows += ClientBook(self).sessions(client.id)
            return sorted(rows, key=lambda row: (row.created_at, row.id))

    def sessions_off_screen(self) -> tuple[list[SessionRow], list[SessionRow]]:
        """Started, not closed and not on any screen now: (interrupted: the screen that held it
        died, the app or the laptop, mid-session; open: left on purpose from the live screen, or
        never on a screen, written only from the command line), each newest entry first. One
        query, the few unfinished sessions, not the whole list."""
        from kapsession.store.live_lock import is_live, was_left_open, was_on_screen

        with self._faults():
            rows = self.connection.execute(
                f"SELECT {_ROW_COLUMNS} FROM sessions WHERE started_at IS NOT NULL AND closed_at IS NULL "
                "ORDER BY last_event_at DESC"
            ).fetchall()
        interrupted: list[SessionRow] = []
        left_open: list[SessionRow] = []
        for row in map(_row, rows):
            if not is_live(self.data_dir, row.id):
                died = was_on_screen(self.data_dir, row.id) and not was_left_open(self.data_dir, row.id)
                (interrupted if died else left_open).append(row)
        return interrupted, left_open

    def session_ids(self) -> list[str]:
        with self._faults():
            return [row[0] for row in self.connection.execute("SELECT id FROM sessions ORDER BY created_at, rowid")]

    def iter_all_events(self) -> Iterator[tuple[str, EventBase]]:
        for session_id in self.session_ids():
            for event in self.events(session_id):
                yield session_id, event


def series_so_far(history: list[SessionRow]) -> tuple[int, float | None]:
    """The next number in a client's series and their last dose (mg), from their real sessions."""
    last_dose = next((row.dose_mg for row in reversed(history) if row.dose_mg), None)
    return len(history) + 1, last_dose


def series_defaults(store: EventStore, client_name: str) -> tuple[int, float | None]:
    """The next number in a client's series and their last dose (mg), from their history (for a
    form to show; the number stored is counted again under the write lock)."""
    return series_so_far(store.client_history(client_name))
