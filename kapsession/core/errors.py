"""The project's own error types: every message is one sentence a therapist can act on."""


class KapsessionError(Exception):
    """Base for every error kapsession reports to a person (never shown as a traceback)."""


class InputError(KapsessionError, ValueError):
    """Something typed was not accepted; the message says what was wrong and what is accepted."""


class PresetError(KapsessionError):
    """A preset, scenario or theme file is broken; the message names the file and the field."""


class StoreError(KapsessionError):
    """The data directory or database cannot be used."""


class NotFoundError(KapsessionError):
    """An id or name does not exist; the message suggests the closest known one."""
