"""The course view from home (c, choose a client) at 80x24 and 120x40: the chart, the change with
RESPONSE and REMISSION as words, one row per session, the keys to open a session, plan the next
(the form shows the previous dose, peak BP, adverse events and last scores) and save the reports."""

from __future__ import annotations

import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from textual.widgets import DataTable, Static

from kapsession.core.clock import ManualClock
from kapsession.tui.app import KapsessionApp
from kapsession.tui.screens.course_view import ClientPicker, CourseScreen, sessions_words
from kapsession.tui.screens.new_session import NewSessionScreen

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "course"))
from course_story import CLIENT, PRIVATE_NOTE, START, record_course


@pytest.fixture(autouse=True)
def config_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    directory = tmp_path / "config"
    monkeypatch.setenv("KAPSESSION_CONFIG_DIR", str(directory))
    monkeypatch.setenv("TZ", "UTC")
    return directory


def text(app: KapsessionApp) -> str:
    return " ".join(str(widget.render()) for widget in app.screen.query(Static) if widget.display)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_the_course_view_at_a_size(tmp_path: Path, size: tuple[int, int]) -> None:
    data_dir = tmp_path / "data"
    client_id, sessions = record_course(data_dir, 5)
    app = KapsessionApp(data_dir, clock=ManualClock(START + timedelta(days=16)))  # type: ignore[arg-type]
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        await pilot.press("c")
        assert isinstance(app.screen, ClientPicker)
        await pilot.press("enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, CourseScreen)
        shown = text(app)
        assert CLIENT in shown and "5 of 6 sessions" in shown
        assert "PHQ-9 17 \u2192 4" in shown and "RESPONSE" in shown and "REMISSION" in shown
        assert "GAD-7 15 \u2192 5" in shown
        assert "P PHQ-9" in shown and "G GAD-7" in shown
        assert PRIVATE_NOTE not in shown
        assert "Next: Session 6 of 6" in shown and "planned: Thu 19 Mar 10:00" in shown
        table = screen.query_one("#sessions", DataTable)
        rows = [[str(cell) for cell in table.get_row_at(index)] for index in range(table.row_count)]
        assert [row[0] for row in rows] == ["S1/6", "S2/6", "S3/6", "S4/6", "S5/6"]
        assert rows[1][3:6] == ["175 mg", "2.73", "186/114"] and rows[1][6].startswith("2: ")
        assert rows[0][6] == "none" and rows[4][7] == "11:32"
        # Everything fits: the chart, the changes and at least three rows of the table are on screen.
        width, height = size
        chart = screen.query_one("#course-chart", Static)
        assert chart.region.height >= 8 and chart.region.right <= width
        assert max(len(line) for line in chart.render().plain.splitlines()) <= width - 2  # type: ignore[attr-defined]
        assert table.region.height >= 4 and table.region.bottom <= height - 1
        assert all(widget.region.bottom <= height for widget in screen.query(Static) if widget.display)

        # r saves the course report (a thread); the file is in the exports folder.
        await pilot.press("r")
        await app.workers.wait_for_complete()
        await pilot.pause()
        exports = list((data_dir / "exports").glob("*-course.pdf"))
        assert len(exports) == 1 and exports[0].read_bytes().startswith(b"%PDF")

        # i: the next planned session as an .ics file beside the reports.
        await pilot.press("i")
        await pilot.pause()
        calendars = list((data_dir / "exports").glob("*-next.ics"))
        assert len(calendars) == 1 and b"DTSTART:20260319T100000Z" in calendars[0].read_bytes()

        # n: the form for the next session, this client filled in, with the previous session.
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, NewSessionScreen)
        info = str(app.screen.query_one("#series-info", Static).render())
        assert "Session 6 of 6" in info and "250 mg (3.91 mg/kg)" in info and "peak BP 142/88" in info
        assert "Last scores: PHQ-9 4 (minimal" in info and "GAD-7 5 (mild" in info
        await pilot.press("escape")
        assert isinstance(app.screen, CourseScreen)

        # enter opens the chosen (latest) session on the live screen.
        await pilot.press("enter")
        await pilot.pause()
        assert type(app.screen).__name__ == "LiveScreen"
        assert app.screen.session_log.session_id == sessions[-1]  # type: ignore[attr-defined]
    del client_id


def test_the_client_list_says_a_clients_sessions_in_words() -> None:
    newest = datetime(2026, 3, 12, 9, 0, tzinfo=UTC)
    assert sessions_words(0, None) == "no sessions yet"
    assert sessions_words(1, newest) == "1 session \u00b7 last 12 Mar 2026"
    assert sessions_words(3, newest) == "3 sessions \u00b7 last 12 Mar 2026"
