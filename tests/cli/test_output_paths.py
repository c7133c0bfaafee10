"""`-o FILE` never clobbers: not inside the data folder (symbolic links followed), not over the
database or anything named or made like one, not over an existing file without --force."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from kapsession.cli import main
from kapsession.locations import DATABASE_NAME
from kapsession.store import EventStore

WRITERS = [
    ("summary", "--format", "md"),
    ("summary", "--format", "html"),
    ("record", "--format", "md"),
    ("export",),
]


@pytest.fixture
def data(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def session_id(data: Path, capsys: pytest.CaptureFixture[str]) -> str:
    assert main(["--data-dir", str(data), "new", "--client", "A.B.", "--preset", "intramuscular", "--no-open"]) == 0
    session = capsys.readouterr().out.strip()
    assert main(["--data-dir", str(data), "add", session, "note", "--shareable", "resting"]) == 0
    capsys.readouterr()
    return session


def write(
    data: Path,
    capsys: pytest.CaptureFixture[str],
    writer: tuple[str, ...],
    session_id: str,
    target: Path | str,
    *extra: str,
) -> tuple[int, str]:
    command, *options = writer
    code = main(["--data-dir", str(data), command, session_id, *options, "-o", str(target), *extra])
    return code, capsys.readouterr().err


def store_is_whole(data: Path, session_id: str) -> bool:
    with EventStore(data) as store:
        return len(store.events(session_id)) == 2


@pytest.mark.parametrize("writer", WRITERS, ids=" ".join)
@pytest.mark.parametrize("force", [(), ("--force",)], ids=["", "forced"])
def test_the_database_and_anything_in_the_data_folder_are_refused(
    data: Path,
    session_id: str,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    writer: tuple[str, ...],
    force: tuple[str, ...],
) -> None:
    link = tmp_path / "link-to-data"
    link.symlink_to(data)
    store_link = tmp_path / "notes.md"
    store_link.symlink_to(data / DATABASE_NAME)
    before = (data / DATABASE_NAME).read_bytes()
    for target in (
        data / DATABASE_NAME,
        data / f"{DATABASE_NAME}-wal",
        data / "exports" / "x.md",
        data,
        link / DATABASE_NAME,
        link / "new.md",
        store_link,
    ):
        code, err = write(data, capsys, writer, session_id, target, *force)
        assert code == 2, target
        assert err.count("\n") == 1 and "inside the data folder" in err and "unexpected" not in err
    assert (data / DATABASE_NAME).read_bytes() == before and store_is_whole(data, session_id)


@pytest.mark.parametrize("writer", WRITERS, ids=" ".join)
def test_a_database_elsewhere_is_refused_by_its_name_its_header_or_being_the_store(
    data: Path, session_id: str, capsys: pytest.CaptureFixture[str], tmp_path: Path, writer: tuple[str, ...]
) -> None:
    copy = tmp_path / "copy-of-sessions.md"
    shutil.copyfile(data / DATABASE_NAME, copy)
    hard_link = tmp_path / "hard-link.md"
    os.link(data / DATABASE_NAME, hard_link)
    cases = {
        tmp_path / "backup.sqlite3": "named like a database file",
        tmp_path / "other.DB": "named like a database file",
        tmp_path / "x.db-wal": "named like a database file",
        copy: "is an SQLite database",
        hard_link: "is the session database itself",
    }
    for target, sentence in cases.items():
        code, err = write(data, capsys, writer, session_id, target, "--force")
        assert code == 2 and sentence in err and err.count("\n") == 1, (target, err)
    assert copy.read_bytes()[:16] == b"SQLite format 3\x00" and store_is_whole(data, session_id)


@pytest.mark.parametrize("writer", WRITERS, ids=" ".join)
def test_an_existing_file_is_replaced_only_with_force(
    data: Path, session_id: str, capsys: pytest.CaptureFixture[str], tmp_path: Path, writer: tuple[str, ...]
) -> None:
    target = tmp_path / "out.txt"
    target.write_text("someone's letter")
    code, err = write(data, capsys, writer, session_id, target)
    assert (
        code == 2
        and err.strip() == f"kapsession: {target} already exists; add --force to replace it, or choose another name"
    )
    assert target.read_text() == "someone's letter"
    code, err = write(data, capsys, writer, session_id, target, "--force")
    assert code == 0 and target.read_text() != "someone's letter"
    fresh = tmp_path / "fresh.txt"
    assert write(data, capsys, writer, session_id, fresh)[0] == 0 and fresh.stat().st_size > 0


def test_the_exports_folder_is_still_where_a_pdf_goes_without_o(
    data: Path, session_id: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--data-dir", str(data), "summary", session_id]) == 0
    written = Path(capsys.readouterr().out.strip())
    assert written.parent == data / "exports" and written.read_bytes().startswith(b"%PDF")
