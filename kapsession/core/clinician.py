"""Who recorded an entry: the clinician's initials, stored with every event.

Two terminals (a therapist's and a nurse's) may write to one session, so each entry says whose
it is. Initials, not names: short enough for every line of `show` and the record, and what a
paper chart carries beside an entry.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator

from kapsession.core.errors import InputError

LONGEST = 8
ACCEPTED = f"accepted: 1 to {LONGEST} letters, with dots or hyphens between them (e.g. 'RM' or 'A.-L.B.')"


def initials(text: str) -> str:
    """`text` as initials (spaces around it dropped), or an InputError saying what is accepted."""
    cleaned = text.strip()
    letters = [character for character in cleaned if character.isalpha()]
    if not letters or len(cleaned) > LONGEST or any(not (c.isalpha() or c in ".-") for c in cleaned):
        shown = cleaned[:20].encode("unicode_escape").decode("ascii") if cleaned else "(nothing)"
        raise InputError(f"'{shown}' is not a clinician's initials: {ACCEPTED}")
    return cleaned


def _checked(text: str) -> str:
    try:
        return initials(text)
    except InputError as error:  # pydantic reports a ValueError with the field's name
        raise ValueError(str(error)) from None


Initials = Annotated[str, AfterValidator(_checked)]
"""A model field holding a clinician's initials."""
