"""Store tests run on both kinds of store: plain SQLite and SQLCipher (`store_kind`)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

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
