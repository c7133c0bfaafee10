"""Pressing the real keys a therapist presses, then asking the store (a fresh reader of the same
data dir) what it holds and the screen what it shows."""

from __future__ import annotations

from datetime import timedelta

from textual.widgets import Input, Static, TextArea

from kapsession.core import commands
from kapsession.core.events import (
    AlertAcknowledged,
    CardDrawn,
    DoseGiven,
    IntentionSet,
    NoteWritten,
    PhaseStarted,
    ScaleRated,
    VitalsRecorded,
)
from kapsession.tui.screens.dialogs import ConfirmDialog, NoteDialog
from kapsession.tui.widgets.live_text import LiveText

try:  # tests/tui may become a package one day
    from .conftest import LiveTestApp, advance_to_mid_peak, screen_text, type_text
except ImportError:
    from live_support import LiveTestApp, advance_to_mid_peak, screen_text, type_text


def of_type(events, kind):
    return [event for event in events if isinstance(event, kind)]


async def test_a_session_by_keys_at_80x24(session):
    app = LiveTestApp(session.log)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        # p: start the intake talk (Enter confirms)
        await pilot.press("p")
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("enter")
        assert [e.phase for e in of_type(session.fresh_events(), PhaseStarted)] == ["intake"]

        # v: baseline vitals on the line at the foot of the screen (the key bar turns into it)
        session.clock.advance(minutes=3)
        await pilot.press("v")
        assert app.screen is app.live and app.live.vitals_line.is_open
        await type_text(pilot, "128/84 76 98")
        await pilot.press("enter")
        vitals = of_type(session.fresh_events(), VitalsRecorded)
        assert len(vitals) == 1 and vitals[0].reading.systolic == 128 and vitals[0].reading.spo2 == 98
        assert vitals[0].at == session.clock.now()
        assert not app.live.vitals_line.is_open and "v Vitals" in screen_text(app)  # the keys are back
        assert "128/84" in screen_text(app)

        # p then y: the intention phase; i: the intention; c twice: two different cards
        await pilot.press("p")
        await pilot.press("y")
        await pilot.press("i")
        await type_text(pilot, "to rest without guilt")
        await pilot.press("enter")
        await pilot.press("c")
        await pilot.press("c")
        await pilot.press("y")  # a second card: asked first
        events = session.fresh_events()
        assert of_type(events, IntentionSet)[0].text == "to rest without guilt"
        cards = [e.card for e in of_type(events, CardDrawn)]
        assert len(cards) == 2 and len(set(cards)) == 2
        shown = screen_text(app)
        assert "to rest without guilt" in shown and cards[0] in shown and cards[1] in shown

        # d: the dose, prefilled with the planned 200 mg (route from the preset)
        await pilot.press("p", "enter")
        session.clock.advance(minutes=1)
        await pilot.press("d")  # screening and intake not done: the decision comes first
        await pilot.press("down")  # defer -> go ahead
        await type_text(pilot, "screened on paper")
        await pilot.press("enter")
        assert app.screen.query_one("#dose-mg", Input).value == "200"
        await pilot.press("enter")
        doses = of_type(session.fresh_events(), DoseGiven)
        assert len(doses) == 1 and doses[0].mg == 200 and doses[0].route == "sublingual"
        assert doses[0].mg_per_kg == round(200 / 70, 3)
        assert "T+ 0:00" in screen_text(app)

        # n: a private note, keeping the time typing began
        session.clock.advance(minutes=4)
        began = session.clock.now()
        await pilot.press("n")
        session.clock.advance(seconds=50)  # slow typing
        await type_text(pilot, "eyes closed, breathing slow")
        await pilot.press("enter")
        # n, ctrl+s: a shareable note in the client's words (ctrl+t cycles the kind)
        await pilot.press("n")
        await type_text(pilot, "I am allowed to rest")
        await pilot.press("ctrl+s", "ctrl+t")
        await pilot.press("enter")
        notes = of_type(session.fresh_events(), NoteWritten)
        assert [(n.text, n.visibility) for n in notes] == [
            ("eyes closed, breathing slow", "private"),
            ("I am allowed to rest", "shareable"),
        ]
        assert notes[0].at == began
        assert notes[1].kind == "client-words"
        shown = screen_text(app)
        assert "private" in shown and "SHARE ✓" in shown and "“I am allowed to rest”" in shown

        # s: MOAA/S 4
        await pilot.press("s")
        await pilot.press("m", "4", "enter")
        rating = of_type(session.fresh_events(), ScaleRated)
        assert [(r.scale, r.value) for r in rating] == [("moaas", 4)]

        # the spit timer (12 min) raises a nudge; a acknowledges it, as an event
        session.clock.advance(minutes=9)
        app.live.refresh_now()
        await pilot.pause()
        assert "Troche: time to spit" in screen_text(app)
        await pilot.press("a")
        acks = of_type(session.fresh_events(), AlertAcknowledged)
        assert len(acks) == 1 and acks[0].key.startswith("spit:")
        assert "Troche: time to spit" not in app.screen.query_one("#alerts", LiveText).plain


async def test_invalid_vitals_keep_the_text_show_the_error_and_record_nothing(session):
    app = LiveTestApp(session.log)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        before = len(session.fresh_events())
        await pilot.press("v")
        await type_text(pilot, "128/84 7")
        await pilot.press("enter")
        line = app.live.vitals_line
        assert line.is_open and line.error
        bar = line.plain
        assert "heart rate 7 is out of range" in bar
        assert line.text == "128/84 7" and "128/84 7" in bar
        assert len(session.fresh_events()) == before
        # fixed in place, then saved
        await pilot.press("6", "enter")
        assert not line.is_open
        assert of_type(session.fresh_events(), VitalsRecorded)[0].reading.heart_rate == 76


async def test_escape_backs_out_of_every_dialog_recording_nothing(session):
    app = LiveTestApp(session.log)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("p", "enter")
        before = len(session.fresh_events())
        for key, text in (
            ("v", "128/84 76 98"),
            ("n", "a thought"),
            ("d", ""),
            ("i", "an intention"),
            ("s", "4"),
            ("x", ""),
            ("p", ""),
            ("q", ""),
        ):
            await pilot.press(key)
            if key == "v":  # the vitals line opens on the live screen itself
                assert app.screen is app.live and app.live.vitals_line.is_open
            else:
                assert app.screen is not app.live, key
            if text:
                await type_text(pilot, text)
            await pilot.press("escape")
            if key == "n":  # words typed in a note: keep them as a draft, or discard them
                assert type(app.screen).__name__ == "DraftChoiceDialog"
                await pilot.press("d")
            assert app.screen is app.live, key
            assert not app.live.vitals_line.is_open
        assert len(session.fresh_events()) == before
        # the vitals line opens empty again after Escape
        await pilot.press("v")
        assert app.live.vitals_line.text == ""
        await pilot.press("escape")
        assert app.is_running


async def test_phase_change_is_cancelled_with_n(session):
    app = LiveTestApp(session.log)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("p")
        await pilot.press("n")
        assert app.screen is app.live
        assert not of_type(session.fresh_events(), PhaseStarted)


async def test_quit_asks_then_leaves_and_nothing_is_lost(session):
    advance_to_mid_peak(session)
    count = len(session.fresh_events())
    app = LiveTestApp(session.log)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("q")
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
    assert not app.is_running
    assert len(session.fresh_events()) == count


async def test_note_dialog_keeps_the_moment_typing_began(session):
    app = LiveTestApp(session.log)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        opened_at = session.clock.now()
        await pilot.press("n")
        assert isinstance(app.screen, NoteDialog) and app.screen.started_at == opened_at
        session.clock.advance(minutes=3)
        await type_text(pilot, "late typing")
        await pilot.press("enter")
        note = of_type(session.fresh_events(), NoteWritten)[0]
        assert note.at == opened_at and note.visibility == "private"


async def test_empty_note_is_refused_in_words(session):
    app = LiveTestApp(session.log)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("n", "enter")
        assert isinstance(app.screen, NoteDialog)
        assert "the note is empty" in app.screen.query_one("#error", Static).render().plain
        assert not of_type(session.fresh_events(), NoteWritten)


async def test_backdated_vitals_with_at(session):
    advance_to_mid_peak(session)
    app = LiveTestApp(session.log)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("v")
        await type_text(pilot, "140/90 88 97 @-5m")
        await pilot.pause()
        # what Enter would save, with its time, before it is saved
        when = (session.clock.now() - timedelta(minutes=5)).astimezone().strftime("%H:%M")
        assert f"✓ 140/90 HR 88 SpO2 97% at {when}" in app.live.vitals_line.plain
        await pilot.press("enter")
        latest = of_type(session.fresh_events(), VitalsRecorded)[-1]
        assert latest.at == session.clock.now() - timedelta(minutes=5)


async def test_scale_dialog_refuses_out_of_range(session):
    app = LiveTestApp(session.log)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("s", "m", "7", "enter")
        assert "MOAA/S 7 is out of range: accepted 0-5" in app.screen.query_one("#error", Static).render().plain
        await pilot.press("n")  # nausea takes 0-10: the same 7 is fine there
        await pilot.press("enter")
        assert [(r.scale, r.value) for r in of_type(session.fresh_events(), ScaleRated)] == [("nausea", 7)]


async def test_card_refused_at_the_presets_cap(session):
    state = session.log.state()
    for _ in range(state.preset.max_cards):
        session.add(commands.draw_card, session.clock.now())
    app = LiveTestApp(session.log)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        count = len(session.fresh_events())
        await pilot.press("c")
        assert len(session.fresh_events()) == count


async def test_a_note_the_store_refuses_stays_in_the_dialog_to_save_again(session, monkeypatch):
    from kapsession.core.errors import StoreError

    app = LiveTestApp(session.log)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        before = len(session.fresh_events())
        real_append = session.log.store.append_checked
        busy = StoreError("the database is busy: another program has held its write lock for more than 10 s")
        monkeypatch.setattr(session.log.store, "append_checked", lambda *a, **k: (_ for _ in ()).throw(busy))
        await pilot.press("n")
        await type_text(pilot, "she said the river is calm")
        await pilot.press("enter")
        assert isinstance(app.screen, NoteDialog)
        assert "Not saved" in app.screen.query_one("#error", Static).render().plain
        assert app.screen.query_one("#note-text", TextArea).text == "she said the river is calm"
        assert len(session.fresh_events()) == before
        monkeypatch.setattr(session.log.store, "append_checked", real_append)
        await pilot.press("enter")
        await pilot.pause()
        assert not isinstance(app.screen, NoteDialog)
        notes = of_type(session.fresh_events(), NoteWritten)
        assert [n.text for n in notes] == ["she said the river is calm"]


async def test_quitting_a_closed_session_does_not_say_it_stays_open(session):
    """Issue 17: the quit dialog tells a closed session (real or practice) from an open one."""
    from kapsession.tui.screens.live import leaving_words

    advance_to_mid_peak(session)
    assert "stays open and can be resumed" in leaving_words(session.log.state())
    session.add(commands.close_session, session.clock.now(), "client well, left with carer")
    app = LiveTestApp(session.log)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("q")
        assert isinstance(app.screen, ConfirmDialog)
        detail = str(app.screen.query_one("#detail", Static).render())
        assert "This session is closed" in detail
        assert "stays open" not in detail and "resumed" not in detail
        await pilot.press("n")


def test_a_practice_run_is_told_apart_open_and_closed(preset, clock):
    from kapsession.core.state import fold
    from kapsession.tui.screens.live import leaving_words

    events = [commands.open_session(client_name="Sam (fictional)", preset=preset, now=clock.now(), practice=True)]
    events.append(commands.start_phase(fold(events, preset, clock.now()), "intake", clock.now()))
    assert "The practice run stays open" in leaving_words(fold(events, preset, clock.now()))
    events.append(commands.close_session(fold(events, preset, clock.now()), clock.now(), "end of the rehearsal"))
    words = leaving_words(fold(events, preset, clock.now()))
    assert "This practice run is closed" in words and "stays open" not in words
