"""The live screen's dialogs for the clinical record: another medicine (`m`), an adverse event
(`e`, offered from a threshold or sedation alert), the running infusion (`l`, the IV line), the pre-dose
decision (before the first dose, when something is short) and a reason to close with the
sedation criterion unmet.

Each builds its events with the core commands and, like the other entry dialogs, makes them
durable before it goes (what was typed stays if the store refuses); Escape records nothing.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.events import Key
from textual.widgets import Input, Label, Static

from kapsession.core import commands
from kapsession.core.errors import InputError, KapsessionError
from kapsession.core.events import ADVERSE_KINDS, SEVERITIES, EventBase
from kapsession.core.state import Alert, SessionState
from kapsession.core.timeline import adverse_words
from kapsession.core.timeparse import format_local
from kapsession.store.session_log import SessionLog
from kapsession.tui.screens.dialogs import ESCAPE_HINT, Dialog, EntryDialog, NumberInput
from kapsession.tui.widgets.state_text import esc

# A threshold rule (or a sedation alert) and the adverse event it is.
ALERT_KINDS = {"bp": "hypertension", "heart_rate_high": "tachycardia", "heart_rate_low": "bradycardia",
               "spo2_low": "desaturation", "resp_rate_low": "respiratory-depression", "sedation": "excessive-sedation",
               "sedation-deep": "excessive-sedation"}


def adverse_kind_for(alert: Alert | None) -> str | None:
    """The adverse event a threshold or sedation alert describes, if any."""
    if alert is None or alert.kind not in ("threshold", "sedation"):
        return None
    parts = alert.key.split(":")
    rule = parts[1] if alert.kind == "threshold" and len(parts) > 1 else parts[0]
    return ALERT_KINDS.get(rule)


class RecordingDialog(EntryDialog[Any]):
    """An entry dialog whose Enter builds a list of events (`build_events`), recorded in order
    before it is dismissed with them."""

    session_log: SessionLog

    def build_events(self) -> list[EventBase]:  # pragma: no cover - every subclass builds
        raise NotImplementedError

    def action_save(self) -> None:
        try:
            events = self.build_events()
        except InputError as error:
            self.show_error(str(error))
            return
        stored = []
        try:
            for event in events:
                stored.append(self.session_log.record(event))
        except (KapsessionError, sqlite3.Error) as error:
            self.show_error(f"Not saved ({error}); what you typed is kept: Enter tries again")
            return
        self.dismiss(stored)


class ChooserDialog(RecordingDialog):
    """A dialog that opens with no text box focused, so digits and arrows choose (an adjunct, a
    severity) without racing what is typed; a letter typed then goes into `TYPE_INTO`, Tab moves
    into the fields, Enter saves from anywhere."""

    AUTO_FOCUS = ""
    TYPE_INTO = ""

    def on_screen_resume(self) -> None:
        # No field focused as it opens (Textual focuses the first one otherwise).
        self.set_focus(None)

    def on_key(self, event: Key) -> None:
        if self.focused is None and event.character and event.character.isprintable() \
                and not event.character.isdigit() and event.key not in ("up", "down", "space"):
            field = self.query_one(self.TYPE_INTO, Input)
            field.focus()
            field.insert_text_at_cursor(event.character)
            event.stop()
            event.prevent_default()

    def key_enter(self) -> None:
        if self.focused is None:
            self.action_save()


def _field(label: str, widget: Input) -> Horizontal:
    return Horizontal(Label(label, classes="field-label"), widget, classes="field")


# -- another medicine -------------------------------------------------------------------------------
class MedicationDialog(ChooserDialog):
    """A standing adjunct with its digit (1, 2, 3 ...), or any medicine typed; never ketamine."""

    BINDINGS = [Binding(str(n), f"pick({n})", f"Adjunct {n}", id=f"medication.pick{n}")
                for n in range(1, 10)]
    TYPE_INTO = "#med-name"

    def __init__(self, log: SessionLog) -> None:
        super().__init__()
        self.session_log = log
        self.opened_at = log.now()
        self.adjuncts = list(log.preset.adjuncts)

    def compose(self) -> ComposeResult:
        picks = "  ".join(f"[b]{n}[/b] {esc(adjunct.describe())}" for n, adjunct in enumerate(self.adjuncts, 1))
        with Vertical(id="dialog"):
            yield Static(f"standing adjuncts: {picks}" if picks else "no standing adjuncts in this preset",
                         classes="help")
            yield _field("medicine", Input(id="med-name", placeholder="e.g. ondansetron", compact=True))
            yield _field("amount", Input(id="med-amount", placeholder="e.g. 4", compact=True))
            yield _field("unit", Input("mg", id="med-unit", placeholder="mg, mcg, g, mL or tablet", compact=True))
            yield _field("route", Input(id="med-route", placeholder="e.g. ODT, oral, IM", compact=True))
            yield _field("reason", Input(id="med-reason", placeholder="e.g. nausea", compact=True))
            yield Static("[$text-muted]never counted against the ketamine maximum[/]", classes="help")
            yield Static("", id="error", classes="error")
            yield Static(f"[b]1-{len(self.adjuncts)}[/b] a standing adjunct, or type another · [b]Tab[/b] next field · "
                         f"[b]Enter[/b] saves · {ESCAPE_HINT}", classes="hint")

    def on_mount(self) -> None:
        self.query_one("#dialog").border_title = "Another medicine"
        self.clear_error()

    def action_pick(self, number: int) -> None:
        if not 1 <= number <= len(self.adjuncts):
            return
        adjunct = self.adjuncts[number - 1]
        for field, value in (("name", adjunct.name), ("amount", f"{adjunct.amounts[0]:g}"),
                             ("unit", adjunct.unit), ("route", adjunct.routes[0]), ("reason", adjunct.reason)):
            self.query_one(f"#med-{field}", Input).value = value
        self.query_one("#med-amount", Input).focus()

    def build_events(self) -> list[EventBase]:
        value = {field: self.query_one(f"#med-{field}", Input).value for field in ("name", "amount", "unit",
                                                                                    "route", "reason")}
        return [commands.give_medication(self.session_log.state(), value["name"], value["amount"] or "",
                                         value["unit"], self.opened_at, route=value["route"],
                                         reason=value["reason"])]


# -- an adverse event -------------------------------------------------------------------------------
class AdverseDialog(ChooserDialog):
    """Kind (↑ ↓, prefilled from the alert that led here), severity (1 mild, 2 moderate, 3
    severe), what was done."""

    BINDINGS = [
        Binding("up", "move(-1)", "Previous kind", id="adverse.up"),
        Binding("down", "move(1)", "Next kind", id="adverse.down"),
        Binding("1", "severity('mild')", "Mild", id="adverse.mild"),
        Binding("2", "severity('moderate')", "Moderate", id="adverse.moderate"),
        Binding("3", "severity('severe')", "Severe", id="adverse.severe"),
    ]
    TYPE_INTO = "#adverse-action"

    def __init__(self, log: SessionLog, alert: Alert | None = None) -> None:
        super().__init__()
        self.session_log = log
        self.opened_at = log.now()
        self.alert = alert
        self.kind = adverse_kind_for(alert) or "nausea"
        self.severity: str | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            if self.alert is not None:
                yield Static(f"from the alert: {esc(self.alert.message)} ({format_local(self.alert.raised_at)})",
                             classes="help")
            yield Static("", id="adverse-kind", classes="choice")
            yield Static("", id="adverse-severity", classes="choice")
            yield _field("action", Input(id="adverse-action", placeholder="what was done, e.g. infusion stopped",
                                         compact=True))
            yield _field("detail", Input(id="adverse-detail", placeholder="what it was (needed for other)",
                                         compact=True))
            yield Static("", id="error", classes="error")
            yield Static(f"[b]↑↓[/b] kind · [b]1[/b] mild [b]2[/b] moderate [b]3[/b] severe, then what was done · "
                         f"[b]Enter[/b] saves · {ESCAPE_HINT}", classes="hint")

    def on_mount(self) -> None:
        self.query_one("#dialog").border_title = "Adverse event"
        self.clear_error()
        self._show()

    def _show(self) -> None:
        self.query_one("#adverse-kind", Static).update(f"kind: [b reverse] {esc(adverse_words(self.kind))} [/]")
        levels = "  ".join(f"[b reverse]{n} {word}[/]" if word == self.severity else f"[$text-muted]{n} {word}[/]"
                           for n, word in enumerate(SEVERITIES, 1))
        self.query_one("#adverse-severity", Static).update(f"severity: {levels}")

    def action_move(self, step: int) -> None:
        index = ADVERSE_KINDS.index(self.kind)
        self.kind = ADVERSE_KINDS[(index + step) % len(ADVERSE_KINDS)]
        self._show()

    def action_severity(self, word: str) -> None:
        self.severity = word
        self.clear_error()
        self._show()
        self.query_one("#adverse-action", Input).focus()  # then what was done

    def build_events(self) -> list[EventBase]:
        if self.severity is None:
            raise InputError("choose the severity: 1 mild, 2 moderate, 3 severe")
        detail = self.query_one("#adverse-detail", Input).value
        return [commands.record_adverse(self.session_log.state(), self.kind, self.severity, self.opened_at,
                                        action=self.query_one("#adverse-action", Input).value, detail=detail)]


# -- the running infusion -------------------------------------------------------------------------
class RateInput(NumberInput):
    """Digits and a decimal point (a rate like 52.5)."""

    def check_consume_key(self, key: str, character: str | None) -> bool:
        return character is not None and character in "0123456789."


class InfusionDialog(RecordingDialog):
    """The infusion's state, and its controls: `r` a new rate, `p` pause or resume, `s` stop
    (what was delivered, prefilled from the rates, and a reason when it stops early)."""

    BINDINGS = [
        Binding("r", "mode('rate')", "New rate", id="infusion.rate", priority=True),
        Binding("p", "pause_resume", "Pause / resume", id="infusion.pause", priority=True),
        Binding("s", "mode('stop')", "Stop", id="infusion.stop", priority=True),
    ]

    def __init__(self, log: SessionLog) -> None:
        super().__init__()
        self.session_log = log
        self.opened_at = log.now()
        self.mode: str | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(infusion_words(self.session_log.state(), self.opened_at), id="infusion-state",
                         classes="help")
            yield _field("rate mg/h", RateInput(id="infusion-rate", placeholder="e.g. 30", compact=True))
            yield _field("delivered", RateInput(id="infusion-delivered", compact=True))
            yield _field("reason", Input(id="infusion-reason", placeholder="why it stops early, e.g. BP 190/115",
                                         compact=True))
            yield Static("", id="error", classes="error")
            yield Static(f"[b]r[/b] new rate · [b]p[/b] pause or resume · [b]s[/b] stop · [b]Enter[/b] saves · "
                         f"{ESCAPE_HINT}", classes="hint")

    def on_mount(self) -> None:
        self.query_one("#dialog").border_title = "Infusion"
        self.clear_error()
        for field in self.query(".field"):
            field.display = False

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Letters go to the reason once the stop's fields are open.
        return self.mode != "stop" if action in ("mode", "pause_resume") else True

    def action_mode(self, mode: str) -> None:
        state = self.session_log.state()
        if state.running_infusion is None:
            try:
                commands.stop_infusion(state, self.session_log.now())
            except InputError as error:
                self.show_error(str(error))
            return
        self.mode = mode
        self.clear_error()
        rate_row = self.query_one("#infusion-rate").parent
        delivered_row = self.query_one("#infusion-delivered").parent
        reason_row = self.query_one("#infusion-reason").parent
        rate_row.display = mode == "rate"  # type: ignore[union-attr]
        delivered_row.display = reason_row.display = mode == "stop"  # type: ignore[union-attr]
        if mode == "stop":
            so_far = state.running_infusion.mg_so_far(self.session_log.now())
            self.query_one("#infusion-delivered", Input).value = f"{round(so_far, 1):g}"
            self.query_one("#infusion-reason", Input).focus()
        else:
            self.query_one("#infusion-rate", Input).focus()

    def action_pause_resume(self) -> None:
        state = self.session_log.state()
        running = state.running_infusion
        self.mode = "resume" if running is not None and running.paused else "pause"
        self.action_save()

    def build_events(self) -> list[EventBase]:
        state, now = self.session_log.state(), self.session_log.now()
        if self.mode == "rate":
            return [commands.change_infusion_rate(state, self.query_one("#infusion-rate", Input).value, now)]
        if self.mode == "pause":
            return [commands.pause_infusion(state, now)]
        if self.mode == "resume":
            return [commands.resume_infusion(state, now)]
        if self.mode == "stop":
            return [commands.stop_infusion(state, now, self.query_one("#infusion-delivered", Input).value,
                                           self.query_one("#infusion-reason", Input).value)]
        raise InputError("choose what to do: r a new rate, p pause or resume, s stop")


def infusion_words(state: SessionState, now: Any) -> str:
    """The infusion as the live screen's dose line and its dialog say it."""
    infusion = state.running_infusion
    if infusion is None:
        stopped = [i for i in state.infusions if i.stopped is not None]
        if stopped:
            last = stopped[-1]
            return (f"stopped at {format_local(last.stopped_at)}: {last.delivered_mg:g} of "  # type: ignore[arg-type]
                    f"{last.planned_mg:g} mg delivered")
        return "no infusion is running (an intravenous dose starts one)"
    so_far = infusion.mg_so_far(now)
    if infusion.paused:
        status = f"[b]PAUSED[/b] since {format_local(infusion.paused_at)}"  # type: ignore[arg-type]
    else:
        end = infusion.planned_end()
        status = f"[b]RUNNING[/b] at {infusion.mg_per_hour:g} mg/h" + (
            f", planned end {format_local(end)}" if end else "")
    elapsed = int((now - infusion.started_at).total_seconds() // 60)
    return (f"infusion {status} · {so_far:.1f} of {infusion.planned_mg:g} mg so far · started "
            f"{format_local(infusion.started_at)} ({elapsed} min)")


# -- the pre-dose decision -----------------------------------------------------------------------
DECISION_WORDS = {"defer": "defer (the session stays open)", "proceed": "go ahead with the dose",
                  "cancel": "cancel the session (it is closed)"}


class PreDoseDialog(RecordingDialog):
    """Before the first dose with something short: what is short, and the decision with its reason
    (↑ ↓ choose; defer is chosen first). Go ahead dismisses with the decision, and the dose entry
    opens; cancel records the decision and the close."""

    BINDINGS = [
        Binding("up", "move(-1)", "Previous", id="predose.up", priority=True),
        Binding("down", "move(1)", "Next", id="predose.down", priority=True),
    ]
    CHOICES = ("defer", "proceed", "cancel")

    def __init__(self, log: SessionLog, short: tuple[str, ...]) -> None:
        super().__init__()
        self.session_log = log
        self.short = short
        self.choice = "defer"

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static("[b]Before the first dose, this is short:[/b]\n" + "\n".join(f"• {esc(s)}" for s in self.short),
                         classes="help")
            yield Static("", id="predose-choice", classes="choice")
            yield _field("reason", Input(id="predose-reason", placeholder="why (recorded), e.g. prescriber agreed",
                                         compact=True))
            yield Static("", id="error", classes="error")
            yield Static(f"[b]↑↓[/b] decision · [b]Enter[/b] records it · {ESCAPE_HINT}", classes="hint")

    def on_mount(self) -> None:
        self.query_one("#dialog").border_title = "Pre-dose decision"
        self.clear_error()
        self._show()
        self.query_one("#predose-reason", Input).focus()

    def _show(self) -> None:
        lines = [f"[b reverse]▶ {DECISION_WORDS[c]}[/]" if c == self.choice else f"  [$text-muted]{DECISION_WORDS[c]}[/]"
                 for c in self.CHOICES]
        self.query_one("#predose-choice", Static).update("\n".join(lines))

    def action_move(self, step: int) -> None:
        index = self.CHOICES.index(self.choice)
        self.choice = self.CHOICES[(index + step) % len(self.CHOICES)]
        self._show()

    def build_events(self) -> list[EventBase]:
        state, now = self.session_log.state(), self.session_log.now()
        decision = commands.decide_predose(state, self.choice, self.query_one("#predose-reason", Input).value, now)
        if decision.decision == "cancel":
            return [decision, commands.close_session(state, now, f"cancelled before dosing: {decision.reason}")]
        return [decision]


# -- a reason to close ---------------------------------------------------------------------------------
class CloseReasonDialog(EntryDialog[str | None]):
    """Closing before the minimum observation, or with the client not back at MOAA/S 5 since the
    last dose: the reason, recorded with the close (and what was unmet)."""

    def __init__(self, why: list[str]) -> None:
        super().__init__()
        self.why = why

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static("Closing now needs a reason; it is recorded with the session:\n"
                         + "\n".join(f"• {esc(w)}" for w in self.why), classes="help")
            yield Input(id="reason", placeholder="e.g. client well and collected by partner; prescriber agreed")
            yield Static("", id="error", classes="error")
            yield Static(f"[b]Enter[/b] closes with this reason · {ESCAPE_HINT}", classes="hint")

    def on_mount(self) -> None:
        self.query_one("#dialog").border_title = "Close with a reason"
        self.clear_error()

    def build(self) -> str:
        reason = self.query_one("#reason", Input).value.strip()
        if not reason:
            raise InputError("a reason is needed to close now: write a few words (Escape goes back)")
        return reason


__all__ = ["MedicationDialog", "AdverseDialog", "InfusionDialog", "PreDoseDialog", "CloseReasonDialog",
           "adverse_kind_for", "infusion_words", "Dialog"]
