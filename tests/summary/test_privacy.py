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
        before=words, after=words,
        kind=st.sampled_from(["observation", "client-words", "intervention", "side-effect", "other"]),
        shareable=st.booleans(), toggle=st.booleans(), strike=st.integers(0, 7).map(lambda n: n == 0),
        minutes=st.integers(0, 12),
    ),
    min_size=0, max_size=14,
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
@given(plan=notes_strategy, intention=st.one_of(st.none(), words.filter(str.strip)),
       clinical=st.booleans())
def test_markdown_and_html_carry_only_shareable_notes(plan: list[PlannedNote], intention: str | None,
                                                      clinical: bool) -> None:
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
