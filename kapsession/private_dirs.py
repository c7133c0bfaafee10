"""Folders kapsession creates are 0700, whatever the umask.

`Path.mkdir(mode=0o700, parents=True)` gives the mode to the last folder only: the parents it
creates get 0777 less the umask, which is 0777 under `umask 000`, and then any user of the
computer could plant a preset (raising a dose maximum) or replace a folder. Here every folder that
is created is 0700, and the folders from `within` down to the target that exist already lose any
group and other access (never gaining any: a folder its owner locked stays locked).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path


def _take_others_access_away(folder: Path) -> None:
    status = folder.stat()
    mode = stat.S_IMODE(status.st_mode)
    if mode & 0o077 and (not hasattr(os, "getuid") or status.st_uid == os.getuid()):
        os.chmod(folder, mode & 0o700)


def make_private_dir(path: Path | str, *, within: Path | str | None = None) -> Path:
    """Create `path` and any missing parent 0700; make `path` (and every folder between `within`
    and it, when given) private if it already existed. Raises OSError, for the caller to put in
    a sentence."""
    path = Path(path)
    missing: list[Path] = []
    current = path
    while not current.exists():
        missing.append(current)
        if current.parent == current:
            break
        current = current.parent
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=0o700)
        except FileExistsError:
            pass  # made meanwhile by another process: made private below like any existing one
        else:
            os.chmod(folder, 0o700)  # mkdir's mode is masked by the umask; this is not
    if not path.is_dir():
        raise NotADirectoryError(20, "Not a directory", str(path))
    chain = [path]
    if within is not None:
        top = Path(within)
        chain += [parent for parent in path.parents if parent == top or top in parent.parents]
    for folder in chain:
        if folder not in missing:
            _take_others_access_away(folder)
    return path
