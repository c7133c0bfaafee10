"""Finding presets: the built-in ones, overridden or extended by the user's own."""

# Annotations are real objects here, not `from __future__` strings: msgspec would evaluate each
# string when the class is made.
from pathlib import Path

import msgspec

from kapsession.core.errors import NotFoundError, PresetError
from kapsession.core.protocol import Preset, load_preset_file


class PresetLibrary(msgspec.Struct):
    # A Struct, not a dataclass: `dataclasses` is not imported on the way to a PDF.
    presets: dict[str, Preset] = msgspec.field(default_factory=dict)
    sources: dict[str, Path] = msgspec.field(default_factory=dict)
    problems: list[str] = msgspec.field(default_factory=list)

    @classmethod
    def load(cls, *directories: Path) -> "PresetLibrary":
        """Later directories override earlier ones (built-ins first, then the user's)."""
        library = cls()
        for directory in directories:
            if not directory.is_dir():
                continue
            for path in sorted(directory.glob("*.toml")):
                try:
                    preset = load_preset_file(path)
                except PresetError as error:
                    library.problems.append(str(error))
                    continue
                library.presets[preset.name] = preset
                library.sources[preset.name] = path
        return library

    def get(self, name: str) -> Preset:
        if name in self.presets:
            return self.presets[name]
        known = ", ".join(sorted(self.presets)) or "none"
        import difflib  # only when something was not found

        close = difflib.get_close_matches(name, list(self.presets), n=1)
        hint = f" Did you mean '{close[0]}'?" if close else ""
        raise NotFoundError(f"there is no preset '{name}'.{hint} Known presets: {known}")


def default_library() -> PresetLibrary:
    from kapsession import locations

    return PresetLibrary.load(locations.builtin_presets_dir(), locations.user_presets_dir())


def find_preset(name: str, loaded: PresetLibrary | None = None) -> Preset:
    """The preset called `name`, as `default_library().get(name)` would give it: from `loaded`
    when the library is already in memory, else reading only its own file, so a session is
    opened (live screen, summary) without parsing every other preset."""
    from kapsession import locations

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
