"""The notes log: timestamped, newest first (so the latest is always in view), and every note
says in a word whether it is private or may go in the client's summary.

A three-hour session holds a couple of hundred notes and the panel shows a dozen or two, so the
log is a Line API scroll view: the notes are wrapped into lines of Textual `Content` (typed text
is never parsed as markup) and only the lines in view are ever drawn. The notes are wrapped
newest first as far as the lines drawn reach; the rest just after that frame, so a resumed
session's first frame wraps the notes it shows, not all of them.
"""

from __future__ import annotations

from bisect import bisect_right

from textual.content import Content
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from kapsession.core.events import NoteWritten
from kapsession.core.state import NoteView, SessionState
from kapsession.core.timeparse import format_local
from kapsession.tui.widgets.live_text import hang

KIND_WORDS = {
    "observation": "",
    "client-words": "client's words: ",
    "intervention": "intervention: ",
    "side-effect": "side effect: ",
    "other": "",
}
PRIVATE_TAG = Content.styled("private", "$note-private")
SHAREABLE_TAG = Content.styled("SHARE ✓", "b $note-shareable")
NO_NOTES_HINT = "writes one (private unless you mark it to share)"


def note_lines(note: NoteView, width: int = 200) -> list[Content]:
    """`09:43 SHARE ✓  client's words: “I am allowed to rest”`, wrapped under the tag; a struck
    note keeps its place, its words struck through and the reason after them."""
    body = f"“{note.text}”" if note.kind == "client-words" else note.text
    kind = KIND_WORDS.get(note.kind, "")
    if note.struck is not None:
        prefix = Content.assemble((format_local(note.at), "$text-muted"), " ", ("STRUCK", "b $text-muted"), " ")
        lines = hang(prefix, f"{body} (struck: {note.struck})", width, indent=6, body_style="strike $text-muted")
        return lines
    prefix = Content.assemble(
        (format_local(note.at), "$text-muted"),
        " ",
        SHAREABLE_TAG if note.shareable else PRIVATE_TAG,
        "  ",
        (kind, "$text-muted"),
    )
    return hang(prefix, body, width, indent=6)


def with_struck_notes(state: SessionState) -> tuple[NoteView, ...]:
    """The notes in force and the struck ones, in the order they were written: a struck note
    stays in view, drawn struck (the state's notes leave it out, as the summary must)."""
    struck = [
        NoteView(event.seq, event.at, event.text, event.kind, event.visibility, struck=state.struck[event.seq])
        for event in state.events
        if isinstance(event, NoteWritten) and event.seq is not None and event.seq in state.struck
    ]
    if not struck:
        return tuple(state.notes)
    return tuple(sorted([*state.notes, *struck], key=lambda note: (note.at, note.seq or 0)))


def notes_lines(notes: tuple[NoteView, ...], width: int = 200) -> list[Content]:
    """Every note, newest first, wrapped to `width`; a hint when there is none yet."""
    return wrap_notes(notes, width)[0]


def wrap_notes(notes: tuple[NoteView, ...], width: int) -> tuple[list[Content], list[int]]:
    """`notes_lines`, and the line each note (newest first) begins on."""
    wrapping = NotesWrapping(notes, width)
    wrapping.finish()
    return wrapping.lines, wrapping.starts


class NotesWrapping:
    """The notes wrapped to one width, newest first, note by note as far as asked."""

    def __init__(self, notes: tuple[NoteView, ...], width: int) -> None:
        self.width = width
        self.lines: list[Content] = []
        self.starts: list[int] = []  # the line each note (newest first) begins on
        self._newest_first = notes[::-1]
        if not notes and width > 0:
            prefix = Content.assemble(("no notes yet: ", "$text-muted"), ("n", "b $text-muted"), " ")
            self.lines = hang(prefix, NO_NOTES_HINT, width, indent=0, body_style="$text-muted")

    @property
    def unwrapped(self) -> int:
        """How many notes are not wrapped yet (each will take at least one line)."""
        return len(self._newest_first) - len(self.starts)

    def through_line(self, index: int) -> None:
        """Wrap notes until line `index` exists, or every note is wrapped."""
        while len(self.lines) <= index and self.unwrapped:
            self._wrap_next()

    def finish(self) -> None:
        while self.unwrapped:
            self._wrap_next()

    def _wrap_next(self) -> None:
        note = self._newest_first[len(self.starts)]
        self.starts.append(len(self.lines))
        self.lines.extend(note_lines(note, self.width))


def lines_plain(lines: list[Content]) -> str:
    """Lines as they read, one under the other."""
    return "\n".join(line.plain for line in lines)


class NotesLog(ScrollView, can_focus=False):
    """`show_state(state)` sets the notes; they are wrapped again only when the notes or the
    width change, and scrolled back to the newest when a note arrives."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._notes: tuple[NoteView, ...] | None = None  # None: no state offered yet
        self._wrapping = NotesWrapping((), 0)
        self._wrapped_at = 0  # the width the lines were wrapped to (0: not wrapped yet)
        self._top_line: int | None = None  # where to scroll once the view knows the new lines
        self._strips: dict[int, Strip] = {}  # drawn lines, by index
        self._strips_for: tuple | None = None  # the colours (and theme) they were drawn in
        self._key: tuple | None = None
        self.updates = 0  # how many times the notes really changed (tests read it)

    def on_mount(self) -> None:
        self.border_title = "Notes (newest first)"

    def show_state(self, state: SessionState) -> None:
        notes = with_struck_notes(state)
        key = tuple((n.seq, n.visibility, n.at, n.struck) for n in notes)
        if key == self._key:
            return
        self._key = key
        self._notes = notes
        self.updates += 1
        self._wrap()
        self.scroll_home(animate=False)

    @property
    def plain(self) -> str:
        """The notes as they read on screen, every line (tests read it)."""
        self._wrapping.finish()
        return lines_plain(self._wrapping.lines)

    @property
    def _starts(self) -> list[int]:
        """The line each note (newest first) begins on, every note wrapped (tests read it)."""
        self._wrapping.finish()
        return self._wrapping.starts

    # -- wrapping ------------------------------------------------------------------------------
    # A new width is known when the frame at that width is drawn, before Textual tells the
    # widget (Resize comes after that frame). So the frame itself wraps the notes (render_line)
    # and draws them from the line the note at the top now begins on; on Resize the scroll view
    # takes their new length and is scrolled to that line. No frame shows the notes cut to the old
    # width, or another note at the top, and the first frame of the live screen shows them.
    def _wrap_width(self) -> int:
        """The width notes are wrapped to: the content width less the scrollbar's column (kept
        whether or not the bar shows, so that scrolling never rewraps)."""
        return max(0, self.content_region.width - self.styles.scrollbar_size_vertical)

    def _wrap_to_width(self) -> bool:
        """Wrap the notes to the current width unless they are already; True if they were. The
        line the note at the top now begins on is kept in `_top_line` until the scroll gets there."""
        width = self._wrap_width()
        if self._notes is None or width <= 0 or width == self._wrapped_at:
            return False
        old = self._wrapping
        old.through_line(round(self.scroll_y))
        top = bisect_right(old.starts, round(self.scroll_y)) - 1 if old.starts else -1
        self._wrapped_at = width
        self._wrapping = NotesWrapping(self._notes, width)
        self._strips.clear()
        if top >= 0 and self.scroll_y > 0:
            # Scrolled down: every note is wrapped now, so the scroll view's length is exact and
            # the top note can be scrolled to even near the end.
            self._wrapping.finish()
            if top < len(self._wrapping.starts):
                self._top_line = self._wrapping.starts[top]
        if self._wrapping.unwrapped:
            self.call_after_refresh(self._wrap_the_rest, self._wrapping)
        return True

    def _wrap_the_rest(self, wrapping: NotesWrapping) -> None:
        """After the frame that drew the notes in view: the others, for the scrollbar's length."""
        if wrapping is self._wrapping and wrapping.unwrapped:
            wrapping.finish()
            self.virtual_size = Size(self._wrapped_at, len(wrapping.lines))

    def _fit_to_lines(self) -> None:
        """The scroll view takes the wrapped lines' length (a note not wrapped yet counted as
        one line), and scrolls to the kept top line."""
        if not self._wrapped_at:
            return
        wrapping = self._wrapping
        self.virtual_size = Size(self._wrapped_at, len(wrapping.lines) + wrapping.unwrapped)
        if self._top_line is not None:
            self.scroll_to(y=self._top_line, animate=False, immediate=True)
            self._top_line = None
        self.refresh()

    def _wrap(self) -> None:
        self._wrapped_at = 0  # the notes changed: wrapped again even at the same width
        self._top_line = None
        if self._wrap_to_width():
            self._fit_to_lines()

    def on_resize(self) -> None:
        self._wrap_to_width()
        self._fit_to_lines()

    # -- drawing -------------------------------------------------------------------------------
    def render_line(self, y: int) -> Strip:
        base = self.visual_style
        key = (base, self.app.theme)
        if key != self._strips_for:  # a new theme (or a restyle): every line is drawn again
            self._strips_for = key
            self._strips.clear()
        self._wrap_to_width()
        scroll_x, scroll_y = self.scroll_offset
        width = self.scrollable_content_region.width
        index = (scroll_y if self._top_line is None else self._top_line) + y
        lines = self._wrapping.lines
        self._wrapping.through_line(index)
        if index >= len(lines):
            return Strip.blank(width, base.rich_style)
        strip = self._strips.get(index)
        if strip is None:
            strip = self._strips[index] = Strip(lines[index].render_segments(base))
        return strip.crop_extend(scroll_x, scroll_x + width, base.rich_style)
