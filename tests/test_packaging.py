"""The built-in presets and themes must ship inside a plain (non-editable) install."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_wheel_carries_every_preset_scenario_and_theme(built_wheel: Path) -> None:
    names = set(zipfile.ZipFile(built_wheel).namelist())
    for folder, packaged in (("presets", "kapsession/_builtin/presets"), ("themes", "kapsession/_builtin/themes")):
        for source in (REPO / folder).rglob("*.toml"):
            relative = source.relative_to(REPO / folder).as_posix()
            assert f"{packaged}/{relative}" in names, f"{folder}/{relative} is missing from the wheel"


def test_installed_package_finds_its_builtins(built_wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    zipfile.ZipFile(built_wheel).extractall(target)
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]);"
        "from kapsession import locations; from kapsession.core.preset_library import PresetLibrary;"
        "lib = PresetLibrary.load(locations.builtin_presets_dir());"
        "print(locations.builtin_presets_dir()); print(sorted(lib.presets)); print(lib.problems)"
    )
    result = subprocess.run(
        [sys.executable, "-I", "-c", code, str(target)], capture_output=True, text=True, check=True, cwd=tmp_path
    )
    presets_dir, names, problems = result.stdout.splitlines()
    assert presets_dir.startswith(str(target)), "the installed copy must use its own packaged presets"
    assert "sublingual-troche" in names and "intranasal-esketamine" in names
    assert problems == "[]"
