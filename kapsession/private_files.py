"""Files kapsession writes for people (exports, summaries, records): mode 0600, never half-written.

Written to a temporary file beside the target, flushed to disk, then renamed over it; any failure
is one InputError sentence and leaves nothing behind.
"""

from __future__ import annotations

import os
from pathlib import Path

from kapsession.core.errors import InputError


def _create_temporary(directory: Path) -> tuple[int, str]:
    """A new file beside the target, 0600, under a name no one else holds. What tempfile.mkstemp
    does, without importing tempfile (shutil, random and the compression modules come with it:
    about 4 ms of every summary PDF)."""
    for _ in range(100):
        name = os.path.join(directory, f".kapsession-{os.urandom(6).hex()}.part")
        try:
            return os.open(name, os.O_RDWR | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o600), name
        except FileExistsError:
            continue
    raise FileExistsError(f"no free temporary file name in {directory}")


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
