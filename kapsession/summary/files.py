"""Writing exports and sending them to the printer: private files, never half-written.

Every export is created mode 0600 through a temporary file in the same folder, flushed to disk
and then renamed over the target, so a reader (or a crash) never sees half a PDF. Exports made
without a chosen path go to the `exports` folder of the data directory (0700), not to a synced
Documents folder: a clinical record should not end up in someone's cloud by default.

`shutil` and `subprocess` are imported only when printing: writing a file needs neither.
"""

from __future__ import annotations

from pathlib import Path

from kapsession.core.errors import InputError, KapsessionError
from kapsession.private_dirs import make_private_dir
from kapsession.private_files import write_private

EXPORTS_FOLDER = "exports"
EXTENSIONS = {"md": "md", "html": "html", "pdf": "pdf"}


class PrintError(KapsessionError):
    """Nothing was printed; the message says why in one sentence."""


def exports_dir(data_dir: Path) -> Path:
    return Path(data_dir) / EXPORTS_FOLDER


def default_export_path(data_dir: Path, session_id: str, day: str, kind: str, fmt: str) -> Path:
    """`<data dir>/exports/2026-03-02-k7f3ab-summary.pdf`."""
    return exports_dir(data_dir) / f"{day}-{session_id}-{kind}.{EXTENSIONS[fmt]}"


def write_export(path: Path, data: bytes, *, make_folder: bool = False) -> Path:
    if make_folder:
        try:
            make_private_dir(Path(path).parent)
        except OSError as error:
            raise InputError(f"cannot create the folder {Path(path).parent}: {error.strerror or error}") from error
    return write_private(path, data)


def printer_command() -> str | None:
    import shutil

    return shutil.which("lp")


def send_to_printer(pdf: bytes, *, title: str = "kapsession") -> str:
    """Send PDF bytes to the default printer with `lp`; returns lp's answer (the job id line).

    The job title stays generic: print queues are often visible to everyone on the network.
    """
    import subprocess
    import tempfile

    lp = printer_command()
    if lp is None:
        raise PrintError("there is no printer command (lp) on this computer, so nothing was printed")
    with tempfile.TemporaryDirectory(prefix="kapsession-print-") as folder:
        target = Path(folder) / "document.pdf"
        write_private(target, pdf)
        try:
            result = subprocess.run([lp, "-t", title, str(target)], capture_output=True, text=True, timeout=120)
        except (OSError, subprocess.TimeoutExpired) as error:
            raise PrintError(f"the printer command failed ({error})") from error
    if result.returncode != 0:
        reason = (result.stderr or result.stdout).strip().splitlines()
        raise PrintError("the printer refused the job" + (f" ({reason[0]})" if reason else ""))
    return result.stdout.strip() or "sent to the printer"
