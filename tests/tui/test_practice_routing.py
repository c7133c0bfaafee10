"""A rehearsal opened from home or `resume` runs on its practice clock, never the wall clock."""

from __future__ import annotations

from pathlib import Path

from kapsession.cli import main
from kapsession.store import EventStore


def _practice_and_real(data_dir: Path) -> tuple[str, str]:
    from kapsession.core.clock import SystemClock
    from kapsession.core.commands import open_session
    from kapsession.presets import default_library

    library = default_library()
    store = EventStore(data_dir)
    now = SystemClock().now()
    practice_id, _ = store.create_session(
        open_session(
            client_name="Rehearsal", preset=library.get("intramuscular"), now=now, practice=True, scenario="bp-spike-im"
        )
    )
    real_id, _ = store.create_session(
        open_session(client_name="R.L.", preset=library.get("sublingual-troche"), now=now)
    )
    store.close()
    return practice_id, real_id


async def test_opening_a_practice_session_uses_the_rehearsal_path(tmp_path: Path, monkeypatch) -> None:
    from textual.screen import Screen

    from kapsession.tui.app import KapsessionApp
    from kapsession.tui.screens import practice as practice_screens

    practice_id, real_id = _practice_and_real(tmp_path)
    opened: list[str] = []
    monkeypatch.setattr(
        practice_screens, "rehearsal_screen", lambda app, session_id, **_: opened.append(session_id) or Screen()
    )
    app = KapsessionApp(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert app.open_live(practice_id) is True
        assert opened == [practice_id]
        assert app.open_live(real_id) is True  # a real session opens the live screen itself
        await pilot.pause()
        assert opened == [practice_id]
        assert type(app.screen).__name__ == "LiveScreen"


def test_resume_without_an_id_skips_rehearsals(tmp_path: Path, monkeypatch) -> None:
    import kapsession.cli as cli

    practice_id, real_id = _practice_and_real(tmp_path)
    store = EventStore(tmp_path)
    for session_id in (practice_id, real_id):
        from kapsession.core.clock import SystemClock
        from kapsession.core.events import PhaseStarted

        store.append(session_id, PhaseStarted(at=SystemClock().now(), phase="intake"))
    store.close()
    chosen: list[str | None] = []
    monkeypatch.setattr(cli, "_open_screen", lambda ctx, session_id=None, resume=False: chosen.append(session_id) or 0)
    assert main(["--data-dir", str(tmp_path), "resume"]) == 0
    assert chosen == [real_id]
