"""kapsession.locations works out the Linux user dirs itself; they must be platformdirs' answers."""

from __future__ import annotations

import subprocess
import sys

import platformdirs
import pytest

from kapsession import locations

ENVIRONMENTS = [
    {"HOME": "/home/ada"},
    {"HOME": "/home/ada/"},
    {"HOME": "/"},
    {"HOME": "/home/ada", "XDG_CONFIG_HOME": "/srv/config", "XDG_DATA_HOME": "/srv/data/"},
    {"HOME": "/home/ada", "XDG_CONFIG_HOME": "relative/config", "XDG_DATA_HOME": "relative"},
    {"HOME": "/home/ada", "XDG_CONFIG_HOME": "", "XDG_DATA_HOME": ""},
    {"HOME": "/home/ada", "XDG_CONFIG_HOME": "//net/config"},
    {"HOME": "relative/home"},
    {"HOME": ""},
    {},
]


@pytest.mark.parametrize("environment", ENVIRONMENTS, ids=[str(env) for env in ENVIRONMENTS])
def test_user_dirs_are_those_platformdirs_gives(monkeypatch: pytest.MonkeyPatch, environment: dict[str, str]) -> None:
    for name in ("HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "KAPSESSION_CONFIG_DIR", "KAPSESSION_DATA_DIR"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    assert locations.config_dir() == platformdirs.user_config_path("kapsession", appauthor=False)
    assert locations.data_dir() == platformdirs.user_data_path("kapsession", appauthor=False)


def test_the_environment_variables_still_come_first(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:  # noqa: ANN001
    monkeypatch.setenv("KAPSESSION_CONFIG_DIR", str(tmp_path / "c"))
    monkeypatch.setenv("KAPSESSION_DATA_DIR", str(tmp_path / "d"))
    assert locations.config_dir() == tmp_path / "c"
    assert locations.data_dir() == tmp_path / "d"
    assert locations.data_dir(tmp_path / "e") == tmp_path / "e"


@pytest.mark.skipif(sys.platform != "linux", reason="the dirs are worked out without platformdirs on Linux only")
def test_finding_the_user_dirs_on_linux_does_not_import_platformdirs(tmp_path) -> None:  # noqa: ANN001
    code = ("import sys; from kapsession import locations; "
            "print(locations.config_dir(), locations.data_dir(), 'platformdirs' in sys.modules)")
    env = {"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    assert done.stdout.split() == [str(tmp_path / ".config/kapsession"), str(tmp_path / ".local/share/kapsession"),
                                   "False"]
