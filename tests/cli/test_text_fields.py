"""Free text on the command line: every field follows the text rule, `-` reads private text from
standard input, and nothing printed on the terminal carries a raw control character."""

from __future__ import annotations

import io
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kapsession.cli import main
from kapsession.locations import DATABASE_NAME
from kapsession.store import EventStore

ESCAPES = "\x1b]0;retitled\x07\x1b[2J"


def run(data_dir: Path, *argv: str) -> int:
    return main(["--data-dir", str(data_dir), *argv])


def new_session(data_dir: Path, capsys: pytest.CaptureFixture[str], preset: str = "intramuscular") -> str:
    assert run(data_dir, "new", "--client", "T.R.", "--preset", preset, "--no-open") == 0
    return capsys.readouterr().out.strip()


def count(data_dir: Path, session_id: str) -> int:
    with EventStore(data_dir) as store:
        return len(store.events(session_id))


@pytest.mark.parametrize(
    ("argv", "sentence"),
    [
        (("alert", f"look {ESCAPES}"), "the alert text holds a control character (U+001B) at position 6"),
        (
            ("alert", "x" * 301),
            "the alert text is 301 characters long: accepted: printable text on one line, up to 300",
        ),
        (
            ("dose", "50", "--site", f"arm{ESCAPES}"),
            "the injection site holds a control character (U+001B) at position 4",
        ),
        (("dose", "50", "--site", "left\u202edeltoid"), "the injection site holds a bidirectional override (U+202E)"),
        (("strike", "1", "--reason", f"oops{ESCAPES}"), "the reason for striking holds a control character"),
        (("strike", "1", "--reason", "r" * 501), "the reason for striking is 501 characters long"),
        (("close", "--reason", f"asked to leave{ESCAPES}"), "the reason for closing early holds a control character"),
        (("close", "--reason", "line one\nline two"), "the reason for closing early holds a line break (U+000A)"),
        (("intention", "be \u2066calm"), "the intention holds a bidirectional isolate (U+2066)"),
        (("note", "bytes \udcff here"), "the note holds bytes that are not valid text (U+DCFF) at position 7"),
    ],
)
def test_every_free_text_field_is_refused_in_one_sentence_and_nothing_is_recorded(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: tuple[str, ...], sentence: str
) -> None:
    session_id = new_session(tmp_path, capsys)
    before = count(tmp_path, session_id)
    assert run(tmp_path, "add", session_id, *argv) == 2
    err = capsys.readouterr().err
    assert sentence in err and err.count("\n") == 1 and "\x1b" not in err
    assert count(tmp_path, session_id) == before


def test_a_sentence_quoting_what_was_typed_shows_its_control_characters_as_escapes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    session_id = new_session(tmp_path, capsys)
    assert run(tmp_path, "add", session_id, "tick", "discharge", f"zz{ESCAPES}") == 2
    err = capsys.readouterr().err
    assert "'zz\\x1b]0;retitled\\x07\\x1b[2J' is not on the discharge checklist" in err


def _stdin(monkeypatch: pytest.MonkeyPatch, data: bytes) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))


def test_a_dash_reads_the_note_the_intention_and_the_client_from_standard_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _stdin(monkeypatch, "Zoë Quinn\n".encode())
    assert run(tmp_path, "new", "--client", "-", "--preset", "intramuscular", "--no-open") == 0
    session_id = capsys.readouterr().out.strip()
    _stdin(monkeypatch, b"said she feels safe\r\nand warm\r\n")
    assert run(tmp_path, "add", session_id, "note", "-", "--kind", "client-words") == 0
    _stdin(monkeypatch, b"to rest\n")
    assert run(tmp_path, "add", session_id, "intention", "-") == 0
    with EventStore(tmp_path) as store:
        events = store.events(session_id)
    assert events[0].client.name == "Zoë Quinn"  # type: ignore[attr-defined]
    assert events[1].text == "said she feels safe\nand warm"  # type: ignore[attr-defined]
    assert events[2].text == "to rest"  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("data", "sentence"),
    [
        (b"not \xff utf-8", "the note holds bytes that are not valid text (U+DCFF) at position 5"),
        (b"a" * 80_001, "the note on standard input is longer than 20,000 characters"),
        (b"   \n", "the note is empty"),
    ],
)
def test_what_standard_input_holds_follows_the_same_rule(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, data: bytes, sentence: str
) -> None:
    session_id = new_session(tmp_path, capsys)
    _stdin(monkeypatch, data)
    assert run(tmp_path, "add", session_id, "note", "-") == 2
    assert sentence in capsys.readouterr().err
    assert count(tmp_path, session_id) == 1


def test_text_read_from_standard_input_never_appears_in_the_process_list(tmp_path: Path) -> None:
    """The point of `-`: while the command runs (here: waiting on its input), `ps` shows only `-`."""
    secret = "Client said: my brother's name is Ezekiel"
    environment = {**os.environ, "KAPSESSION_DATA_DIR": str(tmp_path)}
    created = subprocess.run(
        [sys.executable, "-m", "kapsession", "new", "--client", "-", "--preset", "intramuscular", "--no-open"],
        input="R.",
        capture_output=True,
        text=True,
        env=environment,
        check=True,
    )
    session_id = created.stdout.strip()
    process = subprocess.Popen(
        [sys.executable, "-m", "kapsession", "add", session_id, "note", "-"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=environment,
    )
    try:
        command_line = ""
        for _ in range(200):  # until the new process has its own command line (after exec)
            command_line = Path(f"/proc/{process.pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
            if "kapsession" in command_line:
                break
            time.sleep(0.05)
        listing = subprocess.run(["ps", "-eo", "args"], capture_output=True, text=True).stdout
    finally:
        out, err = process.communicate(secret, timeout=60)
    assert process.returncode == 0, err
    assert "note -" in command_line and secret not in command_line and "Ezekiel" not in listing
    with EventStore(tmp_path) as store:
        assert store.events(session_id)[-1].text == secret  # type: ignore[attr-defined]


def test_show_and_export_of_a_record_stored_before_the_rule_print_no_raw_control_character(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    session_id = new_session(tmp_path, capsys)
    assert run(tmp_path, "add", session_id, "note", "PLACEHOLDER") == 0
    assert run(tmp_path, "add", session_id, "alert", "ALERT-PLACEHOLDER") == 0
    capsys.readouterr()
    # As an older version stored them: the rule is bypassed by writing the rows directly.
    with sqlite3.connect(tmp_path / DATABASE_NAME) as connection:
        connection.execute(
            "UPDATE events SET body = replace(body, 'ALERT-PLACEHOLDER', ?)",
            ("\\u001b]0;retitled\\u0007\\u009b2J\\u202e",),
        )
        connection.execute("UPDATE events SET body = replace(body, 'PLACEHOLDER', ?)", ("a\\u001b[2Jb\\u0085",))
    for command in (
        ("show", session_id),
        ("export", session_id),
        ("record", session_id, "--format", "md"),
        ("summary", session_id, "--format", "md"),
        ("summary", session_id, "--format", "html"),
    ):
        assert run(tmp_path, *command) == 0, command
        out = capsys.readouterr().out
        assert not any(character in out for character in "\x1b\x07\x9b\x85\u202e"), command
    assert run(tmp_path, "show", session_id) == 0
    assert "a\\x1b[2Jb\\x85" in capsys.readouterr().out
