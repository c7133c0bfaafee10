"""The PDF: rendered in-process by typst from JSON data, fonts embedded, PDF/A, A4 or Letter,
every script in the names prints, long notes flow, a typical session fits one page."""

from __future__ import annotations

import io
import json

import pytest
from pdf_text import page_count, page_size_points, pdf_text
from summary_sessions import MULTISCRIPT_CLIENT, long_session, multiscript_session, short_session

from kapsession.summary import pdf as pdf_module
from kapsession.summary.model import build_summary
from kapsession.summary.pdf import RenderError, font_dirs, render_pdf, render_summary_pdf, wrap_long_runs


@pytest.fixture(scope="module")
def short_pdf() -> bytes:
    return render_summary_pdf(build_summary(short_session().state(), therapist_name="Dr Ana Reyes"))


def test_renders_a_one_page_pdf_a_document(short_pdf: bytes) -> None:
    assert short_pdf.startswith(b"%PDF")
    assert page_count(short_pdf) == 1
    assert b"pdfaid:part" in short_pdf and b"pdfaid:conformance" in short_pdf
    text = pdf_text(short_pdf)
    assert "Maya Lindqvist" in text and "Dr Ana Reyes" in text
    assert "I am allowed to rest." in text


def test_paper_sizes(short_pdf: bytes) -> None:
    width, height = page_size_points(short_pdf)
    assert (round(width), round(height)) == (595, 842)  # A4
    letter = render_summary_pdf(build_summary(short_session().state(), paper="letter"))
    width, height = page_size_points(letter)
    assert (round(width), round(height)) == (612, 792)


def _font_files(pdf: bytes) -> dict[str, bool]:
    import pypdf

    reader = pypdf.PdfReader(io.BytesIO(pdf))
    found: dict[str, bool] = {}
    for page in reader.pages:
        fonts = page["/Resources"].get_object().get("/Font", {})
        for font in fonts.values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            target = descendants[0].get_object() if descendants else font
            descriptor = target.get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor else {}
            embedded = any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))
            found[str(font.get("/BaseFont"))] = embedded
    return found


def test_every_font_is_embedded(short_pdf: bytes) -> None:
    fonts = _font_files(short_pdf)
    assert fonts and all(fonts.values()), fonts


def test_names_and_notes_in_many_scripts_print() -> None:
    pdf = render_summary_pdf(build_summary(multiscript_session().state()))
    assert page_count(pdf) == 1
    text = pdf_text(pdf)
    for piece in ("Zoë", "Ñúñez", "Αλεξίου", "Ольга", "山田太", "김민준", "Crème brûlée", "Łódź", "Сказала"):
        assert piece in text, piece
    if len(font_dirs()) == 2:  # the Noto font packages are installed: every script has its face
        names = " ".join(_font_files(pdf))
        for face in ("NotoSansArabic", "NotoSansDevanagari", "NotoSansCJK", "NotoEmoji"):
            assert face in names, f"{face} not used; fonts were {names}"


def test_client_text_is_never_markup() -> None:
    tricky = '#let x = 1 $a^2$ *not bold* _no_ <label> @ref = heading \\ ] [ "quotes" // not a comment'
    pdf = render_summary_pdf(build_summary(short_session(notes=[(tricky, True, "observation")]).state()))
    text = " ".join(pdf_text(pdf).split())
    assert "#let x = 1 $a^2$ *not bold* _no_ <label> @ref = heading \\ ] [" in text
    assert "// not a comment" in text


def test_long_session_flows_across_pages() -> None:
    script = long_session()
    summary = build_summary(script.state())
    assert len(summary.notes) == 50
    pdf = render_summary_pdf(summary)
    assert 2 <= page_count(pdf) <= 8
    text = pdf_text(pdf)
    assert "(note 1)" in text and "(note 148)" in text
    assert "Looking after yourself".upper().replace(" ", "") in "".join(text.upper().split())


def test_an_unbroken_run_wraps_instead_of_running_off_the_page() -> None:
    assert "\u200b" in wrap_long_runs("x" * 80)
    assert wrap_long_runs("short words stay as they are") == "short words stay as they are"
    run = "https://example.org/" + "a" * 300
    pdf = render_summary_pdf(build_summary(short_session(notes=[(run, True, "observation")]).state()))
    text = pdf_text(pdf).replace("\u200b", "").replace("\n", "")
    assert "a" * 200 in text


def test_a_failed_render_is_one_sentence(tmp_path, monkeypatch) -> None:
    (tmp_path / "summary.typ").write_text("#let data = json(bytes(sys.inputs.data))\n#data.missing_field\n")
    monkeypatch.setattr(pdf_module, "TEMPLATES", tmp_path)
    with pytest.raises(RenderError) as caught:
        render_summary_pdf(build_summary(short_session().state()))
    message = str(caught.value)
    assert message.startswith("the PDF could not be rendered (") and "\n" not in message


def test_a_missing_template_is_reported(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(pdf_module, "TEMPLATES", tmp_path)
    with pytest.raises(RenderError, match="template summary.typ is missing"):
        render_pdf("summary", {})


def test_data_reaches_typst_as_json_not_markup(monkeypatch) -> None:
    seen: dict[str, str] = {}
    real = pdf_module.render_pdf

    def spy(template: str, data: dict, **kwargs: object) -> bytes:
        seen["json"] = json.dumps(data)
        return real(template, data, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(pdf_module, "render_pdf", spy)
    pdf_module.render_summary_pdf(build_summary(multiscript_session().state()))
    assert MULTISCRIPT_CLIENT in json.loads(seen["json"])["client_name"]
    template = (pdf_module.TEMPLATES / "summary.typ").read_text()
    assert "sys.inputs" in template and "eval(" not in template


def test_without_the_font_packages_it_still_renders(monkeypatch) -> None:
    monkeypatch.setattr(pdf_module, "font_dirs", lambda: [])
    monkeypatch.setattr(pdf_module, "_font_cache", {})
    pdf = render_summary_pdf(build_summary(multiscript_session().state()))
    text = pdf_text(pdf)
    assert "Zoë" in text and "Ольга" in text  # Libertinus Serif, typst's own, covers these


def test_fonts_are_loaded_only_for_the_scripts_present() -> None:
    from kapsession.summary.pdf import needs

    assert needs("Maya Lindqvist, Zoë, Ольга, Γιώργος, محمد, देवनागरी 🌿") == (False, False)
    assert needs("山田 太郎") == (True, False) and needs("김민준") == (True, False)
    assert needs("ᚠᚢᚦ") == (False, True)  # runes: only the system's fonts might have them


def test_summary_modules_do_not_load_textual() -> None:
    import subprocess
    import sys

    code = (
        "import sys, kapsession.summary.command_line, kapsession.summary.model, kapsession.summary.record, "
        "kapsession.summary.pdf, kapsession.summary.html, kapsession.summary.markdown, kapsession.summary.files; "
        "print('textual' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


def test_note_paragraphs_captions_and_breaking_are_worked_out_before_typst() -> None:
    from kapsession.summary.pdf import SHORT_NOTE_CHARS, paragraphs, summary_template_data

    assert paragraphs("  one\n\ntwo\n \t\nthree\nstill three  ") == ["one", "two", "three\nstill three"]
    assert paragraphs("\n\n  \n") == []
    long_text = "word " * (SHORT_NOTE_CHARS // 4)
    notes = [
        ("resting, eyes closed", True, "observation"),
        ("I am allowed to rest", True, "client-words"),
        (long_text, True, "observation"),
        ("a\nb\nc\nd\ne\nf\ng", True, "client-words"),
    ]
    data = summary_template_data(build_summary(short_session(notes=notes).state()))
    short, quote, long_note, many_lines = data["notes"]
    assert short["paras"] == ["resting, eyes closed"] and short["breakable"] is False
    assert quote["paras"] == ["\u201cI am allowed to rest\u201d"] and quote["breakable"] is False
    assert short["caption"] == f"{short['time']} \u00b7 {short['moment'].lower()}"
    assert long_note["breakable"] is True and many_lines["breakable"] is True


def test_a_short_note_is_never_parted_from_its_time() -> None:
    import re
    import shutil

    if not shutil.which("pdftotext"):
        pytest.skip("needs pdftotext (poppler-utils) to read the pages one by one")
    import subprocess

    summary = build_summary(long_session().state())
    pdf = render_summary_pdf(summary)
    pages = []
    for number in range(1, page_count(pdf) + 1):
        done = subprocess.run(
            ["pdftotext", "-f", str(number), "-l", str(number), "-enc", "UTF-8", "-", "-"],
            input=pdf,
            capture_output=True,
            check=True,
            timeout=60,
        )
        pages.append(" ".join(done.stdout.decode("utf-8").split()))
    checked = 0
    for note in summary.notes:
        label = re.search(r"\(note \d+\)", note.text)
        if label is None or len(note.text) > 200:
            continue  # long notes may flow across a page break
        page = next(i for i, text in enumerate(pages) if label.group(0) in text)
        assert f"{note.time} \u00b7" in pages[page], f"{label.group(0)} is on page {page + 1} without its time"
        checked += 1
    assert checked > 30


def test_a_long_phase_name_wraps_inside_its_half_of_the_timeline() -> None:
    import re
    import shutil
    import subprocess

    if not shutil.which("pdftotext"):
        pytest.skip("needs pdftotext (poppler-utils) for the positions of words")
    from kapsession.summary.pdf import summary_template_data

    data = summary_template_data(build_summary(short_session().state()))
    steps = data["timeline"]
    assert len(steps) == 7  # four rows: steps 0-3 on the left, 4-6 on the right
    steps[1]["words"] = "A very long phase name that certainly wraps onto a second line here"
    pdf = render_pdf("summary", data, runs_wrapped=True)
    done = subprocess.run(
        ["pdftotext", "-f", "1", "-l", "1", "-bbox", "-", "-"], input=pdf, capture_output=True, check=True, timeout=60
    )
    words: dict[str, list[tuple[float, float, float]]] = {}
    for x_min, y_min, x_max, word in re.findall(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>',
        done.stdout.decode("utf-8"),
    ):
        words.setdefault(word, []).append((float(x_min), float(y_min), float(x_max)))

    def first(word: str) -> tuple[float, float, float]:
        return min(words[word], key=lambda box: box[1])  # the timeline is above any note

    right_column = first(steps[4]["time"])[0]
    top, bottom = first(steps[0]["time"])[1] - 5, first(steps[3]["time"])[1] + 5
    others = {word for i, step in enumerate(steps) if i != 1 for word in step["words"].split()}
    for word in set(steps[1]["words"].split()) - others:
        for _, y_min, x_max in words[word]:
            if top < y_min < bottom:
                assert x_max < right_column, f"{word!r} runs into the right half of the timeline"
    assert first("second")[1] > first("certainly")[1]  # wrapped onto a second line
    assert first(steps[2]["time"])[1] > first("second")[1]  # the next step comes below both lines
    # the rows line up across the two halves
    assert first(steps[6]["time"])[1] == pytest.approx(first(steps[2]["time"])[1], abs=1.5)
