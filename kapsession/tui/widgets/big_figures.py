"""Big figures for a tall window: time in phase, T+ since the dose, and the next vitals check,
in Textual's three-row Digits so they can be read from a glance at the knee."""

from __future__ import annotations

from datetime import timedelta

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Digits

from kapsession.core.phases import PHASE_TITLES
from kapsession.core.state import SessionState
from kapsession.core.timeparse import format_duration
from kapsession.tui.widgets.state_text import StateText


class Figure(Vertical):
    def __init__(self, label: str, **kwargs) -> None:
        super().__init__(**kwargs)
        self._label = label
        self._value = ""

    def compose(self) -> ComposeResult:
        yield StateText(self._label, classes="figure-label")
        yield Digits("", classes="figure-digits")

    def set(self, label: str, value: str, alert: bool = False) -> None:
        if not hasattr(self, "_parts"):
            self._parts = (self.query_one(".figure-label", StateText), self.query_one(Digits))
        label_widget, digits = self._parts
        label_widget.show(label)
        if value != self._value:
            self._value = value
            digits.update(value)
        if self.has_class("-alert") != alert:
            self.set_class(alert, "-alert")


class BigFigures(Horizontal):
    def compose(self) -> ComposeResult:
        yield Figure("phase", id="figure-phase")
        yield Figure("T+ since the dose", id="figure-tplus")
        yield Figure("next vitals", id="figure-vitals")

    def show_state(self, state: SessionState) -> None:
        if not hasattr(self, "_figures"):
            self._figures = {figure.id: figure for figure in self.query(Figure)}
        phase = self._figures["figure-phase"]
        if state.phase is None or state.closed:
            phase.set("[$text-muted]phase[/]", "--:--")
        else:
            elapsed = state.time_in_phase() or timedelta(0)
            planned = int((state.planned_in_phase() or timedelta(0)).total_seconds() // 60)
            over = " [$alert-nudge]▸ over plan[/]" if elapsed > timedelta(minutes=planned) else ""
            phase.set(f"[b $phase-{state.phase}]{PHASE_TITLES[state.phase]}[/] [$text-muted]of {planned} min[/]{over}",
                      format_duration(elapsed))
        t_plus = state.t_plus()
        self._figures["figure-tplus"].set(
            "[$text-muted]T+ since the first dose[/]" if t_plus is not None else "[$text-muted]T+ (no dose yet)[/]",
            format_duration(t_plus) if t_plus is not None else "--:--")
        vitals = self._figures["figure-vitals"]
        check = state.next_check
        overdue = state.vitals_overdue_by()
        if state.closed or check is None:
            vitals.set("[$text-muted]next vitals: none due[/]", "--:--")
        elif overdue is not None:
            vitals.set(f"[b $alert-warning]▲ vitals {check.label} OVERDUE by[/]", format_duration(overdue), alert=True)
        elif check.due_at is None:
            vitals.set(f"[$text-muted]vitals: {check.label} before the dose[/]", "--:--")
        else:
            vitals.set(f"[$text-muted]vitals {check.label} in[/]", format_duration(check.due_at - state.clock_now))
