"""`kapsession practice ...`: rehearse on a fast clock, list scenarios, read and delete rehearsals.

    kapsession practice [SCENARIO] [--speed N]     run a scenario (no scenario: the picker)
    kapsession practice list                       scenarios, and your recent rehearsals
    kapsession practice report ID [--format md|text]
    kapsession practice delete ID                  practice sessions only
    kapsession practice check FILE                 validate a scenario file

Registered by `kapsession.cli` through `register(subparsers)`. Like `kapsession.cli`, this is an
entry point: the commands that show a screen import the app (kapsession/tui/screens/practice.py)
when they run; the rest of the practice package knows no screen.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from kapsession.practice.speeds import DEFAULT_SPEED, MAX_SPEED, MIN_SPEED

ACTIONS = ("list", "report", "delete", "check")
USAGE = (
    "kapsession practice [SCENARIO] [--speed N]\n"
    "       kapsession practice list\n"
    "       kapsession practice report ID [--format md|text]\n"
    "       kapsession practice delete ID\n"
    "       kapsession practice check FILE"
)


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "practice",
        help="rehearse a protocol on a fast clock with a scripted scenario, then read the debrief",
        usage=USAGE,
        description="Rehearse a protocol: the live screen on a fast clock with scripted events "
        "(what the monitor or the client presents; you record it), then a debrief of what was "
        "late or missed. Practice sessions are stored apart and never reach a client's history.",
    )
    parser.add_argument(
        "words",
        nargs="*",
        metavar="SCENARIO | list | report ID | delete ID | check FILE",
        help="a scenario name to run (see `kapsession practice list`), e.g. bp-spike-im, or an "
        "action, e.g. report jzmcdg",
    )
    parser.add_argument(
        "--speed",
        default=None,
        metavar="N",
        help=f"how many times faster than real time, {MIN_SPEED}-{MAX_SPEED}, e.g. --speed 30 "
        f"(default {DEFAULT_SPEED})",
    )
    parser.add_argument(
        "--format",
        choices=["text", "md"],
        default=None,
        help="for `report`: text or md, e.g. --format md (default: on screen, or text when printed)",
    )
    parser.set_defaults(func=cmd_practice)


def cmd_practice(ctx: Any) -> int:
    # A bad command line is one sentence and exit 2, like bad input (kapsession.cli's UsageError
    # is not imported: that would make this package depend on the command line that opens the app).
    from kapsession.core.errors import InputError

    words: list[str] = list(ctx.args.words)
    action = words[0] if words and words[0] in ACTIONS else None
    rest = words[1:] if action else words
    if ctx.args.format is not None and action != "report":
        raise InputError("--format is for `kapsession practice report ID`")
    if ctx.args.speed is not None:
        if action is not None:
            raise InputError(f"--speed is for running a scenario, not for `practice {action}`")
        from kapsession.practice.driver import validate_speed

        ctx.args.speed = validate_speed(ctx.args.speed)  # one sentence, exit 2, nothing recorded
    if action in ("report", "delete", "check"):
        if len(rest) != 1:
            what = "FILE" if action == "check" else "ID"
            raise InputError(f"`kapsession practice {action}` needs exactly one {what}")
        return {"report": cmd_report, "delete": cmd_delete, "check": cmd_check}[action](ctx, rest[0])
    if action == "list":
        if rest:
            raise InputError("`kapsession practice list` takes nothing more")
        return cmd_list(ctx)
    if len(rest) > 1:
        raise InputError("give one scenario to run, e.g. `kapsession practice bp-spike-im`")
    if not rest:
        if not sys.stdout.isatty():
            return cmd_list(ctx)
        return _picker(ctx)
    return cmd_run(ctx, rest[0])


def _scenarios(ctx: Any):
    from kapsession.practice.scenario import default_scenarios

    library = default_scenarios(ctx.library())
    from kapsession.core.text_rule import visible

    for problem in library.problems:
        print(f"kapsession: skipped a broken scenario: {visible(problem)}", file=sys.stderr)
    return library


def cmd_list(ctx: Any) -> int:
    library = _scenarios(ctx)
    if not library.scenarios:
        ctx.out("No practice scenarios found (`kapsession locate` shows where they are looked for).")
    else:
        width = max(len(name) for name in library.scenarios)
        ctx.out("Scenarios (run one with: kapsession practice NAME [--speed N]):")
        for name in library.names():
            scenario = library.scenarios[name]
            ctx.out(f"  {name:<{width}}  {scenario.preset:<22}  {scenario.title}")
    rows = ctx.store().list_sessions(practice=True, limit=10)
    if rows:
        ctx.out("")
        ctx.out("Recent rehearsals (kapsession practice report ID):")
        for row in rows:
            when = (row.started_at or row.created_at).astimezone()
            state = "closed" if row.closed_at else (row.phase or "not started")
            ctx.out(f"  {row.id}  {when:%Y-%m-%d %H:%M}  {row.preset:<22}  {state}  PRACTICE")
    return 0


def cmd_run(ctx: Any, name: str) -> int:
    from kapsession.core.clock import ScaledClock
    from kapsession.practice.driver import open_practice_session

    scenario = _scenarios(ctx).get(name)
    speed = ctx.args.speed if ctx.args.speed is not None else DEFAULT_SPEED
    clock = ScaledClock(speed)
    session_id, _log, driver = open_practice_session(ctx.store(), ctx.library(), scenario, clock)
    from kapsession.tui.screens.practice import run_rehearsal

    data_dir = ctx.data_dir
    ctx.close()
    code = run_rehearsal(data_dir, session_id, driver, clock, theme=getattr(ctx.args, "theme", None))
    print(f"Practice session {session_id}. Debrief: kapsession practice report {session_id}", file=sys.stderr)
    return code


def _picker(ctx: Any) -> int:
    from kapsession.tui.screens.practice import PracticePicker, run_practice_app

    speed = ctx.args.speed if ctx.args.speed is not None else DEFAULT_SPEED
    data_dir = ctx.data_dir
    ctx.close()
    return run_practice_app(data_dir, lambda: PracticePicker(speed), theme=getattr(ctx.args, "theme", None))


def cmd_report(ctx: Any, session_text: str) -> int:
    from kapsession.practice.debrief import debrief_session

    store = ctx.store()
    session_id = store.resolve(session_text)
    debrief = debrief_session(store, session_id, presets=ctx.library(), scenarios=_scenarios(ctx))
    if ctx.args.format is None and sys.stdout.isatty() and sys.stdin.isatty():
        from kapsession.tui.screens.practice import DebriefScreen, run_practice_app

        data_dir = ctx.data_dir
        ctx.close()
        return run_practice_app(
            data_dir,
            lambda: DebriefScreen(session_id, debrief=debrief),
            theme=getattr(ctx.args, "theme", None),
            exit_with_it=True,
        )
    text = debrief.to_markdown() if ctx.args.format == "md" else debrief.to_text()
    ctx.out(text.rstrip("\n"))
    return 0


def cmd_delete(ctx: Any, session_text: str) -> int:
    from kapsession.core.errors import InputError

    store = ctx.store()
    session_id = store.resolve(session_text)
    if not store.session(session_id).practice:
        raise InputError(
            f"session {session_id} is a real session: only practice sessions can be deleted, and a real record never is"
        )
    store.delete_practice_session(session_id)  # and the store refuses a real one too
    ctx.out(f"deleted practice session {session_id}")
    return 0


def cmd_check(ctx: Any, file: str) -> int:
    from kapsession.practice.scenario import load_scenario_file

    load_scenario_file(Path(file), ctx.library())
    ctx.out("ok")
    return 0
