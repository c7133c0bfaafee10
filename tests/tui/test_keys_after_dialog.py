"""Issue 19: keys typed in a burst right after a dialog closes reach the live screen. Enter in a
dialog's field used to save through the field's Submitted message, handled after the keys already
waiting: the app handed them to the dialog still on top (its field took the `v`). Enter is now the
dialog's own priority binding, so the dialog is gone before the next key is handed on."""

from __future__ import annotations

from live_support import LiveTestApp, type_text
from textual.events import Key

from kapsession.core.events import NoteWritten, ScaleRated


def of_type(events, kind):
    return [event for event in events if isinstance(event, kind)]


def burst(app: LiveTestApp, *keys: str) -> None:
    """Keys as a terminal delivers a fast typist's burst: all queued before any is handled."""
    for key in keys:
        app.post_message(Key(key, key if len(key) == 1 else ("\r" if key == "enter" else None)))


async def test_v_typed_right_after_saving_a_note_opens_the_vitals_line(session):
    app = LiveTestApp(session.log)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        await type_text(pilot, "calm")
        burst(app, "enter", "v")
        await pilot.pause()
        await pilot.pause()
        assert app.screen is app.live
        assert [note.text for note in of_type(session.fresh_events(), NoteWritten)] == ["calm"]
        assert app.live.vitals_line.is_open


async def test_keys_typed_right_after_a_rating_reach_the_screen(session):
    app = LiveTestApp(session.log)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("s")
        await pilot.pause()
        burst(app, "3", "enter", "v", "1")
        await pilot.pause()
        await pilot.pause()
        assert app.screen is app.live
        assert len(of_type(session.fresh_events(), ScaleRated)) == 1
        assert app.live.vitals_line.is_open and app.live.vitals_line.text == "1"
