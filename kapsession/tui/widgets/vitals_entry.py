"""The vitals line: `v` turns the key bar at the foot of the live screen into one line to type a
reading in, with what Enter would save shown under it.

    Vitals ▸ 141/91 77 97 @10:42▏                                    Enter saves · Esc leaves
    ✓ 141/91 HR 77 SpO2 97% at 10:42  diastolic ▲ HIGH

It takes what the old vitals dialog took, checked by the same core parser (`commands.record_vitals`):
`128/84 76 98` (BP HR SpO2 [RR] [temp]), or by name `128/84 hr 76 spo2 98 rr 14 temp 36.8`, and
`@10:42` at the end backdates (`@-5m`, `@10.42pm`, `@'5 min ago'`). As it is typed the second
line says what would be saved, at what time, and any value past the preset's thresholds, or, in
muted words, why it cannot be saved yet. Enter saves through the screen's recorder (durable
first, then shown), closes the line and clears it; a refused line stays open with the reason in
bold, to be fixed in place. Escape closes it and records nothing. The keys come back when it
closes.

Why not a dialog or Textual's Input: a pushed ModalScreen restyles and repaints the whole screen
on the way in and again on the way out; an Input lays the whole screen out again on every key
typed (its value sets its virtual size), and showing it in the key bar's place is a layout too.
Both were measured (the commit that tried Input has the figures; the dialog's cost is beside the
vitals key in docs/performance.md). Here `v`, each key typed and Enter repaint the key bar's lines and nothing else, so the
line is edited here (`LineEditor`: the usual keys of a one-line field), not by Textual.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.content import Content

from kapsession.core import commands
from kapsession.core.errors import InputError
from kapsession.core.events import VitalsRecorded
from kapsession.core.state import SessionState
from kapsession.core.text_rule import visible
from kapsession.core.timeparse import format_local
from kapsession.store.session_log import SessionLog

if TYPE_CHECKING:
    from kapsession.tui.recorder import Recorder

MUTED = "$text-muted"
REFUSED = "b $alert-warning"
PROMPT = Content.assemble(("Vitals ▸", "b"), " ")
KEYS = Content.assemble(("Enter", f"b {MUTED}"), (" saves · ", MUTED), ("Esc", f"b {MUTED}"), (" leaves", MUTED))
SHORT_KEYS = Content.assemble(("Enter", f"b {MUTED}"), (" saves · ", MUTED))
FIELD = "on $background"
CURSOR = "reverse"
PLACEHOLDER = "128/84 76 98"
HINT = Content.assemble(
    ("BP HR SpO2 [RR] [temp], or by name: ", MUTED),
    ("128/84 hr 76 spo2 98 rr 14", f"b {MUTED}"),
    ("; ", MUTED),
    ("@10:42", f"b {MUTED}"),
    (" at the end backdates", MUTED),
)
SHORT_HINT = Content.assemble(
    ("BP HR SpO2 [RR] [temp] · by name: ", MUTED),
    ("128/84 hr 76 spo2 98", f"b {MUTED}"),
    (" · ", MUTED),
    ("@10:42", f"b {MUTED}"),
    (" backdates", MUTED),
)


class LineEditor:
    """A one-line text field: the text and the cursor (an index into it). (A plain class: it is
    built when the live screen is imported, on the way to the first paint.)"""

    __slots__ = ("text", "cursor")

    def __init__(self, text: str = "", cursor: int = 0) -> None:
        self.text = text
        self.cursor = cursor

    def clear(self) -> None:
        self.text, self.cursor = "", 0

    def insert(self, text: str) -> None:
        text = "".join(ch for ch in text if ch.isprintable())
        self.text = self.text[: self.cursor] + text + self.text[self.cursor :]
        self.cursor += len(text)

    def _word_left(self) -> int:
        index = self.cursor
        while index > 0 and self.text[index - 1] == " ":
            index -= 1
        while index > 0 and self.text[index - 1] != " ":
            index -= 1
        return index

    def _word_right(self) -> int:
        index, end = self.cursor, len(self.text)
        while index < end and self.text[index] == " ":
            index += 1
        while index < end and self.text[index] != " ":
            index += 1
        return index

    def key(self, key: str) -> bool:
        """An editing key (Textual's key name); False when it is not one."""
        text, cursor = self.text, self.cursor
        if key == "backspace":
            if cursor:
                self.text, self.cursor = text[: cursor - 1] + text[cursor:], cursor - 1
        elif key in ("delete", "ctrl+d"):
            self.text = text[:cursor] + text[cursor + 1 :]
        elif key == "left":
            self.cursor = max(0, cursor - 1)
        elif key == "right":
            self.cursor = min(len(text), cursor + 1)
        elif key in ("home", "ctrl+a"):
            self.cursor = 0
        elif key in ("end", "ctrl+e"):
            self.cursor = len(text)
        elif key == "ctrl+left":
            self.cursor = self._word_left()
        elif key == "ctrl+right":
            self.cursor = self._word_right()
        elif key in ("ctrl+w", "ctrl+backspace"):
            start = self._word_left()
            self.text, self.cursor = text[:start] + text[cursor:], start
        elif key == "ctrl+u":
            self.text, self.cursor = text[cursor:], 0
        elif key == "ctrl+k":
            self.text = text[:cursor]
        else:
            return False
        return True

    def field(self, width: int) -> Content:
        """The text in `width` cells with the cursor shown, scrolled to keep the cursor in view."""
        width = max(2, width)
        if not self.text:
            return Content.assemble(
                (" ", f"{CURSOR} {FIELD}"), (PLACEHOLDER[: width - 1].ljust(width - 1), f"{MUTED} {FIELD}")
            )
        text = self.text + " "  # room for the cursor after the last character
        start = max(0, self.cursor - width + 1)
        shown = text[start : start + width]
        at = self.cursor - start
        return Content.assemble(
            (shown[:at], FIELD), (shown[at], f"{CURSOR} {FIELD}"), (shown[at + 1 :].ljust(width - at - 1), FIELD)
        )


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


class VitalsLine:
    """The state of the vitals line (open or not, what is typed, the message) and its keys.
    Enter saves through `recorder` (the screen's): durable first, then shown.
    """

    def __init__(self, log: SessionLog, recorder: Recorder) -> None:
        self.session_log = log
        self.recorder = recorder
        self.editor = LineEditor()
        self.is_open = False
        self.message: Content | None = None  # None: the hint
        self.error = False  # the message is a refusal after Enter (bold) rather than advice
        self.saved: VitalsRecorded | None = None  # the last reading saved from this line
        self._folded: tuple[tuple[int, int], SessionState] | None = None  # see _state

    @property
    def text(self) -> str:
        return self.editor.text

    # -- open / close -------------------------------------------------------------------------
    def open(self) -> None:
        self.is_open = True

    def hide(self) -> None:
        """Out of sight, keeping what was typed (`open` brings it back)."""
        self.is_open = False

    def close(self) -> None:
        """Closed and cleared: the next `v` starts an empty line."""
        self.is_open = False
        self.editor.clear()
        self.message, self.error = None, False

    # -- keys ---------------------------------------------------------------------------------
    def handle_key(self, key: str, character: str | None) -> bool:
        """One key while the line is open; False for keys it leaves to others (ctrl+p)."""
        if key == "enter":
            self.save()
        elif key == "escape":
            self.close()
        elif self.editor.key(key):
            self._check()
        elif character is not None and len(character) == 1 and character.isprintable():
            self.editor.insert(character)
            self._check()
        elif key == "tab":
            pass  # nothing else to move to; never out of the line by accident
        else:
            return False
        return True

    def paste(self, text: str) -> None:
        self.editor.insert(" ".join(text.splitlines()))
        self._check()

    def _state(self) -> SessionState:
        """The session's state for checking and previewing a reading. What that needs (closed
        or not, when it was created, the first dose, the thresholds) is what the events say, not
        the time: the fold is done again when the events change, not on every key (a fold at
        the clock's time costs more than the rest of a key, or of Enter, before the store)."""
        key = self.session_log.events_key
        if self._folded is None or self._folded[0] != key:
            self._folded = (key, self.session_log.state())
        return self._folded[1]

    def _build(self) -> VitalsRecorded:
        return commands.record_vitals(self._state(), self.editor.text, self.session_log.now())

    def _check(self) -> None:
        """The message while typing: what Enter would save, or (muted) why it cannot yet."""
        self.error = False
        if not self.editor.text.strip():
            self.message = None
            return
        try:
            built = self._build()
        except InputError as error:
            self.message = Content.styled(visible(str(error)), MUTED)  # it may quote what was typed
            return
        self.message = preview_line(self._state(), built)

    def save(self) -> VitalsRecorded | None:
        """Enter: checked by the core parser, made durable and shown by the recorder, and the
        line closes; a refused line (by the parser or the store) stays open with the reason,
        what was typed kept."""
        text = self.editor.text
        try:
            self._build()
        except InputError as error:
            self.message, self.error = Content.styled(visible(str(error)), REFUSED), True
            return None
        outcome = self.recorder.record(
            lambda state, now: commands.record_vitals(state, text, now), tell_problem=False, state=self._state()
        )
        if outcome.problem is not None:
            self.message, self.error = Content.styled(visible(outcome.problem), REFUSED), True
            return None
        self.saved = outcome.events[0]  # type: ignore[assignment]
        self.close()
        return self.saved

    # -- drawing ------------------------------------------------------------------------------
    @property
    def plain(self) -> str:
        """The line as it reads at 80 columns (tests read it)."""
        return "\n".join(line.plain for line in self.lines(78))

    def lines(self, width: int, rows: int = 2) -> list[Content]:
        """The line and its message in `width` cells, on `rows` lines when they fit (the key
        bar's height, so opening the line lays nothing out again); a long refusal wraps."""
        keys = KEYS if width >= 60 else SHORT_KEYS
        room = width - PROMPT.cell_length - keys.cell_length - 2
        message = self.message
        if message is None:
            message = HINT if HINT.cell_length <= width else SHORT_HINT
        if rows <= 1:
            field_width = max(12, min(room, 40))
            one = Content.assemble(PROMPT, self.editor.field(field_width), "  ")
            rest = width - one.cell_length - keys.cell_length - 2
            if message.cell_length <= rest:
                gap = width - one.cell_length - message.cell_length - keys.cell_length
                return [Content.assemble(one, message, " " * max(2, gap), keys)]
        first = Content.assemble(PROMPT, self.editor.field(max(12, room)), "  ", keys)
        return [first, *(message.wrap(max(10, width)) if message.cell_length > width else [message])]
