"""`kapsession summary` and `kapsession record` on a real store: outputs, 0600 files written through
a temporary file and a rename, printing with and without `lp`, and one clear sentence for faults."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
from pdf_text import page_size_points, pdf_text
from summary_sessions import short_session

from kapsession import cli
from kapsession.summary import pdf as pdf_module


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    data, config = tmp_path / "data", tmp_path / "config"
    config.mkdir()
    (config / "settings.json").write_text(json.dumps({"therapist_name": "Dr Ana Reyes", "paper": "letter"}))
    monkeypatch.setenv("KAPSESSION_DATA_DIR", str(data))
    monkeypatch.setenv("KAPSESSION_CONFIG_DIR", str(config))
    return {"data": data, "config": config, "tmp": tmp_path}


@pytest.fixture
def session_id(env: dict[str, Path]) -> str:
    notes = [("Shared words SHAREDTOKEN", True, "client-words"), ("Private PRIVATETOKEN", False, "observation")]
    return short_session(notes=notes).into_store(env["data"])


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_markdown_and_html_on_stdout(session_id: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "summary", session_id, "--format", "md")
    assert code == 0, err
    assert out.startswith("# Maya Lindqvist") and "SHAREDTOKEN" in out and "PRIVATETOKEN" not in out
    assert "With Dr Ana Reyes" in out
    code, out, _ = run(capsys, "summary", session_id, "--format", "html")
    assert code == 0 and out.startswith("<!DOCTYPE html>") and "PRIVATETOKEN" not in out
    assert "@page { size: letter;" in out  # paper from the settings


def test_pdf_goes_to_the_private_exports_folder(
    session_id: str, env: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "summary", session_id)
    assert code == 0, err
    path = Path(out.strip())
    assert path.parent == env["data"] / "exports" and path.name.endswith(f"-{session_id}-summary.pdf")
    assert mode(path) == 0o600 and mode(path.parent) == 0o700
    assert path.read_bytes().startswith(b"%PDF")
    assert [round(v) for v in page_size_points(path.read_bytes())] == [612, 792]  # letter, from settings


def test_output_file_is_0600_and_paper_flag_wins(
    session_id: str, env: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    target = env["tmp"] / "out" / "summary.pdf"
    target.parent.mkdir()
    code, out, err = run(
        capsys, "summary", session_id, "--format", "pdf", "-o", str(target), "--paper", "a4", "--include-clinical"
    )
    assert code == 0, err
    assert out.strip() == str(target)
    assert mode(target) == 0o600
    pdf = target.read_bytes()
    assert [round(v) for v in page_size_points(pdf)] == [595, 842]
    text = pdf_text(pdf)
    assert "SHAREDTOKEN" in text and "PRIVATETOKEN" not in text and "124/80" in text
    assert sorted(p.name for p in target.parent.iterdir()) == ["summary.pdf"]  # no temp file left


def test_an_existing_file_is_replaced_whole_and_made_private(
    session_id: str, env: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    target = env["tmp"] / "summary.md"
    target.write_text("old")
    os.chmod(target, 0o644)
    assert run(capsys, "summary", session_id, "--format", "md", "-o", str(target), "--force")[0] == 0
    assert target.read_text().startswith("# Maya") and mode(target) == 0o600


def test_written_through_a_temporary_file_then_renamed(
    session_id: str, env: dict[str, Path], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    target = env["tmp"] / "record.pdf"
    renames: list[tuple[str, str]] = []
    real_replace = os.replace

    def spy(src: str, dst: str) -> None:
        assert Path(dst) == target and not target.exists(), "the target must not exist before the rename"
        assert Path(src).parent == target.parent and Path(src).name.startswith(".kapsession-")
        assert Path(src).read_bytes().startswith(b"%PDF") and mode(Path(src)) == 0o600
        renames.append((str(src), str(dst)))
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", spy)
    assert run(capsys, "record", session_id, "-o", str(target))[0] == 0
    assert len(renames) == 1 and target.exists()


def test_a_failed_write_leaves_nothing_half_written(
    session_id: str, env: dict[str, Path], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    target = env["tmp"] / "summary.pdf"
    target.write_bytes(b"the previous good copy")

    def failing(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", failing)
    code, out, err = run(capsys, "summary", session_id, "-o", str(target), "--force")
    assert code == 2
    assert err.strip() == f"kapsession: cannot write {target}: No space left on device"
    assert target.read_bytes() == b"the previous good copy"
    assert sorted(p.name for p in env["tmp"].iterdir() if p.name.startswith(".kapsession-")) == []


def test_unknown_id_is_one_sentence(env: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    short_session().into_store(env["data"])
    for command in (["summary", "zzzzzz"], ["record", "zzzzzz", "--format", "md"]):
        code, out, err = run(capsys, *command)
        assert code == 2 and out == ""
        assert err.startswith("kapsession: there is no session 'zzzzzz'") and err.count("\n") == 1


@pytest.mark.parametrize("where", ["missing-folder", "folder", "under-a-file"])
def test_unwritable_path_is_one_sentence(
    where: str, session_id: str, env: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = env["tmp"] / "a-file"
    blocker.write_text("x")
    target = {
        "missing-folder": env["tmp"] / "nowhere" / "s.pdf",
        "folder": env["tmp"],
        "under-a-file": blocker / "s.pdf",
    }[where]
    code, out, err = run(capsys, "summary", session_id, "-o", str(target))
    assert code == 2 and out == ""
    assert err.startswith(f"kapsession: cannot write {target}") and err.count("\n") == 1


def test_a_failed_render_is_one_sentence(
    session_id: str, env: dict[str, Path], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = env["tmp"] / "templates"
    broken.mkdir()
    (broken / "summary.typ").write_text("#let = oops\n")
    monkeypatch.setattr(pdf_module, "TEMPLATES", broken)
    target = env["tmp"] / "s.pdf"
    code, out, err = run(capsys, "summary", session_id, "-o", str(target))
    assert code == 1 and not target.exists()
    assert err.startswith("kapsession: the PDF could not be rendered (") and err.count("\n") == 1


def test_print_without_lp_says_so(
    session_id: str, env: dict[str, Path], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    empty = env["tmp"] / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    code, out, err = run(capsys, "summary", session_id, "--print")
    assert code == 1
    saved = Path(out.strip())
    assert saved.exists()
    assert err.strip() == (
        f"kapsession: there is no printer command (lp) on this computer, so nothing was printed; the file is at {saved}"
    )
    code, out, err = run(capsys, "summary", session_id, "--format", "md", "--print")
    assert code == 1 and out == "" and "no printer command (lp)" in err


def test_print_sends_the_pdf_to_lp(
    session_id: str, env: dict[str, Path], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    bin_dir = env["tmp"] / "bin"
    bin_dir.mkdir()
    received = env["tmp"] / "printed.pdf"
    args_file = env["tmp"] / "lp-args"
    lp = bin_dir / "lp"
    lp.write_text(
        f'#!/bin/sh\necho "$@" > "{args_file}"\nfor last; do :; done\ncp "$last" "{received}"\n'
        'echo "request id is office-42 (1 file(s))"\n'
    )
    lp.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}")
    code, out, err = run(capsys, "record", session_id, "--format", "md", "--print")
    assert code == 0, err
    assert out == ""  # md with --print and no -o: only the printing happens
    assert "request id is office-42" in err
    assert received.read_bytes().startswith(b"%PDF")
    assert "PRIVATETOKEN" in pdf_text(received.read_bytes())  # the record carries private notes
    assert args_file.read_text().startswith("-t kapsession record ")


def test_record_markdown_has_everything(session_id: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "record", session_id, "--format", "md")
    assert code == 0, err
    assert "PRIVATETOKEN" in out and "SHAREDTOKEN" in out and "[PRIVATE]" in out
    assert "## Every entry" in out and "## Vitals" in out
