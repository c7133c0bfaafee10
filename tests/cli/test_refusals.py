"""Inputs a reviewer found slipping through: each is refused in one sentence, exit 2, nothing stored."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kapsession.cli import main
from kapsession.store import EventStore


def run(data_dir: Path, *argv: str) -> int:
    return main(["--data-dir", str(data_dir), *argv])


def new_session(data_dir: Path, capsys, preset: str, *extra: str) -> str:
    assert run(data_dir, "new", "--client", "T.R.", "--preset", preset, "--no-open", *extra) == 0
    return capsys.readouterr().out.strip()


def count(data_dir: Path, session_id: str) -> int:
    with EventStore(data_dir) as store:
        return len(store.events(session_id))


@pytest.mark.parametrize(
    "argv",
    [
        ("dose", "56", "--devices", "3"),  # 3 devices are 84 mg, not 56
        ("dose", "56", "--devices", "2.5"),
        ("dose", "56", "--devices", "²"),
        ("dose", "112"),  # above the preset's 84 mg for a session
        ("tick", "discharge", "²"),
        ("note", "hello\x1b[2Jworld"),
        ("intention", "be\x07 calm"),
    ],
)
def test_refused_entries_record_nothing(tmp_path: Path, capsys, argv: tuple[str, ...]) -> None:
    session_id = new_session(tmp_path, capsys, "intranasal-esketamine", "--dose-mg", "56")
    before = count(tmp_path, session_id)
    assert run(tmp_path, "add", session_id, *argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("kapsession: ") and err.count("\n") == 1 and "unexpected" not in err
    assert count(tmp_path, session_id) == before


def test_session_total_may_reach_but_not_pass_the_maximum(tmp_path: Path, capsys) -> None:
    session_id = new_session(tmp_path, capsys, "intranasal-esketamine", "--dose-mg", "84")
    assert run(tmp_path, "add", session_id, "dose", "56", "--override", "gate not under test") == 0
    assert run(tmp_path, "add", session_id, "dose", "28") == 0
    assert run(tmp_path, "add", session_id, "dose", "28") == 2
    assert "above the preset's maximum of 84 mg" in capsys.readouterr().err


def test_devices_on_a_troche_are_refused(tmp_path: Path, capsys) -> None:
    session_id = new_session(tmp_path, capsys, "sublingual-troche")
    assert run(tmp_path, "add", session_id, "dose", "200", "--devices", "2") == 2
    assert "nasal-spray" in capsys.readouterr().err


def test_control_characters_in_a_client_name_are_refused(tmp_path: Path, capsys) -> None:
    assert run(tmp_path, "new", "--client", "Evil\x1b[2JName", "--preset", "sublingual-troche", "--no-open") == 2
    assert "control character" in capsys.readouterr().err
    with EventStore(tmp_path) as store:
        assert store.list_sessions(practice=None) == []


@pytest.mark.parametrize("length", ["-3", "0", "99999999999999999999", "x"])
def test_series_length_out_of_range_is_a_usage_error(tmp_path: Path, capsys, length: str) -> None:
    with pytest.raises(SystemExit) as stop:
        run(tmp_path, "new", "--client", "A", "--preset", "sublingual-troche", "--series-length", length, "--no-open")
    assert stop.value.code == 2
    assert "accepted 1-50" in capsys.readouterr().err


def test_export_to_a_folder_or_a_device_is_one_sentence(tmp_path: Path, capsys) -> None:
    data = tmp_path / "data"
    session_id = new_session(data, capsys, "sublingual-troche")
    folder = tmp_path / "out"
    folder.mkdir()
    assert run(data, "export", session_id, "-o", str(folder)) == 2
    assert "it is a folder" in capsys.readouterr().err
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    assert run(data, "export", session_id, "-o", str(fifo)) == 2
    assert "not a regular file" in capsys.readouterr().err
    assert fifo.exists() and not fifo.is_file()
