"""The presets on this machine: the built-in ones, overridden or extended by the user's own
(the core's `PresetLibrary` reads directories; this module knows which ones)."""

from kapsession import locations
from kapsession.core.errors import PresetError
from kapsession.core.preset_library import PresetLibrary
from kapsession.core.protocol import Preset, load_preset_file


def default_library() -> PresetLibrary:
    return PresetLibrary.load(locations.builtin_presets_dir(), locations.user_presets_dir())


def find_preset(name: str, loaded: PresetLibrary | None = None) -> Preset:
    """The preset called `name`, as `default_library().get(name)` would give it: from `loaded`
    when the library is already in memory, else reading only its own file, so a session is
    opened (live screen, summary) without parsing every other preset."""
    if loaded is not None:
        return loaded.get(name)

    for directory in (locations.user_presets_dir(), locations.builtin_presets_dir()):
        path = directory / f"{name}.toml"
        if path.is_file():
            try:
                return load_preset_file(path)
            except PresetError:
                continue  # the library skips a broken file too, and keeps the one it overrides
    return default_library().get(name)  # not found: the library's message lists what there is
