"""When to call: the practice's phone and a crisis line from the settings, printed under the
summary's aftercare in every format, and the preview flags either one that is empty."""

from __future__ import annotations

from pdf_text import pdf_text
from summary_sessions import short_session

from kapsession.settings import Settings, parse_settings
from kapsession.summary.html import render_html
from kapsession.summary.markdown import render_markdown
from kapsession.summary.model import summary_for
from kapsession.summary.pdf import render_summary_pdf
from kapsession.tui.screens.preview import included_line


def test_both_numbers_print_under_when_to_call() -> None:
    settings = Settings(practice_phone="555 0100", crisis_line="Regional crisis line 555 0199")
    summary = summary_for(short_session().state(), settings=settings)
    assert summary.call_numbers == ("The practice: 555 0100", "Crisis line: Regional crisis line 555 0199")
    markdown = render_markdown(summary)
    assert markdown.index("**When to call.**") < markdown.index("- The practice: 555 0100")
    assert "- Crisis line: Regional crisis line 555 0199" in markdown
    assert "<li>The practice: 555 0100</li>" in render_html(summary)
    text = " ".join(pdf_text(render_summary_pdf(summary)).split())
    assert "The practice: 555 0100" in text and "Crisis line: Regional crisis line 555 0199" in text


def test_the_preview_flags_an_empty_number() -> None:
    state = short_session().state()
    neither = summary_for(state, settings=Settings())
    assert "Not set: the practice's phone and a crisis line" in included_line(neither, state)
    only_phone = summary_for(state, settings=Settings(practice_phone="555 0100"))
    line = included_line(only_phone, state)
    assert "Not set: a crisis line" in line and "phone" not in line.split("Not set:")[1]
    both = summary_for(state, settings=Settings(practice_phone="555 0100", crisis_line="555 0199"))
    assert "Not set" not in included_line(both, state)


def test_settings_files_from_before_keep_working() -> None:
    settings = parse_settings({"theme": "dim-room", "practice_name": "Quiet Harbour"})
    assert (settings.practice_phone, settings.crisis_line) == ("", "")
