"""The course documents as the bytes of a chosen format (Markdown, or PDF through typst)."""

from __future__ import annotations

from kapsession.course.report import CourseReport, ProgressPage

FORMATS = ("md", "pdf")


def course_bytes(document: CourseReport | ProgressPage, fmt: str) -> bytes:
    if fmt == "md":
        from kapsession.course.markdown import render_course_markdown, render_progress_markdown

        if isinstance(document, CourseReport):
            return render_course_markdown(document).encode("utf-8")
        return render_progress_markdown(document).encode("utf-8")
    if fmt == "pdf":
        from kapsession.summary.pdf import render_pdf

        template = "course" if isinstance(document, CourseReport) else "progress"
        return render_pdf(template, document.to_data(), paper=document.paper)
    raise ValueError(f"unknown course format {fmt!r}")
