"""The app shell: which theme it starts in (settings, `--theme`, fallbacks), one notification for
every broken theme file, the theme choice remembered, the bell and the settings form, and
`run_app` opening the live screen directly."""

from __future__ import annotations

import json
import sys
import types
from pathlib import Path

import pytest
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Static

from kapsession.core import commands
from kapsession.core.clock import ManualClock
from kapsession.presets import default_library
from kapsession.settings import Settings, load_settings, save_settings
from kapsession.store.event_store import EventStore
from kapsession.tui.app import KapsessionApp
from kapsession.tui.theme_files import APP_VARIABLE_DEFAULTS

SHIPPED = {"dim-room", "calm-dark", "daylight", "high-contrast"}


@pytest.fixture(autouse=True)
def config_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    directory = tmp_path / "config"
    monkeypatch.setenv("KAPSESSION_CONFIG_DIR", str(directory))
    return directory


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


def write_theme(config_dir: Path, file_name: str, text: str) -> Path:
    themes = config_dir / "themes"
    themes.mkdir(parents=True, exist_ok=True)
    path = themes / file_name
    path.write_text(text, encoding="utf-8")
    return path


def notifications(app: KapsessionApp) -> list:
    return list(app._notifications)


async def test_default_theme_is_dim_room_and_only_kapsession_themes_are_offered(data_dir: Path) -> None:
    app = KapsessionApp(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.theme == "dim-room"
        assert set(app.available_themes) == SHIPPED
        assert notifications(app) == []
        assert app.get_theme_variable_defaults() == APP_VARIABLE_DEFAULTS
        # the app's own colours reach the stylesheet
        assert app.theme_variables["alert-warning"]


async def test_theme_from_settings_is_applied(data_dir: Path) -> None:
    save_settings(Settings(theme="calm-dark"))
    app = KapsessionApp(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.theme == "calm-dark"
    assert load_settings().theme == "calm-dark"


async def test_theme_option_overrides_settings_and_is_remembered(data_dir: Path) -> None:
    save_settings(Settings(theme="calm-dark"))
    app = KapsessionApp(data_dir, theme="high-contrast")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.theme == "high-contrast"
        assert notifications(app) == []
    assert load_settings().theme == "high-contrast"


async def test_unknown_theme_option_notifies_and_falls_back(data_dir: Path) -> None:
    save_settings(Settings(theme="daylight"))
    app = KapsessionApp(data_dir, theme="neon")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.theme == "daylight"  # the remembered one
        [note] = notifications(app)
        assert "no theme 'neon'" in note.message and "dim-room" in note.message
    assert load_settings().theme == "daylight"  # an unknown name is not remembered


async def test_broken_theme_files_one_notification_and_dim_room(data_dir: Path, config_dir: Path) -> None:
    write_theme(config_dir, "glow.toml", 'name = "glow"\ndark = true\nprimary = "not-a-colour"\n')
    write_theme(config_dir, "syntax.toml", 'name = "syntax"\nprimary = \n')
    write_theme(config_dir, "fine.toml", 'name = "fine"\ndark = true\nprimary = "#8a6a3c"\nbackground = "#0d0a07"\n')
    save_settings(Settings(theme="glow"))
    app = KapsessionApp(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.theme == "dim-room"
        [note] = notifications(app)  # ONE notification for everything
        assert note.severity == "error"
        assert "2 theme files could not be read" in note.title
        assert "glow.toml" in note.message and "not-a-colour" in note.message
        assert "syntax.toml" in note.message
        assert "'glow' could not be used; showing dim-room" in note.message
        assert "fine" in app.available_themes  # the good user theme still loaded
    assert load_settings().theme == "glow"  # not overwritten: fixing the file brings it back


async def test_theme_chosen_in_the_palette_is_saved(data_dir: Path) -> None:
    app = KapsessionApp(data_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+p")
        await pilot.pause()
        for character in "theme":
            await pilot.press(character)
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause(0.3)
        for character in "calm":
            await pilot.press(character)
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert app.theme == "calm-dark"
    assert load_settings().theme == "calm-dark"
    assert json.loads(_settings_file().read_text(encoding="utf-8"))["theme"] == "calm-dark"


def _settings_file() -> Path:
    from kapsession.locations import settings_path

    return settings_path()


async def test_bell_toggle_is_remembered(data_dir: Path) -> None:
    app = KapsessionApp(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.settings.bell is False
        bell = next(c for c in app.get_system_commands(app.screen) if c.title == "Bell")
        bell.callback()
        await pilot.pause()
        assert app.settings.bell is True
    assert load_settings().bell is True


async def test_settings_form_edits_the_names_for_the_summary(data_dir: Path) -> None:
    app = KapsessionApp(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("s")
        await pilot.pause()
        assert app.screen.id == "settings"
        for character in "R. Moss":
            await pilot.press(character if character != " " else "space")
        await pilot.press("tab", "tab")  # past the initials, beside the name, to the practice's name
        for character in "Harbour":
            await pilot.press(character)
        await pilot.press("tab", "end", "backspace", "backspace", "x")
        await pilot.press("enter")  # series length 'x': refused, nothing saved
        await pilot.pause()
        assert app.screen.id == "settings"
        assert "accepted 1-50" in str(app.screen.query_one("#series-length-error", Static).render())
        assert load_settings().therapist_name == ""
        await pilot.press("backspace", "8", "enter")
        await pilot.pause()
        assert app.screen.id == "home"
        assert app.sub_title == "Harbour"
    saved = load_settings()
    assert (saved.therapist_name, saved.practice_name, saved.series_length) == ("R. Moss", "Harbour", 8)


async def test_escape_leaves_settings_unchanged(data_dir: Path) -> None:
    save_settings(Settings(therapist_name="Dr. A"))
    app = KapsessionApp(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("s", "x", "escape")
        await pilot.pause()
        assert app.screen.id == "home"
    assert load_settings().therapist_name == "Dr. A"


class FakeLive(Screen[None]):
    def __init__(self, log, practice=None) -> None:
        super().__init__()
        self.session_log, self.practice = log, practice

    def compose(self) -> ComposeResult:
        yield Static("LIVE")


async def test_a_session_id_opens_on_the_live_screen_and_home_follows(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    module = types.ModuleType("kapsession.tui.screens.live")
    module.LiveScreen = FakeLive  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "kapsession.tui.screens.live", module)
    library = default_library()
    clock = ManualClock()
    with EventStore(data_dir) as store:
        opened = commands.open_session(client_name="A.B.", preset=library.get("iv-infusion"), now=clock.now())
        session_id, _ = store.create_session(opened)
    marker = object()
    app = KapsessionApp(data_dir, session_id=session_id, clock=clock, practice=marker)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, FakeLive)
        log = app.screen.session_log
        assert (log.session_id, log.preset.name, log.clock, app.screen.practice) == (
            session_id,
            "iv-infusion",
            clock,
            marker,
        )
        assert log.store is app.store
        # the practice clock drives that run only: a session opened from home runs on real time
        assert type(app.clock).__name__ == "SystemClock"
        assert app.screen_stack == [app.screen]  # the app's first screen: no home made before it
        app.show_home()  # what leaving it does
        await pilot.pause()
        assert app.screen.id == "home"  # listed once shown
        assert session_id in [key.value for key in app.screen.query_one("#sessions").rows]


async def test_a_session_whose_preset_is_gone_stays_on_home_and_says_why(data_dir: Path) -> None:
    clock = ManualClock()
    library = default_library()
    with EventStore(data_dir) as store:
        opened = commands.open_session(client_name="A.B.", preset=library.get("iv-infusion"), now=clock.now())
        opened = opened.model_copy(update={"preset": "retired-protocol"})
        session_id, _ = store.create_session(opened)
    app = KapsessionApp(data_dir, session_id=session_id, clock=clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.screen.id == "home"
        assert any("no preset 'retired-protocol'" in n.message for n in notifications(app))
        assert app.screen.query_one("#sessions").row_count == 1


async def test_broken_preset_files_are_reported_once(data_dir: Path, config_dir: Path) -> None:
    presets = config_dir / "presets"
    presets.mkdir(parents=True)
    (presets / "mine.toml").write_text('name = "mine"\n', encoding="utf-8")
    (presets / "other.toml").write_text("not toml [", encoding="utf-8")
    app = KapsessionApp(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        [note] = notifications(app)
        assert "2 preset files could not be read" in note.title
        assert "mine.toml" in note.message and "other.toml" in note.message
