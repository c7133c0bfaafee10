"""One text rule for every free-text field: the sentence, the models, the stored record, `visible`."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from kapsession.core import text_rule
from kapsession.core.errors import InputError
from kapsession.core.events import (
    AlertRaised,
    Client,
    DoseGiven,
    EntryStruck,
    IntentionSet,
    NoteWritten,
    SessionClosed,
    checked,
    decode_event,
    event_json,
)
from kapsession.core.text_rule import TextField, cleaned, problem, visible
from kapsession.settings import parse_settings

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
FIELDS = [value for value in vars(text_rule).values() if isinstance(value, TextField)]
REFUSED_EVERYWHERE = [
    "\x00",
    "\x07",
    "\x1b",
    "\r",
    "\x7f",
    "\x85",
    "\x9b",
    "\u202a",
    "\u202e",
    "\u2066",
    "\u2069",
    "\udcff",
    "\ud800",
]


def test_the_sentence_names_the_field_the_character_its_position_and_what_is_accepted() -> None:
    assert problem("a note with \x1b[2J", text_rule.NOTE) == (
        "the note holds a control character (U+001B) at position 13: accepted: printable text, line "
        "breaks and tabs, up to 20,000 characters"
    )
    assert problem("rtl \u202eevil", text_rule.SITE) == (
        "the injection site holds a bidirectional override (U+202E) at position 5: accepted: printable "
        "text on one line, up to 60 characters"
    )
    assert problem("bad \udcff bytes", text_rule.CLIENT_NAME).startswith(
        "the client's name holds bytes that are not valid text (U+DCFF) at position 5"
    )
    assert problem("x" * 301, text_rule.ALERT_TEXT) == (
        "the alert text is 301 characters long: accepted: printable text on one line, up to 300 characters"
    )


@pytest.mark.parametrize("field", FIELDS, ids=lambda field: field.what)
@pytest.mark.parametrize("character", REFUSED_EVERYWHERE, ids=lambda c: f"U+{ord(c):04X}")
def test_every_field_refuses_controls_bidi_overrides_and_lone_surrogates(field: TextField, character: str) -> None:
    with pytest.raises(InputError, match=f"U\\+{ord(character):04X}"):
        cleaned(f"ab{character}cd", field)


@pytest.mark.parametrize("field", FIELDS, ids=lambda field: field.what)
def test_a_tab_only_where_line_breaks_are_allowed(field: TextField) -> None:
    """A tab is layout, like a line break (an indented line in a note), never a terminal command."""
    assert (problem("first\tsecond", field) is None) == field.line_breaks


@pytest.mark.parametrize("field", FIELDS, ids=lambda field: field.what)
def test_line_breaks_only_where_the_field_allows_them(field: TextField) -> None:
    for line_break in ("\n", "\u2028", "\u2029"):
        text = f"first{line_break}second"
        assert (problem(text, field) is None) == field.line_breaks
    if field.line_breaks:
        assert cleaned("one\r\ntwo\r\n", field) == "one\ntwo"


@pytest.mark.parametrize("field", FIELDS, ids=lambda field: field.what)
def test_each_field_has_its_limit(field: TextField) -> None:
    assert cleaned("x" * field.max_length, field) == "x" * field.max_length
    with pytest.raises(InputError, match=f"{field.max_length + 1:,} characters long"):
        cleaned("x" * (field.max_length + 1), field)


def test_ordinary_text_of_every_script_passes() -> None:
    for text in (
        "Zoë O'Brien-Łukasz",
        "שלום עולם",
        "مرحبا",
        "日本語のメモ",
        "🙂 family 👨‍👩‍👧",
        "a\u200db",
        "soft\u00adhyphen",
    ):
        assert cleaned(text, text_rule.NOTE) == text


def _events(bad: str) -> list[object]:
    return [
        lambda: Client(name=bad),
        lambda: NoteWritten(at=NOW, text=bad),
        lambda: IntentionSet(at=NOW, text=bad),
        lambda: AlertRaised(at=NOW, key="manual:1", message=bad),
        lambda: EntryStruck(at=NOW, target_seq=2, reason=bad),
        lambda: SessionClosed(at=NOW, early_reason=bad),
        lambda: DoseGiven(at=NOW, route="intramuscular", mg=50, site=bad),
    ]


@pytest.mark.parametrize("index", range(7))
def test_the_event_models_refuse_what_the_commands_refuse(index: int) -> None:
    with pytest.raises(ValidationError, match="U\\+001B"):
        _events("title\x1b]0;owned\x07")[index]()


def test_the_stores_check_refuses_an_event_built_without_validation() -> None:
    unchecked = NoteWritten.model_construct(
        type="note_written",
        at=NOW,
        text="a\x1b[2Jb",
        kind="observation",
        visibility="private",
        seq=None,
        recorded_at=None,
    )
    with pytest.raises(InputError, match="control character \\(U\\+001B\\)"):
        checked(unchecked)


def test_a_record_stored_before_the_rule_stays_readable_with_the_characters_made_visible() -> None:
    stored = event_json(NoteWritten(at=NOW, text="placeholder")).replace("placeholder", "a\\u001b[2Jb\\u202ec\\nd")
    note = decode_event(stored)
    assert isinstance(note, NoteWritten)
    assert note.text == "a\\x1b[2Jb\\u202ec\nd"


def test_settings_names_follow_the_rule() -> None:
    with pytest.raises(ValidationError, match="the practice's name holds a control character"):
        parse_settings({"practice_name": "Harbour\x1b[2J"})
    assert parse_settings({"therapist_name": "Dr. R. Moss"}).therapist_name == "Dr. R. Moss"


@given(st.text())
def test_visible_text_holds_nothing_the_rule_refuses_and_keeps_the_rest(text: str) -> None:
    shown = visible(text)
    assert problem(shown, TextField("text", 10**9, line_breaks=True)) is None
    if problem(text, TextField("text", 10**9, line_breaks=True)) is None:
        assert shown == text
    one_line = visible(text, line_breaks=False)
    assert problem(one_line, TextField("text", 10**9)) is None


@given(st.text())
def test_json_made_visible_is_the_same_data(text: str) -> None:
    import json

    dumped = text_rule.json_visible(json.dumps({"t": text}, ensure_ascii=False))
    assert json.loads(dumped) == {"t": text}
    assert problem(dumped, TextField("json", 10**9, line_breaks=True)) is None


def test_a_settings_file_from_before_the_rule_loses_only_the_name_that_breaks_it(tmp_path) -> None:
    import json

    from kapsession.settings import load_settings

    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"theme": "daylight", "practice_name": "Harbour\x1b[2J", "therapist_name": "R. Moss"}))
    loaded = load_settings(path)
    assert (loaded.theme, loaded.practice_name, loaded.therapist_name) == ("daylight", "", "R. Moss")
