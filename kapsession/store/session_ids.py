"""Session ids: six characters, lower case, without look-alikes (no 0/o, 1/l/i), easy to type."""

from __future__ import annotations

ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
LENGTH = 6


def new_session_id() -> str:
    import secrets  # (hashlib, hmac, random: not needed to read a session, only to create one)

    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def closest(text: str, known: list[str]) -> str | None:
    import difflib  # only when something was not found

    matches = difflib.get_close_matches(text.strip().lower(), known, n=1, cutoff=0.5)
    return matches[0] if matches else None
