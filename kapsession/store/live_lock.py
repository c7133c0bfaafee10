"""Which sessions are open on a screen right now.

The live screen holds an advisory lock on `locks/<id>.lock` while it runs; the operating system
drops it when the process dies however it dies, so a started, unclosed session whose lock is free
was interrupted.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path


def _lock_path(data_dir: Path, session_id: str) -> Path:
    directory = data_dir / "locks"
    directory.mkdir(mode=0o700, exist_ok=True)
    return directory / f"{session_id}.lock"


class LiveLock:
    def __init__(self, data_dir: Path, session_id: str) -> None:
        self.path = _lock_path(data_dir, session_id)
        self._fd: int | None = None

    def acquire(self) -> bool:
        """True if this process now holds the lock; False if another live screen has it."""
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            return False
        self._fd = fd
        return True

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None


def is_live(data_dir: Path, session_id: str) -> bool:
    path = data_dir / "locks" / f"{session_id}.lock"
    if not path.exists():
        return False
    fd = os.open(path, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return True
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)
        return False
    finally:
        os.close(fd)
