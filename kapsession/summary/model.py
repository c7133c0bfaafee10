"""The client summary: what the client takes home, built only from what may be shared.

`build_summary` is the single choke point through which anything client-facing passes. It reads
the session state and copies out, as plain strings, exactly what the client may see: the header,
the intention and cards, a gentle timeline, the notes marked shareable, the integration prompts,
aftercare and the next session, and vitals and doses only when the therapist asked for them.
Every format (Markdown, HTML, PDF) and the preview screen render a `ClientSummary`, never the
state, so a private note has no path to the page. The parts are frozen pydantic models, so the
data handed to the PDF template is their own JSON dump.
"""

from datetime import datetime, tzinfo
from typing import Any

from pydantic import BaseModel, ConfigDict

from kapsession.core.phases import PHASE_SOFT_WORDS
from kapsession.core.protocol import ROUTE_PLAIN_WORDS
from kapsession.core.state import NoteView, SessionState
from kapsession.core.timeparse import to_local

INTENTION_SLOT = "{intention}"
HEADING_HOME = "Heading home"


def long_date(moment: datetime, zone: tzinfo | None = None) -> str:
    """`Monday 2 March 2026` in local time (no platform-specific strftime flags)."""
    local = to_local(moment, zone)
    return f"{local:%A} {local.day} {local:%B %Y}"


def clock(moment: datetime, zone: tzinfo | None = None) -> str:
    return to_local(moment, zone).strftime("%H:%M")


class SummaryPart(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class TimelineStep(SummaryPart):
    time: str  # local clock time the part began, "10:02"
    words: str  # the phase in plain language
    minutes: float  # how long it lasted (only used to draw proportions, never printed)


class SharedNote(SummaryPart):
    time: str
    moment: str  # the part of the session it belongs to, in plain words ("" before the first)
    text: str
    quote: bool  # the client's own words


class DoseFigure(SummaryPart):
    time: str
    amount: str  # "200 mg"
    how: str  # "a lozenge (troche) held in the mouth"


class VitalsFigure(SummaryPart):
    time: str
    minute: float  # minutes since the first reading, for the chart
    blood_pressure: str  # "128/84" or ""
    heart_rate: str
    spo2: str
    systolic: int | None
    diastolic: int | None
    pulse: int | None


class ClinicalFigures(SummaryPart):
    doses: tuple[DoseFigure, ...]
    vitals: tuple[VitalsFigure, ...]


class ClientSummary(SummaryPart):
    client_name: str
    date: str
    session_label: str  # "Session 3 of 6"
    therapist_name: str
    practice_name: str
    route_words: str  # "a lozenge (troche) held in the mouth"
    intention: str | None
    cards: tuple[str, ...]
    timeline: tuple[TimelineStep, ...]
    notes: tuple[SharedNote, ...]
    prompts: tuple[str, ...]
    aftercare: tuple[str, ...]
    when_to_call: str
    next_session: str | None
    practice_phone: str = ""
    crisis_line: str = ""
    clinical: ClinicalFigures | None = None
    practice: bool = False
    paper: str = "a4"
    dose_given: bool = True

    @property
    def nothing_personal(self) -> bool:
        """No note was marked shareable: the page holds only the protocol's words and the plan."""
        return not self.notes

    @property
    def with_line(self) -> str:
        """`With Dr Ana Reyes · Quiet Harbour Practice` (either part may be missing)."""
        names = [part for part in (self.therapist_name, self.practice_name) if part]
        return "With " + " · ".join(names) if names else ""

    @property
    def route_line(self) -> str:
        if not self.dose_given:
            return "No medicine was given in this session."
        return f"The medicine was given as {self.route_words}." if self.route_words else ""

    @property
    def call_numbers(self) -> tuple[str, ...]:
        """The numbers printed under "when to call" (from the settings)."""
        lines = []
        if self.practice_phone:
            lines.append(f"The practice: {self.practice_phone}")
        if self.crisis_line:
            lines.append(f"Crisis line: {self.crisis_line}")
        return tuple(lines)

    def missing_numbers(self) -> list[str]:
        """Which of the practice's phone and a crisis line the summary would print without."""
        return [
            name
            for name, value in (("the practice's phone", self.practice_phone), ("a crisis line", self.crisis_line))
            if not value
        ]

    def included(self) -> list[str]:
        """What personal content is on the page, in words, for the preview."""
        parts = []
        if self.intention:
            parts.append("the intention")
        if self.cards:
            parts.append(f"{len(self.cards)} card{'s' if len(self.cards) != 1 else ''}")
        if self.notes:
            parts.append(f"{len(self.notes)} shared note{'s' if len(self.notes) != 1 else ''}")
        if self.clinical is not None:
            parts.append("vitals and dose figures")
        return parts

    def to_data(self) -> dict[str, Any]:
        """Plain JSON-able data: what the PDF template receives through `sys.inputs`."""
        data: dict[str, Any] = self.model_dump(mode="json")
        data["with_line"] = self.with_line
        data["route_line"] = self.route_line
        data["nothing_personal"] = self.nothing_personal
        data["call_numbers"] = list(self.call_numbers)
        return data


def _soft_moment(state: SessionState, at: datetime) -> str:
    for span in reversed(state.spans):
        if span.started_at <= at:
            return PHASE_SOFT_WORDS[span.phase]
    return ""


def _clean_intention(text: str) -> str:
    return text.strip().rstrip(".").strip()


def fill_prompts(prompts: list[str] | tuple[str, ...], intention: str | None) -> tuple[str, ...]:
    """The preset's prompts, tied to the intention; prompts needing one are left out without it."""
    filled: list[str] = []
    for prompt in prompts:
        if INTENTION_SLOT in prompt:
            if not intention or not intention.strip():
                continue
            prompt = prompt.replace(INTENTION_SLOT, f"\u201c{_clean_intention(intention)}\u201d")
        filled.append(prompt)
    return tuple(filled)


def _shared(notes: list[NoteView]) -> list[NoteView]:
    # The gate. `NoteView.shareable` is the fold's verdict after every visibility change; a note
    # struck as entered in error is not in `state.notes` at all.
    return [note for note in notes if note.visibility == "shareable" and note.shareable]


def _figures(state: SessionState, zone: tzinfo | None) -> ClinicalFigures:
    doses = tuple(
        DoseFigure(
            time=clock(dose.at, zone),
            amount=f"{dose.mg:g} mg" + (" (booster)" if dose.booster else ""),
            how=ROUTE_PLAIN_WORDS.get(dose.route, dose.route),
        )
        for dose in state.doses
    )
    first = state.vitals[0].at if state.vitals else None
    rows = []
    for event in state.vitals:
        reading = event.reading
        bp = f"{reading.systolic}/{reading.diastolic}" if reading.systolic is not None else ""
        rows.append(
            VitalsFigure(
                time=clock(event.at, zone),
                minute=(event.at - first).total_seconds() / 60 if first else 0.0,
                blood_pressure=bp,
                heart_rate=str(reading.heart_rate) if reading.heart_rate is not None else "",
                spo2=f"{reading.spo2}%" if reading.spo2 is not None else "",
                systolic=reading.systolic,
                diastolic=reading.diastolic,
                pulse=reading.heart_rate,
            )
        )
    return ClinicalFigures(doses=doses, vitals=tuple(rows))


def session_label(state: SessionState) -> str:
    opened = state.opened
    if opened.series_length and opened.series_number <= opened.series_length:
        return f"Session {opened.series_number} of {opened.series_length}"
    return f"Session {opened.series_number}"


def build_summary(
    state: SessionState,
    *,
    therapist_name: str = "",
    practice_name: str = "",
    include_clinical_figures: bool = False,
    paper: str = "a4",
    zone: tzinfo | None = None,
    practice_phone: str = "",
    crisis_line: str = "",
) -> ClientSummary:
    """The client summary for one session; only shareable content crosses from `state`."""
    opened = state.opened
    began = state.started_at or opened.at
    steps: list[TimelineStep] = []
    for span in state.spans:
        end = span.ended_at or state.clock_now
        steps.append(
            TimelineStep(
                time=clock(span.started_at, zone),
                words=PHASE_SOFT_WORDS[span.phase],
                minutes=max(0.0, (end - span.started_at).total_seconds() / 60),
            )
        )
    if state.closed_at is not None and steps:
        steps.append(TimelineStep(time=clock(state.closed_at, zone), words=HEADING_HOME, minutes=0.0))
    notes = tuple(
        SharedNote(
            time=clock(note.at, zone),
            moment=_soft_moment(state, note.at),
            text=note.text,
            quote=note.kind == "client-words",
        )
        for note in _shared(state.notes)
    )
    route = state.doses[0].route if state.doses else state.preset.route
    return ClientSummary(
        client_name=opened.client.name,
        date=long_date(began, zone),
        session_label=session_label(state),
        therapist_name=(therapist_name or "").strip(),
        practice_name=(practice_name or "").strip(),
        route_words=ROUTE_PLAIN_WORDS.get(route, ""),
        intention=state.intention,
        cards=tuple(state.cards),
        timeline=tuple(steps),
        notes=notes,
        prompts=fill_prompts(state.preset.integration_prompts, state.intention),
        aftercare=tuple(state.preset.aftercare),
        when_to_call=state.preset.when_to_call.strip(),
        next_session=(
            f"{long_date(state.next_session_at, zone)} at {clock(state.next_session_at, zone)}"
            if state.next_session_at
            else None
        ),
        clinical=_figures(state, zone) if include_clinical_figures else None,
        practice=opened.practice,
        paper=paper if paper in ("a4", "letter") else "a4",
        dose_given=bool(state.doses),
        practice_phone=(practice_phone or "").strip(),
        crisis_line=(crisis_line or "").strip(),
    )


def summary_for(
    state: SessionState,
    *,
    include_clinical_figures: bool = False,
    paper: str | None = None,
    settings: Any = None,
    zone: tzinfo | None = None,
) -> ClientSummary:
    """`build_summary` with the therapist's remembered settings (names, paper)."""
    if settings is None:
        from kapsession.settings import load_settings

        settings = load_settings()
    return build_summary(
        state,
        therapist_name=settings.therapist_name,
        practice_name=settings.practice_name,
        include_clinical_figures=include_clinical_figures,
        paper=paper or settings.paper,
        zone=zone,
        practice_phone=getattr(settings, "practice_phone", ""),
        crisis_line=getattr(settings, "crisis_line", ""),
    )
