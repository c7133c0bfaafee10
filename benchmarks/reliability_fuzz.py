"""Hostile and clumsy input, counted: the fuzz and privacy rows of docs/reliability.md (issue 16).

    .venv/bin/python -m benchmarks.reliability_fuzz [--seconds 120]

`run(budget_seconds)` spends the budget on three things and returns what it counted:
- every parser a therapist types into (vitals, times, scales, the Aldrete score, the dose, the next
  session, and the text rule of every free-text field) with hypothesis-made text: anything but a
  result or an InputError is a traceback;
- every command, as hypothesis-made argument lists run in-process through `kapsession.cli.main`
  on a temporary data dir: an exception out of `main`, "Traceback" or "unexpected" on stderr, or
  a raw control character on the terminal is counted;
- sessions with random private and shareable notes, rendered as the summary (Markdown, HTML, the
  PDF's data and, now and then, its text) and as the record and `show`: a private note in
  anything the client gets is a leak, as is a private note the therapist's record does not mark.

Nothing here opens a screen or a printer: the commands that would are replaced for the run by
stubs that only count. `-o`, `--data-dir` and `--force` are never given to the random argument
lists, so nothing is written outside the temporary folders.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # `python benchmarks/reliability_fuzz.py`
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from kapsession.core.errors import InputError

NOW = datetime(2026, 3, 2, 11, 0, tzinfo=UTC)
BATCH = 40  # examples per hypothesis run of a parser; runs repeat until the budget is spent
COMMAND_BATCH = 6  # of a command (each runs the whole command line, store included)


# -- text a person might type, or paste, or a shell might hand over --------------------------------

ANY_CHARACTER = st.characters(codec=None, categories=None)  # surrogates and controls included
HOSTILE = [
    "\x1b[2J",
    "\x1b]0;title\x07",
    "\x9b31m",
    "\u202e",
    "\u2066",
    "\udcff",
    "\x00",
    "\r",
    "\t",
    "\n",
    "\n\n    indented",
    "&copy;",
    "<b>",
    "*",
    "#",
    "`",
    "\\",
    "$",
    "%s",
    "{0}",
    "\u2028",
]
NUMBERS = st.one_of(
    st.integers(-(10**6), 10**6).map(str),
    st.integers(0, 5000).map(lambda n: "9" * n),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.sampled_from(["1e400", "-0", "0x1f", "٣", "²", "1_000", "  12  ", "12.", ".5", "NaN", "inf"]),
)


def phrases(tokens: list[str]) -> st.SearchStrategy[str]:
    """Lines made of a parser's own words, numbers and hostile pieces, or any text at all."""
    piece = st.one_of(st.sampled_from(tokens), NUMBERS, st.sampled_from(HOSTILE), st.text(ANY_CHARACTER, max_size=8))
    line = st.lists(piece, max_size=8).map(" ".join)
    return st.one_of(line, line.map(lambda text: text.replace(" ", "")), st.text(ANY_CHARACTER, max_size=60))


VITALS_WORDS = [
    "128/84",
    "hr",
    "spo2",
    "rr",
    "temp",
    "t",
    "bp",
    "@",
    "@10:42",
    "%",
    "°c",
    "/",
    "76",
    "98",
    "36.8",
    "hr76",
    "spo2:98",
    "t=36.8",
    ",",
    "sys",
    "dia",
    "pulse",
]
TIME_WORDS = [
    "10:42",
    "10.42pm",
    "-5m",
    "5",
    "min",
    "ago",
    "am",
    "pm",
    "2026-03-02",
    "T",
    "10:42:07",
    "+01:00",
    "Z",
    "12",
    "yesterday",
    "now",
    ":",
    "-",
]
SCALE_WORDS = ["moaas", "dissociation", "nausea", "aldrete", "m", "d", "n", "0", "5", "10", "11"]
ALDRETE_WORDS = ["2", "1", "0", "22221", "2 2 2 2 1", "10", "+", ",", "3"]
DOSE_WORDS = ["50", "mg", "150", "0.5", "28", "56", "84", "im", "sl", "in", "iv", "spray"]
NEXT_WORDS = [
    "in",
    "3",
    "days",
    "1",
    "week",
    "at",
    "10:00",
    "2026-12-03",
    "dec",
    "3",
    "10am",
    "+9999",
    "tomorrow",
    "next",
    "friday",
    "9999-99-99",
]


# -- counting ------------------------------------------------------------------------------------


@dataclass
class Tally:
    counts: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def add(self, key: str, amount: int = 1) -> None:
        self.counts[key] = self.counts.get(key, 0) + amount

    def problem(self, key: str, what: str, detail: str) -> None:
        self.add(f"{key}: {what}")
        self.add(what)
        if len(self.problems) < 50:
            self.problems.append(f"{key}: {what}: {detail}")


# A traceback as Python prints it (a sentence merely quoting the word, as hypothesis may type it
# having read this module's own strings, is not one).
PRINTED_TRACEBACK = re.compile(r"^Traceback \(most recent call last\):\n(?:.*\n)*?  File \"", re.MULTILINE)


def _fault(error: BaseException) -> str:
    """An exception, for the problem list: type and where it was raised (no message: it may quote
    what was typed, and the list is printed)."""
    frames = traceback.extract_tb(error.__traceback__)
    where = f"{Path(frames[-1].filename).name}:{frames[-1].lineno}" if frames else "?"
    return f"{type(error).__name__} at {where}"


def _spend(budget: float, batch: Callable[[], None]) -> None:
    deadline = time.monotonic() + budget
    while time.monotonic() < deadline:
        batch()


def _hypothesis(strategy: st.SearchStrategy[Any], body: Callable[[Any], None], examples: int = BATCH) -> None:
    """Run `body` over `examples` fresh examples (no database, no shrinking: nothing here fails)."""
    run = settings(
        max_examples=examples,
        deadline=None,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )(given(strategy)(body))
    run()


# -- parsers -------------------------------------------------------------------------------------


def _session_state(preset_name: str = "intramuscular", *, dose: bool = False) -> Any:
    from kapsession.core import commands
    from kapsession.core.state import fold
    from kapsession.presets import default_library

    preset = default_library().get(preset_name)
    events: list[Any] = []

    def add(event: Any) -> None:
        events.append(event.model_copy(update={"seq": len(events) + 1, "recorded_at": event.at}))

    add(commands.open_session(client_name="F.Z.", preset=preset, now=NOW - timedelta(hours=2), weight_kg="70"))
    add(commands.start_phase(fold(events, preset, NOW), "intake", NOW - timedelta(hours=1, minutes=50)))
    if dose:
        add(commands.give_dose(fold(events, preset, NOW), preset.dosing.max_mg / 3, NOW - timedelta(hours=1)))
    return fold(events, preset, NOW)


def parser_targets() -> dict[str, tuple[st.SearchStrategy[Any], Callable[[Any], object]]]:
    from kapsession.core import commands, text_rule
    from kapsession.core.scales import parse_aldrete, parse_scale_name, parse_scale_value
    from kapsession.core.timeparse import parse_entry_time
    from kapsession.core.vitals import parse_vitals, split_backdate

    states = {name: _session_state(name, dose=True) for name in ("intramuscular", "intranasal-esketamine")}
    fields = [value for value in vars(text_rule).values() if isinstance(value, text_rule.TextField)]

    def vitals(text: str) -> object:
        parse_vitals(split_backdate(text)[0])
        return commands.record_vitals(states["intramuscular"], text, NOW)

    def scales(case: tuple[str, str]) -> object:
        name, value = case
        try:
            scale = parse_scale_name(name)
        except InputError:
            scale = "moaas"
        return parse_scale_value(scale, value)

    def dose(case: tuple[str, str, str, str, str]) -> object:
        mg, route, devices, site, preset = case
        return commands.give_dose(
            states[preset], mg, NOW, route=route or None, devices=devices or None, site=site or None, at_text=None
        )

    def text_fields(case: tuple[int, str]) -> object:
        index, text = case
        return text_rule.cleaned(text, fields[index % len(fields)])

    short = st.text(ANY_CHARACTER, max_size=12)
    return {
        "vitals": (phrases(VITALS_WORDS), vitals),
        "times": (phrases(TIME_WORDS), lambda text: parse_entry_time(text, NOW)),
        "scales": (st.tuples(phrases(SCALE_WORDS), phrases(SCALE_WORDS)), scales),
        "aldrete": (phrases(ALDRETE_WORDS), parse_aldrete),
        "dose": (
            st.tuples(
                phrases(DOSE_WORDS),
                st.one_of(st.just(""), phrases(DOSE_WORDS)),
                st.one_of(st.just(""), NUMBERS),
                st.one_of(st.just(""), short, st.sampled_from(HOSTILE)),
                st.sampled_from(sorted(states)),
            ),
            dose,
        ),
        "next-session": (
            phrases(NEXT_WORDS),
            lambda text: commands.set_next_session(states["intramuscular"], text, NOW),
        ),
        "phase": (
            phrases(["next", "intake", "peak", "dose", "onset", "1", "6", "7", "&", "_", "talk"]),
            lambda text: commands.start_phase(states["intramuscular"], text, NOW),
        ),
        "checklist item": (
            st.tuples(st.sampled_from(["intake", "discharge"]), phrases(["1", "8", "0", "Driver present"])),
            lambda case: commands.tick_item(states["intramuscular"], case[0], case[1], NOW),
        ),
        "text rule": (
            st.tuples(st.integers(0, 100), st.one_of(st.text(ANY_CHARACTER, max_size=200), st.sampled_from(HOSTILE))),
            text_fields,
        ),
    }


def fuzz_parsers(budget: float, tally: Tally) -> None:
    targets = parser_targets()

    def one(name: str, target: Callable[[Any], object]) -> Callable[[Any], None]:
        def body(case: Any) -> None:
            tally.add(f"parser {name}: cases")
            try:
                target(case)
            except InputError:
                pass
            except Exception as error:
                tally.problem(f"parser {name}", "tracebacks", _fault(error))

        return body

    def batch() -> None:
        for name, (strategy, target) in targets.items():
            _hypothesis(strategy, one(name, target))

    _spend(budget, batch)


# -- commands ------------------------------------------------------------------------------------

OTHER_COMMANDS = ["new", "show", "export", "summary", "record", "sessions", "presets", "practice", "locate", "resume"]
ADD_KINDS = [
    "vitals",
    "note",
    "dose",
    "scale",
    "phase",
    "intention",
    "card",
    "tick",
    "ack",
    "alert",
    "strike",
    "share",
    "next-session",
    "close",
]


@dataclass
class Workspace:
    data: Path
    ids: list[str]
    scratch: Path


def _words(tokens: list[str]) -> st.SearchStrategy[list[str]]:
    return st.lists(
        st.one_of(st.sampled_from(tokens), NUMBERS, st.sampled_from(HOSTILE), st.text(ANY_CHARACTER, max_size=10)),
        min_size=0,
        max_size=4,
    )


def command_lines(ws: Workspace) -> dict[str, st.SearchStrategy[tuple[str, list[str], bytes]]]:
    """For each command (and `add` kind, and random word lists): a strategy of (the name for the
    tally, the argument list, what standard input holds)."""
    session = st.one_of(
        st.sampled_from(ws.ids),
        st.text(ANY_CHARACTER, max_size=8),
        st.sampled_from(ws.ids).map(lambda i: i[:3]),
        st.sampled_from(HOSTILE),
        st.sampled_from(ws.ids).map(lambda i: i.upper() + " "),
    )
    text = st.one_of(st.text(ANY_CHARACTER, max_size=30), st.sampled_from(HOSTILE), st.just("-"), NUMBERS)
    option = st.one_of(
        st.just([]),
        st.tuples(
            st.sampled_from(
                [
                    "--at",
                    "--kind",
                    "--route",
                    "--devices",
                    "--site",
                    "--reason",
                    "--shareable",
                    "--booster",
                    "--private",
                    "--format",
                    "--paper",
                    "--include-clinical",
                    "--json",
                    "--practice",
                    "--all",
                    "--speed",
                ]
            ),
            text,
        ).map(list),
    )
    stdin = st.one_of(
        st.binary(max_size=80), st.text(ANY_CHARACTER, max_size=40).map(lambda t: t.encode("utf-8", "surrogatepass"))
    )  # lone surrogates become bytes that are not UTF-8
    out_file = st.one_of(
        st.just([]),
        st.sampled_from(
            [
                ws.data / "kapsession.sqlite3",
                ws.data,
                ws.data / "exports" / "x.md",
                ws.scratch / "out.md",
                ws.scratch / "sessions.db",
                ws.scratch / "no-folder" / "x.md",
                ws.scratch,
            ]
        ).map(lambda p: ["-o", str(p)]),
    )
    force = st.one_of(st.just([]), st.just(["--force"]))

    @st.composite
    def add(draw: Any, kind: str) -> tuple[str, list[str], bytes]:
        words = {
            "vitals": VITALS_WORDS,
            "dose": DOSE_WORDS,
            "scale": SCALE_WORDS,
            "phase": ["next", "intake", "peak", "x"],
            "tick": ["intake", "discharge", "1", "9", "0"],
            "next-session": NEXT_WORDS,
            "strike": ["1", "2", "99", "-1", "x"],
            "share": ["1", "2", "99", "x"],
        }.get(kind, ["a", "b"])
        argv = ["add", draw(session), kind, *draw(_words(words)), *draw(option), *draw(option)]
        if kind in ("note", "intention", "alert") and draw(st.booleans()):
            argv.append(draw(text))
        if kind in ("strike", "close") and draw(st.booleans()):
            argv += ["--reason", draw(text)]
        return f"add {kind}", argv, draw(stdin)

    @st.composite
    def others(draw: Any, which: str) -> tuple[str, list[str], bytes]:
        if which == "new":
            argv = [
                "new",
                "--client",
                draw(text),
                "--preset",
                draw(
                    st.sampled_from(
                        ["intramuscular", "sublingual-troche", "intranasal-esketamine", "iv-infusion", "nope"]
                    )
                ),
                "--no-open",
            ]
            for flag in ("--weight-kg", "--dose-mg", "--series-length"):
                if draw(st.booleans()):
                    argv += [flag, draw(NUMBERS)]
        elif which in ("show", "export"):
            argv = [which, draw(session)] + (draw(out_file) + draw(force) if which == "export" else [])
        elif which in ("summary", "record"):
            formats = ["md", "html"] if which == "summary" else ["md"]
            argv = [
                which,
                draw(session),
                "--format",
                draw(st.sampled_from(formats)),
                *draw(out_file),
                *draw(force),
                *draw(option),
            ]
        elif which == "sessions":
            argv = ["sessions", *draw(option)]
        elif which == "presets":
            argv = ["presets"] + draw(
                st.sampled_from(
                    [[], ["check", str(ws.scratch / "p.toml")], ["check", str(ws.scratch / "missing.toml")]]
                )
            )
        elif which == "practice":
            argv = [
                "practice",
                *draw(
                    st.sampled_from(
                        [
                            ["list"],
                            ["report", draw(session)],
                            ["report", draw(session), "--format", "md"],
                            ["delete", draw(session)],
                            ["check", str(ws.scratch / "p.toml")],
                            [draw(text)],
                            ["--speed", draw(NUMBERS), "smooth-troche"],
                        ]
                    )
                ),
            ]
        elif which == "resume":
            argv = ["resume", draw(session)]
        else:
            argv = ["locate"]
        return which, argv, draw(stdin)

    def harmless(token: str) -> bool:
        # No data dir, output file or --force from a random list: nothing outside the workspace.
        return not token.startswith(("--d", "-o", "--o", "--f", "-d"))

    anything = st.tuples(
        st.just("random words"),
        st.lists(
            st.one_of(
                st.sampled_from(
                    [
                        "add",
                        "new",
                        "show",
                        "summary",
                        "record",
                        "export",
                        "sessions",
                        "presets",
                        "practice",
                        *ADD_KINDS,
                        *ws.ids,
                        "--help",
                        "-h",
                        "--version",
                        "--theme",
                        "--",
                    ]
                ),
                st.text(ANY_CHARACTER, max_size=12),
                NUMBERS,
            ),
            max_size=7,
        ).map(lambda words: ["sessions"] if not words else [w for w in words if harmless(w)] or ["locate"]),
        stdin,
    )
    lines = {f"add {kind}": add(kind) for kind in ADD_KINDS}
    lines.update({which: others(which) for which in OTHER_COMMANDS})
    lines["random words"] = anything
    return lines


def _raw_characters(text: str) -> bool:
    from kapsession.core.text_rule import visible

    return visible(text) != text


@contextlib.contextmanager
def _no_screens_or_printers(tally: Tally) -> Iterator[None]:
    """Commands that would open a screen or a printer only count that they would have."""
    import kapsession.cli as cli
    import kapsession.practice_command_line as practice
    import kapsession.summary.files as files

    def screen(*_args: Any, **_kwargs: Any) -> int:
        tally.add("screens that would have opened")
        return 0

    saved = [
        (cli, "_open_screen", cli._open_screen),
        (practice, "cmd_run", practice.cmd_run),
        (practice, "_picker", practice._picker),
        (files, "printer_command", files.printer_command),
    ]
    cli._open_screen = screen  # type: ignore[assignment]
    practice.cmd_run = screen  # type: ignore[assignment]
    practice._picker = screen  # type: ignore[assignment]
    files.printer_command = lambda: None  # type: ignore[assignment]
    try:
        yield
    finally:
        for module, name, value in saved:
            setattr(module, name, value)


def _run_main(argv: list[str], stdin: bytes) -> tuple[int | None, str, str, BaseException | None]:
    from kapsession.cli import main

    out, err = io.StringIO(), io.StringIO()
    saved_stdin = sys.stdin
    sys.stdin = io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8", errors="surrogateescape")
    code: int | None = None
    escaped: BaseException | None = None
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(argv)
            except SystemExit as stop:  # argparse: --help, --version, a usage error
                code = stop.code if isinstance(stop.code, int) else 2
            except BaseException as error:
                escaped = error
    finally:
        sys.stdin = saved_stdin
    return code, out.getvalue(), err.getvalue(), escaped


def _workspace(root: Path) -> Workspace:

    data, scratch = root / "data", root / "scratch"
    scratch.mkdir(parents=True)
    (scratch / "p.toml").write_text('name = "p"\ntitle = "\\u001b[2J"\n')
    ids = []
    for preset in ("intramuscular", "sublingual-troche", "intranasal-esketamine", "iv-infusion"):
        code, out, _err, _escaped = _run_main(
            [
                "--data-dir",
                str(data),
                "new",
                "--client",
                "Fuzz Client",
                "--preset",
                preset,
                "--no-open",
                "--dose-mg",
                "28" if "esket" in preset else "50",
            ],
            b"",
        )
        if code == 0:
            ids.append(out.strip())
    for session_id in ids[:2]:  # a session under way, with something in it to strike and share
        for argv in (["phase", "intake"], ["note", "first note"], ["vitals", "128/84 76 98"]):
            _run_main(["--data-dir", str(data), "add", session_id, *argv], b"")
    return Workspace(data, ids, scratch)


def fuzz_commands(budget: float, tally: Tally) -> None:
    with (
        tempfile.TemporaryDirectory(prefix="kapsession-fuzz-") as folder,
        _no_screens_or_printers(tally),
        _environment(Path(folder)),
    ):
        ws = _workspace(Path(folder))

        def body(case: tuple[str, list[str], bytes]) -> None:
            name, argv, stdin = case
            key = f"command {name}"
            tally.add(f"{key}: cases")
            code, out, err, escaped = _run_main(["--data-dir", str(ws.data), *argv], stdin)
            if escaped is not None:
                tally.problem(key, "tracebacks", _fault(escaped))
            elif PRINTED_TRACEBACK.search(err):
                # The fuzz's own text, never a client's: the last line names the exception.
                tally.problem(key, "tracebacks", "on stderr: " + err.strip().splitlines()[-1][:120])
            if "unexpected" in err:
                tally.problem(key, "unexpected messages", err.strip().split(" stopped")[0])
            if _raw_characters(out) or _raw_characters(err):
                tally.problem(key, "raw control characters printed", f"exit {code}")

        lines = command_lines(ws)

        def batch() -> None:
            for strategy in lines.values():
                _hypothesis(strategy, body, examples=COMMAND_BATCH)

        _spend(budget, batch)


@contextlib.contextmanager
def _environment(root: Path) -> Iterator[None]:
    """The config dir and the working folder inside the workspace for the run."""
    saved_config = os.environ.get("KAPSESSION_CONFIG_DIR")
    saved_cwd = os.getcwd()
    os.environ["KAPSESSION_CONFIG_DIR"] = str(root / "config")
    os.chdir(root)
    try:
        yield
    finally:
        os.chdir(saved_cwd)
        if saved_config is None:
            os.environ.pop("KAPSESSION_CONFIG_DIR", None)
        else:
            os.environ["KAPSESSION_CONFIG_DIR"] = saved_config


# -- privacy -------------------------------------------------------------------------------------

PRINTABLE = st.text(st.characters(codec="utf-8", categories=["L", "M", "N", "P", "S", "Zs"]), max_size=40)


@dataclass(frozen=True)
class PlannedNote:
    text: str
    shareable: bool
    toggle: bool
    strike: bool
    kind: str


NOTES = st.lists(
    st.builds(
        PlannedNote,
        text=PRINTABLE,
        shareable=st.booleans(),
        toggle=st.booleans(),
        strike=st.integers(0, 6).map(lambda n: n == 0),
        kind=st.sampled_from(["observation", "client-words", "intervention", "side-effect"]),
    ),
    max_size=10,
)


def _marker(index: int, shared: bool, salt: int) -> str:
    return f"{'SHR' if shared else 'PRV'}{salt:04d}Q{index:02d}X"


def fuzz_privacy(budget: float, tally: Tally, pdf_every: int = 25) -> None:
    from kapsession.core import commands
    from kapsession.core.state import fold
    from kapsession.core.timeline import render_text
    from kapsession.presets import default_library
    from kapsession.summary.export import record_bytes
    from kapsession.summary.html import render_html
    from kapsession.summary.markdown import render_markdown
    from kapsession.summary.model import build_summary
    from kapsession.summary.record import record_for

    preset = default_library().get("sublingual-troche")
    rendered = {"count": 0}

    def body(case: tuple[list[PlannedNote], int, bool]) -> None:
        plan, salt, clinical = case
        events: list[Any] = []
        clock = [NOW - timedelta(hours=3)]

        def add(command: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
            event = command(fold(events, preset, clock[0]), *args, **kwargs)
            stored = event.model_copy(update={"seq": len(events) + 1, "recorded_at": clock[0]})
            events.append(stored)
            return stored

        events.append(
            commands.open_session(client_name="Privacy Client", preset=preset, now=clock[0]).model_copy(
                update={"seq": 1, "recorded_at": clock[0]}
            )
        )
        add(commands.start_phase, "intake", clock[0])
        shared, private, written = [], [], []
        for index, note in enumerate(plan):
            clock[0] += timedelta(minutes=3)
            final = note.shareable != note.toggle and not note.strike
            token = _marker(index, final, salt)
            text = f"{note.text} {token}".strip()
            written.append((add(commands.write_note, text, clock[0], kind=note.kind, shareable=note.shareable), note))
            (shared if final else private).append(token)
        clock[0] += timedelta(minutes=2)
        for event, note in written:
            if note.toggle:
                add(commands.set_note_visibility, event.seq, not note.shareable, clock[0])
            if note.strike:
                add(commands.strike, event.seq, "entered in error", clock[0])
        state = fold(events, preset, clock[0])
        summary = build_summary(state, include_clinical_figures=clinical)
        client_facing = {
            "summary md": render_markdown(summary),
            "summary html": render_html(summary),
            "summary pdf data": repr(summary.to_data()),
        }
        rendered["count"] += 1
        if rendered["count"] % pdf_every == 1:
            client_facing["summary pdf"] = _pdf_text(summary)
        for what, text in client_facing.items():
            tally.add("privacy renders")
            tally.add(f"privacy renders: {what}")
            for token in private:
                if token in text:
                    tally.problem(f"privacy {what}", "leaks", f"a private note ({token})")
        therapist = {
            "record md": record_bytes(record_for(state, "fuzz01", paper="a4"), "md").decode("utf-8"),
            "show": render_text(state, "fuzz01"),
        }
        for what, text in therapist.items():
            tally.add("privacy renders")
            tally.add(f"privacy renders: {what}")
            for token in private:
                line = next((line for line in text.splitlines() if token in line), "")
                if "private" not in line.lower() and "struck" not in line.lower() and "~" not in line:
                    tally.problem(f"privacy {what}", "leaks", f"a private note not marked private ({token})")

    _spend(budget, lambda: _hypothesis(st.tuples(NOTES, st.integers(0, 9999), st.booleans()), body, examples=20))


def _pdf_text(summary: Any) -> str:
    from kapsession.summary.pdf import render_summary_pdf

    pdf = render_summary_pdf(summary)
    try:
        from pypdf import PdfReader
    except ImportError:  # the test extras are not installed: the PDF's data was checked instead
        return ""
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages)


# -- the whole run -------------------------------------------------------------------------------

SHARES = {"parsers": 0.3, "commands": 0.45, "privacy": 0.25}


def run(budget_seconds: float, problems: list[str] | None = None) -> dict[str, int]:
    """Fuzz and render for about `budget_seconds`; the counts (cases per parser and per command,
    tracebacks, "unexpected" messages, raw control characters printed, privacy renders, leaks).
    `problems`, when given, receives a line for each of the first problems found (no client text:
    types, places and the command's name)."""
    tally = Tally()
    for key in ("tracebacks", "unexpected messages", "raw control characters printed", "leaks"):
        tally.counts[key] = 0
    fuzz_parsers(budget_seconds * SHARES["parsers"], tally)
    fuzz_commands(budget_seconds * SHARES["commands"], tally)
    fuzz_privacy(budget_seconds * SHARES["privacy"], tally)
    if problems is not None:
        problems.extend(tally.problems)
    return dict(sorted(tally.counts.items()))


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=120, help="the time to spend (default 120)")
    args = parser.parse_args(argv)
    problems: list[str] = []
    counts = run(args.seconds, problems)
    for key, value in counts.items():
        print(f"{key:<55} {value:>8,}")
    for line in problems:
        print(f"problem: {line}")
    failures = (
        counts["tracebacks"]
        + counts["unexpected messages"]
        + counts["raw control characters printed"]
        + counts["leaks"]
    )
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
