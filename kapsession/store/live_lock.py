"""Which sessions are open on a screen right now, and which were left open on purpose.

The live screen holds an advisory lock on `locks/<id>.lock` while it runs; the operating system
drops it when the process dies however it dies. A started, unclosed session whose lock is free
was interrupted, unless the therapist left the live screen on purpose (`q`, "Leave"): that leaves
`locks/<id>.left` behind, and the next screen to take the session up removes it. A session no
screen ever held (no lock file: written only from the command line) was not interrupted either:
it is simply open.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path
from typing import Any, Protocol


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
        _left_path(self.path.parent, self.path.stem).unlink(missing_ok=True)  # on a screen again
        return True

    @property
    def held(self) -> bool:
        return self._fd is not None

    def release(self, left_open: bool = False) -> None:
        """Let go of the session. `left_open`: the therapist left the live screen on purpose with
        the session still open; it is marked so (not interrupted). The mark is made while the
        lock is still held, so a screen that takes the session up after it (and removes the mark
        as it does) can never find it made behind its back."""
        if self._fd is not None:
            if left_open:
                os.close(os.open(_left_path(self.path.parent, self.path.stem), os.O_WRONLY | os.O_CREAT, 0o600))
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None


def _left_path(locks: Path, session_id: str) -> Path:
    return locks / f"{session_id}.left"


def was_on_screen(data_dir: Path, session_id: str) -> bool:
    """True if a live screen has ever held this session (its lock file stays behind)."""
    return (data_dir / "locks" / f"{session_id}.lock").exists()


def was_left_open(data_dir: Path, session_id: str) -> bool:
    """True if the live screen was last left on purpose with this session open."""
    return _left_path(data_dir / "locks", session_id).exists()


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


class ScreenHold(Protocol):
    """What a live screen holds while it shows a session: `LiveLock` (this machine's lock file,
    SQLite) or a server's lease (store/postgres/presence.py, seen from every machine)."""

    def acquire(self) -> bool: ...

    @property
    def held(self) -> bool: ...

    def release(self, left_open: bool = False) -> None: ...


def live_lock_for(store: Any, session_id: str) -> ScreenHold:
    """The store's own screen lease where it has one (PostgreSQL), else the data directory's lock."""
    lease = getattr(store, "screen_lease", None)
    return lease(session_id) if lease is not None else LiveLock(store.data_dir, session_id)
