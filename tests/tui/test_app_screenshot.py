"""The palette's Screenshot command saves the screen as SVG in a private folder and says where."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from kapsession.tui.app import KapsessionApp


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("KAPSESSION_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("KAPSESSION_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "data"


async def test_the_palettes_screenshot_is_saved_private_and_says_where(data_dir: Path) -> None:
    app = KapsessionApp(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert titles.count("Screenshot") == 1  # ours, in place of Textual's
        told: list[str] = []
        app.notify = lambda message, **_: told.append(message)  # type: ignore[method-assign]
        await pilot.press("ctrl+p")
        await pilot.pause()
        for key in "Screenshot":
            await pilot.press(key)
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause(0.5)
        saved = list((data_dir / "screenshots").glob("*.svg"))
        assert len(saved) == 1 and saved[0].read_text(encoding="utf-8").lstrip().startswith("<svg")
        assert stat.S_IMODE(saved[0].stat().st_mode) == 0o600
        assert stat.S_IMODE(saved[0].parent.stat().st_mode) == 0o700
        assert told == [f"Screenshot saved: {saved[0]}"]
