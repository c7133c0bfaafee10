"""The command line: argument parsing; each subcommand is a thin call into the core and the store.

Output rules: results on stdout, one clear sentence on stderr for anything refused, exit 2 for bad
usage or input (nothing recorded), 1 for a store that cannot be used. Never a traceback, unless
KAPSESSION_DEBUG=1. Textual is imported only by the subcommands that open a screen.

Other packages add subcommands through `register(subparsers)` in the modules listed in
EXTENSIONS, so each feature keeps its command line beside its code.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from kapsession import __version__
from kapsession.core.errors import InputError, KapsessionError, NotFoundError, PresetError, StoreError

if TYPE_CHECKING:
    from kapsession.core.preset_library import PresetLibrary
    from kapsession.store import EventStore

EXTENSIONS = (
    "kapsession.summary.command_line",
    "kapsession.practice_command_line",
    "kapsession.course.command_line",
    "kapsession.store.command_line",
)


class UsageError(KapsessionError):
    pass


class Parser(argparse.ArgumentParser):
    """argparse, but its complaints are one sentence and exit 2 like every other refusal."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        _say(message)  # it may quote what was typed
        raise SystemExit(2)


def _parser_type() -> type[argparse.ArgumentParser]:
    return Parser


def print_visible(text: str, file: Any = None) -> None:
    """`print`, with every character the text rule refuses written out as an escape: text from an
    older record, a preset or a typed argument never repaints or retitles the terminal."""
    from kapsession.core.text_rule import visible

    print(visible(text), file=file)


def _json(document: object) -> str:
    import json

    from kapsession.core.text_rule import json_visible

    return json_visible(json.dumps(document, indent=2, ensure_ascii=False))


class Context:
    """What a command works with: its arguments, and the store and presets, opened when first asked."""

    def __init__(
        self,
        args: argparse.Namespace,
        _store: EventStore | None = None,
        _library: PresetLibrary | None = None,
        out: Callable[[str], None] = print_visible,
    ) -> None:
        self.args = args
        self._store = _store
        self._library = _library
        self.out = out

    @property
    def data_dir(self) -> Path:
        from kapsession import locations

        return locations.data_dir(getattr(self.args, "data_dir", None))

    def store(self) -> EventStore:
        if self._store is None:
            from kapsession.store.factory import open_store
            from kapsession.store.passphrase import ask_on_terminal

            # PostgreSQL when --database or $KAPSESSION_DATABASE_URL names one, else SQLite.
            database = getattr(self.args, "database", None)
            self._store = open_store(self.data_dir, database, ask=ask_on_terminal)  # (asked only if encrypted)
        return self._store

    def library(self) -> PresetLibrary:
        if self._library is None:
            from kapsession.presets import default_library

            self._library = default_library()
        return self._library

    def open_log(self, session_text: str, clock=None):
        from kapsession.store.session_log import SessionLog

        store = self.store()
        session_id = store.resolve(session_text)
        preset_name = store.session(session_id).preset
        from kapsession.presets import find_preset

        return SessionLog(store, session_id, find_preset(preset_name, self._library), clock, clinician=self.clinician())

    def clinician(self) -> str | None:
        """Whose entries these are (`--clinician`, KAPSESSION_CLINICIAN, the settings), checked
        before anything is recorded."""
        from kapsession.settings import clinician_here, load_settings

        return clinician_here(getattr(self.args, "clinician", None), load_settings())

    def close(self) -> None:
        if self._store is not None:
            self._store.close()


# -- presets ------------------------------------------------------------------------------------


def cmd_presets(ctx: Context) -> int:
    if getattr(ctx.args, "presets_action", None) == "check":
        from kapsession.core.protocol import load_preset_file

        load_preset_file(Path(ctx.args.file))
        ctx.out("ok")
        return 0
    library = ctx.library()
    for problem in library.problems:
        _say(f"skipped a broken preset: {problem}")
    width = max((len(name) for name in library.presets), default=10)
    for name in sorted(library.presets):
        preset = library.presets[name]
        ctx.out(f"{name:<{width}}  {preset.route:<13}  {preset.planned_total_minutes:>4} min  {preset.title}")
    return 0


# -- sessions -----------------------------------------------------------------------------------


def cmd_new(ctx: Context) -> int:
    from kapsession.core import commands, text_rule
    from kapsession.core.clock import SystemClock
    from kapsession.course.command_line import client_for_new_session
    from kapsession.private_text import text_or_stdin
    from kapsession.settings import load_settings
    from kapsession.store.event_store import series_so_far

    args = ctx.args
    # Checked before the store looks the client's series up by name.
    client_text = text_rule.cleaned(text_or_stdin(args.client, text_rule.CLIENT_NAME), text_rule.CLIENT_NAME)
    preset = ctx.library().get(args.preset)
    store = ctx.store()
    client = client_for_new_session(store, client_text, new_client=args.new_client)
    started = commands.session_start(SystemClock().now(), args.started_at)
    series_length = args.series_length or client.planned_sessions or load_settings().series_length
    clinician = ctx.clinician()

    def opened(history: list) -> Any:  # the client's series, counted under the write lock
        number, last_dose = series_so_far(history)
        return commands.open_session(
            by=clinician,
            client_name=client.name,
            preset=preset,
            now=started,
            weight_kg=args.weight_kg,
            planned_dose_mg=args.dose_mg,
            series_number=number,
            previous_dose_mg=last_dose,
            series_length=series_length,
        )

    session_id, _ = store.create_session_checked(
        client.name, opened, client_id=client.client_id, new_client=args.new_client
    )
    if args.no_open:
        ctx.out(session_id)
        return 0
    return _open_screen(ctx, session_id)


def cmd_sessions(ctx: Context) -> int:
    practice = True if ctx.args.practice else (None if ctx.args.all else False)
    rows = ctx.store().list_sessions(practice=practice)
    if ctx.args.json:
        ctx.out(
            _json(
                [
                    {
                        "id": r.id,
                        "client": r.client_name,
                        "preset": r.preset,
                        "series_number": r.series_number,
                        "practice": r.practice,
                        "created_at": r.created_at.isoformat(),
                        "started_at": r.started_at.isoformat() if r.started_at else None,
                        "state": r.state,
                    }
                    for r in rows
                ]
            )
        )
        return 0
    if not rows:
        if practice:
            ctx.out("No practice sessions yet. Rehearse a protocol with: kapsession practice")
        else:
            ctx.out("No sessions yet. Create one with: kapsession new --client NAME --preset NAME --no-open")
        return 0
    for row in rows:
        when = (row.started_at or row.created_at).astimezone()
        mark = "  PRACTICE" if row.practice else ""
        ctx.out(f"{row.id}  {when:%Y-%m-%d %H:%M}  {row.client_name[:24]:<24}  {row.preset:<22}  {row.state}{mark}")
    return 0


def cmd_add(ctx: Context) -> int:
    from kapsession.core import commands
    from kapsession.core.entries import entry_seq
    from kapsession.private_text import STDIN_TEXT_FIELDS, text_or_stdin

    args = ctx.args
    what = args.what
    # `-` for the text: read from standard input before the store is opened.
    private_text = (
        text_or_stdin(args.reason if what == "strike" else args.text, STDIN_TEXT_FIELDS[what])
        if what in STDIN_TEXT_FIELDS and what != "close"
        else None
    )
    close_reasons = (
        [text_or_stdin(reason, STDIN_TEXT_FIELDS[what]) or "" for reason in args.reason or []]
        if what == "close"
        else []
    )
    log = ctx.open_log(args.id)
    from kapsession import clinical_entries

    # Entries made of more than one event (a pre-dose decision and its dose) are built on the
    # state first; each is checked again by the store's rules as it is written.
    events = clinical_entries.events_for(args, log.state(), log.now())
    if events is not None:
        return _record_and_say(ctx, log, events)

    def command(state: Any) -> Any:
        """The entry, decided inside the store's write transaction on the session as it is then
        (another terminal may be writing to it too); `state.now` is that moment."""
        now = state.now
        if what == "vitals":
            return commands.record_vitals(state, " ".join(args.reading), now, args.at)
        if what == "note":
            started = commands.entry_time(state, now, args.at)
            return commands.write_note(state, private_text or "", started, kind=args.kind, shareable=args.shareable)
        if what == "scale":
            return commands.rate_scale(state, args.scale, args.value, now, args.at)
        if what == "phase":
            return commands.start_phase(state, args.phase, now, args.at)
        if what == "intention":
            return commands.set_intention(state, private_text or "", now, args.at)
        if what == "card":
            return commands.draw_card(state, now, at_text=args.at)
        if what == "tick":
            return commands.tick_item(state, args.checklist, " ".join(args.item), now)
        if what == "ack":
            return commands.acknowledge(state, now, args.key)
        if what == "alert":
            return commands.raise_alert(state, private_text or "", now)
        if what == "strike":
            return commands.strike(state, entry_seq(state, args.number), private_text or "", now)
        if what == "next-session":
            return commands.set_next_session(state, " ".join(args.when), now)
        if what == "share":
            return commands.set_note_visibility(state, entry_seq(state, args.number), not args.private, now)
        if what == "close":
            return clinical_entries.close_with_reasons(state, now, close_reasons)
        raise UsageError(f"unknown entry kind {what}")  # pragma: no cover - argparse restricts the choices

    return _record_and_say(ctx, log, [command])


def _record_and_say(ctx: Context, log: Any, entries: list[Any]) -> int:
    """Record each entry (an event, or a command decided inside the store's write transaction)
    and say what was recorded, with its number in the session."""
    from kapsession.core.entries import entry_number
    from kapsession.core.timeline import describe
    from kapsession.core.timeparse import format_local

    for entry in entries:
        stored = log.record(entry)
        after = log.state()
        label, text = describe(stored, after)
        ctx.out(f"recorded #{entry_number(after, stored.seq)} at {format_local(stored.at)}: {label} {text}")
    return 0


def cmd_show(ctx: Context) -> int:
    from kapsession.core.timeline import render_text

    log = ctx.open_log(ctx.args.id)
    ctx.out(render_text(log.state(), log.session_id).rstrip("\n"))
    return 0


EXPORT_SCHEMA_VERSION = 1


def cmd_export(ctx: Context) -> int:
    from kapsession.core.events import as_dict
    from kapsession.store.schema import SCHEMA_VERSION

    target = None
    if ctx.args.output is not None:
        from kapsession.private_files import check_output_path

        target = check_output_path(ctx.args.output, data_dir=ctx.data_dir, force=ctx.args.force)
    log = ctx.open_log(ctx.args.id)
    row = ctx.store().session(log.session_id)
    document = {
        "kapsession_export": EXPORT_SCHEMA_VERSION,
        "store_schema": SCHEMA_VERSION,
        "session": {
            "id": log.session_id,
            "client": row.client_name,
            "preset": row.preset,
            "series_number": row.series_number,
            "practice": row.practice,
        },
        "events": [as_dict(event) for event in log.events],
    }
    text = _json(document)
    if target is not None:
        from kapsession.private_files import write_private

        write_private(target, text.encode("utf-8"))
        print_visible(f"wrote {ctx.args.output}", file=sys.stderr)
    else:
        ctx.out(text)
    return 0


def cmd_locate(ctx: Context) -> int:
    from kapsession import locations

    rows = [
        ("data", ctx.data_dir),
        ("database", ctx.data_dir / locations.DATABASE_NAME),
        ("config", locations.config_dir()),
        ("settings", locations.settings_path()),
        ("presets (built-in)", locations.builtin_presets_dir()),
        ("presets (yours)", locations.user_presets_dir()),
        ("scenarios (built-in)", locations.builtin_scenarios_dir()),
        ("scenarios (yours)", locations.user_scenarios_dir()),
        ("themes (built-in)", locations.builtin_themes_dir()),
        ("themes (yours)", locations.user_themes_dir()),
        ("theme cache", locations.theme_cache_path()),
    ]
    for name, path in rows:
        ctx.out(f"{name + ':':<22} {path}")
    return 0


# -- screens ------------------------------------------------------------------------------------


def _open_screen(ctx: Context, session_id: str | None = None, resume: bool = False) -> int:
    # The store the command opened goes on to the screens (an encrypted one's passphrase was
    # asked for once; a PostgreSQL one is opened here, so the screens use it); `main` closes it
    # when the app is done.
    from kapsession.store.factory import database_url
    from kapsession.tui.app import run_app

    if ctx._store is None and database_url(getattr(ctx.args, "database", None)):
        ctx.store()
    return run_app(
        data_dir=ctx.data_dir, session_id=session_id, theme=getattr(ctx.args, "theme", None), store=ctx._store
    )


def cmd_home(ctx: Context) -> int:
    return _open_screen(ctx)


def cmd_resume(ctx: Context) -> int:
    store = ctx.store()
    if ctx.args.id:
        session_id = store.resolve(ctx.args.id)
    else:
        # Without an id, a real session: a rehearsal is resumed by naming it (or from home). The
        # interrupted one first, then the one left open on purpose, then the newest unfinished.
        interrupted, left_open = store.sessions_off_screen()
        candidates = (
            [row for row in interrupted if not row.practice]
            or [row for row in left_open if not row.practice]
            or [row for row in store.list_sessions(practice=False) if not row.closed_at]
        )
        if not candidates:
            raise NotFoundError("there is no unfinished session to resume; `kapsession sessions` lists them all")
        session_id = candidates[0].id
    return _open_screen(ctx, session_id)


# -- parser -------------------------------------------------------------------------------------


def _series_length(text: str) -> int:
    if not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= 50:
        import argparse  # already loaded: only argparse calls this

        raise argparse.ArgumentTypeError(f"'{text}' is not a series length: accepted 1-50")
    return int(text)


# Every --at, and `new --started-at`: the forms a typed time may take.
AT_FORMS = "also 10.42pm, -5m, '5 min ago' or an ISO time"
AT_HELP = "when it happened, if not now (up to four hours before the session was written), e.g. 10:42; " + AT_FORMS

CORE_COMMANDS = ("presets", "new", "sessions", "add", "show", "export", "resume", "locate")


def command_word(argv: Sequence[str]) -> str | None:
    """The command a command line asks for ("" for none: the home screen), or None when that
    cannot be told without the whole parser (help asked for, an option it does not know)."""
    index = 0
    while index < len(argv):
        token = argv[index]
        if token in ("--data-dir", "--theme", "--clinician", "--database"):
            index += 2
            continue
        if token.startswith(("--data-dir=", "--theme=", "--clinician=", "--database=")):
            index += 1
            continue
        if token.startswith("-"):
            return None  # --help, --version, a typo: the whole parser answers
        return token
    return ""


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The whole parser, or (with `command`, from `command_word`) only the part that command
    needs: a bare launch builds no subcommand at all."""

    def wanted(name: str) -> bool:
        return command is None or command == name

    parser_type = _parser_type()
    parser = parser_type(
        prog="kapsession", description="A quiet companion for KAP sessions. With no command, opens the home screen."
    )
    parser.add_argument("--version", action="version", version=f"kapsession {__version__}")
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        help="where sessions are stored, e.g. ~/kap-data (default: $KAPSESSION_DATA_DIR, else the user data dir)",
    )
    parser.add_argument(
        "--database",
        metavar="URL",
        help="a clinic's PostgreSQL server instead of the SQLite file in the data dir, "
        "e.g. postgresql://me@db.clinic.example/kapsession (default: $KAPSESSION_DATABASE_URL)",
    )
    parser.add_argument(
        "--theme",
        metavar="NAME",
        help="theme for the screens (remembered): dim-room, calm-dark, "
        "daylight, high-contrast or one of yours, e.g. daylight",
    )
    parser.add_argument(
        "--clinician",
        metavar="INITIALS",
        help="who is recording, stamped on every entry this command makes, e.g. RM "
        "(default: $KAPSESSION_CLINICIAN, else the settings)",
    )
    parser.set_defaults(func=cmd_home)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=parser_type)

    if wanted("presets"):
        presets = sub.add_parser(
            "presets",
            help="list protocol presets, or check a preset file",
            description="With no action, lists every preset (built-in and yours): name, "
            "route, planned minutes and title. `presets check FILE` validates one file.",
        )
        presets.set_defaults(func=cmd_presets)
        presets_sub = presets.add_subparsers(dest="presets_action", metavar="ACTION", parser_class=parser_type)
        check = presets_sub.add_parser("check", help="validate one preset file: prints ok or the problem")
        check.add_argument("file", help="a preset TOML file, e.g. ~/my-preset.toml")

    if wanted("new"):
        new = sub.add_parser("new", help="create a session (and open it, unless --no-open)")
        new.add_argument(
            "--client",
            required=True,
            help='a client\'s id, e.g. c-7k3ab, or their display name or initials, e.g. "A.B."; '
            "- reads it from standard input",
        )
        new.add_argument(
            "--new-client", action="store_true", help="a new client even if one of that name is already recorded"
        )
        new.add_argument(
            "--preset",
            required=True,
            help="a protocol preset's name (`kapsession presets` lists them), e.g. sublingual-troche",
        )
        new.add_argument("--weight-kg", metavar="N", help="the client's weight in kg, 20-350, e.g. 70")
        new.add_argument("--dose-mg", metavar="N", help="the planned dose in mg, up to the preset's maximum, e.g. 200")
        new.add_argument(
            "--series-length",
            type=_series_length,
            metavar="N",
            help="sessions planned in the series, 1-50, e.g. 6 (default: from the settings)",
        )
        new.add_argument(
            "--started-at",
            metavar="TIME",
            help="when the session began, if before now (up to four hours back), e.g. 10:05; " + AT_FORMS,
        )
        new.add_argument("--no-open", action="store_true", help="only create it and print its id (no screen)")
        new.set_defaults(func=cmd_new)

    if wanted("sessions"):
        sessions = sub.add_parser("sessions", help="list sessions, newest first")
        sessions.add_argument(
            "--json",
            action="store_true",
            help="print a JSON list (id, client, preset, series number, practice, times, state)",
        )
        group = sessions.add_mutually_exclusive_group()
        group.add_argument("--practice", action="store_true", help="practice sessions only")
        group.add_argument("--all", action="store_true", help="real and practice sessions")
        sessions.set_defaults(func=cmd_sessions)

    if wanted("add"):
        add = sub.add_parser("add", help="append one entry to a session")
        add.add_argument("id", help="session id, e.g. jzmcdg (`kapsession sessions` lists them)")
        kinds = add.add_subparsers(dest="what", metavar="KIND", required=True, parser_class=parser_type)
        vitals = kinds.add_parser("vitals", help="e.g. 128/84 76 98, or 128/84 hr 76 spo2 98 rr 14")
        vitals.add_argument(
            "reading",
            nargs="+",
            help="BP HR SpO2 [RR] [temp] in that order, e.g. 128/84 76 98, or named, e.g. "
            "128/84 hr 76 spo2 98 rr 14 temp 36.8; may end with @10:42 to backdate",
        )
        vitals.add_argument("--at", metavar="TIME", help=AT_HELP)
        note = kinds.add_parser("note", help="a timestamped note (private unless --shareable)")
        note.add_argument(
            "text",
            nargs="+",
            help='the note as written, e.g. "resting, eyes closed"; - alone reads it from standard input',
        )
        note.add_argument("--shareable", action="store_true", help="may appear in the client summary")
        note.add_argument(
            "--kind",
            default="observation",
            choices=["observation", "client-words", "intervention", "side-effect", "other"],
            help="what the note is (default observation), e.g. --kind client-words",
        )
        note.add_argument("--at", metavar="TIME", help=AT_HELP)
        from kapsession import clinical_entries  # dose, infusion, med, adverse, screen, ...

        clinical_entries.register(kinds, parser_type, AT_HELP)
        scale = kinds.add_parser("scale", help="moaas 0-5, dissociation 0-10, nausea 0-10, aldrete 0-10")
        scale.add_argument("scale", help="moaas, dissociation, nausea or aldrete, e.g. moaas")
        scale.add_argument("value", help="moaas 0-5, dissociation, nausea and aldrete 0-10, e.g. 4")
        scale.add_argument("--at", metavar="TIME", help=AT_HELP)
        phase = kinds.add_parser("phase", help="start a phase: a name or `next`")
        phase.add_argument(
            "phase", help="next, or intake, intention, dose-onset, peak, recovery or integration, e.g. peak"
        )
        phase.add_argument("--at", metavar="TIME", help=AT_HELP)
        intention = kinds.add_parser("intention", help="the client's intention in their own words")
        intention.add_argument(
            "text",
            nargs="+",
            help='their words, e.g. "to be gentler with myself"; - alone reads it from standard input',
        )
        intention.add_argument("--at", metavar="TIME", help=AT_HELP)
        card = kinds.add_parser("card", help="draw an intention card")
        card.add_argument("--at", metavar="TIME", help=AT_HELP)
        tick = kinds.add_parser("tick", help="tick a checklist item (number or text)")
        tick.add_argument("checklist", choices=["intake", "discharge"], help="intake or discharge, e.g. discharge")
        tick.add_argument("item", nargs="+", help="the item's number, e.g. 1, or the start of its text, e.g. Alert")
        ack = kinds.add_parser("ack", help="acknowledge the top open alert (or one by key)")
        ack.add_argument(
            "key",
            nargs="?",
            help="an open alert's key, as `kapsession export` lists it, "
            "e.g. manual:1765100000 (default: the top open alert)",
        )
        alert = kinds.add_parser("alert", help="raise an alert on the live screen")
        alert.add_argument(
            "text",
            nargs="+",
            help='what is wrong, in a few words, e.g. "client feels faint"; - alone reads it from standard input',
        )
        strike_parser = kinds.add_parser("strike", help="strike an entry as entered in error")
        strike_parser.add_argument(
            "number", type=int, metavar="N", help="the entry's number as `kapsession show` prints it, e.g. 7"
        )
        strike_parser.add_argument(
            "--reason", required=True, help='why, e.g. "entered in error: wrong client"; - reads it from standard input'
        )
        share = kinds.add_parser("share", help="make a note shareable (or --private)")
        share.add_argument(
            "number", type=int, metavar="N", help="the note's number as `kapsession show` prints it, e.g. 5"
        )
        share.add_argument("--private", action="store_true", help="make it private again instead")
        next_session = kinds.add_parser("next-session", help="e.g. 'in 3 days', '2026-12-03 10:00'")
        next_session.add_argument(
            "when",
            nargs="+",
            help='in N days or weeks [at a time], or a date and time, e.g. "in 1 week at 10:00" or 2026-12-03 10:00',
        )
        close = kinds.add_parser("close", help="close the session (discharge)")
        close.add_argument(
            "--reason",
            action="append",
            help="a reason for a discharge criterion not met, recorded with the close (each alarm must be "
            'acknowledged first, with `ack`): "CRITERION: why" for one (observation, sedation, aldrete, '
            'vitals, item N or the start of a checklist item), or "why" alone for every one without its own; '
            'repeat it, e.g. --reason "aldrete: 8, walking steadily" --reason "client well, left with carer"; '
            "- reads one from standard input",
        )
        from kapsession.course.command_line import register_add_kinds

        register_add_kinds(kinds)  # phq9, gad7, safety-check
        add.set_defaults(func=cmd_add)

    if wanted("show"):
        show = sub.add_parser("show", help="print a session as a readable timeline")
        show.add_argument("id", help="session id, e.g. jzmcdg")
        show.set_defaults(func=cmd_show)

    if wanted("export"):
        export = sub.add_parser("export", help="the complete record as JSON")
        export.add_argument("id", help="session id, e.g. jzmcdg")
        export.add_argument(
            "--format", choices=["json"], default="json", help="json (the only one), e.g. --format json"
        )
        export.add_argument(
            "-o",
            "--output",
            metavar="FILE",
            help="file to write, outside the data folder (default: stdout), e.g. -o session.json",
        )
        export.add_argument("--force", action="store_true", help="with -o: replace a file that exists")
        export.set_defaults(func=cmd_export)

    if wanted("resume"):
        resume = sub.add_parser(
            "resume", help="open a session on the live screen (default: the interrupted one, else the one left open)"
        )
        resume.add_argument(
            "id",
            nargs="?",
            help="session id, e.g. jzmcdg (default: the interrupted session, else "
            "the one left open on purpose, else the latest unfinished one)",
        )
        resume.set_defaults(func=cmd_resume)

    if wanted("locate"):
        locate = sub.add_parser("locate", help="print the data, preset and theme paths")
        locate.set_defaults(func=cmd_locate)

    import importlib

    for module_name in EXTENSIONS if command is None or command not in ("", *CORE_COMMANDS) else ():
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as error:
            if error.name and module_name.startswith(error.name):
                continue  # that feature is not installed in this build
            raise
        module.register(sub)
    if command and command not in sub.choices:
        return build_parser()  # an unknown command: the error lists every one there is
    return parser


_NEGATIVE_TIME = re.compile(r"^-\s*\d")


def join_option_values(argv: Sequence[str]) -> list[str]:
    """`--at -5m` -> `--at=-5m` (and `--started-at`): argparse takes a value starting with '-' for an option, so a time
    given as minutes ago would otherwise be refused. Nothing after a bare `--` is touched."""
    joined: list[str] = []
    index = 0
    while index < len(argv):
        token = argv[index]
        if token == "--":
            joined.extend(argv[index:])
            break
        if token in ("--at", "--started-at") and index + 1 < len(argv) and _NEGATIVE_TIME.match(argv[index + 1]):
            joined.append(f"{token}={argv[index + 1]}")
            index += 2
            continue
        joined.append(token)
        index += 1
    return joined


def _say(error: BaseException | str) -> None:
    """A refusal on stderr; a sentence may quote what was typed, so it is made visible first."""
    from kapsession.core.text_rule import visible

    print(f"kapsession: {visible(str(error))}", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    words = join_option_values(sys.argv[1:] if argv is None else list(argv))
    args = build_parser(command_word(words)).parse_args(words)
    ctx = Context(args)
    try:
        return int(args.func(ctx) or 0)
    except (InputError, NotFoundError, PresetError, UsageError) as error:
        _say(error)
        return 2
    except StoreError as error:
        _say(error)
        return 1
    except KeyboardInterrupt:
        return 130
    except Exception as error:
        if os.environ.get("KAPSESSION_DEBUG"):
            raise
        from kapsession.crash_report import crash_sentence, write_report

        report = write_report(error, ctx.data_dir)
        print(
            f"kapsession: an unexpected {type(error).__name__} stopped this command; nothing beyond "
            f"what was printed was recorded; {crash_sentence(report)} (set KAPSESSION_DEBUG=1 to see "
            "details)",
            file=sys.stderr,
        )
        return 1
    finally:
        ctx.close()


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
