"""Issue 17 and issue 19 (item 10): a confirmation is said once, and over nothing. A phase
change's toast once showed twice (on the live screen and through the next dialog), and toasts
covered the notes, the intention and the client's card; the live screen now says it on the key
bar's status line, and no toast is shown at all."""

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

try:
    from .conftest import said
except ImportError:
    from live_support import said

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
async def test_a_phase_change_is_said_on_the_status_line_and_no_toast_covers_the_next_dialog(
    tmp_path: Path, make_app
) -> None:
    app = make_app(tmp_path / "data", ManualClock(NOW))
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await pilot.pause()
        assert type(app.screen).__name__ == "LiveScreen"
        await pilot.press("p")
        await pilot.pause()
        await pilot.press("enter")  # Intake talk starts: a toast says so
        await pilot.pause()
        await pilot.pause()
        assert toasts_shown(app, "Intake talk started") == 0
        assert "Intake talk started" in said(app)
        await pilot.press("p")  # the next phase's dialog, while the sentence is still up
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        assert toasts_shown(app, "Intake talk started") == 0
        await pilot.press("escape")
        await pilot.pause()
        await pilot.pause()
        assert toasts_shown(app, "Intake talk started") == 0  # back on the live screen: said, not toasted
        assert "Intake talk started" in said(app)
