"""The record counts a baseline reading as the baseline: "Baseline vitals taken" is yes beside it,
with the reading's time, and an older preset's intake item naming it needs no tick."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from kapsession.core import commands
from kapsession.core.intake import intake_done, names_baseline
from kapsession.core.predose import predose_short
from kapsession.core.state import fold
from kapsession.presets import default_library
from kapsession.summary.record import build_record, render_record_markdown

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _events(preset, with_reading: bool):
    opened = commands.open_session(client_name="A.B.", preset=preset, now=START, weight_kg=70, planned_dose_mg=200)
    events = [opened]
    if with_reading:
        state = fold(events, preset, START + timedelta(minutes=2))
        events.append(commands.record_vitals(state, "124/80 72 98", START + timedelta(minutes=2)))
    return events, fold(events, preset, START + timedelta(minutes=3))


def test_a_baseline_reading_is_a_baseline_in_the_record() -> None:
    preset = default_library().get("sublingual-troche")
    _, state = _events(preset, with_reading=True)
    markdown = render_record_markdown(build_record(state, "s1", zone=UTC))
    assert "| intake | Baseline vitals taken | yes | 09:02 |" in markdown.replace("  ", " ")


def test_no_reading_says_no() -> None:
    preset = default_library().get("sublingual-troche")
    _, state = _events(preset, with_reading=False)
    markdown = render_record_markdown(build_record(state, "s1", zone=UTC))
    assert "| intake | Baseline vitals taken | no |" in markdown.replace("  ", " ")


def test_an_older_presets_baseline_item_counts_the_reading_without_a_tick() -> None:
    base = default_library().get("sublingual-troche")
    preset = base.model_copy(update={"intake_checklist": ["Baseline vitals taken", *base.intake_checklist]})
    assert names_baseline("Baseline vitals taken") and not names_baseline("Hydrated today")
    _, state = _events(preset, with_reading=True)
    assert "Baseline vitals taken" in intake_done(state)
    markdown = render_record_markdown(build_record(state, "s1", zone=UTC))
    assert markdown.count("Baseline vitals taken") == 1  # the item, not a second line
    assert "| intake | Baseline vitals taken | yes | 09:02 |" in markdown.replace("  ", " ")
    assert not any("intake checklist: 5 of 5" in short for short in predose_short(state))
