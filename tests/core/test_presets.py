"""The built-in presets load and say what the domain needs; broken preset files give one clear line each."""

from __future__ import annotations

import shutil
import string
from pathlib import Path

import pytest

from kapsession import locations
from kapsession.core.errors import PresetError
from kapsession.core.phases import PHASES
from kapsession.core.preset_library import PresetLibrary
from kapsession.core.protocol import Preset, load_preset_file

BUILTIN_ROUTES = {
    "sublingual-troche": "sublingual",
    "intramuscular": "intramuscular",
    "iv-infusion": "intravenous",
    "intranasal-esketamine": "intranasal",
}

BROKEN_DIR = Path(__file__).resolve().parents[1] / "fixtures" / "broken_presets"


@pytest.fixture(scope="module")
def library() -> PresetLibrary:
    return PresetLibrary.load(locations.builtin_presets_dir())


@pytest.fixture(params=sorted(BUILTIN_ROUTES))
def preset(request: pytest.FixtureRequest, library: PresetLibrary) -> Preset:
    return library.get(request.param)


# --- the built-in presets ---------------------------------------------------------------------


def test_builtin_presets_load_without_problems(library: PresetLibrary) -> None:
    assert library.problems == []
    assert set(BUILTIN_ROUTES) <= set(library.presets)
    for name, source in library.sources.items():
        assert source.stem == name
        assert source.parent == locations.builtin_presets_dir()


def test_each_builtin_file_validates_on_its_own() -> None:
    for path in sorted(locations.builtin_presets_dir().glob("*.toml")):
        assert load_preset_file(path).name == path.stem


def test_route_matches_the_preset(preset: Preset) -> None:
    assert preset.route == BUILTIN_ROUTES[preset.name]
    assert preset.title.strip() and preset.description.strip()


def test_all_six_phases_in_order_with_prompts(preset: Preset) -> None:
    assert tuple(preset.phases) == PHASES
    for phase, plan in preset.phases.items():
        assert plan.minutes >= 1, phase
        assert len(plan.prompt.strip()) > 20, phase
    assert 25 <= preset.phases["integration"].minutes <= 40


def test_deck_has_at_least_30_distinct_cards(preset: Preset) -> None:
    keys = [card.strip().casefold() for card in preset.cards]
    assert len(set(keys)) == len(keys)
    assert len(set(keys)) >= 30
    assert all(0 < len(card) <= 80 for card in preset.cards)


def test_windows_are_sensible(preset: Preset) -> None:
    assert preset.onset_window.start <= preset.peak_window.end
    assert preset.onset_window.end <= preset.peak_window.end


def test_phases_after_the_dose_cover_the_minimum_observation(preset: Preset) -> None:
    after_dose = sum(preset.phases[phase].minutes for phase in PHASES[2:])
    assert after_dose >= preset.minimum_observation_minutes


def test_thresholds_follow_the_domain(preset: Preset) -> None:
    t = preset.thresholds
    assert (t.systolic_high, t.diastolic_high) == (180, 110)
    assert (t.predose_systolic_high, t.predose_diastolic_high) == (140, 90)
    assert (t.heart_rate_high, t.heart_rate_low) == (120, 50)
    assert t.spo2_low == 92
    assert t.resp_rate_low == 10


def test_vitals_baseline_and_before_discharge(preset: Preset) -> None:
    assert preset.vitals.baseline
    assert preset.vitals.before_discharge


def test_checklists_and_aftercare(preset: Preset) -> None:
    intake = " ".join([*preset.intake_checklist, *(q.text for q in preset.screening_questions)]).casefold()
    for word in ("since last food", "hydrat", "medicines taken today", "ride home", "consent"):
        assert word in intake, word
    discharge = " ".join(preset.discharge_checklist).casefold()
    for word in ("alert and oriented", "steadily", "near baseline", "nausea", "driver", "no driving"):
        assert word in discharge, word
    aftercare = " ".join(preset.aftercare).casefold()
    for word in ("rest", "water", "eat gently", "no driving", "until tomorrow", "journal"):
        assert word in aftercare, word
    assert "emergency" in preset.when_to_call


def test_integration_prompts_use_only_the_intention_placeholder(preset: Preset) -> None:
    assert 5 <= len(preset.integration_prompts) <= 8
    with_intention = 0
    for prompt in preset.integration_prompts:
        fields = {name for _, name, _, _ in string.Formatter().parse(prompt) if name is not None}
        assert fields <= {"intention"}, prompt
        with_intention += "intention" in fields
    assert 1 <= with_intention <= 2


def test_esketamine_follows_the_regulated_rule(library: PresetLibrary) -> None:
    preset = library.get("intranasal-esketamine")
    assert preset.minimum_observation_minutes >= 120
    assert preset.vitals.baseline
    assert 40 in preset.vitals.after_dose_minutes
    assert preset.vitals.before_discharge
    assert preset.timers.device_interval_minutes == 5
    assert preset.timers.mg_per_device == 28
    assert any("2 hours" in item for item in preset.discharge_checklist)


def test_troche_has_a_spit_timer(library: PresetLibrary) -> None:
    preset = library.get("sublingual-troche")
    assert preset.timers.spit_after_minutes is not None
    assert 10 <= preset.timers.spit_after_minutes <= 12
    assert 40 in preset.vitals.after_dose_minutes


def test_intramuscular_has_a_booster_window_and_sites(library: PresetLibrary) -> None:
    preset = library.get("intramuscular")
    window = preset.timers.booster_window
    assert window is not None and (window.start, window.end) == (15, 20)
    assert "left deltoid" in preset.dosing.sites
    assert preset.dosing.mg_per_kg is not None


def test_iv_checks_vitals_every_10_to_15_minutes_while_dosing(library: PresetLibrary) -> None:
    preset = library.get("iv-infusion")
    for phase in ("dose-onset", "peak"):
        assert 10 <= preset.vitals.every_minutes[phase] <= 15
    assert preset.dosing.mg_per_kg == 0.5


# --- broken preset files ----------------------------------------------------------------------


def line_of(path: Path, text: str) -> int:
    """The 1-based line of the one line in `path` containing `text` (found independently of the loader)."""
    numbers = [n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1) if text in line]
    assert len(numbers) == 1, (path, text, numbers)
    return numbers[0]


# file stem, field named in the message, text on the line the message points at (None: no line), what is said
BROKEN_CASES = [
    # The phases are spread over [phases.*] headers: the message points at the first of them.
    ("missing-phase", "phases", "[phases.intake]", "missing phase(s) peak; all six are needed"),
    ("unknown-field", "vitals.befor_discharge", "befor_discharge = true", "is not a known field (check the spelling)"),
    ("too-few-cards", "cards", "cards = [", "the deck has 12 cards; at least 30 are needed"),
    # The line is the repeated card, not the start of the deck.
    ("duplicate-card", "cards", '"who do I miss?"', "the card 'who do I miss?' appears twice"),
    (
        "bad-route",
        "route",
        'route = "oral"',
        "'oral' is not a route: accepted sublingual, intramuscular, intravenous, intranasal",
    ),
    ("wrong-name", "name", 'name = "right-name"', "'right-name' must match the file name 'wrong-name'"),
    ("negative-minutes", "phases.peak.minutes", "minutes = -5", "greater than or equal to 1"),
    (
        "unordered-checks",
        "vitals.after_dose_minutes",
        "after_dose_minutes = [40, 20, 90]",
        "minutes after the dose must be in increasing order, without repeats",
    ),
]


def broken_message(stem: str) -> str:
    path = BROKEN_DIR / f"{stem}.toml"
    with pytest.raises(PresetError) as caught:
        load_preset_file(path)
    return str(caught.value)


@pytest.mark.parametrize(("stem", "field", "line_text", "says"), BROKEN_CASES, ids=[case[0] for case in BROKEN_CASES])
def test_broken_preset_names_file_field_and_line(stem: str, field: str, line_text: str | None, says: str) -> None:
    path = BROKEN_DIR / f"{stem}.toml"
    message = broken_message(stem)
    assert "\n" not in message
    where = f"{path}:{line_of(path, line_text)}" if line_text else str(path)
    assert message.startswith(f"{where}: {field}: "), message
    assert says in message
    assert "more problem" not in message  # each fixture is broken in exactly one way


def test_toml_syntax_error_names_file_and_line() -> None:
    path = BROKEN_DIR / "toml-syntax.toml"
    message = broken_message("toml-syntax")
    assert "\n" not in message
    assert message.startswith(f"{path}:{line_of(path, 'an unterminated string')}: not valid TOML: ")
    assert "(column " in message and "(at line" not in message


def test_every_broken_fixture_is_covered_and_says_something_different() -> None:
    stems = {path.stem for path in BROKEN_DIR.glob("*.toml")}
    assert stems == {case[0] for case in BROKEN_CASES} | {"toml-syntax"}
    messages = [broken_message(stem) for stem in sorted(stems)]
    bodies = [message.split(": ", 1)[1] for message in messages]
    assert len(set(bodies)) == len(bodies)


def test_library_loads_the_good_file_and_lists_the_broken_one(tmp_path: Path) -> None:
    shutil.copy(locations.builtin_presets_dir() / "sublingual-troche.toml", tmp_path)
    broken = tmp_path / "negative-minutes.toml"
    shutil.copy(BROKEN_DIR / "negative-minutes.toml", broken)
    loaded = PresetLibrary.load(tmp_path)
    assert set(loaded.presets) == {"sublingual-troche"}
    assert loaded.sources["sublingual-troche"] == tmp_path / "sublingual-troche.toml"
    assert len(loaded.problems) == 1
    assert loaded.problems[0] == broken_message("negative-minutes").replace(
        str(BROKEN_DIR / "negative-minutes.toml"), str(broken)
    )
    assert loaded.problems[0].startswith(f"{broken}:{line_of(broken, 'minutes = -5')}: phases.peak.minutes: ")


def test_broken_user_files_do_not_hide_the_builtins() -> None:
    loaded = PresetLibrary.load(locations.builtin_presets_dir(), BROKEN_DIR)
    assert set(BUILTIN_ROUTES) <= set(loaded.presets)
    assert len(loaded.problems) == len(list(BROKEN_DIR.glob("*.toml")))
    for path in BROKEN_DIR.glob("*.toml"):
        assert sum(problem.startswith(f"{path}") for problem in loaded.problems) == 1
