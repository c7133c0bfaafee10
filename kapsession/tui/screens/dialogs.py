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

import asyncio
import contextlib
import dataclasses
from typing import Generic, TypeVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.events import Click, Key
from textual.screen import ModalScreen
from textual.timer import Timer
from textual.widgets import Button, Input, Label, SelectionList, Static, TextArea
from textual.widgets.selection_list import Selection

from kapsession.core.errors import InputError
from kapsession.core.events import NOTE_KINDS
from kapsession.core.scales import ALDRETE_ITEMS, SCALES, parse_aldrete
from kapsession.core.state import SessionState, fold
from kapsession.core.text_rule import visible
from kapsession.core.timeparse import format_local
from kapsession.store.session_log import SessionLog
from kapsession.tui.dialog_entries import (
    CloseChoice,
    DischargeEntry,
    DoseEntry,
    Entry,
    IntentionEntry,
    NoteEntry,
    ScaleEntry,
)
from kapsession.tui.widgets.tick_list import TickList

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
    the entry it is filled in with was not saved).

    Enter is the dialog's own priority binding (`action_save_typed`), not a field's Submitted
    message: a message is handled after the keys already waiting, which the app would hand to
    this dialog, still on top (a fast `v` after Enter was typed into the note it saved). The
    binding runs as the app takes the Enter, so the dialog is gone before the next key is handed
    on; it first lets the field take the keys typed before the Enter."""

    BINDINGS = [Binding("enter", "save_typed", "Save", id="entry.save", show=False, priority=True)]

    def __init__(self, log: SessionLog, problem: str | None = None) -> None:
        super().__init__()
        self.session_log = log
        self.problem = problem

    def entry(self) -> EntryType:  # pragma: no cover - every subclass reads its fields
        raise NotImplementedError

    def on_mount(self) -> None:
        self.show_error(self.problem or "")

    async def action_save_typed(self) -> None:
        """Enter: the keys typed before it reach the focused field (they wait in its queue), then
        `action_save`, while the app holds the keys typed after it."""
        field = self.focused
        if field is not None:
            taken = asyncio.Event()
            if field.call_later(taken.set):
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(taken.wait(), timeout=1.0)
        self.action_save()

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

    The note is a soft-wrapped editor showing all of it; Enter saves, ctrl+j starts a new line.
    ctrl+s toggles private / shareable; ctrl+t cycles the kind. Private by default.

    What is typed is kept as a draft in the store (a second after typing pauses, and on leaving
    it as a draft), so a crash or a stray Escape never loses the client's words: Escape on a
    note with words in it asks whether to keep it as a draft or discard it, and the next note
    opened on this session starts from the draft.
    """

    BINDINGS = [
        Binding("enter", "save_typed", "Save", id="note.save", priority=True),
        Binding("ctrl+j,shift+enter", "new_line", "New line", id="note.new_line", priority=True),
        Binding("ctrl+s", "toggle_shareable", "Private / shareable", id="note.shareable", priority=True),
        Binding("ctrl+t", "next_kind", "Kind of note", id="note.kind", priority=True),
    ]
    DRAFT_AFTER = 1.0  # seconds of no typing before the draft is kept

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
        self.author = log.clinician or ""
        draft = None if entry is not None else log.store.note_draft(log.session_id, self.author)
        self.restored = draft
        if draft is not None:
            entry = NoteEntry(draft.text, draft.started_at, draft.kind, draft.shareable)
        self.started_at = entry.started_at if entry else log.now()
        self.kind = entry.kind if entry else kind
        self.shareable = entry.shareable if entry else shareable
        self.typed = entry.text if entry else ""
        self._draft_timer: Timer | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(
                Content.assemble(
                    f"started at {format_local(self.started_at, seconds=True)} ",
                    ("(the note keeps this time)", "$text-muted"),
                ),
                classes="help",
            )
            yield TextArea(
                self.typed,
                soft_wrap=True,
                placeholder="what you notice, or the client's words",
                id="note-text",
                compact=True,
                highlight_cursor_line=False,
            )
            yield Static("", id="note-kind", classes="choice")
            yield Static("", id="note-visibility", classes="choice")
            yield Static("", id="error", classes="error")
            yield Static(
                "[b]Enter[/b] saves · [b]ctrl+j[/b] new line · [b]ctrl+s[/b] private/shareable · "
                "[b]ctrl+t[/b] kind · [b]Escape[/b] keep as a draft or discard",
                classes="hint",
            )

    def on_mount(self) -> None:
        self.query_one("#dialog").border_title = "Note"
        self._show_choices()
        if self.restored is not None and not self.problem:
            self.show_error(
                f"Your draft from {format_local(self.restored.saved_at)} is back; Enter saves it.", soft=True
            )
        area = self.query_one("#note-text", TextArea)
        area.move_cursor(area.document.end)

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
        self._draft_soon()

    def action_next_kind(self) -> None:
        index = NOTE_KINDS.index(self.kind)
        self.kind = NOTE_KINDS[(index + 1) % len(NOTE_KINDS)]
        self._show_choices()
        self._draft_soon()

    def action_new_line(self) -> None:
        self.query_one("#note-text", TextArea).insert("\n")

    @on(Click, "#note-visibility")
    def _click_visibility(self) -> None:
        self.action_toggle_shareable()

    @on(Click, "#note-kind")
    def _click_kind(self) -> None:
        self.action_next_kind()

    @on(TextArea.Changed, "#note-text")
    def _typed(self) -> None:
        self._draft_soon()

    def _draft_soon(self) -> None:
        if self._draft_timer is not None:
            self._draft_timer.stop()
        self._draft_timer = self.set_timer(self.DRAFT_AFTER, self.keep_draft)

    def keep_draft(self) -> None:
        """Keep what is typed as this clinician's draft (or drop the draft when nothing is)."""
        self._draft_timer = None
        log = self.session_log
        text = self.query_one("#note-text", TextArea).text
        if text.strip():
            log.store.keep_note_draft(log.session_id, self.author, text, self.started_at, self.kind, self.shareable)
        else:
            log.store.drop_note_draft(log.session_id, self.author)

    def action_cancel(self) -> None:
        if not self.query_one("#note-text", TextArea).text.strip():
            self._stop_drafting()
            self.session_log.store.drop_note_draft(self.session_log.session_id, self.author)
            self.dismiss(None)
            return

        def chosen(choice: str | None) -> None:
            if choice is None:
                self.query_one("#note-text", TextArea).focus()
                return
            self._stop_drafting()
            if choice == "keep":
                self.keep_draft()
            else:
                self.session_log.store.drop_note_draft(self.session_log.session_id, self.author)
            self.dismiss(None)

        self.app.push_screen(DraftChoiceDialog(), chosen)

    def _stop_drafting(self) -> None:
        if self._draft_timer is not None:
            self._draft_timer.stop()
            self._draft_timer = None

    def action_save(self) -> None:
        self._stop_drafting()
        self.keep_draft()  # until the store has the note itself; dropped once it is saved
        super().action_save()

    def entry(self) -> NoteEntry:
        return NoteEntry(self.query_one("#note-text", TextArea).text, self.started_at, self.kind, self.shareable)


class DraftChoiceDialog(Dialog["str | None"]):
    """Escape on a note with words in it: keep it as a draft (Enter, the default: nothing is
    lost), discard it, or go back to it."""

    BINDINGS = [
        Binding("k,enter", "keep", "Keep as a draft", id="draft.keep", priority=True),
        Binding("d", "discard", "Discard", id="draft.discard", priority=True),
        Binding("escape,b", "back", "Back to the note", id="draft.back", priority=True),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="confirm"):
            yield Label("Keep this note as a draft?", id="prompt")
            yield Static(
                Content.styled(
                    "A draft is not in the record. It comes back the next time you open a note here.",
                    "$text-muted",
                ),
                id="detail",
            )
            with Horizontal(id="buttons"):
                yield Button("Keep draft (Enter / k)", id="keep", variant="primary")
                yield Button("Discard (d)", id="discard")
                yield Button("Back (Escape)", id="back")

    def on_mount(self) -> None:
        self.query_one("#dialog").border_title = "Leave the note"

    def action_keep(self) -> None:
        self.dismiss("keep")

    def action_discard(self) -> None:
        self.dismiss("discard")

    def action_back(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        {"keep": self.action_keep, "discard": self.action_discard, "back": self.action_back}[
            event.button.id or "back"
        ]()


# -- dose ---------------------------------------------------------------------------------------
def planned_mg(state: SessionState) -> float | None:
    from kapsession.core.commands import planned_dose_mg

    return planned_dose_mg(state)


class DoseDialog(EntryDialog[DoseEntry]):
    """mg (the first dose prefilled from the plan), the preset's route, devices for esketamine.

    After the first dose it says what was given and when, is not prefilled, and takes a further
    dose only as a booster (ctrl+b, routes with a booster window) or a repeat (ctrl+r), chosen.
    A dose far from the plan (under half of it, or over it) is given on a second Enter.
    The dose is timed when the dialog first opened (when `d` was pressed); `at` backdates it.
    """

    BINDINGS = [
        Binding("ctrl+b", "toggle_booster", "Booster", id="dose.booster", priority=True),
        Binding("ctrl+r", "toggle_repeat", "Repeat", id="dose.repeat", priority=True),
    ]

    def __init__(self, log: SessionLog, *, entry: DoseEntry | None = None, problem: str | None = None) -> None:
        super().__init__(log, problem)
        self.opened_at = entry.opened_at if entry else log.now()
        state = log.state()
        self.state = state
        preset = state.preset
        self.per_device = preset.timers.mg_per_device if preset.route == "intranasal" else None
        self.has_booster = preset.timers.booster_window is not None
        from kapsession.core.commands import further_dose_needs_a_choice

        self.further = further_dose_needs_a_choice(state, preset.route)
        self.booster = entry.booster if entry else False
        self.repeat = entry.repeat if entry else False
        # The mg a far-from-plan warning was shown for (a confirmed entry reopened stays confirmed).
        self.warned_for: str | None = entry.mg if entry and entry.confirmed else None
        self.filled = entry

    def compose(self) -> ComposeResult:
        state = self.state
        preset = state.preset
        filled = self.filled
        with Vertical(id="dialog"):
            if state.doses:
                from kapsession.core.commands import doses_given

                yield Static(
                    Content.assemble(("given: ", "b"), (doses_given(state), "b"), f" ({state.total_dose_mg:g} mg)"),
                    id="dose-given",
                )
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
                    # Only the first dose is filled in from the plan: a further one is typed.
                    first = f"{planned:g}" if planned and not state.doses else ""
                    yield Input(filled.mg if filled else first, id="dose-mg", placeholder="mg")
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
            if self.has_booster or self.further:
                yield Static("", id="dose-booster", classes="choice")
            yield Static("", id="error", classes="error")
            booster = " · [b]ctrl+b[/b] booster" if self.has_booster else ""
            repeat = " · [b]ctrl+r[/b] repeat" if self.further else ""
            yield Static(f"[b]Enter[/b] saves · [b]Tab[/b] next field{booster}{repeat} · {ESCAPE_HINT}", classes="hint")

    def on_mount(self) -> None:
        self.query_one("#dialog").border_title = "Dose"
        self._show_booster()
        self._note()

    def _show_booster(self) -> None:
        if not (self.has_booster or self.further):
            return
        window = self.state.preset.timers.booster_window
        span = (f" (window T+{window.start}-{window.end} min)", "$text-muted") if window else ""
        if self.booster:
            mark = Content.assemble(("✓ booster", "b"), span)
        elif self.repeat:
            mark = Content.styled("✓ repeat: given again on purpose", "b")
        elif self.further:
            booster = "ctrl+b booster or " if self.has_booster else ""
            mark = Content.assemble(("✗ a further dose: ", "b $alert-warning"), f"choose {booster}ctrl+r repeat", span)
        else:
            mark = Content.assemble(("not a booster", "$text-muted"), span)
        self.query_one("#dose-booster", Static).update(mark)

    def action_toggle_booster(self) -> None:
        if self.has_booster:
            self.booster = not self.booster
            self.repeat = self.repeat and not self.booster
            self._show_booster()

    def action_toggle_repeat(self) -> None:
        if self.further:
            self.repeat = not self.repeat
            self.booster = self.booster and not self.repeat
            self._show_booster()

    def action_save(self) -> None:
        """A dose far from the plan is given on a second Enter with the same amount."""
        from kapsession.core.commands import FarFromPlan

        log = self.session_log
        entry = self.entry()
        try:
            entry.command(log.state(), log.now())
        except FarFromPlan as far:
            if self.warned_for != entry.mg:
                self.warned_for = entry.mg
                self.show_error(f"{far}: Enter again gives it, or change the amount")
                return
            entry = dataclasses.replace(entry, confirmed=True)
        except InputError:
            pass  # the shared check below says it
        else:
            self.dismiss(entry)
            return
        try:
            entry.command(log.state(), log.now())
        except InputError as error:
            self.show_error(str(error))
            return
        self.dismiss(entry)

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
            repeat=self.repeat,
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


# -- close --------------------------------------------------------------------------------------
class CloseDialog(Dialog["CloseChoice | None"]):
    """The close, with everything still open named: the alarms not acknowledged and the discharge
    criteria not met (core/closing.py). With anything open its default (Enter, the focused button)
    is to go back; closing past it needs `a` (every alarm acknowledged, recorded with the close)
    and a reason for each criterion, then ctrl+e. Dismisses with a `CloseChoice`, or None."""

    BINDINGS = [
        Binding("ctrl+e", "close_session", "Close the session", id="close.close", priority=True),
        Binding("a", "acknowledge", "Acknowledge the alarms", id="close.acknowledge"),
        Binding("ctrl+r", "same_reason", "The same reason for each", id="close.same-reason", priority=True),
    ]

    def __init__(self, state: SessionState) -> None:
        super().__init__()
        from kapsession.core.closing import unacknowledged_alarms, unmet_criteria

        self.alarms = unacknowledged_alarms(state)
        self.criteria = unmet_criteria(state)
        self.acknowledged = False

    @property
    def anything_open(self) -> bool:
        return bool(self.alarms or self.criteria)

    def compose(self) -> ComposeResult:
        from kapsession.core.closing import AFTER_CLOSE

        with Vertical(id="dialog", classes="wide"):
            if not self.anything_open:
                yield Static(
                    Content.assemble(("✓ Nothing is open:", "b"), " every discharge criterion is met, no alarm waits."),
                    classes="help",
                )
            if self.alarms:
                yield Static("", id="close-alarms")
            if self.criteria:
                yield Static(
                    Content.assemble(
                        (
                            f"✗ {len(self.criteria)} discharge criteri{'a' if len(self.criteria) != 1 else 'on'} not met",
                            "b",
                        ),
                        ": a reason for each, recorded with the close",
                    ),
                    classes="help",
                )
                with VerticalScroll(id="close-criteria"):
                    for number, criterion in enumerate(self.criteria):
                        with Horizontal(classes="field"):
                            yield Label(Content(visible(criterion.words)), classes="criterion")
                            yield Input(id=f"reason-{number}", placeholder="the reason", max_length=500, compact=True)
            yield Static(AFTER_CLOSE, classes="help")
            yield Static("", id="error", classes="error")
            with Horizontal(id="buttons"):
                if self.anything_open:
                    yield Button("Go back (Enter)", id="back", variant="primary")
                    yield Button("Close anyway (ctrl+e)", id="close", variant="error")
                else:
                    yield Button("Close the session (Enter)", id="close", variant="primary")
                    yield Button("Go back (Escape)", id="back")
            keys = []
            if self.alarms:
                keys.append("[b]a[/b] acknowledges")
            if self.criteria:
                keys.append("[b]Tab[/b] reasons · [b]ctrl+r[/b] one reason for all")
            yield Static(" · ".join([*keys, "[b]Escape[/b] goes back"]), classes="hint")

    def on_mount(self) -> None:
        self.query_one("#dialog").border_title = "Close the session?"
        self.clear_error()
        self._show_alarms()
        self.query_one("#back" if self.anything_open else "#close", Button).focus()

    def _show_alarms(self) -> None:
        if not self.alarms:
            return
        count = len(self.alarms)
        head = (
            Content.assemble(
                ("✓ ", "b"), f"{count} alarm{'s' if count != 1 else ''} to be acknowledged with the close:"
            )
            if self.acknowledged
            else Content.assemble(
                (f"✗ {count} alarm{'s' if count != 1 else ''} not acknowledged", "b $alert-alarm"),
                " (a acknowledges them):",
            )
        )
        lines = [
            Content.assemble(
                (f"  {alert.word:<6}", f"b $alert-{alert.level}"),
                " ",
                visible(alert.message, line_breaks=False),
                (f" ({format_local(alert.raised_at)})", "$text-muted"),
            )
            for alert in self.alarms
        ]
        self.query_one("#close-alarms", Static).update(Content("\n").join([head, *lines]))

    def action_acknowledge(self) -> None:
        if self.alarms:
            self.acknowledged = True
            self._show_alarms()
            self.clear_error()
            reasons = self._reasons()
            if reasons:  # what closing needs next
                reasons[0].focus()

    def _reasons(self) -> list[Input]:
        return [self.query_one(f"#reason-{number}", Input) for number in range(len(self.criteria))]

    def action_same_reason(self) -> None:
        """The reason being typed (or the first one given) for every criterion still without one."""
        reasons = self._reasons()
        focused = self.focused
        typed = focused.value.strip() if isinstance(focused, Input) and focused in reasons else ""
        typed = typed or next((field.value.strip() for field in reasons if field.value.strip()), "")
        if not typed:
            self.show_error("type a reason first; ctrl+r then gives it to every criterion without one")
            return
        for field in reasons:
            if not field.value.strip():
                field.value = typed

    def action_close_session(self) -> None:
        from kapsession.tui.dialog_entries import CloseChoice

        if self.alarms and not self.acknowledged:
            self.show_error("each alarm needs acknowledging before the close: a acknowledges them (recorded)")
            return
        reasons = self._reasons()
        missing = next((n for n, field in enumerate(reasons) if not field.value.strip()), None)
        if missing is not None:
            self.show_error(f"a reason is needed for: {self.criteria[missing].words}")
            reasons[missing].focus()
            return
        self.dismiss(
            CloseChoice(
                tuple(alert.key for alert in self.alarms),
                tuple((c.key, field.value.strip()) for c, field in zip(self.criteria, reasons, strict=True)),
            )
        )

    @on(Input.Submitted)
    def _next_field(self, event: Input.Submitted) -> None:
        # Enter in a reason moves on, never closes: the last one leads back to "Go back".
        event.stop()
        reasons = self._reasons()
        index = reasons.index(event.input) if event.input in reasons else len(reasons)
        (reasons[index + 1] if index + 1 < len(reasons) else self.query_one("#back", Button)).focus()

    @on(Button.Pressed, "#back")
    def _back(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#close")
    def _close(self) -> None:
        self.action_close_session()


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
    ctrl+e opens the close dialog (what is still open, named; going back is its default).
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
            yield TickList[str](  # ✓ and ·, not colour alone
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
    def entry(self, close: bool = False) -> DischargeEntry:
        return DischargeEntry(
            frozenset(self.query_one("#discharge-items", SelectionList).selected),
            self.query_one("#aldrete", Input).value,
            close,
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
        if isinstance(focused, TickList) and focused.tick_numbered(event.character):
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
        state = log.state()
        if state.closed:
            self.show_error(f"this session was already closed at {format_local(state.closed_at)}")  # type: ignore[arg-type]
            return
        from kapsession.core.closing import nothing_to_close_past

        after = self._hypothetical(entry)
        blocked = nothing_to_close_past(after)  # an infusion running, a safety check waiting
        if blocked is not None:
            self.show_error(blocked)
            return
        self.app.push_screen(CloseDialog(after), callback=self._close_dialog_left)

    def _close_dialog_left(self, choice: CloseChoice | None) -> None:
        if choice is not None:  # (None: back to the checklist)
            self._finish_close(choice)

    def _finish_close(self, choice: CloseChoice) -> None:
        entry = dataclasses.replace(self.entry(close=True), reasons=choice.reasons, acknowledge=choice.acknowledge)
        if self._checked(entry):
            self.dismiss(entry)
