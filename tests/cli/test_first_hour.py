"""Issue 17, the first hour, on the command line: starting late, entry numbers per session, ticking
by the start of an item, and sentences that are true."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from kapsession.core.timeparse import format_local
from tests.cli.test_cli import Cli, recorded

NEAR = timedelta(seconds=30)


def late_mark(out: str, label: str) -> list[str]:
    """The `show` lines of one label that carry the late-entry mark."""
    return [line for line in out.splitlines() if f"  {label} " in line and "(late entry, written " in line]


# --- 1. starting late ----------------------------------------------------------------------------


def test_a_session_started_late_records_what_came_before_with_both_times(cli: Cli) -> None:
    session_id = cli.new("A.B.", "sublingual-troche", "--started-at", "-25m")
    cli.ok("add", session_id, "vitals", "128/84", "76", "98", "--at", "-24m")
    cli.ok("add", session_id, "phase", "intake", "--at", "-20m")
    cli.ok("add", session_id, "intention", "to", "rest", "--at", "-19m")
    cli.ok("add", session_id, "card", "--at", "-18m")
    cli.ok("add", session_id, "note", "arrived", "calm")
    now = datetime.now(UTC)
    opened, vitals, phase, intention, card, note = cli.events(session_id)
    for event, minutes in ((opened, 25), (vitals, 24), (phase, 20), (intention, 19), (card, 18)):
        assert abs(event.at - (now - timedelta(minutes=minutes))) < NEAR, event  # when it happened
        assert abs(event.recorded_at - now) < NEAR, event  # when it was written
    assert abs(note.at - now) < NEAR

    out = cli.ok("show", session_id)
    written = format_local(note.recorded_at)
    for label in ("opened", "vitals", "phase", "intention", "card"):
        assert late_mark(out, label), (label, out)
    assert f"(late entry, written {written})" in out
    assert not late_mark(out, "note")  # written at the time

    record = cli.ok("record", session_id, "--format", "md")
    assert f"| phase | Intake talk (late entry, written {written}) |" in record


def test_an_entry_may_be_dated_before_the_session_was_written(cli: Cli) -> None:
    """The session opened on the screen at 10:25 for a client who arrived at 10:05."""
    session_id = cli.new()
    assert recorded(cli.ok("add", session_id, "phase", "intake", "--at", "-20m"), "phase") == "Intake talk"
    assert recorded(cli.ok("add", session_id, "vitals", "128/84", "76", "98", "--at", "-60m"), "vitals")
    message = cli.refused("add", session_id, "vitals", "120/80", "--at", "-300m")
    assert re.fullmatch(
        r"-300m is too far back for this session; accepted: a time from \d\d:\d\d "
        r"\(four hours before it was written\) until now",
        message,
    ), message


def test_a_start_more_than_four_hours_back_is_refused(cli: Cli) -> None:
    message = cli.refused(
        "new", "--client", "A.B.", "--preset", "sublingual-troche", "--no-open", "--started-at", "-300m"
    )
    assert message.startswith("-300m is more than four hours ago; accepted: a start from ")


# --- 7. messages that are true -------------------------------------------------------------------


def test_a_time_in_the_minute_the_session_was_made_is_accepted(cli: Cli) -> None:
    session_id = cli.new()
    made = format_local(cli.events(session_id)[0].at)  # HH:MM, as the therapist reads it
    assert recorded(cli.ok("add", session_id, "vitals", "128/84", "--at", made), "vitals") == "128/84"


def test_a_negative_planned_dose_is_out_of_range_not_a_non_number(cli: Cli) -> None:
    message = cli.refused("new", "--client", "A.B.", "--preset", "sublingual-troche", "--no-open", "--dose-mg", "-5")
    assert message == "planned dose -5 is out of range: accepted 1-500 mg"
    session_id = cli.new()
    assert cli.refused("add", session_id, "dose", "-5") == "dose -5 is out of range: accepted 0.5-500 mg"


def test_no_practice_sessions_suggests_practice(cli: Cli) -> None:
    cli.new()
    assert (
        cli.ok("sessions", "--practice") == "No practice sessions yet. Rehearse a protocol with: kapsession practice\n"
    )


# --- 8. ticking ----------------------------------------------------------------------------------


def test_tick_takes_the_start_of_an_item_and_lists_candidates(cli: Cli) -> None:
    session_id = cli.new()
    out = cli.ok("add", session_id, "tick", "discharge", "alert")
    assert recorded(out, "checklist") == "discharge: ✓ Alert and oriented (name, place, day)"
    assert (
        recorded(cli.ok("add", session_id, "tick", "discharge", "walks", "steadily"), "checklist")
        == "discharge: ✓ Walks steadily without help"
    )
    message = cli.refused("add", session_id, "tick", "discharge", "N")
    assert message == (
        "'N' fits 2 items on the discharge checklist: 4. Nausea controlled; 6. No driving, "
        "machinery or big decisions until tomorrow explained; type more of it, or its number"
    )
    assert cli.refused("add", session_id, "tick", "discharge", "sing").startswith(
        "'sing' is not on the discharge checklist: accepted a number or the start of an item: 1. Alert"
    )


def test_ticking_a_ticked_item_says_so_and_records_nothing(cli: Cli) -> None:
    session_id = cli.new()
    cli.ok("add", session_id, "tick", "discharge", "1")
    message = cli.refused("add", session_id, "tick", "discharge", "Alert")
    assert message == "'Alert and oriented (name, place, day)' is already ticked on the discharge checklist"


# --- 10. entry numbers ---------------------------------------------------------------------------


def test_entries_are_numbered_per_session_as_show_prints_them(cli: Cli) -> None:
    first = cli.new("A.B.")
    for _ in range(5):
        cli.ok("add", first, "note", "filler")
    second = cli.new("C.D.")
    assert cli.ok("add", second, "phase", "intake").startswith("recorded #2 at ")
    out = cli.ok("add", second, "vitals", "128/84", "76", "98")
    assert out.startswith("recorded #3 at ")
    cli.ok("add", second, "note", "--shareable", "resting")
    shown = cli.ok("show", second)
    assert re.search(r"#1\s+opened .*\n.*#2\s+phase .*\n.*#3\s+vitals .*\n.*#4\s+note ", shown), shown

    assert (
        recorded(cli.ok("add", second, "strike", "3", "--reason", "wrong cuff"), "struck") == "#3, reason: wrong cuff"
    )
    assert "~128/84 HR 76 SpO2 98%~ [struck: wrong cuff]" in cli.ok("show", second)
    assert recorded(cli.ok("add", second, "share", "4", "--private"), "unshared") == "note #4 made private"
    assert (
        cli.refused("add", second, "strike", "9", "--reason", "x")
        == "there is no entry #9 in this session: accepted 1-6, as `kapsession show` numbers them"
    )
    assert cli.refused("add", second, "share", "2") == "entry #2 is not a note"
    assert cli.refused("add", second, "strike", "1", "--reason", "x") == "entry #1 (session opened) cannot be struck"
    # The first session's entries were not touched by any of it.
    assert "struck" not in cli.ok("show", first)


# --- 5. a copied preset ----------------------------------------------------------------------------


def test_a_copied_shipped_preset_says_how_to_mend_it_and_then_passes(cli: Cli, tmp_path) -> None:
    from kapsession import locations

    copy = tmp_path / "my-preset.toml"
    text = (locations.builtin_presets_dir() / "sublingual-troche.toml").read_text()
    copy.write_text(text)
    message = cli.refused("presets", "check", str(copy))
    assert message == (
        f"{copy}:6: name: 'sublingual-troche' must match the file name 'my-preset': "
        'set name = "my-preset" in the file, or name the file sublingual-troche.toml '
        "(a file with a built-in's name replaces it)"
    )
    copy.write_text(text.replace('name = "sublingual-troche"', 'name = "my-preset"', 1))  # as it says
    assert cli.ok("presets", "check", str(copy)) == "ok\n"
