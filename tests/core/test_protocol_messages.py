"""The one-line messages for broken preset files, beyond the fixtures in test_presets.py: each case
starts from a shipped preset and breaks it in one way, then checks the file, line, field and words."""

from __future__ import annotations

from pathlib import Path

import pytest

from kapsession import locations
from kapsession.core.errors import PresetError
from kapsession.core.preset_library import PresetLibrary
from kapsession.core.protocol import load_preset_file

SOURCE = locations.builtin_presets_dir() / "sublingual-troche.toml"


def write(tmp_path: Path, text: str, stem: str = "sublingual-troche", encoding: str = "utf-8") -> Path:
    path = tmp_path / f"{stem}.toml"
    path.write_text(text, encoding=encoding)
    return path


def message_for(path: Path) -> str:
    with pytest.raises(PresetError) as caught:
        load_preset_file(path)
    message = str(caught.value)
    assert "\n" not in message
    return message


def line_number(path: Path, text: str) -> int:
    numbers = [n for n, line in enumerate(path.read_text(encoding="utf-8-sig").splitlines(), 1) if text in line]
    assert len(numbers) == 1, (text, numbers)
    return numbers[0]


@pytest.fixture
def original() -> str:
    return SOURCE.read_text(encoding="utf-8")


def test_a_byte_order_mark_is_accepted(tmp_path: Path, original: str) -> None:
    path = write(tmp_path, original, encoding="utf-8-sig")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    assert load_preset_file(path).name == "sublingual-troche"


def test_a_misspelt_required_field_is_reported_as_the_typo_with_a_hint(tmp_path: Path, original: str) -> None:
    path = write(tmp_path, original.replace('title = "', 'titel = "', 1))
    message = message_for(path)
    assert message.startswith(f"{path}:{line_number(path, 'titel = ')}: titel: is not a known field")
    assert "did you mean 'title'?" in message
    assert "more problem" not in message  # the missing title is the same mistake


def test_an_unknown_field_without_a_lookalike_keeps_the_plain_message(tmp_path: Path, original: str) -> None:
    path = write(tmp_path, original.replace('title = "', 'colour = "blue"\ntitle = "', 1))
    message = message_for(path)
    assert message == f"{path}:{line_number(path, 'colour = ')}: colour: is not a known field (check the spelling)"


def test_unknown_and_unrelated_missing_fields_count_both(tmp_path: Path, original: str) -> None:
    text = original.replace('title = "', 'colour = "blue"\ntitle = "', 1)
    text = "\n".join(line for line in text.splitlines() if not line.startswith("minimum_observation_minutes"))
    path = write(tmp_path, text)
    message = message_for(path)
    assert ": colour: is not a known field" in message
    assert "did you mean" not in message
    assert message.endswith("(and 1 more problem)")


def test_a_bad_name_says_what_a_name_may_contain(tmp_path: Path, original: str) -> None:
    path = write(tmp_path, original.replace('name = "sublingual-troche"', 'name = "Sublingual Troche"'))
    message = message_for(path)
    assert message == (
        f"{path}:{line_number(path, 'Sublingual Troche')}: name: 'Sublingual Troche' is not a valid name: "
        "accepted: lower-case letters, digits and hyphens"
    )


def test_a_bad_route_repeats_the_value_and_lists_the_routes(tmp_path: Path, original: str) -> None:
    path = write(tmp_path, original.replace('route = "sublingual"', 'route = "Oral"'))
    assert message_for(path) == (
        f"{path}:{line_number(path, 'route = ')}: route: 'Oral' is not a route: "
        "accepted sublingual, intramuscular, intravenous, intranasal"
    )


def test_an_unknown_phase_table_names_the_phase_and_its_line(tmp_path: Path, original: str) -> None:
    path = write(tmp_path, original.replace("[phases.peak]", "[phases.pek]"))
    message = message_for(path)
    assert message.startswith(f"{path}:{line_number(path, '[phases.pek]')}: phases.pek: 'pek' is not a phase: ")
    assert "accepted intake, intention, dose-onset, peak, recovery, integration" in message


def test_a_bracket_line_inside_a_prompt_is_not_a_table(tmp_path: Path, original: str) -> None:
    # A prompt whose text has a line looking like a [phases.peak] header, before the real one;
    # then the real peak minutes are broken: the message must point at the real table's line.
    text = original.replace(
        "when the timer comes up (about 12 minutes).",
        "when the timer comes up (about 12 minutes).\n[phases.peak]\nminutes = 0\n",
        1,
    )
    assert text != original
    start = text.index("[phases.peak]\nminutes = 40")
    text = text[:start] + text[start:].replace("minutes = 40", "minutes = -3", 1)
    path = write(tmp_path, text)
    message = message_for(path)
    assert message.startswith(f"{path}:{line_number(path, 'minutes = -3')}: phases.peak.minutes: ")


def test_a_repeated_card_points_at_its_own_line(tmp_path: Path, original: str) -> None:
    text = original.replace("cards = [\n", 'cards = [\n    "Let my shoulders drop",  # first\n', 1)
    text = text.replace('"Let my shoulders drop",\n', '"let my shoulders drop", # again\n', 1)
    path = write(tmp_path, text)
    message = message_for(path)
    assert message.startswith(
        f"{path}:{line_number(path, '# again')}: cards: the card 'let my shoulders drop' appears twice"
    )


def test_toml_errors_give_the_line_from_the_parser(tmp_path: Path, original: str) -> None:
    path = write(tmp_path, original.replace("spit_after_minutes = 12", "spit_after_minutes = = 12"))
    message = message_for(path)
    assert message.startswith(f"{path}:{line_number(path, 'spit_after_minutes')}: not valid TOML: ")
    assert "(column " in message


def test_an_unclosed_array_at_the_end_of_the_file(tmp_path: Path, original: str) -> None:
    path = write(tmp_path, original + "\nextra = [1, 2,\n")
    message = message_for(path)
    assert ": not valid TOML: " in message
    assert message.startswith(f"{path}:")


def test_a_file_that_is_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin.toml"
    path.write_bytes('name = "caf\u00e9"\n'.encode("latin-1"))
    assert message_for(path) == f"{path}: is not UTF-8 text"


def test_a_user_preset_overrides_the_builtin_of_the_same_name(tmp_path: Path, original: str) -> None:
    write(tmp_path, original.replace("minimum_observation_minutes = 90", "minimum_observation_minutes = 100"))
    library = PresetLibrary.load(locations.builtin_presets_dir(), tmp_path)
    assert library.get("sublingual-troche").minimum_observation_minutes == 100
    assert library.sources["sublingual-troche"].parent == tmp_path
    assert library.problems == []
