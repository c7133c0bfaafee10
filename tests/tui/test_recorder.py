"""The one way the screens save (`tui/recorder.py`): a command becomes a durable event and then a
redrawn screen; a store that refuses gives one sentence, records nothing, and what was typed is
kept where it was typed."""

from __future__ import annotations

import sqlite3

from textual.widgets import Input, Static

from kapsession.core import commands
from kapsession.core.errors import InputError, StoreError
from kapsession.core.events import CardDrawn, DoseGiven, NoteWritten
from kapsession.tui.recorder import Recorder, problem_sentence
from kapsession.tui.screens.dialogs import DoseDialog

try:
    from .conftest import LiveTestApp, advance_to_mid_peak, said, type_text
except ImportError:
    from live_support import LiveTestApp, advance_to_mid_peak, said, type_text


def of_type(events, kind):
    return [event for event in events if isinstance(event, kind)]


def locked(*_args, **_kwargs):
    raise sqlite3.OperationalError("database is locked")


class Heard:
    """A recorder's `show` and `tell`, remembered."""

    def __init__(self) -> None:
        self.shown: list[tuple] = []
        self.told: list[tuple[str, str]] = []

    def show(self, events) -> None:
        self.shown.append(events)

    def tell(self, sentence: str, severity: str) -> None:
        self.told.append((sentence, severity))


def recorder(session) -> tuple[Recorder, Heard]:  # (a SessionFixture)
    heard = Heard()
    return Recorder(session.log, show=heard.show, tell=heard.tell), heard


def test_a_saved_event_is_durable_then_shown_then_told(session):
    record, heard = recorder(session)
    outcome = record.record(lambda state, now: commands.write_note(state, "resting", now), saved="Note saved.")
    assert outcome.saved and isinstance(outcome.events[0], NoteWritten)
    assert [n.text for n in of_type(session.fresh_events(), NoteWritten)] == ["resting"]
    assert heard.shown == [outcome.events] and heard.told == [("Note saved.", "information")]


def test_a_locked_store_is_one_sentence_and_nothing_recorded(session, monkeypatch):
    record, heard = recorder(session)
    before = len(session.fresh_events())
    monkeypatch.setattr(session.log.store, "append_checked", locked)
    outcome = record.record(lambda state, now: commands.write_note(state, "resting", now), saved="Note saved.")
    assert not outcome.saved and outcome.events == ()
    assert outcome.problem == (
        "Not saved: the session's database is busy (another screen or terminal is "
        "writing to it). Nothing was recorded; try again."
    )
    assert heard.told == [(outcome.problem, "error")] and heard.shown == []
    assert len(session.fresh_events()) == before
    assert len(session.log.events) == before  # nor in memory


def test_a_problem_shown_by_the_caller_is_not_told_twice(session, monkeypatch):
    record, heard = recorder(session)
    monkeypatch.setattr(session.log.store, "append_checked", locked)
    outcome = record.record(lambda state, now: commands.write_note(state, "resting", now), tell_problem=False)
    assert outcome.problem and heard.told == []


def test_what_the_command_refuses_is_its_own_sentence(session):
    record, heard = recorder(session)
    outcome = record.record(lambda state, now: commands.write_note(state, "   ", now))
    assert outcome.problem == "The note is empty: write at least one word (Escape leaves without saving)"
    assert heard.told == [(outcome.problem, "warning")]


def test_every_store_error_becomes_a_sentence():
    for error in (
        sqlite3.OperationalError("disk I/O error"),
        sqlite3.DatabaseError("file is not a database"),
        StoreError("the data folder is not a kapsession data folder"),
        OSError(28, "No space left on device"),
        InputError("the session is already in Peak"),
    ):
        sentence = problem_sentence(error)
        assert "\n" not in sentence and sentence[0].isupper() and "Traceback" not in sentence
        if not isinstance(error, InputError):
            assert sentence.startswith("Not saved: ") and sentence.endswith("Nothing was recorded; try again.")


def test_several_events_stop_at_the_one_that_failed(session, monkeypatch):
    advance_to_mid_peak(session)
    record, heard = recorder(session)
    appended = session.log.store.append_checked
    calls = []

    def second_fails(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            locked()
        return appended(*args, **kwargs)

    monkeypatch.setattr(session.log.store, "append_checked", second_fails)
    outcome = record.record(
        lambda state, now: [commands.write_note(state, "one", now), commands.write_note(state, "two", now)]
    )
    assert [e.text for e in outcome.events] == ["one"] and outcome.problem
    assert [n.text for n in of_type(session.fresh_events(), NoteWritten)][-2:] == ["I am allowed to rest", "one"]
    assert heard.shown == [outcome.events]  # what was recorded is shown


# -- on the live screen ---------------------------------------------------------------------------
async def test_a_dose_the_store_refuses_opens_again_as_typed(session, monkeypatch):
    """The dose dialog returns what was typed; the recorder's refusal opens it again with the
    typed values and the one sentence; nothing is recorded until the store takes it."""
    session.add(commands.start_phase, "dose-onset", session.clock.now())
    session.add(commands.decide_predose, "proceed", "the gate is not under test here", session.clock.now())
    app = LiveTestApp(session.log)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        before = len(session.fresh_events())
        monkeypatch.setattr(session.log.store, "append_checked", locked)
        await pilot.press("d")
        assert isinstance(app.screen, DoseDialog)
        opened_at = app.screen.opened_at
        mg = app.screen.query_one("#dose-mg", Input)
        mg.value = ""
        await type_text(pilot, "180")
        session.clock.advance(minutes=2)
        await pilot.press("enter")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, DoseDialog) and dialog.query_one("#dose-mg", Input).value == "180"
        error = str(dialog.query_one("#error", Static).render())
        assert error.startswith("Not saved: the session's database is busy") and error.count(".") == 2
        assert dialog.opened_at == opened_at  # still timed when d was pressed
        assert len(session.fresh_events()) == before
        assert not [n for n in app._notifications if "Not saved" in n.message]  # said once, in the dialog
        monkeypatch.undo()
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is app.live
        doses = of_type(session.fresh_events(), DoseGiven)
        assert [(d.mg, d.at) for d in doses] == [(180, opened_at)]


async def test_a_card_the_store_refuses_is_one_notification(session, monkeypatch):
    app = LiveTestApp(session.log)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        monkeypatch.setattr(session.log.store, "append_checked", locked)
        await pilot.press("c")
        await pilot.pause()
        assert not app._notifications  # said on the status line, not over the panels
        assert said(app) == (
            "✗ Not saved: the session's database is busy (another screen or terminal is writing "
            "to it). Nothing was recorded; try again."
        )
        assert not of_type(session.fresh_events(), CardDrawn)
        monkeypatch.undo()
        await pilot.press("c")
        await pilot.pause()
        assert len(of_type(session.fresh_events(), CardDrawn)) == 1


async def test_a_medicine_the_store_refuses_opens_again_as_typed(session, monkeypatch):
    """The clinical dialogs return entries too: a refused medicine opens again filled in, timed
    when m was pressed, and is recorded once the store takes it."""
    from kapsession.core.events import MedicationGiven
    from kapsession.tui.screens.clinical_dialogs import MedicationDialog

    app = LiveTestApp(session.log)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        monkeypatch.setattr(session.log.store, "append_checked", locked)
        await pilot.press("m")
        assert isinstance(app.screen, MedicationDialog)
        opened_at = app.screen.opened_at
        await type_text(pilot, "ondansetron")
        app.screen.query_one("#med-amount", Input).value = "4"
        session.clock.advance(minutes=2)
        await pilot.press("enter")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, MedicationDialog)
        assert dialog.query_one("#med-name", Input).value == "ondansetron" and dialog.opened_at == opened_at
        assert str(dialog.query_one("#error", Static).render()).startswith("Not saved:")
        assert not of_type(session.fresh_events(), MedicationGiven)
        monkeypatch.undo()
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is app.live
        assert [(m.name, m.at) for m in of_type(session.fresh_events(), MedicationGiven)] == [
            ("ondansetron", opened_at)
        ]
