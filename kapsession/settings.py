"""The therapist's settings, remembered between runs in the config dir (a small JSON file)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError


class Settings(BaseModel):
    model_config = ConfigDict(extra="ignore")

    theme: str = "dim-room"
    bell: bool = False
    practice_name: str = ""
    therapist_name: str = ""
    paper: Literal["a4", "letter"] = "a4"
    series_length: int = Field(default=6, ge=1, le=50)


def load_settings(path: Path | None = None) -> Settings:
    from kapsession.locations import settings_path

    path = path or settings_path()
    try:
        return Settings.model_validate(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, ValidationError):
        return Settings()


def save_settings(settings: Settings, path: Path | None = None) -> None:
    """Write atomically, 0600, in a 0700 directory."""
    from kapsession.locations import settings_path

    path = path or settings_path()
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(settings.model_dump_json(indent=2))
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)
