"""The base of every validated record in the core: events, vitals readings, presets."""

from pydantic import BaseModel, ConfigDict


class StrictModel(BaseModel):
    """Frozen, and refusing unknown fields: a stored event or a preset file is read back exactly
    as written, and a misspelt field is an error rather than silently ignored."""

    model_config = ConfigDict(frozen=True, extra="forbid")
