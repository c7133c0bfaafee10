"""Presets: a session protocol (phases, vitals schedule, thresholds, timers, cards, checklists,
aftercare) read from a TOML file and validated by pydantic.

A broken file gives one line naming the file, the field, the line where it can be found, and what
is wrong (from pydantic's own error locations and types); the other presets still load.
"""

import re
import tomllib
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_core import PydanticCustomError

from kapsession.core.errors import PresetError
from kapsession.core.events import Drug, Route
from kapsession.core.medications import Adjunct
from kapsession.core.phases import PHASES, Phase
from kapsession.core.screening import STANDARD_SCREENING, ScreeningQuestion
from kapsession.core.strict_model import StrictModel
from kapsession.core.trusted_files import read_trusted_text

ROUTE_PLAIN_WORDS: dict[str, str] = {
    "sublingual": "a lozenge (troche) held in the mouth",
    "intramuscular": "an injection into the muscle",
    "intravenous": "a slow intravenous infusion",
    "intranasal": "a nasal spray",
}


class PhasePlan(StrictModel):
    minutes: Annotated[int, Field(ge=1, le=240)]
    prompt: Annotated[str, Field(min_length=1)]


class VitalsSchedule(StrictModel):
    baseline: bool = True
    """A reading is due before the first dose."""
    after_dose_minutes: list[int] = Field(default_factory=list)
    """Checks at these minutes after the first dose (and again after each booster)."""
    after_stop_minutes: list[int] = Field(default_factory=list)
    """Checks at these minutes after an infusion stops (0: at the stop)."""
    every_minutes: dict[Phase, int] = Field(default_factory=dict)
    """While in these phases, a check every N minutes (counted from the first dose)."""
    before_discharge: bool = True
    """A reading within `discharge_window_minutes` is needed before the client may leave."""
    discharge_window_minutes: Annotated[int, Field(ge=1, le=120)] = 15
    tolerance_minutes: Annotated[int, Field(ge=0, le=30)] = 5
    """A reading this many minutes before a check counts for it."""

    @field_validator("after_dose_minutes", "after_stop_minutes")
    @classmethod
    def _checks_in_order(cls, minutes: list[int], info: Any) -> list[int]:
        lowest = 0 if info.field_name == "after_stop_minutes" else 1
        after = "the stop" if info.field_name == "after_stop_minutes" else "the dose"
        if any(minute < lowest or minute > 600 for minute in minutes):
            raise ValueError(f"minutes after {after} must be between {lowest} and 600")
        if sorted(set(minutes)) != minutes:
            raise ValueError(f"minutes after {after} must be in increasing order, without repeats")
        return minutes

    @field_validator("every_minutes")
    @classmethod
    def _intervals_in_range(cls, every: dict[Phase, int]) -> dict[Phase, int]:
        for phase, interval in every.items():
            if not 2 <= interval <= 120:
                raise ValueError(f"the interval for {phase} must be 2-120 minutes, not {interval}")
        return every


class Thresholds(StrictModel):
    systolic_high: int = 180
    diastolic_high: int = 110
    heart_rate_high: int = 120
    heart_rate_low: int = 50
    spo2_low: int = 92
    resp_rate_low: int = 10
    temperature_high: float = 38.0
    predose_systolic_high: int = 140
    predose_diastolic_high: int = 90
    moaas_alert: Annotated[int, Field(ge=1, le=4)] = 3
    """A MOAA/S at or below this raises an alert; 1 or 0 is always an alarm."""


class Window(StrictModel):
    start: Annotated[int, Field(ge=0, le=600)]
    end: Annotated[int, Field(ge=0, le=600)]

    @model_validator(mode="after")
    def _ordered(self) -> "Window":
        if self.end < self.start:
            raise ValueError("end must not be before start")
        return self


class RouteTimers(StrictModel):
    spit_after_minutes: Annotated[int, Field(ge=1, le=60)] | None = None
    device_interval_minutes: Annotated[int, Field(ge=1, le=30)] | None = None
    mg_per_device: Annotated[float, Field(gt=0)] | None = None
    booster_window: Window | None = None


class Dosing(StrictModel):
    typical_mg: Annotated[float, Field(gt=0)] | None = None
    mg_per_kg: Annotated[float, Field(gt=0, le=5)] | None = None
    max_mg: Annotated[float, Field(gt=0)] = 1000
    sites: list[str] = Field(default_factory=list)
    infusion_minutes: Annotated[int, Field(ge=1, le=600)] | None = None
    """An intravenous dose runs as an infusion over this many minutes unless told otherwise."""


class Preset(StrictModel):
    name: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$")]
    title: str
    route: Route
    phases: dict[Phase, PhasePlan]
    onset_window: Window
    peak_window: Window
    vitals: VitalsSchedule
    minimum_observation_minutes: Annotated[int, Field(ge=0, le=600)]
    cards: list[str]
    intake_checklist: Annotated[list[str], Field(min_length=1)]
    discharge_checklist: Annotated[list[str], Field(min_length=1)]
    integration_prompts: Annotated[list[str], Field(min_length=1)]
    aftercare: Annotated[list[str], Field(min_length=1)]
    when_to_call: str
    description: str = ""
    dosing: Dosing = Field(default_factory=Dosing)
    thresholds: Thresholds = Field(default_factory=Thresholds)
    timers: RouteTimers = Field(default_factory=RouteTimers)
    drug: Drug = "racemic ketamine"
    adjuncts: list[Adjunct] = Field(default_factory=list)
    """The practice's standing adjuncts, offered for a quick pick; any other may be typed."""
    screening: list[ScreeningQuestion] = Field(default_factory=lambda: list(STANDARD_SCREENING))
    """The intake screening questions (the standard set unless the preset gives its own)."""
    screening_extra: list[ScreeningQuestion] = Field(default_factory=list)
    """Questions asked as well as `screening` (the esketamine form's medicine classes)."""

    @model_validator(mode="after")
    def _screening_keys_unique(self) -> "Preset":
        seen: set[str] = set()
        for question in self.screening_questions:
            if question.key in seen:
                raise ValueError(f"the screening question '{question.key}' is asked twice")
            seen.add(question.key)
        names = [adjunct.name.casefold() for adjunct in self.adjuncts]
        if len(set(names)) != len(names):
            raise ValueError("an adjunct is listed twice")
        return self

    @property
    def screening_questions(self) -> list[ScreeningQuestion]:
        return [*self.screening, *self.screening_extra]

    @property
    def allows_boosters(self) -> bool:
        return self.timers.booster_window is not None

    @field_validator("phases")
    @classmethod
    def _all_six_in_order(cls, phases: dict[Phase, PhasePlan]) -> dict[Phase, PhasePlan]:
        missing = [phase for phase in PHASES if phase not in phases]
        if missing:
            raise ValueError(f"missing phase(s) {', '.join(missing)}; all six are needed: {', '.join(PHASES)}")
        return {phase: phases[phase] for phase in PHASES}

    @field_validator("cards")
    @classmethod
    def _a_whole_deck(cls, cards: list[str]) -> list[str]:
        if len(cards) < 30:
            raise ValueError(f"the deck has {len(cards)} cards; at least 30 are needed")
        seen: set[str] = set()
        for index, card in enumerate(cards):
            key = card.strip().casefold()
            # The index in the context lets the message point at the line of the card.
            if not key:
                raise PydanticCustomError("card", "a card is blank", {"index": index})
            if key in seen:
                raise PydanticCustomError("card", "the card '{card}' appears twice", {"index": index, "card": card})
            seen.add(key)
        return cards

    @property
    def planned_total_minutes(self) -> int:
        return sum(plan.minutes for plan in self.phases.values())

    @property
    def route_in_plain_words(self) -> str:
        return ROUTE_PLAIN_WORDS[self.route]


def parse_preset(data: Any) -> Preset:
    """A Preset from parsed TOML, or pydantic's `ValidationError` (see `describe_problems`)."""
    return Preset.model_validate(data)


_Token = tuple[int, str, str]  # (1-based line, kind, text)

_TRIPLE_QUOTES = ('"' * 3, "'" * 3)


def _tokens(text: str) -> list[_Token]:
    """A small TOML tokenizer, enough to tell structure from values: strings (multi-line ones
    included, as one token on the line where they begin), brackets, commas, `=`, bare words and
    line ends. Comments are dropped."""
    tokens: list[_Token] = []
    line = 1
    index = 0
    length = len(text)
    while index < length:
        char = text[index]
        if char == "\n":
            tokens.append((line, "nl", char))
            line += 1
            index += 1
        elif char in " \t\r":
            index += 1
        elif char == "#":
            while index < length and text[index] != "\n":
                index += 1
        elif text[index : index + 3] in _TRIPLE_QUOTES:
            quote = text[index : index + 3]
            begin, begin_line = index, line
            index += 3
            while index < length and not text.startswith(quote, index):
                if quote[0] == '"' and text[index] == "\\":
                    index += 1
                if index < length and text[index] == "\n":
                    line += 1
                index += 1
            index += 3
            while index < length and text[index] == quote[0]:  # up to two quotes may end the content
                index += 1
            tokens.append((begin_line, "str", text[begin:index]))
        elif char in "\"'":
            begin = index
            index += 1
            while index < length and text[index] not in (char, "\n"):
                if char == '"' and text[index] == "\\":
                    index += 1
                index += 1
            if index < length and text[index] == char:
                index += 1
            tokens.append((line, "str", text[begin:index]))
        elif char in "[{":
            tokens.append((line, "open", char))
            index += 1
        elif char in "]}":
            tokens.append((line, "close", char))
            index += 1
        elif char in ",=":
            tokens.append((line, "comma" if char == "," else "eq", char))
            index += 1
        else:
            begin = index
            while index < length and text[index] not in " \t\r\n[]{},=\"'#":
                index += 1
            tokens.append((line, "word", text[begin:index]))
    return tokens


def _structural_lines(text: str) -> set[int]:
    """Lines that begin at the top level: not inside a multi-line string, array or inline table
    (so a `[` line inside a prompt or a nested array is never taken for a table header)."""
    found: set[int] = set()
    depth = 0
    line_start = True
    in_header = False
    for line, kind, _text in _tokens(text):
        if kind == "nl":
            line_start, in_header = True, False
            continue
        if line_start:
            line_start = False
            if depth == 0:
                found.add(line)
                if kind == "open":
                    in_header = True
                    continue
        if in_header:
            continue
        if kind == "open":
            depth += 1
        elif kind == "close":
            depth = max(0, depth - 1)
    return found


def _key_line(lines: list[str], path: tuple[Any, ...]) -> int | None:
    """The 1-based line where `path` (a pydantic error location) is set in a TOML file, if found.

    Tracks `[table]` headers and looks for `key =` (or a `[table.key]` header); good enough for the
    hand-written files presets are, and only ever used to point a person at a line. Lines inside
    multi-line strings and arrays are skipped. A key given only through sub-tables (`phases` as
    `[phases.intake]`, ...) points at the first of them.
    """
    keys = [str(part) for part in path if not isinstance(part, int) and part != "[key]"]
    if not keys:
        return None
    structural = _structural_lines("\n".join(lines))
    table: list[str] = []
    best: int | None = None
    child: int | None = None
    for number, raw in enumerate(lines, start=1):
        if number not in structural:
            continue
        line = raw.strip()
        header = re.match(r"^\[\[?([^\]]+)\]\]?", line)
        if header:
            table = [part.strip().strip("\"'") for part in header.group(1).split(".")]
            if table == keys:
                return number
            if keys[: len(table)] == table and best is None and len(table) > 0:
                best = number
            if table[: len(keys)] == keys and child is None:
                child = number
            continue
        assignment = re.match(r"^[\"']?([A-Za-z0-9_-]+)[\"']?\s*=", line)
        if assignment and table + [assignment.group(1)] == keys[: len(table) + 1]:
            if table + [assignment.group(1)] == keys or len(keys) > len(table) + 1:
                return number
    return best if best is not None else child


def _element_line(text: str, path: tuple[Any, ...], index: int) -> int | None:
    """The line on which element `index` (0-based) of the array set at `path` begins."""
    start = _key_line(text.splitlines(), path)
    if start is None:
        return None
    tokens = _tokens(text)
    position = next((i for i, (line, kind, _) in enumerate(tokens) if line == start and kind == "eq"), None)
    if position is None or position + 1 >= len(tokens) or tokens[position + 1][2] != "[":
        return None
    depth = 0
    element = -1
    for line, kind, _text in tokens[position + 1 :]:
        if kind in ("nl", "comma", "eq"):
            continue
        if depth == 1 and kind in ("str", "word", "open"):
            element += 1
            if element == index:
                return line
        if kind == "open":
            depth += 1
        elif kind == "close":
            depth -= 1
            if depth == 0:
                break
    return None


_NOUNS = {"route": "a route", "phases": "a phase", "every_minutes": "a phase"}


def _literal_message(problem: dict[str, Any]) -> str:
    """`'oral' is not a route: accepted sublingual, intramuscular, intravenous, intranasal`."""
    location = [str(part) for part in problem.get("loc", ()) if not isinstance(part, int)]
    given = problem.get("input")
    expected = str((problem.get("ctx") or {}).get("expected", ""))
    accepted = expected.replace("'", "").replace(" or ", ", ")
    nouns = [_NOUNS[part] for part in reversed(location) if part in _NOUNS]
    noun = nouns[0] if nouns else "an accepted value"
    return f"'{given}' is not {noun}: accepted {accepted}"


_BOUNDS = {
    "greater_than_equal": ("ge", "greater than or equal to"),
    "greater_than": ("gt", "greater than"),
    "less_than_equal": ("le", "less than or equal to"),
    "less_than": ("lt", "less than"),
}
_KINDS = {
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "float_type": "a number",
    "float_parsing": "a number",
    "string_type": "text",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "list_type": "a list",
    "dict_type": "a table",
    "model_type": "a table",
    "model_attributes_type": "a table",
}


def _number(value: Any) -> str:
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


def _plain_words(problem: dict[str, Any]) -> str | None:
    """A pydantic problem of a common type in the words a preset's author reads (from its type
    and context, never from the wording of its message)."""
    kind = problem.get("type", "")
    context = problem.get("ctx") or {}
    given = problem.get("input")
    if kind in _BOUNDS:
        key, words = _BOUNDS[kind]
        return f"must be {words} {_number(context.get(key))}, not {given}"
    if kind in _KINDS:
        return f"must be {_KINDS[kind]}, not {given!r}"
    if kind == "string_too_short":
        count = context.get("min_length", 1)
        return "must not be empty" if count == 1 else f"must be at least {count} characters long"
    if kind == "too_short":
        count = context.get("min_length", 1)
        return f"must have at least {count} item{'s' if count != 1 else ''}"
    return None


def describe_validation_error(path: Path, text: str, error: ValidationError) -> str:
    """`describe_problems` for a pydantic `ValidationError` (presets, practice scenarios)."""
    return describe_problems(path, text, [dict(problem) for problem in error.errors(include_url=False)])


def describe_problems(path: Path, text: str, problems: list[dict[str, Any]]) -> str:
    """One line: file, field, line, what is wrong (the first problem; the rest follow by count).

    Problems are dicts in pydantic's error shape (`loc`, `type`, `msg`, `input`, `ctx`). An
    unknown field comes before everything else, since it is usually a typo; when a required field
    at the same level is missing too and looks alike, the message names it.
    """
    problems = list(problems)
    problems.sort(key=lambda problem: problem.get("type") != "extra_forbidden")
    first = problems[0]
    location = tuple(first.get("loc", ()))
    field = ".".join(str(part) for part in location if part != "[key]") or "(top level)"
    line = _key_line(text.splitlines(), location)
    message = first.get("msg", "is invalid")
    kind = first.get("type")
    count = len(problems) - 1
    if kind == "missing":
        message = "is required but missing"
    elif kind == "extra_forbidden":
        message = "is not a known field (check the spelling)"
        parent = location[:-1]
        missing = [
            str(problem["loc"][-1])
            for problem in problems
            if problem.get("type") == "missing" and tuple(problem.get("loc", ()))[:-1] == parent
        ]
        import difflib  # only when something was not found

        close = difflib.get_close_matches(str(location[-1]), missing, n=1, cutoff=0.5)
        if close:
            message = f"is not a known field; did you mean '{close[0]}'? (it is required but missing)"
            count -= 1  # the missing field is the same typo
    elif kind == "string_pattern_mismatch" and location[-1:] == ("name",):
        message = f"'{first.get('input')}' is not a valid name: accepted: lower-case letters, digits and hyphens"
    elif kind == "literal_error":
        message = _literal_message(first)
    elif message.startswith("Value error, "):
        message = message[len("Value error, ") :]
    else:
        message = _plain_words(first) or message
    index = (first.get("ctx") or {}).get("index")
    if isinstance(index, int):
        line = _element_line(text, location, index) or line
    where = f"{path}:{line}" if line else str(path)
    more = f" (and {count} more problem{'s' if count > 1 else ''})" if count > 0 else ""
    return f"{where}: {field}: {message}{more}"


_TOML_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)\s*$")
_TOML_END = re.compile(r"\s*\(at end of document\)\s*$")


def read_toml(path: Path) -> tuple[str, dict[str, Any]]:
    """The text (a byte-order mark dropped) and the parsed table, or a one-line PresetError
    `path:LINE: not valid TOML: message` (or saying why the file is not read at all)."""
    text = read_trusted_text(path)  # only a file the therapist could have written alone
    try:
        return text, tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        message = str(error.args[0]) if error.args else str(error)
        line: int | None = getattr(error, "lineno", None)
        position = _TOML_POSITION.search(message)
        if position:
            line = int(position.group(1))
            message = message[: position.start()] + f" (column {position.group(2)})"
        elif _TOML_END.search(message):
            line = line or max(1, len(text.splitlines()))
            message = _TOML_END.sub(" (at the end of the file)", message)
        where = f"{path}:{line}" if line else str(path)
        raise PresetError(f"{where}: not valid TOML: {message}") from error


def load_preset_file(path: Path) -> Preset:
    text, data = read_toml(path)
    try:
        preset = parse_preset(data)
    except ValidationError as error:
        raise PresetError(describe_validation_error(path, text, error)) from None
    if preset.name != path.stem:
        line = _key_line(text.splitlines(), ("name",))
        where = f"{path}:{line}" if line else str(path)
        raise PresetError(name_mismatch(where, preset.name, path.stem))
    return preset


def name_mismatch(where: str, name: str, stem: str) -> str:
    """The sentence for a preset or scenario file whose `name` is not its file name (as in a copy
    of a shipped one), saying both ways to mend it."""
    return (
        f"{where}: name: '{name}' must match the file name '{stem}': set name = \"{stem}\" in the file, "
        f"or name the file {name}.toml (a file with a built-in's name replaces it)"
    )
