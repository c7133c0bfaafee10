"""Every entry is admitted inside the store's write transaction, against the session as it is
then: a second terminal's entries, made after this one's screen was drawn, count. Two SessionLogs
on one store stand for two terminals; the one that looked first is stale when it writes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import partial

import pytest

from kapsession.core import commands
from kapsession.core.clock import ManualClock
from kapsession.core.errors import InputError
from kapsession.core.events import AlertAcknowledged, AlertRaised, CardDrawn, DoseGiven, PhaseStarted, SessionClosed
from kapsession.presets import default_library
from kapsession.store import EventStore
from kapsession.store.event_store import series_so_far
from kapsession.store.session_log import SessionLog

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def store(engine_store: EventStore) -> EventStore:
    return engine_store  # SQLite and PostgreSQL (tests/store/conftest.py)


def two_terminals(store: EventStore, preset_name: str = "intramuscular") -> tuple[SessionLog, SessionLog]:
    preset = default_library().get(preset_name)
    opened = commands.open_session(client_name="A.B.", preset=preset, now=START)
    session_id, _ = store.create_session(opened)
    clock = ManualClock(START + timedelta(minutes=1))
    therapist, nurse = SessionLog(store, session_id, preset, clock), SessionLog(store, session_id, preset, clock)
    therapist.state(), nurse.state()  # both screens drawn
    return therapist, nurse


def kinds(log: SessionLog, kind: type) -> list:
    return [event for event in log.store.events(log.session_id) if isinstance(event, kind)]


def test_a_dose_built_on_a_stale_screen_cannot_pass_the_maximum(store: EventStore) -> None:
    therapist, nurse = two_terminals(store)  # intramuscular: 150 mg at most
    stale = commands.give_dose(therapist.state(), "100", therapist.now())  # 0 mg given, on this screen
    nurse.record(partial(commands.give_dose, mg="100", now=nurse.now()))
    with pytest.raises(InputError, match="above the preset's maximum of 150 mg"):
        therapist.record(stale)
    assert [event.mg for event in kinds(therapist, DoseGiven)] == [100]
    # The stale terminal has now seen the nurse's dose: it is in its log, as the store has it.
    assert therapist.state().total_dose_mg == 100


def test_one_card_once_one_close_and_one_acknowledgement_per_alert(store: EventStore) -> None:
    therapist, nurse = two_terminals(store, "sublingual-troche")
    card = commands.draw_card(therapist.state(), therapist.now())
    nurse.record(CardDrawn(at=nurse.now(), card=card.card))
    with pytest.raises(InputError, match="already drawn"):
        therapist.record(card)
    drawn = therapist.record(partial(commands.draw_card, now=therapist.now()))  # a command: the deck as it is
    assert drawn.card != card.card

    nurse.record(partial(commands.raise_alert, message="check breathing", now=nurse.now()))
    therapist.refresh()  # the alert is on both screens
    ack = commands.acknowledge(therapist.state(), therapist.now())
    nurse.record(commands.acknowledge(nurse.state(), nurse.now()))
    with pytest.raises(InputError, match="no longer open"):
        therapist.record(ack)
    assert len(kinds(therapist, AlertAcknowledged)) == 1

    close = commands.close_session(therapist.state(), therapist.now(), "test: discharged")
    nurse.record(partial(commands.close_session, now=nurse.now(), early_reason="test: discharged"))
    with pytest.raises(InputError, match="closed"):
        therapist.record(close)
    assert len(kinds(therapist, SessionClosed)) == 1


def test_two_alerts_in_one_second_get_two_keys_and_one_ack_clears_one(store: EventStore) -> None:
    therapist, nurse = two_terminals(store, "sublingual-troche")
    same_second = therapist.now()
    therapist.record(partial(commands.raise_alert, message="check breathing", now=same_second))
    nurse.record(partial(commands.raise_alert, message="client asked for water", now=same_second))
    keys = [event.key for event in kinds(therapist, AlertRaised)]
    assert len(set(keys)) == 2
    therapist.record(partial(commands.acknowledge, now=same_second))
    still_open = [alert for alert in therapist.state().open_alerts if alert.kind == "manual"]
    assert len(still_open) == 1
    # A built event that reuses a key already raised is refused, whoever built it.
    with pytest.raises(InputError, match="already raised"):
        nurse.record(AlertRaised(at=same_second, key=keys[0], message="again"))


def test_next_moves_one_phase_from_the_phase_it_finds_and_a_screen_moves_only_from_what_it_showed(
    store: EventStore,
) -> None:
    therapist, nurse = two_terminals(store, "sublingual-troche")
    shown = therapist.state().phase  # not started
    nurse.record(partial(commands.start_phase, which="next", now=nurse.now()))
    # The therapist's dialog said "Start the session with the intake talk?": the nurse did it first.
    with pytest.raises(InputError, match="moved from another screen"):
        therapist.record(partial(commands.start_phase, which="intake", now=therapist.now(), from_phase=shown))
    therapist.record(partial(commands.start_phase, which="next", now=therapist.now()))
    assert [event.phase for event in kinds(therapist, PhaseStarted)] == ["intake", "intention"]
    # A phase change built on a stale screen for the phase the session is already in is refused.
    with pytest.raises(InputError, match="already in"):
        nurse.record(PhaseStarted(at=nurse.now(), phase="intention"))


def test_a_refused_entry_records_nothing(store: EventStore) -> None:
    therapist, _ = two_terminals(store)
    before = store.last_seq(therapist.session_id)
    with pytest.raises(InputError):
        therapist.record(partial(commands.give_dose, mg="400", now=therapist.now()))
    assert store.last_seq(therapist.session_id) == before
    assert store.session(therapist.session_id).event_count == 1


def test_the_series_number_is_counted_under_the_lock(store: EventStore) -> None:
    preset = default_library().get("sublingual-troche")
    numbers = []
    for _ in range(3):

        def opened(history: list) -> object:
            number, last = series_so_far(history)
            return commands.open_session(
                client_name="c.d.", preset=preset, now=START, series_number=number, previous_dose_mg=last
            )

        numbers.append(store.create_session_checked("C.D.", opened)[1].series_number)
    assert numbers == [1, 2, 3]
    with pytest.raises(Exception, match="another client"):
        store.create_session_checked(
            "E.F.", lambda _history: commands.open_session(client_name="G.H.", preset=preset, now=START)
        )


def test_a_close_built_before_an_alarm_from_another_terminal_is_refused(store: EventStore) -> None:
    therapist, nurse = two_terminals(store, "sublingual-troche")
    close = commands.close_session(therapist.state(), therapist.now(), "test: discharged")  # nothing open yet
    nurse.record(partial(commands.raise_alert, message="client feels faint", now=nurse.now()))
    with pytest.raises(InputError, match="1 alarm not acknowledged: CHECK client feels faint"):
        therapist.record(close)
    with pytest.raises(InputError, match="alarm not acknowledged"):
        nurse.record(partial(commands.close_session, now=nurse.now(), early_reason="test: discharged"))
    assert not kinds(therapist, SessionClosed)
    nurse.record(partial(commands.acknowledge, now=nurse.now()))
    closed = therapist.record(partial(commands.close_session, now=therapist.now(), early_reason="test: discharged"))
    assert isinstance(closed, SessionClosed) and closed.alarms[0].startswith("CHECK client feels faint (raised ")
