"""The live screen's dialogs. Each is a typed ModalScreen that builds its event with a core command
and dismisses with it (or None); the live screen then records it. Nothing is recorded here.
(Vitals have no dialog: `v` opens a line in the live screen's key bar, `widgets/vitals_entry.py`.)

Every dialog:
- validates with the core commands (as the therapist types where that helps, and on Enter),
  showing the InputError's sentence next to the field and keeping what was typed;
- saves with Enter; backs out with Escape, recording nothing.
"""

from __future__ import annotations

import sqlite3

from datetime import datetime
from typing import Generic, TypeVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.events import Click, Key
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, SelectionList, Static
from textual.widgets.selection_list import Selection

from kapsession.core import commands
from kapsession.core.errors import InputError, KapsessionError
from kapsession.core.events import (
    NOTE_KINDS,
    DoseGiven,
    EventBase,
    IntentionSet,
    NoteWritten,
    ScaleRated,
)
from kapsession.core.scales import ALDRETE_ITEMS, SCALES, parse_aldrete
from kapsession.core.state import SessionState, fold
from kapsession.core.timeparse import format_duration, format_local
from kapsession.store.session_log import SessionLog
from kapsession.tui.widgets.state_text import esc

ResultType = TypeVar("ResultType")

DIALOG_CSS = "../dialogs.tcss"
ESCAPE_HINT = "[b]Escape[/b] leaves without saving"


class Dialog(ModalScreen[ResultType], Generic[ResultType]):
    """Shared frame: a titled box, an error line, a hint line, Escape cancels."""

    CSS_PATH = DIALOG_CSS
    BINDINGS = [Binding("escape", "cancel", "Leave without saving", id="dialog.cancel")]
    TITLE_TEXT = ""

    def action_cancel(self) -> None:
        self.dismiss(None)

    def show_error(self, message: str, *, soft: bool = False, target: str = "#error") -> None:
        error = self.query_one(target, Static)
        error.update(esc(message) if message else "")
        error.set_class(soft, "-soft")
        error.display = bool(message)

    def clear_error(self, target: str = "#error") -> None:
        self.show_error("", target=target)


class EntryDialog(Dialog[ResultType], Generic[ResultType]):
    """A dialog whose Enter builds an event with `build()`; an InputError keeps it open."""

    def build(self) -> ResultType:  # pragma: no cover - every subclass builds
        raise NotImplementedError

    def action_save(self) -> None:
        try:
            result = self.build()
        except InputError as error:
            self.show_error(str(error))
            return
        log = getattr(self, "session_log", None)
        if isinstance(result, EventBase) and log is not None:
            # Durable before the dialog goes: if the store refuses (locked by another terminal,
            # disk full), what was typed stays here to save again.
            try:
                result = log.record(result)
            except (KapsessionError, sqlite3.Error) as error:
                self.show_error(f"Not saved ({error}); what you typed is kept: Enter tries again")
                return
        self.dismiss(result)

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()


class NumberInput(Input):
    """An Input for a small number: it takes digits only, so letter keys stay free for the
    dialog's own bindings (Textual hands every printable key to a focused Input otherwise)."""

    def check_consume_key(self, key: str, character: str | None) -> bool:
        return character is not None and character in "0123456789"


def _state_and_now(log: SessionLog) -> tuple[SessionState, datetime]:
    return log.state(), log.now()


# -- confirm ------------------------------------------------------------------------------------
class ConfirmDialog(Dialog[bool]):
    """Yes/no. Enter or y confirms; Escape or n cancels (a wrong phase change in the dark is easy)."""

    BINDINGS = [
        Binding("y,enter", "confirm", "Yes", id="confirm.yes", priority=True),
        Binding("n,escape", "cancel", "No", id="confirm.no", priority=True),
    ]

    def __init__(self, prompt: str, detail: str = "", yes: str = "Yes", no: str = "No") -> None:
        super().__init__()
        self.prompt = prompt
        self.detail = detail
        self.yes_label = yes
        self.no_label = no

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="confirm"):
            yield Label(esc(self.prompt), id="prompt")
            if self.detail:
                yield Static(esc(self.detail), id="detail")
            with Horizontal(id="buttons"):
                yield Button(f"{self.yes_label} (Enter / y)", id="yes", variant="primary")
                yield Button(f"{self.no_label} (Escape / n)", id="no")

    def on_mount(self) -> None:
        self.query_one("#dialog").border_title = "Confirm"

    def action_confirm(self) -> None:
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)

    @on(Button.Pressed, "#yes")
    def _yes(self) -> None:
        self.action_confirm()

    @on(Button.Pressed, "#no")
    def _no(self) -> None:
        self.action_cancel()


# -- note ---------------------------------------------------------------------------------------
class NoteDialog(EntryDialog[NoteWritten | None]):
    """A note keeps the moment the therapist started typing (when the dialog opened).

    ctrl+s toggles private / shareable; ctrl+t cycles the kind. Private by default.
    """

    BINDINGS = [
        Binding("ctrl+s", "toggle_shareable", "Private / shareable", id="note.shareable", priority=True),
        Binding("ctrl+t", "next_kind", "Kind of note", id="note.kind", priority=True),
    ]

    def __init__(self, log: SessionLog, kind: str = "observation", shareable: bool = False) -> None:
        super().__init__()
        self.session_log = log
        self.started_at = log.now()
        self.kind = kind
        self.shareable = shareable

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(f"started at {format_local(self.started_at, seconds=True)} "
                         "[$text-muted](the note keeps this time)[/]", classes="help")
            yield Input(placeholder="what you notice, or the client's words", id="note-text")
            yield Static("", id="note-kind", classes="choice")
            yield Static("", id="note-visibility", classes="choice")
            yield Static("", id="error", classes="error")
            yield Static(f"[b]Enter[/b] saves · [b]ctrl+s[/b] private/shareable · [b]ctrl+t[/b] kind · "
                         f"{ESCAPE_HINT}", classes="hint")

    def on_mount(self) -> None:
        self.query_one("#dialog").border_title = "Note"
        self.clear_error()
        self._show_choices()

    def _show_choices(self) -> None:
        kinds = "  ".join(
            f"[b reverse]{kind}[/]" if kind == self.kind else f"[$text-muted]{kind}[/]" for kind in NOTE_KINDS
        )
        self.query_one("#note-kind", Static).update(f"kind: {kinds}")
        if self.shareable:
            words = "[b $note-shareable]SHARE ✓ shareable[/]: may go in the client's summary"
        else:
            words = "[b $note-private]private[/]: stays in the clinical record only"
        self.query_one("#note-visibility", Static).update(words)
        dialog = self.query_one("#dialog")
        dialog.set_class(self.shareable, "-shareable")

    def action_toggle_shareable(self) -> None:
        self.shareable = not self.shareable
        self._show_choices()

    def action_next_kind(self) -> None:
        index = NOTE_KINDS.index(self.kind)
        self.kind = NOTE_KINDS[(index + 1) % len(NOTE_KINDS)]
        self._show_choices()

    @on(Click, "#note-visibility")
    def _click_visibility(self) -> None:
        self.action_toggle_shareable()

    @on(Click, "#note-kind")
    def _click_kind(self) -> None:
        self.action_next_kind()

    def build(self) -> NoteWritten:
        state = self.session_log.state()
        return commands.write_note(state, self.query_one("#note-text", Input).value, self.started_at,
                                   kind=self.kind, shareable=self.shareable)


# -- dose ---------------------------------------------------------------------------------------
def planned_mg(state: SessionState) -> float | None:
    opened = state.opened
    if opened.planned_dose_mg:
        return opened.planned_dose_mg
    dosing = state.preset.dosing
    if dosing.typical_mg:
        return dosing.typical_mg
    if dosing.mg_per_kg and opened.client.weight_kg:
        return round(dosing.mg_per_kg * opened.client.weight_kg)
    return None


class DoseDialog(EntryDialog[DoseGiven | None]):
    """mg (prefilled from the plan), the preset's route, devices for esketamine, booster for IM.

    The dose is timed when the dialog opened (when `d` was pressed); `at` backdates it.
    """

    BINDINGS = [Binding("ctrl+b", "toggle_booster", "Booster", id="dose.booster", priority=True)]

    def __init__(self, log: SessionLog) -> None:
        super().__init__()
        self.session_log = log
        self.opened_at = log.now()
        state = log.state()
        self.state = state
        preset = state.preset
        self.per_device = preset.timers.mg_per_device if preset.route == "intranasal" else None
        self.has_booster = preset.timers.booster_window is not None
        self.booster = self.has_booster and bool(state.doses)

    def compose(self) -> ComposeResult:
        state = self.state
        preset = state.preset
        with Vertical(id="dialog"):
            yield Static(f"route: [b]{preset.route}[/b] [$text-muted]({esc(preset.route_in_plain_words)}, "
                         f"from the preset)[/]", classes="help")
            if self.per_device:
                with Horizontal(classes="field"):
                    yield Label("devices", classes="field-label")
                    yield NumberInput("1", id="dose-devices", restrict=r"[0-9]*", max_length=1)
                yield Static("", id="dose-mg-note", classes="help")
            else:
                planned = planned_mg(state)
                with Horizontal(classes="field"):
                    yield Label("mg", classes="field-label")
                    yield Input(f"{planned:g}" if planned else "", id="dose-mg", placeholder="mg")
                yield Static("", id="dose-mg-note", classes="help")
            # The infusion's minutes (IV) and the lot, one compact line (the dialog fits 80x24).
            with Horizontal(classes="field compact-row"):
                if preset.route == "intravenous":
                    yield Label("over", classes="field-label")
                    minutes = preset.dosing.infusion_minutes
                    yield NumberInput(f"{minutes}" if minutes else "", id="dose-over", restrict=r"[0-9]*",
                                      max_length=3, compact=True)
                    yield Label("min", classes="unit")
                yield Label("lot", classes="field-label")
                yield Input(id="dose-lot", placeholder="optional lot number", max_length=40, compact=True)
            if preset.dosing.sites:
                with Horizontal(classes="field"):
                    yield Label("site", classes="field-label")
                    yield Input(id="dose-site", placeholder="optional: " + ", ".join(preset.dosing.sites))
            with Horizontal(classes="field"):
                yield Label("at", classes="field-label")
                yield Input(id="dose-at", placeholder=f"optional, to backdate (now {format_local(self.opened_at)})")
            if self.has_booster:
                yield Static("", id="dose-booster", classes="choice")
            yield Static("", id="error", classes="error")
            booster = " · [b]ctrl+b[/b] booster" if self.has_booster else ""
            yield Static(f"[b]Enter[/b] saves · [b]Tab[/b] next field{booster} · {ESCAPE_HINT}", classes="hint")

    def on_mount(self) -> None:
        self.query_one("#dialog").border_title = "Dose"
        self.clear_error()
        self._show_booster()
        self._note()

    def _show_booster(self) -> None:
        if not self.has_booster:
            return
        window = self.state.preset.timers.booster_window
        mark = "[b]✓ booster[/b]" if self.booster else "[$text-muted]not a booster[/]"
        self.query_one("#dose-booster", Static).update(
            f"{mark} [$text-muted](window T+{window.start}-{window.end} min)[/]")  # type: ignore[union-attr]

    def action_toggle_booster(self) -> None:
        if self.has_booster:
            self.booster = not self.booster
            self._show_booster()

    @on(Input.Changed)
    def _note(self) -> None:
        note = self.query_one("#dose-mg-note", Static)
        if self.per_device:
            text = self.query_one("#dose-devices", Input).value.strip()
            given = self.state.devices_given
            planned = planned_mg(self.state)
            of = f" of {max(1, round(planned / self.per_device))}" if planned else ""
            count = int(text) if text.isascii() and text.isdigit() else 0
            first = f"device {given + 1}{of}" if count <= 1 else f"devices {given + 1}-{given + count}{of}"
            note.update(f"[$text-muted]{count} × {self.per_device:g} mg = [b]{count * self.per_device:g} mg[/b]"
                        f" · this is {first}[/]")
            return
        weight = self.state.opened.client.weight_kg
        text = self.query_one("#dose-mg", Input).value.strip()
        try:
            mg = float(text)
        except ValueError:
            note.update("")
            return
        per_kg = f" = {mg / weight:.2f} mg/kg" if weight else ""
        planned = planned_mg(self.state)
        plan = f" (planned {planned:g} mg)" if planned else ""
        over = self.query_one("#dose-over", Input).value.strip() if self.query("#dose-over") else ""
        rate = f" · an infusion over {over} min: {mg / int(over) * 60:.3g} mg/h" \
            if over.isdigit() and int(over) > 0 else ""
        note.update(f"[$text-muted]{mg:g} mg{per_kg}{plan}{rate}[/]")

    def build(self) -> DoseGiven:
        state = self.session_log.state()
        if self.per_device:
            devices = self.query_one("#dose-devices", Input).value.strip()
            if not (devices.isascii() and devices.isdigit()) or not 1 <= int(devices) <= 6:
                raise InputError(f"device count '{devices}' is not accepted: accepted 1-6 devices")
            mg: str | float = int(devices) * self.per_device
        else:
            mg = self.query_one("#dose-mg", Input).value
            devices = None  # type: ignore[assignment]
        site = self.query_one("#dose-site", Input).value if self.query("#dose-site") else None
        over = self.query_one("#dose-over", Input).value if self.query("#dose-over") else None
        lot = self.query_one("#dose-lot", Input).value
        at_text = self.query_one("#dose-at", Input).value.strip() or None
        if at_text is None:
            # Timed when `d` was pressed: the moment the dose was given, not when typing ended.
            event = commands.give_dose(state, mg, self.opened_at, devices=devices, booster=self.booster,
                                       site=site, over_minutes=over, lot=lot)
        else:
            event = commands.give_dose(state, mg, self.session_log.now(), devices=devices, booster=self.booster,
                                       site=site, at_text=at_text, over_minutes=over, lot=lot)
        return event


# -- scale --------------------------------------------------------------------------------------
QUICK_SCALES = ("moaas", "dissociation", "nausea")
SCALE_KEYS = {"m": "moaas", "d": "dissociation", "n": "nausea"}


class ScaleDialog(EntryDialog[ScaleRated | None]):
    """Choose with m / d / n (or ↑ ↓), type the number, Enter saves."""

    BINDINGS = [
        Binding("m", "choose('moaas')", "MOAA/S", id="scale.moaas", priority=True),
        Binding("d", "choose('dissociation')", "Dissociation", id="scale.dissociation", priority=True),
        Binding("n", "choose('nausea')", "Nausea", id="scale.nausea", priority=True),
        Binding("up", "move(-1)", "Previous scale", id="scale.up", priority=True),
        Binding("down", "move(1)", "Next scale", id="scale.down", priority=True),
    ]

    def __init__(self, log: SessionLog, scale: str = "moaas") -> None:
        super().__init__()
        self.session_log = log
        self.scale = scale

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static("", id="scale-choices")
            with Horizontal(classes="field"):
                yield Label("value", classes="field-label")
                yield NumberInput(id="scale-value", restrict=r"[0-9]*", max_length=2, placeholder="0-5")
            yield Static("", id="scale-anchors", classes="help")
            yield Static("", id="error", classes="error")
            yield Static(f"[b]m[/b] [b]d[/b] [b]n[/b] or [b]↑↓[/b] choose · type the number · "
                         f"[b]Enter[/b] saves · {ESCAPE_HINT}", classes="hint")

    def on_mount(self) -> None:
        self.query_one("#dialog").border_title = "Rate a scale"
        self.clear_error()
        self._show()

    def _show(self) -> None:
        state = self.session_log.state()
        lines = []
        for key, name in SCALE_KEYS.items():
            spec = SCALES[name]
            latest = state.latest_scale(name)
            last = f"[$text-muted]latest {latest.value} at {format_local(latest.at)}[/]" if latest else ""
            label = f"[b]{key}[/b]  {spec.title:<13} {spec.low}-{spec.high:<3} {last}"
            lines.append(f"[reverse]▶ {label}[/]" if name == self.scale else f"  {label}")
        self.query_one("#scale-choices", Static).update("\n".join(lines))
        spec = SCALES[self.scale]
        value = self.query_one("#scale-value", Input)
        value.placeholder = f"{spec.low}-{spec.high}"
        anchors = " · ".join(f"{k} {esc(v)}" for k, v in sorted(spec.anchors.items(), reverse=True))
        self.query_one("#scale-anchors", Static).update(f"[$text-muted]{spec.title}: {anchors}[/]")

    def action_choose(self, scale: str) -> None:
        self.scale = scale
        self.clear_error()
        self._show()

    def action_move(self, step: int) -> None:
        index = QUICK_SCALES.index(self.scale)
        self.action_choose(QUICK_SCALES[(index + step) % len(QUICK_SCALES)])

    def build(self) -> ScaleRated:
        state, now = _state_and_now(self.session_log)
        return commands.rate_scale(state, self.scale, self.query_one("#scale-value", Input).value, now)


# -- intention ----------------------------------------------------------------------------------
class IntentionDialog(EntryDialog[IntentionSet | None]):
    def __init__(self, log: SessionLog) -> None:
        super().__init__()
        self.session_log = log

    def compose(self) -> ComposeResult:
        current = self.session_log.state().intention or ""
        with Vertical(id="dialog"):
            yield Static("in the client's own words", classes="help")
            yield Input(current, id="intention-text", placeholder="to be gentler with myself")
            yield Static("", id="error", classes="error")
            yield Static(f"[b]Enter[/b] saves · {ESCAPE_HINT}", classes="hint")

    def on_mount(self) -> None:
        self.query_one("#dialog").border_title = "Intention"
        self.clear_error()

    def build(self) -> IntentionSet:
        state, now = _state_and_now(self.session_log)
        return commands.set_intention(state, self.query_one("#intention-text", Input).value, now)


# -- early close reason -------------------------------------------------------------------------
class EarlyCloseDialog(EntryDialog[str | None]):
    """Closing before the minimum observation time needs a reason, which is recorded."""

    def __init__(self, until: datetime, now: datetime) -> None:
        super().__init__()
        self.until = until
        self.now = now

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(f"The minimum observation runs until [b]{format_local(self.until)}[/b] "
                         f"({format_duration(self.until - self.now)} to go). Closing now needs a "
                         "reason; it is recorded with the session.", classes="help")
            yield Input(id="reason", placeholder="e.g. client well and collected by partner; prescriber agreed")
            yield Static("", id="error", classes="error")
            yield Static(f"[b]Enter[/b] closes with this reason · {ESCAPE_HINT}", classes="hint")

    def on_mount(self) -> None:
        self.query_one("#dialog").border_title = "Close before the minimum observation"
        self.clear_error()

    def build(self) -> str:
        reason = self.query_one("#reason", Input).value.strip()
        if not reason:
            raise InputError("a reason is needed to close before the minimum observation time: "
                             "write a few words (Escape goes back)")
        return reason


# -- discharge ----------------------------------------------------------------------------------
def aldrete_anchor_line(typed: str) -> str:
    """What earns 2, 1 and 0 on the Aldrete item being scored (the next one after those typed)."""
    from kapsession.core.scales import ALDRETE_ANCHORS

    tokens = typed.replace(",", " ").replace("+", " ").split()
    if len(tokens) == 1 and len(tokens[0]) > 1:
        tokens = list(tokens[0])
    if len(tokens) >= len(ALDRETE_ITEMS):
        return ""
    item = ALDRETE_ITEMS[len(tokens)]
    anchors = " · ".join(f"[b]{score}[/b] {esc(words)}" for score, words in ALDRETE_ANCHORS[item].items())
    return f"[$text-muted]{item}:[/] {anchors}"


class DischargeDialog(Dialog["list[EventBase] | None"]):
    """The preset's discharge checklist, the modified Aldrete, and closing the session.

    Space (or the item's number) ticks an item; Enter saves the ticks and the Aldrete score;
    ctrl+e closes the session (asking first, and for a reason before the minimum observation).
    Dismisses with the events to record, in order, or None.
    """

    BINDINGS = [
        Binding("enter", "save", "Save", id="discharge.save", priority=True),
        Binding("ctrl+e", "close_session", "Close the session", id="discharge.close", priority=True),
    ]

    def __init__(self, log: SessionLog) -> None:
        super().__init__()
        self.session_log = log
        self.items = list(log.preset.discharge_checklist)

    def compose(self) -> ComposeResult:
        state = self.session_log.state()
        with Vertical(id="dialog", classes="wide"):
            yield Static("", id="readiness")
            yield SelectionList[str](
                *(Selection(f"{n}. {item}", item, bool(state.discharge_ticked.get(item)))
                  for n, item in enumerate(self.items, start=1)),
                id="discharge-items", compact=True,
            )
            latest = state.latest_scale("aldrete")
            last = f" [$text-muted](latest {latest.value} at {format_local(latest.at)})[/]" if latest else ""
            yield Static(f"Modified Aldrete{last}: {', '.join(ALDRETE_ITEMS)}, 0-2 each "
                         "([b]2 2 2 2 1[/b]) or the total", classes="help")
            with Horizontal(classes="field"):
                yield Label("Aldrete", classes="field-label")
                yield Input(id="aldrete", placeholder="2 2 2 2 2", restrict=r"[0-9 ,+]*", max_length=12,
                            compact=True)
            yield Static("", id="aldrete-total", classes="help")
            yield Static(aldrete_anchor_line(""), id="aldrete-anchors", classes="help")
            yield Static("", id="error", classes="error")
            yield Static(f"[b]Space[/b] or [b]1-{len(self.items)}[/b] ticks · [b]Tab[/b] Aldrete · "
                         f"[b]Enter[/b] saves · [b]ctrl+e[/b] closes the session · {ESCAPE_HINT}",
                         classes="hint")

    def on_mount(self) -> None:
        self.query_one("#dialog").border_title = "Discharge checklist"
        self.clear_error()
        self.query_one("#discharge-items").focus()
        self.query_one("#aldrete-total").display = False
        self._show_readiness()

    # what would be recorded
    def _ticked(self) -> set[str]:
        return set(self.query_one("#discharge-items", SelectionList).selected)

    def pending_ticks(self) -> list[EventBase]:
        """A tick (or untick) for every item whose mark differs from the record."""
        state, now = _state_and_now(self.session_log)
        ticked = self._ticked()
        return [commands.tick_item(state, "discharge", number, now, done=item in ticked)
                for number, item in enumerate(self.items, start=1)
                if bool(state.discharge_ticked.get(item)) != (item in ticked)]

    def pending_events(self) -> list[EventBase]:
        """The ticks that changed and the Aldrete score; raises InputError for a bad score."""
        events = self.pending_ticks()
        text = self.query_one("#aldrete", Input).value.strip()
        if text:
            state, now = _state_and_now(self.session_log)
            events.append(commands.rate_scale(state, "aldrete", parse_aldrete(text), now))
        return events

    def _hypothetical(self, pending: list[EventBase]) -> SessionState:
        state = self.session_log.state()
        return fold(list(state.events) + pending, state.preset, state.now)

    def _show_readiness(self) -> None:
        try:
            pending = self.pending_events()
        except InputError:
            pending = self.pending_ticks()
        state = self._hypothetical(pending)
        if state.closed:
            text = f"[b]This session was closed at {format_local(state.closed_at)}.[/b]"  # type: ignore[arg-type]
        elif state.discharge.ready:
            text = "[b $phase-recovery]✓ READY for discharge[/]: every item is done"
        else:
            # The unticked items are in view below; name only what is not on the list.
            unticked = [item for item in state.discharge.missing if item in self.items]
            others = [item for item in state.discharge.missing if item not in self.items]
            parts = [f"{len(unticked)} item{'s' if len(unticked) != 1 else ''} to tick"] if unticked else []
            parts += [esc(item) for item in others]
            text = f"[b $alert-warning]✗ NOT READY[/] [$text-muted]still missing:[/] {'; '.join(parts)}"
        self.query_one("#readiness", Static).update(text)

    @on(SelectionList.SelectedChanged)
    def _ticks_changed(self) -> None:
        self._show_readiness()

    @on(Input.Changed, "#aldrete")
    def _aldrete_changed(self, event: Input.Changed) -> None:
        self.query_one("#aldrete-anchors", Static).update(aldrete_anchor_line(event.value))
        total = self.query_one("#aldrete-total", Static)
        text = event.value.strip()
        total.display = bool(text)
        if not text:
            total.update("")
            self.clear_error()
        else:
            try:
                value = parse_aldrete(text)
            except InputError as error:
                total.update("")
                self.show_error(str(error), soft=True)
            else:
                self.clear_error()
                word = "ready (9 or more)" if value >= 9 else "▼ below 9: not ready"
                total.update(f"total [b]{value}[/b]/10 {word}")
        self._show_readiness()

    def on_key(self, event: Key) -> None:
        # The item's number ticks it while the list has focus.
        focused = self.focused
        if isinstance(focused, SelectionList) and event.character and event.character in "123456789":
            number = int(event.character)
            if 1 <= number <= len(self.items):
                focused.toggle(self.items[number - 1])
                focused.highlighted = number - 1
                event.stop()
                event.prevent_default()

    def action_save(self) -> None:
        try:
            pending = self.pending_events()
        except InputError as error:
            self.show_error(str(error))
            self.query_one("#aldrete", Input).focus()
            return
        self.dismiss(pending)

    def action_close_session(self) -> None:
        try:
            pending = self.pending_events()
        except InputError as error:
            self.show_error(str(error))
            self.query_one("#aldrete", Input).focus()
            return
        state, now = _state_and_now(self.session_log)
        if state.closed:
            self.show_error(f"this session was already closed at {format_local(state.closed_at)}")  # type: ignore[arg-type]
            return
        until = state.observation_until
        early = until is not None and now < until
        sedation = self._hypothetical(pending)
        from kapsession.core.state import SEDATION_CRITERION, sedation_short

        unmet = sedation_short(sedation) if SEDATION_CRITERION not in sedation.waived else None
        if unmet is not None:
            # The client not back at MOAA/S 5 since the last dose: a reason, recorded with the close.
            from kapsession.tui.screens.clinical_dialogs import CloseReasonDialog

            why = [f"discharge needs {unmet}"]
            if early:
                why.append(f"the minimum observation runs until {format_local(until)}")  # type: ignore[arg-type]
            self.app.push_screen(CloseReasonDialog(why),
                                 callback=lambda reason: self._finish_close(pending, reason, early=True))
            return
        if early:
            self.app.push_screen(EarlyCloseDialog(until, now),  # type: ignore[arg-type]
                                 callback=lambda reason: self._finish_close(pending, reason, early=True))
            return
        missing = self._hypothetical(pending).discharge.missing
        detail = ("Still missing: " + "; ".join(missing) + ".") if missing else "Every discharge item is done."
        self.app.push_screen(
            ConfirmDialog("Close the session now?", detail + " Nothing more can be recorded after closing.",
                          yes="Close"),
            callback=lambda yes: self._finish_close(pending, None, early=False) if yes else None,
        )

    def _finish_close(self, pending: list[EventBase], reason: str | None, early: bool) -> None:
        if early and not reason:
            return  # the reason dialog was left with Escape: back to the checklist
        state, now = _state_and_now(self.session_log)
        try:
            close = commands.close_session(state, now, reason)
        except InputError as error:
            self.show_error(str(error))
            return
        self.dismiss([*pending, close])

