"""Medicines other than the ketamine dose: the preset's standing adjuncts and how an amount is
checked against its unit.

The check is a guard against slips of the unit or the decimal point (100 mg of clonidine meant as
100 mcg), not dosing advice: a standing adjunct refuses more than its `max_amount` (the preset's
standing order) and less than a tenth of its smallest usual amount; any other medicine is held
to broad bounds for its unit.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import Field, model_validator

from kapsession.core.errors import InputError
from kapsession.core.events import MedicationUnit
from kapsession.core.strict_model import StrictModel

UNITS: tuple[str, ...] = ("mg", "mcg", "g", "mL", "tablet")
UNIT_ALIASES = {
    "mg": "mg",
    "mcg": "mcg",
    "ug": "mcg",
    "µg": "mcg",
    "microgram": "mcg",
    "micrograms": "mcg",
    "g": "g",
    "gram": "g",
    "grams": "g",
    "ml": "mL",
    "tab": "tablet",
    "tabs": "tablet",
    "tablet": "tablet",
    "tablets": "tablet",
}
# Broad bounds for a medicine typed by hand (one administration): outside them the unit or the
# decimal point is almost certainly wrong.
UNIT_BOUNDS: dict[str, tuple[float, float]] = {
    "mg": (0.01, 1000),
    "mcg": (0.1, 5000),
    "g": (0.001, 5),
    "mL": (0.1, 1000),
    "tablet": (0.25, 4),
}
# Amounts convertible to mg, for comparing a dose typed in mcg with a standing order in mg.
TO_MG = {"mg": 1.0, "mcg": 0.001, "g": 1000.0}

ROUTE_ALIASES = {
    "po": "oral",
    "oral": "oral",
    "mouth": "oral",
    "odt": "ODT",
    "sl": "sublingual",
    "sublingual": "sublingual",
    "buccal": "buccal",
    "im": "IM",
    "iv": "IV",
    "in": "intranasal",
    "intranasal": "intranasal",
    "nasal": "intranasal",
    "sc": "subcutaneous",
    "subcutaneous": "subcutaneous",
    "inhaled": "inhaled",
    "topical": "topical",
}


class Adjunct(StrictModel):
    """A medicine the practice keeps a standing order for, offered as a quick pick."""

    name: Annotated[str, Field(min_length=1, max_length=80)]
    amounts: Annotated[list[Annotated[float, Field(gt=0)]], Field(min_length=1)]
    """The usual amounts, smallest first; the first is offered."""
    unit: MedicationUnit
    routes: Annotated[list[str], Field(min_length=1)]
    max_amount: Annotated[float, Field(gt=0)]
    """The most one administration may be (the standing order), in `unit`."""
    reason: str = ""
    """What it is for (nausea, distress, raised blood pressure), offered as the reason."""

    @model_validator(mode="after")
    def _amounts_within_max(self) -> Adjunct:
        if sorted(self.amounts) != self.amounts:
            raise ValueError("amounts must be in increasing order")
        if self.amounts[-1] > self.max_amount:
            raise ValueError(f"the usual amount {self.amounts[-1]:g} is above max_amount {self.max_amount:g}")
        return self

    def describe(self) -> str:
        amounts = (
            "-".join(f"{a:g}" for a in (self.amounts[0], self.amounts[-1]))
            if len(self.amounts) > 1
            else f"{self.amounts[0]:g}"
        )
        return f"{self.name} {amounts} {self.unit} {'/'.join(self.routes)}"


def parse_unit(text: str) -> MedicationUnit:
    key = (text or "").strip()
    unit = UNIT_ALIASES.get(key.lower()) or (key if key in UNITS else None)
    if unit is None:
        raise InputError(f"'{key}' is not a unit: accepted {', '.join(UNITS)}")
    return unit  # type: ignore[return-value]


def parse_amount(text: str | float) -> float:
    if isinstance(text, (int, float)):
        return float(text)
    cleaned = text.strip().replace(",", ".")
    if not re.fullmatch(r"\d{1,5}(\.\d{1,4})?|\.\d{1,4}", cleaned, re.ASCII) or float(cleaned) <= 0:
        raise InputError(f"'{text.strip()}' is not an amount: accepted a number above 0, like 4 or 0.5")
    return float(cleaned)


def parse_route(text: str | None) -> str | None:
    cleaned = " ".join((text or "").split())
    if not cleaned:
        return None
    if len(cleaned) > 40:
        raise InputError(f"the route '{cleaned[:20]}…' is {len(cleaned)} characters: accepted up to 40")
    return ROUTE_ALIASES.get(cleaned.lower(), cleaned)


def find_adjunct(adjuncts: list[Adjunct] | tuple[Adjunct, ...], name: str) -> Adjunct | None:
    key = name.strip().casefold()
    return next((adjunct for adjunct in adjuncts if adjunct.name.casefold() == key), None)


def check_amount(name: str, amount: float, unit: str, adjunct: Adjunct | None) -> None:
    """Refuse an amount implausible for its unit (see the module's docstring); one sentence."""
    low, high = UNIT_BOUNDS[unit]
    if not low <= amount <= high:
        raise InputError(
            f"{name} {amount:g} {unit} is implausible for the unit: accepted {low:g}-{high:g} {unit} "
            "(check the unit and the decimal point)"
        )
    if adjunct is None:
        return
    if unit in TO_MG and adjunct.unit in TO_MG:
        in_adjunct_unit = amount * TO_MG[unit] / TO_MG[adjunct.unit]
    elif unit == adjunct.unit:
        in_adjunct_unit = amount
    else:
        raise InputError(f"{adjunct.name} is given in {adjunct.unit} in this preset, not {unit}")
    if in_adjunct_unit > adjunct.max_amount:
        raise InputError(
            f"{name} {amount:g} {unit} is above the preset's standing order of at most "
            f"{adjunct.max_amount:g} {adjunct.unit} (check the unit and the decimal point)"
        )
    if in_adjunct_unit < adjunct.amounts[0] / 10:
        raise InputError(
            f"{name} {amount:g} {unit} is implausibly small against the usual {adjunct.describe()} "
            "(check the unit and the decimal point)"
        )
