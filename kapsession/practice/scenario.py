"""Practice scenarios: a protocol preset, a fictional client and a script of timed events, read
from `presets/practice/*.toml` and the user's scenarios dir, validated like presets.

    name = "bp-spike-im"
    title = "Blood pressure spike after an IM dose"
    preset = "intramuscular"
    client_name = "Robin (fictional)"
    weight_kg = 72
    planned_dose_mg = 54

    [[events]]
    at_minutes = 40
    from = "dose"            # or "start": minutes after the session started (intake began)
    kind = "monitor"         # monitor | client | observation
    text = "Monitor shows 186/114 HR 118"
    expect = "vitals"        # vitals | note | ack | scale | medication | adverse | infusion-stop | any
    window_minutes = 5       # ... within this many minutes of the event being presented

A scripted event is only ever *presented* (shown as what the monitor or the client shows); the
trainee still records what they see. Dose-relative events wait until the first dose is recorded,
start-relative ones until the first phase has begun.

A broken file gives one line naming the file, the line, the field and what is wrong, the same way a
broken preset does (`describe_validation_error`, `read_toml`); the other scenarios still load.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
)

from kapsession.core.errors import NotFoundError, PresetError
from kapsession.core.preset_library import PresetLibrary
from kapsession.core.protocol import describe_validation_error, read_toml

EventKind = Literal["monitor", "client", "observation"]
Expectation = Literal["vitals", "note", "ack", "scale", "medication", "adverse", "infusion-stop", "any"]
Anchor = Literal["start", "dose"]

KIND_WORDS: dict[str, str] = {"monitor": "Monitor", "client": "Client", "observation": "You notice"}
EXPECT_WORDS: dict[str, str] = {
    "vitals": "a vitals entry",
    "note": "a note",
    "ack": "an alert acknowledged",
    "scale": "a scale rating",
    "medication": "a medicine given",
    "adverse": "an adverse event recorded",
    "infusion-stop": "the infusion stopped",
    "any": "any entry",
}
DEFAULT_WINDOW_MINUTES = 10
MAX_MINUTES = 600


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=False)


class ScenarioEvent(_Strict):
    at_minutes: float
    anchor: Anchor = Field(default="start", alias="from")
    kind: EventKind
    text: str = Field(min_length=1, max_length=500)
    expect: Expectation | None = None
    window_minutes: int = DEFAULT_WINDOW_MINUTES

    @field_validator("at_minutes")
    @classmethod
    def _minutes_in_range(cls, value: float) -> float:
        if value < 0:
            raise ValueError(f"{value:g} is negative: accepted 0-{MAX_MINUTES} minutes after the start or the dose")
        if value > MAX_MINUTES:
            raise ValueError(f"{value:g} is too late: accepted 0-{MAX_MINUTES} minutes after the start or the dose")
        return value

    @field_validator("window_minutes")
    @classmethod
    def _window_in_range(cls, value: int) -> int:
        if not 1 <= value <= 120:
            raise ValueError(f"{value} is out of range: accepted 1-120 minutes")
        return value

    @field_validator("text")
    @classmethod
    def _text_not_blank(cls, value: str) -> str:
        value = " ".join(value.split())
        if not value:
            raise ValueError("the text is blank: write what the monitor or the client presents")
        return value

    @property
    def when(self) -> str:
        """`T+40` for dose-relative events, `start+5` for start-relative ones."""
        minutes = f"{self.at_minutes:g}"
        return f"T+{minutes}" if self.anchor == "dose" else f"start+{minutes}"


class Scenario(_Strict):
    name: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    title: str = Field(min_length=1, max_length=120)
    preset: str
    description: str = ""
    client_name: str = Field(min_length=1, max_length=120)
    weight_kg: float | None = Field(default=None, gt=20, lt=350)
    planned_dose_mg: float | None = Field(default=None, gt=0)
    events: list[ScenarioEvent] = Field(min_length=1)

    @field_validator("preset")
    @classmethod
    def _preset_exists(cls, value: str, info: ValidationInfo) -> str:
        library: PresetLibrary | None = (info.context or {}).get("presets")
        if library is not None and value not in library.presets:
            known = ", ".join(sorted(library.presets)) or "none"
            close = difflib.get_close_matches(value, list(library.presets), n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            raise ValueError(f"there is no preset '{value}'{hint}: accepted {known}")
        return value

    @field_validator("planned_dose_mg")
    @classmethod
    def _dose_within_preset(cls, value: float | None, info: ValidationInfo) -> float | None:
        library: PresetLibrary | None = (info.context or {}).get("presets")
        preset_name = info.data.get("preset")
        if value is None or library is None or preset_name not in library.presets:
            return value
        limit = library.presets[preset_name].dosing.max_mg
        if value > limit:
            raise ValueError(f"{value:g} mg is above the preset's maximum: accepted up to {limit:g} mg")
        return value

    def ordered_events(self) -> list[ScenarioEvent]:
        """Start-relative events first (they come before the dose can), each group by minute."""
        return sorted(self.events, key=lambda e: (e.anchor != "start", e.at_minutes))


# -- reading files --------------------------------------------------------------------------------

_EVENTS_HEADER = re.compile(r"^\s*\[\[\s*events\s*\]\]\s*(#.*)?$")
# What follows the file name in a `describe_validation_error` line: `:LINE: field: what is wrong`.
_AFTER_PATH = re.compile(r"^(?::(?P<line>\d+))?: (?P<field>[^:]*): (?P<rest>.*)$", re.DOTALL)


_EVENT_NOUNS = {"kind": "a kind of event", "from": "a start for the minutes", "expect": "a kind of response"}


def _event_line(lines: list[str], index: int, key: str | None) -> int | None:
    """The line of `key` in the `index`-th (0-based) `[[events]]` table, or of its header."""
    headers = [number for number, line in enumerate(lines, start=1) if _EVENTS_HEADER.match(line)]
    if index >= len(headers):
        return None
    header = headers[index]
    if key is None:
        return header
    end = headers[index + 1] if index + 1 < len(headers) else len(lines) + 1
    pattern = re.compile(rf"^\s*[\"']?{re.escape(key)}[\"']?\s*=")
    for number in range(header + 1, end):
        line = lines[number - 1]
        if re.match(r"^\s*\[", line):
            break
        if pattern.match(line):
            return number
    return header


def _field_label(location: tuple[Any, ...]) -> str:
    """`events[3].kind` (1-based, as a person counts the [[events]] tables); `from`, not `anchor`."""
    parts: list[str] = []
    for part in location:
        if isinstance(part, int):
            if parts:
                parts[-1] = f"{parts[-1]}[{part + 1}]"
            continue
        parts.append(str(part))
    return ".".join(parts)


def describe_scenario_error(path: Path, text: str, error: ValidationError) -> str:
    """The preset-style one-liner, pointing inside the right `[[events]]` table."""
    message = describe_validation_error(path, text, error)
    problems = sorted(error.errors(), key=lambda problem: problem.get("type") != "extra_forbidden")
    location = tuple(problems[0].get("loc", ()))
    if len(location) < 2 or location[0] != "events" or not isinstance(location[1], int):
        return message
    prefix = str(path)
    if not message.startswith(prefix):
        return message
    parsed = _AFTER_PATH.match(message[len(prefix) :])
    if parsed is None:
        return message
    key = str(location[2]) if len(location) > 2 else None
    line = _event_line(text.splitlines(), location[1], key)
    where = f"{path}:{line}" if line else (f"{path}:{parsed.group('line')}" if parsed.group("line") else str(path))
    rest = parsed.group("rest")
    if key in _EVENT_NOUNS:
        rest = rest.replace("is not an accepted value:", f"is not {_EVENT_NOUNS[key]}:", 1)
    return f"{where}: {_field_label(location)}: {rest}"


def load_scenario_file(path: Path, presets: PresetLibrary | None = None) -> Scenario:
    """Read and validate one scenario file; `presets` (default: the preset library) must hold its
    preset. Raises PresetError with one line naming the file, line, field and problem."""
    if presets is None:
        from kapsession.presets import default_library

        presets = default_library()
    text, data = read_toml(path)
    try:
        scenario = Scenario.model_validate(data, context={"presets": presets})
    except ValidationError as error:
        raise PresetError(describe_scenario_error(path, text, error)) from error
    if scenario.name != path.stem:
        line = next((n for n, raw in enumerate(text.splitlines(), start=1) if re.match(r"^\s*name\s*=", raw)), None)
        where = f"{path}:{line}" if line else str(path)
        from kapsession.core.protocol import name_mismatch

        raise PresetError(name_mismatch(where, scenario.name, path.stem))
    return scenario


@dataclass
class ScenarioLibrary:
    scenarios: dict[str, Scenario] = field(default_factory=dict)
    sources: dict[str, Path] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    presets: PresetLibrary = field(default_factory=PresetLibrary)

    @classmethod
    def load(cls, *directories: Path, presets: PresetLibrary) -> ScenarioLibrary:
        """Later directories override earlier ones (built-ins first, then the user's)."""
        library = cls(presets=presets)
        for directory in directories:
            if not directory.is_dir():
                continue
            for path in sorted(directory.glob("*.toml")):
                try:
                    scenario = load_scenario_file(path, presets)
                except PresetError as error:
                    library.problems.append(str(error))
                    continue
                library.scenarios[scenario.name] = scenario
                library.sources[scenario.name] = path
        return library

    def names(self) -> list[str]:
        return sorted(self.scenarios)

    def get(self, name: str) -> Scenario:
        wanted = (name or "").strip().lower()
        if wanted in self.scenarios:
            return self.scenarios[wanted]
        known = ", ".join(self.names()) or "none"
        close = difflib.get_close_matches(wanted, list(self.scenarios), n=1)
        hint = f" Did you mean '{close[0]}'?" if close else ""
        raise NotFoundError(f"there is no practice scenario '{name.strip()}'.{hint} Known scenarios: {known}")


def default_scenarios(presets: PresetLibrary | None = None) -> ScenarioLibrary:
    from kapsession import locations
    from kapsession.presets import default_library

    return ScenarioLibrary.load(
        locations.builtin_scenarios_dir(),
        locations.user_scenarios_dir(),
        presets=presets if presets is not None else default_library(),
    )
