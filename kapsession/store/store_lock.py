"""One lock for the whole store: every open EventStore holds it shared; converting or replacing
the database file (encrypt, decrypt, restore) holds it alone.

Replacing the file under a process that still has the old one open would let that process write
to a file no one reads again, and leave its -wal beside the new file. So a conversion first takes
this lock exclusively, which it gets only when no screen or command has the store open; a store
opened meanwhile waits for the conversion to end and then opens the new file.
"""

from __future__ import annotations

import fcntl
import os
import time
from pathlib import Path

from kapsession.core.errors import StoreError

LOCK_NAME = "store.lock"


class StoreLock:
    def __init__(self, data_dir: Path) -> None:
        self.path = Path(data_dir) / LOCK_NAME
        self._fd: int | None = None

    def _open(self) -> int:
        try:
            return os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as error:
            raise StoreError(f"the lock file {self.path} cannot be used ({error.strerror or error})") from error

    def share(self, timeout: float) -> None:
        """Hold the lock with other users of the store; waits while a conversion runs."""
        fd = self._open()
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
                break
            except OSError:
                if time.monotonic() >= deadline:
                    os.close(fd)
                    raise StoreError(
                        f"the store in {self.path.parent} is being converted or restored by another "
                        f"kapsession and was still busy after {timeout:g} s; nothing was recorded; try "
                        "again when it has finished"
                    ) from None
                time.sleep(0.05)
        self._fd = fd

    def take_alone(self, doing: str) -> None:
        """Hold the lock alone, or say that the store is in use (nothing is waited for)."""
        fd = self._open()
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            raise StoreError(
                f"the store is in use by another kapsession (a screen or a command); close it, then {doing} again"
            ) from None
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None
