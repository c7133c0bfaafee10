"""What a terminal is sent: run a command in a pseudo-terminal and split its output into frames.

Textual writes each frame between the two markers of synchronized output when the terminal says
it has it; this terminal says so (it answers Textual's query), so a frame is what lies between
them. A frame's rows are read from the cursor moves Textual writes before each changed line.
"""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import signal
import struct
import termios
import time
from dataclasses import dataclass

SYNC_QUERY = b"\x1b[?2026$p"
SYNC_ANSWER = b"\x1b[?2026;2$y"  # synchronized output: known, not on now
SYNC_START = b"\x1b[?2026h"
SYNC_END = b"\x1b[?2026l"
_MOVE = re.compile(rb"\x1b\[(\d+);(\d+)H")
_ESCAPE = re.compile(rb"\x1b\[[0-9;?<>$]*[A-Za-z]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[()][A-Z0-9]|\x1b[=>]")


@dataclass
class Frame:
    rows: dict[int, str]  # row (0-based) -> the text written on it in this frame

    @property
    def text(self) -> str:
        return "\n".join(self.rows[row] for row in sorted(self.rows))


def _rows(frame: bytes) -> dict[int, str]:
    rows: dict[int, str] = {}
    moves = list(_MOVE.finditer(frame))
    for move, following in zip(moves, [*moves[1:], None], strict=True):
        end = following.start() if following else len(frame)
        text = _ESCAPE.sub(b"", frame[move.end() : end]).decode("utf-8", "replace")
        row = int(move.group(1)) - 1
        rows[row] = rows.get(row, "") + text
    return rows


def run_frames(
    argv: list[str], env: dict[str, str], size: tuple[int, int], frames: int = 3, seconds: float = 20.0
) -> list[Frame]:
    """Run `argv` in a terminal of `size` (width, height) until it has sent `frames` frames (or
    for `seconds`), press ctrl+q, and return the frames it sent."""
    width, height = size
    pid, fd = pty.fork()
    if pid == 0:  # the child: the terminal's size set before the app can ask it, then the app
        fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", height, width, 0, 0))
        os.execvpe(argv[0], argv, env)
    out = b""
    answered = False
    deadline = time.monotonic() + seconds
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([fd], [], [], 0.02)
            if not ready:
                continue
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                break
            if not chunk:
                break
            out += chunk
            if not answered and SYNC_QUERY in out:
                os.write(fd, SYNC_ANSWER)
                answered = True
            if out.count(SYNC_END) >= frames:
                break
        os.write(fd, b"\x11")  # ctrl+q
        time.sleep(0.3)
    finally:
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        os.waitpid(pid, 0)
        os.close(fd)
    return [Frame(_rows(part.split(SYNC_START, 1)[-1])) for part in out.split(SYNC_END)[:-1]]
