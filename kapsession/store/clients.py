"""Clients in the store: their records (append-only client events with a small projection), the
link from each real session to its client, finding a client by id or by name, and the course.

A client's id is `c-` and five characters (`c-7k3ab`), never mistaken for a session id. Names are
matched ignoring case and spaces (`core.client_events.name_key`). A merge is an event on the
merged record (`merged_into` in the projection); sessions keep the client they were recorded
under, so the course of a client gathers its own sessions and those of every record merged into
it, and undoing the merge needs nothing else changed.

The functions taking a `connection` run inside the caller's transaction (the store creates a
client and its first session in one); `ClientBook` wraps them for the command line and screens.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, NamedTuple

from kapsession.core.client_events import (
    ClientCreated,
    ClientMerged,
    ClientMergeUndone,
    ClientRecord,
    ClientRenamed,
    CoursePlanned,
    fold_client,
    name_key,
)
from kapsession.core.errors import InputError, NotFoundError
from kapsession.core.events import EventBase, checked, event_body_json, with_store_fields

if TYPE_CHECKING:
    from kapsession.core.course import Course
    from kapsession.core.preset_library import PresetLibrary
    from kapsession.store.event_store import EventStore, SessionRow

CLIENT_PREFIX = "c-"
ID_LENGTH = 5


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def new_client_id(connection: sqlite3.Connection) -> str:
    import secrets

    from kapsession.store.session_ids import ALPHABET

    for _ in range(50):
        candidate = CLIENT_PREFIX + "".join(secrets.choice(ALPHABET) for _ in range(ID_LENGTH))
        if connection.execute("SELECT 1 FROM clients WHERE id = ?", (candidate,)).fetchone() is None:
            return candidate
    raise InputError("could not find a free client id")  # pragma: no cover - 31**5 ids


def append_client_event(
    connection: sqlite3.Connection, client_id: str, event: EventBase, recorded_at: datetime | None = None
) -> EventBase:
    """Insert one client event and update the projection (inside the caller's transaction)."""
    event = checked(event)
    recorded = recorded_at or datetime.now(UTC)
    at = _iso(event.at)
    if isinstance(event, ClientCreated):  # the projection row first: the events refer to it
        connection.execute(
            "INSERT INTO clients (id, name, name_key, merged_into, created_at, last_event_at) VALUES (?, ?, ?, NULL, ?, ?)",
            (client_id, event.name, name_key(event.name), at, at),
        )
    cursor = connection.execute(
        "INSERT INTO client_events (client_id, type, at, recorded_at, body) VALUES (?, ?, ?, ?, ?)",
        (client_id, event.type, at, _iso(recorded), event_body_json(event)),
    )
    if not isinstance(event, ClientCreated):
        updates = "last_event_at = MAX(last_event_at, ?)"
        params: list[object] = [at]
        if isinstance(event, ClientRenamed):
            updates += ", name = ?, name_key = ?"
            params += [event.name, name_key(event.name)]
        elif isinstance(event, ClientMerged):
            updates += ", merged_into = ?"
            params.append(event.into)
        elif isinstance(event, ClientMergeUndone):
            updates += ", merged_into = NULL"
        connection.execute(f"UPDATE clients SET {updates} WHERE id = ?", (*params, client_id))
    return with_store_fields(event, int(cursor.lastrowid), recorded)  # type: ignore[arg-type]


def create_client(
    connection: sqlite3.Connection,
    name: str,
    at: datetime,
    *,
    date_of_birth: date | None = None,
    sex: str | None = None,
    reference: str | None = None,
) -> str:
    client_id = new_client_id(connection)
    append_client_event(
        connection,
        client_id,
        ClientCreated(at=at, name=name, date_of_birth=date_of_birth, sex=sex, reference=reference),
    )
    return client_id


class ClientRow(NamedTuple):
    id: str
    name: str
    merged_into: str | None
    created_at: datetime


def _rows(cursor: sqlite3.Cursor) -> list[ClientRow]:
    return [ClientRow(cid, name, merged, datetime.fromisoformat(created)) for cid, name, merged, created in cursor]


def same_name(connection: sqlite3.Connection, name: str) -> list[ClientRow]:
    """Clients (not merged away) whose name matches ignoring case and spaces, oldest first."""
    return _rows(
        connection.execute(
            "SELECT id, name, merged_into, created_at FROM clients WHERE name_key = ? AND merged_into IS NULL "
            "ORDER BY created_at, id",
            (name_key(name),),
        )
    )


def ambiguity(rows: Sequence[ClientRow], name: str) -> InputError:
    listed = "; ".join(f"{row.id} {row.name}" for row in rows)
    return InputError(
        f"{len(rows)} clients are called '{name.strip()}' ({listed}): give the client's id, "
        "or --new-client to add another client of that name"
    )


def client_for_session(
    connection: sqlite3.Connection, name: str, at: datetime, *, client_id: str | None = None, new_client: bool = False
) -> str:
    """The client a new real session belongs to (inside the store's write transaction): the one
    given by id; else, by name, the one client of that name, or a new client when none (or when
    `new_client`). Several of that name: an InputError listing them, nothing recorded."""
    if client_id is not None:
        row = connection.execute("SELECT merged_into FROM clients WHERE id = ?", (client_id,)).fetchone()
        if row is None:
            raise NotFoundError(f"there is no client '{client_id}'")
        return root_of(connection, client_id)
    if not new_client:
        matches = same_name(connection, name)
        if len(matches) == 1:
            return matches[0].id
        if len(matches) > 1:
            raise ambiguity(matches, name)
    return create_client(connection, name, at)


def root_of(connection: sqlite3.Connection, client_id: str) -> str:
    """The record a client was merged into (through any chain), or the client itself."""
    seen = {client_id}
    current = client_id
    while True:
        row = connection.execute("SELECT merged_into FROM clients WHERE id = ?", (current,)).fetchone()
        if row is None or row[0] is None or row[0] in seen:
            return current
        current = row[0]
        seen.add(current)


def family(connection: sqlite3.Connection, client_id: str) -> list[str]:
    """The client and every record merged into it (directly or through another)."""
    found = [client_id]
    index = 0
    while index < len(found):
        found += [
            row[0]
            for row in connection.execute("SELECT id FROM clients WHERE merged_into = ?", (found[index],))
            if row[0] not in found
        ]
        index += 1
    return found


def migrate_sessions_to_clients(connection: sqlite3.Connection) -> None:
    """Give every real session a client, one client per name (ignoring case and spaces), named
    as in its newest session; for the schema migration that introduces clients."""
    from kapsession.core.clock import utc_now

    by_key: dict[str, list[tuple[str, str, str]]] = {}
    for session_id, name, created in connection.execute(
        "SELECT id, client_name, created_at FROM sessions WHERE practice = 0 ORDER BY created_at, id"
    ):
        by_key.setdefault(name_key(name), []).append((session_id, name, created))
    recorded = utc_now()
    for sessions in by_key.values():
        first_at = datetime.fromisoformat(sessions[0][2])
        client_id = new_client_id(connection)
        append_client_event(connection, client_id, ClientCreated(at=first_at, name=sessions[-1][1]), recorded)
        connection.executemany(
            "UPDATE sessions SET client_id = ? WHERE id = ?", [(client_id, session_id) for session_id, _, _ in sessions]
        )


class ClientBook:
    """The clients of one store, for the command line and the screens."""

    def __init__(self, store: EventStore) -> None:
        self.store = store
        self.connection = store.connection

    # -- finding ---------------------------------------------------------------------------------
    def find(self, text: str) -> str:
        """A client id from an id or a name (one match); else one sentence: several of that name
        (listed), or none (the closest suggested)."""
        wanted = (text or "").strip()
        if not wanted:
            raise InputError("give a client's id or name (`kapsession clients` lists them)")
        lowered = wanted.lower()
        if self.connection.execute("SELECT 1 FROM clients WHERE id = ?", (lowered,)).fetchone():
            return lowered
        matches = same_name(self.connection, wanted)
        if len(matches) == 1:
            return matches[0].id
        if len(matches) > 1:
            listed = "; ".join(f"{row.id} {row.name}" for row in matches)
            raise InputError(f"{len(matches)} clients are called '{wanted}' ({listed}): give the client's id")
        raise NotFoundError(f"there is no client '{wanted}'{self._suggest(wanted)}")

    def _suggest(self, wanted: str) -> str:
        import difflib

        rows = self.connection.execute("SELECT id, name, name_key FROM clients WHERE merged_into IS NULL").fetchall()
        if not rows:
            return " (no clients are recorded yet)"
        by_word = {row[0]: row for row in rows}
        by_word.update({row[2]: row for row in rows})
        close = difflib.get_close_matches(
            name_key(wanted) if not wanted.lower().startswith(CLIENT_PREFIX) else wanted.lower(),
            list(by_word),
            n=1,
            cutoff=0.5,
        )
        if not close:
            return "; `kapsession clients` lists them"
        row = by_word[close[0]]
        return f"; did you mean {row[0]} ({row[1]})?"

    def record(self, client_id: str) -> ClientRecord:
        from kapsession.core.client_events import decode_client_events

        rows = self.connection.execute(
            "SELECT json_set(body, '$.type', type, '$.at', at, '$.seq', seq, '$.recorded_at', recorded_at) "
            "FROM client_events WHERE client_id = ? ORDER BY seq",
            (client_id,),
        ).fetchall()
        if not rows:
            raise NotFoundError(f"there is no client '{client_id}'")
        return fold_client(client_id, decode_client_events("[" + ",".join(row[0] for row in rows) + "]"))

    def rows(self, *, include_merged: bool = False) -> list[tuple[ClientRow, int, datetime | None]]:
        """Every client with its number of real sessions (merged records' included) and the
        newest one's date, the most recently seen first."""
        counts: dict[str, tuple[int, str | None]] = {}
        for client_id, count, newest in self.connection.execute(
            "SELECT client_id, COUNT(*), MAX(created_at) FROM sessions WHERE practice = 0 AND client_id IS NOT NULL "
            "GROUP BY client_id"
        ):
            counts[client_id] = (count, newest)
        rows = _rows(
            self.connection.execute("SELECT id, name, merged_into, created_at FROM clients ORDER BY created_at")
        )
        merged_children: dict[str, list[str]] = {}
        for row in rows:
            if row.merged_into:
                merged_children.setdefault(row.merged_into, []).append(row.id)
        result = []
        for row in rows:
            if row.merged_into and not include_merged:
                continue
            ids = family(self.connection, row.id) if merged_children.get(row.id) else [row.id]
            total = sum(counts.get(cid, (0, None))[0] for cid in ids)
            newest = max((counts[cid][1] or "" for cid in ids if cid in counts), default="") or None
            result.append((row, total, datetime.fromisoformat(newest) if newest else None))
        result.sort(key=lambda item: item[2] or item[0].created_at, reverse=True)
        return result

    def sessions(self, client_id: str) -> list[SessionRow]:
        """The client's real sessions (and those of records merged into it), oldest first."""
        from kapsession.store.event_store import _ROW_COLUMNS, _row

        ids = family(self.connection, client_id)
        marks = ",".join("?" * len(ids))
        return [
            _row(values)
            for values in self.connection.execute(
                f"SELECT {_ROW_COLUMNS} FROM sessions WHERE practice = 0 AND client_id IN ({marks}) "
                "ORDER BY created_at, id",
                ids,
            )
        ]

    def client_of_session(self, session_id: str) -> str | None:
        row = self.connection.execute("SELECT client_id FROM sessions WHERE id = ?", (session_id,)).fetchone()
        return root_of(self.connection, row[0]) if row and row[0] else None

    # -- changing --------------------------------------------------------------------------------
    def _append(self, client_id: str, event: EventBase) -> EventBase:
        with self.store._transaction():
            if self.connection.execute("SELECT 1 FROM clients WHERE id = ?", (client_id,)).fetchone() is None:
                raise NotFoundError(f"there is no client '{client_id}'")
            return append_client_event(self.connection, client_id, event)

    def add(
        self,
        name: str,
        at: datetime,
        *,
        date_of_birth: date | None = None,
        sex: str | None = None,
        reference: str | None = None,
        allow_same_name: bool = False,
    ) -> str:
        ClientCreated(at=at, name=name, date_of_birth=date_of_birth, sex=sex, reference=reference)
        with self.store._transaction():
            matches = same_name(self.connection, name)
            if matches and not allow_same_name:
                listed = "; ".join(f"{row.id} {row.name}" for row in matches)
                raise InputError(
                    f"a client called '{name.strip()}' is already recorded ({listed}); "
                    "--same-name adds another of that name on purpose"
                )
            return create_client(self.connection, name, at, date_of_birth=date_of_birth, sex=sex, reference=reference)

    def rename(self, client_id: str, name: str, at: datetime) -> EventBase:
        return self._append(client_id, ClientRenamed(at=at, name=name))

    def merge(self, duplicate: str, into: str, at: datetime) -> EventBase:
        """Record that `duplicate` is the same person as `into`: its sessions and scores join
        `into`'s course. Reversible with `unmerge`."""
        if duplicate == into:
            raise InputError(f"{duplicate} cannot be merged with itself; give two different clients")
        with self.store._transaction():
            for cid in (duplicate, into):
                if self.connection.execute("SELECT 1 FROM clients WHERE id = ?", (cid,)).fetchone() is None:
                    raise NotFoundError(f"there is no client '{cid}'")
            merged = self.connection.execute("SELECT merged_into FROM clients WHERE id = ?", (duplicate,)).fetchone()[0]
            if merged:
                raise InputError(
                    f"{duplicate} is already merged into {merged}; undo that first "
                    f"(`kapsession client unmerge {duplicate}`)"
                )
            target = root_of(self.connection, into)
            if target == duplicate or duplicate in family(self.connection, into):
                raise InputError(f"{into} is merged into {duplicate}; merging back would make a loop")
            if target != into:
                raise InputError(f"{into} is itself merged into {target}; merge into {target}")
            return append_client_event(self.connection, duplicate, ClientMerged(at=at, into=into))

    def unmerge(self, client_id: str, at: datetime) -> EventBase:
        with self.store._transaction():
            row = self.connection.execute("SELECT merged_into FROM clients WHERE id = ?", (client_id,)).fetchone()
            if row is None:
                raise NotFoundError(f"there is no client '{client_id}'")
            if row[0] is None:
                raise InputError(f"{client_id} is not merged into another client")
            return append_client_event(self.connection, client_id, ClientMergeUndone(at=at))

    def plan(self, client_id: str, planned_sessions: int, schedule: str | None, at: datetime) -> EventBase:
        if schedule:
            from kapsession.core.schedule import parse_schedule

            parse_schedule(schedule)
        return self._append(client_id, CoursePlanned(at=at, planned_sessions=planned_sessions, schedule=schedule))

    def append(self, client_id: str, event: EventBase) -> EventBase:
        """A questionnaire or a safety check recorded between sessions."""
        return self._append(client_id, event)

    # -- the course ------------------------------------------------------------------------------
    def course(self, client_id: str, now: datetime, *, library: PresetLibrary, default_planned: int = 6) -> Course:
        """The course of one client: its record, every real session folded at `now` with its preset
        from `library` (the caller's: the store does not read preset files)."""
        from kapsession.core.course import build_course
        from kapsession.core.state import fold

        root = root_of(self.connection, client_id)
        client = self.record(root)
        merged = [self.record(cid) for cid in family(self.connection, root)[1:]]
        presets: dict[str, object] = {}
        folded = []
        for row in self.sessions(root):
            if row.preset not in presets:
                presets[row.preset] = library.get(row.preset)
            folded.append((row.id, fold(self.store.events(row.id), presets[row.preset], now)))  # type: ignore[arg-type]
        return build_course(client, folded, now, merged=merged, default_planned=default_planned)
