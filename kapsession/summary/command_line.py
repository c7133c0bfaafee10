"""`kapsession summary` and `kapsession record`: registered by kapsession.cli through `register`.

    kapsession summary ID [--format md|html|pdf] [-o FILE] [--paper a4|letter] [--include-clinical] [--print]
    kapsession record ID [--format md|pdf] [-o FILE] [--paper a4|letter] [--print]

Without -o, Markdown and HTML are printed on stdout and a PDF is written to the exports folder of
the data directory (its path is printed). Files are created 0600 through a temporary file and a
rename. `--print` sends the PDF (rendered for the purpose if another format was asked for) to `lp`.
Anything that cannot be done is one sentence on stderr and a non-zero exit.
"""

from __future__ import annotations

import argparse
import gc
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

EXIT_FAILED = 1


def register(subparsers: Any) -> None:
    summary = subparsers.add_parser(
        "summary", help="the client summary (only shareable notes): Markdown, HTML or PDF",
        description="The calm take-home summary for the client. Only notes marked shareable are included; "
                    "vitals and doses only with --include-clinical.")
    summary.add_argument("id", help="session id")
    summary.add_argument("--format", choices=["md", "html", "pdf"], default="pdf", help="default: pdf")
    summary.add_argument("-o", "--output", metavar="FILE",
                         help="file to write (default: stdout for md/html, the exports folder for pdf)")
    summary.add_argument("--paper", choices=["a4", "letter"], help="page size (default: from settings)")
    summary.add_argument("--include-clinical", action="store_true",
                         help="add the vitals and dose figures (a small chart and table)")
    summary.add_argument("--print", action="store_true", dest="send_to_printer",
                         help="send the PDF to the default printer with lp")
    summary.set_defaults(func=cmd_summary)

    record = subparsers.add_parser(
        "record", help="the clinical session record (therapist only, private notes included): Markdown or PDF",
        description="Every event of the session for the chart: doses, vitals, scales, alerts, all notes "
                    "(private ones marked), checklists, discharge; the esketamine monitoring form.")
    record.add_argument("id", help="session id")
    record.add_argument("--format", choices=["md", "pdf"], default="pdf", help="default: pdf")
    record.add_argument("-o", "--output", metavar="FILE",
                        help="file to write (default: stdout for md, the exports folder for pdf)")
    record.add_argument("--paper", choices=["a4", "letter"], help="page size (default: from settings)")
    record.add_argument("--print", action="store_true", dest="send_to_printer",
                        help="send the PDF to the default printer with lp")
    record.set_defaults(func=cmd_record)


def _fail(message: str) -> int:
    print(f"kapsession: {message}", file=sys.stderr)
    return EXIT_FAILED


def _deliver(ctx: Any, args: argparse.Namespace, *, kind: str, session_id: str, day: str,
             render: Any) -> int:
    """Render, write and/or print. `render(fmt)` returns bytes or raises RenderError."""
    from kapsession.summary.files import PrintError, default_export_path, printer_command, send_to_printer, write_export
    from kapsession.summary.pdf import RenderError

    fmt = args.format
    if args.send_to_printer and printer_command() is None and not args.output and fmt != "pdf":
        return _fail("there is no printer command (lp) on this computer, so nothing was printed; "
                     f"save a PDF with `kapsession {kind} {session_id} --format pdf -o FILE` and print it from there")
    try:
        data = render(fmt)
    except RenderError as error:
        return _fail(str(error))
    written: Path | None = None
    if args.output is not None:
        written = write_export(Path(args.output), data)
    elif fmt == "pdf":
        written = write_export(default_export_path(ctx.data_dir, session_id, day, kind, fmt), data, make_folder=True)
    elif not args.send_to_printer:
        sys.stdout.write(data.decode("utf-8"))
        sys.stdout.flush()
    if written is not None:
        ctx.out(str(written))
    if args.send_to_printer:
        try:
            pdf = data if fmt == "pdf" else render("pdf")
        except RenderError as error:
            return _fail(str(error))
        try:
            answer = send_to_printer(pdf, title=f"kapsession {kind}")
        except PrintError as error:
            where = f"; the file is at {written}" if written else ""
            return _fail(f"{error}{where}")
        print(f"kapsession: printed: {answer}", file=sys.stderr)
    return 0


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """The cyclic garbage collector paused for one command (and restored after it).

    These commands import most of the core, msgspec and typst, read a session and render it:
    hundreds of thousands of long-lived objects and almost no cyclic garbage, yet every few
    hundred allocations the collector walks them (about 10 ms of the summary command). Reference
    counting still frees everything as usual.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def cmd_summary(ctx: Any) -> int:
    with _no_cycle_collection():
        from kapsession.summary.export import session_day, summary_bytes
        from kapsession.summary.model import summary_for

        args = ctx.args
        log = ctx.open_log(args.id)
        state = log.state()

        def render(fmt: str) -> bytes:
            summary = summary_for(state, include_clinical_figures=args.include_clinical, paper=args.paper)
            return summary_bytes(summary, fmt)

        return _deliver(ctx, args, kind="summary", session_id=log.session_id, day=session_day(state), render=render)


def cmd_record(ctx: Any) -> int:
    with _no_cycle_collection():
        from kapsession.summary.export import record_bytes, session_day
        from kapsession.summary.record import record_for

        args = ctx.args
        log = ctx.open_log(args.id)
        state = log.state()

        def render(fmt: str) -> bytes:
            return record_bytes(record_for(state, log.session_id, paper=args.paper), fmt)

        return _deliver(ctx, args, kind="record", session_id=log.session_id, day=session_day(state), render=render)
