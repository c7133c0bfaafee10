"""A fault in the program leaves a report that holds no client data.

A traceback as Python or Textual prints it shows the message of each exception and, in Textual's
crash screen, the local variables of every frame: a note being saved, a client's name. The report
written here keeps only what locates the fault: the exception types (the chain of causes
included), and for each frame the file, the line number and the function's name. No message, no
value, no source line. It goes to the data directory's `crash-reports` folder (0700), as a new
file of mode 0600, and whoever shows the fault says where it is.

Used by the command line's last-resort handler (`cli.main`) and the app's (`tui/crash_guard.py`).
"""

from __future__ import annotations

import os
import sys
import traceback
from datetime import UTC, datetime
from pathlib import Path

REPORTS_FOLDER = "crash-reports"
_PACKAGE_DIR = Path(__file__).resolve().parent
_MOST_CAUSES = 8


def _type_name(error: BaseException) -> str:
    kind = type(error)
    return kind.__qualname__ if kind.__module__ == "builtins" else f"{kind.__module__}.{kind.__qualname__}"


def _where(filename: str) -> str:
    """The file a frame is in, without the folders above the package it belongs to (which can
    name the user): `kapsession/cli.py`, `textual/app.py`, else only the file's name."""
    path = Path(filename)
    try:
        return str(Path("kapsession") / path.resolve().relative_to(_PACKAGE_DIR))
    except (ValueError, OSError):
        pass
    parts = path.parts
    for marker in ("site-packages", "dist-packages"):
        if marker in parts:
            return str(Path(*parts[parts.index(marker) + 1 :]))
    return path.name


def redacted_lines(error: BaseException) -> list[str]:
    """The chain of exceptions, innermost last, as types and `file:line in function` only."""
    chain: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and current not in chain and len(chain) < _MOST_CAUSES:
        chain.append(current)
        current = current.__cause__ or (None if current.__suppress_context__ else current.__context__)
    lines: list[str] = []
    for depth, exception in enumerate(reversed(chain)):
        if depth:
            lines.append("")
            lines.append("which led to:")
        lines.append(f"{_type_name(exception)} (message left out: it may quote what was typed)")
        for frame in traceback.extract_tb(exception.__traceback__):
            lines.append(f"  {_where(frame.filename)}:{frame.lineno} in {frame.name}")
    return lines


def report_text(error: BaseException, *, where: str) -> str:
    from kapsession import __version__

    header = [
        "kapsession crash report (no client data: no messages, no values, no source lines)",
        f"when: {datetime.now(UTC):%Y-%m-%d %H:%M:%S} UTC",
        f"where: {where}",
        f"kapsession {__version__}, Python {sys.version.split()[0]}, {sys.platform}",
        "",
    ]
    return "\n".join(header + redacted_lines(error)) + "\n"


def write_report(error: BaseException, data_dir: Path | str, *, where: str = "command line") -> Path | None:
    """Write the redacted report of `error` into the data dir; its path, or None when it cannot
    be written (the caller still says what happened)."""
    from kapsession.private_dirs import make_private_dir

    try:
        folder = make_private_dir(Path(data_dir) / REPORTS_FOLDER)
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S-%f")
        path = folder / f"crash-{stamp}-{os.getpid()}.txt"
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(report_text(error, where=where))
        return path
    except Exception:
        return None


def crash_sentence(report: Path | None) -> str:
    """What to tell the therapist about the report, for the end of a sentence."""
    if report is None:
        return "no report could be written"
    return f"a report of where it happened, without any client data, is at {report}"
