"""The therapist's settings, remembered between runs in the config dir (a small JSON file)."""

import json
import os
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from kapsession.core import text_rule


class Settings(BaseModel):
    """Unknown keys in the file are ignored (a newer version may have written them)."""

    model_config = ConfigDict(extra="ignore", validate_assignment=True)

    theme: str = "dim-room"
    bell: bool = False
    practice_name: Annotated[str, text_rule.follows(text_rule.PRACTICE_NAME)] = ""
    therapist_name: Annotated[str, text_rule.follows(text_rule.THERAPIST_NAME)] = ""
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
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):  # json's JSONDecodeError is a ValueError
        return Settings()
    try:
        return parse_settings(data)
    except ValidationError as error:
        if not isinstance(data, dict):
            return Settings()
        # Only what is wrong falls back (a name an older version took with a control character),
        # not the theme and the rest with it.
        wrong = {str(problem["loc"][0]) for problem in error.errors() if problem["loc"]}
        try:
            return parse_settings({key: value for key, value in data.items() if key not in wrong})
        except ValidationError:
            return Settings()


def save_settings(settings: Settings, path: Path | None = None) -> None:
    """Write atomically, 0600, in a 0700 directory."""
    from kapsession.locations import settings_path
    from kapsession.private_dirs import make_private_dir

    path = path or settings_path()
    make_private_dir(path.parent)
    temporary = path.with_suffix(".tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(json.dumps(as_dict(settings), indent=2, ensure_ascii=False))
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)
