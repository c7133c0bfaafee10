"""PHQ-9 and GAD-7: the published items and answers (data files beside this module, each naming
its source), scoring, severity bands, and the change over a course (response, remission).

Both are free to use (Pfizer Inc.). Licensed instruments (BDI-II, HAM-A) are never shipped.
"""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal

from kapsession.core.errors import InputError

InstrumentName = Literal["phq9", "gad7"]
INSTRUMENTS: tuple[str, ...] = ("phq9", "gad7")
ANSWER_MAX = 3
# A score under this is remission (PHQ-9 and GAD-7 alike).
REMISSION_BELOW = 5
# Response: a drop of at least this fraction from the first score.
RESPONSE_DROP = 0.5

_FOLDER = Path(__file__).resolve().parent
_ALIASES = {"phq9": "phq9", "phq-9": "phq9", "phq": "phq9", "gad7": "gad7", "gad-7": "gad7", "gad": "gad7"}


@dataclass(frozen=True)
class Band:
    low: int
    high: int
    words: str

    @property
    def span(self) -> str:
        return f"{self.low}-{self.high}"


@dataclass(frozen=True)
class Instrument:
    name: str
    title: str
    long_title: str
    source: str
    stem: str
    answers: tuple[str, ...]
    items: tuple[str, ...]
    bands: tuple[Band, ...]
    safety_item: int | None  # numbered from 1

    @property
    def max_total(self) -> int:
        return ANSWER_MAX * len(self.items)

    def band(self, total: int) -> Band:
        for band in reversed(self.bands):
            if total >= band.low:
                return band
        return self.bands[0]

    def safety_flagged(self, answers: Sequence[int]) -> bool:
        """The item that needs a safety check the same day (PHQ-9 item 9) was answered above 0."""
        return self.safety_item is not None and len(answers) >= self.safety_item and answers[self.safety_item - 1] > 0


def instrument(name: str) -> Instrument:
    """An instrument by name (`phq9`, `PHQ-9`, `gad7`), read from its data file once."""
    key = _ALIASES.get(name.strip().lower())
    if key is None:
        raise InputError(f"'{name}' is not a questionnaire: accepted phq9, gad7")
    return _load(key)


@cache
def _load(key: str) -> Instrument:
    data = tomllib.loads((_FOLDER / f"{key}.toml").read_text(encoding="utf-8"))
    items = tuple(data["items"])
    top = ANSWER_MAX * len(items)
    lows = [int(band["from"]) for band in data["bands"]]
    bands = tuple(
        Band(low, (lows[index + 1] - 1) if index + 1 < len(lows) else top, str(band["words"]))
        for index, (low, band) in enumerate(zip(lows, data["bands"], strict=True))
    )
    return Instrument(
        name=key,
        title=data["title"],
        long_title=data["long_title"],
        source=data["source"],
        stem=data["stem"],
        answers=tuple(data["answers"]),
        items=items,
        bands=bands,
        safety_item=data.get("safety_item"),
    )


def instrument_name(text: str) -> str:
    return instrument(text).name


def check_answers(name: str, answers: Sequence[int]) -> tuple[int, ...]:
    """The answers as a tuple, or an InputError saying what is wrong (count, or a value outside 0-3)."""
    form = instrument(name)
    if len(answers) != len(form.items):
        raise InputError(f"a {form.title} has {len(form.items)} answers, one per item; {len(answers)} were given")
    for number, answer in enumerate(answers, start=1):
        if not 0 <= answer <= ANSWER_MAX:
            raise InputError(
                f"{form.title} item {number}: {answer} is not an answer: accepted 0-{ANSWER_MAX} "
                f"({', '.join(f'{i} {words.lower()}' for i, words in enumerate(form.answers))})"
            )
    return tuple(answers)


def parse_answers(name: str, words: Sequence[str]) -> tuple[int, ...]:
    """Answers typed on a command line: `1 2 0 1 2 1 0 1 0`, or all together `120121010`."""
    form = instrument(name)
    tokens = [token for word in words for token in word.replace(",", " ").split()]
    if len(tokens) == 1 and len(tokens[0]) == len(form.items):
        tokens = list(tokens[0])
    values = []
    for token in tokens:
        if not (token.isascii() and token.isdigit()) or len(token) > 2:
            raise InputError(f"'{token}' is not a {form.title} answer: accepted 0-{ANSWER_MAX}, one per item")
        values.append(int(token))
    return check_answers(form.name, values)


def total(answers: Sequence[int]) -> int:
    return sum(answers)


@dataclass(frozen=True)
class Change:
    """One instrument over a course: first and latest totals and what the change means."""

    instrument: str
    first: int
    latest: int
    count: int

    @property
    def difference(self) -> int:
        return self.latest - self.first

    @property
    def percent(self) -> int | None:
        """The change as a percentage of the first score (None when the first score was 0)."""
        return None if self.first == 0 else round(100 * self.difference / self.first)

    @property
    def response(self) -> bool:
        """A drop of at least 50% from the first score (needs two scores and a first above 0)."""
        return self.count > 1 and self.first > 0 and (self.first - self.latest) >= RESPONSE_DROP * self.first

    @property
    def remission(self) -> bool:
        """The latest score under 5, after a first score that was not (a course that began in
        remission has not reached it)."""
        return self.count > 1 and self.latest < REMISSION_BELOW <= self.first

    @property
    def words(self) -> tuple[str, ...]:
        """The marks shown beside the scores: words, never colour alone."""
        return tuple(word for word, on in (("RESPONSE", self.response), ("REMISSION", self.remission)) if on)

    def figures(self) -> str:
        """`18 -> 7 (-11, -61%)`."""
        if self.count < 2:
            return f"{self.latest} (first score)"
        sign = "+" if self.difference > 0 else ""
        percent = f", {sign}{self.percent}%" if self.percent is not None else ""
        return f"{self.first} \u2192 {self.latest} ({sign}{self.difference}{percent})"

    def describe(self) -> str:
        """`18 -> 7 (-11, -61%) RESPONSE`."""
        return " ".join((self.figures(), *self.words))


def change(name: str, totals: Sequence[int]) -> Change | None:
    """The change over a course from its totals in time order (None without any)."""
    if not totals:
        return None
    return Change(instrument(name).name, totals[0], totals[-1], len(totals))
