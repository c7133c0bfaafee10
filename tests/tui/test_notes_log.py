"""The notes log: a long session's notes wrapped whole under their times, only the rows in view
drawn, wrapped again when the width changes, and scrolled back to the newest when one arrives."""

from __future__ import annotations

from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta

from kapsession.core import commands
from kapsession.core.state import NoteView
from kapsession.tui.widgets.notes_log import NotesLog, lines_plain, notes_lines

try:
    from .conftest import LiveTestApp, advance_to_mid_peak, screen_text
except ImportError:
    from live_support import LiveTestApp, advance_to_mid_peak, screen_text

LONG = "shifted position and said the room feels very far away, then asked for the blanket again"


def _write_notes(session, count: int, body: str = LONG) -> None:
    """`count` notes, 20 s apart: `note N: body`."""
    for number in range(count):
        session.clock.advance(seconds=20)
        session.add(commands.write_note, f"note {number}: {body}", session.clock.now())


@asynccontextmanager
async def _notes_on_screen(session, size: tuple[int, int]):
    """The live screen of `session` at `size`, settled: (the app, its pilot, the notes log)."""
    app = LiveTestApp(session.log)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        yield app, pilot, app.live.query_one(NotesLog)


def _note(seq: int, text: str, visibility: str = "private") -> NoteView:
    at = datetime(2026, 3, 4, 9, 0, tzinfo=UTC) + timedelta(minutes=seq)
    return NoteView(seq=seq, at=at, text=text, kind="observation", visibility=visibility)


def test_notes_wrap_whole_words_under_the_time_newest_first():
    notes = (_note(1, "eyes closed"), _note(2, LONG, visibility="shareable"))
    lines = notes_lines(notes, 40)
    text = lines_plain(lines).splitlines()
    assert text[0].split()[1:3] == ["SHARE", "✓"]  # the newest first, with its tag in words
    assert all(line.cell_length <= 40 for line in lines)
    assert all(line.startswith(" " * 6) for line in text[1:-1])  # hung under the time
    body = " ".join(" ".join(text[:-1]).split()[3:])
    assert body == LONG  # every word whole, in order
    assert text[-1].split()[1:] == ["private", "eyes", "closed"]


def test_no_notes_is_a_hint_that_fits_the_panel():
    text = lines_plain(notes_lines((), 30)).splitlines()
    assert text[0].startswith("no notes yet: n writes")
    assert all(len(line) <= 30 for line in text)
    assert "private unless you mark it to share" in " ".join(text)


async def test_a_long_log_draws_only_the_rows_in_view_and_rewraps_on_resize(session):
    advance_to_mid_peak(session)
    _write_notes(session, 80)
    async with _notes_on_screen(session, (120, 40)) as (app, pilot, log):
        lines = log.plain.splitlines()
        assert len(lines) > 2 * log.size.height  # far more than fits
        assert "note 79:" in lines[0]  # the newest at the top
        assert 0 < len(log._strips) <= log.size.height  # only the rows in view were drawn
        wide = log._wrapped_at
        assert all(len(line) <= wide for line in lines)

        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert log._wrapped_at < wide
        narrow = log.plain.splitlines()
        assert all(len(line) <= log._wrapped_at for line in narrow) and len(narrow) > len(lines)

        log.scroll_end(animate=False)
        await pilot.pause()
        assert log.scroll_y > 0
        session.clock.advance(seconds=20)
        session.add(commands.write_note, "sipping water", session.clock.now())
        app.live.refresh_now(poll=True)
        await pilot.pause()
        assert log.scroll_y == 0  # back to the newest
        assert log.plain.splitlines()[0].endswith("private  sipping water")
        assert "sipping water" in screen_text(app)


def test_wide_characters_are_measured_in_cells_and_nothing_is_lost():
    text = (
        "wide: 今日はとても静かな気持ちです、ありがとう 😊🌿 client smiled; 안녕하세요 세상 "
        "and more words after the wide run to wrap"
    )
    for width in (36, 40, 61):
        lines = notes_lines((_note(1, text, "shareable"),), width)
        assert all(line.cell_length <= width for line in lines), width
        shown = "".join(lines_plain(lines).split()).split("✓", 1)[1]  # after "09:01 SHARE ✓"
        # (a run of CJK has no spaces, so it is cut between characters where the line ends)
        assert shown == "".join(text.split())


async def test_the_note_at_the_top_stays_there_when_the_panel_is_resized(session):
    advance_to_mid_peak(session)
    _write_notes(session, 40)
    async with _notes_on_screen(session, (120, 40)) as (app, pilot, log):
        log.scroll_to(y=log._starts[10], animate=False)
        await pilot.pause()
        assert "note 29:" in log.plain.splitlines()[round(log.scroll_y)]  # 11th from the newest
        for size in ((80, 24), (120, 40)):
            await pilot.resize_terminal(*size)
            await pilot.pause()
            assert "note 29:" in log.plain.splitlines()[round(log.scroll_y)], size


async def test_every_frame_drawn_during_a_resize_has_the_top_note_at_the_top(session, monkeypatch):
    """The frame at a new width wraps the notes and draws them from the line the top note now
    begins on (the scroll follows on Resize, after that frame): no frame shows another note at
    the top. What the panel draws as its first line is recorded as it is drawn."""
    advance_to_mid_peak(session)
    _write_notes(session, 40)
    tops: list[str] = []
    render_line = NotesLog.render_line

    def drawn(log: NotesLog, y: int):
        strip = render_line(log, y)
        if y == 0 and log._wrapping.lines:
            tops.append(strip.text)
        return strip

    monkeypatch.setattr(NotesLog, "render_line", drawn)
    async with _notes_on_screen(session, (120, 40)) as (app, pilot, log):
        log.scroll_to(y=log._starts[10], animate=False)
        await pilot.pause()
        for size in ((80, 24), (120, 40), (100, 30)):
            tops.clear()
            await pilot.resize_terminal(*size)
            await pilot.pause()
            assert tops and all("note 29:" in top for top in tops), (size, tops)


async def test_a_note_written_while_the_window_is_too_small_is_there_when_it_grows_back(session):
    advance_to_mid_peak(session)
    async with _notes_on_screen(session, (120, 40)) as (app, pilot, log):
        await pilot.resize_terminal(70, 20)  # too small: the live layout is hidden
        await pilot.pause()
        session.add(commands.write_note, "added while small", session.clock.now())
        app.live.refresh_now(poll=True)
        await pilot.pause()
        await pilot.resize_terminal(120, 40)
        await pilot.pause()
        app.live.refresh_now(poll=True)
        await pilot.pause()
        assert log.plain.splitlines()[0].endswith("added while small")
        assert "added while small" in screen_text(app)


async def test_scrolled_inside_the_newest_note_a_resize_keeps_it_at_the_top(session):
    advance_to_mid_peak(session)
    _write_notes(session, 30, "short")
    session.add(commands.write_note, "newest: " + " ".join([LONG] * 4), session.clock.now())
    async with _notes_on_screen(session, (80, 24)) as (app, pilot, log):
        assert log._starts[1] > 3  # the newest note takes several lines
        log.scroll_to(y=log._starts[1] - 1, animate=False)  # its last line at the top
        await pilot.pause()
        await pilot.resize_terminal(160, 24)
        await pilot.pause()
        assert round(log.scroll_y) < log._starts[1]  # still within the newest note
