"""One rule for every piece of free text a person types: notes, the intention, alert texts,
reasons, the injection site, the client's name, the names in the settings.

Refused everywhere: C0 and C1 control characters (an escape sequence repaints or retitles the
terminal that prints it, and travels into every export), the bidirectional overrides and
isolates U+202A-202E and U+2066-2069 (they make text read differently from how it is stored), and
lone surrogates (bytes that were not valid UTF-8, as a shell hands them over). A line break
(U+000A, and the Unicode line and paragraph separators) only where the field allows one. Each
field has a stated length limit.

The same check runs in three places: the commands (which give the sentence, naming the
character and its position), the event and settings models (an `AfterValidator`, so no path can
store what the commands refuse), and `visible()`, which writes any such character out as an
escape where text that did not pass through the rule is shown: an event stored before the rule
(as it is read back), an error message quoting what was typed, anything printed on a terminal.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from kapsession.core.errors import InputError

if TYPE_CHECKING:  # pydantic is imported by `follows` alone: printing through `visible` needs none
    from pydantic import ValidationInfo

# Events read back from the store are validated with this context: a record written before this
# rule existed stays readable, with any refused character written out as an escape (`visible`),
# so no screen, export or terminal downstream ever receives it raw.
READING_THE_RECORD = {"reading_the_record": True}


@dataclass(frozen=True)
class TextField:
    what: str
    """How the sentence names the field: "the note"."""
    max_length: int
    line_breaks: bool = False

    @property
    def accepted(self) -> str:
        lines = "printable text, line breaks and tabs" if self.line_breaks else "printable text on one line"
        return f"{lines}, up to {self.max_length:,} characters"


NOTE = TextField("the note", 20_000, line_breaks=True)
SAFETY_NOTE = TextField("the safety check note", 20_000, line_breaks=True)
INTENTION = TextField("the intention", 2_000, line_breaks=True)
CLIENT_NAME = TextField("the client's name", 120)
ALERT_TEXT = TextField("the alert text", 300)
STRIKE_REASON = TextField("the reason for striking", 500)
CLOSE_REASON = TextField("the reason for closing early", 500)
SITE = TextField("the injection site", 60)
CHART_REFERENCE = TextField("the practice reference", 60)
SCHEDULE = TextField("the schedule", 120)
THERAPIST_NAME = TextField("the therapist's name", 120)
PRACTICE_NAME = TextField("the practice's name", 120)
PHONE = TextField("the practice's phone number", 60)
CRISIS_LINE = TextField("the crisis line", 200)
LOT = TextField("the lot number", 40)
MEDICINE = TextField("the medicine's name", 80)
CLINICAL_TEXT = TextField("the text", 500)
DECISION_REASON = TextField("the reason", 500)

# Where a field allows line breaks it allows a tab too: both are layout, neither drives a terminal.
_LINE_BREAKS = "\n\u2028\u2029"
_ALWAYS_REFUSED = "\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff"
_REFUSED_IN_LINES = re.compile(f"[{_ALWAYS_REFUSED}]")
_REFUSED_ON_ONE_LINE = re.compile(f"[{_ALWAYS_REFUSED}\t{_LINE_BREAKS}]")


def _kind_of(character: str) -> str:
    code = ord(character)
    if character in _LINE_BREAKS:
        return "a line break"
    if character == "\t":
        return "a tab"
    if 0xD800 <= code <= 0xDFFF:
        return "bytes that are not valid text"
    if 0x202A <= code <= 0x202E:
        return "a bidirectional override"
    if 0x2066 <= code <= 0x2069:
        return "a bidirectional isolate"
    return "a control character"


def problem(text: str, field: TextField) -> str | None:
    """The sentence saying what in `text` breaks the rule for `field`, or None when nothing does."""
    refused = (_REFUSED_IN_LINES if field.line_breaks else _REFUSED_ON_ONE_LINE).search(text)
    if refused is not None:
        character = refused.group()
        return (
            f"{field.what} holds {_kind_of(character)} (U+{ord(character):04X}) at position "
            f"{refused.start() + 1}: accepted: {field.accepted}"
        )
    if len(text) > field.max_length:
        return f"{field.what} is {len(text):,} characters long: accepted: {field.accepted}"
    return None


def cleaned(text: str | None, field: TextField) -> str:
    """`text` as it is stored: a Windows line ending made a plain one (where line breaks are
    allowed), the ends stripped; an InputError with the sentence when it breaks the rule."""
    text = text or ""
    if field.line_breaks:
        text = text.replace("\r\n", "\n")
    text = text.strip()
    sentence = problem(text, field)
    if sentence is not None:
        raise InputError(sentence)
    return text


def follows(field: TextField) -> Any:
    """The rule as a pydantic `AfterValidator` for a model field (events, settings)."""
    from pydantic import AfterValidator

    def check(value: str | None, info: ValidationInfo) -> str | None:
        if value is None:
            return None
        if (info.context or {}).get("reading_the_record"):
            return visible(value, field.line_breaks)
        sentence = problem(value, field)
        if sentence is not None:
            raise ValueError(sentence)
        return value

    return AfterValidator(check)


def _shown(character: str) -> str:
    code = ord(character)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def visible(text: str, line_breaks: bool = True) -> str:
    """`text` safe to print on a terminal: every character the rule refuses is written out as an
    escape (`\\x1b`, `\\u202e`) instead of reaching the terminal; line breaks stay when
    `line_breaks`."""
    pattern = _REFUSED_IN_LINES if line_breaks else _REFUSED_ON_ONE_LINE
    return pattern.sub(lambda found: _shown(found.group()), text)


_RAW_IN_JSON = re.compile(f"[{_ALWAYS_REFUSED}\u2028\u2029]")


def json_visible(json_text: str) -> str:
    """JSON written with `ensure_ascii=False`, with every character the rule refuses that JSON
    leaves raw (C1 controls, DEL, bidirectional overrides, lone surrogates, the Unicode line
    separators) written as its `\\uXXXX` escape: the same data, safe on a terminal and encodable."""
    return _RAW_IN_JSON.sub(lambda found: f"\\u{ord(found.group()):04x}", json_text)
