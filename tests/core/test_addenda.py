"""After the close: what a closed session still takes (as addenda, marked with when they were
written) and what it refuses, in `show` and the clinical record."""

from __future__ import annotations

import pytest

from kapsession.core import commands
from kapsession.core.errors import InputError
from kapsession.core.timeline import render_text, timeline
from kapsession.summary.record import build_record, render_record_markdown


def closed_chart(new_chart):
    chart = new_chart("sublingual-troche", weight_kg=70)
    chart.phase("intake")
    chart.advance(5).vitals("124/80 72 98")
    chart.phase("next")
    chart.phase("next")
    chart.dose(200)
    chart.advance(130).scale("moaas", 5)
    chart.note("before the close")
    chart.close("test: checklist on paper")
    return chart


def test_entries_after_the_close_are_addenda_with_the_time_they_were_written(new_chart) -> None:
    chart = closed_chart(new_chart)
    chart.advance(20).note("client phoned: home safe")
    chart.add(commands.set_next_session(chart.state(), "in 7 days at 10:00", chart.now))
    state = chart.state()
    lines = {line.text: line for line in timeline(state)}
    assert lines["[private] before the close"].addendum_at is None
    assert lines["[private] client phoned: home safe"].addendum_at == chart.now
    shown = render_text(state, "abc123")
    assert "[addendum, written " in shown and "client phoned: home safe" in shown
    assert shown.count("[addendum, written") == 2  # the note and the next session
    record = render_record_markdown(build_record(state, "abc123"))
    assert record.count("**addendum**, written") == 3  # both in the timeline, the note in the notes too
    assert all("**addendum**" not in line for line in record.splitlines() if "before the close" in line)
    notes = record.split("## Notes")[1].split("## ")[0]
    assert "**addendum**, written" in next(line for line in notes.splitlines() if "client phoned" in line)


@pytest.mark.parametrize(
    ("entry", "what"),
    [
        (lambda chart: commands.record_vitals(chart.state(), "120/80 70 98", chart.now), "vitals"),
        (lambda chart: commands.rate_scale(chart.state(), "moaas", 5, chart.now), "a rating"),
        (lambda chart: commands.give_dose(chart.state(), 10, chart.now), "a dose"),
    ],
)
def test_clinical_entries_are_refused_after_the_close_saying_what_is_kept(new_chart, entry, what) -> None:
    chart = closed_chart(new_chart)
    with pytest.raises(InputError, match=f"{what} can no longer be added \\(notes, corrections and the next"):
        entry(chart)


def test_an_alert_raised_after_the_close_is_refused_by_the_rules(new_chart) -> None:
    from kapsession.core.rules import admit

    chart = closed_chart(new_chart)
    alert = commands.raise_alert(chart.state(), "client feels faint", chart.now)
    with pytest.raises(InputError, match="an alert can no longer be added"):
        admit(chart.state(), alert)
