"""Issue 19 item 11 (the debrief's part): a note is judged by when it was saved, not when
typing began, and a phase counts as held only if it lasted."""

from __future__ import annotations

from datetime import timedelta

from kapsession.core import commands
from kapsession.core.clock import ManualClock
from tests.conftest import START


def to_the_dose(r, clock: ManualClock) -> None:
    r.phase("intake")
    clock.advance(minutes=3)
    r.vitals("128/82 74 98")
    clock.advance(minutes=12)
    r.phase("next")
    clock.advance(minutes=10)
    r.phase("next")
    r.dose(54)


def test_a_note_begun_before_the_cue_and_saved_after_it_answers_it(rehearse) -> None:
    clock = ManualClock(START)
    r = rehearse("bp-spike-im", clock)
    to_the_dose(r, clock)
    first = r.state().first_dose_at
    began = first + timedelta(minutes=24)  # typing began a minute before the T+25 client words
    clock.set(first + timedelta(minutes=26))
    note = r.record(commands.write_note, "says her head is pounding a little", began)
    assert note.at == began and note.saved_at == clock.now()
    words = next(s for s in r.debrief(clock.now()).scripted if s.when == "T+25")
    assert words.status == "answered after 0:01:00"


def test_a_phase_passed_through_in_no_time_is_not_held(rehearse) -> None:
    clock = ManualClock(START)
    r = rehearse("bp-spike-im", clock)
    to_the_dose(r, clock)
    clock.advance(minutes=30)
    r.phase("peak")
    clock.advance(minutes=30)
    r.phase("recovery")
    clock.advance(minutes=40)
    r.phase("integration")  # and straight on to the close: a 0:00 integration
    r.tick_all()
    r.scale("aldrete", 10)
    r.close("scenario ends here")
    debrief = r.debrief()
    phases = {p.phase: p for p in debrief.phases}
    assert phases["integration"].actual is None
    assert phases["integration"].status == "not held (passed in 0:00:00)"
    assert phases["recovery"].actual == timedelta(minutes=40)
    assert dict(debrief.summary_lines())["Phases"].startswith("5 of 6 held")
