"""The live screen's dialogs for the clinical record: another medicine (`m`), an adverse event
(`e`, offered from a threshold or sedation alert), the running infusion (`l`, the IV line), the pre-dose
decision (before the first dose, when something is short) and a reason to close with the
sedation criterion unmet.

Each returns a typed entry (`kapsession/tui/dialog_entries.py`) that the live screen's recorder
saves, checked first by its core command; a refused entry opens its dialog again filled in with
it. Escape records nothing.
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.events import Key
from textual.widgets import Input, Label, Static

from kapsession.core import commands
from kapsession.core.errors import InputError
from kapsession.core.events import ADVERSE_KINDS, SEVERITIES
from kapsession.core.state import Alert, SessionState
from kapsession.core.text_rule import visible
from kapsession.core.timeline import adverse_words
from kapsession.core.timeparse import format_local
from kapsession.store.session_log import SessionLog
from kapsession.tui.dialog_entries import AdverseEntry, InfusionEntry, MedicationEntry, PreDoseEntry
from kapsession.tui.screens.dialogs import ESCAPE_HINT, Dialog, EntryDialog, NumberInput

MUTED = "$text-muted"

# A threshold rule (or a sedation alert) and the adverse event it is.
ALERT_KINDS = {
    "bp": "hypertension",
    "heart_rate_high": "tachycardia",
    "heart_rate_low": "bradycardia",
    "spo2_low": "desaturation",
    "resp_rate_low": "respiratory-depression",
    "sedation": "excessive-sedation",
    "sedation-deep": "excessive-sedation",
}


def adverse_kind_for(alert: Alert | None) -> str | None:
    """The adverse event a threshold or sedation alert describes, if any."""
    if alert is None or alert.kind not in ("threshold", "sedation"):
        return None
    parts = alert.key.split(":")
    rule = parts[1] if alert.kind == "threshold" and len(parts) > 1 else parts[0]
    return ALERT_KINDS.get(rule)


class ChooserDialog(EntryDialog[Any]):
    """A dialog that opens with no text box focused, so digits and arrows choose (an adjunct, a
    severity) without racing what is typed; a letter typed then goes into `TYPE_INTO`, Tab moves
    into the fields, Enter saves from anywhere."""

    AUTO_FOCUS = ""
    TYPE_INTO = ""

    def on_screen_resume(self) -> None:
        # No field focused as it opens (Textual focuses the first one otherwise).
        self.set_focus(None)

    def on_key(self, event: Key) -> None:
        if (
            self.focused is None
            and event.character
            and event.character.isprintable()
            and not event.character.isdigit()
            and event.key not in ("up", "down", "space")
        ):
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

    BINDINGS = [Binding(str(n), f"pick({n})", f"Adjunct {n}", id=f"medication.pick{n}") for n in range(1, 10)]
    TYPE_INTO = "#med-name"

    def __init__(self, log: SessionLog, *, entry: MedicationEntry | None = None, problem: str | None = None) -> None:
        super().__init__(log, problem)
        self.filled = entry
        self.opened_at = entry.opened_at if entry else log.now()
        self.adjuncts = list(log.preset.adjuncts)

    def compose(self) -> ComposeResult:
        picks: list[Content | str | tuple[str, str]] = []
        for n, adjunct in enumerate(self.adjuncts, 1):
            picks += ["  "] if picks else []
            picks += [(str(n), "b"), " ", visible(adjunct.describe(), line_breaks=False)]
        filled = self.filled
        with Vertical(id="dialog"):
            yield Static(
                Content.assemble("standing adjuncts: ", *picks)
                if picks
                else Content("no standing adjuncts in this preset"),
                classes="help",
            )
            yield _field(
                "medicine",
                Input(filled.name if filled else "", id="med-name", placeholder="e.g. ondansetron", compact=True),
            )
            yield _field(
                "amount", Input(filled.amount if filled else "", id="med-amount", placeholder="e.g. 4", compact=True)
            )
            yield _field(
                "unit",
                Input(
                    filled.unit if filled else "mg", id="med-unit", placeholder="mg, mcg, g, mL or tablet", compact=True
                ),
            )
            yield _field(
                "route",
                Input(filled.route if filled else "", id="med-route", placeholder="e.g. ODT, oral, IM", compact=True),
            )
            yield _field(
                "reason",
                Input(filled.reason if filled else "", id="med-reason", placeholder="e.g. nausea", compact=True),
            )
            yield Static(Content.styled("never counted against the ketamine maximum", MUTED), classes="help")
            yield Static("", id="error", classes="error")
            yield Static(
                f"[b]1-{len(self.adjuncts)}[/b] a standing adjunct, or type another · [b]Tab[/b] next field · "
                f"[b]Enter[/b] saves · {ESCAPE_HINT}",
                classes="hint",
            )

    def on_mount(self) -> None:
        self.query_one("#dialog").border_title = "Another medicine"
        super().on_mount()

    def action_pick(self, number: int) -> None:
        if not 1 <= number <= len(self.adjuncts):
            return
        adjunct = self.adjuncts[number - 1]
        for field, value in (
            ("name", adjunct.name),
            ("amount", f"{adjunct.amounts[0]:g}"),
            ("unit", adjunct.unit),
            ("route", adjunct.routes[0]),
            ("reason", adjunct.reason),
        ):
            self.query_one(f"#med-{field}", Input).value = value
        self.query_one("#med-amount", Input).focus()

    def entry(self) -> MedicationEntry:
        value = {
            field: self.query_one(f"#med-{field}", Input).value
            for field in ("name", "amount", "unit", "route", "reason")
        }
        return MedicationEntry(self.opened_at, **value)


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

    def __init__(
        self,
        log: SessionLog,
        alert: Alert | None = None,
        *,
        entry: AdverseEntry | None = None,
        problem: str | None = None,
    ) -> None:
        super().__init__(log, problem)
        self.filled = entry
        self.opened_at = entry.opened_at if entry else log.now()
        self.alert = alert
        self.kind = entry.kind if entry else adverse_kind_for(alert) or "nausea"
        self.severity: str | None = entry.severity if entry else None

    def compose(self) -> ComposeResult:
        filled = self.filled
        with Vertical(id="dialog"):
            if self.alert is not None:
                yield Static(
                    Content(
                        f"from the alert: {visible(self.alert.message, line_breaks=False)} "
                        f"({format_local(self.alert.raised_at)})"
                    ),
                    classes="help",
                )
            yield Static("", id="adverse-kind", classes="choice")
            yield Static("", id="adverse-severity", classes="choice")
            yield _field(
                "action",
                Input(
                    filled.action if filled else "",
                    id="adverse-action",
                    placeholder="what was done, e.g. infusion stopped",
                    compact=True,
                ),
            )
            yield _field(
                "detail",
                Input(
                    filled.detail if filled else "",
                    id="adverse-detail",
                    placeholder="what it was (needed for other)",
                    compact=True,
                ),
            )
            yield Static("", id="error", classes="error")
            yield Static(
                f"[b]↑↓[/b] kind · [b]1[/b] mild [b]2[/b] moderate [b]3[/b] severe, then what was done · "
                f"[b]Enter[/b] saves · {ESCAPE_HINT}",
                classes="hint",
            )

    def on_mount(self) -> None:
        self.query_one("#dialog").border_title = "Adverse event"
        super().on_mount()
        self._show()

    def _show(self) -> None:
        self.query_one("#adverse-kind", Static).update(
            Content.assemble("kind: ", (f" {adverse_words(self.kind)} ", "b reverse"))
        )
        levels = Content("  ").join(
            Content.styled(f"{n} {word}", "b reverse" if word == self.severity else MUTED)
            for n, word in enumerate(SEVERITIES, 1)
        )
        self.query_one("#adverse-severity", Static).update(Content.assemble("severity: ", levels))

    def action_move(self, step: int) -> None:
        index = ADVERSE_KINDS.index(self.kind)
        self.kind = ADVERSE_KINDS[(index + step) % len(ADVERSE_KINDS)]
        self._show()

    def action_severity(self, word: str) -> None:
        self.severity = word
        self.clear_error()
        self._show()
        self.query_one("#adverse-action", Input).focus()  # then what was done

    def entry(self) -> AdverseEntry:
        return AdverseEntry(
            self.opened_at,
            self.kind,
            self.severity,
            action=self.query_one("#adverse-action", Input).value,
            detail=self.query_one("#adverse-detail", Input).value,
        )


# -- the running infusion -------------------------------------------------------------------------
class RateInput(NumberInput):
    """Digits and a decimal point (a rate like 52.5)."""

    def check_consume_key(self, key: str, character: str | None) -> bool:
        return character is not None and character in "0123456789."


class InfusionDialog(EntryDialog[InfusionEntry]):
    """The infusion's state, and its controls: `r` a new rate, `p` pause or resume, `s` stop
    (what was delivered, prefilled from the rates, and a reason when it stops early)."""

    BINDINGS = [
        Binding("r", "mode('rate')", "New rate", id="infusion.rate", priority=True),
        Binding("p", "pause_resume", "Pause / resume", id="infusion.pause", priority=True),
        Binding("s", "mode('stop')", "Stop", id="infusion.stop", priority=True),
    ]

    def __init__(self, log: SessionLog, *, entry: InfusionEntry | None = None, problem: str | None = None) -> None:
        super().__init__(log, problem)
        self.opened_at = log.now()
        self.filled = entry
        self.mode: str | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(infusion_words(self.session_log.state(), self.opened_at), id="infusion-state", classes="help")
            yield _field("rate mg/h", RateInput(id="infusion-rate", placeholder="e.g. 30", compact=True))
            yield _field("delivered", RateInput(id="infusion-delivered", compact=True))
            yield _field(
                "reason", Input(id="infusion-reason", placeholder="why it stops early, e.g. BP 190/115", compact=True)
            )
            yield Static("", id="error", classes="error")
            yield Static(
                f"[b]r[/b] new rate · [b]p[/b] pause or resume · [b]s[/b] stop · [b]Enter[/b] saves · {ESCAPE_HINT}",
                classes="hint",
            )

    def on_mount(self) -> None:
        self.query_one("#dialog").border_title = "Infusion"
        super().on_mount()
        for field in self.query(".field"):
            field.display = False
        filled = self.filled
        if filled is not None and filled.mode in ("rate", "stop"):
            # Opened again with what was refused: that form, as typed.
            self._open(filled.mode)
            self.query_one("#infusion-rate", Input).value = filled.rate
            self.query_one("#infusion-delivered", Input).value = filled.delivered
            self.query_one("#infusion-reason", Input).value = filled.reason

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
        self.clear_error()
        self._open(mode)
        if mode == "stop":
            so_far = state.running_infusion.mg_so_far(self.session_log.now())
            self.query_one("#infusion-delivered", Input).value = f"{round(so_far, 1):g}"

    def _open(self, mode: str) -> None:
        """The fields of a new rate or of a stop."""
        self.mode = mode
        rate_row = self.query_one("#infusion-rate").parent
        delivered_row = self.query_one("#infusion-delivered").parent
        reason_row = self.query_one("#infusion-reason").parent
        rate_row.display = mode == "rate"  # type: ignore[union-attr]
        delivered_row.display = reason_row.display = mode == "stop"  # type: ignore[union-attr]
        if mode == "stop":
            self.query_one("#infusion-reason", Input).focus()
        else:
            self.query_one("#infusion-rate", Input).focus()

    def action_pause_resume(self) -> None:
        state = self.session_log.state()
        running = state.running_infusion
        self.mode = "resume" if running is not None and running.paused else "pause"
        self.action_save()

    def entry(self) -> InfusionEntry:
        return InfusionEntry(
            self.mode,
            rate=self.query_one("#infusion-rate", Input).value,
            delivered=self.query_one("#infusion-delivered", Input).value,
            reason=self.query_one("#infusion-reason", Input).value,
        )


def infusion_words(state: SessionState, now: Any) -> Content:
    """The infusion as the live screen's dose line and its dialog say it."""
    infusion = state.running_infusion
    if infusion is None:
        stopped = [i for i in state.infusions if i.stopped is not None]
        if stopped:
            last = stopped[-1]
            return Content(
                f"stopped at {format_local(last.stopped_at)}: {last.delivered_mg:g} of "  # type: ignore[arg-type]
                f"{last.planned_mg:g} mg delivered"
            )
        return Content("no infusion is running (an intravenous dose starts one)")
    so_far = infusion.mg_so_far(now)
    if infusion.paused:
        status = Content.assemble(("PAUSED", "b"), f" since {format_local(infusion.paused_at)}")  # type: ignore[arg-type]
    else:
        end = infusion.planned_end()
        status = Content.assemble(
            ("RUNNING", "b"),
            f" at {infusion.mg_per_hour:g} mg/h" + (f", planned end {format_local(end)}" if end else ""),
        )
    elapsed = int((now - infusion.started_at).total_seconds() // 60)
    return Content.assemble(
        "infusion ",
        status,
        f" · {so_far:.1f} of {infusion.planned_mg:g} mg so far · started "
        f"{format_local(infusion.started_at)} ({elapsed} min)",
    )


# -- the pre-dose decision -----------------------------------------------------------------------
DECISION_WORDS = {
    "defer": "defer (the session stays open)",
    "proceed": "go ahead with the dose",
    "cancel": "cancel the session (it is closed)",
}


class PreDoseDialog(EntryDialog[PreDoseEntry]):
    """Before the first dose with something short: what is short, and the decision with its reason
    (↑ ↓ choose; defer is chosen first). Go ahead dismisses with the decision, and the dose entry
    opens; cancel records the decision and the close."""

    BINDINGS = [
        Binding("up", "move(-1)", "Previous", id="predose.up", priority=True),
        Binding("down", "move(1)", "Next", id="predose.down", priority=True),
    ]
    CHOICES = ("defer", "proceed", "cancel")

    def __init__(
        self, log: SessionLog, short: tuple[str, ...], *, entry: PreDoseEntry | None = None, problem: str | None = None
    ) -> None:
        super().__init__(log, problem)
        self.short = short
        self.choice = entry.choice if entry else "defer"
        self.typed = entry.reason if entry else ""

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(
                Content.assemble(
                    ("Before the first dose, this is short:", "b"),
                    *(f"\n• {visible(s, line_breaks=False)}" for s in self.short),
                ),
                classes="help",
            )
            yield Static("", id="predose-choice", classes="choice")
            yield _field(
                "reason",
                Input(
                    self.typed, id="predose-reason", placeholder="why (recorded), e.g. prescriber agreed", compact=True
                ),
            )
            yield Static("", id="error", classes="error")
            yield Static(f"[b]↑↓[/b] decision · [b]Enter[/b] records it · {ESCAPE_HINT}", classes="hint")

    def on_mount(self) -> None:
        self.query_one("#dialog").border_title = "Pre-dose decision"
        super().on_mount()
        self._show()
        self.query_one("#predose-reason", Input).focus()

    def _show(self) -> None:
        lines = [
            Content.styled(f"▶ {DECISION_WORDS[c]}", "b reverse")
            if c == self.choice
            else Content.assemble("  ", (DECISION_WORDS[c], MUTED))
            for c in self.CHOICES
        ]
        self.query_one("#predose-choice", Static).update(Content("\n").join(lines))

    def action_move(self, step: int) -> None:
        index = self.CHOICES.index(self.choice)
        self.choice = self.CHOICES[(index + step) % len(self.CHOICES)]
        self._show()

    def entry(self) -> PreDoseEntry:
        return PreDoseEntry(self.choice, self.query_one("#predose-reason", Input).value)


__all__ = [
    "MedicationDialog",
    "AdverseDialog",
    "InfusionDialog",
    "PreDoseDialog",
    "adverse_kind_for",
    "infusion_words",
    "Dialog",
]
