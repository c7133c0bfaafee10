"""Vitals: the latest value of each measure with the time it was taken, trends for systolic BP
and heart rate, and the scheduled checks. An out-of-range value is coloured AND carries a word
and a symbol (`▲ HIGH`, `▼ LOW`), so it never depends on colour alone."""

from __future__ import annotations

from datetime import datetime

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Sparkline

from kapsession.core.state import SessionState
from kapsession.core.timeparse import format_duration, format_local
from kapsession.tui.widgets.state_text import StateText

SHORT = {"systolic": "BP", "diastolic": "BP", "heart_rate": "HR", "spo2": "SpO2",
         "resp_rate": "RR", "temperature": "T"}
HIGH = "▲ HIGH"
LOW = "▼ LOW"


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


def _value(text: str, word: str | None) -> str:
    if word:
        return f"[b $vital-out-of-range]{text} {word}[/]"
    return f"[b]{text}[/]"


def _when(state: SessionState, at: datetime) -> str:
    return f"[$text-muted]{format_local(at)}[/]"


def bp_text(state: SessionState) -> str:
    for event in reversed(state.vitals):
        reading = event.reading
        if reading.systolic is not None:
            word = (flag(state, "systolic", reading.systolic, event.at)
                    or flag(state, "diastolic", reading.diastolic or 0, event.at))
            return f"BP   {_value(f'{reading.systolic}/{reading.diastolic}', word)} {_when(state, event.at)}"
    return "BP   [$text-muted]—[/]"


def measure_text(state: SessionState, measure: str, label: str, unit: str = "") -> str:
    latest = state.latest(measure)
    if latest is None:
        return f"{label}[$text-muted]—[/]"
    value, at = latest
    shown = f"{value:.1f}" if measure == "temperature" else f"{int(value)}"
    return f"{label}{_value(shown + unit, flag(state, measure, value, at))} {_when(state, at)}"


def checks_text(state: SessionState) -> str:
    """The schedule in a line: `✓ baseline · ✓ T+40 late 2:10 · T+90 11:32`."""
    parts = []
    now = state.clock_now
    for check in state.checks:
        status = check.status(now)
        if check.done:
            late = check.lateness()
            extra = f" late {format_duration(late)}" if status.startswith("late") and late is not None else ""
            parts.append(f"✓ {check.label}{extra}")
        elif status == "missed":
            parts.append(f"[$alert-warning]✗ {check.label} missed[/]")
        elif status == "overdue":
            parts.append(f"[b $alert-warning]▲ {check.label} overdue[/]")
        elif check.due_at is not None:
            parts.append(f"{check.label} {format_local(check.due_at)}")
        else:
            parts.append(f"{check.label} before dose")
    if not parts:
        return "no checks scheduled"
    return " · ".join(parts)


def dose_text(state: SessionState) -> str:
    """`Dose 200 mg SL 2.86 mg/kg 09:23` (+ later doses), or the plan before any dose."""
    from kapsession.core.timeline import ROUTE_SHORT, describe_dose

    if not state.doses:
        planned = state.opened.planned_dose_mg
        route = ROUTE_SHORT.get(state.preset.route, state.preset.route)
        plan = f"planned {planned:g} mg {route}" if planned else f"route {route}"
        return f"Dose [$text-muted]{plan}, not given ([b]d[/b])[/]"
    parts = [f"[b]{describe_dose(dose)}[/] [$text-muted]{format_local(dose.at)}[/]" for dose in state.doses]
    total = f"  [$text-muted]total {state.total_dose_mg:g} mg[/]" if len(state.doses) > 1 else ""
    return "Dose " + " · ".join(parts) + total


def history_text(state: SessionState, limit: int = 8) -> str:
    """The latest readings, newest first, for a tall window."""
    lines = []
    for event in reversed(state.vitals[-limit:]):
        flagged = list(dict.fromkeys(
            f"{SHORT[measure]} {word.split()[0]}" for measure, value in event.reading.measures().items()
            if (word := flag(state, measure, value, event.at))))
        mark = f" [b $vital-out-of-range]{' '.join(flagged)}[/]" if flagged else ""
        lines.append(f"[$text-muted]{format_local(event.at)}[/] {event.reading.describe()}{mark}")
    return "\n".join(lines)


class VitalsPanel(Vertical):
    def compose(self) -> ComposeResult:
        with Horizontal(classes="vital-row"):
            yield StateText("BP   [$text-muted]—[/]", id="vital-bp", classes="vital-value")
            yield Sparkline([], id="trend-bp", classes="trend")
        with Horizontal(classes="vital-row"):
            yield StateText("HR   [$text-muted]—[/]", id="vital-hr", classes="vital-value")
            yield Sparkline([], id="trend-hr", classes="trend")
        yield StateText("SpO2 [$text-muted]—[/]", id="vital-spo2", classes="vital-value")
        yield StateText("RR   [$text-muted]—[/]", id="vital-rr", classes="vital-value")
        yield StateText("", id="vital-temp", classes="vital-value")
        yield StateText("", id="vital-checks")
        yield StateText("", id="vital-history")

    def on_mount(self) -> None:
        self.border_title = "Vitals"
        self._trend_keys: dict[str, tuple] = {}

    def _trend(self, widget_id: str, series: list[tuple[datetime, float]]) -> None:
        key = tuple(value for _, value in series[-40:])
        if self._trend_keys.get(widget_id) == key:
            return
        self._trend_keys[widget_id] = key
        sparkline = self.query_one(f"#{widget_id}", Sparkline)
        # One cell per reading (a Sparkline stretches few points into wide blocks otherwise).
        sparkline.styles.width = max(1, len(key))
        sparkline.display = len(key) > 1
        sparkline.data = list(key) if len(key) > 1 else []

    def show_state(self, state: SessionState) -> None:
        if not hasattr(self, "_texts"):
            self._texts = {widget.id: widget for widget in self.query(StateText)}
        texts = self._texts
        texts["vital-bp"].show(bp_text(state))
        texts["vital-hr"].show(measure_text(state, "heart_rate", "HR   "))
        texts["vital-spo2"].show(measure_text(state, "spo2", "SpO2 ", "%"))
        texts["vital-rr"].show(measure_text(state, "resp_rate", "RR   "))
        temp = texts["vital-temp"]
        has_temp = state.latest("temperature") is not None
        if temp.display != has_temp:
            temp.display = has_temp
        if has_temp:
            temp.show(measure_text(state, "temperature", "Temp ", "°C"))
        texts["vital-checks"].show(checks_text(state))
        texts["vital-history"].show(history_text(state))
        self._trend("trend-bp", state.series("systolic"))
        self._trend("trend-hr", state.series("heart_rate"))

    def show_checks(self, state: SessionState) -> None:
        """Only the scheduled checks (their statuses change with the time; the readings do not)."""
        if not hasattr(self, "_texts"):
            self.show_state(state)
            return
        self._texts["vital-checks"].show(checks_text(state))
