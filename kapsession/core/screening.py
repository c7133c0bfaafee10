"""The intake screening: yes/no questions asked at every session, with the answer that means
"stop and decide" marked, plus fasting, medicines taken today, the driver and consent.

A preset may replace the standard questions (`screening`) or add its own (`screening_extra`).
The contraindications asked about are those a KAP practice screens each session, as a
clinician's review of the first release listed them: uncontrolled hypertension, aneurysmal
vascular disease or arteriovenous malformation, history of intracerebral haemorrhage, pregnancy,
psychosis, current substance misuse, known hypersensitivity. `form_class` ties an answer to a concomitant-medicine class of
the esketamine monitoring form.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import Field

from kapsession.core.errors import InputError
from kapsession.core.strict_model import StrictModel

AnswerKind = Literal["yes-no", "hours", "text"]
FormClass = Literal["benzodiazepines", "sedative-hypnotics", "psychostimulants", "maois", "opioids"]


class ScreeningQuestion(StrictModel):
    key: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=60)]
    text: Annotated[str, Field(min_length=1, max_length=300)]
    kind: AnswerKind = "yes-no"
    stop_if: Literal["yes", "no"] | None = None
    """The answer that means: stop and decide before the dose."""
    form_class: FormClass | None = None


def _yes_no(
    key: str, text: str, stop_if: Literal["yes", "no"] | None = None, form_class: FormClass | None = None
) -> ScreeningQuestion:
    return ScreeningQuestion(key=key, text=text, stop_if=stop_if, form_class=form_class)


STANDARD_SCREENING: tuple[ScreeningQuestion, ...] = (
    _yes_no("hypertension", "Uncontrolled high blood pressure?", "yes"),
    _yes_no("vascular", "Aneurysmal vascular disease or an arteriovenous malformation?", "yes"),
    _yes_no("haemorrhage", "History of intracerebral haemorrhage?", "yes"),
    _yes_no("pregnancy", "Pregnant, or could be?", "yes"),
    _yes_no("psychosis", "Psychosis, now or in the past?", "yes"),
    _yes_no("substance-misuse", "Current substance misuse?", "yes"),
    _yes_no("hypersensitivity", "Known hypersensitivity to ketamine or esketamine?", "yes"),
    ScreeningQuestion(key="food-hours", text="Hours since last food", kind="hours"),
    ScreeningQuestion(key="drink-hours", text="Hours since last drink", kind="hours"),
    ScreeningQuestion(key="medicines-today", text="Medicines taken today", kind="text"),
    _yes_no("driver", "Driver arranged for the ride home?", "no"),
    _yes_no("consent", "Consent re-confirmed today?", "no"),
)

# The concomitant-medicine classes the esketamine monitoring form asks about.
FORM_CLASS_WORDS: dict[str, str] = {
    "benzodiazepines": "Benzodiazepines",
    "sedative-hypnotics": "Non-benzodiazepine sedative hypnotics",
    "psychostimulants": "Psychostimulants",
    "maois": "Monoamine oxidase inhibitors (MAOIs)",
    "opioids": "Opioids",
}

_YES = {"y", "yes", "true", "1"}
_NO = {"n", "no", "false", "0"}


def parse_answer(question: ScreeningQuestion, text: str) -> str:
    """An answer as typed, in the form it is stored: `yes`/`no`, a number of hours, or text."""
    cleaned = " ".join((text or "").split())
    if not cleaned:
        raise InputError(f"'{question.text}' needs an answer: " + accepted(question))
    if question.kind == "yes-no":
        word = cleaned.lower()
        if word in _YES:
            return "yes"
        if word in _NO:
            return "no"
        raise InputError(f"'{cleaned}' is not an answer to '{question.text}': " + accepted(question))
    if question.kind == "hours":
        number = cleaned.lower().removesuffix("hours").removesuffix("hour").removesuffix("h").strip()
        if not re.fullmatch(r"\d{1,2}(\.\d{1,2})?", number, re.ASCII) or float(number) > 72:
            raise InputError(f"'{cleaned}' is not a number of hours for '{question.text}': " + accepted(question))
        return f"{float(number):g}"
    if len(cleaned) > 500:
        raise InputError(f"the answer to '{question.text}' is {len(cleaned)} characters: accepted up to 500")
    return cleaned


def accepted(question: ScreeningQuestion) -> str:
    return {
        "yes-no": "accepted yes or no",
        "hours": "accepted a number of hours, 0-72",
        "text": "accepted any text (none: 'none')",
    }[question.kind]


def is_stop(question: ScreeningQuestion, answer: str) -> bool:
    return question.stop_if is not None and answer == question.stop_if
