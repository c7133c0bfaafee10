"""`kapsession summary` and `kapsession record`: registered by kapsession.cli through `register`.

    kapsession summary ID [--format md|html|pdf] [-o FILE] [--paper a4|letter] [--include-clinical] [--print]
    kapsession record ID [--format md|pdf] [-o FILE] [--paper a4|letter] [--print]

Without -o, Markdown and HTML are printed on stdout and a PDF is written to the exports folder of
the data directory (its path is printed). Files are created 0600 through a temporary file and a
rename. `--print` sends the PDF (rendered for the purpose if another format was asked for) to `lp`.
Anything that cannot be done is one sentence on stderr and a non-zero exit.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

EXIT_FAILED = 1


class Option:
    """One option of `summary` or `record`: `register` hands it to argparse, and `_deliver`
    reads the formats each command accepts from the same definition."""

    __slots__ = ("flags", "dest", "help", "choices", "default", "metavar", "switch")

    def __init__(
        self,
        *flags: str,
        dest: str,
        help: str,
        choices: tuple[str, ...] | None = None,
        default: str | None = None,
        metavar: str | None = None,
        switch: bool = False,
    ) -> None:
        self.flags, self.dest, self.help = flags, dest, help
        self.choices, self.default, self.metavar, self.switch = choices, default, metavar, switch

    def add_to(self, parser: Any) -> None:
        if self.switch:
            parser.add_argument(*self.flags, action="store_true", dest=self.dest, help=self.help)
        else:
            parser.add_argument(
                *self.flags,
                dest=self.dest,
                help=self.help,
                default=self.default,
                metavar=self.metavar,
                choices=list(self.choices) if self.choices else None,
            )


SUMMARY_OPTIONS = (
    Option(
        "--format",
        dest="format",
        choices=("md", "html", "pdf"),
        help="md, html or pdf, e.g. --format md (default: from the -o file's extension, else pdf)",
    ),
    Option(
        "-o",
        "--output",
        dest="output",
        metavar="FILE",
        help="file to write, its extension choosing the format, e.g. -o summary.html "
        "(default: stdout for md/html, the exports folder for pdf)",
    ),
    Option(
        "--paper",
        dest="paper",
        choices=("a4", "letter"),
        help="a4 or letter, e.g. --paper letter (default: from settings)",
    ),
    Option(
        "--include-clinical",
        dest="include_clinical",
        switch=True,
        help="add the vitals and dose figures (a small chart and table)",
    ),
    Option("--print", dest="send_to_printer", switch=True, help="send the PDF to the default printer with CUPS' lp"),
    Option("--force", dest="force", switch=True, help="with -o: replace a file that exists"),
)
RECORD_OPTIONS = (
    Option(
        "--format",
        dest="format",
        choices=("md", "pdf"),
        help="md or pdf, e.g. --format md (default: from the -o file's extension, else pdf)",
    ),
    Option(
        "-o",
        "--output",
        dest="output",
        metavar="FILE",
        help="file to write, its extension choosing the format, e.g. -o record.md "
        "(default: stdout for md, the exports folder for pdf)",
    ),
    Option(
        "--paper",
        dest="paper",
        choices=("a4", "letter"),
        help="a4 or letter, e.g. --paper letter (default: from settings)",
    ),
    Option("--print", dest="send_to_printer", switch=True, help="send the PDF to the default printer with CUPS' lp"),
    Option("--force", dest="force", switch=True, help="with -o: replace a file that exists"),
)

# What a file name's extension says about the format written into it.
FORMAT_EXTENSIONS = {".md": "md", ".markdown": "md", ".html": "html", ".htm": "html", ".pdf": "pdf"}


def output_format(kind: str, asked: str | None, output: str | None, formats: tuple[str, ...]) -> str:
    """The format to write: `--format` if given, else the one the `-o` file's extension names,
    else (no -o, or a name without an extension) pdf. A contradiction (`-o s.html --format pdf`),
    an extension naming a format this command does not write, or naming none, is one sentence
    (an InputError: exit 2, nothing written)."""
    from kapsession.core.errors import InputError

    suffix = Path(output).suffix.lower() if output else ""
    named = FORMAT_EXTENSIONS.get(suffix)
    accepted = ", ".join(formats[:-1]) + " or " + formats[-1]
    if asked is not None:
        if named is not None and named != asked:
            raise InputError(
                f"{output} is named as {named.upper()} but --format asks for {asked}; "
                f"drop --format or name the file .{asked}"
            )
        return asked
    if named is None:
        if suffix:
            raise InputError(
                f"{output} ends in {suffix}, which names no format: name the file "
                + " or ".join(f".{fmt}" for fmt in formats)
                + ", or give --format"
            )
        return "pdf"
    if named not in formats:
        raise InputError(f"the {kind} is not written as {named.upper()} ({output}): accepted {accepted}")
    return named


def register(subparsers: Any) -> None:
    summary = subparsers.add_parser(
        "summary",
        help="the client summary (only shareable notes): Markdown, HTML or PDF",
        description="The calm take-home summary for the client. Only notes marked shareable are included; "
        "vitals and doses only with --include-clinical.",
    )
    summary.add_argument("id", help="session id, e.g. jzmcdg (`kapsession sessions` lists them)")
    for option in SUMMARY_OPTIONS:
        option.add_to(summary)
    summary.set_defaults(func=cmd_summary)

    record = subparsers.add_parser(
        "record",
        help="the clinical session record (therapist only, private notes included): Markdown or PDF",
        description="Every event of the session for the chart: doses, vitals, scales, alerts, all notes "
        "(private ones marked), checklists, discharge; the esketamine monitoring form.",
    )
    record.add_argument("id", help="session id, e.g. jzmcdg (`kapsession sessions` lists them)")
    for option in RECORD_OPTIONS:
        option.add_to(record)
    record.set_defaults(func=cmd_record)


def _fail(message: str) -> int:
    from kapsession.core.text_rule import visible

    print(f"kapsession: {visible(message)}", file=sys.stderr)
    return EXIT_FAILED


def _deliver(ctx: Any, args: Any, *, kind: str, session_id: str, day: str, render: Any) -> int:
    """Render, write and/or print. `render(fmt)` returns bytes or raises RenderError."""
    from kapsession.summary.files import PrintError, default_export_path, printer_command, send_to_printer, write_export
    from kapsession.summary.pdf import RenderError

    target: Path | None = None
    if args.output is not None:
        from kapsession.private_files import check_output_path

        # First, before rendering: a path that may not be written is refused whatever the format.
        target = check_output_path(args.output, data_dir=ctx.data_dir, force=getattr(args, "force", False))
    formats = next(
        option.choices
        for option in (SUMMARY_OPTIONS if kind == "summary" else RECORD_OPTIONS)
        if option.dest == "format"
    )
    fmt = args.format = output_format(kind, args.format, args.output, formats)  # type: ignore[arg-type]
    if args.send_to_printer and printer_command() is None and not args.output and fmt != "pdf":
        return _fail(
            "there is no printer command (lp) on this computer, so nothing was printed; "
            f"save a PDF with `kapsession {kind} {session_id} --format pdf -o FILE` and print it from there"
        )
    try:
        data = render(fmt)
    except RenderError as error:
        return _fail(str(error))
    written: Path | None = None
    if target is not None:
        written = write_export(target, data)
    elif fmt == "pdf":
        written = write_export(default_export_path(ctx.data_dir, session_id, day, kind, fmt), data, make_folder=True)
    elif not args.send_to_printer:
        from kapsession.core.text_rule import visible  # the terminal gets no raw control character

        sys.stdout.write(visible(data.decode("utf-8")))
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


def cmd_summary(ctx: Any) -> int:
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
    from kapsession.summary.export import record_bytes, session_day
    from kapsession.summary.record import record_for

    args = ctx.args
    log = ctx.open_log(args.id)
    state = log.state()

    def render(fmt: str) -> bytes:
        return record_bytes(record_for(state, log.session_id, paper=args.paper, store=log.store), fmt)

    return _deliver(ctx, args, kind="record", session_id=log.session_id, day=session_day(state), render=render)
