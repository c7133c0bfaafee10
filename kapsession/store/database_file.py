"""The database file before SQLite writes to it: what it is, and a connection to it.

A store is opened in three steps, and nothing is written before the last one:

1. The file itself. Absent: a new store is built beside it and linked into place whole, so no
   process ever finds a half-made or 0-byte store. Present: it must be a regular file that is not
   empty; its first bytes say plain SQLite, or else SQLCipher (or not a database at all).
2. A read-only look: a plain store's header is read as bytes (its schema version and the
   application id), so a store from a newer kapsession, or another program's database, is refused
   before SQLite has opened it. An encrypted store is looked at through its key, with reads only.
3. Only then the connection that writes: WAL, synchronous=FULL, migrations.

The engine is the standard library's sqlite3 for a plain store and the `sqlcipher3` wheel (SQLite
with SQLCipher 4 built in) for an encrypted one; nothing outside kapsession.store sees which.
"""

from __future__ import annotations

import os
import struct
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import quote

from kapsession.core.errors import StoreError

SQLITE_MAGIC = b"SQLite format 3\x00"
# `PRAGMA application_id` of every store this kapsession creates ("KAPS"); stores made before it
# have 0 and are recognised by their tables.
APPLICATION_ID = 0x4B415053
KAPSESSION_TABLES = {"sessions", "events"}


class FileKind(NamedTuple):
    kind: str  # "absent", "plain" or "encrypted"
    user_version: int = 0
    application_id: int = 0
    wal_pending: bool = False  # a -wal file with content: the header may lag behind it


def looks_like_text(data: bytes) -> bool:
    """Bytes that read as text (an export, a summary, a note) are no database of any kind."""
    if not data:
        return False
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return all(character.isprintable() or character in "\r\n\t" for character in text)


def inspect(path: Path) -> FileKind:
    """What is at `path`, from its first 100 bytes (never opened by SQLite here)."""
    try:
        info = path.lstat()
    except FileNotFoundError:
        return FileKind("absent")
    except OSError as error:
        raise StoreError(f"the database {path} cannot be read ({error.strerror or error})") from error
    import stat

    if stat.S_ISLNK(info.st_mode):
        info = path.stat()  # a store kept elsewhere behind a link is the owner's choice
    if not stat.S_ISREG(info.st_mode):
        raise StoreError(f"the database {path} is not a regular file; kapsession left it as it is")
    if info.st_size == 0:
        raise StoreError(
            f"the database {path} is empty (0 bytes): it was cut short or made by something else, and "
            "kapsession will not start an empty store over it; move it aside to start afresh, or "
            "`kapsession restore` a backup"
        )
    try:
        with open(path, "rb") as handle:
            header = handle.read(100)
    except OSError as error:
        raise StoreError(f"the database {path} cannot be read ({error.strerror or error})") from error
    if header.startswith(SQLITE_MAGIC) and len(header) == 100:
        (user_version,) = struct.unpack(">I", header[60:64])
        (application_id,) = struct.unpack(">I", header[68:72])
        wal = Path(f"{path}-wal")
        wal_pending = wal.exists() and wal.stat().st_size > 0
        return FileKind("plain", user_version, application_id, wal_pending)
    # SQLCipher pages are whole (4096 bytes by default) and look random from the first byte; a
    # file of another size, or one that reads as text, is something else written over the store.
    if info.st_size % 512 or looks_like_text(header[:64]):
        raise foreign(path)
    return FileKind("encrypted")


def foreign(path: Path, what: str = "it is not a kapsession database") -> StoreError:
    return StoreError(
        f"the database {path} cannot be opened: {what}; kapsession left it as it is (move it aside "
        "to start afresh, or `kapsession restore` a backup)"
    )


def sqlcipher() -> Any:
    try:
        import sqlcipher3
    except ImportError as error:  # pragma: no cover - a dependency; missing only in a broken install
        raise StoreError(
            "this store is encrypted, and the sqlcipher3 package that reads it is not installed; reinstall kapsession"
        ) from error
    return sqlcipher3


def engine_errors() -> tuple[type[BaseException], ...]:
    """The error classes of every engine that is loaded (sqlcipher3 only once a store needed it)."""
    import sqlite3
    import sys

    loaded = sys.modules.get("sqlcipher3")
    return (sqlite3.Error,) if loaded is None else (sqlite3.Error, loaded.Error)


def sql_text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def connect(path: Path, passphrase: str | None, *, read_only: bool = False, timeout: float = 10.0) -> Any:
    """A connection to an existing store: sqlite3 for a plain one, sqlcipher3 with the key for an
    encrypted one. `mode=rw` never creates the file (a store deleted under us stays deleted)."""
    mode = "ro" if read_only else "rw"
    uri = f"file:{quote(str(path))}?mode={mode}"
    if passphrase is None:
        import sqlite3

        connection = sqlite3.connect(uri, uri=True, isolation_level=None, timeout=timeout, check_same_thread=False)
    else:
        engine = sqlcipher()
        connection = engine.connect(uri, uri=True, isolation_level=None, timeout=timeout, check_same_thread=False)
        # SQLCipher logs a failed key to stderr; the person gets one sentence instead.
        connection.execute("PRAGMA cipher_log_level = NONE")
        connection.execute(f"PRAGMA key = {sql_text(passphrase)}")
    return connection


def connect_with_raw_key(path: Path, raw_key: str, *, read_only: bool = True) -> Any:
    """An encrypted store opened with its derived key (`raw_key`: SQLCipher's "x'<key><salt>'"
    form), which skips the key derivation: for reading a damaged store, where SQLCipher has to be
    reopened after every page it cannot decrypt."""
    engine = sqlcipher()
    connection = engine.connect(
        f"file:{quote(str(path))}?mode={'ro' if read_only else 'rw'}",
        uri=True,
        isolation_level=None,
        check_same_thread=False,
    )
    connection.execute("PRAGMA cipher_log_level = NONE")
    connection.execute(f'PRAGMA key = "{raw_key}"')
    return connection


def derived_key(path: Path, passphrase: str) -> str:
    """SQLCipher 4's key for `passphrase` (PBKDF2-HMAC-SHA512, 256,000 iterations, the salt in the
    file's first 16 bytes), in the raw-key form `connect_with_raw_key` takes."""
    import hashlib

    with open(path, "rb") as handle:
        salt = handle.read(16)
    key = hashlib.pbkdf2_hmac("sha512", passphrase.encode("utf-8"), salt, 256_000, 32)
    return f"x'{key.hex()}{salt.hex()}'"


def key_opens(connection: Any) -> bool:
    """True if the key given to `connection` decrypts it (a wrong one reads as "not a database")."""
    try:
        connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except engine_errors() as error:
        if getattr(error, "sqlite_errorcode", None) == 26:  # SQLITE_NOTADB
            return False
        raise
    return True


def check_identity(connection: Any, path: Path, user_version: int, application_id: int) -> None:
    """Refuse another program's database, and one from a newer kapsession, before any write."""
    from kapsession.store.schema import SCHEMA_VERSION

    if application_id not in (0, APPLICATION_ID):
        raise foreign(path, f"it belongs to another program (application id {application_id:#x})")
    if application_id == 0:
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        # A store from before the application id has the two tables; an empty database (a first
        # start cut short before its schema was written) holds nothing to lose and is made a store.
        if tables and not KAPSESSION_TABLES <= tables:
            raise foreign(path, "its tables are another program's")
    if user_version > SCHEMA_VERSION:
        raise StoreError(
            f"the database was written by a newer kapsession (schema {user_version}; this one knows up to "
            f"{SCHEMA_VERSION}); upgrade kapsession to open it (nothing was changed)"
        )


def pragma_value(connection: Any, name: str) -> int:
    return int(connection.execute(f"PRAGMA {name}").fetchone()[0])


def build_new_store(path: Path, passphrase: str | None = None) -> None:
    """Create a store at `path` whole: built in a temporary file beside it, then linked into place
    (a link never replaces a file: if another process made the store meanwhile, theirs is kept)."""
    import secrets

    from kapsession.store.schema import migrate

    temporary = path.with_name(f".{path.name}.new-{os.getpid()}-{secrets.token_hex(4)}")
    try:
        os.close(os.open(temporary, os.O_CREAT | os.O_EXCL | os.O_RDWR, 0o600))
        connection = connect(temporary, passphrase)
        try:
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=FULL")
            migrate(connection)
            connection.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        finally:
            connection.close()  # the last connection checkpoints and removes the -wal
        with open(temporary, "rb") as handle:
            os.fsync(handle.fileno())
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass
        sync_directory(path.parent)
    finally:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{temporary}{suffix}").unlink(missing_ok=True)


def sync_directory(directory: Path) -> None:
    """A new name in a directory is durable once the directory itself is synced."""
    try:
        descriptor = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)
