"""The proof of issue 5: `bp-spike-im` played at ×60 through the real app, pressing the keys a
trainee presses (home `p`, the picker, the live screen's v / n / d / p / a / x), with the
practice clock over a fake real clock so the test decides how much time passes. Some readings are
recorded, others ignored, one alert is acknowledged late; closing the session opens the debrief,
which reports exactly those misses and delays. The picker, the debrief screen and pausing are
covered too."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from textual.widgets import Markdown

from kapsession.core.clock import ManualClock, ScaledClock
from kapsession.store import EventStore
from kapsession.tui.app import KapsessionApp
from kapsession.tui.screens.live import LiveScreen
from kapsession.tui.screens.practice import DebriefScreen, PracticePicker
from kapsession.tui.widgets.practice_panel import PracticePanel

SPEED = 60
REAL_START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


class Harness:
    def __init__(self, app: KapsessionApp, pilot, real: ManualClock) -> None:
        self.app, self.pilot, self.real = app, pilot, real
        screen = app.screen
        assert isinstance(screen, LiveScreen), screen
        self.live = screen  # (dialogs come and go on top of it)

    @property
    def clock(self) -> ScaledClock:
        return self.live.session_log.clock  # type: ignore[return-value]

    async def press(self, *keys: str) -> None:
        await self.pilot.press(*keys)
        await self.pilot.pause()

    async def type(self, text: str) -> None:
        await self.press(*["space" if char == " " else char for char in text])

    async def to_virtual(self, moment: datetime) -> None:
        """Let real time pass until the practice clock reads `moment`, then let the screen catch up."""
        gap = moment - self.clock.now()
        assert gap >= timedelta(0)
        self.real.advance(gap / SPEED)
        assert self.clock.now() == moment
        self.live.refresh_now()
        await self.pilot.pause()

    async def at_dose(self, minutes: float) -> None:
        first = self.live.session_log.state().first_dose_at
        assert first is not None
        await self.to_virtual(first + timedelta(minutes=minutes))

    async def later(self, minutes: float) -> None:
        await self.to_virtual(self.clock.now() + timedelta(minutes=minutes))

    async def phase(self) -> None:
        await self.press("p")
        await self.press("enter")  # confirm

    async def vitals(self, line: str) -> None:
        await self.press("v")
        await self.type(line)
        await self.press("enter")

    async def note(self, text: str) -> None:
        await self.press("n")
        await self.type(text)
        await self.press("enter")

    def panel_text(self) -> str:
        return str(self.live.query_one(PracticePanel).render())

    def header_text(self) -> str:
        return str(self.live.query_one("#practice-banner").render())


@pytest.fixture
def fake_real(monkeypatch: pytest.MonkeyPatch) -> ManualClock:
    real = ManualClock(REAL_START)
    monkeypatch.setattr(PracticePicker, "clock_factory", staticmethod(lambda speed: ScaledClock(speed, real=real)))
    return real


async def open_picker(app: KapsessionApp, pilot) -> PracticePicker:
    await pilot.press("p")
    await pilot.pause()
    picker = app.screen
    assert isinstance(picker, PracticePicker)
    return picker


async def test_pilot_plays_bp_spike_and_the_debrief_reports_exactly_what_was_missed(
    tmp_path: Path, fake_real: ManualClock
) -> None:
    app = KapsessionApp(tmp_path / "data")
    async with app.run_test(size=(120, 40)) as pilot:
        picker = await open_picker(app, pilot)
        # Scenarios are listed alphabetically; bp-spike-im is first. Speed 10 -> 15 -> 20 -> 30 -> 60.
        for _ in range(4):
            await pilot.press("plus")
        assert picker.speed == SPEED
        assert "a 135-minute session takes about 2 minutes" in str(app.screen.query_one("#practice-speed").render())
        await pilot.press("enter")
        await pilot.pause()
        h = Harness(app, pilot, fake_real)
        session_id = h.live.session_log.session_id
        assert h.live.practice.banner() == f"PRACTICE ×{SPEED} · bp-spike-im"
        assert "PRACTICE ×60 · bp-spike-im" in h.header_text()
        row = app.store.session(session_id)
        assert row.practice and row.client_name == "Robin (fictional)"
        assert h.live.session_log.opened.scenario == "bp-spike-im"

        await h.phase()  # intake
        start = h.live.session_log.state().started_at
        assert start is not None
        await h.to_virtual(start + timedelta(minutes=3))
        assert "Monitor shows 128/82 HR 74 SpO2 98" in h.panel_text()
        assert h.live.session_log.state().vitals == []  # presented, not recorded
        await h.vitals("128/82 74 98")  # baseline
        await h.later(12)
        await h.phase()  # intention cards
        await h.later(10)
        await h.phase()  # dose & onset
        await h.press("d")  # screening not done: decide first
        await h.press("down")  # defer -> go ahead
        await h.type("rehearsal: screened on paper")
        await h.press("enter")
        await h.press("enter")  # 54 mg, prefilled from the plan
        assert h.live.session_log.state().total_dose_mg == 54
        await h.at_dose(5)
        await h.phase()  # peak
        await h.at_dose(15)
        assert "Monitor shows 132/84 HR 78 SpO2 98" in h.panel_text()  # ignored
        await h.at_dose(27)
        await h.note("says her head is pounding a little")
        await h.at_dose(43)
        await h.vitals("186/114 118 97")  # the spike, recorded 3 minutes after it showed
        assert any(a.message.startswith("BP 186/114") for a in h.live.session_log.state().open_alerts)
        await h.at_dose(50)
        await h.press("a")  # acknowledged 7 minutes after it was raised
        assert h.live.session_log.state().open_alerts == [] or all(
            a.kind != "threshold" for a in h.live.session_log.state().open_alerts
        )
        await h.phase()  # recovery
        await h.at_dose(56)
        await h.vitals("170/100 104 98")
        await h.at_dose(80)
        await h.phase()  # integration
        await h.at_dose(91)
        await h.vitals("138/86 82 98")
        await h.at_dose(95)
        await h.press("s")
        await h.press("m", "5", "enter")  # MOAA/S 5: back to baseline
        await h.press("x")  # discharge checklist
        await h.press(*[str(n) for n in range(1, 9)])  # tick all eight
        await h.press("tab")
        await h.type("10")  # modified Aldrete
        await h.at_dose(96)
        await h.press("ctrl+e")
        await h.press("enter")  # confirm the close

        for _ in range(50):  # the next tick brings the debrief
            await pilot.pause(0.1)
            if isinstance(app.screen, DebriefScreen) and app.screen.debrief is not None:
                break
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, DebriefScreen), screen
        debrief = screen.debrief
        assert debrief is not None and debrief.session_id == session_id
        assert debrief.misses == [
            "Vitals T+15: missed",
            "Vitals T+40: late by 0:03:00",
            "Vitals recheck: late by 0:08:00",
            f"Alert \u201c{debrief.alerts[0].message}\u201d: acknowledged after 0:07:00 (late)",
            "T+15 \u201cMonitor shows 132/84 HR 78 SpO2 98\u201d: missed: no vitals entry within 5 min (first after 0:28:00)",
            "T+41 \u201cThe client's face is flushed; breathing is steady.\u201d: missed: no note within 10 min",
        ]
        assert [(c.label, c.status) for c in debrief.checks] == [
            ("baseline", "on time"),
            ("T+15", "missed"),
            ("T+40", "late by 0:03:00"),
            ("recheck", "late by 0:08:00"),
            ("T+60", "on time"),
        ]
        assert len(debrief.alerts) == 1 and debrief.alerts[0].delay == timedelta(minutes=7)
        assert debrief.observation is not None and debrief.observation.status.startswith("respected")
        assert all(done for _, done in debrief.discharge_items)
        assert f"score {debrief.score}%" in str(screen.query_one("#debrief-banner").render())
        markdown = screen.query_one("#debrief-body", Markdown).source
        assert "late by 0:03:00" in markdown and "acknowledged after 0:07:00 (late)" in markdown

        # m writes the Markdown for a supervisor.
        await pilot.press("m")
        await app.workers.wait_for_complete()
        saved = tmp_path / "data" / "debriefs" / f"practice-{session_id}.md"
        assert saved.read_text(encoding="utf-8") == debrief.to_markdown()
        assert saved.stat().st_mode & 0o077 == 0

        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, LiveScreen)

    # The stored record: a practice session, virtual timestamps, never in a client's history.
    with EventStore(tmp_path / "data") as store:
        assert [row.id for row in store.list_sessions(practice=True)] == [session_id]
        assert store.list_sessions(practice=False) == []
        assert store.client_history("Robin (fictional)") == []


async def test_space_pauses_the_practice_clock_on_the_live_screen(tmp_path: Path, fake_real: ManualClock) -> None:
    app = KapsessionApp(tmp_path / "data")
    async with app.run_test(size=(120, 40)) as pilot:
        await open_picker(app, pilot)
        await pilot.press("enter")  # bp-spike-im at the default ×10
        await pilot.pause()
        h = Harness(app, pilot, fake_real)
        await h.phase()
        fake_real.advance(seconds=30)  # 5 practice minutes
        h.live.refresh_now()
        elapsed = h.live.session_log.state().total_elapsed()
        assert elapsed == timedelta(minutes=5)
        await h.press("space")
        assert h.live.practice.paused
        assert "PAUSED" in h.header_text()
        fake_real.advance(seconds=600)
        h.live.refresh_now()
        await pilot.pause()
        assert h.live.session_log.state().total_elapsed() == timedelta(minutes=5)
        assert "Monitor shows 128/82" in h.panel_text()  # start+3 had been presented; nothing new
        await h.press("space")
        assert not h.live.practice.paused
        fake_real.advance(seconds=6)
        h.live.refresh_now()
        assert h.live.session_log.state().total_elapsed() == timedelta(minutes=6)


async def test_the_picker_lists_scenarios_and_reopens_rehearsals(tmp_path: Path, fake_real: ManualClock) -> None:
    app = KapsessionApp(tmp_path / "data")
    async with app.run_test(size=(120, 40)) as pilot:
        picker = await open_picker(app, pilot)
        from textual.widgets import OptionList

        scenarios = picker.query_one("#practice-scenarios", OptionList)
        assert [scenarios.get_option_at_index(i).id for i in range(scenarios.option_count)] == [
            "bp-spike-im",
            "nausea-esketamine",
            "smooth-troche",
            "stopped-infusion-iv",
        ]
        assert not picker.query_one("#practice-past", OptionList).display  # no rehearsals yet
        await pilot.press("down", "down")
        assert "Sam (fictional)" in str(picker.query_one("#practice-detail").render())
        await pilot.press("minus")
        assert picker.speed == 5
        await pilot.press("enter")  # smooth-troche at ×5
        await pilot.pause()
        live = app.screen
        assert isinstance(live, LiveScreen)
        assert live.practice.banner() == "PRACTICE ×5 · smooth-troche"
        session_id = live.session_log.session_id

        # Leave the live screen (q, confirm): back on the picker, the rehearsal is listed.
        await pilot.press("q")
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is picker
        past = picker.query_one("#practice-past", OptionList)
        assert past.display and past.get_option_at_index(0).id == session_id
        await pilot.press("tab")
        assert past.has_focus
        await pilot.press("d")  # the debrief so far
        await pilot.pause()
        assert isinstance(app.screen, DebriefScreen)
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("enter")  # carry on where it stopped
        await pilot.pause()
        resumed = app.screen
        assert isinstance(resumed, LiveScreen) and resumed.session_log.session_id == session_id
        assert resumed.practice.banner() == "PRACTICE ×5 · smooth-troche"


async def test_practice_report_opens_the_debrief_screen_and_quits_with_it(tmp_path: Path) -> None:
    from kapsession.tui.screens.practice import practice_app
    from tests.practice.test_practice_cli import rehearsal

    data = tmp_path / "data"
    session_id = rehearsal(data)
    app = practice_app(data, lambda: DebriefScreen(session_id), exit_with_it=True)
    async with app.run_test(size=(100, 30)) as pilot:
        for _ in range(50):
            await pilot.pause(0.05)
            if isinstance(app.screen, DebriefScreen) and app.screen.debrief is not None:
                break
        screen = app.screen
        assert isinstance(screen, DebriefScreen)
        assert screen.debrief is not None and screen.debrief.session_id == session_id
        assert "PRACTICE DEBRIEF" in str(screen.query_one("#debrief-banner").render())
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0


async def test_practice_without_a_scenario_opens_the_picker_over_home(tmp_path: Path) -> None:
    from kapsession.tui.screens.home import HomeScreen
    from kapsession.tui.screens.practice import practice_app

    app = practice_app(tmp_path / "data", lambda: PracticePicker(speed=30))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, PracticePicker) and app.screen.speed == 30
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_the_picker_shows_how_to_start_and_cuts_no_sentence_short(tmp_path: Path, size: tuple[int, int]) -> None:
    """Issue 17: the footer shows Enter (the focused list's own Enter hid it), and the title and the
    speed line wrap at the window's width instead of losing their ends."""
    from textual.widgets import Static

    from kapsession.tui.screens.practice import practice_app

    app = practice_app(tmp_path / "data", lambda: PracticePicker(speed=10))
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        picker = app.screen
        assert isinstance(picker, PracticePicker)
        shown = picker.active_bindings["enter"]
        assert shown.binding.show and shown.binding.description == "Start"
        for selector in ("#practice-title", "#practice-speed"):
            line = picker.query_one(selector, Static)
            width = line.content_region.width
            needed = line.get_content_height(line.content_region.size, app.size, width)
            assert line.content_region.height >= needed, (selector, line.content_region, needed)
        assert "client's record" in str(picker.query_one("#practice-title", Static).render())
        await pilot.press("enter")  # as the footer says: the highlighted scenario starts
        await pilot.pause()
        assert type(app.screen).__name__ == "LiveScreen"
