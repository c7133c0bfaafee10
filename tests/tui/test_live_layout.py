"""Sizes, keys in view, help and palette, and the economy of the once-a-second refresh."""

from __future__ import annotations

import functools

from textual.widgets import Static

from kapsession.core import commands
from kapsession.tui.screens.help import HelpScreen
from kapsession.tui.screens.live import KEY_BAR_WHEN_WIDE, LIVE_KEYS, LiveCommands
from kapsession.tui.widgets.big_figures import BigFigures
from kapsession.tui.widgets.key_bar import KeyBar
from kapsession.tui.widgets.live_text import LiveText

try:
    from .conftest import LiveTestApp, RedrawCounter, advance_to_mid_peak, screen_text
except ImportError:
    from live_support import LiveTestApp, RedrawCounter, advance_to_mid_peak, screen_text


async def test_80x24_shows_header_alerts_vitals_notes_intention_and_every_key(session):
    advance_to_mid_peak(session)
    session.add(commands.record_vitals, "192/112 124 91", session.clock.now())
    app = LiveTestApp(session.log)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        live = app.live
        assert not live.has_class("-too-small")
        text = screen_text(app)
        for expected in (
            "A.B.",
            "Sublingual troche",
            "● PEAK",
            "of 40m",
            "T+ 0:32:30",
            "total 0:55",
            "vitals recheck in 0:05:00",  # 192/112 asks for a recheck (preset: 5 min)
            "▲ ALERT BP 192/112 above 180/110",
            "192/112 ▲ HIGH",
            "124 ▲ HIGH",
            "91% ▼ LOW",
            "SHARE ✓",
            "private",
            "“to be gentler with myself”",
            "◇",
            "MOAA/S 4/5",
            "✓ Intk 14m",
            "▶ PEAK 17/40m",
        ):
            assert expected in text, expected
        # every key is in the key bar, which fits in two lines at 80 columns (the intake's, the
        # next session's and the correction's keys are in the help and the palette there, in the bar
        # from 110 columns)
        bar = live.query_one(KeyBar)
        assert bar.region.height == 2
        keys = bar.render().plain
        for binding, _ in LIVE_KEYS:
            if binding.action in ("practice_pause", "infusion"):  # practice only; IV sessions only
                continue
            if binding.action in KEY_BAR_WHEN_WIDE:
                continue
            assert binding.description in keys
        # nothing important is cut off: the panels sit inside the screen
        for selector in ("#header", "#alerts", "#vitals", "#notes", "#intention"):
            region = live.query_one(selector).region
            assert region.height > 0 and region.bottom <= 22, selector
        assert not live.query_one(BigFigures).display


async def test_120x40_adds_the_full_timeline_and_big_figures(session):
    advance_to_mid_peak(session)
    app = LiveTestApp(session.log)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        live = app.live
        assert live.query_one(BigFigures).display
        timeline = live.query_one("#timeline", LiveText).plain
        assert len(timeline.splitlines()) == 3
        assert "◆ dose 09:23" in timeline and "╌ onset T+10-15" in timeline and "━ peak T+30-60" in timeline
        assert "│ now 09:55" in timeline
        assert live.query_one(KeyBar).region.height <= 2
        assert "Phase prompt: Peak" in (live.query_one("#phase-prompt").border_title or "")


async def test_too_small_window_asks_to_be_larger_and_recovers(session):
    advance_to_mid_peak(session)
    app = LiveTestApp(session.log)
    async with app.run_test(size=(60, 20)) as pilot:
        await pilot.pause()
        live = app.live
        assert live.has_class("-too-small")
        message = live.query_one("#too-small", Static)
        assert message.display and "Make the window larger" in message.render().plain
        assert "80x24" in message.render().plain and "60x20" in message.render().plain
        assert live.query_one("#live").region.area == 0
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert not live.has_class("-too-small")
        assert live.query_one("#live").region.area > 0


async def test_help_lists_every_key(session):
    app = LiveTestApp(session.log)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        for binding, detail in LIVE_KEYS:
            if binding.action in ("practice_pause", "infusion"):  # practice only; IV sessions only
                assert "Pause" not in app.screen.markdown
                continue
            assert binding.description in app.screen.markdown and detail in app.screen.markdown
        await pilot.press("escape")
        assert app.screen is app.live


async def test_every_key_is_a_palette_command(session):
    app = LiveTestApp(session.log)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        provider = LiveCommands(app.live)
        titles = [hit.display async for hit in provider.discover()]
        for binding, _ in LIVE_KEYS:
            if binding.action in ("practice_pause", "infusion"):  # practice only; IV sessions only
                continue
            assert any(str(title).startswith(binding.description) for title in titles), binding.description
        hits = [hit async for hit in provider.search("vitals")]
        assert hits and str(hits[0].text).startswith("Vitals")
        # a command runs the same action as the key
        await hits[0].command()
        await pilot.pause()
        assert app.screen is app.live and app.live.vitals_line.is_open  # the vitals line, in the key bar


async def test_every_binding_has_an_id_and_description():
    for binding, detail in LIVE_KEYS:
        assert binding.id and binding.id.startswith("live.") and binding.description and detail


async def test_the_tick_redraws_only_what_changed(session):
    advance_to_mid_peak(session)
    app = LiveTestApp(session.log)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        live = app.live
        redraws = RedrawCounter(live)
        for _ in range(5):
            session.clock.advance(seconds=1)
            live.refresh_now(poll=True)
        changed = redraws.changed()
        assert redraws.count("times") == 5  # the running clocks
        # (the route timers count down on the first line, beside the client's name)
        assert changed <= {"times", "who", "timeline", "alerts"}, changed
        assert "notes" not in changed and "intention" not in changed


async def test_bell_rings_once_per_new_alarm_only_when_asked(session):
    advance_to_mid_peak(session)
    for bell in (False, True):
        app = LiveTestApp(session.log, bell=bell)
        rung: list[int] = []
        app.bell = functools.partial(rung.append, 1)  # type: ignore[method-assign]
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            session.clock.advance(seconds=5)
            session.add(commands.record_vitals, f"19{int(bell)}/112 80 97", session.clock.now())
            app.live.refresh_now()
            app.live.refresh_now()
            await pilot.pause()
            assert len(rung) == (1 if bell else 0)
            # settle the episode (a normal reading) and acknowledge it, so the next one is new
            session.add(commands.record_vitals, "130/80 80 97", session.clock.now())
            while session.log.state().open_alerts:
                session.add(commands.acknowledge, session.clock.now())


async def test_live_lock_is_held_while_the_screen_is_open(session):
    from kapsession.store.live_lock import is_live

    app = LiveTestApp(session.log)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert is_live(session.data_dir, session.session_id)
    assert not is_live(session.data_dir, session.session_id)


async def test_client_view_is_calm_and_toggles_back(session):
    advance_to_mid_peak(session)
    app = LiveTestApp(session.log)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("w")
        text = screen_text(app)
        assert "The deepest part of the journey" in text
        assert "“to be gentler with myself”" in text and "◇" in text
        for clinical in ("T+", "mg", "BP", "138/88", "PEAK", "MOAA", ":"):
            assert clinical not in text, clinical
        await pilot.press("w")
        assert app.screen is app.live
