"""What a second costs on the idle live screen, and that it still tells the truth: the clocks (the
header's line and the big figures) show the true elapsed time every second, the timeline's now
mark and minutes keep up, nothing that depends only on events is redrawn, and a resize leaves
every text at the height it needs."""

from __future__ import annotations

from textual.content import Content

from kapsession.core.timeparse import format_duration
from kapsession.tui.widgets.big_figures import BigFigures, digit_rows, figure_lines
from kapsession.tui.widgets.phase_timeline import PhaseTimeline

try:
    from .conftest import LiveTestApp, RedrawCounter, advance_to_mid_peak, screen_text
except ImportError:
    from live_support import LiveTestApp, RedrawCounter, advance_to_mid_peak, screen_text


def test_big_figure_lines_fit_and_use_textual_digits():
    figures = (
        (Content.assemble(("Peak", "b $phase-peak"), " of 40 min"), "17:30", False),
        (Content.styled("T+ since the first dose", "$text-muted"), "1:32:30", False),
        (Content.styled("▲ vitals T+40 OVERDUE by", "b $alert-warning"), "1:35", True),
    )
    for width in (78, 118, 200):
        lines = figure_lines(figures, width)
        assert len(lines) == 4
        assert all(line.cell_length <= width for line in lines)
    rows = digit_rows("1:35", bold=True)
    assert len({len(row) for row in rows}) == 1  # three rows of the same width
    overdue = figure_lines(figures, 118)[1]
    assert overdue.spans[-1].style == "bold $alert-warning"  # the overdue figure is in the warning colour


async def test_a_second_redraws_the_clocks_and_only_them(session):
    advance_to_mid_peak(session)
    app = LiveTestApp(session.log)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        live = app.live
        redraws = RedrawCounter(live)
        figures = live.query_one(BigFigures)
        for _second in range(1, 4):
            session.clock.advance(seconds=1)
            live.refresh_now(poll=True)
            await pilot.pause()
            state = session.log.state()
            # the true elapsed times, every second
            assert figures.values[1] == format_duration(state.t_plus())
            assert figures.values[0] == format_duration(state.time_in_phase())
            assert f"T+ {format_duration(state.t_plus())}" in screen_text(app)
        changed = redraws.changed()
        assert {"times", "figures"} <= changed
        assert changed <= {"times", "who", "figures", "timeline", "alerts", "vitals"}, changed


async def test_the_timeline_keeps_up_with_the_minutes(session):
    advance_to_mid_peak(session)  # 09:55:30, 17:30 into the peak
    app = LiveTestApp(session.log)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        live = app.live
        timeline = live.query_one(PhaseTimeline)
        assert "now 09:55" in timeline.plain and "PEAK 17/40m" in timeline.plain
        session.clock.advance(seconds=31)  # 09:56:01: a new minute on the clock and in the phase
        live.refresh_now()
        assert "now 09:56" in timeline.plain and "PEAK 18/40m" in timeline.plain
        updates = timeline.updates
        session.clock.advance(seconds=1)  # nothing the timeline shows moves within the second
        live.refresh_now()
        assert timeline.updates == updates


async def test_resizing_leaves_each_text_at_the_height_it_needs(session):
    advance_to_mid_peak(session)
    app = LiveTestApp(session.log)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        await pilot.pause()
        live = app.live
        timeline = live.query_one(PhaseTimeline)
        assert timeline.region.height == 1  # the compact line, on one line
        assert live.query_one("#alerts").region.y == timeline.region.bottom
        assert not live.query_one(BigFigures).display
        await pilot.resize_terminal(120, 40)
        await pilot.pause()
        await pilot.pause()
        assert timeline.region.height == 3 and live.query_one(BigFigures).display
        assert live.query_one(BigFigures).region.height == 4
