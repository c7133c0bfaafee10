"""The text a person (or a search) gets out of a PDF: `pdftotext` when installed, else pypdf."""

from __future__ import annotations

import shutil
import subprocess

import pytest


def pdf_text(pdf: bytes) -> str:
    if shutil.which("pdftotext"):
        result = subprocess.run(
            ["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True, timeout=60
        )
        return result.stdout.decode("utf-8", "replace")
    try:
        import pypdf
    except ImportError:  # pragma: no cover - pypdf is a test dependency
        pytest.skip("neither pdftotext (poppler-utils) nor pypdf is installed")
    import io

    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def page_count(pdf: bytes) -> int:
    try:
        import pypdf
    except ImportError:  # pragma: no cover
        return pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages")
    import io

    return len(pypdf.PdfReader(io.BytesIO(pdf)).pages)


def page_size_points(pdf: bytes) -> tuple[float, float]:
    import io

    import pypdf

    box = pypdf.PdfReader(io.BytesIO(pdf)).pages[0].mediabox
    return float(box.width), float(box.height)
