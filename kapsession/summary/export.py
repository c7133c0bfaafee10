"""One place that turns a summary or a record into the bytes of a chosen format."""

from __future__ import annotations

from datetime import tzinfo
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported where used: the summary command never loads the record module
    from kapsession.core.state import SessionState
    from kapsession.summary.model import ClientSummary
    from kapsession.summary.record import ClinicalRecord

SUMMARY_FORMATS = ("md", "html", "pdf")
RECORD_FORMATS = ("md", "pdf")


def summary_bytes(summary: ClientSummary, fmt: str) -> bytes:
    if fmt == "md":
        from kapsession.summary.markdown import render_markdown

        return render_markdown(summary).encode("utf-8")
    if fmt == "html":
        from kapsession.summary.html import render_html

        return render_html(summary).encode("utf-8")
    if fmt == "pdf":
        from kapsession.summary.pdf import render_summary_pdf

        return render_summary_pdf(summary)
    raise ValueError(f"unknown summary format {fmt!r}")


def record_bytes(record: ClinicalRecord, fmt: str) -> bytes:
    if fmt == "md":
        from kapsession.summary.record import render_record_markdown

        return render_record_markdown(record).encode("utf-8")
    if fmt == "pdf":
        from kapsession.summary.pdf import render_record_pdf

        return render_record_pdf(record)
    raise ValueError(f"unknown record format {fmt!r}")


def session_day(state: SessionState, zone: tzinfo | None = None) -> str:
    """The session's local date as YYYY-MM-DD, for file names."""
    from kapsession.core.timeparse import to_local

    began = state.started_at or state.opened.at
    return to_local(began, zone).strftime("%Y-%m-%d")
