"""The live screen's dialogs. Each is a typed ModalScreen that dismisses with what was typed and
chosen (an entry from `kapsession/tui/dialog_entries.py`, or a bool, or a reason), or None when left with
Escape; the live screen's recorder then records it. Nothing is recorded here.
(Vitals have no dialog: `v` opens a line at the foot of the live screen, `widgets/vitals_entry.py`.)

Every entry dialog:
- checks what was typed with the entry's core command (as the therapist types where that helps,
  and on Enter), showing the InputError's sentence next to the field and keeping what was typed;
- opens filled in with an entry and a sentence when the store refused to save it (`entry`,
  `problem`), so it can be saved again;
- saves with Enter; backs out with Escape, recording nothing.
"""

from __future__ import annotations

from datetime import datetime
from typing import Generic, TypeVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.events import Click, Key
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, SelectionList, Static
from textual.widgets.selection_list import Selection

from kapsession.core.errors import InputError
from kapsession.core.events import NOTE_KINDS
from kapsession.core.scales import ALDRETE_ITEMS, SCALES, parse_aldrete
from kapsession.core.state import SessionState, fold
from kapsession.core.text_rule import visible
from kapsession.core.timeparse import format_duration, format_local
from kapsession.store.session_log import SessionLog
from kapsession.tui.dialog_entries import DischargeEntry, DoseEntry, Entry, IntentionEntry, NoteEntry, ScaleEntry

ResultType = TypeVar("ResultType")
EntryType = TypeVar("EntryType", bound=Entry)

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
        error.update(Content(visible(message)))  # a sentence may quote what was typed
        error.set_class(soft, "-soft")
        error.display = bool(message)

    def clear_error(self, target: str = "#error") -> None:
        self.show_error("", target=target)


class EntryDialog(Dialog["EntryType | None"], Generic[EntryType]):
    """A dialog whose Enter dismisses with `entry()`, checked by its core command first; an
    InputError keeps it open with the sentence. `problem`: a sentence to show as it opens (why
    the entry it is filled in with was not saved)."""

    def __init__(self, log: SessionLog, problem: str | None = None) -> None:
        super().__init__()
        self.session_log = log
        self.problem = problem

    def entry(self) -> EntryType:  # pragma: no cover - every subclass reads its fields
        raise NotImplementedError

    def on_mount(self) -> None:
        self.show_error(self.problem or "")

    def action_save(self) -> None:
        log = self.session_log
        try:
            entry = self.entry()
            entry.command(log.state(), log.now())  # the same rules as the command line
        except InputError as error:
            self.show_error(str(error))
            return
        self.dismiss(entry)

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()


class NumberInput(Input):
    """An Input for a small number: it takes digits only, so letter keys stay free for the
    dialog's own bindings (Textual hands every printable key to a focused Input otherwise)."""

    def check_consume_key(self, key: str, character: str | None) -> bool:
        return character is not None and character in "0123456789"


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
            yield Label(Content(visible(self.prompt)), id="prompt")
            if self.detail:
                yield Static(Content(visible(self.detail)), id="detail")
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
class NoteDialog(EntryDialog[NoteEntry]):
    """A note keeps the moment the therapist started typing (when the dialog first opened).

    ctrl+s toggles private / shareable; ctrl+t cycles the kind. Private by default.
    """

    BINDINGS = [
        Binding("ctrl+s", "toggle_shareable", "Private / shareable", id="note.shareable", priority=True),
        Binding("ctrl+t", "next_kind", "Kind of note", id="note.kind", priority=True),
    ]

    def __init__(
        self,
        log: SessionLog,
        kind: str = "observation",
        shareable: bool = False,
        *,
        entry: NoteEntry | None = None,
        problem: str | None = None,
    ) -> None:
        super().__init__(log, problem)
        self.started_at = entry.started_at if entry else log.now()
        self.kind = entry.kind if entry else kind
        self.shareable = entry.shareable if entry else shareable
        self.typed = entry.text if entry else ""

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(
                Content.assemble(
                    f"started at {format_local(self.started_at, seconds=True)} ",
                    ("(the note keeps this time)", "$text-muted"),
                ),
                classes="help",
            )
            yield Input(self.typed, placeholder="what you notice, or the client's words", id="note-text")
            yield Static("", id="note-kind", classes="choice")
            yield Static("", id="note-visibility", classes="choice")
            yield Static("", id="error", classes="error")
            yield Static(
                f"[b]Enter[/b] saves · [b]ctrl+s[/b] private/shareable · [b]ctrl+t[/b] kind · {ESCAPE_HINT}",
                classes="hint",
            )

    def on_mount(self) -> None:
        self.query_one("#dialog").border_title = "Note"
        self._show_choices()

    def _show_choices(self) -> None:
        kinds = Content("  ").join(
            Content.styled(kind, "b reverse" if kind == self.kind else "$text-muted") for kind in NOTE_KINDS
        )
        self.query_one("#note-kind", Static).update(Content.assemble("kind: ", kinds))
        if self.shareable:
            words = Content.assemble(("SHARE ✓ shareable", "b $note-shareable"), ": may go in the client's summary")
        else:
            words = Content.assemble(("private", "b $note-private"), ": stays in the clinical record only")
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

    def entry(self) -> NoteEntry:
        return NoteEntry(self.query_one("#note-text", Input).value, self.started_at, self.kind, self.shareable)


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


class DoseDialog(EntryDialog[DoseEntry]):
    """mg (prefilled from the plan), the preset's route, devices for esketamine, booster for IM.

    The dose is timed when the dialog first opened (when `d` was pressed); `at` backdates it.
    """

    BINDINGS = [Binding("ctrl+b", "toggle_booster", "Booster", id="dose.booster", priority=True)]

    def __init__(self, log: SessionLog, *, entry: DoseEntry | None = None, problem: str | None = None) -> None:
        super().__init__(log, problem)
        self.opened_at = entry.opened_at if entry else log.now()
        state = log.state()
        self.state = state
        preset = state.preset
        self.per_device = preset.timers.mg_per_device if preset.route == "intranasal" else None
        self.has_booster = preset.timers.booster_window is not None
        self.booster = entry.booster if entry else self.has_booster and bool(state.doses)
        self.filled = entry

    def compose(self) -> ComposeResult:
        state = self.state
        preset = state.preset
        filled = self.filled
        with Vertical(id="dialog"):
            yield Static(
                Content.assemble(
                    "route: ",
                    (preset.route, "b"),
                    (f" ({preset.route_in_plain_words}, from the preset)", "$text-muted"),
                ),
                classes="help",
            )
            if self.per_device:
                with Horizontal(classes="field"):
                    yield Label("devices", classes="field-label")
                    yield NumberInput(
                        filled.devices or "1" if filled else "1", id="dose-devices", restrict=r"[0-9]*", max_length=1
                    )
                yield Static("", id="dose-mg-note", classes="help")
            else:
                planned = planned_mg(state)
                with Horizontal(classes="field"):
                    yield Label("mg", classes="field-label")
                    yield Input(
                        filled.mg if filled else f"{planned:g}" if planned else "", id="dose-mg", placeholder="mg"
                    )
                yield Static("", id="dose-mg-note", classes="help")
            # The infusion's minutes (IV) and the lot, one compact line (the dialog fits 80x24).
            with Horizontal(classes="field compact-row"):
                if preset.route == "intravenous":
                    yield Label("over", classes="field-label")
                    minutes = preset.dosing.infusion_minutes
                    yield NumberInput(
                        f"{minutes}" if minutes else "", id="dose-over", restrict=r"[0-9]*", max_length=3, compact=True
                    )
                    yield Label("min", classes="unit")
                yield Label("lot", classes="field-label")
                yield Input(id="dose-lot", placeholder="optional lot number", max_length=40, compact=True)
            if preset.dosing.sites:
                with Horizontal(classes="field"):
                    yield Label("site", classes="field-label")
                    yield Input(
                        filled.site or "" if filled else "",
                        id="dose-site",
                        placeholder="optional: " + ", ".join(preset.dosing.sites),
                    )
            with Horizontal(classes="field"):
                yield Label("at", classes="field-label")
                yield Input(
                    filled.at or "" if filled else "",
                    id="dose-at",
                    placeholder=f"optional, to backdate (now {format_local(self.opened_at)})",
                )
            if self.has_booster:
                yield Static("", id="dose-booster", classes="choice")
            yield Static("", id="error", classes="error")
            booster = " · [b]ctrl+b[/b] booster" if self.has_booster else ""
            yield Static(f"[b]Enter[/b] saves · [b]Tab[/b] next field{booster} · {ESCAPE_HINT}", classes="hint")

    def on_mount(self) -> None:
        self.query_one("#dialog").border_title = "Dose"
        self._show_booster()
        self._note()

    def _show_booster(self) -> None:
        window = self.state.preset.timers.booster_window
        if not self.has_booster or window is None:
            return
        mark = Content.styled("✓ booster", "b") if self.booster else Content.styled("not a booster", "$text-muted")
        self.query_one("#dose-booster", Static).update(
            Content.assemble(mark, (f" (window T+{window.start}-{window.end} min)", "$text-muted"))
        )

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
            note.update(
                Content.assemble(
                    (f"{count} × {self.per_device:g} mg = ", "$text-muted"),
                    (f"{count * self.per_device:g} mg", "b $text-muted"),
                    (f" · this is {first}", "$text-muted"),
                )
            )
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
        rate = (
            f" · an infusion over {over} min: {mg / int(over) * 60:.3g} mg/h"
            if over.isdigit() and int(over) > 0
            else ""
        )
        note.update(Content.styled(f"{mg:g} mg{per_kg}{plan}{rate}", "$text-muted"))

    def entry(self) -> DoseEntry:
        site = self.query_one("#dose-site", Input).value if self.query("#dose-site") else None
        return DoseEntry(
            opened_at=self.opened_at,
            mg="" if self.per_device else self.query_one("#dose-mg", Input).value,
            devices=self.query_one("#dose-devices", Input).value if self.per_device else None,
            booster=self.booster,
            site=site,
            at=self.query_one("#dose-at", Input).value.strip() or None,
            over=self.query_one("#dose-over", Input).value if self.query("#dose-over") else None,
            lot=self.query_one("#dose-lot", Input).value,
        )


# -- scale --------------------------------------------------------------------------------------
QUICK_SCALES = ("moaas", "dissociation", "nausea")
SCALE_KEYS = {"m": "moaas", "d": "dissociation", "n": "nausea"}


class ScaleDialog(EntryDialog[ScaleEntry]):
    """Choose with m / d / n (or ↑ ↓), type the number, Enter saves."""

    BINDINGS = [
        Binding("m", "choose('moaas')", "MOAA/S", id="scale.moaas", priority=True),
        Binding("d", "choose('dissociation')", "Dissociation", id="scale.dissociation", priority=True),
        Binding("n", "choose('nausea')", "Nausea", id="scale.nausea", priority=True),
        Binding("up", "move(-1)", "Previous scale", id="scale.up", priority=True),
        Binding("down", "move(1)", "Next scale", id="scale.down", priority=True),
    ]

    def __init__(
        self, log: SessionLog, scale: str = "moaas", *, entry: ScaleEntry | None = None, problem: str | None = None
    ) -> None:
        super().__init__(log, problem)
        self.scale = entry.scale if entry else scale
        self.typed = entry.value if entry else ""

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static("", id="scale-choices")
            with Horizontal(classes="field"):
                yield Label("value", classes="field-label")
                yield NumberInput(self.typed, id="scale-value", restrict=r"[0-9]*", max_length=2, placeholder="0-5")
            yield Static("", id="scale-anchors", classes="help")
            yield Static("", id="error", classes="error")
            yield Static(
                f"[b]m[/b] [b]d[/b] [b]n[/b] or [b]↑↓[/b] choose · type the number · "
                f"[b]Enter[/b] saves · {ESCAPE_HINT}",
                classes="hint",
            )

    def on_mount(self) -> None:
        self.query_one("#dialog").border_title = "Rate a scale"
        self._show()

    def _show(self) -> None:
        state = self.session_log.state()
        lines = []
        for key, name in SCALE_KEYS.items():
            spec = SCALES[name]
            latest = state.latest_scale(name)
            label = Content.assemble((key, "b"), f"  {spec.title:<13} {spec.low}-{spec.high:<3} ")
            if latest:
                label += Content.styled(f"latest {latest.value} at {format_local(latest.at)}", "$text-muted")
            lines.append(
                Content.assemble("▶ ", label).stylize("reverse")
                if name == self.scale
                else Content.assemble("  ", label)
            )
        self.query_one("#scale-choices", Static).update(Content("\n").join(lines))
        spec = SCALES[self.scale]
        value = self.query_one("#scale-value", Input)
        value.placeholder = f"{spec.low}-{spec.high}"
        anchors = " · ".join(f"{k} {v}" for k, v in sorted(spec.anchors.items(), reverse=True))
        self.query_one("#scale-anchors", Static).update(Content.styled(f"{spec.title}: {anchors}", "$text-muted"))

    def action_choose(self, scale: str) -> None:
        self.scale = scale
        self.clear_error()
        self._show()

    def action_move(self, step: int) -> None:
        index = QUICK_SCALES.index(self.scale)
        self.action_choose(QUICK_SCALES[(index + step) % len(QUICK_SCALES)])

    def entry(self) -> ScaleEntry:
        return ScaleEntry(self.scale, self.query_one("#scale-value", Input).value)


# -- intention ----------------------------------------------------------------------------------
class IntentionDialog(EntryDialog[IntentionEntry]):
    def __init__(self, log: SessionLog, *, entry: IntentionEntry | None = None, problem: str | None = None) -> None:
        super().__init__(log, problem)
        self.typed = entry.text if entry else log.state().intention or ""

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static("in the client's own words", classes="help")
            yield Input(self.typed, id="intention-text", placeholder="to be gentler with myself")
            yield Static("", id="error", classes="error")
            yield Static(f"[b]Enter[/b] saves · {ESCAPE_HINT}", classes="hint")

    def on_mount(self) -> None:
        self.query_one("#dialog").border_title = "Intention"

    def entry(self) -> IntentionEntry:
        return IntentionEntry(self.query_one("#intention-text", Input).value)


# -- early close reason -------------------------------------------------------------------------
class EarlyCloseDialog(Dialog["str | None"]):
    """Closing before the minimum observation time needs a reason, which is recorded. Dismisses
    with the reason (or None)."""

    def __init__(self, until: datetime, now: datetime) -> None:
        super().__init__()
        self.until = until
        self.now = now

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(
                Content.assemble(
                    "The minimum observation runs until ",
                    (format_local(self.until), "b"),
                    f" ({format_duration(self.until - self.now)} to go). Closing now needs a reason; it is "
                    "recorded with the session.",
                ),
                classes="help",
            )
            yield Input(id="reason", placeholder="e.g. client well and collected by partner; prescriber agreed")
            yield Static("", id="error", classes="error")
            yield Static(f"[b]Enter[/b] closes with this reason · {ESCAPE_HINT}", classes="hint")

    def on_mount(self) -> None:
        self.query_one("#dialog").border_title = "Close before the minimum observation"
        self.clear_error()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        reason = event.value.strip()
        if not reason:
            self.show_error(
                "a reason is needed to close before the minimum observation time: write a few words (Escape goes back)"
            )
            return
        self.dismiss(reason)


# -- discharge ----------------------------------------------------------------------------------
def aldrete_anchor_line(typed: str) -> Content:
    """What earns 2, 1 and 0 on the Aldrete item being scored (the next one after those typed)."""
    from kapsession.core.scales import ALDRETE_ANCHORS

    tokens = typed.replace(",", " ").replace("+", " ").split()
    if len(tokens) == 1 and len(tokens[0]) > 1:
        tokens = list(tokens[0])
    if len(tokens) >= len(ALDRETE_ITEMS):
        return Content("")
    item = ALDRETE_ITEMS[len(tokens)]
    anchors: list[Content | str | tuple[str, str]] = []
    for score, words in ALDRETE_ANCHORS[item].items():
        anchors += [" · "] if anchors else []
        anchors += [(str(score), "b"), f" {words}"]
    return Content.assemble((f"{item}:", "$text-muted"), " ", *anchors)


class DischargeDialog(Dialog["DischargeEntry | None"]):
    """The preset's discharge checklist, the modified Aldrete, and closing the session.

    Space (or the item's number) ticks an item; Enter saves the ticks and the Aldrete score;
    ctrl+e closes the session (asking first, and for a reason before the minimum observation).
    Dismisses with a `DischargeEntry` (what to record, the close included), or None.
    """

    BINDINGS = [
        Binding("enter", "save", "Save", id="discharge.save", priority=True),
        Binding("ctrl+e", "close_session", "Close the session", id="discharge.close", priority=True),
    ]

    def __init__(self, log: SessionLog, *, entry: DischargeEntry | None = None, problem: str | None = None) -> None:
        super().__init__()
        self.session_log = log
        self.items = list(log.preset.discharge_checklist)
        self.filled = entry
        self.problem = problem

    def compose(self) -> ComposeResult:
        state = self.session_log.state()
        filled = self.filled
        ticked = filled.ticked if filled else {item for item in self.items if state.discharge_ticked.get(item)}
        with Vertical(id="dialog", classes="wide"):
            yield Static("", id="readiness")
            yield SelectionList[str](
                *(Selection(f"{n}. {item}", item, item in ticked) for n, item in enumerate(self.items, start=1)),
                id="discharge-items",
                compact=True,
            )
            latest = state.latest_scale("aldrete")
            last = (
                Content.styled(f" (latest {latest.value} at {format_local(latest.at)})", "$text-muted")
                if latest
                else ""
            )
            yield Static(
                Content.assemble(
                    "Modified Aldrete",
                    last,
                    f": {', '.join(ALDRETE_ITEMS)}, 0-2 each (",
                    ("2 2 2 2 1", "b"),
                    ") or the total",
                ),
                classes="help",
            )
            with Horizontal(classes="field"):
                yield Label("Aldrete", classes="field-label")
                yield Input(
                    filled.aldrete if filled else "",
                    id="aldrete",
                    placeholder="2 2 2 2 2",
                    restrict=r"[0-9 ,+]*",
                    max_length=12,
                    compact=True,
                )
            yield Static("", id="aldrete-total", classes="help")
            yield Static(aldrete_anchor_line(""), id="aldrete-anchors", classes="help")
            yield Static("", id="error", classes="error")
            yield Static(
                f"[b]Space[/b] or [b]1-{len(self.items)}[/b] ticks · [b]Tab[/b] Aldrete · "
                f"[b]Enter[/b] saves · [b]ctrl+e[/b] closes the session · {ESCAPE_HINT}",
                classes="hint",
            )

    def on_mount(self) -> None:
        self.query_one("#dialog").border_title = "Discharge checklist"
        self.query_one("#discharge-items").focus()
        self.query_one("#aldrete-total").display = False
        self.show_error(self.problem or "")
        self._show_readiness()

    # what would be recorded
    def entry(self, close: bool = False, early_reason: str | None = None) -> DischargeEntry:
        return DischargeEntry(
            frozenset(self.query_one("#discharge-items", SelectionList).selected),
            self.query_one("#aldrete", Input).value,
            close,
            early_reason,
        )

    def _hypothetical(self, entry: DischargeEntry) -> SessionState:
        """The session as it would be with the ticks and score on screen (raises InputError for a
        bad score)."""
        state = self.session_log.state()
        return fold(list(state.events) + entry.changes(state, self.session_log.now()), state.preset, state.now)

    def _show_readiness(self) -> None:
        entry = self.entry()
        try:
            state = self._hypothetical(entry)
        except InputError:
            state = self._hypothetical(DischargeEntry(entry.ticked))
        if state.closed:
            text = Content.styled(f"This session was closed at {format_local(state.closed_at)}.", "b")  # type: ignore[arg-type]
        elif state.discharge.ready:
            text = Content.assemble(("✓ READY for discharge", "b $phase-recovery"), ": every item is done")
        else:
            # The unticked items are in view below; name only what is not on the list.
            unticked = [item for item in state.discharge.missing if item in self.items]
            others = [item for item in state.discharge.missing if item not in self.items]
            parts = [f"{len(unticked)} item{'s' if len(unticked) != 1 else ''} to tick"] if unticked else []
            parts += others
            text = Content.assemble(
                ("✗ NOT READY", "b $alert-warning"), " ", ("still missing:", "$text-muted"), " ", "; ".join(parts)
            )
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
                total.update(Content.assemble("total ", (str(value), "b"), f"/10 {word}"))
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

    def _checked(self, entry: DischargeEntry) -> bool:
        """True when the entry's core commands take it; else the sentence is shown."""
        log = self.session_log
        try:
            entry.command(log.state(), log.now())
        except InputError as error:
            self.show_error(str(error))
            if not entry.close:
                self.query_one("#aldrete", Input).focus()
            return False
        return True

    def action_save(self) -> None:
        entry = self.entry()
        if self._checked(entry):
            self.dismiss(entry)

    def action_close_session(self) -> None:
        entry = self.entry()
        log = self.session_log
        try:
            entry.changes(log.state(), log.now())
        except InputError as error:
            self.show_error(str(error))
            self.query_one("#aldrete", Input).focus()
            return
        state, now = log.state(), log.now()
        if state.closed:
            self.show_error(f"this session was already closed at {format_local(state.closed_at)}")  # type: ignore[arg-type]
            return
        until = state.observation_until
        early = until is not None and now < until
        sedation = self._hypothetical(entry)
        from kapsession.core.state import SEDATION_CRITERION, sedation_short

        unmet = sedation_short(sedation) if SEDATION_CRITERION not in sedation.waived else None
        if unmet is not None:
            # The client not back at MOAA/S 5 since the last dose: a reason, recorded with the close.
            from kapsession.tui.screens.clinical_dialogs import CloseReasonDialog

            why = [f"discharge needs {unmet}"]
            if early:
                why.append(f"the minimum observation runs until {format_local(until)}")  # type: ignore[arg-type]
            self.app.push_screen(CloseReasonDialog(why), callback=self._close_early)
            return
        if early:
            self.app.push_screen(EarlyCloseDialog(until, now), callback=self._close_early)  # type: ignore[arg-type]
            return
        missing = self._hypothetical(entry).discharge.missing
        detail = ("Still missing: " + "; ".join(missing) + ".") if missing else "Every discharge item is done."
        self.app.push_screen(
            ConfirmDialog(
                "Close the session now?", detail + " Nothing more can be recorded after closing.", yes="Close"
            ),
            callback=lambda yes: self._finish_close(None) if yes else None,
        )

    def _close_early(self, reason: str | None) -> None:
        if reason:  # (None: the reason dialog was left with Escape: back to the checklist)
            self._finish_close(reason)

    def _finish_close(self, reason: str | None) -> None:
        entry = self.entry(close=True, early_reason=reason)
        if self._checked(entry):
            self.dismiss(entry)
