"""`clients`, `client ...`, `course`, `calendar` and `add ID phq9|gad7|safety-check` on the command
line: a refused entry is one sentence on stderr, exit 2, and nothing recorded."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from course_story import CLIENT, PRIVATE_NOTE, SHARED, record_course

from kapsession.cli import main
from kapsession.locations import DATABASE_NAME
from kapsession.store import EventStore


class Cli:
    def __init__(self, data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
        self.data_dir, self.capsys = data_dir, capsys

    def __call__(self, *args: str) -> tuple[int, str, str]:
        self.capsys.readouterr()
        try:
            code = main(["--data-dir", str(self.data_dir), *args])
        except SystemExit as exit_:
            code = int(exit_.code or 0)
        captured = self.capsys.readouterr()
        return code, captured.out, captured.err

    def ok(self, *args: str) -> str:
        code, out, err = self(*args)
        assert code == 0, err
        return out

    def counts(self) -> tuple[int, int, int]:
        if not (self.data_dir / DATABASE_NAME).exists():
            return (0, 0, 0)
        with EventStore(self.data_dir) as store:
            return tuple(
                int(store.connection.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])  # type: ignore[return-value]
                for table in ("events", "client_events", "sessions")
            )

    def refused(self, *args: str) -> str:
        before = self.counts()
        code, out, err = self(*args)
        assert code == 2, (out, err)
        assert out == "" and "Traceback" not in err
        lines = err.strip().splitlines()
        assert len(lines) == 1, err
        assert self.counts() == before
        return lines[0].removeprefix("kapsession: ")


@pytest.fixture
def cli(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Cli:
    monkeypatch.setenv("KAPSESSION_CONFIG_DIR", str(tmp_path / "config"))
    return Cli(tmp_path / "data", capsys)


def test_new_takes_an_id_or_a_name(cli: Cli) -> None:
    first = cli.ok("new", "--client", "Jo Smith", "--preset", "sublingual-troche", "--no-open").strip()
    second = cli.ok("new", "--client", " jo  SMITH", "--preset", "sublingual-troche", "--no-open").strip()
    clients = json.loads(cli.ok("clients", "--json"))
    assert len(clients) == 1 and clients[0]["sessions"] == 2 and clients[0]["name"] == "Jo Smith"
    jo = clients[0]["id"]
    with EventStore(cli.data_dir) as store:
        assert store.session(second).series_number == 2
        assert store.events(second)[0].client.name == "Jo Smith"  # type: ignore[attr-defined]
    twin = cli.ok("new", "--client", "Jo Smith", "--preset", "sublingual-troche", "--no-open", "--new-client").strip()
    message = cli.refused("new", "--client", "jo smith", "--preset", "sublingual-troche", "--no-open")
    assert message.startswith("2 clients are called 'jo smith'") and jo in message
    third = cli.ok("new", "--client", jo, "--preset", "sublingual-troche", "--no-open").strip()
    with EventStore(cli.data_dir) as store:
        assert store.session(third).series_number == 3 and store.session(twin).series_number == 1
    assert cli.refused("new", "--client", "c-zzzzz", "--preset", "sublingual-troche", "--no-open").startswith(
        "there is no client 'c-zzzzz'"
    )
    del first


def test_questionnaires_at_intake_and_the_item_nine_alert(cli: Cli) -> None:
    session = cli.ok("new", "--client", "K", "--preset", "sublingual-troche", "--no-open").strip()
    code, out, err = cli("add", session, "phq9", "1", "2", "0", "1", "2", "1", "0", "1", "1")
    assert code == 0 and "PHQ-9 9 (mild)" in out and "ALERT" in err
    assert "safety check" in cli.refused("add", session, "ack")
    assert "safety check note" in cli.refused("add", session, "close", "--reason", "leaving")
    assert "is waiting" not in cli.ok("add", session, "safety-check", "asked; no plan; crisis line given")
    assert "GAD-7 6 (mild)" in cli.ok("add", session, "gad7", "1111110")
    assert cli.refused("add", session, "phq9", "1", "2") == "a PHQ-9 has 9 answers, one per item; 2 were given"
    assert "accepted 0-3" in cli.refused("add", session, "gad7", "1", "1", "1", "1", "1", "1", "4")


def test_clients_scores_merge_and_bad_input(cli: Cli) -> None:
    ana = cli.ok("client", "add", "Ana B.", "--dob", "1984-07-21", "--sex", "f", "--ref", "CH-12").strip()
    assert ana.startswith("c-")
    assert "already recorded" in cli.refused("client", "add", "ana b.")
    other = cli.ok("client", "add", "Ana B.", "--same-name").strip()
    assert "2 clients are called" in cli.refused("client", "score", "ana b.", "phq9", "000000000")
    assert "PHQ-9 0 (minimal)" in cli.ok("client", "score", ana, "phq9", "000000000", "--date", "yesterday")
    assert "in the future" in cli.refused("client", "score", ana, "gad7", "0000000", "--date", "2999-01-01")
    assert "cannot be merged with itself" in cli.refused("client", "merge", ana, ana)
    mistyped = ana[:-1] + ("9" if ana[-1] != "9" else "8")  # one character off, never the id itself
    assert f"did you mean {ana}" in cli.refused("client", "score", mistyped, "phq9", "000000000")
    assert "not a date of birth" in cli.refused("client", "add", "Zed", "--dob", "21/07/1984")
    assert "merged" in cli.ok("client", "merge", other, ana)
    assert [c["id"] for c in json.loads(cli.ok("clients", "--json"))] == [ana]
    assert "own client again" in cli.ok("client", "unmerge", other)
    assert "Ana Beth" in cli.ok("client", "rename", ana, "Ana", "Beth")
    assert "not a schedule" in cli.refused("client", "plan", ana, "--sessions", "6", "--schedule", "when it rains")
    assert "6 sessions planned" in cli.ok("client", "plan", ana, "--sessions", "6", "--schedule", "twice a week")


def test_the_course_documents_and_the_calendar(cli: Cli, tmp_path: Path) -> None:
    client_id, sessions = record_course(cli.data_dir, 3)
    report = cli.ok("course", CLIENT, "--format", "md")
    assert "Session 3 of 6" in report and "PHQ-9: 17 \u2192 11" in report and PRIVATE_NOTE not in report
    assert "186/114" in report and "side effect noted (private note)" in report
    assert PRIVATE_NOTE in cli.ok("course", client_id, "--format", "md", "--include-private")
    page = cli.ok("course", client_id, "--format", "md", "--for", "client")
    assert SHARED in page and PRIVATE_NOTE not in page and "186/114" not in page
    assert "--include-private is for the prescriber" in cli.refused(
        "course", client_id, "--for", "client", "--include-private"
    )
    pdf = tmp_path / "course.pdf"
    assert cli.ok("course", client_id, "-o", str(pdf)).strip() == str(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")
    # The course's schedule gives the next session; the .ics holds the time and a neutral title.
    ics = cli.ok("calendar", client_id)
    assert "BEGIN:VEVENT" in ics and "SUMMARY:Appointment" in ics
    for word in ("ketamine", "session", "therapy", "kap", "Mara", "PHQ"):
        assert word.lower() not in ics.lower()
    assert "no next session is planned" in cli.refused("calendar", sessions[0])
