"""The home screen and the new-session form, driven with the keys a therapist presses.

Each test gets its own data dir (the `data_dir` constructor argument, as `--data-dir` gives) and
config dir (KAPSESSION_CONFIG_DIR), so settings and themes never leak between tests. The live
screen is stood in for by a small fake (engineer-independent; these tests are about getting
there), so what is asserted is which session the app opened and what the store holds.
"""

from __future__ import annotations

import sys
import types
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Static

from kapsession.core import commands
from kapsession.core.clock import ManualClock
from kapsession.core.events import DoseGiven, PhaseStarted, SessionClosed
from kapsession.core.preset_library import PresetLibrary
from kapsession.presets import default_library
from kapsession.store.event_store import EventStore, series_defaults
from kapsession.store.live_lock import LiveLock
from kapsession.tui.app import KapsessionApp
from kapsession.tui.widgets.session_list import SessionList

NOW = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
SIZES = [(80, 24), (120, 40)]


class FakeLive(Screen[None]):
    """Stands in for kapsession.tui.screens.live.LiveScreen(log, practice=None)."""

    def __init__(self, log, practice=None) -> None:
        super().__init__()
        self.session_log = log
        self.practice = practice

    def compose(self) -> ComposeResult:
        yield Static(f"LIVE {self.session_log.session_id}", id="fake-live")


@pytest.fixture(autouse=True)
def config_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    directory = tmp_path / "config"
    monkeypatch.setenv("KAPSESSION_CONFIG_DIR", str(directory))
    return directory


@pytest.fixture
def fake_live(monkeypatch: pytest.MonkeyPatch) -> type[FakeLive]:
    module = types.ModuleType("kapsession.tui.screens.live")
    module.LiveScreen = FakeLive  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "kapsession.tui.screens.live", module)
    return FakeLive


@pytest.fixture(scope="module")
def library() -> PresetLibrary:
    return default_library()


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


def seed(
    store: EventStore,
    library: PresetLibrary,
    name: str,
    *,
    hours_ago: float,
    preset: str = "sublingual-troche",
    practice: bool = False,
    phase: str | None = None,
    closed: bool = False,
    dose: float | None = None,
) -> str:
    at = NOW - timedelta(hours=hours_ago)
    number, last = (1, None) if practice else series_defaults(store, name)
    opened = commands.open_session(
        client_name=name,
        preset=library.get(preset),
        now=at,
        series_number=number,
        previous_dose_mg=last,
        practice=practice,
    )
    session_id, _ = store.create_session(opened)
    if phase:
        store.append(session_id, PhaseStarted(at=at + timedelta(minutes=1), phase="intake"))
        if phase != "intake":
            store.append(session_id, PhaseStarted(at=at + timedelta(minutes=30), phase=phase))
    if dose:
        store.append(session_id, DoseGiven(at=at + timedelta(minutes=35), route=library.get(preset).route, mg=dose))
    if closed:
        store.append(session_id, SessionClosed(at=at + timedelta(minutes=170)))
    elif phase:
        died_on_a_screen(store.data_dir, session_id)
    return session_id


def died_on_a_screen(data_dir: Path, session_id: str) -> None:
    """A live screen held the session and let go without "Leave" (as when it dies): interrupted."""
    lock = LiveLock(data_dir, session_id)
    assert lock.acquire()
    lock.release()


def make_app(data_dir: Path, **kwargs: object) -> KapsessionApp:
    return KapsessionApp(data_dir, clock=ManualClock(NOW), **kwargs)  # type: ignore[arg-type]


def text_of(app: KapsessionApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


def table_rows(app: KapsessionApp) -> dict[str, list[str]]:
    table = app.screen.query_one("#sessions", SessionList)
    return {row_key.value: [str(cell) for cell in table.get_row(row_key)] for row_key in table.rows}


# -- the list ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("size", SIZES)
async def test_home_lists_sessions_newest_first_with_practice_marked(
    data_dir: Path, library: PresetLibrary, size: tuple[int, int]
) -> None:
    with EventStore(data_dir) as store:
        old = seed(store, library, "A.B.", hours_ago=24 * 7, phase="integration", closed=True, dose=150)
        practice = seed(store, library, "Trainee run", hours_ago=5, practice=True, phase="peak", closed=True)
        today = seed(store, library, "C.D.", hours_ago=2, preset="intramuscular", phase="integration", closed=True)
        planned = seed(store, library, "E.F.", hours_ago=0.5, preset="iv-infusion")
    app = make_app(data_dir)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        rows = table_rows(app)
        assert list(rows) == [planned, today, practice, old]
        assert rows[today][1:] == ["C.D.", "1", "intramuscular", "closed"]
        assert rows[practice][2] == "PRACTICE"
        assert rows[planned][4] == "not started"
        assert rows[old][0].startswith("23 Feb")
        assert "Today: 3 sessions" in text_of(app, "#home-heading")
        assert app.screen.query_one("#interrupted").has_class("hidden")


async def test_home_shows_only_the_200_most_recent(data_dir: Path, library: PresetLibrary) -> None:
    with EventStore(data_dir) as store:
        preset = library.get("sublingual-troche")
        for index in range(230):
            opened = commands.open_session(
                client_name=f"Client {index}", preset=preset, now=NOW - timedelta(hours=230 - index)
            )
            store.create_session(opened)
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.screen.query_one("#sessions", SessionList).row_count == 200
        assert "the 200 most recent" in text_of(app, "#home-heading")


async def test_empty_data_dir_says_what_to_do(data_dir: Path) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "Press n to start a new session" in text_of(app, "#home-empty")
        assert not app.screen.query_one("#home-empty").has_class("hidden")


async def test_enter_opens_the_selected_session(data_dir: Path, library: PresetLibrary, fake_live) -> None:
    with EventStore(data_dir) as store:
        older = seed(store, library, "A.B.", hours_ago=30, phase="integration", closed=True)
        newer = seed(store, library, "C.D.", hours_ago=1, phase="integration", closed=True)
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("down", "enter")
        await pilot.pause()
        assert isinstance(app.screen, FakeLive)
        assert app.screen.session_log.session_id == older
        assert app.screen.session_log.clock is app.clock
        app.pop_screen()
        await pilot.pause()
        await pilot.press("up", "r")
        await pilot.pause()
        assert app.screen.session_log.session_id == newer


# -- interrupted -------------------------------------------------------------------------------------


async def test_interrupted_session_is_announced_first_and_i_resumes_it(
    data_dir: Path, library: PresetLibrary, fake_live
) -> None:
    with EventStore(data_dir) as store:
        interrupted = seed(store, library, "G.H.", hours_ago=1, phase="peak", dose=200)
        seed(store, library, "A.B.", hours_ago=0.5)  # newer, but only planned
        seed(store, library, "C.D.", hours_ago=3, phase="integration", closed=True)
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        banner = app.screen.query_one("#interrupted", Static)
        assert not banner.has_class("hidden")
        words = text_of(app, "#interrupted")
        assert "INTERRUPTED SESSION" in words and "G.H." in words and "Peak" in words
        assert "Press  i  to resume" in words
        # First: above the list on the screen.
        assert banner.region.y < app.screen.query_one("#sessions").region.y
        assert table_rows(app)[interrupted][4] == "⚠ Peak"
        await pilot.press("i")
        await pilot.pause()
        assert isinstance(app.screen, FakeLive)
        assert app.screen.session_log.session_id == interrupted


async def test_a_session_open_on_another_screen_is_not_interrupted(data_dir: Path, library: PresetLibrary) -> None:
    with EventStore(data_dir) as store:
        running = seed(store, library, "G.H.", hours_ago=1, phase="peak")
    lock = LiveLock(data_dir, running)
    assert lock.acquire()
    try:
        app = make_app(data_dir)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            assert app.screen.query_one("#interrupted").has_class("hidden")
            await pilot.press("i")  # nothing to resume: the key is disabled
            await pilot.pause()
            assert app.screen.id == "home"
    finally:
        lock.release()


# -- new session -------------------------------------------------------------------------------------


async def type_text(pilot, text: str) -> None:
    for character in text:
        await pilot.press(character if character != " " else "space")


async def test_new_session_validates_and_records_nothing_until_valid(
    data_dir: Path, library: PresetLibrary, fake_live
) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        assert app.screen.id == "new-session"
        await pilot.press("enter")  # empty name
        await pilot.pause()
        assert "name or initials are needed" in text_of(app, "#client-error")
        assert app.store.list_sessions(practice=None) == []

        await type_text(pilot, "A.B.")
        await pilot.press("tab", "tab")  # preset, then weight
        await type_text(pilot, "5")
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.id == "new-session"
        assert "Weight 5 is out of range: accepted 20-350 kg" in text_of(app, "#weight-error")
        assert app.screen.query_one("#client-error").has_class("hidden")  # the name is fine now
        assert app.screen.query_one("#weight").value == "5"  # kept, to be fixed
        assert app.store.list_sessions(practice=None) == []

        await pilot.press("tab")
        await type_text(pilot, "99999")
        await pilot.press("enter")
        await pilot.pause()
        assert "planned dose" in text_of(app, "#dose-error").lower()
        assert app.store.list_sessions(practice=None) == []

        await pilot.press("escape")
        await pilot.pause()
        assert app.screen.id == "home"
        assert app.store.list_sessions(practice=None) == []


async def test_new_session_gets_its_series_number_and_last_dose_and_opens_live(
    data_dir: Path, library: PresetLibrary, fake_live
) -> None:
    with EventStore(data_dir) as store:
        seed(
            store, library, "A.B.", hours_ago=24 * 10, preset="intramuscular", phase="integration", closed=True, dose=50
        )
        seed(
            store, library, "A.B.", hours_ago=24 * 5, preset="intramuscular", phase="integration", closed=True, dose=75
        )
        seed(store, library, "A.B.", hours_ago=24 * 2, practice=True, phase="peak", closed=True, dose=300)
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        await type_text(pilot, "a.b.")  # any case: the same client
        await pilot.pause()
        info = text_of(app, "#series-info")
        assert "Session 3 of 6" in info and "Previous (Wed 25 Feb 2026): 75 mg" in info
        assert app.screen.query_one("#preset").value == "intramuscular"  # their last preset
        await pilot.press("tab", "tab")
        await type_text(pilot, "70")
        await pilot.press("tab")
        await type_text(pilot, "80")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, FakeLive)
        session_id = app.screen.session_log.session_id
        opened = app.store.events(session_id)[0]
        assert opened.series_number == 3
        assert opened.previous_dose_mg == 75
        assert opened.client.name == "A.B."  # the client's recorded name, however it was typed
        assert opened.client.weight_kg == 70
        assert opened.planned_dose_mg == 80
        assert opened.preset == "intramuscular"
        assert opened.practice is False
        assert opened.at == NOW
        assert len(app.store.list_sessions(practice=False)) == 3


async def test_new_session_for_a_new_client_is_number_one(data_dir: Path, fake_live) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        await type_text(pilot, "New Person")
        await pilot.pause()
        assert "the first for this client" in text_of(app, "#series-info")
        await pilot.press("enter")
        await pilot.pause()
        [row] = app.store.list_sessions(practice=None)
        assert (row.client_name, row.series_number) == ("New Person", 1)
        assert app.screen.session_log.session_id == row.id


# -- other keys ----------------------------------------------------------------------------------------


async def test_preview_needs_a_closed_session(data_dir: Path, library: PresetLibrary) -> None:
    with EventStore(data_dir) as store:
        seed(store, library, "G.H.", hours_ago=1, phase="peak")
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("v")
        await pilot.pause()
        assert any("once the session is closed" in n.message for n in app._notifications)
        assert app.screen.id == "home"


async def test_help_and_quit(data_dir: Path) -> None:
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("question_mark")
        await pilot.pause()
        assert "resume the interrupted session" in text_of(app, "#help-text")
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen.id == "home"
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0


async def test_home_keys_are_in_the_command_palette(data_dir: Path, library: PresetLibrary) -> None:
    with EventStore(data_dir) as store:
        seed(store, library, "A.B.", hours_ago=1, phase="peak")
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        names = [command.title for command in app.get_system_commands(app.screen)]
        for expected in (
            "Resume ⚠ (i)",
            "New (n)",
            "Open (r)",
            "Practice (p)",
            "Summary (v)",
            "Help (?)",
            "Bell",
            "Settings",
            "Theme",
            "Quit",
        ):
            assert expected in names, names
        assert names.count("Settings") == 1 and "Settings (s)" not in names
        assert not any("Cursor" in name for name in names)  # a widget's own keys stay out


# -- too small ----------------------------------------------------------------------------------------


async def test_a_small_window_asks_to_be_made_larger(data_dir: Path, library: PresetLibrary) -> None:
    with EventStore(data_dir) as store:
        seed(store, library, "A.B.", hours_ago=1)
    app = make_app(data_dir)
    async with app.run_test(size=(60, 20)) as pilot:
        await pilot.pause()
        assert type(app.screen).__name__ == "TooSmallScreen"
        message = text_of(app, "#too-small-message")
        assert "make the window larger" in message and "needs 80x24" in message and "60x20" in message
        await pilot.resize_terminal(100, 30)
        await pilot.pause(0.1)
        assert app.screen.id == "home"
        await pilot.resize_terminal(79, 30)
        await pilot.pause(0.1)
        assert type(app.screen).__name__ == "TooSmallScreen"


async def test_a_small_window_covers_a_live_screen_opened_at_startup(
    data_dir: Path, library: PresetLibrary, fake_live
) -> None:
    with EventStore(data_dir) as store:
        session_id = seed(store, library, "A.B.", hours_ago=1, phase="peak")
    app = make_app(data_dir, session_id=session_id)
    async with app.run_test(size=(60, 20)) as pilot:
        await pilot.pause()
        assert type(app.screen).__name__ == "TooSmallScreen"
        await pilot.resize_terminal(80, 24)
        await pilot.pause(0.1)
        assert isinstance(app.screen, FakeLive)


async def test_long_client_names_use_the_room_a_wide_screen_has(data_dir: Path, library: PresetLibrary) -> None:
    name = "Maria Lopez-Fernández de la Vega"
    with EventStore(data_dir) as store:
        session_id = seed(store, library, name, hours_ago=1)
    for size, shown in (((80, 24), "Maria Lopez-Fer…"), ((120, 40), name)):
        app = make_app(data_dir)
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            assert table_rows(app)[session_id][1] == shown


# -- the list itself (kapsession/tui/widgets/session_list.py) -------------------------------------------


def many(store: EventStore, library: PresetLibrary, count: int) -> list[str]:
    """`count` closed sessions an hour apart; returns their ids newest first."""
    ids = [
        seed(store, library, f"Client {index:03d}", hours_ago=count - index + 2, closed=True) for index in range(count)
    ]
    return ids[::-1]


async def test_the_list_moves_by_row_by_page_and_to_either_end(
    data_dir: Path, library: PresetLibrary, fake_live
) -> None:
    with EventStore(data_dir) as store:
        ids = many(store, library, 60)
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        table = app.screen.query_one("#sessions", SessionList)
        assert app.focused is table and app.screen.selected_id() == ids[0]
        page = table.scrollable_content_region.height - 1  # the lines under the header
        await pilot.press("down", "down")
        assert app.screen.selected_id() == ids[2]
        await pilot.press("pagedown")
        await pilot.pause()
        # The view turns a page and the cursor keeps its line on it.
        assert app.screen.selected_id() == ids[2 + page]
        assert round(table.scroll_y) == page
        lines = table.render_lines_text()
        assert lines[0].split() == ["Started", "Client", "No.", "Preset", "State"]  # the header stays
        assert f"Client {59 - 2 - page:03d}" in lines[3]  # ids[2 + page], on the line the cursor was on
        await pilot.press("end")
        await pilot.pause()
        assert app.screen.selected_id() == ids[-1]
        assert "Client 000" in table.render_lines_text()[-1]
        await pilot.press("pageup", "home")
        await pilot.pause()
        assert app.screen.selected_id() == ids[0] and round(table.scroll_y) == 0
        await pilot.press("up")  # already at the top: stays
        await pilot.press("down", "enter")
        await pilot.pause()
        assert isinstance(app.screen, FakeLive)
        assert app.screen.session_log.session_id == ids[1]
        app.pop_screen()
        await pilot.pause()
        assert app.screen.selected_id() == ids[1]  # still chosen after coming back


async def test_a_click_chooses_a_session_and_a_second_click_opens_it(
    data_dir: Path, library: PresetLibrary, fake_live
) -> None:
    with EventStore(data_dir) as store:
        ids = many(store, library, 5)
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.click("#sessions", offset=(4, 3))  # the third session (the header is line 0)
        await pilot.pause()
        assert app.screen.id == "home" and app.screen.selected_id() == ids[2]
        await pilot.click("#sessions", offset=(4, 0))  # the header: nothing
        await pilot.pause()
        assert app.screen.id == "home" and app.screen.selected_id() == ids[2]
        await pilot.click("#sessions", offset=(20, 3))
        await pilot.pause()
        assert isinstance(app.screen, FakeLive)
        assert app.screen.session_log.session_id == ids[2]


async def test_an_interrupted_session_far_down_the_list_is_chosen_and_in_view(
    data_dir: Path, library: PresetLibrary
) -> None:
    with EventStore(data_dir) as store:
        interrupted = seed(store, library, "G.H.", hours_ago=200, phase="peak", dose=200)
        many(store, library, 60)
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        table = app.screen.query_one("#sessions", SessionList)
        assert app.screen.selected_id() == interrupted
        assert table.get_row_index(interrupted) == 60
        assert any("G.H." in line and "⚠ Peak" in line for line in table.render_lines_text())


@pytest.mark.parametrize("size", SIZES)
async def test_every_column_is_readable_at_80_and_120_columns(
    data_dir: Path, library: PresetLibrary, size: tuple[int, int]
) -> None:
    """The widest rows there are (a long name, a practice run, an interrupted session in a long
    phase, the longest preset): the state is never cut off; only a name gives up room."""
    with EventStore(data_dir) as store:
        seed(
            store,
            library,
            "Trainee run",
            hours_ago=3,
            preset="intranasal-esketamine",
            practice=True,
            phase="peak",
            closed=True,
        )
        seed(
            store,
            library,
            "Maria Lopez-Fernández de la Vega",
            hours_ago=2,
            preset="intranasal-esketamine",
            phase="integration",
            dose=56,
        )
        seed(store, library, "A.B.", hours_ago=1, preset="intranasal-esketamine", phase="dose-onset", dose=56)
    app = make_app(data_dir)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        table = app.screen.query_one("#sessions", SessionList)
        lines = [line.rstrip() for line in table.render_lines_text()[:4]]
        width = table.scrollable_content_region.width
        assert all(len(line) <= width for line in lines)
        assert lines[1].endswith("⚠ Dose & onset") and lines[2].endswith("⚠ Integration talk")
        assert lines[3].endswith("closed") and "PRACTICE" in lines[3]
        assert ("Maria Lopez-Fernández de la Vega" if size[0] >= 120 else "Maria Lopez-Fer") in lines[2]
        assert ("intranasal-esketamine" if size[0] >= 120 else "intranasal-") in lines[1]


# -- with the real screens the keys lead to ------------------------------------------------------------


async def test_i_opens_the_real_live_screen_on_the_interrupted_session(data_dir: Path, library: PresetLibrary) -> None:
    live = pytest.importorskip("kapsession.tui.screens.live")
    with EventStore(data_dir) as store:
        interrupted = seed(store, library, "G.H.", hours_ago=1, phase="peak", dose=200)
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("i")
        await pilot.pause()
        assert isinstance(app.screen, live.LiveScreen)
        assert app.screen.session_log.session_id == interrupted


async def test_p_opens_practice_mode(data_dir: Path) -> None:
    from kapsession.tui.screens import practice

    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("p")
        await pilot.pause()
        assert isinstance(app.screen, practice.PracticePicker)


async def test_v_previews_the_summary_of_a_closed_session(data_dir: Path, library: PresetLibrary) -> None:
    preview = pytest.importorskip("kapsession.tui.screens.preview")
    with EventStore(data_dir) as store:
        closed = seed(store, library, "A.B.", hours_ago=5, phase="integration", closed=True, dose=150)
    app = make_app(data_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("v")
        await pilot.pause()
        assert isinstance(app.screen, preview.PreviewScreen)
        assert app.screen.session_log.session_id == closed


async def test_a_session_left_open_on_purpose_is_a_reminder_not_a_warning(
    data_dir: Path, library: PresetLibrary
) -> None:
    """`q`, "Leave" on the live screen with the session open: home says it is open and `i` goes
    back to it; no "interrupted" warning and no ⚠ in the list. Taken up again and then stopped
    without "Leave" (the app or the laptop died), it is interrupted again."""
    with EventStore(data_dir) as store:
        session_id = seed(store, library, "G.H.", hours_ago=1, phase="peak", dose=200)
    app = make_app(data_dir, session_id=session_id)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert type(app.screen).__name__ == "LiveScreen"
        await pilot.press("q")
        await pilot.press("y")  # Leave
        await pilot.pause()
        assert app.screen.id == "home"
        banner = app.screen.query_one("#interrupted", Static)
        assert not banner.has_class("hidden") and banner.has_class("-left-open")
        words = text_of(app, "#interrupted")
        assert "OPEN SESSION" in words and "G.H." in words and "Open in Peak" in words
        assert "INTERRUPTED" not in words and "⚠" not in words
        assert table_rows(app)[session_id][4] == "Peak"
        await pilot.press("i")
        await pilot.pause()
        assert type(app.screen).__name__ == "LiveScreen"
        assert app.screen.session_log.session_id == session_id
    # The app ended with the live screen open (no "Leave"): interrupted, as before.
    with EventStore(data_dir) as store:
        assert [row.id for row in store.sessions_off_screen()[0]] == [session_id]


async def test_a_session_written_only_from_the_command_line_is_open_not_interrupted(
    data_dir: Path, library: PresetLibrary, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 17: interrupted means a screen died. A session started and written with `kapsession
    add` and never opened on a screen is open: a reminder on home, no ⚠."""
    import kapsession.cli as cli

    assert (
        cli.main(["--data-dir", str(data_dir), "new", "--client", "K.L.", "--preset", "sublingual-troche", "--no-open"])
        == 0
    )
    session_id = capsys.readouterr().out.strip()
    for entry in (["phase", "intake"], ["vitals", "128/84", "76", "98"], ["phase", "recovery"]):
        assert cli.main(["--data-dir", str(data_dir), "add", session_id, *entry]) == 0
    with EventStore(data_dir) as store:
        assert store.sessions_off_screen() == ([], [store.session(session_id)])
    app = make_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        words = text_of(app, "#interrupted")
        assert words.startswith("OPEN SESSION: K.L.") and "Open in Recovery" in words
        assert "INTERRUPTED" not in words and "⚠" not in words and "stopped" not in words
        assert table_rows(app)[session_id][4] == "Recovery"


def test_resume_without_an_id_takes_the_interrupted_then_the_left_open_session(
    data_dir: Path, library: PresetLibrary, monkeypatch: pytest.MonkeyPatch
) -> None:
    import kapsession.cli as cli

    with EventStore(data_dir) as store:
        left = seed(store, library, "G.H.", hours_ago=2, phase="peak", dose=200)
        seed(store, library, "A.B.", hours_ago=0.5)  # newer, only planned
    lock = LiveLock(data_dir, left)
    assert lock.acquire()
    lock.release(left_open=True)
    chosen: list[str | None] = []
    monkeypatch.setattr(cli, "_open_screen", lambda ctx, session_id=None, resume=False: chosen.append(session_id) or 0)
    assert cli.main(["--data-dir", str(data_dir), "resume"]) == 0
    assert chosen == [left]
    with EventStore(data_dir) as store:
        crashed = seed(store, library, "C.D.", hours_ago=1, phase="intake")  # started, on no screen
    assert cli.main(["--data-dir", str(data_dir), "resume"]) == 0
    assert chosen == [left, crashed]


async def test_a_second_screen_takes_the_session_over_when_the_first_leaves(
    data_dir: Path, library: PresetLibrary
) -> None:
    """Co-monitoring: the second screen cannot hold the session while the first does; once the
    first leaves on purpose, the second takes it over within a second (so the session is on a
    screen, and the mark "left open" goes), and if the second then dies, the session was
    interrupted."""
    with EventStore(data_dir) as store:
        session_id = seed(store, library, "G.H.", hours_ago=1, phase="peak", dose=200)
    first = LiveLock(data_dir, session_id)
    assert first.acquire()
    app = make_app(data_dir, session_id=session_id)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert type(app.screen).__name__ == "LiveScreen"
        assert not app.screen._lock.held
        first.release(left_open=True)
        with EventStore(data_dir) as store:
            assert [row.id for row in store.sessions_off_screen()[1]] == [session_id]
        await pilot.pause(1.3)  # a tick
        assert app.screen._lock.held
        with EventStore(data_dir) as store:
            assert store.sessions_off_screen() == ([], [])  # on a screen again, the mark gone
    with EventStore(data_dir) as store:  # the app ended without leaving: interrupted
        assert [row.id for row in store.sessions_off_screen()[0]] == [session_id]


async def test_quitting_the_app_on_purpose_leaves_the_session_open(data_dir: Path, library: PresetLibrary) -> None:
    """ctrl+q on the live screen quits without asking; that is on purpose too, so home shows the
    session as left open next time, not interrupted. A session never started is not marked."""
    with EventStore(data_dir) as store:
        started = seed(store, library, "G.H.", hours_ago=1, phase="peak", dose=200)
        planned = seed(store, library, "A.B.", hours_ago=0.5)
    for session_id in (started, planned):
        app = make_app(data_dir, session_id=session_id)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            assert type(app.screen).__name__ == "LiveScreen"
            await pilot.press("ctrl+q")
            await pilot.pause()
    with EventStore(data_dir) as store:
        assert store.sessions_off_screen() == ([], [store.session(started)])
    assert not (data_dir / "locks" / f"{planned}.left").exists()
