"""Vitals: the latest value of each measure with the time it was taken, trends for systolic BP
and heart rate, and the scheduled checks. An out-of-range value is coloured AND carries a word
and a symbol (`▲ HIGH`, `▼ LOW`), so it never depends on colour alone.

The panel is one widget drawn from pieces (`StyledLines`), trends included (Textual's sparkline
bars, coloured from the muted colour to the dose colour by height): a new reading redraws the
lines it changed, with no markup to parse and no layout unless the panel grows.
"""

from __future__ import annotations

from datetime import datetime

from rich.cells import cell_len
from textual.color import Color
from textual.style import Style

from kapsession.core.state import SessionState
from kapsession.core.timeparse import format_duration, format_local
from kapsession.tui.widgets.styled_lines import Line, StyledLines, line_length, pieces_markup, wrap_pieces

SHORT = {"systolic": "BP", "diastolic": "BP", "heart_rate": "HR", "spo2": "SpO2",
         "resp_rate": "RR", "temperature": "T"}
HIGH = "▲ HIGH"
LOW = "▼ LOW"
MUTED = "$text-muted"
OUT = "b $vital-out-of-range"
BARS = "▁▂▃▄▅▆▇█"
TREND_MAX = 24  # cells at most for a trend (one bar per reading, the latest ones)


def flag(state: SessionState, measure: str, value: float, at: datetime) -> str | None:
    """`▲ HIGH` / `▼ LOW` when a value is past the preset's thresholds, else None.

    Blood pressure before the first dose is held to the pre-dose limits, as the core does.
    """
    limits = state.preset.thresholds
    first = state.first_dose_at
    before_dose = first is None or at < first
    if measure == "systolic":
        high = limits.predose_systolic_high if before_dose else limits.systolic_high
        return HIGH if value > high else None
    if measure == "diastolic":
        high = limits.predose_diastolic_high if before_dose else limits.diastolic_high
        return HIGH if value > high else None
    if measure == "heart_rate":
        if value > limits.heart_rate_high:
            return HIGH
        if value < limits.heart_rate_low:
            return LOW
        return None
    if measure == "spo2":
        return LOW if value < limits.spo2_low else None
    if measure == "resp_rate":
        return LOW if value < limits.resp_rate_low else None
    if measure == "temperature":
        return HIGH if value > limits.temperature_high else None
    return None


def _value(text: str, word: str | None) -> Line:
    if word:
        return ((f"{text} {word}", OUT),)
    return ((text, "b"),)


def _when(at: datetime) -> Line:
    # The space takes the time's colour (nothing shows on a space): one run, not two.
    return ((" " + format_local(at), MUTED),)


def bp_pieces(state: SessionState) -> Line:
    for event in reversed(state.vitals):
        reading = event.reading
        if reading.systolic is not None:
            word = (flag(state, "systolic", reading.systolic, event.at)
                    or flag(state, "diastolic", reading.diastolic or 0, event.at))
            return (("BP   ", ""), *_value(f"{reading.systolic}/{reading.diastolic}", word), *_when(event.at))
    return (("BP   ", ""), ("—", MUTED))


def bp_text(state: SessionState) -> str:
    return pieces_markup(bp_pieces(state))


def measure_pieces(state: SessionState, measure: str, label: str, unit: str = "") -> Line:
    latest = state.latest(measure)
    if latest is None:
        return ((label, ""), ("—", MUTED))
    value, at = latest
    shown = f"{value:.1f}" if measure == "temperature" else f"{int(value)}"
    return ((label, ""), *_value(shown + unit, flag(state, measure, value, at)), *_when(at))


def measure_text(state: SessionState, measure: str, label: str, unit: str = "") -> str:
    return pieces_markup(measure_pieces(state, measure, label, unit))


def checks_parts(state: SessionState) -> list[tuple[str, str]]:
    """The schedule, one piece per check: `✓ baseline`, `✓ T+40 late 2:10`, `T+90 11:32`."""
    parts: list[tuple[str, str]] = []
    now = state.clock_now
    for check in state.checks:
        status = check.status(now)
        if check.done:
            late = check.lateness()
            extra = f" late {format_duration(late)}" if status.startswith("late") and late is not None else ""
            parts.append((f"✓ {check.label}{extra}", MUTED))
        elif status == "missed":
            parts.append((f"✗ {check.label} missed", "$alert-warning"))
        elif status == "overdue":
            parts.append((f"▲ {check.label} overdue", "b $alert-warning"))
        elif check.due_at is not None:
            parts.append((f"{check.label} {format_local(check.due_at)}", MUTED))
        else:
            parts.append((f"{check.label} before dose", MUTED))
    return parts or [("no checks scheduled", MUTED)]


def checks_lines(state: SessionState, width: int = 200) -> list[Line]:
    """The schedule in a line (`✓ baseline · ✓ T+40 late 2:10 · T+90 11:32`), wrapped between
    checks when it is wider than `width`."""
    lines: list[list[tuple[str, str]]] = [[]]
    for part in checks_parts(state):
        if lines[-1] and line_length(lines[-1]) + 3 + cell_len(part[0]) > width:
            lines.append([])
        if lines[-1]:
            lines[-1].append((" · ", MUTED))
        lines[-1].append(part)
    return [tuple(line) for line in lines]


def checks_text(state: SessionState) -> str:
    return pieces_markup(checks_lines(state)[0])


def dose_text(state: SessionState) -> str:
    """`Dose 200 mg SL 2.86 mg/kg 09:23` (+ later doses), or the plan before any dose; a running
    infusion with what has run in so far (it changes by the second)."""
    from kapsession.core.timeline import ROUTE_SHORT, describe_dose
    from kapsession.tui.widgets.state_text import esc

    if not state.doses:
        planned = state.opened.planned_dose_mg
        route = ROUTE_SHORT.get(state.preset.route, state.preset.route)
        plan = f"planned {planned:g} mg {route}" if planned else f"route {route}"
        return f"Dose [$text-muted]{plan}, not given ([b]d[/b])[/]" + other_medicine_text(state)
    infusions = {infusion.seq: infusion for infusion in state.infusions}
    parts = []
    for dose in state.doses:
        infusion = infusions.get(dose.seq)
        if infusion is None:
            parts.append(f"[b]{esc(describe_dose(dose, with_drug=False))}[/] [$text-muted]{format_local(dose.at)}[/]")
            continue
        now = state.clock_now
        if infusion.stopped is not None:
            status = (f"[$text-muted]stopped {format_local(infusion.stopped_at)}: "  # type: ignore[arg-type]
                      f"{infusion.delivered_mg:g} of {infusion.planned_mg:g} mg[/]")
        elif infusion.paused:
            status = (f"[b $alert-warning]PAUSED[/] {infusion.mg_so_far(now):.1f} of {infusion.planned_mg:g} mg "
                      f"[$text-muted]since {format_local(infusion.paused_at)} ([b]l[/b])[/]")  # type: ignore[arg-type]
        else:
            end = infusion.planned_end()
            ends = f", ends {format_local(end)}" if end else ""
            status = (f"[b]▶ RUNNING[/] {infusion.mg_so_far(now):.1f} of {infusion.planned_mg:g} mg "
                      f"[$text-muted]{infusion.mg_per_hour:g} mg/h{ends} ([b]l[/b])[/]")
        parts.append(f"[b]IV infusion[/] [$text-muted]{format_local(dose.at)}[/] {status}")
    total = f"  [$text-muted]total {state.total_dose_mg:g} mg[/]" if len(state.doses) > 1 else ""
    return "Dose " + " · ".join(parts) + total + other_medicine_text(state)


def other_medicine_text(state: SessionState) -> str:
    """Other medicines given and adverse events still open, under the dose (never counted as it)."""
    from kapsession.core.entries import entry_number
    from kapsession.core.timeline import adverse_words, describe_medication
    from kapsession.tui.widgets.state_text import esc

    lines = []
    if state.medications:
        given = " · ".join(f"{esc(describe_medication(m))} [$text-muted]{format_local(m.at)}[/]"
                           for m in state.medications)
        lines.append(f"[$text-muted]Medicines[/] {given}")
    if state.adverse:
        shown = [f"[b $alert-warning]● {adverse_words(a.kind)}[/] {a.severity} [$text-muted]#"
                 f"{entry_number(state, a.seq)} {format_local(a.at)}[/]" for a in state.open_adverse]
        resolved = len(state.adverse) - len(state.open_adverse)
        if resolved:
            shown.append(f"[$text-muted]{resolved} resolved[/]")
        lines.append("[$text-muted]Adverse[/] " + " · ".join(shown))
    return "".join("\n" + line for line in lines)


def history_lines(state: SessionState, limit: int = 8, width: int = 200) -> list[Line]:
    """The latest readings, newest first, for a tall window; a reading too long for `width`
    (out-of-range flags, a temperature) goes on under its time rather than being cut."""
    lines = []
    for event in reversed(state.vitals[-limit:]):
        flagged = list(dict.fromkeys(
            f"{SHORT[measure]} {word.split()[0]}" for measure, value in event.reading.measures().items()
            if (word := flag(state, measure, value, event.at))))
        line: Line = ((format_local(event.at), MUTED), (" ", ""), (event.reading.describe(), ""))
        if flagged:
            line += ((" ", ""), (" ".join(flagged), OUT))
        lines += wrap_pieces(line, width, indent=6)
    return lines


def recent_values(state: SessionState, measure: str, count: int) -> tuple[float, ...]:
    """The latest `count` values of a measure, oldest first (what a trend of `count` bars shows;
    `state.series` without going through every reading of a long session)."""
    values: list[float] = []
    if count > 0:
        for event in reversed(state.vitals):
            value = getattr(event.reading, measure)
            if value is not None:
                values.append(value)
                if len(values) == count:
                    break
    values.reverse()
    return tuple(values)


def trend_pieces(values: tuple[float, ...], width: int) -> Line:
    """Textual's sparkline in `width` cells at most: one bar per reading, the latest readings,
    so the last bar is always the newest one. The bar's height and its colour (muted to bright,
    in four shades) both say how high it is."""
    values = values[-width:] if width > 0 else ()
    if len(values) < 2 or width < 2:
        return ()
    low, high = min(values), max(values)
    extent = (high - low) or 1
    pieces: list[tuple[str, str]] = []
    for value in values:
        index = int((value - low) / extent * (len(BARS) - 1))
        # Four shades (for two bar heights each): neighbouring bars share a colour, and are
        # drawn as one run.
        pieces.append((BARS[index], f"trend:{index // 2 * 2 + 1}"))
    return tuple(pieces)


class VitalsPanel(StyledLines):
    """`show_state(state)` draws the panel; `show_checks(state)` (once a second) the schedule."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.state: SessionState | None = None
        self._value_count = 0  # how many value lines the last whole panel began with
        self._checks: list[Line] = []  # the checks lines of the last whole panel

    def on_mount(self) -> None:
        self.border_title = "Vitals"

    def _parse_style(self, name: str) -> Style:
        # `trend:N`: the sparkline's colour for bar N, from $text-muted (lowest) to
        # $phase-dose-onset (highest), as Textual's Sparkline blends them.
        if name.startswith("trend:"):
            base = self.visual_style
            low = (base + Style.parse(MUTED)).rich_style.color
            high = (base + Style.parse("$phase-dose-onset")).rich_style.color
            if low is not None and high is not None:
                height = int(name[6:]) / (len(BARS) - 1)
                colour = Color.from_rich_color(low).blend(Color.from_rich_color(high), height)
                return Style.parse(colour.hex)
        return super()._parse_style(name)

    def _value_lines(self, state: SessionState, width: int) -> list[Line]:
        """The latest value of each measure, blood pressure and heart rate with their trends."""
        value_width = 28 if width >= 50 else 26
        room = min(TREND_MAX, width - value_width - 2)
        lines: list[Line] = []
        for text, measure in ((bp_pieces(state), "systolic"), (measure_pieces(state, "heart_rate", "HR   "), "heart_rate")):
            trend = trend_pieces(recent_values(state, measure, room), room)
            if trend:
                # The gap takes the colour of the time before it (one run with it).
                text = (*text, (" " * max(1, value_width + 1 - line_length(text)), MUTED), *trend)
            lines.append(text)
        lines.append(measure_pieces(state, "spo2", "SpO2 ", "%"))
        lines.append(measure_pieces(state, "resp_rate", "RR   "))
        if state.latest("temperature") is not None:
            lines.append(measure_pieces(state, "temperature", "Temp ", "°C"))
        return lines

    def _panel_lines(self, state: SessionState, width: int) -> list[Line]:
        lines = self._value_lines(state, width)
        self._value_count = len(lines)
        self._checks = checks_lines(state, width)
        lines += self._checks
        if self.screen.has_class("-tall"):
            history = history_lines(state, width=width)
            if history:
                lines.append(())
                lines += history
        return lines

    def show_state(self, state: SessionState) -> None:
        """The whole panel, built for its width (when that is known: StyledLines.show_for_width)."""
        self.state = state
        self.show_for_width(lambda width: self._panel_lines(state, width))

    def show_reading(self, state: SessionState) -> None:
        """A reading just saved: only the latest values (and trends) are drawn now, so the paint
        that shows it is small; the checks it meets and the history below come with the next
        `show_state` (the fold a frame later). The whole panel when the value lines would not
        line up with those on screen (a first temperature, or nothing drawn yet)."""
        width = self.content_region.width
        if self.state is None or width <= 0:
            self.show_state(state)
            return
        values = self._value_lines(state, width)
        shown = self.lines
        if len(values) != self._value_count or len(shown) < len(values):
            self.show_state(state)
            return
        lines = [*values, *shown[len(values):]]
        self.show_for_width(lambda now: lines if now == width else self._panel_lines(state, now))

    def show_checks(self, state: SessionState) -> None:
        """Only the scheduled checks change with the time (the readings do not): the panel is
        drawn again only when their text changed."""
        width = self.content_region.width
        if self.state is None or width <= 0 or checks_lines(state, width) != self._checks:
            self.show_state(state)
