"""The therapist's settings, remembered between runs in the config dir (a small JSON file)."""

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from kapsession.core import text_rule
from kapsession.core.clinician import Initials, initials


class Settings(BaseModel):
    """Unknown keys in the file are ignored (a newer version may have written them)."""

    model_config = ConfigDict(extra="ignore", validate_assignment=True)

    theme: str = "dim-room"
    bell: bool = False
    practice_name: Annotated[str, text_rule.follows(text_rule.PRACTICE_NAME)] = ""
    therapist_name: Annotated[str, text_rule.follows(text_rule.THERAPIST_NAME)] = ""
    practice_phone: Annotated[str, text_rule.follows(text_rule.PHONE)] = ""
    """The practice's number, printed under "when to call" on the client summary."""
    crisis_line: Annotated[str, text_rule.follows(text_rule.CRISIS_LINE)] = ""
    """A crisis line for the client's region (name and number), printed beside it."""
    paper: Literal["a4", "letter"] = "a4"
    series_length: Annotated[int, Field(ge=1, le=50)] = 6
    clinician: Initials | Literal[""] = ""
    """Who records on this computer, as initials stamped on every entry ("": not said). A
    terminal can say otherwise with KAPSESSION_CLINICIAN, a command with `--clinician`."""


CLINICIAN_VARIABLE = "KAPSESSION_CLINICIAN"


def clinician_here(given: str | None, settings: Settings, environ: Mapping[str, str] = os.environ) -> str | None:
    """Whose entries this terminal makes: `--clinician` if given, else KAPSESSION_CLINICIAN (one
    terminal of two on a computer), else the settings; None when none says. An InputError when the
    one that says is not initials (nothing is recorded under a wrong name)."""
    for said in (given, environ.get(CLINICIAN_VARIABLE), settings.clinician):
        if said is not None and said.strip():
            return initials(said)
    return None


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
