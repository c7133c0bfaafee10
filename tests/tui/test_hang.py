"""`hang` wraps a note under its time: no word is ever cut unless it is longer than a whole line,
and nothing is lost or added."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from kapsession.tui.widgets.state_text import hang, visible_length

WORD = st.text(alphabet=st.sampled_from("abcdefghij'’“”,.-"), min_size=1, max_size=14)
PREFIXES = ["", "[b]10:42[/] ", "[$text-muted]10:42[/] [b]SHARE ✓[/] client's words "]


def _plain(line: str) -> str:
    return line.replace("[i]", "").replace("[/]", "").replace("\\[", "[")


@settings(max_examples=300, deadline=None)
@given(words=st.lists(WORD, min_size=1, max_size=30), width=st.integers(12, 90),
       indent=st.integers(0, 8), prefix=st.sampled_from(PREFIXES))
def test_wrapped_notes_keep_every_word_whole(words: list[str], width: int, indent: int, prefix: str) -> None:
    room = max(10, width - indent)
    text = hang(prefix, " ".join(words), width, indent, body_style="i")
    lines = text.split("\n")
    assert lines[0].startswith(prefix)
    body_lines = [_plain(lines[0][len(prefix):])] + [_plain(line) for line in lines[1:]]
    for line in lines[1:]:
        assert line.startswith(" " * indent)
        assert visible_length(line) <= indent + room
    if visible_length(prefix) < width:
        assert visible_length(lines[0]) <= max(width, visible_length(prefix))
    pieces = " ".join(part.strip() for part in body_lines).split()
    if all(len(word) <= room for word in words):
        assert pieces == words  # every word whole, in order
    else:
        assert "".join(pieces) == "".join(words)  # only over-long words are cut, nothing lost


def test_a_quote_after_a_long_prefix_is_not_cut_mid_word() -> None:
    text = hang("[b]10:42[/] [i]client words[/] ", "“I don't have to hold it all together today,”", 24, 6)
    assert "“I don't" in text.replace("\n      ", " ")
    assert all(not line.rstrip().endswith(("“I d", "don'")) for line in text.split("\n"))
