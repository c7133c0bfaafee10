"""Every way the database can fail, as one sentence a therapist can act on.

SQLite reports a failure as a result code; the store turns each into a StoreError that says what
happened, that nothing was recorded (a failed transaction is rolled back whole), and what to do.
Nothing outside kapsession.store sees an engine's own exception.
"""

from __future__ import annotations

import os
from pathlib import Path

from kapsession.core.errors import InputError, StoreError

SQLITE_BUSY, SQLITE_LOCKED, SQLITE_NOMEM, SQLITE_READONLY = 5, 6, 7, 8
SQLITE_IOERR, SQLITE_CORRUPT, SQLITE_FULL, SQLITE_CANTOPEN, SQLITE_NOTADB = 10, 11, 13, 14, 26

# SQLite's write lock in WAL mode: byte 120 of the -shm file (os_unix.c: UNIX_SHM_BASE +
# WAL_WRITE_LOCK), held with a POSIX lock whose owner the kernel names.
_WAL_WRITE_LOCK_OFFSET = 120
# Below this many free bytes, a failed write is put down to a full disk.
_NEARLY_FULL = 4 * 1024 * 1024


class PassphraseError(InputError):
    """The passphrase is missing or does not open the store (exit 2: something typed was wrong)."""


class PassphraseNeeded(PassphraseError):
    """The store is encrypted and no passphrase was given, asked for or remembered."""


def write_lock_holder(database: Path) -> int | None:
    """The process id holding the store's write lock, when the kernel can tell (Linux, same host)."""
    import fcntl
    import struct

    try:
        descriptor = os.open(f"{database}-shm", os.O_RDONLY)
    except OSError:
        return None
    try:
        request = struct.pack("hhqqi4x", fcntl.F_WRLCK, os.SEEK_SET, _WAL_WRITE_LOCK_OFFSET, 1, 0)
        kind, _, _, _, pid = struct.unpack("hhqqi4x", fcntl.fcntl(descriptor, fcntl.F_GETLK, request))
    except (OSError, struct.error):
        return None
    finally:
        os.close(descriptor)
    return pid if kind != fcntl.F_UNLCK and pid > 0 else None


def _process_name(pid: int) -> str:
    """The program's name only: a command line can hold a client's name or a note."""
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return ""


def busy(database: Path, waited: float) -> StoreError:
    holder = write_lock_holder(database)
    if holder is not None:
        name = _process_name(holder)
        who = f"process {holder}" + (f" ({name})" if name else "")
    else:
        who = "another program"
    return StoreError(
        f"the database is busy: {who} has held its write lock for more than {waited:g} s; nothing "
        "was recorded; try again when it has finished (or end that process if it hangs)"
    )


def damaged(database: Path, detail: str) -> StoreError:
    return StoreError(
        f"the database {database} is damaged ({detail}); nothing was recorded; `kapsession check` says "
        "what can be recovered and `kapsession recover -o DIR` copies out every readable event"
    )


def disk_full(database: Path) -> StoreError:
    return StoreError(
        f"the disk holding {database.parent} is full; nothing was recorded; free some space and try again"
    )


def _nearly_full(directory: Path) -> bool:
    import shutil

    try:
        return shutil.disk_usage(directory).free < _NEARLY_FULL
    except OSError:
        return False


def sentence(error: BaseException, database: Path, waited: float) -> StoreError:
    """The StoreError for an engine error raised while using the store at `database`."""
    code = getattr(error, "sqlite_errorcode", None)
    primary = code & 0xFF if isinstance(code, int) else None
    text = str(error)
    if primary == SQLITE_FULL or (primary == SQLITE_IOERR and _nearly_full(database.parent)):
        return disk_full(database)
    if primary in (SQLITE_BUSY, SQLITE_LOCKED):
        return busy(database, waited)
    if primary in (SQLITE_CORRUPT, SQLITE_NOTADB):
        return damaged(database, text)
    if primary == SQLITE_READONLY:
        return StoreError(
            f"the database {database} cannot be written ({text}); nothing was recorded; "
            "check that the data directory is yours and writable"
        )
    if primary == SQLITE_IOERR:
        return StoreError(
            f"the disk holding {database} failed to read or write ({text}); nothing was "
            "recorded; check the disk, then try again"
        )
    if primary == SQLITE_CANTOPEN:
        return StoreError(f"the database {database} cannot be opened ({text})")
    if primary == SQLITE_NOMEM:
        return StoreError("the computer ran out of memory; nothing was recorded; close other programs and try again")
    return StoreError(f"the database {database} could not be used ({text}); nothing was recorded")
