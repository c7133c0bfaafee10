"""Whole processes in a real terminal: tmux, read back with `capture-pane -p`.

Each benchmark run gets its own tmux server (`tmux -L <socket> -f /dev/null`), so no user
configuration and no other tmux session is touched, and `close()` kills only that server.

Timing a launch: the pane starts `sh -c 'read _; exec env ... COMMAND'`, so the shell is already
waiting when the clock starts; the clock starts as Enter is sent and stops when
`capture-pane -p` first shows the expected text (polled every `POLL` seconds). The same
`exec` keeps the pane's process id the app's own, for /proc/PID/stat and /proc/PID/status.

A capture takes a few milliseconds itself (a tmux client process). The moment a text is taken to
have appeared is the middle of the first capture that shows it (tmux read its screen somewhere in
that span), and captures follow each other `POLL` apart; with the end of the capture and 5 ms
between them, every figure was quantised in steps of 7-8 ms, too coarse for a 10-15 ms repaint.
"""

from __future__ import annotations

import os
import shlex
import shutil
import signal
import subprocess
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

POLL = 0.002
TMUX = shutil.which("tmux") or "/usr/bin/tmux"
CLOCK_TICK = os.sysconf("SC_CLK_TCK")


def tmux_available() -> bool:
    return bool(shutil.which("tmux") or os.path.exists("/usr/bin/tmux"))


class PaneTimeout(RuntimeError):
    """The expected text did not appear in time; carries what the pane showed."""

    def __init__(self, message: str, screen: str) -> None:
        super().__init__(message)
        self.screen = screen


Check = Callable[[str], bool]


def contains(*texts: str) -> Check:
    return lambda screen: all(text in screen for text in texts)


def contains_without(present: Iterable[str], absent: Iterable[str]) -> Check:
    present, absent = tuple(present), tuple(absent)
    return lambda screen: all(t in screen for t in present) and not any(t in screen for t in absent)


@dataclass
class Pane:
    terminal: Terminal
    name: str
    pid: int | None = None

    def capture(self) -> str:
        return self.terminal.tmux("capture-pane", "-p", "-t", self.name, check=False).stdout

    def send(self, *keys: str, literal: bool = False) -> None:
        args = ["send-keys", "-t", self.name]
        if literal:
            args.append("-l")
        self.terminal.tmux(*args, *keys)

    def go(self) -> float:
        """Release the waiting shell into the command; returns the moment the clock starts."""
        started = time.perf_counter()
        self.send("Enter")
        return started

    def wait_for(self, check: Check, timeout: float = 30.0, what: str = "the expected text") -> float:
        """Poll until `check(screen)` holds; returns the moment it was first seen."""
        deadline = time.perf_counter() + timeout
        screen = ""
        while True:
            asked = time.perf_counter()
            screen = self.capture()
            seen = time.perf_counter()
            if check(screen):
                return (asked + seen) / 2
            if seen > deadline:
                raise PaneTimeout(f"{what} did not appear within {timeout:g} s", screen)
            if self.pid is not None and not _alive(self.pid):
                # One last look: the process may have painted and exited at once.
                screen = self.capture()
                if check(screen):
                    return time.perf_counter()
                raise PaneTimeout(f"the process exited before {what} appeared", screen)
            time.sleep(POLL)

    def cpu_seconds(self) -> float:
        """utime + stime of the pane's process (all its threads), in seconds."""
        with open(f"/proc/{self.pid}/stat") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLOCK_TICK

    def status_value(self, key: str = "VmHWM") -> int:
        """A number from /proc/PID/status: VmHWM in KiB, voluntary_ctxt_switches as a count."""
        with open(f"/proc/{self.pid}/status") as handle:
            for line in handle:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
        raise KeyError(key)

    def close(self) -> None:
        self.terminal.tmux("kill-session", "-t", self.name, check=False)
        if self.pid is not None:
            _reap(self.pid)


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (FileNotFoundError, ProcessLookupError):  # ESRCH while the process is being reaped
        return False


def _reap(pid: int, grace: float = 3.0) -> None:
    """Wait for a process we started to go (tmux sent it SIGHUP); then TERM, then KILL it."""
    for sig in (None, signal.SIGTERM, signal.SIGKILL):
        if sig is not None:
            try:
                os.kill(pid, sig)
            except ProcessLookupError:
                return
        deadline = time.monotonic() + grace
        while time.monotonic() < deadline:
            if not _alive(pid):
                return
            time.sleep(0.02)


class Terminal:
    """A private tmux server; panes are 120x40 unless told otherwise."""

    def __init__(self, width: int = 120, height: int = 40) -> None:
        self.socket = f"kapbench-{os.getpid()}-{time.monotonic_ns() % 10**9}"
        self.width, self.height = width, height
        self._count = 0
        self._started = False

    def _ensure_server(self) -> None:
        """A keeper session holds the server open: tmux exits when its last session goes, and a
        new session asked for in that moment fails."""
        if not self._started:
            self.tmux("new-session", "-d", "-s", "keeper", "-x", "20", "-y", "5", "exec sleep 86400")
            self._started = True

    def tmux(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [TMUX, "-L", self.socket, "-f", "/dev/null", *args], capture_output=True, text=True, check=check
        )

    def start(self, command: Sequence[str], env: dict[str, str] | None = None, cwd: str | None = None) -> Pane:
        """A pane whose shell waits for Enter before exec-ing `command` (see `Pane.go`)."""
        self._ensure_server()
        self._count += 1
        name = f"b{self._count}"
        assignments = [f"{key}={value}" for key, value in (env or {}).items()]
        # Without COLUMNS and LINES: a terminal app (Textual, through shutil.get_terminal_size)
        # takes them over the pane's real size, and some shells and test runners leave them set.
        inner = shlex.join(
            ["sh", "-c", 'read _; exec "$@"', "sh", "env", "-u", "COLUMNS", "-u", "LINES", *assignments, *command]
        )
        args = ["new-session", "-d", "-s", name, "-x", str(self.width), "-y", str(self.height)]
        if cwd:
            args += ["-c", cwd]
        for attempt in range(5):
            done = self.tmux(*args, "exec " + inner, check=False)
            if done.returncode == 0:
                break
            time.sleep(0.1 * (attempt + 1))
        else:
            raise RuntimeError(f"tmux could not start a session: {done.stderr.strip()}")
        pane = Pane(self, name)
        pane.pid = int(self.tmux("display-message", "-p", "-t", name, "#{pane_pid}").stdout.strip())
        self._wait_reading(pane.pid)
        return pane

    @staticmethod
    def _wait_reading(pid: int, timeout: float = 5.0) -> None:
        """Until the waiting shell sits in read(2) on the terminal (so Enter is the only delay)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                with open(f"/proc/{pid}/cmdline", "rb") as handle:
                    started_sh = handle.read().split(b"\0")[0].endswith(b"sh")
                with open(f"/proc/{pid}/wchan") as handle:
                    waiting = handle.read().strip() not in ("", "0")
                with open(f"/proc/{pid}/stat") as handle:
                    sleeping = handle.read().rsplit(")", 1)[1].split()[0] == "S"
            except (FileNotFoundError, ProcessLookupError):
                return
            if started_sh and sleeping and waiting:
                time.sleep(0.05)
                return
            time.sleep(0.01)

    def close(self) -> None:
        if self._started:
            socket = self.tmux("display-message", "-p", "-t", "keeper", "#{socket_path}", check=False).stdout.strip()
            self.tmux("kill-server", check=False)
            self._started = False
            if socket.endswith(self.socket):  # tmux leaves the socket file of a killed server behind
                try:
                    os.unlink(socket)
                except OSError:
                    pass

    def __enter__(self) -> Terminal:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def launch(
    terminal: Terminal,
    command: Sequence[str],
    check: Check,
    *,
    env: dict[str, str] | None = None,
    timeout: float = 30.0,
    what: str = "the expected text",
) -> tuple[Pane, float]:
    """Start `command` in a fresh pane; returns the pane and seconds from Enter to `check`."""
    pane = terminal.start(command, env)
    try:
        started = pane.go()
        seen = pane.wait_for(check, timeout, what)
    except BaseException:
        pane.close()
        raise
    return pane, seen - started
