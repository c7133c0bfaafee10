"""The quick scales rated with one keystroke, and their ranges."""

from dataclasses import dataclass
from typing import Literal

from kapsession.core.errors import InputError

ScaleName = Literal["moaas", "dissociation", "nausea", "aldrete"]


@dataclass(frozen=True)
class Scale:
    name: ScaleName
    title: str
    low: int
    high: int
    anchors: dict[int, str]


# The Modified Observer's Assessment of Alertness/Sedation anchors in full, as tabulated in BMC
# Anesthesiology 2022 (doi:10.1186/s12871-022-01788-1, table 2), from Chernik DA et al., J Clin
# Psychopharmacol 1990;10:244-251; the esketamine label reports sedation on this scale.
MOAAS_ANCHORS: dict[int, str] = {
    5: "responds readily to name spoken in a normal tone",
    4: "lethargic response to name spoken in a normal tone",
    3: "responds only after name is called loudly or repeatedly",
    2: "responds only after mild prodding or shaking",
    1: "responds only after painful trapezius squeeze",
    0: "no response after painful trapezius squeeze",
}

SCALES: dict[str, Scale] = {
    "moaas": Scale("moaas", "MOAA/S", 0, 5, MOAAS_ANCHORS),
    "dissociation": Scale("dissociation", "Dissociation", 0, 10, {0: "none", 10: "complete"}),
    "nausea": Scale("nausea", "Nausea", 0, 10, {0: "none", 10: "worst imaginable"}),
    "aldrete": Scale("aldrete", "Modified Aldrete", 0, 10, {9: "ready for discharge at 9 or more"}),
}

ALIASES = {
    "moaa/s": "moaas",
    "moaa": "moaas",
    "sedation": "moaas",
    "m": "moaas",
    "diss": "dissociation",
    "dissoc": "dissociation",
    "d": "dissociation",
    "n": "nausea",
    "a": "aldrete",
}


def parse_scale_name(text: str) -> ScaleName:
    cleaned = text.strip().lower()
    cleaned = ALIASES.get(cleaned, cleaned)
    if cleaned not in SCALES:
        raise InputError(f"'{text.strip()}' is not a scale: accepted {', '.join(SCALES)}")
    return cleaned  # type: ignore[return-value]


def parse_scale_value(scale: ScaleName, text: str) -> int:
    spec = SCALES[scale]
    cleaned = text.strip()
    shown = cleaned if len(cleaned) <= 20 else cleaned[:20] + "\u2026"  # a sentence, not a page
    if not (cleaned.isascii() and cleaned.isdigit()):
        raise InputError(f"{spec.title} '{shown}' is not a whole number: accepted {spec.low}-{spec.high}")
    if len(cleaned.lstrip("0")) > 3:  # before int(): Python refuses to read 4,300 digits or more
        raise InputError(f"{spec.title} {shown} is out of range: accepted {spec.low}-{spec.high}")
    value = int(cleaned)
    if not spec.low <= value <= spec.high:
        raise InputError(f"{spec.title} {value} is out of range: accepted {spec.low}-{spec.high}")
    return value


# The modified Aldrete score for discharge: five items, each 0-2, total 10; ready at 9 or more.
ALDRETE_ITEMS: tuple[str, ...] = ("activity", "respiration", "circulation", "consciousness", "SpO2")
# What earns 0, 1 and 2 on each item: Aldrete JA, "The post-anesthesia recovery score revisited",
# J Clin Anesth 1995;7:89-91 (SpO2 in place of colour), as tabulated by Kim N et al., World J
# Gastroenterol 2015;21(12):3671-3678, table 2 (doi:10.3748/wjg.v21.i12.3671).
ALDRETE_ANCHORS: dict[str, dict[int, str]] = {
    "activity": {
        2: "moves four extremities, voluntarily or on command",
        1: "moves two extremities",
        0: "moves no extremity",
    },
    "respiration": {2: "breathes deeply and coughs freely", 1: "dyspnoea, shallow or limited breathing", 0: "apnoeic"},
    "circulation": {
        2: "BP within 20 mmHg of the pre-dose level",
        1: "BP 20-50 mmHg from the pre-dose level",
        0: "BP more than 50 mmHg from the pre-dose level",
    },
    "consciousness": {2: "fully awake", 1: "arousable on calling", 0: "not responding"},
    "SpO2": {
        2: "keeps SpO2 above 92% on room air",
        1: "needs oxygen to keep SpO2 above 90%",
        0: "SpO2 below 90% even with oxygen",
    },
}
ALDRETE_ACCEPTED = (
    "accepted: five item scores 0-2 (activity, respiration, circulation, consciousness, SpO2), "
    "like '2 2 2 2 1' or '22221', or the total 0-10"
)


def parse_aldrete(text: str) -> int:
    """A modified Aldrete entry as typed: five item scores (`2 2 2 2 1`, `22221`) or the total."""
    cleaned = (text or "").strip().replace(",", " ").replace("+", " ")
    if not cleaned:
        raise InputError("the Aldrete score is empty; " + ALDRETE_ACCEPTED)
    tokens = cleaned.split()
    if len(tokens) == 1 and len(tokens[0]) == len(ALDRETE_ITEMS):
        tokens = list(tokens[0])
    if not all(token.isascii() and token.isdigit() for token in tokens):
        raise InputError(f"'{text.strip()}' is not a score; " + ALDRETE_ACCEPTED)
    if len(tokens) == 1:
        return parse_scale_value("aldrete", tokens[0])
    if len(tokens) != len(ALDRETE_ITEMS):
        raise InputError(f"{len(tokens)} item scores given, 5 are needed; " + ALDRETE_ACCEPTED)
    for name, token in zip(ALDRETE_ITEMS, tokens, strict=True):
        if len(token.lstrip("0")) > 1 or int(token) > 2:  # length first: no int() of a huge number
            raise InputError(f"{name} {token[:20]} is out of range: each item is scored 0-2")
    return sum(int(token) for token in tokens)
