"""The command line, run as `main([...])` against a data dir in tmp_path and a private config dir,
plus real `python -m kapsession` processes. A refused entry prints one sentence on stderr, exits 2
and leaves the store exactly as it was."""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from kapsession import locations
from kapsession.cli import join_option_values, main
from kapsession.core.events import Client, SessionOpened
from kapsession.core.protocol import load_preset_file
from kapsession.store import EventStore

BUILTIN = ("intramuscular", "intranasal-esketamine", "iv-infusion", "sublingual-troche")
BROKEN_DIR = Path(__file__).resolve().parents[1] / "fixtures" / "broken_presets"
ID_PATTERN = re.compile(r"^[23456789abcdefghjkmnpqrstuvwxyz]{6}$")


class Cli:
    def __init__(self, data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
        self.data_dir = data_dir
        self.capsys = capsys

    def __call__(self, *args: str) -> tuple[int, str, str]:
        self.capsys.readouterr()
        try:
            code = main(["--data-dir", str(self.data_dir), *args])
        except SystemExit as exit_:  # argparse's own exits (usage errors, --help)
            code = int(exit_.code or 0)
        captured = self.capsys.readouterr()
        return code, captured.out, captured.err

    def ok(self, *args: str) -> str:
        code, out, err = self(*args)
        assert code == 0, err
        assert err == ""
        return out

    def refused(self, *args: str, code: int = 2) -> str:
        """The command fails with one sentence on stderr, and records nothing."""
        before = self.event_count()
        got, out, err = self(*args)
        assert got == code, (out, err)
        assert out == ""
        assert "Traceback" not in err
        lines = err.strip().splitlines()
        assert len(lines) == 1, err
        assert lines[0].startswith("kapsession: ")
        assert self.event_count() == before
        return lines[0].removeprefix("kapsession: ")

    def event_count(self) -> int:
        if not (self.data_dir / locations.DATABASE_NAME).exists():
            return 0
        with EventStore(self.data_dir) as store:
            return int(store.connection.execute("SELECT COUNT(*) FROM events").fetchone()[0])

    def new(self, client: str = "A.B.", preset: str = "sublingual-troche", *extra: str) -> str:
        out = self.ok("new", "--client", client, "--preset", preset, "--no-open", *extra)
        return out.strip()

    def backdated_session(self, minutes_ago: int, client: str = "A.B.", practice: bool = False) -> str:
        """A session opened a while ago (the command line itself only opens sessions now)."""
        with EventStore(self.data_dir) as store:
            session_id, _ = store.create_session(
                SessionOpened(
                    at=datetime.now(UTC) - timedelta(minutes=minutes_ago),
                    client=Client(name=client),
                    preset="sublingual-troche",
                    practice=practice,
                )
            )
        return session_id

    def events(self, session_id: str) -> list:
        with EventStore(self.data_dir) as store:
            return store.events(session_id)


@pytest.fixture
def cli(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Cli:
    monkeypatch.setenv("KAPSESSION_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.delenv("KAPSESSION_DATA_DIR", raising=False)
    monkeypatch.delenv("KAPSESSION_DEBUG", raising=False)
    return Cli(tmp_path / "data", capsys)


# --- presets ---------------------------------------------------------------------------------


def test_presets_lists_the_four_with_route_and_minutes(cli: Cli) -> None:
    lines = cli.ok("presets").splitlines()
    assert [line.split()[0] for line in lines] == list(BUILTIN)
    library = {line.split()[0]: line for line in lines}
    assert "sublingual " in library["sublingual-troche"] and "140 min" in library["sublingual-troche"]
    assert "intravenous" in library["iv-infusion"]
    assert "intranasal" in library["intranasal-esketamine"]


def test_a_broken_user_preset_is_reported_and_the_rest_still_list(cli: Cli, tmp_path: Path) -> None:
    user = tmp_path / "config" / "presets"
    user.mkdir(parents=True)
    shutil.copy(BROKEN_DIR / "bad-route.toml", user)
    code, out, err = cli("presets")
    assert code == 0
    assert [line.split()[0] for line in out.splitlines()] == list(BUILTIN)
    assert (
        err.strip()
        == f"kapsession: skipped a broken preset: {user / 'bad-route.toml'}:4: route: 'oral' is not a route: accepted sublingual, intramuscular, intravenous, intranasal"
    )


@pytest.mark.parametrize("name", BUILTIN)
def test_presets_check_passes_every_builtin(cli: Cli, name: str) -> None:
    assert cli.ok("presets", "check", str(locations.builtin_presets_dir() / f"{name}.toml")) == "ok\n"


@pytest.mark.parametrize("path", sorted(BROKEN_DIR.glob("*.toml")), ids=lambda path: path.stem)
def test_presets_check_gives_the_problem_and_exit_2(cli: Cli, path: Path) -> None:
    with pytest.raises(Exception) as expected:
        load_preset_file(path)
    assert cli.refused("presets", "check", str(path)) == str(expected.value)


def test_presets_check_of_a_missing_file(cli: Cli, tmp_path: Path) -> None:
    message = cli.refused("presets", "check", str(tmp_path / "nope.toml"))
    assert message.startswith(f"{tmp_path / 'nope.toml'}: cannot be read")


# --- new -------------------------------------------------------------------------------------


def test_new_prints_only_the_id(cli: Cli) -> None:
    out = cli.ok(
        "new",
        "--client",
        "A.B.",
        "--preset",
        "intranasal-esketamine",
        "--weight-kg",
        "70",
        "--dose-mg",
        "56",
        "--no-open",
    )
    assert out.endswith("\n") and out.count("\n") == 1
    session_id = out.strip()
    assert ID_PATTERN.match(session_id)
    (opened,) = cli.events(session_id)
    assert opened.client.name == "A.B." and opened.client.weight_kg == 70
    assert opened.planned_dose_mg == 56 and opened.preset == "intranasal-esketamine"
    assert opened.series_number == 1


def test_the_series_number_counts_real_sessions_only(cli: Cli) -> None:
    first = cli.new("Jo")
    cli.ok("add", first, "phase", "intake")
    cli.ok("add", first, "dose", "150", "--override", "gate not under test")
    cli.backdated_session(5, client="jo", practice=True)
    second = cli.new("JO")
    (opened,) = cli.events(second)
    assert opened.series_number == 2 and opened.previous_dose_mg == 150
    with EventStore(cli.data_dir) as store:
        history = store.client_history("Jo")
        assert [row.id for row in history] == [first, second]
        assert not any(row.practice for row in history)


def test_an_unknown_preset_lists_the_known_ones(cli: Cli) -> None:
    message = cli.refused("new", "--client", "A.B.", "--preset", "sublingual", "--no-open")
    assert "there is no preset 'sublingual'" in message
    assert "Did you mean 'sublingual-troche'?" in message
    assert "Known presets: " + ", ".join(BUILTIN) in message


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--weight-kg", "heavy"], "weight 'heavy' is not a number: accepted 20-350 kg"),
        (["--weight-kg", "5"], "weight 5 is out of range"),
        (["--dose-mg", "900"], "planned dose 900 is out of range: accepted 1-500 mg"),
    ],
)
def test_new_refuses_bad_numbers(cli: Cli, args: list[str], says: str) -> None:
    assert says in cli.refused("new", "--client", "A.B.", "--preset", "sublingual-troche", "--no-open", *args)
    with EventStore(cli.data_dir) as store:
        assert store.list_sessions(practice=None) == []


# --- add -------------------------------------------------------------------------------------


def recorded(out: str, label: str) -> str:
    match = re.fullmatch(r"recorded #(\d+) at \d\d:\d\d: (\w[\w-]*) (.*)\n", out)
    assert match, out
    assert match.group(2) == label
    return match.group(3)


def test_add_prints_what_was_recorded(cli: Cli) -> None:
    session_id = cli.new()
    assert recorded(cli.ok("add", session_id, "vitals", "128/84", "76", "98"), "vitals") == "128/84 HR 76 SpO2 98%"
    assert (
        recorded(cli.ok("add", session_id, "vitals", "132/86", "hr", "80", "rr", "14"), "vitals")
        == "132/86 HR 80 RR 14"
    )
    assert recorded(cli.ok("add", session_id, "phase", "next"), "phase") == "Intake talk"
    assert recorded(cli.ok("add", session_id, "phase", "dose-onset"), "phase") == "Dose & onset"
    decided, dosed = cli.ok("add", session_id, "dose", "200", "--override", "gate not under test").splitlines(
        keepends=True
    )
    assert recorded(decided, "decision").startswith("go ahead before the first dose: gate not under test (short: ")
    assert recorded(dosed, "dose") == "200 mg racemic ketamine SL"
    assert recorded(cli.ok("add", session_id, "scale", "moaas", "4"), "scale") == "MOAA/S 4"
    assert (
        recorded(cli.ok("add", session_id, "note", "resting,", "eyes", "closed"), "note")
        == "[private] resting, eyes closed"
    )
    shared = cli.ok("add", session_id, "note", "--shareable", "--kind", "client-words", "I am allowed to rest")
    assert recorded(shared, "note") == "[shareable] (client-words) \u201cI am allowed to rest\u201d"
    assert recorded(cli.ok("add", session_id, "intention", "to", "be", "gentler"), "intention") == "to be gentler"
    assert recorded(cli.ok("add", session_id, "tick", "discharge", "1"), "checklist").startswith(
        "discharge: ✓ Alert and oriented"
    )
    assert recorded(cli.ok("add", session_id, "card"), "card")
    kinds = [event.type for event in cli.events(session_id)]
    assert kinds == [
        "session_opened",
        "vitals_recorded",
        "vitals_recorded",
        "phase_started",
        "phase_started",
        "predose_decision",
        "dose_given",
        "scale_rated",
        "note_written",
        "note_written",
        "intention_set",
        "checklist_ticked",
        "card_drawn",
    ]


def test_dose_route_devices_and_site(cli: Cli) -> None:
    session_id = cli.new("C.D.", "intramuscular", "--weight-kg", "80")
    out = cli.ok(
        "add", session_id, "dose", "60", "--site", "left deltoid", "--override", "gate not under test"
    ).splitlines(keepends=True)[1]
    assert recorded(out, "dose") == "60 mg racemic ketamine IM (0.75 mg/kg) site left deltoid"
    assert "booster" in cli.ok("add", session_id, "dose", "20", "--booster")
    message = cli.refused("add", session_id, "dose", "20", "--route", "oral")
    assert message == "'oral' is not a route: accepted sublingual, intramuscular, intravenous, intranasal"
    esketamine = cli.new("E.F.", "intranasal-esketamine", "--dose-mg", "56")
    out = cli.ok("add", esketamine, "dose", "28", "--lot", "EK42", "--override", "gate not under test").splitlines(
        keepends=True
    )[1]
    assert recorded(out, "dose") == "28 mg esketamine IN 1 device lot EK42"


@pytest.mark.parametrize(
    ("entry", "says"),
    [
        (["vitals", "feeling", "fine"], "'feeling' is not understood; accepted: '128/84 76 98'"),
        (["vitals", "300/20"], "systolic 300 is out of range: accepted 50-260 mmHg"),
        (["vitals", "120/80", "0"], "heart rate 0 is out of range: accepted 20-250 bpm"),
        (["vitals", "120/80", "76", "120"], "SpO2 120 is out of range: accepted 50-100 %"),
        (["vitals", "80/120"], "diastolic 120 must be below systolic 80"),
        (["scale", "mood", "3"], "'mood' is not a scale: accepted moaas, dissociation, nausea, aldrete"),
        (["scale", "moaas", "7"], "MOAA/S 7 is out of range: accepted 0-5"),
        (["phase", "pek"], "'pek' is not a phase: accepted intake, intention, dose-onset, peak, recovery, integration"),
        (["dose", "lots"], "dose 'lots' is not a number"),
        (["note", "   "], "the note is empty"),
        (["strike", "99", "--reason", "oops"], "there is no entry #99"),
        (["ack"], "there is no open alert"),
        (["tick", "discharge", "42"], "there is no item 42 on the discharge checklist"),
        (["next-session", "someday"], "'someday' is not a date"),
    ],
)
def test_bad_entries_are_refused_and_nothing_is_recorded(cli: Cli, entry: list[str], says: str) -> None:
    session_id = cli.new()
    assert says in cli.refused("add", session_id, *entry)


def test_a_future_time_is_refused(cli: Cli) -> None:
    session_id = cli.new()
    future = (datetime.now(UTC) + timedelta(hours=1)).isoformat(timespec="seconds")
    message = cli.refused("add", session_id, "vitals", "120/80", "--at", future)
    assert "is in the future; a backdated entry must be earlier" in message
    assert "is in the future" in cli.refused("add", session_id, "scale", "nausea", "2", "--at", future)


def test_at_minus_minutes_backdates(cli: Cli) -> None:
    session_id = cli.backdated_session(30)
    before = datetime.now(UTC)
    cli.ok("add", session_id, "vitals", "128/84", "76", "98", "--at", "-5m")
    cli.ok("add", session_id, "scale", "nausea", "3", "--at", "-12")
    cli.ok("add", session_id, "phase", "intake", "--at", "20 min ago")
    cli.ok("add", session_id, "note", "backdated", "note", "--at=-7m")
    vitals, scale, phase, note = cli.events(session_id)[1:]
    for event, minutes in ((vitals, 5), (scale, 12), (phase, 20), (note, 7)):
        assert abs((before - timedelta(minutes=minutes)) - event.at) < timedelta(seconds=30), event
    # Up to four hours before the session was written (a late start, issue 17), never further.
    assert "is too far back for this session" in cli.refused("add", session_id, "vitals", "120/80", "--at", "-300m")
    assert "is too far back for this session" in cli.refused("add", session_id, "note", "late", "--at", "-300m")


def test_join_option_values() -> None:
    assert join_option_values(["add", "x", "vitals", "1/2", "--at", "-5m"]) == ["add", "x", "vitals", "1/2", "--at=-5m"]
    assert join_option_values(["--at", "10:42"]) == ["--at", "10:42"]
    assert join_option_values(["--at", "--help"]) == ["--at", "--help"]
    assert join_option_values(["note", "--", "--at", "-5m"]) == ["note", "--", "--at", "-5m"]


def test_a_mistyped_session_id_suggests_the_closest(cli: Cli) -> None:
    session_id = cli.new()
    typo = session_id[:-1] + ("z" if session_id[-1] != "z" else "y")
    message = cli.refused("add", typo, "note", "hello")
    assert message == f"there is no session '{typo}'; did you mean {session_id}?"
    assert f"did you mean {session_id}?" in cli.refused("show", typo)
    assert cli.ok("show", session_id.upper())  # any case is fine


def test_close_needs_a_reason_before_the_minimum_observation(cli: Cli) -> None:
    session_id = cli.new()
    cli.ok("add", session_id, "phase", "intake")
    cli.ok("add", session_id, "dose", "200", "--override", "gate not under test")
    refused = cli.refused("add", session_id, "close")
    assert "needs a reason for each, which is recorded: minimum observation until" in refused
    assert recorded(cli.ok("add", session_id, "close", "--reason", "client unwell, sent home with carer"), "closed")
    assert "closed" in cli.refused("add", session_id, "vitals", "120/80")


def test_strike_and_ack(cli: Cli) -> None:
    session_id = cli.new()
    cli.ok("add", session_id, "phase", "intake")
    cli.ok("add", session_id, "vitals", "150/95", "80", "98")  # above 140/90 before dosing
    out = cli.ok("add", session_id, "ack")
    assert "recorded #4 at " in out and out.rstrip().endswith(
        ": ack BP 150/95 above 140/90 before dosing: decide before giving the dose"
    )
    assert "reason" in cli.refused("add", session_id, "strike", "3", "--reason", " ")
    assert ": struck #3, reason: wrong client" in cli.ok("add", session_id, "strike", "3", "--reason", "wrong client")
    assert "already struck" in cli.refused("add", session_id, "strike", "3", "--reason", "again")


# --- reading back ----------------------------------------------------------------------------


def test_show_prints_the_timeline_with_a_private_mark(cli: Cli) -> None:
    session_id = cli.new("A.B.", "sublingual-troche", "--weight-kg", "70")
    cli.ok("add", session_id, "vitals", "128/84", "76", "98")
    cli.ok("add", session_id, "phase", "intake")
    cli.ok("add", session_id, "dose", "200", "--override", "gate not under test")
    cli.ok("add", session_id, "note", "sighing, restless")
    cli.ok("add", session_id, "note", "--shareable", "--kind", "client-words", "I can rest")
    cli.ok("add", session_id, "vitals", "190/115", "90", "97")
    cli.ok("add", session_id, "strike", "2", "--reason", "wrong cuff")
    out = cli.ok("show", session_id)
    assert out.startswith(f"Session {session_id}\nClient:  A.B.  (70 kg)\nPreset:  sublingual-troche")
    assert "State:   Intake talk" in out
    assert re.search(r"\n\d\d:\d\d\s+T\+0:\d\d:\d\d\s+#6\s+note\s+\[private\] sighing, restless\n", out), out
    assert "[shareable] (client-words) \u201cI can rest\u201d" in out
    assert "~128/84 HR 76 SpO2 98%~ [struck: wrong cuff]" in out
    assert "200 mg racemic ketamine SL (2.86 mg/kg)" in out
    assert "Open alerts:" in out and "ALERT  BP 190/115 above 180/110" in out


def test_export_json_has_every_event_and_a_schema_version(cli: Cli, tmp_path: Path) -> None:
    session_id = cli.new()
    cli.ok("add", session_id, "vitals", "128/84", "76", "98")
    cli.ok("add", session_id, "note", "private words")
    document = json.loads(cli.ok("export", session_id, "--format", "json"))
    assert document["kapsession_export"] == 1 and isinstance(document["store_schema"], int)
    assert document["session"]["id"] == session_id and document["session"]["practice"] is False
    assert [event["type"] for event in document["events"]] == ["session_opened", "vitals_recorded", "note_written"]
    assert [event["seq"] for event in document["events"]] == [e.seq for e in cli.events(session_id)]
    for event in document["events"]:
        assert datetime.fromisoformat(event["at"]).utcoffset() == timedelta(0)
        assert event["recorded_at"]
    assert document["events"][2]["visibility"] == "private"

    target = tmp_path / "export.json"
    code, out, err = cli("export", session_id, "-o", str(target))
    assert code == 0 and out == "" and err.strip() == f"wrote {target}"
    assert json.loads(target.read_text(encoding="utf-8")) == document
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert "does not exist" in cli.refused("export", session_id, "-o", str(tmp_path / "no" / "such" / "x.json"))


def test_sessions_lists_real_and_practice_apart(cli: Cli) -> None:
    assert "No sessions yet" in cli.ok("sessions")
    assert json.loads(cli.ok("sessions", "--json")) == []
    real = cli.new("A.B.")
    cli.ok("add", real, "phase", "intake")
    practice = cli.backdated_session(1, client="Practice client", practice=True)
    rows = json.loads(cli.ok("sessions", "--json"))
    assert [(r["id"], r["client"], r["preset"], r["state"], r["practice"]) for r in rows] == [
        (real, "A.B.", "sublingual-troche", "intake", False)
    ]
    assert datetime.fromisoformat(rows[0]["created_at"]) and rows[0]["started_at"]
    assert [r["id"] for r in json.loads(cli.ok("sessions", "--json", "--practice"))] == [practice]
    assert {r["id"] for r in json.loads(cli.ok("sessions", "--json", "--all"))} == {real, practice}
    text = cli.ok("sessions", "--all")
    assert real in text and f"{practice}" in text and "PRACTICE" in text


def test_locate_prints_every_path(cli: Cli, tmp_path: Path) -> None:
    out = cli.ok("locate")
    paths = dict(re.split(r":\s+", line, maxsplit=1) for line in out.splitlines())
    assert paths["data"] == str(cli.data_dir)
    assert paths["database"] == str(cli.data_dir / locations.DATABASE_NAME)
    assert paths["config"] == str(tmp_path / "config")
    assert paths["presets (yours)"] == str(tmp_path / "config" / "presets")
    assert paths["presets (built-in)"] == str(locations.builtin_presets_dir())
    assert "themes (built-in)" in paths and "settings" in paths


def test_the_data_dir_comes_from_the_environment_too(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KAPSESSION_DATA_DIR", str(tmp_path / "from-env"))
    monkeypatch.setenv("KAPSESSION_CONFIG_DIR", str(tmp_path / "config"))
    assert main(["new", "--client", "X", "--preset", "iv-infusion", "--no-open"]) == 0
    session_id = capsys.readouterr().out.strip()
    with EventStore(tmp_path / "from-env") as store:
        assert store.session(session_id).preset == "iv-infusion"


# --- usage errors ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["add"],
        ["frobnicate"],
        ["add", "abcdef", "scale", "moaas"],
        ["add", "abcdef", "teleport"],
        ["new", "--preset", "iv-infusion", "--no-open"],
        ["export", "abcdef", "--format", "xml"],
        ["add", "abcdef", "strike", "seven", "--reason", "x"],
    ],
)
def test_usage_errors_exit_2(cli: Cli, args: list[str]) -> None:
    code, out, err = cli(*args)
    assert code == 2
    assert "Traceback" not in err
    assert err.strip().splitlines()[-1].startswith("kapsession: ")


def test_help_everywhere(cli: Cli) -> None:
    for args in (["--help"], ["add", "--help"], ["add", "x", "vitals", "--help"], ["presets", "check", "--help"]):
        code, out, _ = cli(*args)
        assert code == 0 and out.startswith("usage: kapsession")


# --- a real process --------------------------------------------------------------------------


def run(data_dir: Path, config_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "KAPSESSION_CONFIG_DIR": str(config_dir)}
    env.pop("KAPSESSION_DEBUG", None)
    return subprocess.run(
        [sys.executable, "-m", "kapsession", "--data-dir", str(data_dir), *args],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )


def test_python_dash_m_kapsession_end_to_end(tmp_path: Path) -> None:
    data, config = tmp_path / "data", tmp_path / "config"
    created = run(data, config, "new", "--client", "A.B.", "--preset", "sublingual-troche", "--no-open")
    assert created.returncode == 0 and created.stderr == ""
    session_id = created.stdout.strip()
    assert ID_PATTERN.match(session_id) and created.stdout == session_id + "\n"

    added = run(data, config, "add", session_id, "vitals", "128/84", "76", "98", "--at", "-0m")
    assert added.returncode == 0, added.stderr
    assert re.fullmatch(r"recorded #2 at \d\d:\d\d: vitals 128/84 HR 76 SpO2 98%\n", added.stdout)

    refused = run(data, config, "add", session_id, "vitals", "nonsense")
    assert refused.returncode == 2 and refused.stdout == ""
    assert refused.stderr.startswith("kapsession: 'nonsense' is not understood") and refused.stderr.count("\n") == 1

    shown = run(data, config, "show", session_id)
    assert shown.returncode == 0 and "128/84 HR 76 SpO2 98%" in shown.stdout
    with EventStore(data) as store:
        assert [e.type for e in store.events(session_id)] == ["session_opened", "vitals_recorded"]

    usage = run(data, config, "add")
    assert usage.returncode == 2 and "Traceback" not in usage.stderr
