"""A summary PDF's data is wrapped once (in `summary_template_data`, not again by `render_pdf`:
wrapping is idempotent)."""

from __future__ import annotations

from summary_sessions import long_session, short_session

from kapsession.summary import pdf as pdf_module
from kapsession.summary.model import build_summary


def test_summary_data_is_wrapped_once_and_wrapping_again_changes_nothing() -> None:
    notes = [("https://example.org/" + "a" * 300, True, "observation"), ("short", True, "client-words")]
    data = pdf_module.summary_template_data(build_summary(short_session(notes=notes).state()))
    assert "\u200b" in data["notes"][0]["paras"][0]  # the link was wrapped
    assert pdf_module.wrap_long_runs(data) == data
    data = pdf_module.summary_template_data(build_summary(long_session().state()))
    assert pdf_module.wrap_long_runs(data) == data
