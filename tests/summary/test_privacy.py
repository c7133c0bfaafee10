"""Nothing private reaches a client summary, in any format; every shareable note does.

Random sessions: notes written at random moments, each private or shareable, some later toggled
(a visibility event), some struck as entered in error. Every note carries a distinct marker token
so its presence can be checked in the Markdown, the HTML and the text pdftotext pulls out of the PDF.
"""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pdf_text import pdf_text
from summary_sessions import Script

from kapsession.core import commands
from kapsession.summary.html import render_html
from kapsession.summary.markdown import render_markdown
from kapsession.summary.model import build_summary
from kapsession.summary.pdf import render_summary_pdf

SAFE = "abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ .,;:!?'\"-()*_#<>&[]`\\|~"
UNICODE = "éèüñçøß жизнь Ωλ محمد 山田 김 देव 🌿💛✨"
words = st.text(alphabet=SAFE + UNICODE, min_size=0, max_size=40)


@dataclass(frozen=True)
class PlannedNote:
    before: str
    after: str
    kind: str
    shareable: bool
    toggle: bool  # flip visibility once, later
    strike: bool  # strike as entered in error
    minutes: int


notes_strategy = st.lists(
    st.builds(
        PlannedNote,
        before=words,
        after=words,
        kind=st.sampled_from(["observation", "client-words", "intervention", "side-effect", "other"]),
        shareable=st.booleans(),
        toggle=st.booleans(),
        strike=st.integers(0, 7).map(lambda n: n == 0),
        minutes=st.integers(0, 12),
    ),
    min_size=0,
    max_size=14,
)


def marker(index: int, shared: bool) -> str:
    # Capitals and digits only: no ligatures, no Markdown meaning, one word for every extractor.
    return f"{'SHR' if shared else 'PRV'}{index:02d}Q{(index * 7919) % 9973:04d}X"


def build(plan: list[PlannedNote], intention: str | None) -> tuple[Script, list[str], list[str]]:
    script = Script("sublingual-troche", client="Ana \u00c9lise")
    script.phase("intake")
    if intention:
        script.do(commands.set_intention, intention, script.clock.now())
    phases = iter(["intention", "dose-onset", "peak", "recovery", "integration"])
    shared_markers: list[str] = []
    private_markers: list[str] = []
    written = []
    for index, note in enumerate(plan):
        script.wait(minutes=note.minutes)
        if index % 3 == 2:
            nxt = next(phases, None)
            if nxt:
                script.phase(nxt)
        final_shared = note.shareable != note.toggle and not note.strike
        token = marker(index, final_shared)
        text = f"{note.before} {token} {note.after}".strip()
        if not text.replace(token, "").strip():
            text = token
        event = script.note(text, shareable=note.shareable, kind=note.kind)
        written.append((event, note))
        (shared_markers if final_shared else private_markers).append(token)
    script.wait(minutes=2)
    for event, note in written:
        if note.toggle:
            script.do(commands.set_note_visibility, event.seq, not note.shareable, script.clock.now())
        if note.strike:
            script.do(commands.strike, event.seq, "entered in error", script.clock.now())
    return script, shared_markers, private_markers


def check(text: str, shared: list[str], private: list[str], what: str) -> None:
    for token in private:
        assert token not in text, f"private note {token} reached the {what}"
    for token in shared:
        assert token in text, f"shareable note {token} is missing from the {what}"


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plan=notes_strategy, intention=st.one_of(st.none(), words.filter(str.strip)), clinical=st.booleans())
def test_markdown_and_html_carry_only_shareable_notes(
    plan: list[PlannedNote], intention: str | None, clinical: bool
) -> None:
    script, shared, private = build(plan, intention)
    summary = build_summary(script.state(), include_clinical_figures=clinical)
    assert len(summary.notes) == len(shared)
    check(render_markdown(summary), shared, private, "Markdown")
    check(render_html(summary), shared, private, "HTML")
    check(repr(summary.to_data()), shared, private, "PDF data")


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plan=notes_strategy.filter(lambda p: len(p) >= 2), intention=st.one_of(st.none(), words.filter(str.strip)))
def test_pdf_text_carries_only_shareable_notes(plan: list[PlannedNote], intention: str | None) -> None:
    script, shared, private = build(plan, intention)
    summary = build_summary(script.state(), include_clinical_figures=True)
    check(pdf_text(render_summary_pdf(summary)), shared, private, "PDF")


# -- the course documents -------------------------------------------------------------------------
# The same random notes across two sessions of one client's course, plus a PHQ-9 with item 9
# above 0 whose safety check note is private or shareable: the client's progress page never shows
# a private word; the prescriber's report shows them only with include_private.

from kapsession.core.client_events import ClientCreated, fold_client  # noqa: E402
from kapsession.core.course import build_course  # noqa: E402
from kapsession.course.export import course_bytes  # noqa: E402
from kapsession.course.markdown import render_course_markdown, render_progress_markdown  # noqa: E402
from kapsession.course.report import build_course_report, build_progress_page  # noqa: E402


def course_of(plans: list[list[PlannedNote]], safety_shared: bool) -> tuple[object, list[str], list[str]]:
    """A course of one session per plan (a marker may appear in two sessions with the same
    visibility: the same string either way)."""
    sessions = []
    shared: list[str] = []
    private: list[str] = []
    for number, plan in enumerate(plans):
        script, shared_here, private_here = build(plan, None)
        script.do(commands.answer_questionnaire, "phq9", [1, 1, 1, 1, 1, 1, 1, 1, 1], script.clock.now())
        token = marker(90 + number, safety_shared)
        script.do(commands.record_safety_check, f"asked directly {token}", script.clock.now(), shareable=safety_shared)
        (shared if safety_shared else private).append(token)
        shared += shared_here
        private += private_here
        sessions.append((f"s{number}", script.state()))
    client = fold_client("c-test1", [ClientCreated(at=sessions[0][1].opened.at, name="Ana \u00c9lise", seq=1)])
    now = max(state.clock_now for _, state in sessions)
    return build_course(client, sessions, now), shared, private


def check_private_only(text: str, private: list[str], what: str) -> None:
    for token in private:
        assert token not in text, f"private text {token} reached the {what}"


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plans=st.lists(notes_strategy, min_size=2, max_size=2), safety_shared=st.booleans())
def test_course_documents_keep_private_notes_where_they_belong(
    plans: list[list[PlannedNote]], safety_shared: bool
) -> None:
    course, shared, private = course_of(plans, safety_shared)
    page = build_progress_page(course)  # type: ignore[arg-type]
    progress = render_progress_markdown(page) + repr(page.to_data())
    check_private_only(progress, private, "client's progress page")
    for token in shared:
        if not token.startswith("SHR9"):  # a shared safety check is listed for the prescriber, not the client
            assert token in progress, f"shareable reflection {token} is missing from the progress page"
    closed = build_course_report(course, include_private=False)  # type: ignore[arg-type]
    check_private_only(render_course_markdown(closed) + repr(closed.to_data()), private, "prescriber report")
    opened = build_course_report(course, include_private=True)  # type: ignore[arg-type]
    full = render_course_markdown(opened)
    for token in [*shared, *(t for t in private if t.startswith("PRV9"))]:
        assert token in full, f"{token} is missing from the report with --include-private"


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plans=st.lists(notes_strategy.filter(lambda p: len(p) >= 2), min_size=2, max_size=2))
def test_course_pdfs_keep_private_notes_out(plans: list[list[PlannedNote]]) -> None:
    course, _shared, private = course_of(plans, False)
    check_private_only(
        pdf_text(course_bytes(build_progress_page(course), "pdf")),
        private,  # type: ignore[arg-type]
        "progress page PDF",
    )
    check_private_only(
        pdf_text(course_bytes(build_course_report(course), "pdf")),
        private,  # type: ignore[arg-type]
        "prescriber report PDF",
    )
