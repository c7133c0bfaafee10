"""Presets: a session protocol (phases, vitals schedule, thresholds, timers, cards, checklists,
aftercare) read from a TOML file and validated by pydantic.

A broken file gives one line naming the file, the field, the line where it can be found, and what
is wrong; the other presets still load.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from kapsession.core.errors import PresetError
from kapsession.core.events import Route
from kapsession.core.phases import PHASES, Phase

ROUTE_PLAIN_WORDS: dict[str, str] = {
    "sublingual": "a lozenge (troche) held in the mouth",
    "intramuscular": "an injection into the muscle",
    "intravenous": "a slow intravenous infusion",
    "intranasal": "a nasal spray",
}


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PhasePlan(Strict):
    minutes: int = Field(ge=1, le=240)
    prompt: str = Field(min_length=1)


class VitalsSchedule(Strict):
    baseline: bool = True
    """A reading is due before the first dose."""
    after_dose_minutes: list[int] = Field(default_factory=list)
    """Checks at these minutes after the first dose."""
    every_minutes: dict[Phase, int] = Field(default_factory=dict)
    """While in these phases, a check every N minutes (counted from the first dose)."""
    before_discharge: bool = True
    """A reading within `discharge_window_minutes` is needed before the client may leave."""
    discharge_window_minutes: int = Field(default=15, ge=1, le=120)
    tolerance_minutes: int = Field(default=5, ge=0, le=30)
    """A reading this many minutes before a check counts for it."""

    @field_validator("after_dose_minutes")
    @classmethod
    def _sorted_positive(cls, value: list[int]) -> list[int]:
        if any(minute < 1 or minute > 600 for minute in value):
            raise ValueError("minutes after the dose must be between 1 and 600")
        if sorted(set(value)) != value:
            raise ValueError("minutes after the dose must be in increasing order, without repeats")
        return value

    @field_validator("every_minutes")
    @classmethod
    def _sane_intervals(cls, value: dict[str, int]) -> dict[str, int]:
        for phase, minutes in value.items():
            if not 2 <= minutes <= 120:
                raise ValueError(f"the interval for {phase} must be 2-120 minutes, not {minutes}")
        return value


class Thresholds(Strict):
    systolic_high: int = 180
    diastolic_high: int = 110
    heart_rate_high: int = 120
    heart_rate_low: int = 50
    spo2_low: int = 92
    resp_rate_low: int = 10
    temperature_high: float = 38.0
    predose_systolic_high: int = 140
    predose_diastolic_high: int = 90


class Window(Strict):
    start: int = Field(ge=0, le=600)
    end: int = Field(ge=0, le=600)

    @model_validator(mode="after")
    def _ordered(self) -> "Window":
        if self.end < self.start:
            raise ValueError("end must not be before start")
        return self


class RouteTimers(Strict):
    spit_after_minutes: int | None = Field(default=None, ge=1, le=60)
    device_interval_minutes: int | None = Field(default=None, ge=1, le=30)
    mg_per_device: float | None = Field(default=None, gt=0)
    booster_window: Window | None = None


class Dosing(Strict):
    typical_mg: float | None = Field(default=None, gt=0)
    mg_per_kg: float | None = Field(default=None, gt=0, le=5)
    max_mg: float = Field(default=1000, gt=0)
    sites: list[str] = Field(default_factory=list)


class Preset(Strict):
    name: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    title: str
    route: Route
    description: str = ""
    phases: dict[Phase, PhasePlan]
    onset_window: Window
    peak_window: Window
    dosing: Dosing = Dosing()
    vitals: VitalsSchedule
    thresholds: Thresholds = Thresholds()
    minimum_observation_minutes: int = Field(ge=0, le=600)
    timers: RouteTimers = RouteTimers()
    cards: list[str]
    intake_checklist: list[str] = Field(min_length=1)
    discharge_checklist: list[str] = Field(min_length=1)
    integration_prompts: list[str] = Field(min_length=1)
    aftercare: list[str] = Field(min_length=1)
    when_to_call: str

    @field_validator("phases")
    @classmethod
    def _all_six_phases(cls, value: dict[str, PhasePlan]) -> dict[str, PhasePlan]:
        missing = [phase for phase in PHASES if phase not in value]
        if missing:
            raise ValueError(f"missing phase(s) {', '.join(missing)}; all six are needed: {', '.join(PHASES)}")
        return {phase: value[phase] for phase in PHASES}

    @field_validator("cards")
    @classmethod
    def _enough_distinct_cards(cls, value: list[str]) -> list[str]:
        if len(value) < 30:
            raise ValueError(f"the deck has {len(value)} cards; at least 30 are needed")
        seen: set[str] = set()
        for card in value:
            key = card.strip().casefold()
            if not key:
                raise ValueError("a card is blank")
            if key in seen:
                raise ValueError(f"the card '{card}' appears twice")
            seen.add(key)
        return value

    @property
    def planned_total_minutes(self) -> int:
        return sum(plan.minutes for plan in self.phases.values())

    @property
    def route_in_plain_words(self) -> str:
        return ROUTE_PLAIN_WORDS[self.route]


def _key_line(lines: list[str], path: tuple[Any, ...]) -> int | None:
    """The 1-based line where `path` (a pydantic error location) is set in a TOML file, if found.

    Tracks `[table]` headers and looks for `key =` (or a `[table.key]` header); good enough for the
    hand-written files presets are, and only ever used to point a person at a line.
    """
    keys = [str(part) for part in path if not isinstance(part, int)]
    if not keys:
        return None
    table: list[str] = []
    best: int | None = None
    for number, raw in enumerate(lines, start=1):
        line = raw.strip()
        header = re.match(r"^\[\[?([^\]]+)\]\]?", line)
        if header:
            table = [part.strip().strip('"') for part in header.group(1).split(".")]
            if table == keys:
                return number
            if keys[: len(table)] == table and best is None and len(table) > 0:
                best = number
            continue
        assignment = re.match(r'^"?([A-Za-z0-9_-]+)"?\s*=', line)
        if assignment and table + [assignment.group(1)] == keys[: len(table) + 1]:
            if table + [assignment.group(1)] == keys or len(keys) > len(table) + 1:
                return number
    return best


def describe_validation_error(path: Path, text: str, error: ValidationError) -> str:
    """One line: file, field, line, what is wrong (the first problem; the rest follow by count)."""
    problems = error.errors()
    first = problems[0]
    location = tuple(first.get("loc", ()))
    field = ".".join(str(part) for part in location) or "(top level)"
    line = _key_line(text.splitlines(), location)
    where = f"{path}:{line}" if line else str(path)
    message = first.get("msg", "is invalid")
    if first.get("type") == "missing":
        message = "is required but missing"
    elif first.get("type") == "extra_forbidden":
        message = "is not a known field (check the spelling)"
    elif message.startswith("Value error, "):
        message = message[len("Value error, "):]
    more = f" (and {len(problems) - 1} more problem{'s' if len(problems) > 2 else ''})" if len(problems) > 1 else ""
    return f"{where}: {field}: {message}{more}"


def read_toml(path: Path) -> tuple[str, dict[str, Any]]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise PresetError(f"{path}: cannot be read ({error.strerror or error})") from error
    except UnicodeDecodeError as error:
        raise PresetError(f"{path}: is not UTF-8 text") from error
    try:
        return text, tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise PresetError(f"{path}: not valid TOML: {error}") from error


def load_preset_file(path: Path) -> Preset:
    text, data = read_toml(path)
    try:
        preset = Preset.model_validate(data)
    except ValidationError as error:
        raise PresetError(describe_validation_error(path, text, error)) from error
    if preset.name != path.stem:
        line = _key_line(text.splitlines(), ("name",))
        where = f"{path}:{line}" if line else str(path)
        raise PresetError(f"{where}: name: '{preset.name}' must match the file name '{path.stem}'")
    return preset
