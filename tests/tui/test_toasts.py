"""Issue 17: a toast is on screen once. Textual shows every notification on the toast rack of each
screen it is shown on, and a dialog lets the live screen beneath show through; the live screen
lifts its toasts above the key bar and a dialog does not, so a phase change's toast showed twice
when the next dialog opened within its few seconds. Only the top screen shows toasts now."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from kapsession.core import commands
from kapsession.core.clock import ManualClock
from kapsession.presets import default_library
from kapsession.store.event_store import EventStore
from kapsession.tui.app import KapsessionApp
from kapsession.tui.screens.dialogs import ConfirmDialog

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def config_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("KAPSESSION_CONFIG_DIR", str(tmp_path / "config"))
    return tmp_path / "config"


def toasts_shown(app: KapsessionApp, words: str) -> int:
    """How many toasts with these words are visible, on every screen of the stack (a screen under
    a dialog shows through it)."""
    return sum(
        1
        for screen in app.screen_stack
        for toast in screen.query("Toast")
        if toast.visible and words in str(toast.render())
    )


def real_session(data_dir: Path, clock: ManualClock) -> KapsessionApp:
    with EventStore(data_dir) as store:
        session_id, _ = store.create_session(
            commands.open_session(
                client_name="A.B.", preset=default_library().get("sublingual-troche"), now=clock.now()
            )
        )
    return KapsessionApp(data_dir, session_id=session_id, clock=clock)


def practice_run(data_dir: Path, clock: ManualClock) -> KapsessionApp:
    from kapsession.practice.driver import open_practice_session
    from kapsession.practice.scenario import default_scenarios

    library = default_library()
    with EventStore(data_dir) as store:
        session_id, _, driver = open_practice_session(
            store, library, default_scenarios(library).get("smooth-troche"), clock
        )
    return KapsessionApp(data_dir, session_id=session_id, clock=clock, practice=driver)


@pytest.mark.parametrize("make_app", [real_session, practice_run], ids=["real", "practice"])
async def test_a_phase_changes_toast_is_shown_once_under_the_next_dialog(tmp_path: Path, make_app) -> None:
    app = make_app(tmp_path / "data", ManualClock(NOW))
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await pilot.pause()
        assert type(app.screen).__name__ == "LiveScreen"
        await pilot.press("p")
        await pilot.pause()
        await pilot.press("enter")  # Intake talk starts: a toast says so
        await pilot.pause()
        await pilot.pause()
        assert toasts_shown(app, "Intake talk started") == 1
        await pilot.press("p")  # the next phase's dialog, while that toast is still up
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        assert toasts_shown(app, "Intake talk started") == 1
        await pilot.press("escape")
        await pilot.pause()
        await pilot.pause()
        assert toasts_shown(app, "Intake talk started") == 1  # back on the live screen, still once
