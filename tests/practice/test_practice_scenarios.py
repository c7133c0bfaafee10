"""Practice scenarios: the shipped ones validate and say what the issue asks; broken scenario files
get one precise line each (file, line, field, what is wrong), like broken presets do."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kapsession import locations
from kapsession.core.errors import NotFoundError, PresetError
from kapsession.practice.scenario import ScenarioLibrary, load_scenario_file
from tests.conftest import builtin_library

BROKEN_DIR = Path(__file__).resolve().parent / "fixtures" / "broken_scenarios"
SHIPPED = {
    "smooth-troche": "sublingual-troche",
    "bp-spike-im": "intramuscular",
    "nausea-esketamine": "intranasal-esketamine",
    "stopped-infusion-iv": "iv-infusion",
}


@pytest.fixture(scope="module")
def scenarios() -> ScenarioLibrary:
    return ScenarioLibrary.load(locations.builtin_scenarios_dir(), presets=builtin_library())


def test_every_shipped_scenario_passes_validation(scenarios: ScenarioLibrary) -> None:
    assert scenarios.problems == []
    assert set(SHIPPED) <= set(scenarios.scenarios)
    for path in sorted(locations.builtin_scenarios_dir().glob("*.toml")):
        scenario = load_scenario_file(path, builtin_library())
        assert scenario.name == path.stem
        assert scenario.preset == SHIPPED.get(scenario.name, scenario.preset)
        assert "fictional" in scenario.client_name
        assert scenario.description.strip() and scenario.title.strip()
        preset = builtin_library().get(scenario.preset)
        assert scenario.planned_dose_mg is not None and scenario.planned_dose_mg <= preset.dosing.max_mg


def test_bp_spike_im_rises_at_40_minutes_and_settles_by_90(scenarios: ScenarioLibrary) -> None:
    scenario = scenarios.get("bp-spike-im")
    monitor = {e.at_minutes: e.text for e in scenario.events if e.kind == "monitor" and e.anchor == "dose"}
    assert "186/114" in monitor[40] and "HR 118" in monitor[40]
    assert "170/100" in monitor[55]
    assert "138/86" in monitor[90]
    assert "132/84" in monitor[15]  # normal at T+15
    assert all(e.expect == "vitals" for e in scenario.events if e.kind == "monitor")


def test_nausea_esketamine_has_nausea_anxiety_and_an_early_exit(scenarios: ScenarioLibrary) -> None:
    scenario = scenarios.get("nausea-esketamine")
    preset = builtin_library().get(scenario.preset)
    assert preset.minimum_observation_minutes >= 120
    texts = " ".join(e.text.casefold() for e in scenario.events)
    assert "sick" in texts and "vomits" in texts and "racing" in texts
    leave = next(e for e in scenario.events if "can i go" in e.text.casefold())
    assert leave.anchor == "dose" and leave.at_minutes < preset.minimum_observation_minutes
    assert leave.expect == "note"
    assert {"scale", "adverse", "medication"} <= {e.expect for e in scenario.events}


def test_stopped_infusion_iv_expects_the_stop_and_an_adverse_event(scenarios: ScenarioLibrary) -> None:
    scenario = scenarios.get("stopped-infusion-iv")
    spike = next(e for e in scenario.events if "190/115" in e.text)
    assert spike.anchor == "dose" and spike.expect == "vitals"
    stop = next(e for e in scenario.events if e.expect == "infusion-stop")
    assert stop.at_minutes > spike.at_minutes and stop.window_minutes <= 5
    assert any(e.expect == "adverse" for e in scenario.events)


def test_smooth_troche_is_uneventful(scenarios: ScenarioLibrary) -> None:
    scenario = scenarios.get("smooth-troche")
    for event in scenario.events:
        if event.kind == "monitor":
            systolic, diastolic = event.text.split()[2].split("/")
            assert int(systolic) < 140 and int(diastolic) < 90


def test_unknown_scenario_suggests_the_closest(scenarios: ScenarioLibrary) -> None:
    with pytest.raises(NotFoundError, match="Did you mean 'bp-spike-im'"):
        scenarios.get("bp-spike")


def line_of(path: Path, text: str, occurrence: int = 1) -> int:
    numbers = [n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1) if text in line]
    return numbers[occurrence - 1]


# stem, the exact message after "path:LINE: " (LINE found independently: text on it, which occurrence)
BROKEN = [
    (
        "unknown-preset",
        ("preset = ", 1),
        "preset: there is no preset 'intramusculr' (did you mean 'intramuscular'?): accepted intramuscular, "
        "intranasal-esketamine, iv-infusion, sublingual-troche",
    ),
    (
        "bad-kind",
        ('kind = "nurse"', 1),
        "events[3].kind: 'nurse' is not a kind of event: accepted monitor, client, observation",
    ),
    (
        "negative-minutes",
        ("at_minutes = -5", 1),
        "events[2].at_minutes: -5 is negative: accepted 0-600 minutes after the start or the dose",
    ),
    ("unknown-field", ("windw_minutes", 1), "events[2].windw_minutes: is not a known field (check the spelling)"),
    ("bad-from", ('from = "peak"', 1), "events[1].from: 'peak' is not a start for the minutes: accepted start, dose"),
    (
        "wrong-name",
        ('name = "right-name"', 1),
        "name: 'right-name' must match the file name 'wrong-name': "
        'set name = "wrong-name" in the file, or name the file right-name.toml (a file with a built-in\'s name '
        "replaces it)",
    ),
    (
        "too-much-dose",
        ("planned_dose_mg", 1),
        "planned_dose_mg: 400 mg is above the preset's maximum: accepted up to 150 mg",
    ),
]


@pytest.mark.parametrize(("stem", "line", "says"), BROKEN, ids=[case[0] for case in BROKEN])
def test_broken_scenario_gives_one_precise_line(stem: str, line: tuple[str, int], says: str) -> None:
    path = BROKEN_DIR / f"{stem}.toml"
    with pytest.raises(PresetError) as caught:
        load_scenario_file(path, builtin_library())
    message = str(caught.value)
    assert "\n" not in message
    assert message == f"{path}:{line_of(path, *line)}: {says}"


def test_toml_syntax_error_names_file_and_line() -> None:
    path = BROKEN_DIR / "toml-syntax.toml"
    with pytest.raises(PresetError) as caught:
        load_scenario_file(path, builtin_library())
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"{path}:{line_of(path, 'an unterminated string')}: not valid TOML: ")


def test_missing_events_is_named() -> None:
    path = BROKEN_DIR / "no-events.toml"
    with pytest.raises(PresetError) as caught:
        load_scenario_file(path, builtin_library())
    assert str(caught.value) == f"{path}: events: is required but missing"


def test_every_broken_fixture_is_covered() -> None:
    covered = {stem for stem, _, _ in BROKEN} | {"toml-syntax", "no-events"}
    assert {path.stem for path in BROKEN_DIR.glob("*.toml")} == covered


def test_a_broken_user_scenario_is_reported_and_the_others_still_load(tmp_path: Path) -> None:
    user = tmp_path / "practice"
    user.mkdir()
    shutil.copy(BROKEN_DIR / "bad-kind.toml", user / "bad-kind.toml")
    own = (locations.builtin_scenarios_dir() / "smooth-troche.toml").read_text(encoding="utf-8")
    (user / "smooth-troche.toml").write_text(
        own.replace('title = "A smooth troche session"', 'title = "My own"'), encoding="utf-8"
    )
    library = ScenarioLibrary.load(locations.builtin_scenarios_dir(), user, presets=builtin_library())
    assert len(library.problems) == 1 and "bad-kind.toml:" in library.problems[0]
    assert set(SHIPPED) <= set(library.scenarios)
    assert library.get("smooth-troche").title == "My own"  # the user's file overrides a built-in
    assert library.sources["smooth-troche"] == user / "smooth-troche.toml"
