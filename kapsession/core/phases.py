"""The six phases of a KAP session, in order, with the words used for them."""

from __future__ import annotations

from typing import Literal

Phase = Literal["intake", "intention", "dose-onset", "peak", "recovery", "integration"]

PHASES: tuple[Phase, ...] = ("intake", "intention", "dose-onset", "peak", "recovery", "integration")

# What the therapist sees.
PHASE_TITLES: dict[str, str] = {
    "intake": "Intake talk",
    "intention": "Intention cards",
    "dose-onset": "Dose & onset",
    "peak": "Peak",
    "recovery": "Recovery",
    "integration": "Integration talk",
}

# What the client sees (client view, summary): soft words, no clinical terms.
PHASE_SOFT_WORDS: dict[str, str] = {
    "intake": "Arriving and settling in",
    "intention": "Choosing an intention",
    "dose-onset": "Beginning the medicine",
    "peak": "The deepest part of the journey",
    "recovery": "Gently returning",
    "integration": "Talking it through",
}


def next_phase(phase: str | None) -> Phase | None:
    """The phase after `phase` (the first one when no phase has started), or None at the end."""
    if phase is None:
        return PHASES[0]
    index = PHASES.index(phase)
    return PHASES[index + 1] if index + 1 < len(PHASES) else None


def parse_phase(text: str) -> Phase:
    """A phase name as typed (`peak`, `Dose onset`, `dose_onset`, `4`) to its canonical name."""
    from kapsession.core.errors import InputError

    cleaned = text.strip().lower().replace("_", "-").replace(" ", "-").replace("&", "")
    cleaned = cleaned.replace("--", "-")
    aliases = {
        "dose": "dose-onset",
        "onset": "dose-onset",
        "integrate": "integration",
        "talk": "integration",
        "cards": "intention",
    }
    cleaned = aliases.get(cleaned, cleaned)
    if cleaned.isascii() and cleaned.isdigit() and len(cleaned) <= 3 and 1 <= int(cleaned) <= len(PHASES):
        return PHASES[int(cleaned) - 1]
    for phase in PHASES:
        if cleaned == phase or cleaned == PHASE_TITLES[phase].lower().replace(" ", "-"):
            return phase
    raise InputError(f"'{text.strip()}' is not a phase: accepted {', '.join(PHASES)} (or 'next')")
