"""`hang` wraps a note under its time: no word is ever cut unless it is longer than a whole line,
and nothing is lost or added."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from textual.content import Content

from kapsession.tui.widgets.live_text import hang

WORD = st.text(alphabet=st.sampled_from("abcdefghij'’“”,.-[]\\"), min_size=1, max_size=14)
PREFIXES = [
    Content(""),
    Content.assemble(("10:42", "b"), " "),
    Content.assemble(("10:42", "$text-muted"), " ", ("SHARE ✓", "b"), " client's words "),
]


@settings(max_examples=300, deadline=None)
@given(
    words=st.lists(WORD, min_size=1, max_size=30),
    width=st.integers(12, 90),
    indent=st.integers(0, 8),
    prefix=st.sampled_from(PREFIXES),
)
def test_wrapped_notes_keep_every_word_whole(words: list[str], width: int, indent: int, prefix: Content) -> None:
    room = max(10, width - indent)
    lines = hang(prefix, " ".join(words), width, indent, body_style="i")
    head = prefix.plain.rstrip()
    assert lines[0].plain.startswith(head)
    body_lines = [lines[0].plain[len(head) :]] + [line.plain for line in lines[1:]]
    for line in lines[1:]:
        assert line.plain.startswith(" " * indent)
        assert line.cell_length <= indent + room
    if prefix.cell_length < width:
        assert lines[0].cell_length <= width
    pieces = " ".join(part.strip() for part in body_lines).split()
    if all(len(word) <= room for word in words):
        assert pieces == words  # every word whole, in order
    else:
        assert "".join(pieces) == "".join(words)  # only over-long words are cut, nothing lost
    for line in lines:  # typed text is never read as markup: the body keeps its own style
        assert all(span.style in ("i", "b", "$text-muted") for span in line.spans)


def test_a_quote_after_a_long_prefix_is_not_cut_mid_word() -> None:
    prefix = Content.assemble(("10:42", "b"), " ", ("client words", "i"), " ")
    lines = [line.plain for line in hang(prefix, "“I don't have to hold it all together today,”", 24, 6)]
    assert "“I don't" in " ".join(line.strip() for line in lines)
    assert all(not line.rstrip().endswith(("“I d", "don'")) for line in lines)
