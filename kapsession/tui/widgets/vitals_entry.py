"""The vitals line: `v` puts one line to type a reading in at the foot of the live screen, in the
key bar's place, with what Enter would save shown under it.

    Vitals ▸ 141/91 77 97 @10:42▏                                    Enter saves · Esc leaves
    ✓ 141/91 HR 77 SpO2 97% at 10:42  diastolic ▲ HIGH

It takes what the command line takes, checked by the same core parser (`commands.record_vitals`):
`128/84 76 98` (BP HR SpO2 [RR] [temp]), or by name `128/84 hr 76 spo2 98 rr 14 temp 36.8`, and
`@10:42` at the end backdates (`@-5m`, `@10.42pm`, `@'5 min ago'`). As it is typed the second
line says what would be saved, at what time, and any value past the preset's thresholds, or, in
muted words, why it cannot be saved yet. Enter saves through the screen's recorder (durable
first, then shown), closes the line and clears it; a refused line stays open with the reason in
bold, to be fixed in place. Escape closes it and records nothing. The keys come back when it
closes. The field is Textual's own `Input`.

Why a line and not a dialog: a pushed ModalScreen restyles and repaints the whole screen on the
way in and again on the way out (see docs/performance.md, the vitals key).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.events import Paste
from textual.widget import Widget
from textual.widgets import Input, Label

from kapsession.core import commands
from kapsession.core.errors import InputError
from kapsession.core.events import VitalsRecorded
from kapsession.core.state import SessionState
from kapsession.core.timeparse import format_local
from kapsession.store.session_log import SessionLog
from kapsession.tui.widgets.live_text import LiveText

if TYPE_CHECKING:
    from kapsession.tui.recorder import Recorder

MUTED = "$text-muted"
REFUSED = "b $alert-warning"
PROMPT = Content.styled("Vitals ▸", "b")
KEYS = Content.assemble(("Enter", f"b {MUTED}"), (" saves · ", MUTED), ("Esc", f"b {MUTED}"), (" leaves", MUTED))
PLACEHOLDER = "128/84 76 98"
HINT = Content.assemble(("BP HR SpO2 [RR] [temp], or by name: ", MUTED), ("128/84 hr 76 spo2 98 rr 14", f"b {MUTED}"),
                        ("; ", MUTED), ("@10:42", f"b {MUTED}"), (" at the end backdates", MUTED))
SHORT_HINT = Content.assemble(("BP HR SpO2 [RR] [temp] · by name: ", MUTED), ("128/84 hr 76 spo2 98", f"b {MUTED}"),
                              (" · ", MUTED), ("@10:42", f"b {MUTED}"), (" backdates", MUTED))


def preview_line(state: SessionState, event: VitalsRecorded) -> Content:
    """`✓ 141/91 HR 77 SpO2 97% at 15:20  diastolic ▲ HIGH`: what Enter would save."""
    from kapsession.core.vitals import MEASURES
    from kapsession.tui.widgets.vitals_panel import flag

    words = []
    for measure, value in event.reading.measures().items():
        word = flag(state, measure, value, event.at)
        if word:
            label = MEASURES[measure].label if measure in MEASURES else measure.replace("_", " ")
            words.append(f"{label} {word}")
    line = Content.assemble("✓ ", (event.reading.describe(), "b"), f" at {format_local(event.at)}")
    if words:
        line = Content.assemble(line, "  ", (", ".join(words), "b $vital-out-of-range"))
    return line


class ReadingInput(Input):
    """The field. A reading pasted from a monitor may come on several lines: they are one line
    here (Textual's Input keeps only the first)."""

    def on_paste(self, event: Paste) -> None:
        event.prevent_default()  # (not Input's own paste)
        event.stop()
        self.insert_text_at_cursor(" ".join(event.text.split()))


class VitalsLine(Vertical):
    """`open()` shows and focuses the line; Enter saves through `recorder`; Escape or `close()`
    closes and clears it. Hidden (display: none) while closed."""

    BINDINGS = [
        Binding("escape", "leave", "Leave without saving", id="vitals.leave", show=False),
        # Nothing else to move to: Tab never takes the typing out of the line by accident.
        Binding("tab,shift+tab", "stay", show=False, id="vitals.stay"),
    ]

    def __init__(self, log: SessionLog, recorder: Recorder, **kwargs) -> None:
        super().__init__(**kwargs)
        self.session_log = log
        self.recorder = recorder
        self.message: Content | None = None  # None: the hint
        self.error = False  # the message is a refusal after Enter (bold) rather than advice
        self.saved: VitalsRecorded | None = None  # the last reading saved from this line
        self._folded: tuple[tuple[int, int], SessionState] | None = None  # see _state
        self._instead_of: Widget | None = None  # what the line stands in for while open (the keys)

    def compose(self) -> ComposeResult:
        with Horizontal(id="vitals-row"):
            yield Label(PROMPT, id="vitals-prompt")
            yield ReadingInput(placeholder=PLACEHOLDER, compact=True, select_on_focus=False, id="vitals-input")
            yield LiveText(id="vitals-inline")  # the message, on the same line when there is room
            yield Label(KEYS, id="vitals-keys")
        yield LiveText(id="vitals-message")

    def on_mount(self) -> None:
        self._show_message()

    # -- what is typed ----------------------------------------------------------------------
    @property
    def field(self) -> ReadingInput:
        return self.query_one(ReadingInput)

    @property
    def text(self) -> str:
        return self.field.value

    @property
    def is_open(self) -> bool:
        return self.display

    @property
    def plain(self) -> str:
        """The line as it reads on screen: the prompt, what is typed, the message and the keys."""
        one_row = self.has_class("-one-row")
        message = self.query_one("#vitals-inline" if one_row else "#vitals-message", LiveText).plain
        row = f"{PROMPT.plain} {self.text or PLACEHOLDER}  {message + '  ' if one_row else ''}{KEYS.plain}"
        return row if one_row else f"{row}\n{message}"

    # -- open / close -------------------------------------------------------------------------
    def open(self, instead_of: Widget | None = None, one_row: bool = False) -> None:
        """Shown (and focused) in place of `instead_of` (the key bar), which comes back when the
        line closes. `one_row`: the keys took one line, so the message goes on the line itself
        and the foot of the screen keeps its height."""
        if self.has_class("-one-row") != one_row:
            self.set_class(one_row, "-one-row")
            self._show_message()
        self._instead_of = instead_of
        if instead_of is not None:
            instead_of.display = False
        self.display = True
        self.field.focus()

    def close(self) -> None:
        """Closed and cleared (the next `v` starts an empty line); what it stood in for is back."""
        self.display = False
        if self._instead_of is not None:
            self._instead_of.display = True
        self.field.value = ""
        self.message, self.error = None, False
        self._show_message()

    def action_leave(self) -> None:
        self.close()

    def action_stay(self) -> None:
        pass

    # -- as it is typed -----------------------------------------------------------------------
    def _state(self) -> SessionState:
        """The session's state for checking and previewing a reading. What that needs (closed
        or not, when it was created, the first dose, the thresholds) is what the events say, not
        the time: the fold is done again when the events change, not on every key."""
        key = self.session_log.events_key
        if self._folded is None or self._folded[0] != key:
            self._folded = (key, self.session_log.state())
        return self._folded[1]

    def _build(self, text: str) -> VitalsRecorded:
        return commands.record_vitals(self._state(), text, self.session_log.now())

    def on_input_changed(self, event: Input.Changed) -> None:
        """The message while typing: what Enter would save, or (muted) why it cannot yet."""
        event.stop()
        self.error = False
        text = event.value
        if not text.strip():
            self.message = None
        else:
            try:
                self.message = preview_line(self._state(), self._build(text))
            except InputError as error:
                self.message = Content.styled(str(error), MUTED)
        self._show_message()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.save()

    def save(self) -> VitalsRecorded | None:
        """Enter: checked by the core parser, made durable and shown by the recorder, and the
        line closes; a refused line stays open with the reason, what was typed kept."""
        text = self.text
        try:
            self._build(text)
        except InputError as error:
            self._refuse(str(error))
            return None
        outcome = self.recorder.record(lambda state, now: commands.record_vitals(state, text, now),
                                       tell_problem=False)
        if outcome.problem is not None:
            self._refuse(outcome.problem)
            return None
        self.saved = outcome.events[0]  # type: ignore[assignment]
        self.close()
        return self.saved

    def _refuse(self, sentence: str) -> None:
        self.message, self.error = Content.styled(sentence, REFUSED), True
        self._show_message()

    def _show_message(self) -> None:
        """The message (the hint when there is none) under the field, or beside it on one row."""
        message = self.message
        shown_in = "#vitals-inline" if self.has_class("-one-row") else "#vitals-message"
        self.query_one(shown_in, LiveText).show_for_width(
            lambda width: message if message is not None else HINT if HINT.cell_length <= width else SHORT_HINT)
