"""Opening a connection to the clinic's PostgreSQL server, and every way that can fail as one
sentence (a wrong password, TLS required, the server down or restarting, a dropped connection).

A sentence names the server by host, port and database only: a URL can carry a password.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

from kapsession.core.errors import StoreError

# A connection attempt that has not finished in this many seconds is a server that is not there.
CONNECT_TIMEOUT_S = 5


def is_postgres_url(text: str | None) -> bool:
    return bool(text) and str(text).split(":", 1)[0].lower() in ("postgresql", "postgres")


def where(url: str) -> str:
    """The server a URL names, without its user's password: "db.clinic.example:5432/kapsession"."""
    try:
        parts = urlsplit(url)
        # A Unix socket or a port may be given in the query (?host=/run/postgresql&port=5433).
        query = parse_qs(parts.query)
        host = parts.hostname or query.get("host", ["localhost"])[0]
        port = parts.port or query.get("port", ["5432"])[0]
    except ValueError:
        return "the PostgreSQL server"
    database = parts.path.lstrip("/") or (parts.username or "")
    return f"{host}:{port}/{database}"


def driver() -> Any:
    try:
        import psycopg
    except ImportError as error:
        raise StoreError(
            "a postgresql:// database needs psycopg; install kapsession with the extra: pip install 'kapsession[postgres]'"
        ) from error
    return psycopg


def connect(url: str) -> Any:
    """An autocommit connection (the store opens its own transactions), or one sentence."""
    psycopg = driver()
    try:
        return psycopg.connect(url, autocommit=True, connect_timeout=CONNECT_TIMEOUT_S, application_name="kapsession")
    except psycopg.Error as error:
        raise sentence(error, url) from error


def engine_errors() -> tuple[type[BaseException], ...]:
    return (driver().Error,)


def sentence(error: BaseException, url: str) -> StoreError:
    """One PostgreSQL failure as what happened, that nothing was recorded, and what to do."""
    psycopg = driver()
    server = where(url)
    text = str(error).lower()
    state = getattr(error, "sqlstate", None) or ""
    if state == "28P01" or "password authentication failed" in text:
        return StoreError(
            f"the PostgreSQL server {server} refused the user name or password; check the URL's user and its password (nothing was recorded)"
        )
    if state.startswith("28") or "no pg_hba.conf entry" in text:
        if "ssl off" in text or "no encryption" in text:
            return StoreError(
                f"the PostgreSQL server {server} accepts only encrypted connections; add ?sslmode=verify-full&sslrootcert=FILE to the URL (nothing was recorded)"
            )
        return StoreError(
            f"the PostgreSQL server {server} does not let this user in from here (pg_hba.conf); ask whoever runs the server (nothing was recorded)"
        )
    # Refusals at connection time carry no SQLSTATE in psycopg: the server's words tell them apart.
    if "is not permitted to log in" in text or ("role" in text and "does not exist" in text):
        return StoreError(
            f"the PostgreSQL server {server} has no login for the URL's user (a role that may LOGIN; README: roles); nothing was recorded"
        )
    if state == "3D000" or ("database" in text and "does not exist" in text):
        return StoreError(
            f"the PostgreSQL server has no database {server.rsplit('/', 1)[-1]}; create it first (createdb) (nothing was recorded)"
        )
    if "too many connections" in text or "remaining connection slots" in text:
        return StoreError(
            f"the PostgreSQL server {server} has no connection left for this user (max_connections); nothing was recorded: try again in a moment"
        )
    if "ssl" in text or "certificate" in text:
        return StoreError(
            f"a TLS connection to the PostgreSQL server {server} could not be made or verified ({_first_line(error)}); check sslmode and sslrootcert in the URL (nothing was recorded)"
        )
    if state == "42501":
        return StoreError(
            f"this user may not do that on the PostgreSQL server {server} (a GRANT is missing; README: roles) (nothing was recorded)"
        )
    if state in ("57P01", "57P02", "57P03") or "shutting down" in text or "starting up" in text:
        return StoreError(f"the PostgreSQL server {server} is restarting; nothing was recorded: try again in a moment")
    if isinstance(error, psycopg.OperationalError):
        return StoreError(
            f"the PostgreSQL server {server} cannot be reached (offline, or the connection dropped); nothing was recorded: try again when it is back"
        )
    if state in ("40001", "40P01"):
        return StoreError(f"another writer on {server} got in the way; nothing was recorded: try again")
    if state == "53100":
        return StoreError(f"the PostgreSQL server {server} has no room left on its disk; nothing was recorded")
    return StoreError(f"the PostgreSQL server {server} refused the write ({_first_line(error)}); nothing was recorded")


def _first_line(error: BaseException) -> str:
    """The server's own message, first line only (no query, no parameters: they may hold client text)."""
    lines = str(error).strip().splitlines()
    return lines[0] if lines else type(error).__name__
