"""Encryption at rest (SQLCipher 4): a stolen copy of the data folder shows no client text; the
passphrase comes from $KAPSESSION_PASSPHRASE, a terminal prompt or the OS keyring; a missing or
wrong one is one sentence and exit 2, with nothing of SQLCipher's own on stderr."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from store_commands import assert_one_sentence, run_cli

from kapsession.cli import main
from kapsession.locations import DATABASE_NAME
from kapsession.store import EventStore
from kapsession.store import passphrase as passphrases

PASSPHRASE = "correct horse battery staple"
SECRETS = ("Margarethe Oyelaran-Vance", "the river is calm tonight", "grief about my father")


def cli(*args: str, passphrase: str | None = PASSPHRASE):
    return run_cli(*args, env={"KAPSESSION_PASSPHRASE": passphrase or ""})


def a_session(data: Path, passphrase: str | None = None) -> str:
    result = cli(
        "--data-dir",
        str(data),
        "new",
        "--client",
        SECRETS[0],
        "--preset",
        "sublingual-troche",
        "--no-open",
        passphrase=passphrase,
    )
    assert result.returncode == 0, result.stderr
    session_id = result.stdout.strip()
    for text in SECRETS[1:]:
        assert cli("--data-dir", str(data), "add", session_id, "note", text, passphrase=passphrase).returncode == 0
    return session_id


def test_encrypt_hides_every_client_word_and_decrypt_gives_it_back(tmp_path: Path) -> None:
    data = tmp_path / "data"
    session_id = a_session(data)
    plain_show = cli("--data-dir", str(data), "show", session_id, passphrase=None).stdout
    assert SECRETS[1] in plain_show

    encrypted = cli("--data-dir", str(data), "encrypt")
    assert encrypted.returncode == 0, encrypted.stderr
    assert "the store is encrypted (3 events)" in encrypted.stdout
    # Entries made after encrypting (in the WAL as well as the file) are encrypted too.
    assert cli("--data-dir", str(data), "add", session_id, "note", "she felt held").returncode == 0

    stolen = tmp_path / "stolen"
    shutil.copytree(data, stolen)
    for path in stolen.rglob("*"):
        if path.is_file():
            content = path.read_bytes()
            for secret in (*SECRETS, "she felt held"):
                assert secret.encode() not in content, (path.name, secret)

    shown = cli("--data-dir", str(data), "show", session_id)
    assert shown.returncode == 0 and SECRETS[1] in shown.stdout and "she felt held" in shown.stdout
    assert shown.stdout.replace("she felt held", "").count("\n") >= plain_show.count("\n")

    decrypted = cli("--data-dir", str(data), "decrypt")
    assert decrypted.returncode == 0, decrypted.stderr
    after = cli("--data-dir", str(data), "show", session_id, passphrase=None)
    assert after.returncode == 0 and "she felt held" in after.stdout
    assert (data / DATABASE_NAME).read_bytes().startswith(b"SQLite format 3\x00")


def test_a_missing_or_wrong_passphrase_is_one_sentence_and_exit_2(tmp_path: Path) -> None:
    data = tmp_path / "data"
    session_id = a_session(data)
    assert cli("--data-dir", str(data), "encrypt").returncode == 0
    missing = cli("--data-dir", str(data), "show", session_id, passphrase=None)
    assert_one_sentence(missing, "is encrypted", "KAPSESSION_PASSPHRASE")
    assert missing.returncode == 2
    for command in (
        ["show", session_id],
        ["add", session_id, "note", "x"],
        ["sessions"],
        ["check"],
        ["backup", str(tmp_path / "b.sqlite3")],
        ["decrypt"],
    ):
        wrong = cli("--data-dir", str(data), *command, passphrase="not the passphrase")
        assert_one_sentence(wrong, "does not open the store")
        assert wrong.returncode == 2, command
        assert "ERROR" not in wrong.stderr and "hmac" not in wrong.stderr.lower()
    assert not (tmp_path / "b.sqlite3").exists()


def test_encrypt_refusals(tmp_path: Path) -> None:
    data = tmp_path / "data"
    a_session(data)
    short = cli("--data-dir", str(data), "encrypt", passphrase="short")
    assert_one_sentence(short, "at least 8")
    assert short.returncode == 2
    no_passphrase = cli("--data-dir", str(data), "encrypt", passphrase=None)  # no terminal to ask at
    assert_one_sentence(no_passphrase, "a passphrase is needed")
    assert (data / DATABASE_NAME).read_bytes().startswith(b"SQLite format 3\x00")
    with EventStore(data):  # a screen or another command has the store open
        busy = cli("--data-dir", str(data), "encrypt")
        assert_one_sentence(busy, "in use by another kapsession")
        assert busy.returncode == 1
    assert cli("--data-dir", str(data), "encrypt").returncode == 0
    again = cli("--data-dir", str(data), "encrypt")
    assert_one_sentence(again, "already encrypted")
    assert again.returncode == 2
    not_encrypted = run_cli("--data-dir", str(tmp_path / "other"), "decrypt")
    assert_one_sentence(not_encrypted, "is not encrypted")


def test_the_passphrase_typed_at_a_terminal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    monkeypatch.delenv("KAPSESSION_PASSPHRASE", raising=False)
    typed = iter([PASSPHRASE, PASSPHRASE, PASSPHRASE, "not it"])
    monkeypatch.setattr(passphrases, "ask_on_terminal", lambda prompt="": next(typed))
    assert main(["--data-dir", str(data), "encrypt"]) == 0  # typed twice
    assert main(["--data-dir", str(data), "sessions"]) == 0  # typed once
    assert main(["--data-dir", str(data), "sessions"]) == 2  # typed wrong
    err = capsys.readouterr().err
    assert err.strip().endswith("nothing was changed") and "passphrase typed does not open" in err
    typed_twice = iter(["a passphrase", "another one"])
    monkeypatch.setattr(passphrases, "ask_on_terminal", lambda prompt="": next(typed_twice))
    assert main(["--data-dir", str(tmp_path / "fresh"), "encrypt"]) == 2
    assert "the two passphrases typed differ" in capsys.readouterr().err


class FakeKeyring:
    def __init__(self) -> None:
        self.saved: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, account: str) -> str | None:
        return self.saved.get((service, account))

    def set_password(self, service: str, account: str, value: str) -> None:
        self.saved[(service, account)] = value

    def delete_password(self, service: str, account: str) -> None:
        del self.saved[(service, account)]


def test_the_os_keyring_remembers_when_asked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    keyring = FakeKeyring()
    monkeypatch.setattr(passphrases, "_keyring", lambda: keyring)
    monkeypatch.setenv("KAPSESSION_PASSPHRASE", PASSPHRASE)
    assert main(["--data-dir", str(data), "encrypt", "--remember"]) == 0
    assert list(keyring.saved.values()) == [PASSPHRASE]
    monkeypatch.delenv("KAPSESSION_PASSPHRASE")
    assert main(["--data-dir", str(data), "sessions"]) == 0  # nothing typed: the keyring had it
    assert main(["--data-dir", str(data), "passphrase", "forget"]) == 0
    assert keyring.saved == {}
    assert main(["--data-dir", str(data), "sessions"]) == 2
    monkeypatch.setenv("KAPSESSION_PASSPHRASE", PASSPHRASE)
    assert main(["--data-dir", str(data), "passphrase", "remember"]) == 0
    assert list(keyring.saved.values()) == [PASSPHRASE]
    monkeypatch.setattr(passphrases, "_keyring", lambda: None)  # the optional extra is not installed
    assert main(["--data-dir", str(data), "passphrase", "remember"]) == 2
    assert "needs the keyring package" in capsys.readouterr().err


def test_new_files_of_an_encrypted_store_stay_private(tmp_path: Path) -> None:
    data = tmp_path / "data"
    session_id = a_session(data)
    previous = os.umask(0)
    try:
        assert cli("--data-dir", str(data), "encrypt").returncode == 0
        assert cli("--data-dir", str(data), "add", session_id, "note", "after").returncode == 0
    finally:
        os.umask(previous)
    for path in data.rglob("*"):
        assert path.stat().st_mode & 0o077 == 0, path
