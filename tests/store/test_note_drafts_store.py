"""Note drafts in the store (issue 19, item 4), on both engines: kept and replaced as typed, one
per session and clinician, read back whole, dropped once saved or discarded, never in the record."""

from __future__ import annotations

from datetime import UTC, datetime

from kapsession.core import commands
from kapsession.presets import default_library

STARTED = datetime(2026, 3, 2, 9, 40, tzinfo=UTC)


def test_a_draft_is_kept_replaced_read_and_dropped(engine_store) -> None:
    store = engine_store
    opened = commands.open_session(client_name="A.B.", preset=default_library().get("sublingual-troche"), now=STARTED)
    session_id, _ = store.create_session(opened)
    assert store.note_draft(session_id, "") is None
    store.keep_note_draft(session_id, "", "she said", STARTED, "client-words", True)
    store.keep_note_draft(session_id, "", "she said the river is calm", STARTED, "client-words", True)
    store.keep_note_draft(session_id, "JN", "the nurse's words", STARTED, "observation", False)
    draft = store.note_draft(session_id, "")
    assert draft is not None
    assert (draft.text, draft.started_at, draft.kind, draft.shareable) == (
        "she said the river is calm",
        STARTED,
        "client-words",
        True,
    )
    assert store.note_draft(session_id, "JN").text == "the nurse's words"
    assert len(store.events(session_id)) == 1  # a draft is not an event
    store.drop_note_draft(session_id, "")
    assert store.note_draft(session_id, "") is None
    assert store.note_draft(session_id, "JN") is not None
