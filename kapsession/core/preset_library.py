"""A set of presets read from directories: later ones override earlier ones by name, and a
broken file is listed as a problem without hiding the others."""

from dataclasses import dataclass, field
from pathlib import Path

from kapsession.core.errors import NotFoundError, PresetError
from kapsession.core.protocol import Preset, load_preset_file


@dataclass
class PresetLibrary:
    presets: dict[str, Preset] = field(default_factory=dict)
    sources: dict[str, Path] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

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
