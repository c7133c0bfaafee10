"""write_private: 0600 whatever the umask, never half-written, nothing left behind on failure."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from kapsession import private_files
from kapsession.core.errors import InputError
from kapsession.private_files import write_private


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_written_0600_under_an_open_umask_and_replacing_an_old_file(tmp_path: Path) -> None:
    target = tmp_path / "summary.pdf"
    target.write_bytes(b"old")
    target.chmod(0o644)
    old_umask = os.umask(0)
    try:
        write_private(target, b"%PDF-new")
    finally:
        os.umask(old_umask)
    assert target.read_bytes() == b"%PDF-new" and _mode(target) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["summary.pdf"]


def test_a_taken_temporary_name_is_never_reused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first, second = b"\x01" * 6, b"\x02" * 6
    draws = iter([first, first, second])
    monkeypatch.setattr(private_files.os, "urandom", lambda n: next(draws))
    taken = tmp_path / f".kapsession-{first.hex()}.part"
    taken.write_bytes(b"someone else's")
    write_private(tmp_path / "out.md", b"mine")
    assert taken.read_bytes() == b"someone else's"
    assert (tmp_path / "out.md").read_bytes() == b"mine"


def test_a_failed_write_is_one_sentence_and_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(private_files.os, "replace", refuse)
    with pytest.raises(InputError, match="No space left on device"):
        write_private(tmp_path / "record.pdf", b"data")
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(InputError, match="does not exist"):
        write_private(tmp_path / "missing" / "x.pdf", b"data")
