"""What the client summary says: header, intention, timeline, shared notes, prompts, aftercare,
next session, and clinical figures only when asked for."""

from __future__ import annotations

from datetime import timedelta

from summary_sessions import Script, short_session

from kapsession.core import commands
from kapsession.core.phases import PHASE_SOFT_WORDS
from kapsession.summary.html import render_html
from kapsession.summary.markdown import escape, render_markdown
from kapsession.summary.model import HEADING_HOME, build_summary, clock, fill_prompts

NAMES = {"therapist_name": "Dr Ana Reyes", "practice_name": "Quiet Harbour Practice"}


def test_header_names_session_and_route() -> None:
    state = short_session("Maya Lindqvist").state()
    summary = build_summary(state, **NAMES)
    assert summary.client_name == "Maya Lindqvist"
    assert summary.session_label == "Session 3 of 6"
    assert summary.date == "Monday 2 March 2026"
    assert summary.with_line == "With Dr Ana Reyes \u00b7 Quiet Harbour Practice"
    assert summary.route_words == "a lozenge (troche) held in the mouth"
    markdown = render_markdown(summary)
    assert markdown.startswith("# Maya Lindqvist\n")
    assert "Session 3 of 6" in markdown and "Quiet Harbour Practice" in markdown
    assert "lozenge (troche) held in the mouth" in markdown


def test_session_number_without_a_series_length() -> None:
    script = Script(series_number=4, series_length=None)
    assert build_summary(script.state()).session_label == "Session 4"


def test_missing_names_leave_no_empty_with_line() -> None:
    summary = build_summary(short_session().state())
    assert summary.with_line == ""
    assert "With " not in render_markdown(summary)


def test_intention_cards_and_gentle_timeline() -> None:
    script = short_session()
    state = script.state()
    summary = build_summary(state)
    assert summary.intention == state.intention
    assert list(summary.cards) == state.cards and len(summary.cards) == 2
    words = [step.words for step in summary.timeline]
    assert words[:6] == [PHASE_SOFT_WORDS[span.phase] for span in state.spans]
    assert words[-1] == HEADING_HOME
    assert [step.time for step in summary.timeline][0] == clock(state.spans[0].started_at)
    markdown = render_markdown(summary)
    for word in ("Peak", "MOAA", "mg", "T+", "BP"):
        assert word not in markdown, f"clinical term {word!r} in the client's timeline"


def test_shared_notes_with_client_words_as_quotes() -> None:
    state = short_session().state()
    summary = build_summary(state)
    shared = [note for note in state.notes if note.shareable]
    assert [note.text for note in summary.notes] == [note.text for note in shared]
    quotes = [note for note in summary.notes if note.quote]
    assert quotes and all(n.text.startswith(("I am", "It was")) for n in quotes)
    markdown = render_markdown(summary)
    assert "> \u201cI am allowed to rest. I don't have to earn it.\u201d" in markdown
    assert (
        "<blockquote><p>\u201cI am allowed to rest. I don&#x27;t have to earn it.\u201d</p></blockquote>"
        in render_html(summary)
    )


def test_prompts_are_tied_to_the_intention() -> None:
    state = short_session().state()
    prompts = build_summary(state).prompts
    assert any(
        "\u201cto be gentler with myself, and to stop apologising for taking up space\u201d" in p for p in prompts
    )
    assert not any("{intention}" in p for p in prompts)


def test_prompts_needing_an_intention_are_left_out_without_one() -> None:
    prompts = ["You came in with the intention: {intention}. What shifted?", "What felt lighter?"]
    assert fill_prompts(prompts, None) == ("What felt lighter?",)
    assert fill_prompts(prompts, "  ") == ("What felt lighter?",)
    assert fill_prompts(prompts, "to rest.") == (
        "You came in with the intention: \u201cto rest\u201d. What shifted?",
        "What felt lighter?",
    )
    script = Script()
    script.phase("intake")
    summary = build_summary(script.state())
    assert summary.intention is None
    assert summary.prompts and not any("intention" in p.lower() and "{" in p for p in summary.prompts)


def test_aftercare_when_to_call_and_next_session() -> None:
    script = short_session()
    state = script.state()
    summary = build_summary(state)
    assert list(summary.aftercare) == list(state.preset.aftercare)
    assert summary.when_to_call == state.preset.when_to_call.strip()
    assert summary.next_session is not None and summary.next_session.endswith(" March 2026 at 10:00")
    markdown = render_markdown(summary)
    assert "## Your next session" in markdown
    assert "No driving" in markdown and "When to call." in markdown


def test_no_next_session_section_when_none_is_set() -> None:
    summary = build_summary(short_session(next_session=None).state())
    assert summary.next_session is None
    assert "next session" not in render_markdown(summary).lower()
    assert "Your next session" not in render_html(summary)


def test_clinical_figures_only_when_asked() -> None:
    state = short_session().state()
    plain = build_summary(state)
    assert plain.clinical is None
    for text in (render_markdown(plain), render_html(plain)):
        assert "200 mg" not in text and "124/80" not in text and "Figures from today" not in text
    figures = build_summary(state, include_clinical_figures=True)
    assert figures.clinical is not None
    assert [d.amount for d in figures.clinical.doses] == ["200 mg"]
    assert [v.blood_pressure for v in figures.clinical.vitals] == ["124/80", "138/88", "128/82", "122/80"]
    markdown = render_markdown(figures)
    first = figures.clinical.vitals[0]
    assert f"| {first.time} | 124/80 | 72 | 98% |" in markdown
    html = render_html(figures)
    assert "<svg" in html and "124/80" in html


def test_no_shareable_notes_still_makes_a_good_summary() -> None:
    notes = [
        ("Private: spoke about the divorce.", False, "observation"),
        ("Private: cried for a long time.", False, "observation"),
    ]
    summary = build_summary(short_session(notes=notes).state(), **NAMES)
    assert summary.nothing_personal
    assert summary.notes == ()
    markdown = render_markdown(summary)
    assert "What you chose to keep" not in markdown
    assert "divorce" not in markdown and "cried" not in markdown
    for heading in (
        "## Your intention",
        "## The shape of the session",
        "## To carry with you",
        "## Looking after yourself",
        "## Your next session",
    ):
        assert heading in markdown
    assert "divorce" not in render_html(summary)


def test_struck_and_unshared_notes_never_appear() -> None:
    script = short_session(notes=[])
    shared = script.note("KEEPME shared then struck", shareable=True)
    script.do(commands.strike, shared.seq, "entered in error: wrong client", script.clock.now())
    toggled = script.note("TOGGLED shared then made private", shareable=True)
    script.do(commands.set_note_visibility, toggled.seq, False, script.clock.now())
    later = script.note("LATERSHARE private then shared")
    script.do(commands.set_note_visibility, later.seq, True, script.clock.now())
    summary = build_summary(script.state())
    text = render_markdown(summary) + render_html(summary)
    assert "KEEPME" not in text and "TOGGLED" not in text
    assert "LATERSHARE" in text


def test_person_typed_markup_is_shown_literally() -> None:
    script = short_session(notes=[("# not a heading *not bold* <b>not html</b> [x](y)", True, "observation")])
    summary = build_summary(script.state())
    markdown = render_markdown(summary)
    assert "\\# not a heading \\*not bold\\* \\<b\\>not html\\</b\\> \\[x\\](y)" in markdown
    html = render_html(summary)
    assert "&lt;b&gt;not html&lt;/b&gt;" in html and "<b>not html" not in html
    assert escape("1. first") == "1\\. first"


def test_html_is_self_contained_with_print_pages() -> None:
    summary = build_summary(short_session().state(), include_clinical_figures=True, paper="letter")
    html = render_html(summary)
    assert "@page { size: letter;" in html
    assert "@media print" in html
    assert "<script" not in html and "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "https://" not in html and "<link" not in html
    a4 = render_html(build_summary(short_session().state()))
    assert "@page { size: A4;" in a4


def test_open_session_summary_has_no_heading_home() -> None:
    script = short_session(close=False)
    script.wait(minutes=5)
    summary = build_summary(script.state())
    assert summary.timeline[-1].words != HEADING_HOME
    assert summary.timeline[-1].minutes >= 5


def test_no_dose_says_so_instead_of_a_route() -> None:
    script = Script()
    script.phase("intake")
    summary = build_summary(script.state())
    assert summary.route_line == "No medicine was given in this session."
    assert "lozenge" not in render_markdown(summary)


def test_practice_session_is_marked() -> None:
    script = Script(practice=True)
    script.phase("intake")
    summary = build_summary(script.state())
    assert summary.practice
    assert "Practice session" in render_markdown(summary)


def test_note_moments_use_plain_phase_words() -> None:
    script = Script()
    script.phase("intake")
    script.wait(minutes=3)
    script.note("early words", shareable=True)
    script.wait(minutes=3).phase("intention")
    script.wait(minutes=1)
    script.note("later words", shareable=True)
    notes = build_summary(script.state()).notes
    assert [n.moment for n in notes] == [PHASE_SOFT_WORDS["intake"], PHASE_SOFT_WORDS["intention"]]
    assert notes[1].time == clock(script.clock.now() - timedelta(0))
