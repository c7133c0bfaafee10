"""Refusals at login are one sentence each, naming what to fix, never "cannot be reached": psycopg
gives them no SQLSTATE, so the server's words tell them apart (a missing database, a role that may
not log in, a role that does not exist). Against a real server (tests/conftest.py)."""

from __future__ import annotations

import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from kapsession.core.errors import StoreError
from kapsession.store.factory import open_store


def with_database(url: str, database: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{database}"))


def with_user(url: str, user: str) -> str:
    parts = urlsplit(url)
    host = parts.netloc.rsplit("@", 1)[-1]
    return urlunsplit(parts._replace(netloc=f"{user}@{host}"))


def test_a_missing_database_is_named_with_createdb(postgres_admin: str, tmp_path: Path) -> None:
    missing = f"kapsession_absent_{uuid.uuid4().hex[:8]}"
    with pytest.raises(StoreError, match=f"has no database {missing}; create it first") as refused:
        open_store(tmp_path, with_database(postgres_admin, missing))
    assert "cannot be reached" not in str(refused.value)


def test_a_role_that_may_not_log_in_is_named_as_such(postgres_admin: str, tmp_path: Path) -> None:
    import psycopg

    role = f"kapsession_nologin_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(postgres_admin, autocommit=True) as admin:
        admin.execute(f'CREATE ROLE "{role}" NOLOGIN')
    for user in (role, f"kapsession_nobody_{uuid.uuid4().hex[:8]}"):
        with pytest.raises(StoreError, match="has no login for the URL's user") as refused:
            open_store(tmp_path, with_user(postgres_admin, user))
        assert "cannot be reached" not in str(refused.value)


def test_a_socket_url_is_named_by_its_socket_and_port() -> None:
    from kapsession.store.postgres.connection import where

    assert where("postgresql://me:secret@/clinic?host=/run/postgresql&port=5433") == "/run/postgresql:5433/clinic"
    assert where("postgresql://me:secret@db.example:6432/clinic") == "db.example:6432/clinic"
