"""What the app loads before the home screen paints (issue 6: launch to home painted within 1.3x
of a minimal Textual app), and the theme cache that keeps the theme validator off that path."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from datetime import UTC
from pathlib import Path

import pytest

from kapsession.tui import app as app_module
from kapsession.tui.app import KapsessionApp

# Needed only once a key is pressed (or in the warm-up thread after the first paint).
NOT_BEFORE_FIRST_PAINT = (
    "pydantic",
    "dateutil",
    "kapsession.settings",
    "kapsession.core.events",
    "kapsession.core.commands",
    "kapsession.core.state",
    "kapsession.core.preset_library",
    "kapsession.core.protocol",
    "kapsession.store.session_log",
    "kapsession.tui.theme_files",
    "kapsession.tui.screens.new_session",
    "kapsession.tui.screens.live",
    "kapsession.tui.screens.settings",
    "kapsession.tui.screens.too_small",
    "textual.widgets._data_table",  # the home list is a light Line API widget (widgets/session_list.py)
)


def _run(code: str, env: dict[str, str]) -> str:
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_importing_the_app_and_home_screen_loads_nothing_a_key_press_needs(tmp_path: Path) -> None:
    out = _run(
        """
        import sys
        import kapsession.tui.app, kapsession.tui.screens.home
        print("\\n".join(sorted(sys.modules)))
    """,
        {"KAPSESSION_CONFIG_DIR": str(tmp_path), "KAPSESSION_CACHE_DIR": str(tmp_path / "cache")},
    )
    loaded = set(out.split())
    assert not loaded & set(NOT_BEFORE_FIRST_PAINT)


@pytest.mark.parametrize("size", [(120, 40)])
def test_first_paint_of_the_home_screen_loads_only_what_it_shows(tmp_path: Path, size: tuple[int, int]) -> None:
    """Run the app headless up to its first paint (twice: the second start reads the theme cache)
    and list what was imported by then."""
    code = f"""
        import sys
        from kapsession.tui.app import KapsessionApp

        class FirstPaint(KapsessionApp):
            def _after_first_paint(self):
                self.loaded = sorted(sys.modules)
                self.exit(0)

        app = FirstPaint({str(tmp_path / "data")!r})
        app.run(headless=True, size={size!r})
        print("\\n".join(app.loaded))
    """
    env = {"KAPSESSION_CONFIG_DIR": str(tmp_path / "config"), "KAPSESSION_CACHE_DIR": str(tmp_path / "cache")}
    _run(code, env)  # the first start validates the theme files and writes the cache
    loaded = set(_run(code, env).split())
    assert "kapsession.tui.screens.home" in loaded and "kapsession.store.event_store" in loaded
    assert sorted(loaded & set(NOT_BEFORE_FIRST_PAINT)) == []


@pytest.fixture
def config_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    directory = tmp_path / "config"
    monkeypatch.setenv("KAPSESSION_CONFIG_DIR", str(directory))
    monkeypatch.setenv("KAPSESSION_CACHE_DIR", str(tmp_path / "cache"))
    return directory


def test_theme_cache_is_used_until_a_theme_file_changes(config_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from kapsession.tui import theme_files

    themes, problems, defaults = app_module._startup_themes()
    assert {"dim-room", "calm-dark", "daylight", "high-contrast"} <= set(themes)
    assert defaults == theme_files.APP_VARIABLE_DEFAULTS
    cache = config_dir.parent / "cache" / "themes.json"
    assert cache.exists() and cache.stat().st_mode & 0o777 == 0o600  # like every file we write
    assert cache.parent.stat().st_mode & 0o777 == 0o700
    fresh, _ = theme_files.load_themes(*theme_files.default_theme_dirs())

    calls: list[int] = []
    real_load = theme_files.load_themes
    monkeypatch.setattr(theme_files, "load_themes", lambda *dirs: (calls.append(1), real_load(*dirs))[1])
    cached, cached_problems, _ = app_module._startup_themes()
    assert calls == []  # from the cache
    assert cached == fresh and cached_problems == problems == []

    user_themes = config_dir / "themes"
    user_themes.mkdir(parents=True)
    (user_themes / "broken.toml").write_text('name = "broken"\nprimary = "nope"\n', encoding="utf-8")
    _, problems, _ = app_module._startup_themes()
    assert calls == [1]  # a new file: validated again
    assert len(problems) == 1 and "broken.toml" in problems[0]
    _, problems_again, _ = app_module._startup_themes()
    assert calls == [1] and problems_again == problems  # a broken file is reported on every start


def test_a_corrupt_theme_cache_is_ignored(config_dir: Path) -> None:
    cache = config_dir.parent / "cache" / "themes.json"
    cache.parent.mkdir(parents=True)
    cache.write_text("{not json", encoding="utf-8")
    themes, problems, _ = app_module._startup_themes()
    assert "dim-room" in themes and problems == []
    assert json.loads(cache.read_text(encoding="utf-8"))["themes"]["dim-room"]["name"] == "dim-room"


async def test_a_subclass_elsewhere_still_finds_the_app_stylesheet(tmp_path: Path, config_dir: Path) -> None:
    class Elsewhere(KapsessionApp):
        pass

    app = Elsewhere(tmp_path / "data")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.screen.id == "home"


@pytest.mark.parametrize("resume", [True, False], ids=["resume", "home"])
async def test_no_screen_opened_later_parses_the_stylesheet_again(
    tmp_path: Path, config_dir: Path, monkeypatch: pytest.MonkeyPatch, resume: bool
) -> None:
    """The live screen's and the dialogs' CSS is read just after the first paint (a resume reads
    the live screen's before it), so opening the live screen from home, or a dialog on it, never
    has Textual parse every file again and restyle every widget."""
    from datetime import datetime

    from textual.css.stylesheet import Stylesheet

    from kapsession.core import commands
    from kapsession.core.clock import ManualClock
    from kapsession.presets import default_library
    from kapsession.store.event_store import EventStore
    from kapsession.tui.screens.dialogs import NoteDialog
    from kapsession.tui.screens.live import LiveScreen

    now = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
    with EventStore(tmp_path / "data") as store:
        session_id, _ = store.create_session(
            commands.open_session(client_name="A.B.", preset=default_library().get("sublingual-troche"), now=now)
        )
    reparsed: list[int] = []
    reparse = Stylesheet.reparse
    monkeypatch.setattr(Stylesheet, "reparse", lambda self: (reparsed.append(1), reparse(self))[1])
    app = KapsessionApp(tmp_path / "data", session_id=session_id if resume else None, clock=ManualClock(now))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        reparsed.clear()  # (setting the theme at startup has Textual parse the stylesheet once)
        if not resume:
            assert app.open_live(session_id)
            await pilot.pause()
        assert isinstance(app.screen, LiveScreen)
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, NoteDialog)
        # the dialogs' own styles are in force (its border colour comes from dialogs.tcss)
        assert app.screen.query_one("#dialog").styles.border_top[0] == "round"
    assert reparsed == []
