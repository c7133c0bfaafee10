"""Who recorded each entry (issue 19, item 9): initials, checked, stamped on every event a
terminal makes, and read back from records made before entries carried them."""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

from kapsession.core.clinician import initials
from kapsession.core.errors import InputError
from kapsession.core.events import NoteWritten, decode_event
from kapsession.settings import Settings, clinician_here, parse_settings
from tests.conftest import START


@pytest.mark.parametrize("typed", ["RM", " rm ", "A.B.", "J-P", "ÉL", "ABCDEFGH"])
def test_initials_that_are_accepted(typed: str) -> None:
    assert initials(typed) == typed.strip()


@pytest.mark.parametrize("typed", ["", "   ", "R M", "RM3", "ABCDEFGHI", "..", "R\x1bM", "RM;"])
def test_anything_else_is_refused_saying_what_is_accepted(typed: str) -> None:
    with pytest.raises(InputError) as refused:
        initials(typed)
    assert "is not a clinician's initials: accepted: 1 to 8 letters" in str(refused.value)
    assert "\x1b" not in str(refused.value)


def test_an_event_carries_its_clinician_and_an_old_one_reads_without() -> None:
    note = NoteWritten(at=START, text="settling", by="RM")
    assert decode_event(note.model_dump_json()).by == "RM"
    old = note.model_dump(mode="json")
    del old["by"]
    assert decode_event(json.dumps(old)).by is None
    with pytest.raises(ValidationError):
        NoteWritten(at=START, text="settling", by="R M 3")


def test_the_flag_then_the_terminal_then_the_settings_say_who() -> None:
    settings = parse_settings({"clinician": "SET"})
    assert clinician_here("CLI", settings, {"KAPSESSION_CLINICIAN": "ENV"}) == "CLI"
    assert clinician_here(None, settings, {"KAPSESSION_CLINICIAN": "ENV"}) == "ENV"
    assert clinician_here(None, settings, {}) == "SET"
    assert clinician_here(None, Settings(), {"KAPSESSION_CLINICIAN": "  "}) is None
    with pytest.raises(InputError):
        clinician_here(None, settings, {"KAPSESSION_CLINICIAN": "nurse 2"})
