"""Which store the app works with: the SQLite file in the data directory (the default, no setup),
or a clinic's PostgreSQL server when `--database URL` or $KAPSESSION_DATABASE_URL names one. The
rest of the app gets its store here and does not know which engine it has."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from kapsession.core.errors import InputError

if TYPE_CHECKING:
    from kapsession.store.event_store import EventStore
    from kapsession.store.passphrase import Asker

DATABASE_URL_VARIABLE = "KAPSESSION_DATABASE_URL"


def database_url(given: str | None = None) -> str | None:
    """The PostgreSQL URL to use: the one given, else $KAPSESSION_DATABASE_URL, else none (SQLite)."""
    from kapsession.store.postgres.connection import is_postgres_url

    url = (given or os.environ.get(DATABASE_URL_VARIABLE) or "").strip()
    if not url:
        return None
    if not is_postgres_url(url):
        raise InputError(
            "the database URL must begin with postgresql:// (the SQLite store needs none: it lives in the data directory)"
        )
    return url


def open_store(
    data_dir: Path, database: str | None = None, *, passphrase: str | None = None, ask: Asker | None = None
) -> EventStore:
    """The store: PostgreSQL when a URL is given or set, else the data directory's SQLite file
    (encrypted or not; the passphrase and `ask` are SQLite's only: a server encrypts its own disk)."""
    url = database_url(database)
    if url is None:
        from kapsession.store.event_store import EventStore

        return EventStore(data_dir, passphrase, ask=ask)
    from kapsession.store.postgres.event_store import PostgresEventStore

    return PostgresEventStore(url, data_dir)
