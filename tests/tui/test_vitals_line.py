"""The vitals line (`v`): the key bar turns into one line to type a reading in; Enter records it
through the screen's recorder (durable before it is shown) and the keys come back; Escape records
nothing.
Also the line editor on its own, and that opening, typing and saving redraw no more than they
must (no layout, no dialog, only the widgets a reading changes)."""

from __future__ import annotations

import sqlite3
from datetime import timedelta

import pytest
from textual.events import Paste

from kapsession.core import commands
from kapsession.core.events import VitalsRecorded
from kapsession.tui.widgets.key_bar import KeyBar
from kapsession.tui.widgets.vitals_entry import LineEditor
from kapsession.tui.widgets.vitals_panel import VitalsPanel

try:
    from .conftest import LiveTestApp, advance_to_mid_peak, drawn, said, screen_text, type_text
except ImportError:
    from live_support import LiveTestApp, advance_to_mid_peak, drawn, said, screen_text, type_text


def of_type(events, kind):
    return [event for event in events if isinstance(event, kind)]


def bar_text(app) -> str:
    """What the key bar draws."""
    return drawn(app.live.query_one(KeyBar))


# -- the editor -----------------------------------------------------------------------------
def test_line_editor_keys():
    editor = LineEditor()
    editor.insert("128/84 76 98")
    assert (editor.text, editor.cursor) == ("128/84 76 98", 12)
    assert editor.key("backspace") and editor.text == "128/84 76 9"
    editor.key("home")
    editor.insert("x")
    assert editor.text == "x128/84 76 9" and editor.cursor == 1
    editor.key("backspace")
    editor.key("end")
    editor.key("ctrl+w")  # the last word
    assert editor.text == "128/84 76 "
    editor.key("ctrl+left")
    assert editor.cursor == 7
    editor.key("ctrl+k")
    assert editor.text == "128/84 "
    editor.key("left")
    editor.key("delete")
    assert editor.text == "128/84"
    editor.key("ctrl+u")
    assert editor.text == "" and editor.cursor == 0
    assert not editor.key("f5")  # not an editing key
    editor.insert("a\tb\x1bc")  # control characters never reach the text
    assert editor.text == "abc"


def test_line_editor_field_scrolls_to_keep_the_cursor_in_view():
    editor = LineEditor()
    assert editor.field(20).cell_length == 20  # the placeholder, padded
    editor.insert("1" * 30)
    field = editor.field(10)
    assert field.cell_length == 10
    cursor = [span for span in field.spans if span.style == "reverse on $background"]
    assert [(span.start, span.end) for span in cursor] == [(9, 10)]  # the cursor after the last character
    editor.key("home")
    assert editor.field(10).plain.startswith("1" * 10)


# -- on the live screen ---------------------------------------------------------------------
@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_v_opens_the_line_in_the_key_bar_without_changing_its_height(session, size):
    advance_to_mid_peak(session)
    app = LiveTestApp(session.log)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        bar = app.live.query_one(KeyBar)
        height = bar.region.height
        assert "v Vitals" in drawn(bar)
        await pilot.press("v")
        assert app.screen is app.live  # no dialog
        text = drawn(bar)
        assert "Vitals ▸" in text and "Enter saves · Esc leaves" in text
        assert "BP HR SpO2 [RR] [temp]" in text and "@10:42" in text  # the accepted format
        assert bar.region.height == height  # the bar kept its size: nothing else moved
        for line in bar.shown.plain.split("\n"):
            assert len(line) <= size[0] - 2


async def test_a_reading_typed_and_saved(session):
    advance_to_mid_peak(session)
    app = LiveTestApp(session.log)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("v")
        # typed letters go to the line, never to the screen's keys (r would open the summary
        # preview, s a rating, p the next phase)
        await type_text(pilot, "186/114 hr 118 spo2 97 rr 14")
        assert app.screen is app.live
        assert "✓ 186/114 HR 118 SpO2 97% RR 14 at 09:55" in bar_text(app)
        assert "systolic ▲ HIGH" in bar_text(app)  # the preset's threshold, before saving
        assert not of_type(session.fresh_events(), VitalsRecorded)[2:]  # nothing recorded yet
        await pilot.press("enter")
        latest = of_type(session.fresh_events(), VitalsRecorded)[-1]
        assert latest.reading.systolic == 186 and latest.reading.resp_rate == 14
        assert latest.at == session.clock.now()
        assert not app.live.vitals_line.is_open and "v Vitals" in bar_text(app)
        shown = screen_text(app)
        assert "186/114 ▲ HIGH" in shown and "ALERT" in shown


async def test_the_reading_is_durable_before_it_is_shown(session, monkeypatch):
    app = LiveTestApp(session.log)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        panel = app.live.query_one(VitalsPanel)
        seen = []

        def checking(show):
            def checking_show(state):
                if state.vitals:
                    # a fresh reader of the data dir already has every reading about to be shown
                    seen.append(
                        (show.__name__, len(of_type(session.fresh_events(), VitalsRecorded)) == len(state.vitals))
                    )
                return show(state)

            return checking_show

        for name in ("show_state", "show_reading"):
            monkeypatch.setattr(panel, name, checking(getattr(panel, name)))
        await pilot.press("v")
        await type_text(pilot, "120/80 70 98")
        await pilot.press("enter")
        await pilot.pause(0.1)
        # the reading's values at once, then the fold of every event; each durable before drawn
        assert [name for name, _ in seen[:2]] == ["show_reading", "show_state"]
        assert all(durable for _, durable in seen)
        assert "120/80" in screen_text(app)


async def test_escape_records_nothing_and_the_next_v_starts_empty(session):
    app = LiveTestApp(session.log)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        before = len(session.fresh_events())
        await pilot.press("v")
        await type_text(pilot, "128/84 76 98")
        await pilot.press("escape")
        assert not app.live.vitals_line.is_open and "v Vitals" in bar_text(app)
        assert len(session.fresh_events()) == before
        await pilot.press("v")
        assert app.live.vitals_line.text == ""
        # v again while it is open: a v typed into the line (no reading has a v; it is refused)
        await pilot.press("v")
        assert app.live.vitals_line.text == "v"


async def test_paste_goes_into_the_line(session):
    app = LiveTestApp(session.log)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("v")
        app.live.post_message(Paste("132/86\nhr 80"))
        await pilot.pause()
        assert app.live.vitals_line.text == "132/86 hr 80"
        await pilot.press("enter")
        assert of_type(session.fresh_events(), VitalsRecorded)[-1].reading.heart_rate == 80


async def test_a_store_that_refuses_keeps_the_text(session, monkeypatch):
    app = LiveTestApp(session.log)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("v")
        await type_text(pilot, "128/84 76 98")

        def locked(event):
            raise sqlite3.OperationalError("database is locked")

        monkeypatch.setattr(session.log, "record", locked)
        await pilot.press("enter")
        line = app.live.vitals_line
        assert line.is_open and line.text == "128/84 76 98"
        assert (
            "Not saved: the session's database is busy (another screen or terminal is writing to it). "
            "Nothing was recorded; try again."
        ) in " ".join(bar_text(app).split())
        monkeypatch.undo()
        await pilot.press("enter")
        assert not line.is_open
        assert of_type(session.fresh_events(), VitalsRecorded)[-1].reading.systolic == 128


async def test_a_reading_backdated_behind_the_latest_is_confirmed_in_words(session):
    advance_to_mid_peak(session)  # now 09:55:30; the latest reading was taken at 09:49
    app = LiveTestApp(session.log)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("v")
        await type_text(pilot, "131/85 80 98 @-10m")
        await pilot.press("enter")
        await pilot.pause()
        latest = of_type(session.fresh_events(), VitalsRecorded)[-1]
        assert latest.at == session.clock.now() - timedelta(minutes=10)
        assert said(app).startswith("✓ Vitals saved for 09:45")
        assert "138/88" in screen_text(app)  # still the latest reading on the panel


async def test_saving_a_reading_redraws_only_what_a_reading_changes(session):
    advance_to_mid_peak(session)
    app = LiveTestApp(session.log)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        live = app.live
        widgets = {name: live._widgets()[name] for name in ("dose", "scales", "intention", "prompt", "timeline")}
        notes_key = live._widgets()["notes"]._key
        before = {name: widget.updates for name, widget in widgets.items()}
        await pilot.press("v")
        await type_text(pilot, "122/78 72 98")
        await pilot.press("enter")
        assert "122/78" in screen_text(app)
        assert {name: widget.updates for name, widget in widgets.items()} == before
        assert live._widgets()["notes"]._key is notes_key


async def test_a_closed_session_takes_no_reading_from_an_open_line(session):
    app = LiveTestApp(session.log)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("p", "enter")
        await pilot.press("v")
        await type_text(pilot, "120/80 70 98")
        # closed meanwhile from another terminal
        session.add(commands.close_session, session.clock.now(), "client unwell, transferred")
        await pilot.press("enter")
        line = app.live.vitals_line
        assert line.is_open and line.error and "closed" in bar_text(app)
        assert not of_type(session.fresh_events(), VitalsRecorded)


async def test_a_new_reading_draws_its_values_at_once_and_the_history_with_the_fold(session):
    advance_to_mid_peak(session)
    app = LiveTestApp(session.log)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        panel = app.live.query_one(VitalsPanel)
        before = panel.lines
        assert "138/88" in before[0] and any(line.endswith("138/88 HR 84 SpO2 97%") for line in before)
        stored = session.add(commands.record_vitals, "144/92 90 96", session.clock.now())
        state = session.log.state()
        panel.show_reading(state)
        now = panel.lines
        assert "144/92" in now[0] and "90" in now[1] and "96%" in now[2]
        assert now[4:] == before[4:]  # the checks and the history: as they were, until the fold
        panel.show_state(state)
        history = panel.lines
        assert any("144/92 HR 90 SpO2 96%" in line for line in history[4:]), history
        assert stored.reading.describe() in history[4:][history[4:].index("") + 1]


# -- what a key and Enter cost --------------------------------------------------------------
def test_typing_folds_the_state_once_until_the_events_change(session, monkeypatch):
    """Checking and previewing a reading needs what the events say, not the time: the line folds
    the session once, and again only when an event was added (not twice per key)."""
    from kapsession.tui.recorder import Recorder
    from kapsession.tui.widgets.vitals_entry import VitalsLine

    advance_to_mid_peak(session)
    folds = []
    state = session.log.state
    monkeypatch.setattr(session.log, "state", lambda: folds.append(1) or state())
    recorder = Recorder(session.log, show=lambda events: None, tell=lambda sentence, severity: None)
    line = VitalsLine(session.log, recorder)
    line.open()
    for character in "186/114 118 97":
        line.handle_key(character, character)
    assert len(folds) == 1
    assert "systolic ▲ HIGH" in line.message.plain  # the thresholds, from that fold
    assert line.handle_key("enter", None) and not line.is_open
    folds.clear()
    line.open()
    line.handle_key("1", "1")
    assert len(folds) == 1  # a reading was added: folded again
    session.add(commands.acknowledge, session.clock.now())  # the alarm, looked at before the close
    session.add(commands.close_session, session.clock.now(), "client unwell, transferred")
    line.handle_key("enter", None)
    assert line.error and "closed" in line.message.plain  # a close from elsewhere is seen


def test_each_key_in_the_bar_is_two_runs():
    """The spaces around a key's word take the word's colour (nothing shows on a space): a key
    is drawn, and sent to the terminal, as two runs rather than four; the text is the same."""
    from kapsession.tui.widgets.key_bar import KeyHint, key_lines

    hints = [KeyHint("v", "Vitals", "vitals"), KeyHint("n", "Note", "note"), KeyHint("?", "Help", "help")]
    lines, spots = key_lines(hints, 120)
    assert lines[0].plain == "v Vitals  n Note  ? Help  ^p commands"
    assert [spot[1:3] for spot in spots] == [(0, 8), (10, 16), (18, 24), (26, 37)]
    assert [(span.start, span.end, span.style) for span in lines[0].spans[:3]] == [
        (0, 1, "b"),
        (1, 10, "$text-muted"),
        (10, 11, "b"),
    ]


def test_recent_values_are_the_end_of_the_series(session):
    from kapsession.tui.widgets.vitals_panel import recent_values

    advance_to_mid_peak(session)
    for number in range(30):
        session.add(commands.record_vitals, f"{120 + number}/80 {60 + number % 7} 98", session.clock.now())
    state = session.log.state()
    for measure in ("systolic", "heart_rate", "resp_rate", "temperature"):
        series = tuple(value for _, value in state.series(measure))
        for count in (0, 1, 2, 5, 24, 1000):
            assert recent_values(state, measure, count) == (series[-count:] if count else ())
