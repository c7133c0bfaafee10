"""The therapist's settings, remembered between runs in the config dir (a small JSON file)."""

import json
import os
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError


class Settings(BaseModel):
    """Unknown keys in the file are ignored (a newer version may have written them)."""

    model_config = ConfigDict(extra="ignore", validate_assignment=True)

    theme: str = "dim-room"
    bell: bool = False
    practice_name: str = ""
    therapist_name: str = ""
    paper: Literal["a4", "letter"] = "a4"
    series_length: Annotated[int, Field(ge=1, le=50)] = 6


def parse_settings(data: Any) -> Settings:
    """Settings from a dict (numbers may be given as text, as typed in a form); raises
    pydantic's `ValidationError` naming the field that is wrong."""
    return Settings.model_validate(data)


def as_dict(settings: Settings) -> dict[str, Any]:
    return settings.model_dump()


def load_settings(path: Path | None = None) -> Settings:
    from kapsession.locations import settings_path

    path = path or settings_path()
    try:
        return parse_settings(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, ValidationError):  # json's JSONDecodeError is a ValueError
        return Settings()


def save_settings(settings: Settings, path: Path | None = None) -> None:
    """Write atomically, 0600, in a 0700 directory."""
    from kapsession.locations import settings_path

    path = path or settings_path()
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(json.dumps(as_dict(settings), indent=2, ensure_ascii=False))
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)
