"""Clients in the store: the migration from the first schema, finding by id or name, new sessions
joining their client, merge and its undoing, the course read back."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from kapsession.core.errors import InputError, NotFoundError
from kapsession.core.events import Client, QuestionnaireAnswered, SessionOpened
from kapsession.locations import DATABASE_NAME
from kapsession.presets import default_library
from kapsession.store import EventStore
from kapsession.store.clients import ClientBook
from kapsession.store.schema import SCHEMA_VERSION, _v1

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def opened(name: str, days: float = 0, practice: bool = False) -> SessionOpened:
    return SessionOpened(
        at=T0 + timedelta(days=days), client=Client(name=name), preset="sublingual-troche", practice=practice
    )


def _first_schema_database(folder: Path, sessions: list[tuple[str, str, bool]]) -> None:
    """A database as the first release wrote it: schema 1, sessions and their opening events."""
    connection = sqlite3.connect(folder / DATABASE_NAME, isolation_level=None)
    _v1(connection)
    for index, (session_id, name, practice) in enumerate(sessions):
        at = (T0 + timedelta(days=index)).isoformat(timespec="microseconds")
        connection.execute(
            "INSERT INTO sessions (id, client_name, client_key, preset, series_number, practice, created_at, "
            "last_event_at, event_count) VALUES (?, ?, ?, 'sublingual-troche', ?, ?, ?, ?, 1)",
            (session_id, name, name.casefold(), index + 1, int(practice), at, at),
        )
        body = {
            "type": "session_opened",
            "client": {"name": name},
            "preset": "sublingual-troche",
            "series_number": index + 1,
            "practice": practice,
        }
        connection.execute(
            "INSERT INTO events (session_id, type, at, recorded_at, body) VALUES (?, ?, ?, ?, ?)",
            (session_id, "session_opened", at, at, json.dumps(body)),
        )
    connection.execute("PRAGMA user_version = 1")
    connection.close()


def test_a_first_schema_database_gets_one_client_per_name(tmp_path: Path) -> None:
    _first_schema_database(
        tmp_path,
        [
            ("aaaaaa", "Jo Smith", False),
            ("bbbbbb", "jo smith", False),
            ("cccccc", "JoSmith ", False),
            ("dddddd", "Ana", False),
            ("eeeeee", "Jo Smith", True),
            ("ffffff", "J. Smith", False),
        ],
    )
    with EventStore(tmp_path) as store:
        assert store.connection.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        book = ClientBook(store)
        rows = {row.name: (row, count) for row, count, _ in book.rows()}
        assert set(rows) == {"JoSmith", "Ana", "J. Smith"}  # named as in the newest session
        jo = rows["JoSmith"][0].id
        assert rows["JoSmith"][1] == 3 and rows["Ana"][1] == 1
        assert [row.id for row in book.sessions(jo)] == ["aaaaaa", "bbbbbb", "cccccc"]
        assert book.find("jo smith") == jo and book.find("JOSMITH") == jo and book.find(jo.upper()) == jo
        assert book.client_of_session("eeeeee") is None  # a rehearsal has no client
        assert [row.id for row in store.client_history(" JO  smith")] == ["aaaaaa", "bbbbbb", "cccccc"]
        # The old sessions still read, and a new one joins the migrated client.
        assert store.events("aaaaaa")[0].client.name == "Jo Smith"  # type: ignore[attr-defined]
        new_id, _ = store.create_session(opened("jo SMITH", days=9))
        assert book.client_of_session(new_id) == jo


def test_new_sessions_find_or_create_their_client(tmp_path: Path) -> None:
    with EventStore(tmp_path) as store:
        book = ClientBook(store)
        first, _ = store.create_session(opened("A.B."))
        second, _ = store.create_session(opened("a. b.", days=3))
        assert book.client_of_session(first) == book.client_of_session(second)
        twin = book.add("A.B.", T0, allow_same_name=True)
        with pytest.raises(InputError, match="2 clients are called 'A.B.'"):
            store.create_session(opened("A.B.", days=4))
        assert len(store.list_sessions()) == 2  # nothing recorded
        third, _ = store.create_session(opened("A.B.", days=4), client_id=twin)
        fourth, _ = store.create_session(opened("A.B.", days=5), new_client=True)
        assert book.client_of_session(third) == twin
        assert book.client_of_session(fourth) not in (twin, book.client_of_session(first))
        with pytest.raises(NotFoundError):
            store.create_session(opened("A.B."), client_id="c-zzzzz")


def test_find_suggests_the_closest_and_refuses_a_duplicate_add(tmp_path: Path) -> None:
    with EventStore(tmp_path) as store:
        book = ClientBook(store)
        robin = book.add("Robin Hart", T0)
        with pytest.raises(NotFoundError, match=f"did you mean {robin} \\(Robin Hart\\)"):
            book.find("Robin Heart")
        with pytest.raises(InputError, match="already recorded"):
            book.add("robin hart", T0)
        with pytest.raises(InputError, match="give a client's id or name"):
            book.find("  ")


def test_merge_joins_two_records_and_undoing_it_puts_them_back(tmp_path: Path) -> None:
    with EventStore(tmp_path) as store:
        book = ClientBook(store)
        one, _ = store.create_session(opened("Sam Lee"))
        two, _ = store.create_session(opened("Samuel Lee", days=3))
        sam, samuel = book.client_of_session(one), book.client_of_session(two)
        assert sam and samuel and sam != samuel
        book.append(samuel, QuestionnaireAnswered(at=T0 + timedelta(days=2), instrument="phq9", answers=(1,) * 9))
        with pytest.raises(InputError, match="cannot be merged with itself"):
            book.merge(sam, sam, T0)
        book.merge(samuel, sam, T0 + timedelta(days=4))
        assert [row.id for row in book.sessions(sam)] == [one, two]
        assert [row.id for row, _, _ in book.rows()] == [sam]
        assert book.client_of_session(two) == sam and book.find(samuel) == samuel
        course = book.course(sam, T0 + timedelta(days=5), library=default_library())
        assert [s.label for s in course.sessions] == ["Session 1 of 6", "Session 2 of 6"]
        assert [score.total for score in course.scores] == [9]
        with pytest.raises(InputError, match="already merged"):
            book.merge(samuel, sam, T0)
        with pytest.raises(InputError, match="loop"):
            book.merge(sam, samuel, T0)
        book.unmerge(samuel, T0 + timedelta(days=6))
        assert [row.id for row in book.sessions(sam)] == [one]
        assert book.record(samuel).merged_into is None
        assert [type(e).__name__ for e in book.record(samuel).events] == [
            "ClientCreated",
            "QuestionnaireAnswered",
            "ClientMerged",
            "ClientMergeUndone",
        ]


def test_the_course_counts_boosters_after_the_planned_series(tmp_path: Path) -> None:
    with EventStore(tmp_path) as store:
        book = ClientBook(store)
        ids = [store.create_session(opened("K", days=day))[0] for day in range(4)]
        store.create_session(opened("K", days=1.5, practice=True))
        client = book.client_of_session(ids[0])
        assert client is not None
        book.plan(client, 3, "every Monday and Thursday at 10:00", T0)
        course = book.course(client, T0 + timedelta(days=5), library=default_library())
        assert [s.label for s in course.sessions] == ["Session 1 of 3", "Session 2 of 3", "Session 3 of 3", "Booster 1"]
        assert course.position == "3 of 3 sessions, 1 booster" and course.next_label() == "Booster 2"
        with pytest.raises(InputError, match="not a schedule"):
            book.plan(client, 3, "now and then", T0)
