"""Issue 19, item 9, on the command line: each entry says who recorded it, from `--clinician`,
KAPSESSION_CLINICIAN or the settings, printed by `show` and in the clinical record."""

from __future__ import annotations

import json

import pytest

from kapsession import locations
from tests.cli.test_cli import Cli


def lines_with(out: str, label: str) -> list[str]:
    return [line for line in out.splitlines() if f"  {label} " in line]


def test_each_entry_carries_the_initials_of_the_terminal_that_made_it(cli: Cli, monkeypatch) -> None:
    session_id = cli.new("A.B.", "sublingual-troche", "--started-at", "-10m")
    monkeypatch.setenv("KAPSESSION_CLINICIAN", "RM")
    cli.ok("add", session_id, "vitals", "128/84", "76", "98")
    # The nurse's terminal, and one command saying otherwise with the flag.
    monkeypatch.setenv("KAPSESSION_CLINICIAN", "JN")
    cli.ok("add", session_id, "note", "client settling")
    cli.ok("--clinician", "T.K.", "add", session_id, "note", "second opinion")
    out = cli.ok("show", session_id)
    assert lines_with(out, "vitals")[0].endswith("by RM")
    notes = lines_with(out, "note")
    assert notes[0].endswith("by JN") and notes[1].endswith("by T.K.")
    assert [event.by for event in cli.events(session_id)] == [None, "RM", "JN", "T.K."]
    record = cli.ok("record", session_id, "--format", "md")
    assert "| Detail | By |" in record.replace("  ", " ")
    assert "| RM |" in record and "| JN |" in record


def test_the_settings_say_who_when_the_terminal_does_not(cli: Cli, tmp_path) -> None:
    locations.settings_path().parent.mkdir(parents=True, exist_ok=True)
    locations.settings_path().write_text(json.dumps({"clinician": "SET"}), encoding="utf-8")
    session_id = cli.new()
    assert cli.events(session_id)[0].by == "SET"


@pytest.mark.parametrize("wrong", ["nurse 2", "R;M", "ABCDEFGHI"])
def test_initials_that_are_not_are_refused_and_nothing_is_recorded(cli: Cli, wrong: str) -> None:
    session_id = cli.new()
    sentence = cli.refused("--clinician", wrong, "add", session_id, "note", "hello")
    assert "is not a clinician's initials: accepted: 1 to 8 letters" in sentence
