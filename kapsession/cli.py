"""The command line: argument parsing; each subcommand is a thin call into the core and the store.

Output rules: results on stdout, one clear sentence on stderr for anything refused, exit 2 for bad
usage or input (nothing recorded), 1 for a store that cannot be used. Never a traceback, unless
KAPSESSION_DEBUG=1. Textual is imported only by the subcommands that open a screen.

Other packages add subcommands through `register(subparsers)` in the modules listed in
EXTENSIONS, so each feature keeps its command line beside its code. A plain `summary` or `record`
line is read without argparse (`quick_arguments`, from the same definition of the options).
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any, Callable, Sequence

from kapsession import __version__
from kapsession.core.errors import InputError, KapsessionError, NotFoundError, PresetError, StoreError

if TYPE_CHECKING:
    import argparse

# argparse, json and dataclasses are imported where used: a plain `summary` or `record` command
# line is read without argparse (see `quick_arguments`), and every import is paid by every PDF.

EXTENSIONS = ("kapsession.summary.command_line", "kapsession.practice.command_line")

# Commands whose plain command lines `quick_arguments` may read without argparse: the module
# that defines each one's arguments (once, for argparse and for the quick reading alike). The two
# that open a screen (no command: home; `resume`) are read here, beside their parser.
QUICK_COMMANDS = {"summary": "kapsession.summary.command_line", "record": "kapsession.summary.command_line"}


class UsageError(KapsessionError):
    pass


_parser_class: type[argparse.ArgumentParser] | None = None


def _parser_type() -> type[argparse.ArgumentParser]:
    """argparse, but its complaints are one sentence and exit 2 like every other refusal (the
    class is made on first use, so that a command line read without argparse never imports it)."""
    global _parser_class
    if _parser_class is None:
        import argparse

        class _Parser(argparse.ArgumentParser):
            def error(self, message: str) -> None:  # type: ignore[override]
                self.print_usage(sys.stderr)
                sys.stderr.write(f"kapsession: {message}\n")
                raise SystemExit(2)

        _parser_class = _Parser
    return _parser_class


class Context:
    """What a command works with: its arguments, and the store and presets, opened when first asked."""

    def __init__(self, args: argparse.Namespace, _store: object | None = None, _library: object | None = None,
                 out: Callable[[str], None] = print) -> None:
        self.args = args
        self._store = _store
        self._library = _library
        self.out = out

    @property
    def data_dir(self) -> Path:
        from kapsession import locations

        return locations.data_dir(getattr(self.args, "data_dir", None))

    def store(self):  # noqa: ANN201 - EventStore, imported lazily
        if self._store is None:
            from kapsession.store import EventStore

            self._store = EventStore(self.data_dir)
        return self._store

    def library(self):  # noqa: ANN201 - PresetLibrary
        if self._library is None:
            from kapsession.presets import default_library

            self._library = default_library()
        return self._library

    def open_log(self, session_text: str, clock=None):  # noqa: ANN001, ANN201 - SessionLog
        from kapsession.store.session_log import SessionLog

        store = self.store()
        session_id = store.resolve(session_text)
        preset_name = store.session(session_id).preset
        from kapsession.presets import find_preset

        return SessionLog(store, session_id, find_preset(preset_name, self._library), clock)

    def close(self) -> None:
        if self._store is not None:
            self._store.close()  # type: ignore[attr-defined]


# -- presets ------------------------------------------------------------------------------------

def cmd_presets(ctx: Context) -> int:
    if getattr(ctx.args, "presets_action", None) == "check":
        from kapsession.core.protocol import load_preset_file

        load_preset_file(Path(ctx.args.file))
        ctx.out("ok")
        return 0
    library = ctx.library()
    for problem in library.problems:
        print(f"kapsession: skipped a broken preset: {problem}", file=sys.stderr)
    width = max((len(name) for name in library.presets), default=10)
    for name in sorted(library.presets):
        preset = library.presets[name]
        ctx.out(f"{name:<{width}}  {preset.route:<13}  {preset.planned_total_minutes:>4} min  {preset.title}")
    return 0


# -- sessions -----------------------------------------------------------------------------------

def cmd_new(ctx: Context) -> int:
    from kapsession.core import commands
    from kapsession.core.clock import SystemClock
    from kapsession.settings import load_settings
    from kapsession.store.event_store import series_defaults

    args = ctx.args
    preset = ctx.library().get(args.preset)
    store = ctx.store()
    number, last_dose = series_defaults(store, args.client)
    started = commands.session_start(SystemClock().now(), args.started_at)
    opened = commands.open_session(
        client_name=args.client, preset=preset, now=started, weight_kg=args.weight_kg,
        planned_dose_mg=args.dose_mg, series_number=number, previous_dose_mg=last_dose,
        series_length=args.series_length or load_settings().series_length,
    )
    session_id, _ = store.create_session(opened)
    if args.no_open:
        ctx.out(session_id)
        return 0
    return _open_screen(ctx, session_id)


def cmd_sessions(ctx: Context) -> int:
    import json

    practice = True if ctx.args.practice else (None if ctx.args.all else False)
    rows = ctx.store().list_sessions(practice=practice)
    if ctx.args.json:
        ctx.out(json.dumps([
            {"id": r.id, "client": r.client_name, "preset": r.preset, "series_number": r.series_number,
             "practice": r.practice, "created_at": r.created_at.isoformat(),
             "started_at": r.started_at.isoformat() if r.started_at else None, "state": r.state}
            for r in rows
        ], indent=2, ensure_ascii=False))
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
    from kapsession.core.entries import entry_number, entry_seq

    args = ctx.args
    log = ctx.open_log(args.id)
    state = log.state()
    now = log.now()
    what = args.what
    if what == "vitals":
        event = commands.record_vitals(state, " ".join(args.reading), now, args.at)
    elif what == "note":
        started = commands.entry_time(state, now, args.at)
        event = commands.write_note(state, " ".join(args.text), started, kind=args.kind, shareable=args.shareable)
    elif what == "dose":
        event = commands.give_dose(state, args.mg, now, route=args.route, devices=args.devices,
                                   booster=args.booster, site=args.site, at_text=args.at)
    elif what == "scale":
        event = commands.rate_scale(state, args.scale, args.value, now, args.at)
    elif what == "phase":
        event = commands.start_phase(state, args.phase, now, args.at)
    elif what == "intention":
        event = commands.set_intention(state, " ".join(args.text), now, args.at)
    elif what == "card":
        event = commands.draw_card(state, now, at_text=args.at)
    elif what == "tick":
        event = commands.tick_item(state, args.checklist, " ".join(args.item), now)
    elif what == "ack":
        event = commands.acknowledge(state, now, args.key)
    elif what == "alert":
        event = commands.raise_alert(state, " ".join(args.text), now)
    elif what == "strike":
        event = commands.strike(state, entry_seq(state, args.number), args.reason, now)
    elif what == "next-session":
        event = commands.set_next_session(state, " ".join(args.when), now)
    elif what == "share":
        event = commands.set_note_visibility(state, entry_seq(state, args.number), not args.private, now)
    elif what == "close":
        event = commands.close_session(state, now, args.reason)
    else:  # pragma: no cover - argparse restricts the choices
        raise UsageError(f"unknown entry kind {what}")
    stored = log.record(event)
    from kapsession.core.timeline import describe
    from kapsession.core.timeparse import format_local

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
    import json

    from kapsession.core.events import as_dict
    from kapsession.store.schema import SCHEMA_VERSION

    log = ctx.open_log(ctx.args.id)
    row = ctx.store().session(log.session_id)
    document = {
        "kapsession_export": EXPORT_SCHEMA_VERSION,
        "store_schema": SCHEMA_VERSION,
        "session": {"id": log.session_id, "client": row.client_name, "preset": row.preset,
                    "series_number": row.series_number, "practice": row.practice},
        "events": [as_dict(event) for event in log.events],
    }
    text = json.dumps(document, indent=2, ensure_ascii=False)
    if ctx.args.output is not None:
        from kapsession.private_files import write_private

        write_private(Path(ctx.args.output), text.encode("utf-8"))
        print(f"wrote {ctx.args.output}", file=sys.stderr)
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
    from kapsession.tui.app import run_app

    ctx.close()
    return run_app(data_dir=ctx.data_dir, session_id=session_id, theme=getattr(ctx.args, "theme", None))


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
        candidates = ([row for row in interrupted if not row.practice]
                      or [row for row in left_open if not row.practice]
                      or [row for row in store.list_sessions(practice=False) if not row.closed_at])
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
AT_HELP = ("when it happened, if not now (up to four hours before the session was written), e.g. 10:42; "
           + AT_FORMS)

CORE_COMMANDS = ("presets", "new", "sessions", "add", "show", "export", "resume", "locate")


def command_word(argv: Sequence[str]) -> str | None:
    """The command a command line asks for ("" for none: the home screen), or None when that
    cannot be told without the whole parser (help asked for, an option it does not know)."""
    index = 0
    while index < len(argv):
        token = argv[index]
        if token in ("--data-dir", "--theme"):
            index += 2
            continue
        if token.startswith(("--data-dir=", "--theme=")):
            index += 1
            continue
        if token.startswith("-"):
            return None  # --help, --version, a typo: the whole parser answers
        return token
    return ""


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The whole parser, or (with `command`, from `command_word`) only the part that command
    needs: a bare launch builds no subcommand at all, since every launch pays for the parser
    before the first paint (argparse with every subcommand and extension: ~12 ms here)."""

    def wanted(name: str) -> bool:
        return command is None or command == name

    parser_type = _parser_type()
    parser = parser_type(prog="kapsession", description="A quiet companion for KAP sessions. "
                     "With no command, opens the home screen.")
    parser.add_argument("--version", action="version", version=f"kapsession {__version__}")
    parser.add_argument("--data-dir", metavar="DIR", help="where sessions are stored, e.g. ~/kap-data "
                        "(default: $KAPSESSION_DATA_DIR, else the user data dir)")
    parser.add_argument("--theme", metavar="NAME", help="theme for the screens (remembered): dim-room, calm-dark, "
                        "daylight, high-contrast or one of yours, e.g. daylight")
    parser.set_defaults(func=cmd_home)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=parser_type)

    if wanted("presets"):
        presets = sub.add_parser("presets", help="list protocol presets, or check a preset file",
                                 description="With no action, lists every preset (built-in and yours): name, "
                                 "route, planned minutes and title. `presets check FILE` validates one file.")
        presets.set_defaults(func=cmd_presets)
        presets_sub = presets.add_subparsers(dest="presets_action", metavar="ACTION", parser_class=parser_type)
        check = presets_sub.add_parser("check", help="validate one preset file: prints ok or the problem")
        check.add_argument("file", help="a preset TOML file, e.g. ~/my-preset.toml")

    if wanted("new"):
        new = sub.add_parser("new", help="create a session (and open it, unless --no-open)")
        new.add_argument("--client", required=True, help="the client's display name or initials, e.g. \"A.B.\"")
        new.add_argument("--preset", required=True,
                         help="a protocol preset's name (`kapsession presets` lists them), e.g. sublingual-troche")
        new.add_argument("--weight-kg", metavar="N", help="the client's weight in kg, 20-350, e.g. 70")
        new.add_argument("--dose-mg", metavar="N", help="the planned dose in mg, up to the preset's maximum, e.g. 200")
        new.add_argument("--series-length", type=_series_length, metavar="N",
                         help="sessions planned in the series, 1-50, e.g. 6 (default: from the settings)")
        new.add_argument("--started-at", metavar="TIME",
                         help="when the session began, if before now (up to four hours back), e.g. 10:05; " + AT_FORMS)
        new.add_argument("--no-open", action="store_true", help="only create it and print its id (no screen)")
        new.set_defaults(func=cmd_new)

    if wanted("sessions"):
        sessions = sub.add_parser("sessions", help="list sessions, newest first")
        sessions.add_argument("--json", action="store_true",
                              help="print a JSON list (id, client, preset, series number, practice, times, state)")
        group = sessions.add_mutually_exclusive_group()
        group.add_argument("--practice", action="store_true", help="practice sessions only")
        group.add_argument("--all", action="store_true", help="real and practice sessions")
        sessions.set_defaults(func=cmd_sessions)

    if wanted("add"):
        add = sub.add_parser("add", help="append one entry to a session")
        add.add_argument("id", help="session id, e.g. jzmcdg (`kapsession sessions` lists them)")
        kinds = add.add_subparsers(dest="what", metavar="KIND", required=True, parser_class=parser_type)
        vitals = kinds.add_parser("vitals", help="e.g. 128/84 76 98, or 128/84 hr 76 spo2 98 rr 14")
        vitals.add_argument("reading", nargs="+",
                            help="BP HR SpO2 [RR] [temp] in that order, e.g. 128/84 76 98, or named, e.g. "
                            "128/84 hr 76 spo2 98 rr 14 temp 36.8; may end with @10:42 to backdate")
        vitals.add_argument("--at", metavar="TIME", help=AT_HELP)
        note = kinds.add_parser("note", help="a timestamped note (private unless --shareable)")
        note.add_argument("text", nargs="+", help="the note as written, e.g. \"resting, eyes closed\"")
        note.add_argument("--shareable", action="store_true", help="may appear in the client summary")
        note.add_argument("--kind", default="observation",
                          choices=["observation", "client-words", "intervention", "side-effect", "other"],
                          help="what the note is (default observation), e.g. --kind client-words")
        note.add_argument("--at", metavar="TIME", help=AT_HELP)
        dose = kinds.add_parser("dose", help="a dose in mg")
        dose.add_argument("mg", help="the amount in mg, up to the preset's maximum, e.g. 200")
        dose.add_argument("--route", help="sublingual, intramuscular, intravenous or intranasal (or sl, im, iv, in), "
                          "e.g. --route im (default: the preset's route)")
        dose.add_argument("--devices", help="esketamine nasal-spray devices, 1-6, e.g. --devices 2 "
                          "(default: mg / 28)")
        dose.add_argument("--booster", action="store_true", help="this dose is a booster after the first dose")
        dose.add_argument("--site", help="the injection site, e.g. --site \"left deltoid\"")
        dose.add_argument("--at", metavar="TIME", help=AT_HELP)
        scale = kinds.add_parser("scale", help="moaas 0-5, dissociation 0-10, nausea 0-10, aldrete 0-10")
        scale.add_argument("scale", help="moaas, dissociation, nausea or aldrete, e.g. moaas")
        scale.add_argument("value", help="moaas 0-5, dissociation, nausea and aldrete 0-10, e.g. 4")
        scale.add_argument("--at", metavar="TIME", help=AT_HELP)
        phase = kinds.add_parser("phase", help="start a phase: a name or `next`")
        phase.add_argument("phase", help="next, or intake, intention, dose-onset, peak, recovery or integration, "
                           "e.g. peak")
        phase.add_argument("--at", metavar="TIME", help=AT_HELP)
        intention = kinds.add_parser("intention", help="the client's intention in their own words")
        intention.add_argument("text", nargs="+", help="their words, e.g. \"to be gentler with myself\"")
        intention.add_argument("--at", metavar="TIME", help=AT_HELP)
        card = kinds.add_parser("card", help="draw an intention card")
        card.add_argument("--at", metavar="TIME", help=AT_HELP)
        tick = kinds.add_parser("tick", help="tick a checklist item (number or text)")
        tick.add_argument("checklist", choices=["intake", "discharge"], help="intake or discharge, e.g. discharge")
        tick.add_argument("item", nargs="+", help="the item's number, e.g. 1, or the start of its text, e.g. Alert")
        ack = kinds.add_parser("ack", help="acknowledge the top open alert (or one by key)")
        ack.add_argument("key", nargs="?", help="an open alert's key, as `kapsession export` lists it, "
                         "e.g. manual:1765100000 (default: the top open alert)")
        alert = kinds.add_parser("alert", help="raise an alert on the live screen")
        alert.add_argument("text", nargs="+", help="what is wrong, in a few words, e.g. \"client feels faint\"")
        strike_parser = kinds.add_parser("strike", help="strike an entry as entered in error")
        strike_parser.add_argument("number", type=int, metavar="N",
                                   help="the entry's number as `kapsession show` prints it, e.g. 7")
        strike_parser.add_argument("--reason", required=True, help="why, e.g. \"entered in error: wrong client\"")
        share = kinds.add_parser("share", help="make a note shareable (or --private)")
        share.add_argument("number", type=int, metavar="N",
                           help="the note's number as `kapsession show` prints it, e.g. 5")
        share.add_argument("--private", action="store_true", help="make it private again instead")
        next_session = kinds.add_parser("next-session", help="e.g. 'in 3 days', '2026-12-03 10:00'")
        next_session.add_argument("when", nargs="+", help="in N days or weeks [at a time], or a date and time, "
                                  "e.g. \"in 1 week at 10:00\" or 2026-12-03 10:00")
        close = kinds.add_parser("close", help="close the session (discharge)")
        close.add_argument("--reason", help="needed before the minimum observation time, "
                           "e.g. \"client well, left with carer\"")
        add.set_defaults(func=cmd_add)

    if wanted("show"):
        show = sub.add_parser("show", help="print a session as a readable timeline")
        show.add_argument("id", help="session id, e.g. jzmcdg")
        show.set_defaults(func=cmd_show)

    if wanted("export"):
        export = sub.add_parser("export", help="the complete record as JSON")
        export.add_argument("id", help="session id, e.g. jzmcdg")
        export.add_argument("--format", choices=["json"], default="json", help="json (the only one), e.g. --format json")
        export.add_argument("-o", "--output", metavar="FILE", help="file to write (default: stdout), e.g. -o session.json")
        export.set_defaults(func=cmd_export)

    if wanted("resume"):
        resume = sub.add_parser("resume", help="open a session on the live screen (default: the interrupted "
                                "one, else the one left open)")
        resume.add_argument("id", nargs="?", help="session id, e.g. jzmcdg (default: the interrupted session, else "
                            "the one left open on purpose, else the latest unfinished one)")
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


GLOBAL_VALUE_OPTIONS = {"--data-dir": "data_dir", "--theme": "theme"}


def quick_arguments(words: Sequence[str]) -> Any:
    """What `build_parser().parse_args(words)` gives for a plain command line of a command in
    QUICK_COMMANDS, of `resume` or of no command (home), read without argparse (importing it and
    building the parser cost a summary PDF or a launch about 6 ms); None for any other command line, which argparse then reads, answers (help)
    or refuses as always. Plain: the global options (before the command) and the command's own,
    each once, spelled in full, and no value that starts with '-'."""
    found: dict[str, Any] = {"data_dir": None, "theme": None}
    index = 0
    while index < len(words) and words[index].startswith("-"):
        name, has_value, value = words[index].partition("=")
        dest = GLOBAL_VALUE_OPTIONS.get(name)
        if dest is None or found[dest] is not None:
            return None
        if not has_value:
            index += 1
            if index == len(words):
                return None
            value = words[index]
        if value.startswith("-"):
            return None
        found[dest] = value
        index += 1
    command = words[index] if index < len(words) else None
    if command is None:  # the home screen
        return SimpleNamespace(**found, command=None, func=cmd_home)
    if command == "resume":
        own = _quick_resume(words[index + 1:])
    elif command in QUICK_COMMANDS:
        module = __import__(QUICK_COMMANDS[command], fromlist=("quick_arguments",))
        own = module.quick_arguments(command, words[index + 1:])
    else:
        return None
    if own is None:
        return None
    return SimpleNamespace(**found, command=command, **own)


def _quick_resume(words: Sequence[str]) -> dict[str, Any] | None:
    """`resume [ID]` as its parser (in build_parser) reads it; None unless plain."""
    if len(words) > 1 or any(word.startswith("-") for word in words):
        return None
    return {"func": cmd_resume, "id": words[0] if words else None}


def main(argv: Sequence[str] | None = None) -> int:
    words = join_option_values(sys.argv[1:] if argv is None else list(argv))
    args = quick_arguments(words)
    if args is None:
        args = build_parser(command_word(words)).parse_args(words)
    ctx = Context(args)
    try:
        return int(args.func(ctx) or 0)
    except (InputError, NotFoundError, PresetError, UsageError) as error:
        print(f"kapsession: {error}", file=sys.stderr)
        return 2
    except StoreError as error:
        print(f"kapsession: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except Exception as error:  # noqa: BLE001 - the last line of defence: no traceback on screen
        if os.environ.get("KAPSESSION_DEBUG"):
            raise
        print(f"kapsession: an unexpected {type(error).__name__} stopped this command; nothing beyond "
              "what was printed was recorded (set KAPSESSION_DEBUG=1 to see details)", file=sys.stderr)
        return 1
    finally:
        ctx.close()


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
