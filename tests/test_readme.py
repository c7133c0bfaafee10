"""Issue 17: the README matches the program line by line. Every command and entry kind is listed,
every command line it shows is one the parser takes, what it says `.ci/run` does is what that
script does, and the numbers it quotes come from the program."""

from __future__ import annotations

import argparse
import re
import shlex
import tomllib
from pathlib import Path

import pytest

from kapsession import locations
from kapsession.cli import build_parser, join_option_values
from kapsession.core.preset_library import PresetLibrary

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", README, re.DOTALL)


def command_lines() -> list[str]:
    """Every `kapsession ...` command line in the README's shell blocks, without its comment, the
    shell's redirection, or the `ID=$(...)` around it."""
    lines = []
    for block in blocks("sh"):
        for line in block.splitlines():
            found = re.search(r"(?:^|\$\()(kapsession\b[^#)]*)", line)
            if found:
                text = re.sub(r"\s[<>]\s.*$", "", found.group(1)).strip()
                lines.append(text)
    return lines


def subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def test_every_command_and_entry_kind_is_listed() -> None:
    shown = {" ".join(shlex.split(line)[1:3]) for line in command_lines()}
    words = {shlex.split(line)[1] for line in command_lines() if len(shlex.split(line)) > 1}
    commands = subcommands(build_parser())
    assert set(commands) <= words, set(commands) - words
    kinds = subcommands(commands["add"])
    listed = {line.split()[3] for line in command_lines() if line.startswith("kapsession add $ID")}
    assert set(kinds) == listed, set(kinds) ^ listed
    assert "presets check" in shown


@pytest.mark.parametrize("line", command_lines())
def test_every_command_line_shown_is_one_the_parser_takes(line: str) -> None:
    words = [word.replace("$ID", "abcdef") for word in shlex.split(line)[1:]]
    try:
        build_parser().parse_args(join_option_values(words))
    except SystemExit as refused:  # argparse's refusal: one sentence on stderr, exit 2
        pytest.fail(f"the parser refuses the README's `{line}` (exit {refused.code})")


def test_what_it_says_ci_does_is_what_ci_does() -> None:
    steps = [
        line
        for line in (ROOT / ".ci" / "run").read_text().splitlines()
        if line.strip() and not line.startswith(("#", "set ", "cd "))
    ]
    assert steps, "the CI script runs nothing?"
    shown = next(block for block in blocks("sh") if "python3 -m venv .venv\n" in block)
    assert shown.splitlines() == steps


def test_the_discharge_keys_go_as_far_as_the_longest_shipped_checklist() -> None:
    library = PresetLibrary.load(locations.builtin_presets_dir())
    longest = max(len(preset.discharge_checklist) for preset in library.presets.values())
    assert f"`1`-`{longest}` in the longest shipped preset" in README
    assert not re.search(rf"`1`-`(?!{longest}`)\d+`", README)


def test_the_preset_format_shown_is_toml_and_names_only_known_keys() -> None:
    from kapsession.core.protocol import Preset

    example = next(block for block in blocks("toml") if 'name = "my-preset"' in block)
    data = tomllib.loads(example)
    known = set(Preset.__struct_fields__) if hasattr(Preset, "__struct_fields__") else set(Preset.model_fields)
    assert set(data) <= known, set(data) - known


def test_printing_and_the_install_size_are_said() -> None:
    assert "CUPS' `lp`" in README
    assert re.search(r"about 180 MB", README)


def test_the_command_line_section_runs_as_it_stands(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A new user typing the section's lines in order: every one does what it says and none is
    refused (those that open a screen are only parsed, above)."""
    from kapsession.cli import main

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("KAPSESSION_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("KAPSESSION_CONFIG_DIR", str(tmp_path / "config"))
    # The preset file the check line names: a copy of a shipped one, named as the README says.
    shipped = (locations.builtin_presets_dir() / "sublingual-troche.toml").read_text()
    (tmp_path / "my-preset.toml").write_text(shipped.replace('name = "sublingual-troche"', 'name = "my-preset"', 1))
    section = README[README.index("<!-- section:cli -->") : README.index("<!-- /section:cli -->")]
    block = re.search(r"```sh\n(.*?)```", section, re.DOTALL).group(1)  # type: ignore[union-attr]
    session_id = None
    for line in block.splitlines():
        command = re.search(r"(?:^|\$\()(kapsession\b[^#)]*)", line).group(1).strip()  # type: ignore[union-attr]
        words = shlex.split(command)[1:]
        if words[0] in ("resume", "practice"):
            continue  # these open a screen
        capsys.readouterr()
        code = main(join_option_values([word.replace("$ID", str(session_id)) for word in words]))
        out, err = capsys.readouterr()
        assert code == 0 and err in ("", "wrote session.json\n"), (line, out, err)
        if line.startswith("ID=$("):
            session_id = out.strip()
    assert (tmp_path / "session.json").exists()
