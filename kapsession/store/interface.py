"""What every engine of the event store provides (SQLite and SQLCipher today: `EventStore`; a
PostgreSQL engine can implement the same). Only core types and `SessionRow` cross it: no engine's
connection, cursor or exception. Every failure is a KapsessionError sentence (StoreError,
NotFoundError, InputError from a refused entry, PassphraseError).

The guarantees an engine keeps:
- `append_checked` and `create_session_checked` run their `decide` inside the transaction that
  writes, with the session's (or client's) latest committed state, and no other writer to that
  session in between (SQLite: `BEGIN IMMEDIATE`; a server: a per-session lock or serializable
  transactions). What `decide` raises refuses the entry and nothing is recorded.
- An append is durable when it returns (committed, synced).
- Events keep the order they were committed in (`seq`, increasing across the store).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from datetime import datetime
    from pathlib import Path

    from kapsession.core.events import EventBase, SessionOpened
    from kapsession.store.drafts import NoteDraft
    from kapsession.store.event_store import SessionRow


class Store(Protocol):
    data_dir: Path  # where the live-screen locks and exports live, whatever the engine
    encrypted: bool

    def create_session(
        self, opened: SessionOpened, *, client_id: str | None = None, new_client: bool = False
    ) -> tuple[str, SessionOpened]: ...

    def create_session_checked(
        self,
        client_name: str,
        decide: Callable[[list[SessionRow]], SessionOpened],
        *,
        client_id: str | None = None,
        new_client: bool = False,
    ) -> tuple[str, SessionOpened]: ...

    def append(self, session_id: str, event: EventBase) -> EventBase: ...

    def append_checked(
        self, session_id: str, decide: Callable[[list[EventBase]], EventBase], after_seq: int = 0
    ) -> EventBase: ...

    def delete_practice_session(self, session_id: str) -> None: ...

    def events(self, session_id: str, after_seq: int = 0) -> list[EventBase]: ...

    def last_seq(self, session_id: str) -> int: ...

    def session(self, session_id: str) -> SessionRow: ...

    def resolve(self, text: str) -> str: ...

    def list_sessions(self, *, practice: bool | None = False, limit: int | None = None) -> list[SessionRow]: ...

    def client_history(self, client_name: str) -> list[SessionRow]: ...

    def sessions_off_screen(self) -> tuple[list[SessionRow], list[SessionRow]]: ...

    def session_ids(self) -> list[str]: ...

    def iter_all_events(self) -> Iterator[tuple[str, EventBase]]: ...

    # A note being written (store/drafts.py): durable, private, not part of the record.
    def keep_note_draft(
        self, session_id: str, author: str, text: str, started_at: datetime, kind: str, shareable: bool
    ) -> None: ...

    def note_draft(self, session_id: str, author: str) -> NoteDraft | None: ...

    def drop_note_draft(self, session_id: str, author: str) -> None: ...

    def close(self) -> None: ...
