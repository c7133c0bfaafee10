"""Files kapsession writes for people (exports, summaries, records): mode 0600, never half-written.

Written to a temporary file beside the target, flushed to disk, then renamed over it; any failure
is one InputError sentence and leaves nothing behind.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from kapsession.core.errors import InputError


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
