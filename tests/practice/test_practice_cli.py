"""`kapsession practice ...`: run, list, report, delete, check; practice sessions are listed apart,
marked, and never in a client's history."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from kapsession.cli import main
from kapsession.core import commands
from kapsession.core.clock import ManualClock, ScaledClock
from kapsession.practice.driver import PracticeDriver
from kapsession.store import EventStore
from tests.conftest import START, builtin_library
from tests.practice.conftest import Rehearsal

BROKEN = Path(__file__).resolve().parent / "fixtures" / "broken_scenarios"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def data(tmp_path: Path) -> Path:
    return tmp_path / "data"


def rehearsal(data: Path, *, close: bool = True) -> str:
    clock = ManualClock(START)
    with EventStore(data) as store:
        r = Rehearsal(store, "bp-spike-im", clock)
        r.phase("intake")
        clock.advance(minutes=3)
        r.vitals("128/82 74 98")
        clock.advance(minutes=22)
        r.dose(54)
        clock.advance(minutes=95)
        if close:
            r.scale("moaas", 5)
            r.close()
        return r.session_id


def real_session(data: Path, client: str = "Robin (fictional)") -> str:
    with EventStore(data) as store:
        opened = commands.open_session(client_name=client, preset=builtin_library().get("intramuscular"), now=START)
        session_id, _ = store.create_session(opened)
        return session_id


def test_list_shows_the_scenarios_and_recent_rehearsals(capsys, data: Path) -> None:
    code, out, err = run(capsys, "--data-dir", str(data), "practice", "list")
    assert code == 0 and err == ""
    for name in ("bp-spike-im", "nausea-esketamine", "smooth-troche", "stopped-infusion-iv"):
        assert name in out
    assert "Recent rehearsals" not in out
    session_id = rehearsal(data)
    code, out, _ = run(capsys, "--data-dir", str(data), "practice", "list")
    assert f"{session_id}" in out and "PRACTICE" in out
    # Without a scenario and without a terminal, `practice` lists them too.
    code, plain, _ = run(capsys, "--data-dir", str(data), "practice")
    assert code == 0 and plain == out


def test_report_as_text_and_markdown(capsys, data: Path) -> None:
    session_id = rehearsal(data)
    code, text, err = run(capsys, "--data-dir", str(data), "practice", "report", session_id)
    assert code == 0, err
    assert text.startswith("PRACTICE DEBRIEF: BLOOD PRESSURE SPIKE AFTER AN IM DOSE\n")
    assert "Vitals T+15: missed" in text and "Score:" in text
    code, markdown, _ = run(capsys, "--data-dir", str(data), "practice", "report", session_id.upper(), "--format", "md")
    assert code == 0
    assert markdown.startswith("# Practice debrief: Blood pressure spike after an IM dose\n")
    assert "| T+40 |" in markdown and "## Scripted events" in markdown


def test_report_refuses_a_real_session_and_an_unknown_id(capsys, data: Path) -> None:
    session_id = real_session(data)
    code, out, err = run(capsys, "--data-dir", str(data), "practice", "report", session_id)
    assert code == 2 and out == ""
    assert err == f"kapsession: session {session_id} is a real session; a debrief is only for practice sessions\n"
    code, _, err = run(capsys, "--data-dir", str(data), "practice", "report", "zzzzzz")
    assert code == 2 and err.startswith("kapsession: there is no session 'zzzzzz'")


def test_delete_removes_a_rehearsal_and_refuses_a_real_session(capsys, data: Path) -> None:
    practice_id = rehearsal(data)
    real_id = real_session(data)
    code, out, err = run(capsys, "--data-dir", str(data), "practice", "delete", real_id)
    assert code == 2 and out == ""
    assert "is a real session: only practice sessions can be deleted" in err and err.count("\n") == 1
    code, out, _ = run(capsys, "--data-dir", str(data), "practice", "delete", practice_id)
    assert code == 0 and out == f"deleted practice session {practice_id}\n"
    with EventStore(data) as store:
        assert [row.id for row in store.list_sessions(practice=None)] == [real_id]
        assert store.events(real_id)  # untouched


def test_practice_sessions_are_listed_apart_and_never_in_a_clients_history(capsys, data: Path) -> None:
    practice_id = rehearsal(data)
    real_id = real_session(data, client="Robin (fictional)")
    _, real_only, _ = run(capsys, "--data-dir", str(data), "sessions")
    assert real_id in real_only and practice_id not in real_only
    _, practice_only, _ = run(capsys, "--data-dir", str(data), "sessions", "--practice")
    assert practice_id in practice_only and real_id not in practice_only and "PRACTICE" in practice_only
    _, shown, _ = run(capsys, "--data-dir", str(data), "show", practice_id)
    assert shown.splitlines()[0] == f"Session {practice_id}  PRACTICE"
    with EventStore(data) as store:
        assert [row.id for row in store.client_history("Robin (fictional)")] == [real_id]
    # The real client's next session is number 2, not 3: the rehearsal does not count.
    code, new_id, _ = run(
        capsys,
        "--data-dir",
        str(data),
        "new",
        "--client",
        "Robin (fictional)",
        "--preset",
        "intramuscular",
        "--no-open",
    )
    assert code == 0
    with EventStore(data) as store:
        assert store.session(new_id.strip()).series_number == 2


def test_check_validates_a_scenario_file(capsys, data: Path) -> None:
    from kapsession import locations

    code, out, _ = run(capsys, "practice", "check", str(locations.builtin_scenarios_dir() / "bp-spike-im.toml"))
    assert code == 0 and out == "ok\n"
    path = BROKEN / "bad-kind.toml"
    code, out, err = run(capsys, "practice", "check", str(path))
    assert code == 2 and out == ""
    assert err.startswith(f"kapsession: {path}:") and "events[3].kind: 'nurse' is not a kind of event" in err
    assert err.count("\n") == 1


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (["practice", "bp-spike-im", "--speed", "0"], "speed 0 is out of range: accepted 1-120"),
        (["practice", "bp-spike-im", "--speed", "121"], "speed 121 is out of range: accepted 1-120"),
        (["practice", "bp-spike-im", "--speed", "fast"], "speed 'fast' is not a number: accepted 1-120"),
        (["practice", "bp-spike"], "there is no practice scenario 'bp-spike'. Did you mean 'bp-spike-im'?"),
        (["practice", "report"], "`kapsession practice report` needs exactly one ID"),
        (["practice", "list", "--format", "md"], "--format is for `kapsession practice report ID`"),
        (["practice", "list", "--speed", "20"], "--speed is for running a scenario, not for `practice list`"),
        (["practice", "a", "b"], "give one scenario to run"),
    ],
)
def test_refusals_are_one_sentence_and_exit_2(capsys, data: Path, argv: list[str], says: str) -> None:
    code, out, err = run(capsys, "--data-dir", str(data), *argv)
    assert code == 2 and out == ""
    assert says in err
    assert "Traceback" not in err
    with EventStore(data) as store:
        assert store.list_sessions(practice=None) == []  # nothing recorded


@pytest.mark.parametrize(("extra", "speed"), [([], 10.0), (["--speed", "60"], 60.0), (["--speed", "1"], 1.0)])
def test_run_opens_the_live_screen_on_a_scaled_clock(
    capsys, data: Path, monkeypatch: pytest.MonkeyPatch, extra: list[str], speed: float
) -> None:
    seen: dict[str, Any] = {}

    def fake_run_app(**kwargs: Any) -> int:
        seen.update(kwargs)
        return 0

    monkeypatch.setattr("kapsession.tui.app.run_app", fake_run_app)
    code, out, err = run(capsys, "--data-dir", str(data), "practice", "bp-spike-im", *extra)
    assert code == 0
    driver, clock = seen["practice"], seen["clock"]
    assert isinstance(driver, PracticeDriver) and isinstance(clock, ScaledClock)
    assert clock.speed == speed and driver.clock is clock
    assert driver.banner() == f"PRACTICE ×{speed:g} · bp-spike-im"
    assert seen["data_dir"] == data
    with EventStore(data) as store:
        row = store.session(seen["session_id"])
        assert row.practice and row.preset == "intramuscular" and row.client_name == "Robin (fictional)"
        opened = store.events(row.id)[0]
        assert opened.practice and opened.scenario == "bp-spike-im" and opened.planned_dose_mg == 54
        # Opened at the practice clock's now: the session's times are practice-clock times.
        assert abs(opened.at - clock.now()) < timedelta(seconds=5 * speed)
    assert f"kapsession practice report {row.id}" in err
