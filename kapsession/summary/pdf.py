"""PDF rendering in-process with the typst Python binding.

The templates ship inside the package (`kapsession/summary/templates/*.typ`). The data goes in as
one JSON string through `sys.inputs` and the template reads it with `json(bytes(...))`: nothing a
person typed is ever spliced into typst markup, so a note containing `#`, `*` or `$` prints as
written.

Fonts are embedded in the PDF. Typst brings Libertinus Serif (Latin, Greek, Cyrillic, Hebrew) and
New Computer Modern; the `manimgx-fonts` and `manimgx-fonts-cjk` pip packages bring Noto Sans
(Latin, Greek, Cyrillic), Noto Sans for Arabic, Devanagari, Hebrew, Thai and the other scripts
Latin faces lack, Noto Sans CJK (Chinese, Japanese, Korean), Noto Sans Symbols and Noto Emoji (a
monochrome emoji face). Only families that are actually present are named to typst, so a missing
package degrades to typst's own fonts and whatever the system has instead of failing.
"""

from __future__ import annotations

import json
import re
import threading
from importlib.util import find_spec
from pathlib import Path
from typing import Any, Literal

from kapsession.core.errors import KapsessionError
from kapsession.core.text_rule import visible

TEMPLATES = Path(__file__).resolve().parent / "templates"
FONT_PACKAGES = ("manimgx_fonts", "manimgx_fonts_cjk")
PdfStandard = Literal["a-2a"]  # the one archival level we produce
PDF_STANDARD: PdfStandard = "a-2a"  # PDF/A-2 level A: archival, tagged, text extractable

SERIF_FIRST = ("Libertinus Serif", "Noto Serif")
SANS_FIRST = ("Noto Sans", "DejaVu Sans")
FALLBACKS = (
    "Noto Sans",
    "Noto Sans Arabic",
    "Noto Sans Hebrew",
    "Noto Sans Devanagari",
    "Noto Sans Bengali",
    "Noto Sans Gurmukhi",
    "Noto Sans Gujarati",
    "Noto Sans Tamil",
    "Noto Sans Telugu",
    "Noto Sans Kannada",
    "Noto Sans Malayalam",
    "Noto Sans Oriya",
    "Noto Sans Sinhala",
    "Noto Sans Thai",
    "Noto Sans Lao",
    "Noto Sans Khmer",
    "Noto Sans Myanmar",
    "Noto Sans Georgian",
    "Noto Sans Armenian",
    "Noto Sans Ethiopic",
    "Noto Sans CJK SC",
    "Noto Sans CJK JP",
    "Noto Sans CJK KR",
    "Noto Sans CJK TC",
    "Noto Sans Symbols",
    "Noto Emoji",
    "DejaVu Sans",
    "New Computer Modern",
)

# A run of this many characters without a break opportunity gets zero-width spaces, so a pasted
# link or a long word wraps at the margin instead of running off the page.
LONG_RUN = 36
_LONG_RUN = re.compile(rf"[^\s\u200b/\-]{{{LONG_RUN},}}")
ZWSP = "\u200b"


class RenderError(KapsessionError):
    """The PDF could not be rendered; the message is one sentence."""


def font_dirs() -> list[str]:
    """Folders of the font packages that are installed (none is required to render)."""
    found = []
    for name in FONT_PACKAGES:
        spec = find_spec(name)
        if spec is not None and spec.origin:
            found.append(str(Path(spec.origin).parent))
    return found


# Scripts the packaged fonts (and typst's own) cover, by the first word of a character's Unicode
# name. Text made only of these never needs the system's fonts, and only text with one of the
# CJK words needs the (large) CJK collection loaded.
PACKAGED_SCRIPTS = frozenset(
    (
        "LATIN",
        "GREEK",
        "CYRILLIC",
        "ARABIC",
        "HEBREW",
        "DEVANAGARI",
        "BENGALI",
        "GURMUKHI",
        "GUJARATI",
        "ORIYA",
        "TAMIL",
        "TELUGU",
        "KANNADA",
        "MALAYALAM",
        "SINHALA",
        "THAI",
        "LAO",
        "MYANMAR",
        "GEORGIAN",
        "ARMENIAN",
        "ETHIOPIC",
        "KHMER",
        "COMBINING",
        "MODIFIER",
        "DIGIT",
        "VULGAR",
        "SUPERSCRIPT",
        "SUBSCRIPT",
    )
)
CJK_SCRIPTS = frozenset(
    ("CJK", "HIRAGANA", "KATAKANA", "HANGUL", "BOPOMOFO", "IDEOGRAPHIC", "FULLWIDTH", "HALFWIDTH", "KANGXI")
)


def needs(text: str) -> tuple[bool, bool]:
    """(CJK fonts, system fonts) that this text needs, judged from the characters in it."""
    import unicodedata

    cjk = system = False
    for char in set(text):
        if char.isascii():
            continue
        category = unicodedata.category(char)
        first = unicodedata.name(char, "").split(" ", 1)[0]
        if first in CJK_SCRIPTS:
            cjk = True
        elif first in PACKAGED_SCRIPTS or category[0] in "PSZN" or category in ("Cf", "Cc", "Mn"):
            continue  # punctuation, symbols, emoji, spaces, numbers, joiners: Noto Symbols/Emoji
        else:
            system = True
    return cjk, system


_fonts_lock = threading.Lock()
_font_cache: dict[tuple[bool, bool], Any] = {}


def fonts(cjk: bool = True, system: bool = True) -> Any:
    """A typst font book (cached): the packaged fonts, the CJK collection and the system's fonts as
    asked. Without the font packages the system's fonts are always included."""
    import typst

    dirs = font_dirs()
    if not dirs:
        system = True
    if not cjk:
        dirs = [d for d in dirs if not d.rstrip("/").endswith("_cjk")]
    key = (cjk, system)
    with _fonts_lock:
        if key not in _font_cache:
            _font_cache[key] = typst.Fonts(include_system_fonts=system, include_embedded_fonts=True, font_paths=dirs)
        return _font_cache[key]


def available_families() -> frozenset[str]:
    return frozenset(family.casefold() for family in fonts().families())


def font_stack(first: tuple[str, ...], book: Any = None) -> list[str]:
    """The preferred families followed by every script fallback, keeping only installed ones."""
    have = frozenset(family.casefold() for family in (book or fonts()).families())
    stack: list[str] = []
    for family in (*first, *FALLBACKS):
        if family.casefold() in have and family not in stack:
            stack.append(family)
    return stack or ["Libertinus Serif"]


def wrap_long_runs(value: Any) -> Any:
    """Zero-width spaces inside very long unbroken runs, throughout a JSON-able structure (and
    any character the text rule refuses written out as an escape, as every renderer does)."""
    if isinstance(value, str):
        return _LONG_RUN.sub(
            lambda m: ZWSP.join(m.group(0)[i : i + 24] for i in range(0, len(m.group(0)), 24)), visible(value)
        )
    if isinstance(value, list):
        return [wrap_long_runs(item) for item in value]
    if isinstance(value, tuple):
        return [wrap_long_runs(item) for item in value]
    if isinstance(value, dict):
        return {key: wrap_long_runs(item) for key, item in value.items()}
    return value


def _json(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False)


def render_pdf(
    template: str,
    data: dict[str, Any],
    *,
    paper: str = "a4",
    pdf_standard: PdfStandard | None = PDF_STANDARD,
    runs_wrapped: bool = False,
) -> bytes:
    """Compile `templates/<template>.typ` with `data`; returns the PDF bytes or raises RenderError.
    `runs_wrapped`: `data` has been through `wrap_long_runs` already (doing it again changes nothing)."""
    try:
        import typst
    except ImportError as error:  # pragma: no cover - typst is a dependency
        raise RenderError("PDF rendering needs the typst package, which is not installed") from error
    source = TEMPLATES / f"{template}.typ"
    if not source.is_file():
        raise RenderError(f"the PDF template {source.name} is missing from this installation")
    payload = dict(data if runs_wrapped else wrap_long_runs(data))
    payload["paper"] = "us-letter" if paper == "letter" else "a4"
    book = fonts(*needs(_json(payload)))
    payload["fonts"] = {"serif": font_stack(SERIF_FIRST, book), "sans": font_stack(SANS_FIRST, book)}
    compiler = None
    try:
        compiler = typst.Compiler(source, root=str(TEMPLATES), font_paths=book, sys_inputs={"data": _json(payload)})
        try:
            result = compiler.compile(format="pdf", pdf_standards=pdf_standard or [])
        except Exception as error:
            # PDF/A refuses a character no installed font can show. Rather than no document at
            # all, print it without the PDF/A mark (that character shows as a box).
            if not pdf_standard or "could not be displayed" not in str(getattr(error, "message", "") or error):
                raise
            result = compiler.compile(format="pdf")
    except Exception as error:
        text = str(getattr(error, "message", "") or error).strip()
        message = text.splitlines()[0] if text else type(error).__name__
        raise RenderError(f"the PDF could not be rendered ({message})") from error
    if not isinstance(result, (bytes, bytearray)) or not bytes(result).startswith(b"%PDF"):
        raise RenderError("the PDF could not be rendered (typst returned no document)")
    return without_suspects_false(bytes(result))


# Typst writes `/MarkInfo<</Marked true/Suspects false>>` into every PDF (any standard, or none).
# That is valid PDF, but poppler (pdfinfo, pdftotext, and so CUPS filters and most Linux viewers;
# 22.12 here) accepts only `true` there and says "Syntax Error: Suspects object is wrong type
# (boolean)" for each file. `false` is what an absent key means, so the key is blanked out with
# spaces of the same length: no offset in the file moves, and PDF/A-2a and PDF/UA ask only that
# Suspects is not true.
_MARK_INFO_SUSPECTS_FALSE = b"/MarkInfo<</Marked true/Suspects false>>"
_MARK_INFO_MARKED = b"/MarkInfo<</Marked true>>"


def without_suspects_false(pdf: bytes) -> bytes:
    """`pdf` with typst's `/Suspects false` blanked out of its MarkInfo (see above); unchanged when
    typst writes it some other way."""
    if pdf.count(_MARK_INFO_SUSPECTS_FALSE) != 1:
        return pdf
    padding = b" " * (len(_MARK_INFO_SUSPECTS_FALSE) - len(_MARK_INFO_MARKED))
    return pdf.replace(_MARK_INFO_SUSPECTS_FALSE, _MARK_INFO_MARKED + padding)


_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")

# A note longer than this (in characters or lines) may break across pages; a shorter one is kept
# whole with its caption, so a page break moves it to the next page (leaving at most a few lines
# free) instead of parting it from its time.
SHORT_NOTE_CHARS = 400
SHORT_NOTE_LINES = 6


def paragraphs(text: str) -> list[str]:
    """Blank-line separated paragraphs, trimmed; single line breaks stay line breaks."""
    return [part.strip() for part in _PARAGRAPH_BREAK.split(text.strip()) if part.strip()]


def summary_template_data(summary: Any) -> dict[str, Any]:
    """`summary.to_data()` with what is simpler said in Python than in typst, for every note:
    the paragraphs (a quote with its marks), the caption, and whether the note may break."""
    data = wrap_long_runs(summary.to_data())
    for note in data["notes"]:
        text = note["text"].strip()
        parts = paragraphs("\u201c" + text + "\u201d" if note["quote"] else text)
        note["paras"] = parts
        note["caption"] = " \u00b7 ".join(part for part in (note["time"], note["moment"].lower()) if part)
        note["breakable"] = len(text) > SHORT_NOTE_CHARS or text.count("\n") >= SHORT_NOTE_LINES
    return data


def render_summary_pdf(summary: Any) -> bytes:
    """A `ClientSummary` as PDF (the summary's paper size)."""
    return render_pdf("summary", summary_template_data(summary), paper=summary.paper, runs_wrapped=True)


def render_record_pdf(record: Any) -> bytes:
    return render_pdf("record", record.to_data(), paper=record.paper)
