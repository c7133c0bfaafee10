"""Private text off the command line: `-` in place of a text reads it from standard input.

Every user of the computer can read a running command's arguments in the process list (`ps`),
for as long as it runs, which includes any wait for the database while another terminal writes.
A note, the intention, an alert, a reason or the client's name may hold what a client said, so
each of them can be given as `-` and piped in instead.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from kapsession.core import text_rule
from kapsession.core.errors import InputError
from kapsession.core.text_rule import TextField

# The `add` kinds that take such a text (as words, or `--reason` for strike and close).
STDIN_TEXT_FIELDS: dict[str, TextField] = {
    "note": text_rule.NOTE,
    "intention": text_rule.INTENTION,
    "alert": text_rule.ALERT_TEXT,
    "strike": text_rule.STRIKE_REASON,
    "close": text_rule.CLOSE_REASON,
}


def text_or_stdin(given: str | Sequence[str] | None, field: TextField) -> str | None:
    """The typed text (words joined by spaces), or, when it is `-` alone, what standard input holds
    (over the field's limit is one sentence; bytes that are not UTF-8 are left for the text rule
    to name, as lone surrogates)."""
    if given is None:
        return None
    text = given if isinstance(given, str) else " ".join(given)
    if text != "-":
        return text
    if sys.stdin is None:
        raise InputError(f"`-` reads {field.what} from standard input, and there is none")
    if sys.stdin.isatty():
        print(f"Type {field.what}, then press Ctrl-D on a new line:", file=sys.stderr)
    limit = field.max_length * 4  # a character is at most four bytes of UTF-8
    binary = getattr(sys.stdin, "buffer", None)
    if binary is not None:
        data = binary.read(limit + 1)
        read = data.decode("utf-8", "surrogateescape")
        too_long = len(data) > limit
    else:
        read = sys.stdin.read(limit + 1)
        too_long = len(read) > limit
    if too_long:
        raise InputError(
            f"{field.what} on standard input is longer than {field.max_length:,} characters: accepted: {field.accepted}"
        )
    return read
