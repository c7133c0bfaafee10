"""Vitals: one reading (any subset of measures), its plausibility ranges, and the one-line parser.

Accepted lines: `128/84 76 98` (BP, then heart rate, SpO2, respiratory rate, temperature by
position), or with names in any order: `128/84 hr 76 spo2 98 rr 14 t 36.8`, `bp 128/84`, `hr 76`.
"""

import re
from dataclasses import dataclass

from kapsession.core.errors import InputError
from kapsession.core.strict_model import StrictModel


@dataclass(frozen=True)
class Measure:
    field: str
    label: str
    unit: str
    low: float
    high: float
    integer: bool = True

    @property
    def accepted(self) -> str:
        unit = f" {self.unit}" if self.unit else ""
        low = int(self.low) if self.integer else self.low
        high = int(self.high) if self.integer else self.high
        return f"{low}-{high}{unit}"


# Plausible, not normal: a reading outside these is a typing error, not a patient.
MEASURES: dict[str, Measure] = {
    "systolic": Measure("systolic", "systolic", "mmHg", 50, 260),
    "diastolic": Measure("diastolic", "diastolic", "mmHg", 20, 160),
    "heart_rate": Measure("heart_rate", "heart rate", "bpm", 20, 250),
    "spo2": Measure("spo2", "SpO2", "%", 50, 100),
    "resp_rate": Measure("resp_rate", "respiratory rate", "/min", 4, 60),
    "temperature": Measure("temperature", "temperature", "°C", 30.0, 43.0, integer=False),
}
# The same plausible range in °F (30-43 °C): the two do not overlap, so a bare number says its unit.
FAHRENHEIT = Measure("temperature", "temperature", "°F", 86.0, 109.4, integer=False)


def celsius(fahrenheit: float) -> float:
    """98.6 -> 37.0, to the tenth a thermometer shows."""
    return round((fahrenheit - 32) * 5 / 9, 1)


POSITIONAL_ORDER = ("heart_rate", "spo2", "resp_rate", "temperature")

KEYWORDS = {
    "bp": "bp",
    "hr": "heart_rate",
    "pulse": "heart_rate",
    "p": "heart_rate",
    "spo2": "spo2",
    "sat": "spo2",
    "sats": "spo2",
    "o2": "spo2",
    "sp": "spo2",
    "rr": "resp_rate",
    "resp": "resp_rate",
    "r": "resp_rate",
    "t": "temperature",
    "temp": "temperature",
}

ACCEPTED_FORMAT = "accepted: '128/84 76 98' (BP HR SpO2 [RR] [temp]) or '128/84 hr 76 spo2 98 rr 14'"


class VitalsReading(StrictModel):
    """Any subset of the measures; at least one is present."""

    systolic: int | None = None
    diastolic: int | None = None
    heart_rate: int | None = None
    spo2: int | None = None
    resp_rate: int | None = None
    temperature: float | None = None
    """Always in °C; `temperature_fahrenheit` keeps what was typed when it was typed in °F."""
    temperature_fahrenheit: float | None = None

    def measures(self) -> dict[str, float]:
        return self.model_dump(exclude_none=True, exclude={"temperature_fahrenheit"})

    def describe(self) -> str:
        """Compact, as a therapist writes it: `128/84 HR 76 SpO2 98% RR 14`."""
        parts = []
        if self.systolic is not None:
            parts.append(f"{self.systolic}/{self.diastolic}")
        if self.heart_rate is not None:
            parts.append(f"HR {self.heart_rate}")
        if self.spo2 is not None:
            parts.append(f"SpO2 {self.spo2}%")
        if self.resp_rate is not None:
            parts.append(f"RR {self.resp_rate}")
        if self.temperature is not None:
            typed = f" ({self.temperature_fahrenheit:.1f}°F)" if self.temperature_fahrenheit is not None else ""
            parts.append(f"T {self.temperature:.1f}°C{typed}")
        return " ".join(parts)


_NUMBER = re.compile(r"^\d{1,3}(\.\d{1,2})?$", re.ASCII)
_BP = re.compile(r"^(\d{1,3})/(\d{1,3})$", re.ASCII)
_FAHRENHEIT = re.compile(r"^(\d{2,3}(?:\.\d{1,2})?)°?f$", re.ASCII)
_FAHRENHEIT_AS_WRITTEN = re.compile(r"^\(\d{2,3}(?:\.\d{1,2})?°f\)$", re.ASCII)


def _fahrenheit(token: str) -> float | None:
    """`98.6f`, `98.6°f` -> 98.6; anything else -> None."""
    match = _FAHRENHEIT.match(token)
    return float(match.group(1)) if match else None


def _number(token: str, field: str) -> float:
    measure = MEASURES[field]
    if not _NUMBER.match(token):
        raise InputError(f"{measure.label} '{token}' is not a number: accepted {measure.accepted}")
    value = float(token)
    if measure.integer and not value.is_integer():
        raise InputError(f"{measure.label} '{token}' must be a whole number: accepted {measure.accepted}")
    return value


def _check_range(field: str, value: float) -> None:
    measure = MEASURES[field]
    if not measure.low <= value <= measure.high:
        shown = int(value) if measure.integer else value
        accepted = measure.accepted + (f" or {FAHRENHEIT.accepted}" if field == "temperature" else "")
        raise InputError(f"{measure.label} {shown} is out of range: accepted {accepted}")


def _without_unit(token: str) -> str:
    """`98%` -> `98`, `36.8°c` -> `36.8` (as `describe()` writes them, so a reading reads back)."""
    for unit in ("%", "°c", "°", "c"):
        if token.endswith(unit):
            return token[: -len(unit)]
    return token


def _split_keyword(token: str) -> tuple[str | None, str | None]:
    """`hr` -> ('hr', None); `hr76`, `spo2:98`, `t=36.8` -> (keyword, value); else (None, None)."""
    token = token.rstrip(":=")
    if token in KEYWORDS:
        return token, None
    for keyword in sorted(KEYWORDS, key=len, reverse=True):
        if token.startswith(keyword):
            rest = token[len(keyword) :].lstrip(":=")
            if rest and (rest[0].isdigit()):
                return keyword, rest
    return None, None


def parse_vitals(text: str) -> VitalsReading:
    """Parse one typed line into a reading, or raise InputError naming the field and range."""
    if not isinstance(text, str):
        raise InputError("a vitals line must be text; " + ACCEPTED_FORMAT)
    tokens = text.replace(",", " ").lower().split()
    if not tokens:
        raise InputError("the vitals line is empty; " + ACCEPTED_FORMAT)
    values: dict[str, float] = {}
    typed_fahrenheit: float | None = None
    positional = 0
    index = 0

    def assign(field: str, value: float) -> None:
        if field in values:
            raise InputError(f"{MEASURES[field].label} is given twice; " + ACCEPTED_FORMAT)
        values[field] = value

    def assign_bp(token: str) -> None:
        match = _BP.match(token)
        if not match:
            raise InputError(f"blood pressure '{token}' is not systolic/diastolic like 128/84")
        assign("systolic", float(match.group(1)))
        assign("diastolic", float(match.group(2)))

    while index < len(tokens):
        token = tokens[index]
        keyword, value_token = _split_keyword(token)
        if keyword is None and "/" in token:
            assign_bp(token)
        elif keyword is not None:
            field = KEYWORDS[keyword]
            if value_token is None:
                index += 1
                if index >= len(tokens):
                    raise InputError(f"'{token}' needs a value after it; " + ACCEPTED_FORMAT)
                value_token = tokens[index].lstrip(":=")
            if field == "bp":
                assign_bp(value_token)
            elif field == "temperature" and _fahrenheit(value_token) is not None:
                typed_fahrenheit = _fahrenheit(value_token)
                assign(field, typed_fahrenheit)  # type: ignore[arg-type]
            else:
                assign(field, _number(_without_unit(value_token), field))
        elif _FAHRENHEIT_AS_WRITTEN.match(token) and "temperature" in values:
            pass  # `(98.6°f)` after a temperature, as `describe()` writes one typed in °F
        elif _fahrenheit(token) is not None:
            fahrenheit = _fahrenheit(token)
            assign("temperature", fahrenheit)  # type: ignore[arg-type]
            typed_fahrenheit = fahrenheit
        elif _NUMBER.match(_without_unit(token)):
            # Bare numbers fill heart rate, SpO2, RR, temperature in that order.
            while positional < len(POSITIONAL_ORDER) and POSITIONAL_ORDER[positional] in values:
                positional += 1
            if positional >= len(POSITIONAL_ORDER):
                raise InputError(f"there is one number too many ('{token}'); " + ACCEPTED_FORMAT)
            field = POSITIONAL_ORDER[positional]
            assign(field, _number(_without_unit(token), field))
            positional += 1
        else:
            raise InputError(f"'{token}' is not understood; " + ACCEPTED_FORMAT)
        index += 1

    if values.get("temperature", 0) > MEASURES["temperature"].high and typed_fahrenheit is None:
        # A bare number in the °F range is a temperature typed in °F (98.6), not a typing error.
        if FAHRENHEIT.low <= values["temperature"] <= FAHRENHEIT.high:
            typed_fahrenheit = values["temperature"]
    if typed_fahrenheit is not None:
        if not FAHRENHEIT.low <= typed_fahrenheit <= FAHRENHEIT.high:
            raise InputError(
                f"temperature {typed_fahrenheit}°F is out of range: accepted "
                f"{MEASURES['temperature'].accepted} or {FAHRENHEIT.accepted}"
            )
        values["temperature"] = celsius(typed_fahrenheit)
    for field, value in values.items():
        _check_range(field, value)
    if "systolic" in values and values["diastolic"] >= values["systolic"]:
        raise InputError(
            f"diastolic {int(values['diastolic'])} must be below systolic {int(values['systolic'])}: "
            f"accepted diastolic {MEASURES['diastolic'].accepted}, lower than the systolic"
        )
    cleaned: dict[str, float | int] = {
        field: (value if not MEASURES[field].integer else int(value)) for field, value in values.items()
    }
    if typed_fahrenheit is not None:
        cleaned["temperature_fahrenheit"] = typed_fahrenheit
    return VitalsReading(**cleaned)


def split_backdate(text: str) -> tuple[str, str | None]:
    """`128/84 76 @10:42` -> ('128/84 76', '10:42'); no `@` -> (text, None)."""
    if "@" not in text:
        return text, None
    body, _, when = text.partition("@")
    return body.strip(), when.strip()
