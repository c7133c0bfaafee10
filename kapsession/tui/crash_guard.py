"""No client data on a crash screen.

Textual shows an unhandled exception by printing, after the app exits, a traceback with every
frame's local variables (rich's `show_locals=True`): the note being saved, the client's name. So
the app's `error_console` (a public attribute, where Textual prints that screen) writes nowhere,
and `run_reporting_crashes` writes the redacted report of `crash_report.py` instead and says
where it is. `KAPSESSION_DEBUG=1` leaves Textual's own crash screen alone, for development.

Which exception it was: Textual rings the app's bell (`App.bell`, public) first thing when it
shows a crash, while the exception is still being handled, so `ReportsCrashes.bell` notes it from
`sys.exc_info()`. tests/tui/test_crash_report.py fails, saying what to check, if a Textual
upgrade moves that; even then nothing with locals reaches the terminal, the report only loses
its frames.
"""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path
from typing import Any

from rich.console import Console

from kapsession.crash_report import crash_sentence, write_report


class _Nowhere(io.StringIO):
    """A text file that keeps nothing written to it."""

    def write(self, s: str) -> int:
        return len(s)


class ReportsCrashes:
    """For the app class: remembers the exception Textual is about to show as a crash."""

    crash: BaseException | None = None

    def bell(self) -> None:
        error = sys.exc_info()[1]
        if error is not None and self.crash is None:
            self.crash = error
        super().bell()  # type: ignore[misc]


def run_reporting_crashes(app: Any, data_dir: Path | str, **run_options: Any) -> Any:
    """`app.run()`, with Textual's crash screen kept off the terminal; after a crash, a redacted
    report in the data dir and one sentence on stderr saying where it is."""
    if os.environ.get("KAPSESSION_DEBUG"):
        return app.run(**run_options)
    app.error_console = Console(file=_Nowhere(), markup=False, highlight=False)
    try:
        result = app.run(**run_options)
    except Exception as error:
        _tell(write_report(error, data_dir, where="the screens"))
        app.crash = error
        return 1
    if app.return_code:
        crash = getattr(app, "crash", None)
        if crash is None:
            _tell(None, "Textual gave no details to report")
        else:
            _tell(write_report(crash, data_dir, where="the screens"))
    return result


def _tell(report: Path | None, instead: str | None = None) -> None:
    print(
        f"kapsession: the screens stopped on a fault in the program; every entry made before it was "
        f"saved; {instead or crash_sentence(report)}",
        file=sys.stderr,
    )
