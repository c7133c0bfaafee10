"""Vitals: the latest value of each measure with the time it was taken, trends for systolic BP
and heart rate, and the scheduled checks. An out-of-range value is coloured AND carries a word
and a symbol (`▲ HIGH`, `▼ LOW`), so it never depends on colour alone.

The panel is one text (`LiveText`), trends included (Textual's sparkline bars, coloured from the
muted colour to the dose colour by height): a new reading redraws the panel, with no layout unless
it grows.
"""

from __future__ import annotations

from datetime import datetime

from textual.color import Color
from textual.content import Content
from textual.style import Style

from kapsession.core.state import SessionState
from kapsession.core.text_rule import visible
from kapsession.core.timeparse import format_duration, format_local
from kapsession.tui.widgets.live_text import LiveText, hang

SHORT = {"systolic": "BP", "diastolic": "BP", "heart_rate": "HR", "spo2": "SpO2", "resp_rate": "RR", "temperature": "T"}
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


def _value(text: str, word: str | None) -> Content:
    if word:
        return Content.styled(f"{text} {word}", OUT)
    return Content.styled(text, "b")


def _when(at: datetime) -> Content:
    # The space takes the time's colour (nothing shows on a space): one run, not two.
    return Content.styled(" " + format_local(at), MUTED)


def bp_text(state: SessionState) -> Content:
    for event in reversed(state.vitals):
        reading = event.reading
        if reading.systolic is not None:
            word = flag(state, "systolic", reading.systolic, event.at) or flag(
                state, "diastolic", reading.diastolic or 0, event.at
            )
            return Content.assemble("BP   ", _value(f"{reading.systolic}/{reading.diastolic}", word), _when(event.at))
    return Content.assemble("BP   ", ("—", MUTED))


def measure_text(state: SessionState, measure: str, label: str, unit: str = "") -> Content:
    latest = state.latest(measure)
    if latest is None:
        return Content.assemble(label, ("—", MUTED))
    value, at = latest
    shown = f"{value:.1f}" if measure == "temperature" else f"{int(value)}"
    return Content.assemble(label, _value(shown + unit, flag(state, measure, value, at)), _when(at))


def checks_parts(state: SessionState) -> list[Content]:
    """The schedule, one part per check: `✓ baseline`, `✓ T+40 late 2:10`, `T+90 11:32`."""
    parts: list[Content] = []
    now = state.clock_now
    for check in state.checks:
        status = check.status(now)
        if check.done:
            late = check.lateness()
            extra = f" late {format_duration(late)}" if status.startswith("late") and late is not None else ""
            parts.append(Content.styled(f"✓ {check.label}{extra}", MUTED))
        elif status == "missed":
            parts.append(Content.styled(f"✗ {check.label} missed", "$alert-warning"))
        elif status == "overdue":
            parts.append(Content.styled(f"▲ {check.label} overdue", "b $alert-warning"))
        elif check.due_at is not None:
            parts.append(Content.styled(f"{check.label} {format_local(check.due_at)}", MUTED))
        else:
            parts.append(Content.styled(f"{check.label} before dose", MUTED))
    return parts or [Content.styled("no checks scheduled", MUTED)]


CHECKS_SEPARATOR = Content.styled(" · ", MUTED)


def checks_lines(state: SessionState, width: int = 200) -> list[Content]:
    """The schedule in a line (`✓ baseline · ✓ T+40 late 2:10 · T+90 11:32`), wrapped between
    checks when it is wider than `width`."""
    lines: list[list[Content]] = [[]]
    used = 0
    for part in checks_parts(state):
        if lines[-1] and used + 3 + part.cell_length > width:
            lines.append([])
        used = (used + 3 if lines[-1] else 0) + part.cell_length
        lines[-1].append(part)
    return [CHECKS_SEPARATOR.join(line) for line in lines]


def checks_text(state: SessionState) -> Content:
    return checks_lines(state)[0]


def dose_text(state: SessionState) -> Content:
    """`Dose 200 mg SL 2.86 mg/kg 09:23` (+ later doses), or the plan before any dose; a running
    infusion with what has run in so far (it changes by the second)."""
    from kapsession.core.timeline import ROUTE_SHORT, describe_dose

    if not state.doses:
        planned = state.opened.planned_dose_mg
        route = ROUTE_SHORT.get(state.preset.route, state.preset.route)
        plan = f"planned {planned:g} mg {route}" if planned else f"route {route}"
        return Content.assemble(
            "Dose ", (f"{plan}, not given (", MUTED), ("d", f"b {MUTED}"), (")", MUTED), other_medicine_text(state)
        )
    infusions = {infusion.seq: infusion for infusion in state.infusions}
    parts = []
    for dose in state.doses:
        infusion = infusions.get(dose.seq)
        if infusion is None:
            parts.append(
                Content.assemble(
                    (visible(describe_dose(dose, with_drug=False), line_breaks=False), "b"),
                    " ",
                    (format_local(dose.at), MUTED),
                )
            )
            continue
        now = state.clock_now
        key = [(" (", MUTED), ("l", f"b {MUTED}"), (")", MUTED)]
        if infusion.stopped is not None:
            status = Content.styled(
                f"stopped {format_local(infusion.stopped_at)}: "  # type: ignore[arg-type]
                f"{infusion.delivered_mg:g} of {infusion.planned_mg:g} mg",
                MUTED,
            )
        elif infusion.paused and infusion.paused_at is not None:
            status = Content.assemble(
                ("PAUSED", "b $alert-warning"),
                f" {infusion.mg_so_far(now):.1f} of {infusion.planned_mg:g} mg ",
                (f"since {format_local(infusion.paused_at)}", MUTED),
                *key,
            )
        else:
            end = infusion.planned_end()
            ends = f", ends {format_local(end)}" if end else ""
            status = Content.assemble(
                ("▶ RUNNING", "b"),
                f" {infusion.mg_so_far(now):.1f} of {infusion.planned_mg:g} mg ",
                (f"{infusion.mg_per_hour:g} mg/h{ends}", MUTED),
                *key,
            )
        parts.append(Content.assemble(("IV infusion", "b"), " ", (format_local(dose.at), MUTED), " ", status))
    total = Content.styled(f"  total {state.total_dose_mg:g} mg", MUTED) if len(state.doses) > 1 else ""
    return Content.assemble("Dose ", Content(" · ").join(parts), total, other_medicine_text(state))


def other_medicine_text(state: SessionState) -> Content:
    """Other medicines given and adverse events still open, under the dose (never counted as it),
    each on a line of its own."""
    from kapsession.core.entries import entry_number
    from kapsession.core.timeline import adverse_words, describe_medication

    lines: list[Content] = []
    if state.medications:
        given = Content(" · ").join(
            Content.assemble(visible(describe_medication(m), line_breaks=False), " ", (format_local(m.at), MUTED))
            for m in state.medications
        )
        lines.append(Content.assemble(("Medicines", MUTED), " ", given))
    if state.adverse:
        shown = [
            Content.assemble(
                (f"● {adverse_words(a.kind)}", "b $alert-warning"),
                f" {a.severity} ",
                (f"#{entry_number(state, a.seq)} {format_local(a.at)}", MUTED),
            )
            for a in state.open_adverse
        ]
        resolved = len(state.adverse) - len(state.open_adverse)
        if resolved:
            shown.append(Content.styled(f"{resolved} resolved", MUTED))
        lines.append(Content.assemble(("Adverse", MUTED), " ", Content(" · ").join(shown)))
    return Content.assemble(*(Content.assemble("\n", line) for line in lines))


def history_lines(state: SessionState, limit: int = 8, width: int = 200) -> list[Content]:
    """The latest readings, newest first, for a tall window; a reading too long for `width`
    (out-of-range flags, a temperature) goes on under its time rather than being cut."""
    lines: list[Content] = []
    for event in reversed(state.vitals[-limit:]):
        flagged = list(
            dict.fromkeys(
                f"{SHORT[measure]} {word.split()[0]}"
                for measure, value in event.reading.measures().items()
                if (word := flag(state, measure, value, event.at))
            )
        )
        reading = Content(event.reading.describe())
        if flagged:
            reading = Content.assemble(reading, " ", (" ".join(flagged), OUT))
        lines += hang(Content.assemble((format_local(event.at), MUTED), " "), reading, width, indent=6)
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


def trend_line(values: tuple[float, ...], width: int, shades: tuple[Style | str, ...] = (MUTED,) * 4) -> Content:
    """Textual's sparkline in `width` cells at most: one bar per reading, the latest readings,
    so the last bar is always the newest one. The bar's height and its colour (`shades`: muted to
    bright, four of them) both say how high it is."""
    values = values[-width:] if width > 0 else ()
    if len(values) < 2 or width < 2:
        return Content("")
    low, high = min(values), max(values)
    extent = (high - low) or 1
    bars: list[tuple[str, Style | str]] = []
    for value in values:
        index = int((value - low) / extent * (len(BARS) - 1))
        # Four shades (for two bar heights each): neighbouring bars share a colour.
        bars.append((BARS[index], shades[index // 2]))
    return Content.assemble(*bars).simplify()


class VitalsPanel(LiveText):
    """`show_state(state)` draws the panel; `show_checks(state)` (once a second) the schedule."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.state: SessionState | None = None
        self._value_count = 0  # how many value lines the last whole panel began with
        self._checks: list[Content] = []  # the checks lines of the last whole panel
        self._lines: list[Content] = []  # the lines of the panel as shown
        self._shades: tuple[tuple[object, str], tuple[Style | str, ...]] | None = None

    def on_mount(self) -> None:
        self.border_title = "Vitals"
        # The trends' colours are blended from the theme's: a new theme draws them again.
        self.watch(self.app, "theme", self._theme_changed, init=False)

    def _theme_changed(self) -> None:
        if self.state is not None:
            self.show_state(self.state)

    def trend_shades(self) -> tuple[Style | str, ...]:
        """Four colours from $text-muted (lowest bars) to $phase-dose-onset (highest), blended
        as Textual's Sparkline blends its two colours."""
        key = (self.visual_style, self.app.theme)
        if self._shades is None or self._shades[0] != key:
            base = self.visual_style
            low = (base + Style.parse(MUTED)).rich_style.color
            high = (base + Style.parse("$phase-dose-onset")).rich_style.color
            shades: tuple[Style | str, ...] = (MUTED,) * 4
            if low is not None and high is not None:
                start, end = Color.from_rich_color(low), Color.from_rich_color(high)
                shades = tuple(
                    Style(foreground=start.blend(end, (shade * 2 + 1) / (len(BARS) - 1))) for shade in range(4)
                )
            self._shades = (key, shades)
        return self._shades[1]

    def _value_lines(self, state: SessionState, width: int) -> list[Content]:
        """The latest value of each measure, blood pressure and heart rate with their trends."""
        value_width = 28 if width >= 50 else 26
        room = min(TREND_MAX, width - value_width - 2)
        lines: list[Content] = []
        for text, measure in ((bp_text(state), "systolic"), (measure_text(state, "heart_rate", "HR   "), "heart_rate")):
            trend = trend_line(recent_values(state, measure, room), room, self.trend_shades())
            if trend:
                # The gap takes the colour of the time before it (one run with it).
                text = Content.assemble(text, (" " * max(1, value_width + 1 - text.cell_length), MUTED), trend)
            lines.append(text)
        lines.append(measure_text(state, "spo2", "SpO2 ", "%"))
        lines.append(measure_text(state, "resp_rate", "RR   "))
        if state.latest("temperature") is not None:
            lines.append(measure_text(state, "temperature", "Temp ", "°C"))
        return lines

    def _panel_lines(self, state: SessionState, width: int) -> list[Content]:
        lines = self._value_lines(state, width)
        self._value_count = len(lines)
        self._checks = checks_lines(state, width)
        lines += self._checks
        if self.screen.has_class("-tall"):
            history = history_lines(state, width=width)
            if history:
                lines.append(Content(""))
                lines += history
        return lines

    def _panel(self, state: SessionState, width: int) -> list[Content]:
        self._lines = self._panel_lines(state, width)
        return self._lines

    @property
    def lines(self) -> list[str]:
        """The panel's lines as they read (tests read them)."""
        return self.plain.split("\n")

    def show_state(self, state: SessionState) -> None:
        """The whole panel, built for its width (when that is known: LiveText.show_for_width)."""
        self.state = state
        self.show_for_width(lambda width: self._panel(state, width))

    def show_reading(self, state: SessionState) -> None:
        """A reading just saved: only the latest values (and trends) are built now, so the paint
        that shows it comes at once; the checks it meets and the history below come with the
        next `show_state` (the fold a frame later). The whole panel when the value lines would
        not line up with those on screen (a first temperature, or nothing drawn yet)."""
        width = self.content_region.width
        if self.state is None or width <= 0:
            self.show_state(state)
            return
        values = self._value_lines(state, width)
        shown = self._lines
        if len(values) != self._value_count or len(shown) < len(values):
            self.show_state(state)
            return
        lines = [*values, *shown[len(values) :]]
        self._lines = lines
        self.show_for_width(lambda now: lines if now == width else self._panel(state, now))

    def show_checks(self, state: SessionState) -> None:
        """Only the scheduled checks change with the time (the readings do not): the panel is
        drawn again only when their text changed."""
        width = self.content_region.width
        if self.state is None or width <= 0 or not _same(checks_lines(state, width), self._checks):
            self.show_state(state)


def _same(new: list[Content], old: list[Content]) -> bool:
    return len(new) == len(old) and all(a.is_same(b) for a, b in zip(new, old, strict=True))
