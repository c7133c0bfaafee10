"""The therapist's settings, remembered between runs in the config dir (a small JSON file).

A msgspec Struct (like the events and presets): the summary PDF reads the names and the paper size
from here, and that path has no time for importing pydantic.
"""

# Annotations are real objects here, not `from __future__` strings: msgspec would evaluate each
# string when the classes are made, on the way to every screen and PDF.
import os
from pathlib import Path
from typing import Annotated, Any, Literal

import msgspec


class Settings(msgspec.Struct, kw_only=True):
    """Unknown keys in the file are ignored (a newer version may have written them)."""

    theme: str = "dim-room"
    bell: bool = False
    practice_name: str = ""
    therapist_name: str = ""
    paper: Literal["a4", "letter"] = "a4"
    series_length: Annotated[int, msgspec.Meta(ge=1, le=50)] = 6


def parse_settings(data: Any) -> Settings:
    """Settings from a dict (numbers may be given as text, as typed in a form); raises
    `msgspec.ValidationError` naming the field that is wrong."""
    return msgspec.convert(data, Settings, strict=False)


def as_dict(settings: Settings) -> dict[str, Any]:
    return msgspec.structs.asdict(settings)


def load_settings(path: Path | None = None) -> Settings:
    from kapsession.locations import settings_path

    path = path or settings_path()
    try:
        # msgspec reads the JSON: importing the json package would cost every summary PDF 1 ms.
        return parse_settings(msgspec.json.decode(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, msgspec.ValidationError):  # msgspec.DecodeError is a ValueError
        return Settings()


def save_settings(settings: Settings, path: Path | None = None) -> None:
    """Write atomically, 0600, in a 0700 directory."""
    import json

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
