"""Every path kapsession uses, in one place (printed by `kapsession locate`).

Data: `--data-dir`, else $KAPSESSION_DATA_DIR, else the platform's user data dir.
Config (user presets, user themes, settings): $KAPSESSION_CONFIG_DIR, else the user config dir.
Built-in presets and themes: inside the installed package (`_builtin/`), or the repository's
top-level `presets/` and `themes/` when running from a checkout or an editable install.
"""

from __future__ import annotations

import os
import posixpath
import sys
from pathlib import Path

APP_NAME = "kapsession"
DATABASE_NAME = "kapsession.sqlite3"

_PACKAGE_DIR = Path(__file__).resolve().parent


def data_dir(override: str | os.PathLike[str] | None = None) -> Path:
    if override:
        return Path(override).expanduser()
    if os.environ.get("KAPSESSION_DATA_DIR"):
        return Path(os.environ["KAPSESSION_DATA_DIR"]).expanduser()
    return _user_dir("XDG_DATA_HOME", ".local/share") or _platformdirs("user_data_path")


def config_dir() -> Path:
    if os.environ.get("KAPSESSION_CONFIG_DIR"):
        return Path(os.environ["KAPSESSION_CONFIG_DIR"]).expanduser()
    return _user_dir("XDG_CONFIG_HOME", ".config") or _platformdirs("user_config_path")


def _user_dir(xdg_variable: str, under_home: str) -> Path | None:
    """What platformdirs answers on Linux, worked out without importing it: the XDG variable when
    it is an absolute path, else `under_home` in an absolute $HOME, each with the app's name. None
    anywhere else (another system, Android, no usable $HOME), where platformdirs decides.

    Why: importing platformdirs imports tempfile, shutil, random, bz2 and lzma, about 5 ms of
    every launch and of a summary PDF (whose whole budget is about 80 ms). tests/test_locations.py
    checks these answers against platformdirs itself.
    """
    if sys.platform != "linux" or hasattr(sys, "getandroidapilevel") or os.environ.get("ANDROID_ROOT"):
        return None
    chosen = os.environ.get(xdg_variable, "")
    if posixpath.isabs(chosen):
        return Path(chosen, APP_NAME)
    home = os.environ.get("HOME", "")
    if posixpath.isabs(home):
        return Path(home, under_home, APP_NAME)
    return None


def _platformdirs(function: str) -> Path:
    import platformdirs

    return getattr(platformdirs, function)(APP_NAME, appauthor=False)


def database_path(override: str | os.PathLike[str] | None = None) -> Path:
    return data_dir(override) / DATABASE_NAME


def user_presets_dir() -> Path:
    return config_dir() / "presets"


def user_scenarios_dir() -> Path:
    return user_presets_dir() / "practice"


def user_themes_dir() -> Path:
    return config_dir() / "themes"


def settings_path() -> Path:
    return config_dir() / "settings.json"


def _builtin(name: str) -> Path:
    packaged = _PACKAGE_DIR / "_builtin" / name
    if packaged.is_dir():
        return packaged
    return _PACKAGE_DIR.parent / name


def builtin_presets_dir() -> Path:
    return _builtin("presets")


def builtin_scenarios_dir() -> Path:
    return builtin_presets_dir() / "practice"


def builtin_themes_dir() -> Path:
    return _builtin("themes")
