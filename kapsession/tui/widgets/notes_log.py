"""The notes log: timestamped, newest first (so the latest is always in view), and every note
says in a word whether it is private or may go in the client's summary.

A three-hour session holds a couple of hundred notes and the panel shows a dozen or two, so the
log is a Line API scroll view: the notes are wrapped into lines of Textual `Content` (typed text
is never parsed as markup) and only the lines in view are ever drawn.
"""

from __future__ import annotations

from bisect import bisect_right

from textual.content import Content
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.visual import Visual

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
    """`09:43 SHARE ✓  client's words: “I am allowed to rest”`, wrapped under the tag."""
    body = f"“{note.text}”" if note.kind == "client-words" else note.text
    kind = KIND_WORDS.get(note.kind, "")
    prefix = Content.assemble((format_local(note.at), "$text-muted"), " ",
                              SHAREABLE_TAG if note.shareable else PRIVATE_TAG, "  ", (kind, "$text-muted"))
    return hang(prefix, body, width, indent=6)


def notes_lines(notes: tuple[NoteView, ...], width: int = 200) -> list[Content]:
    """Every note, newest first, wrapped to `width`; a hint when there is none yet."""
    return wrap_notes(notes, width)[0]


def wrap_notes(notes: tuple[NoteView, ...], width: int) -> tuple[list[Content], list[int]]:
    """`notes_lines`, and the line each note (newest first) begins on."""
    if not notes:
        prefix = Content.assemble(("no notes yet: ", "$text-muted"), ("n", "b $text-muted"), " ")
        return hang(prefix, NO_NOTES_HINT, width, indent=0, body_style="$text-muted"), []
    lines: list[Content] = []
    starts: list[int] = []
    for note in reversed(notes):
        starts.append(len(lines))
        lines.extend(note_lines(note, width))
    return lines, starts


def lines_plain(lines: list[Content]) -> str:
    """Lines as they read, one under the other."""
    return "\n".join(line.plain for line in lines)


class NotesLog(ScrollView, can_focus=False):
    """`show_state(state)` sets the notes; they are wrapped again only when the notes or the
    width change, and scrolled back to the newest when a note arrives."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._notes: tuple[NoteView, ...] | None = None  # None: no state offered yet
        self._lines: list[Content] = []
        self._starts: list[int] = []  # the line each note (newest first) begins on
        self._wrapped_at = 0  # the width the lines were wrapped to
        self._strips: dict[int, Strip] = {}  # drawn lines, by index
        self._strips_for: tuple | None = None  # the colours (and theme) they were drawn in
        self._key: tuple | None = None
        self.updates = 0  # how many times the notes really changed (tests read it)

    def on_mount(self) -> None:
        self.border_title = "Notes (newest first)"

    def show_state(self, state: SessionState) -> None:
        key = tuple((n.seq, n.visibility, n.at) for n in state.notes)
        if key == self._key:
            return
        self._key = key
        self._notes = tuple(state.notes)
        self.updates += 1
        self._wrap(self._wrap_width())
        self.scroll_home(animate=False)

    @property
    def plain(self) -> str:
        """The notes as they read on screen, every line (tests read it)."""
        return lines_plain(self._lines)

    # -- wrapping ------------------------------------------------------------------------------
    def _wrap_width(self, outer_width: int | None = None) -> int:
        """The width notes are wrapped to: the content width (of a panel `outer_width` wide, or
        of this one), less the scrollbar's column (kept whether or not the bar shows, so that
        scrolling never rewraps)."""
        content = self.content_region.width if outer_width is None else outer_width - self.styles.gutter.width
        return max(0, content - self.styles.scrollbar_size_vertical)

    def _rewrap(self, width: int) -> int | None:
        """Wrap the notes to `width` (> 0); the line the note at the top of the panel now begins
        on, to scroll to so that it stays at the top (None: the panel is at its top)."""
        top = bisect_right(self._starts, round(self.scroll_y)) - 1 if self._starts else -1
        self._wrapped_at = width
        self._lines, self._starts = wrap_notes(self._notes or (), width)
        self._strips.clear()
        return self._starts[top] if 0 <= top < len(self._starts) and self.scroll_y > 0 else None

    def _wrap(self, width: int) -> None:
        # Before the first layout (or while the screen is too small for the panel) the width is
        # unknown: the layout that gives a real width wraps, even back to the width last wrapped at.
        if self._notes is None or width <= 0:
            self._wrapped_at = 0
            return
        keep = self._rewrap(width)
        self.virtual_size = Size(width, len(self._lines))
        if keep is not None:
            self.scroll_to(y=keep, animate=False)
        self.refresh()

    def _size_updated(self, size: Size, virtual_size: Size, container_size: Size, layout: bool = True) -> bool:
        """Textual calls this in the layout that gives the panel a new size, before that frame is
        drawn (the Resize message comes after it). Wrapping here draws the notes in that frame;
        wrapped on Resize, they came a frame later, after a second layout of the whole screen.
        The line count is set without the reactive's request for another layout (this is the
        layout), before the scroll view's own sizing (ScrollView._size_updated) reads it; the
        scroll that keeps the top note at the top comes after, when the new height is known, and
        before the frame is drawn."""
        keep = None
        width = self._wrap_width(size.width)
        if width != self._wrapped_at:
            if self._notes is not None and width > 0:
                keep = self._rewrap(width)
                self.set_reactive(NotesLog.virtual_size, Size(width, len(self._lines)))
            else:
                self._wrapped_at = 0
        resized = super()._size_updated(size, virtual_size, container_size, layout)
        if keep is not None:
            self.scroll_to(y=keep, animate=False)
        return resized

    # -- drawing -------------------------------------------------------------------------------
    def render_line(self, y: int) -> Strip:
        base = self.visual_style
        key = (base, self.app.theme)
        if key != self._strips_for:  # a new theme (or a restyle): every line is drawn again
            self._strips_for = key
            self._strips.clear()
        scroll_x, scroll_y = self.scroll_offset
        width = self.scrollable_content_region.width
        index = scroll_y + y
        if index >= len(self._lines):
            return Strip.blank(width, base.rich_style)
        strip = self._strips.get(index)
        if strip is None:
            line = self._lines[index]
            drawn = Visual.to_strips(self, line, max(1, line.cell_length), 1, base)
            strip = self._strips[index] = drawn[0] if drawn else Strip.blank(0)
        return strip.crop_extend(scroll_x, scroll_x + width, base.rich_style)
