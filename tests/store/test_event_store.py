"""The event store on real SQLite files: what goes in comes back, the listing row (projection)
follows every event without replaying, and ids, history and practice sessions behave."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from kapsession.core.errors import NotFoundError, StoreError
from kapsession.core.events import (
    Client,
    DoseGiven,
    EntryStruck,
    PhaseStarted,
    SessionClosed,
    SessionOpened,
    VitalsRecorded,
)
from kapsession.core.vitals import VitalsReading
from kapsession.store import EventStore
from kapsession.store.event_store import series_defaults
from kapsession.store.live_lock import live_lock_for
from kapsession.store.session_ids import ALPHABET, LENGTH

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def opened(name: str = "A.B.", practice: bool = False, minutes: float = 0) -> SessionOpened:
    return SessionOpened(at=at(minutes), client=Client(name=name), preset="sublingual-troche", practice=practice)


@pytest.fixture
def store(engine_store: EventStore) -> EventStore:
    return engine_store  # SQLite and PostgreSQL (tests/store/conftest.py)


def test_ids_are_short_and_unambiguous(store: EventStore) -> None:
    ids = {store.create_session(opened())[0] for _ in range(30)}
    assert len(ids) == 30
    for session_id in ids:
        assert len(session_id) == LENGTH and set(session_id) <= set(ALPHABET)
        assert not set(session_id) & set("01lio")


def test_the_listing_row_follows_each_event(store: EventStore) -> None:
    session_id, first = store.create_session(opened())
    assert first.seq is not None and first.recorded_at is not None
    row = store.session(session_id)
    assert (row.state, row.phase, row.started_at, row.event_count) == ("planned", None, None, 1)
    store.append(session_id, PhaseStarted(at=at(5), phase="intake"))
    store.append(session_id, PhaseStarted(at=at(20), phase="intention"))
    store.append(session_id, DoseGiven(at=at(32), route="sublingual", mg=200))
    store.append(session_id, DoseGiven(at=at(30), route="sublingual", mg=50))  # backdated, earlier
    row = store.session(session_id)
    assert row.state == "intention" and row.started_at == at(5)
    assert row.first_dose_at == at(30) and row.dose_mg == 250
    assert row.event_count == 5 and row.last_event_at == at(32)
    store.append(session_id, SessionClosed(at=at(150)))
    row = store.session(session_id)
    assert row.state == "closed" and row.closed_at == at(150)


def test_a_backdated_phase_change_is_not_the_current_phase(store: EventStore) -> None:
    session_id, _ = store.create_session(opened())
    store.append(session_id, PhaseStarted(at=at(5), phase="intake"))
    store.append(session_id, PhaseStarted(at=at(25), phase="intention"))
    store.append(session_id, PhaseStarted(at=at(15), phase="recovery"))  # backdated between them
    assert store.session(session_id).phase == "intention"


def test_a_strike_rebuilds_the_listing_row(store: EventStore) -> None:
    session_id, _ = store.create_session(opened())
    store.append(session_id, PhaseStarted(at=at(5), phase="intake"))
    wrong = store.append(session_id, PhaseStarted(at=at(30), phase="peak"))
    dose = store.append(session_id, DoseGiven(at=at(31), route="sublingual", mg=200))
    store.append(session_id, EntryStruck(at=at(32), target_seq=wrong.seq, reason="wrong phase"))  # type: ignore[arg-type]
    store.append(session_id, EntryStruck(at=at(33), target_seq=dose.seq, reason="wrong session"))  # type: ignore[arg-type]
    row = store.session(session_id)
    assert row.phase == "intake" and row.first_dose_at is None and row.dose_mg is None
    # A later change backdated before the struck one is still the current phase.
    store.append(session_id, PhaseStarted(at=at(20), phase="intention"))
    assert store.session(session_id).phase == "intention"
    assert store.session(session_id).event_count == 7


def test_events_after_a_seq(store: EventStore) -> None:
    session_id, _ = store.create_session(opened())
    other, _ = store.create_session(opened("C.D."))
    seqs = [
        store.append(session_id, VitalsRecorded(at=at(n), reading=VitalsReading(heart_rate=70 + n))).seq
        for n in range(3)
    ]
    store.append(other, VitalsRecorded(at=at(1), reading=VitalsReading(heart_rate=99)))
    assert [e.seq for e in store.events(session_id, after_seq=seqs[0])] == seqs[1:]
    assert store.last_seq(session_id) == seqs[-1]
    assert len(store.events(other)) == 2


def test_a_session_is_opened_only_once(store: EventStore) -> None:
    session_id, _ = store.create_session(opened())
    with pytest.raises(StoreError, match="create_session"):
        store.append(session_id, opened())


def test_resolve_accepts_any_case_and_suggests_the_closest(store: EventStore) -> None:
    session_id, _ = store.create_session(opened())
    assert store.resolve(f"  {session_id.upper()} ") == session_id
    typo = session_id[:-1] + ("x" if session_id[-1] != "x" else "y")
    with pytest.raises(NotFoundError, match=f"did you mean {session_id}\\?"):
        store.resolve(typo)
    with pytest.raises(NotFoundError, match="`kapsession sessions` lists them"):
        store.resolve("q")


def test_resolve_in_an_empty_store(store: EventStore) -> None:
    with pytest.raises(NotFoundError, match="no sessions are stored yet"):
        store.resolve("abcdef")


def test_practice_sessions_stay_out_of_the_record(store: EventStore) -> None:
    first, _ = store.create_session(opened("Jo", minutes=0))
    practice, _ = store.create_session(opened("jo ", practice=True, minutes=10))
    second, _ = store.create_session(opened("JO", minutes=20))
    store.append(first, DoseGiven(at=at(1), route="sublingual", mg=150))
    store.append(practice, DoseGiven(at=at(11), route="sublingual", mg=400))
    assert [row.id for row in store.client_history(" jo")] == [first, second]
    assert [row.id for row in store.list_sessions()] == [second, first]
    assert [row.id for row in store.list_sessions(practice=True)] == [practice]
    assert len(store.list_sessions(practice=None)) == 3
    assert series_defaults(store, "Jo") == (3, 150)
    with pytest.raises(StoreError, match="only practice sessions can be deleted"):
        store.delete_practice_session(first)
    store.delete_practice_session(practice)
    assert store.list_sessions(practice=True) == []
    assert store.events(practice) == []


def test_an_interrupted_session_is_one_started_unclosed_and_not_on_a_screen(store: EventStore, tmp_path: Path) -> None:
    running, _ = store.create_session(opened())
    planned, _ = store.create_session(opened("C.D."))
    closed, _ = store.create_session(opened("E.F."))
    for session_id in (running, closed):
        store.append(session_id, PhaseStarted(at=at(1), phase="intake"))
    store.append(closed, SessionClosed(at=at(100)))
    # Never on a screen (written only through the store, as from the command line): open.
    assert store.sessions_off_screen() == ([], [store.session(running)])
    died = live_lock_for(store, running)  # a screen took it up and died (let go without "Leave")
    assert died.acquire()
    died.release()
    assert [row.id for row in store.sessions_off_screen()[0]] == [running]
    lock = live_lock_for(store, running)  # SQLite: this machine's lock file; PostgreSQL: the server's
    assert lock.acquire()
    try:
        assert not live_lock_for(store, running).acquire()
        assert store.sessions_off_screen() == ([], [])  # on a screen
    finally:
        lock.release()
    assert [row.id for row in store.sessions_off_screen()[0]] == [running]
    assert planned not in [row.id for row in store.sessions_off_screen()[0]]


def test_a_session_left_open_on_purpose_is_not_interrupted_until_a_screen_takes_it_up_again(
    store: EventStore, tmp_path: Path
) -> None:
    running, _ = store.create_session(opened())
    store.append(running, PhaseStarted(at=at(1), phase="intake"))
    lock = live_lock_for(store, running)
    assert lock.acquire()
    lock.release(left_open=True)  # "Leave" on the live screen, the session still open
    assert store.sessions_off_screen()[0] == []
    assert [row.id for row in store.sessions_off_screen()[1]] == [running]
    marker = store.data_dir / "locks" / f"{running}.left"
    if not hasattr(store, "screen_lease"):  # (a server keeps the mark in session_screens)
        assert marker.stat().st_mode & 0o777 == 0o600
    # Taken up again, then the app dies: interrupted, as any session that stops on a screen.
    again = live_lock_for(store, running)
    assert again.acquire()
    assert store.sessions_off_screen()[1] == [] and store.sessions_off_screen()[0] == []  # (on a screen)
    again.release()
    assert [row.id for row in store.sessions_off_screen()[0]] == [running]
    assert store.sessions_off_screen()[1] == []
