"""Note drafts: a note as it is being typed, kept in the store (so encrypted with it) until it
is saved as an event or discarded. A draft is not the record; it is what stops a crash or a
stray Escape from losing the client's exact words.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from kapsession.core.clock import utc_now


@dataclass(frozen=True)
class NoteDraft:
    text: str
    started_at: datetime  # when typing began: the note keeps this time once saved
    kind: str
    shareable: bool
    saved_at: datetime  # when the draft was last kept


def draft_json(text: str, started_at: datetime, kind: str, shareable: bool) -> str:
    return json.dumps(
        {"text": text, "started_at": started_at.isoformat(), "kind": kind, "shareable": shareable},
        ensure_ascii=False,
    )


def draft_from(body: str, saved_at: str) -> NoteDraft | None:
    """The draft a row holds, or None if it cannot be read (a draft is never worth a crash)."""
    try:
        data = json.loads(body)
        return NoteDraft(
            str(data["text"]),
            datetime.fromisoformat(data["started_at"]),
            str(data["kind"]),
            bool(data["shareable"]),
            datetime.fromisoformat(saved_at),
        )
    except (ValueError, KeyError, TypeError):
        return None


def now_text() -> str:
    return utc_now().isoformat()
