"""kapsession.locations: the user dirs are platformdirs' own answers; the environment comes first."""

from __future__ import annotations

import re
from pathlib import Path

import platformdirs
import pytest

from kapsession import locations
from kapsession.cli import main

OVERRIDES = ("KAPSESSION_DATA_DIR", "KAPSESSION_CONFIG_DIR", "KAPSESSION_CACHE_DIR")


def test_without_overrides_the_user_dirs_are_those_platformdirs_gives(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    for name in OVERRIDES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME"):
        monkeypatch.setenv(name, str(tmp_path / name.lower()))
    assert locations.config_dir() == platformdirs.user_config_path("kapsession", appauthor=False)
    assert locations.data_dir() == platformdirs.user_data_path("kapsession", appauthor=False)
    assert locations.cache_dir() == platformdirs.user_cache_path("kapsession", appauthor=False)
    assert locations.theme_cache_path().parent == locations.cache_dir()
    # Nothing is created by asking where things go.
    assert not any(tmp_path.iterdir())


def test_the_environment_variables_still_come_first(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("KAPSESSION_CONFIG_DIR", str(tmp_path / "c"))
    monkeypatch.setenv("KAPSESSION_DATA_DIR", str(tmp_path / "d"))
    monkeypatch.setenv("KAPSESSION_CACHE_DIR", str(tmp_path / "k"))
    assert locations.config_dir() == tmp_path / "c"
    assert locations.data_dir() == tmp_path / "d"
    assert locations.data_dir(tmp_path / "e") == tmp_path / "e"
    assert locations.theme_cache_path() == tmp_path / "k" / "themes.json"


def test_locate_prints_the_theme_cache(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("KAPSESSION_CACHE_DIR", str(tmp_path / "cache"))
    assert main(["locate"]) == 0
    paths = dict(re.split(r":\s+", line, maxsplit=1) for line in capsys.readouterr().out.splitlines())
    assert paths["theme cache"] == str(tmp_path / "cache" / "themes.json")
    assert paths["config"] != str(tmp_path / "cache")  # the cache is not kept with the settings
