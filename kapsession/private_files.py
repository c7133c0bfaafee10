"""Files kapsession writes for people (exports, summaries, records): mode 0600, never half-written,
and never over the sessions (`check_output_path`, for every file a person names with `-o`).

Written to a temporary file beside the target, flushed to disk, then renamed over it; any failure
is one InputError sentence and leaves nothing behind.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from kapsession.core.errors import InputError

SQLITE_HEADER = b"SQLite format 3\x00"
# A file named like one of these is a database (or its journal) wherever it is.
DATABASE_ENDINGS = tuple(
    ending + extra for ending in (".sqlite3", ".sqlite", ".db") for extra in ("", "-wal", "-shm", "-journal")
)


def _is_sqlite(path: Path) -> bool:
    try:
        with open(path, "rb") as handle:
            return handle.read(len(SQLITE_HEADER)) == SQLITE_HEADER
    except OSError:
        return False


def check_output_path(path: Path | str, *, data_dir: Path, force: bool = False) -> Path:
    """Where a file chosen by a person (`-o FILE`) may be written: never inside the data directory
    (after resolving every symbolic link), never over the database or anything named or made
    like one (SQLite's header; an encrypted store has none, so its name and the next rule guard
    it), and never over an existing file unless `force`. One InputError sentence for each."""
    target = Path(path).expanduser()
    if not str(path).strip():
        raise InputError("the output file name is empty; give a file name")
    try:
        data = Path(data_dir).expanduser().resolve()
        resolved = target.resolve()
    except (OSError, RuntimeError) as error:  # RuntimeError: a loop of symbolic links
        raise InputError(f"cannot write {path}: its folder cannot be followed ({error})") from None
    if resolved == data or data in resolved.parents:
        raise InputError(
            f"{path} is inside the data folder {data}, which holds the sessions; choose a file "
            "outside it (without -o, a PDF goes to that folder's exports)"
        )
    if resolved.name.lower().endswith(DATABASE_ENDINGS):
        raise InputError(
            f"{path} is named like a database file; kapsession never writes over one, so choose another name"
        )
    if not os.path.lexists(target):
        return target
    if target.is_dir():
        raise InputError(f"cannot write {path}: it is a folder; give a file name")
    if target.exists() and not target.is_file():
        raise InputError(f"cannot write {path}: it is not a regular file")
    from kapsession.locations import DATABASE_NAME

    store = data / DATABASE_NAME
    for suffix in ("", "-wal", "-shm", "-journal"):
        try:
            same = os.path.samefile(target, f"{store}{suffix}")
        except OSError:
            continue
        if same:
            raise InputError(f"{path} is the session database itself; choose another file")
    if _is_sqlite(target):
        raise InputError(f"{path} is an SQLite database; kapsession never writes over one, so choose another file")
    if not force:
        raise InputError(f"{path} already exists; add --force to replace it, or choose another name")
    return target


def _create_temporary(directory: Path) -> tuple[int, str]:
    """A new file beside the target (so the rename stays on one file system), 0600."""
    return tempfile.mkstemp(prefix=".kapsession-", suffix=".part", dir=directory)


def write_private(path: Path, data: bytes) -> Path:
    """Write `data` to `path` atomically with mode 0600; any failure is one InputError sentence."""
    path = Path(path).expanduser()
    if not str(path).strip():
        raise InputError("the output file name is empty; give a file name")
    directory = path.absolute().parent
    if path.is_dir():
        raise InputError(f"cannot write {path}: it is a folder; give a file name")
    if path.exists() and not path.is_file():
        # A device or pipe would be replaced by the rename, not written to.
        raise InputError(f"cannot write {path}: it is not a regular file")
    if not directory.is_dir():
        raise InputError(f"cannot write {path}: the folder {directory} does not exist")
    temporary: str | None = None
    try:
        fd, temporary = _create_temporary(directory)
        with os.fdopen(fd, "wb") as handle:
            os.fchmod(handle.fileno(), 0o600)
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
        temporary = None
    except OSError as error:
        raise InputError(f"cannot write {path}: {error.strerror or error}") from error
    finally:
        if temporary is not None:
            Path(temporary).unlink(missing_ok=True)
    return path
