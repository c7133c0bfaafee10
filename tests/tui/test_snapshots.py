"""Visual regression: SVG snapshots (pytest-textual-snapshot) of the live screen in every theme
and of what opens from it, of home and what opens from it (a client's course among them), and of
the passphrase prompt of an encrypted store. A change to how a screen looks fails here until the
snapshots are updated on purpose (`pytest tests/tui/test_snapshots.py --snapshot-update`, then
look at the changed SVGs). Everything is pinned: a ManualClock, TZ=UTC (conftest), fixed session
and client ids, no blinking cursor."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from kapsession.core import commands
from kapsession.presets import default_library
from kapsession.store.event_store import EventStore

try:
    from .conftest import LiveTestApp, advance_to_mid_peak, freeze_cursor, shipped_theme_names, type_text
except ImportError:
    from live_support import LiveTestApp, advance_to_mid_peak, freeze_cursor, shipped_theme_names, type_text

SIZES = [(80, 24), (120, 40)]


def mid_peak_app(session: Any, theme: str = "dim-room") -> LiveTestApp:
    """The live screen mid-peak with a high blood pressure alert open."""
    advance_to_mid_peak(session)
    session.add(commands.record_vitals, "192/112 124 91", session.clock.now())
    return LiveTestApp(session.log, theme_name=theme)


def after(*keys: str, text: str = ""):
    """A run_before that presses `keys`, types `text`, and lets the screen settle unblinking."""

    async def run_before(pilot: Any) -> None:
        await pilot.pause()
        if keys:
            await pilot.press(*keys)
        if text:
            await type_text(pilot, text)
        await pilot.pause()
        freeze_cursor(pilot.app)
        await pilot.pause()

    return run_before


@pytest.mark.parametrize("size", SIZES, ids=lambda size: f"{size[0]}x{size[1]}")
@pytest.mark.parametrize("theme", shipped_theme_names())
def test_live_mid_peak_with_an_alarm(snap_compare, session, theme: str, size: tuple[int, int]) -> None:
    assert snap_compare(mid_peak_app(session, theme), terminal_size=size, run_before=after())


@pytest.mark.parametrize(
    ("keys", "text"),
    [
        (("v",), "128/82 76 97"),  # the vitals entry line with a reading typed
        (("n",), "settling, hands open"),  # the note dialog
        (("d",), ""),  # the dose dialog
        (("x",), ""),  # the discharge checklist
        (("w",), ""),  # the client view, with the alarm's quiet dot in its corner
        (("r",), ""),  # the summary preview
        (("t",), ""),  # intake and screening
        (("u",), ""),  # strike or correct an entry
        (("N",), ""),  # the next session
        (("question_mark",), ""),  # help
    ],
    ids=["vitals-line", "note", "dose", "discharge", "client-view", "preview", "intake", "correct", "next", "help"],
)
def test_what_opens_from_the_live_screen(snap_compare, session, keys: tuple[str, ...], text: str) -> None:
    assert snap_compare(mid_peak_app(session), terminal_size=(80, 24), run_before=after(*keys, text=text))


@pytest.fixture
def fixed_session_ids(monkeypatch: pytest.MonkeyPatch) -> None:
    """Session ids show on home and in the debrief; the store draws them at random, so here they
    are drawn from a fixed sequence instead (the store takes no id from outside)."""
    ids = iter(f"snap{n:02d}" for n in range(10, 100))
    monkeypatch.setattr("kapsession.store.event_store.new_session_id", lambda: next(ids))


@pytest.fixture
def fixed_client_ids(monkeypatch: pytest.MonkeyPatch) -> None:
    """Client ids show in the client list and on the course; `new_client_id` draws them at random,
    so here they come from a fixed sequence instead. A candidate the store already holds is passed
    over, as the real draw passes over a clash."""
    from kapsession.store.clients import CLIENT_PREFIX
    from kapsession.store.session_ids import ALPHABET

    candidates = iter(f"{CLIENT_PREFIX}snap{letter}" for letter in ALPHABET)

    def next_free_client_id(connection: sqlite3.Connection) -> str:
        for candidate in candidates:
            if connection.execute("SELECT 1 FROM clients WHERE id = ?", (candidate,)).fetchone() is None:
                return candidate
        raise AssertionError("the fixed client ids ran out")

    # Replaced where create_client and the clients migration look it up, in kapsession.store.clients.
    monkeypatch.setattr("kapsession.store.clients.new_client_id", next_free_client_id)


@pytest.fixture
def config_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Settings and themes of this test only (KAPSESSION_CONFIG_DIR, as test_home does)."""
    directory = tmp_path / "config"
    monkeypatch.setenv("KAPSESSION_CONFIG_DIR", str(directory))
    return directory


@pytest.mark.parametrize("size", SIZES, ids=lambda size: f"{size[0]}x{size[1]}")
def test_home_with_an_open_a_closed_and_an_interrupted_session(
    snap_compare, tmp_path: Path, fixed_session_ids: None, config_dir: Path, size: tuple[int, int]
) -> None:
    from tests.tui.test_home import make_app, seed

    data_dir = tmp_path / "data"
    library = default_library()
    with EventStore(data_dir) as store:
        seed(store, library, "A.B.", hours_ago=24 * 7, phase="integration", closed=True, dose=150)
        seed(store, library, "C.D.", hours_ago=2, preset="intramuscular", phase="peak", dose=50)  # interrupted
        seed(store, library, "E.F.", hours_ago=0.5, preset="iv-infusion")  # opened, not started
    assert snap_compare(make_app(data_dir), terminal_size=size, run_before=after())


def test_practice_debrief(snap_compare, tmp_path: Path, fixed_session_ids: None, config_dir: Path) -> None:
    from kapsession.tui.screens.practice import DebriefScreen, practice_app
    from tests.practice.test_practice_cli import rehearsal

    data_dir = tmp_path / "data"
    session_id = rehearsal(data_dir)
    app = practice_app(data_dir, lambda: DebriefScreen(session_id))

    async def debrief_drawn(pilot: Any) -> None:
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=debrief_drawn)


@pytest.mark.parametrize(
    "keys",
    [("n",), ("s",), ("p",)],
    ids=["new-session", "settings", "practice-picker"],
)
def test_what_opens_from_home(
    snap_compare, tmp_path: Path, fixed_session_ids: None, config_dir: Path, keys: tuple[str, ...]
) -> None:
    from tests.tui.test_home import make_app, seed

    data_dir = tmp_path / "data"
    library = default_library()
    with EventStore(data_dir) as store:
        seed(store, library, "A.B.", hours_ago=24 * 7, phase="integration", closed=True, dose=150)
    assert snap_compare(make_app(data_dir), terminal_size=(80, 24), run_before=after(*keys))


@pytest.mark.parametrize(
    ("keys", "size"),
    [
        (("c",), (80, 24)),  # the client list over home
        (("c", "enter"), (80, 24)),  # the course of the first client
        (("c", "enter"), (120, 40)),  # the same, with the taller chart
    ],
    ids=["client-list", "course-80x24", "course-120x40"],
)
def test_a_clients_course_from_home(
    snap_compare,
    tmp_path: Path,
    fixed_session_ids: None,
    fixed_client_ids: None,
    config_dir: Path,
    keys: tuple[str, ...],
    size: tuple[int, int],
) -> None:
    """Beside test_what_opens_from_home, not in it: a course needs sessions of its own, and they
    would show on the home list under that test's dialogs."""
    from kapsession.core.clock import ManualClock
    from kapsession.store.clients import ClientBook
    from kapsession.tui.app import KapsessionApp
    from tests.course.course_story import START, record_course

    data_dir = tmp_path / "data"
    # Five of six sessions of the fictional course: PHQ-9 and GAD-7 falling to remission, a rising
    # dose, a blood pressure spike with a side effect in the second, the sixth planned.
    record_course(data_dir, 5)
    with EventStore(data_dir) as store:
        ClientBook(store).add("T.Q.", START - timedelta(days=7))  # a second client, with no session yet
    app = KapsessionApp(data_dir, clock=ManualClock(START + timedelta(days=16)))  # type: ignore[arg-type]
    assert snap_compare(app, terminal_size=size, run_before=after(*keys))


PASSPHRASE = "made-up passphrase for the snapshot"


@pytest.mark.parametrize("typed", ["", "not the passphrase"], ids=["asked", "refused"])
def test_the_passphrase_prompt(
    snap_compare, tmp_path: Path, config_dir: Path, monkeypatch: pytest.MonkeyPatch, typed: str
) -> None:
    """The dialog as it opens, and after a wrong passphrase (the field emptied, one sentence)."""
    from kapsession.store.maintenance import encrypt
    from kapsession.tui.screens.passphrase import PassphraseApp

    monkeypatch.delenv("KAPSESSION_PASSPHRASE", raising=False)
    data_dir = tmp_path / "data"
    encrypt(data_dir, PASSPHRASE)

    async def run_before(pilot: Any) -> None:
        await pilot.pause()
        if typed:
            await type_text(pilot, typed)
            await pilot.press("enter")
            await pilot.app.workers.wait_for_complete()  # the key derivation runs in a thread
            await pilot.pause()
        freeze_cursor(pilot.app)
        await pilot.pause()

    assert snap_compare(PassphraseApp(data_dir), terminal_size=(80, 24), run_before=run_before)
