"""Presets, scenarios and themes are read only from files the therapist could have written alone.

A preset sets the dose maximum and the alert thresholds, so a file another user of the computer
owns, or one others may change (group or world writable), is refused with a sentence naming it
and the reason, in the same list of problems a broken file goes to. Files owned by root are
accepted too: that is how an installed package's built-in presets are owned.

The checks are made on the opened file (`fstat`), so the file read is the file checked; a FIFO or
device is refused without blocking on it.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from kapsession.core.errors import PresetError

# A preset is a few kilobytes; anything far larger is not one (and is not read into memory).
MAX_BYTES = 1_000_000


def distrust(status: os.stat_result) -> str | None:
    """Why a file with this status may not be read as a preset, scenario or theme; None if it may."""
    if not stat.S_ISREG(status.st_mode):
        return "it is not a regular file"
    if not hasattr(os, "getuid"):
        return None  # no owners and modes to go by (Windows): the folder's own rights decide
    if status.st_uid not in (os.getuid(), 0):
        return (
            f"it belongs to another user (uid {status.st_uid}); presets, scenarios and themes are "
            "read only from files you own"
        )
    shared = status.st_mode & stat.S_IWOTH or (
        status.st_mode & stat.S_IWGRP and not _group_is_yours_alone(status.st_gid)
    )
    if shared:
        return f"others can change it (mode {stat.S_IMODE(status.st_mode):04o}); make it yours alone with chmod go-w"
    return None


def _group_is_yours_alone(gid: int) -> bool:
    """Whether a group-writable file is still writable by you alone: its group is your own
    private group (named after you, your primary group, no other members), as many systems give
    every user with a umask of 002, so the files of a clone or an install are group-writable."""
    import grp
    import pwd

    try:
        user = pwd.getpwuid(os.getuid()).pw_name
        group = grp.getgrgid(gid)
    except KeyError:
        return False
    return gid == os.getgid() and group.gr_name == user and not set(group.gr_mem) - {user}


def read_trusted_text(path: Path) -> str:
    """The text of `path` (UTF-8, a byte-order mark dropped); a PresetError naming the file and
    what is wrong when it cannot be trusted or read."""
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError as error:
        raise PresetError(f"{path}: cannot be read ({error.strerror or error})") from error
    with os.fdopen(descriptor, "rb") as handle:
        reason = distrust(os.fstat(descriptor))
        if reason is not None:
            raise PresetError(f"{path}: refused: {reason}")
        try:
            data = handle.read(MAX_BYTES + 1)
        except OSError as error:
            raise PresetError(f"{path}: cannot be read ({error.strerror or error})") from error
    if len(data) > MAX_BYTES:
        raise PresetError(f"{path}: refused: it is larger than {MAX_BYTES:,} bytes, far more than any preset")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise PresetError(f"{path}: is not UTF-8 text") from error
    return text.replace("\r\n", "\n").replace("\r", "\n")  # as a file read in text mode
