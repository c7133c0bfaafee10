"""Store tests run on both kinds of SQLite store, plain and SQLCipher (`store_kind`), and on both
engines, SQLite and PostgreSQL (`engine_store`)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from kapsession.store import EventStore

PASSPHRASE = "correct horse battery staple"


def make_store(data_dir: Path, kind: str) -> str | None:
    """An empty store of `kind` in `data_dir`; returns its passphrase (None for a plain one)."""
    from kapsession.store import EventStore
    from kapsession.store.maintenance import encrypt

    if kind == "plain":
        EventStore(data_dir).close()
        return None
    encrypt(data_dir, PASSPHRASE)
    return PASSPHRASE


@pytest.fixture(params=["plain", "encrypted"])
def store_kind(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def new_store(store_kind: str) -> Callable[[Path], str | None]:
    """Make a store of this test's kind in a folder; returns its passphrase."""
    return lambda data_dir: make_store(data_dir, store_kind)


@pytest.fixture(params=["sqlite", "postgres"])
def engine_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[EventStore]:
    """An empty store on each engine: the SQLite file in `tmp_path`, and a fresh PostgreSQL
    database (skipped, with the reason, where there is no server)."""
    from kapsession.store.factory import open_store

    url = request.getfixturevalue("postgres_url") if request.param == "postgres" else None
    with open_store(tmp_path, url) as opened:
        yield opened
