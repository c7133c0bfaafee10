"""The live screen's words, as pure functions of the state (no screen needed)."""

from __future__ import annotations

from datetime import timedelta

from textual.content import Content

from kapsession.core import commands
from kapsession.tui.widgets.alerts_strip import alerts_text
from kapsession.tui.widgets.header_band import times_line, who_line
from kapsession.tui.widgets.live_text import hang
from kapsession.tui.widgets.notes_log import lines_plain, notes_lines
from kapsession.tui.widgets.phase_timeline import compact_line, full_lines, segments
from kapsession.tui.widgets.vitals_panel import bp_text, checks_text, flag, measure_text

try:
    from .conftest import advance_to_mid_peak
except ImportError:
    from live_support import advance_to_mid_peak


def plain(text: Content) -> str:
    return text.plain


def test_vitals_countdown_turns_into_overdue_by(session):
    advance_to_mid_peak(session)  # T+32:30, the T+40 check is 7:30 away
    state = session.log.state()
    assert "vitals T+40 in 0:07:30" in plain(times_line(state, 78))
    session.clock.advance(minutes=8, seconds=5)  # within the preset's grace: due now
    assert "vitals T+40 due now" in plain(times_line(session.log.state(), 78))
    session.clock.advance(minutes=2)  # past the grace: overdue, counted from the due time
    state = session.log.state()
    line = plain(times_line(state, 78))
    assert "▲ vitals T+40 overdue by 0:02:35" in line
    assert "CHECK" in plain(alerts_text(state, 2, 78)) and "overdue by 0:02:35" in plain(alerts_text(state, 2, 78))
    assert "▲ T+40 overdue" in plain(checks_text(state))


def test_header_fits_80_columns_in_every_phase(session):
    for _ in range(6):
        session.add(commands.start_phase, "next", session.clock.now())
        if session.log.state().phase == "dose-onset":
            session.add(commands.give_dose, 200, session.clock.now())
        session.clock.advance(minutes=95)  # every phase far over plan, long totals
        state = session.log.state()
        assert times_line(state, 78).cell_length <= 78, plain(times_line(state, 78))
        assert who_line(state, 50).cell_length <= 50


def test_out_of_range_has_a_word_not_only_colour(session):
    advance_to_mid_peak(session)
    session.add(commands.record_vitals, "186/100 45 90 8 38.4", session.clock.now())
    state = session.log.state()
    assert "186/100 ▲ HIGH" in plain(bp_text(state))
    assert "45 ▼ LOW" in plain(measure_text(state, "heart_rate", "HR "))
    assert "90% ▼ LOW" in plain(measure_text(state, "spo2", "SpO2 ", "%"))
    assert "8 ▼ LOW" in plain(measure_text(state, "resp_rate", "RR "))
    assert "38.4°C ▲ HIGH" in plain(measure_text(state, "temperature", "T ", "°C"))
    # before the dose, blood pressure is held to the pre-dose limits
    first = state.first_dose_at
    assert flag(state, "systolic", 150, first - timedelta(minutes=1)) == "▲ HIGH"
    assert flag(state, "systolic", 150, first + timedelta(minutes=1)) is None


def test_notes_say_private_or_shareable_in_words(session):
    advance_to_mid_peak(session)
    lines = lines_plain(notes_lines(session.log.state().notes, 60)).splitlines()
    assert lines[0].startswith("09:43 SHARE ✓") and "client's words: “I am allowed to rest”" in lines[0]
    assert lines[1].startswith("09:38 private") and "eyes closed" in lines[1]


def test_timeline_done_current_upcoming_and_windows(session):
    advance_to_mid_peak(session)
    state = session.log.state()
    statuses = [(seg.phase, seg.status, seg.minutes) for seg in segments(state)]
    assert statuses == [
        ("intake", "done", 14),
        ("intention", "done", 9),
        ("dose-onset", "done", 15),
        ("peak", "current", 17),
        ("recovery", "upcoming", 30),
        ("integration", "upcoming", 30),
    ]
    assert compact_line(state, 78).cell_length <= 78
    lines = [plain(line) for line in full_lines(state, 116)]
    assert len(lines) == 3 and all(len(line) <= 116 for line in lines)
    axis = lines[1]
    # dose at 09:23 (T0 09:00); onset T+10-15 and peak T+30-60 after it; now at 09:55:30
    assert axis.index("◆") < axis.index("╌") < axis.index("━") and "│" in axis
    assert axis.index("│") > axis.index("━")


def test_typed_text_is_never_read_as_markup(session):
    typed = "[b]not bold[/b] a [$alert-alarm]x path\\[1] ends with a backslash \\"
    session.add(commands.set_intention, typed, session.clock.now())
    session.add(commands.write_note, typed, session.clock.now())
    state = session.log.state()
    from kapsession.tui.widgets.intention_corner import intention_text

    assert f"“{typed}”" in " ".join(intention_text(state, 200).plain.split("\n"))
    assert typed in lines_plain(notes_lines(state.notes, 200))
    wrapped = hang(
        Content.assemble(("09:00", "b"), " "), "one two three four five six seven eight nine ten", 20, indent=6
    )
    assert all(line.cell_length <= 20 for line in wrapped)
    assert all(line.plain.startswith("      ") for line in wrapped[1:])


def test_the_trend_ends_with_the_newest_reading():
    from kapsession.tui.widgets.vitals_panel import BARS, trend_line

    history = tuple(float(v) for v in [120, 180, 130, 175] * 10 + [95])  # 41 readings, the last the lowest
    for width in (5, 12, 24, 60):
        bars = trend_line(history, width).plain
        assert len(bars) == min(width, len(history))
        assert bars[-1] == BARS[0], (width, bars)  # the newest reading, not the highest of a bucket


def test_a_flagged_reading_in_the_history_wraps_under_its_time_rather_than_being_cut(session):
    from kapsession.tui.widgets.vitals_panel import history_lines

    advance_to_mid_peak(session)
    session.add(commands.record_vitals, "185/112 125 90 9 39.2", session.clock.now())
    for width in (38, 54):
        lines = history_lines(session.log.state(), width=width)
        assert all(line.cell_length <= width for line in lines), width
        newest = " ".join(lines_plain(lines).split("\n")[:2])
        for marker in ("BP ▲", "HR ▲", "SpO2 ▼", "RR ▼"):
            assert marker in " ".join(newest.split()), (width, newest)
