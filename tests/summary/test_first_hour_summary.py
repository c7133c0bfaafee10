"""Issue 17, the first hour, in the summary and the record: the format follows the -o file's name,
the chart's legend only under a chart, PDFs poppler reads without a word and whose headings
extract as words, and Markdown that shows every note as typed."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from pdf_text import pdf_text
from summary_sessions import Script, short_session

from kapsession import cli
from kapsession.summary.markdown import render_markdown
from kapsession.summary.model import build_summary
from kapsession.summary.pdf import render_record_pdf, render_summary_pdf
from kapsession.summary.record import record_for

LEGEND = "Solid lines: blood pressure"


@pytest.fixture
def session_id(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    config = tmp_path / "config"
    config.mkdir()
    (config / "settings.json").write_text(json.dumps({"therapist_name": "Dr Ana Reyes"}))
    monkeypatch.setenv("KAPSESSION_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("KAPSESSION_CONFIG_DIR", str(config))
    return short_session(notes=[("Shared words", True, "client-words")]).into_store(tmp_path / "data")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


# --- 4. the format from -o's extension -----------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "starts"),
    [
        ("s.html", b"<!DOCTYPE html>"),
        ("s.HTM", b"<!DOCTYPE html>"),
        ("s.md", b"# Maya Lindqvist"),
        ("s.pdf", b"%PDF"),
        ("summary", b"%PDF"),
    ],
)
def test_the_output_files_extension_chooses_the_format(
    session_id: str, tmp_path: Path, name: str, starts: bytes, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / name
    code, out, err = run(capsys, "summary", session_id, "-o", str(target))
    assert code == 0, err
    assert target.read_bytes().startswith(starts)


def test_the_record_takes_its_format_from_the_extension_too(
    session_id: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "record.md"
    assert run(capsys, "record", session_id, "-o", str(target))[0] == 0
    assert target.read_text().startswith("# Clinical session record")


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (
            ["summary", "-o", "{tmp}/s.html", "--format", "pdf"],
            "{tmp}/s.html is named as HTML but --format asks for pdf; drop --format or name the file .pdf",
        ),
        (
            ["summary", "-o", "{tmp}/s.txt"],
            "{tmp}/s.txt ends in .txt, which names no format: name the file .md or .html or .pdf, or give --format",
        ),
        (["record", "-o", "{tmp}/r.html"], "the record is not written as HTML ({tmp}/r.html): accepted md or pdf"),
    ],
)
def test_a_contradiction_is_one_sentence_exit_2_and_no_file(
    session_id: str, tmp_path: Path, argv: list[str], says: str, capsys: pytest.CaptureFixture[str]
) -> None:
    words = [word.format(tmp=tmp_path) for word in argv]
    code, out, err = run(capsys, words[0], session_id, *words[1:])
    assert (code, out) == (2, "")
    assert err == f"kapsession: {says.format(tmp=tmp_path)}\n"
    assert not any(path.suffix in (".html", ".txt") for path in tmp_path.iterdir())


# --- 11. the chart's legend ----------------------------------------------------------------------


def one_reading_session() -> Script:
    script = Script()
    script.phase("intake")
    script.wait(minutes=5).vitals("124/80 72 98")
    return script


def test_one_reading_draws_no_chart_and_so_no_legend() -> None:
    summary = build_summary(one_reading_session().state(), include_clinical_figures=True)
    text = pdf_text(render_summary_pdf(summary))
    assert "124/80" in text  # the table is there
    assert LEGEND not in text
    record_text = pdf_text(render_record_pdf(record_for(one_reading_session().state(), "abcdef")))
    assert "dashed: heart rate" not in record_text


def test_two_readings_draw_the_chart_with_its_legend() -> None:
    script = one_reading_session()
    script.wait(minutes=15).vitals("130/84 80 97")
    text = pdf_text(render_summary_pdf(build_summary(script.state(), include_clinical_figures=True)))
    assert LEGEND in " ".join(text.split())


# --- 12. PDF/A: read without a word, headings as words -------------------------------------------


@pytest.fixture(scope="module")
def pdfs() -> dict[str, bytes]:
    state = short_session().state()
    return {
        "summary": render_summary_pdf(build_summary(state, include_clinical_figures=True)),
        "record": render_record_pdf(record_for(state, "abcdef")),
    }


@pytest.mark.parametrize("kind", ["summary", "record"])
def test_poppler_reads_the_pdf_without_a_complaint(pdfs: dict[str, bytes], kind: str, tmp_path: Path) -> None:
    pdf = pdfs[kind]
    assert b"/Suspects" not in pdf
    import io

    import pypdf

    reader = pypdf.PdfReader(io.BytesIO(pdf), strict=True)  # the cross-reference table still holds
    assert reader.trailer["/Root"]["/MarkInfo"] == {"/Marked": True}  # tagged, as PDF/A-2a asks
    if shutil.which("pdfinfo") is None:
        pytest.skip("pdfinfo (poppler-utils) is not installed")
    path = tmp_path / f"{kind}.pdf"
    path.write_bytes(pdf)
    result = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, timeout=60, check=True)
    assert result.stderr == ""
    assert "Tagged:          yes" in result.stdout


def test_headings_extract_as_words(pdfs: dict[str, bytes]) -> None:
    summary = pdf_text(pdfs["summary"])
    for heading in ("SESSION 3 OF 6", "YOUR INTENTION", "WHAT YOU CHOSE TO KEEP", "LOOKING AFTER YOURSELF"):
        assert heading in summary, heading
    record = pdf_text(pdfs["record"])
    for heading in ("CLINICAL SESSION RECORD", "VITALS", "EVERY ENTRY"):
        assert heading in record, heading


# --- 14. Markdown shows every note as typed ------------------------------------------------------


def test_a_shared_note_reads_as_typed_in_markdown() -> None:
    from markdown_it import MarkdownIt  # Textual's Markdown parser, CommonMark

    typed = "First, the lake &copy; me\n\n    an indented line\n\ta tabbed one &amp; more"
    script = Script()
    script.phase("intake")
    script.note(typed, shareable=True)
    markdown = render_markdown(build_summary(script.state()))
    html = MarkdownIt("commonmark").render(markdown)
    assert "<code>" not in html and "<pre>" not in html
    assert "&amp;copy;" in html and "&amp;amp;" in html  # shown as typed, not as © and &
    assert "\u00a0\u00a0\u00a0\u00a0a tabbed one" in html  # the indent kept
