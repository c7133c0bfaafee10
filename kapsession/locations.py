"""Every path kapsession uses, in one place (printed by `kapsession locate`).

Data: `--data-dir`, else $KAPSESSION_DATA_DIR, else the platform's user data dir.
Config (user presets, user themes, settings): $KAPSESSION_CONFIG_DIR, else the user config dir.
Cache (the validated themes, rebuilt whenever a theme file changes): $KAPSESSION_CACHE_DIR, else
the user cache dir.
The user dirs are platformdirs' answers. Nothing here creates a folder: whoever writes into one
creates it, readable by the therapist's account only (0700).
Built-in presets and themes: inside the installed package (`_builtin/`), or the repository's
top-level `presets/` and `themes/` when running from a checkout or an editable install.
"""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "kapsession"
DATABASE_NAME = "kapsession.sqlite3"

_PACKAGE_DIR = Path(__file__).resolve().parent


def data_dir(override: str | os.PathLike[str] | None = None) -> Path:
    if override:
        return Path(override).expanduser()
    if os.environ.get("KAPSESSION_DATA_DIR"):
        return Path(os.environ["KAPSESSION_DATA_DIR"]).expanduser()
    import platformdirs  # (when no variable says where: it brings tempfile, shutil and random)

    return platformdirs.user_data_path(APP_NAME, appauthor=False)


def config_dir() -> Path:
    if os.environ.get("KAPSESSION_CONFIG_DIR"):
        return Path(os.environ["KAPSESSION_CONFIG_DIR"]).expanduser()
    import platformdirs  # (when no variable says where: it brings tempfile, shutil and random)

    return platformdirs.user_config_path(APP_NAME, appauthor=False)


def cache_dir() -> Path:
    if os.environ.get("KAPSESSION_CACHE_DIR"):
        return Path(os.environ["KAPSESSION_CACHE_DIR"]).expanduser()
    import platformdirs  # (when no variable says where: it brings tempfile, shutil and random)

    return platformdirs.user_cache_path(APP_NAME, appauthor=False)


def theme_cache_path() -> Path:
    return cache_dir() / "themes.json"


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
