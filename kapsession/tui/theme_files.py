"""Theme files: `themes/*.toml` (built in) and the user's themes dir, validated and turned into
Textual themes.

A theme file is TOML. The top level holds Textual's base colours; `[app]` holds kapsession's own
colours (phase colours, alert levels, note kinds...), which become theme variables used in the
app's TCSS as `$phase-peak`, `$alert-alarm` and so on; `[variables]` may override any variable
Textual derives from the base colours (`text`, `footer-key-foreground`, ...).

    name = "dim-room"
    dark = true
    primary = "#44311c"
    foreground = "#d2a777"
    background = "#0d0a07"
    [app]
    phase-peak = "#c48a94"
    [variables]
    text = "#d2a777"

`load_themes(*dirs)` never raises for a broken file: it returns the themes that loaded and one
line per broken file naming the file, the field, the line and what is wrong.

The WCAG helpers (`relative_luminance`, `contrast_ratio`) are here so tests can measure a theme,
or a screen (tests/tui/screen_colours.py), against the dim-room limits.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, field_validator
from textual.color import Color, ColorParseError
from textual.theme import Theme

DEFAULT_THEME = "dim-room"

# kapsession's own colours, one theme variable each (`$phase-peak` in TCSS). The values here are
# dim-room's, used by the app (via `App.get_theme_variable_defaults`) for any theme that leaves
# one out. Contract for every shipped theme: each is readable as text on $background, $surface
# and $panel (contrast >= 4.5:1), so it also works as a fill behind $background-coloured text.
APP_VARIABLE_DEFAULTS: dict[str, str] = {
    "phase-intake": "#a39a8a",
    "phase-intention": "#b59a6a",
    "phase-dose-onset": "#c28c5c",
    "phase-peak": "#c48a94",
    "phase-recovery": "#8ea47c",
    "phase-integration": "#8c9eae",
    "alert-alarm": "#e07a5f",
    "alert-warning": "#d39a48",
    "alert-nudge": "#b8a27a",
    "alert-info": "#8ea2b0",
    "note-private": "#b094a8",
    "note-shareable": "#8ea87e",
    "vital-out-of-range": "#e07a5f",
    "practice-banner": "#a08cc0",
    "text-muted": "#9b8468",
}

# The same colours for light themes (daylight's): a light user theme that leaves some out gets
# these rather than dim-room's, which are made for a dark background.
APP_VARIABLE_DEFAULTS_LIGHT: dict[str, str] = {
    "phase-intake": "#665c4c",
    "phase-intention": "#78581e",
    "phase-dose-onset": "#8e4e18",
    "phase-peak": "#984258",
    "phase-recovery": "#386828",
    "phase-integration": "#326282",
    "alert-alarm": "#ae2e1e",
    "alert-warning": "#8a5000",
    "alert-nudge": "#6c5c32",
    "alert-info": "#2a6090",
    "note-private": "#804a78",
    "note-shareable": "#2a6a3a",
    "vital-out-of-range": "#ae2e1e",
    "practice-banner": "#5a4a9a",
    "text-muted": "#665c51",
}

_BASE_COLOURS = (
    "primary", "secondary", "accent", "foreground", "background", "surface", "panel",
    "boost", "warning", "error", "success",
)  # fmt: skip

_NAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_VARIABLE_NAME_PATTERN = re.compile(r"^[a-z][a-z0-9-]*$")
_NON_COLOUR_VALUES = {"transparent", "initial", "none"}
_TEXT_STYLE_WORDS = {
    "bold", "b", "dim", "d", "italic", "i", "underline", "u", "underline2", "uu", "reverse", "r",
    "strike", "s", "blink", "overline", "o", "not", "none",
}  # fmt: skip


def parse_colour(value: str, *, allow_alpha: bool = True) -> Color:
    """Parse a colour the way Textual does; raise ValueError with a sentence a person can act on."""
    if not isinstance(value, str):
        raise ValueError(f'must be a colour in quotes, like "#d2a777" (got {value!r})')
    try:
        colour = Color.parse(value)
    except ColorParseError:
        raise ValueError(f'\'{value}\' is not a colour (use "#rrggbb", "rgb(r, g, b)" or a colour name)') from None
    if colour.ansi is not None:
        raise ValueError(
            f"'{value}' is a terminal ANSI colour, whose brightness depends on the terminal; use \"#rrggbb\""
        )
    if not allow_alpha and colour.a < 1:
        raise ValueError(f"'{value}' is see-through; this colour must be opaque (\"#rrggbb\")")
    return colour


def _opaque_colour(value: Any) -> str:
    parse_colour(value, allow_alpha=False)
    return value


def _any_colour(value: Any) -> str:
    parse_colour(value, allow_alpha=True)
    return value


def _variable_name(key: str) -> str:
    if not _VARIABLE_NAME_PATTERN.match(key):
        raise ValueError(f"'{key}' is not a variable name (like \"footer-key-foreground\")")
    if key in APP_VARIABLE_DEFAULTS:
        raise ValueError(f"'{key}' is one of kapsession's own colours: set it under [app]")
    if key in _BASE_COLOURS:
        raise ValueError(f"'{key}' is a base colour: set it at the top of the file")
    return key


def _variable_value(value: str) -> str:
    """A colour, or a text style such as "bold" / "bold not underline" (for `*-text-style`)."""
    if value in _NON_COLOUR_VALUES or (value and set(value.split()) <= _TEXT_STYLE_WORDS):
        return value
    parse_colour(value)
    return value


VariableName = Annotated[str, AfterValidator(_variable_name)]
VariableValue = Annotated[str, AfterValidator(_variable_value)]


class AppColours(BaseModel):
    """The `[app]` table: kapsession's own colours. Any left out fall back to dim-room's (or, in a
    light theme, daylight's)."""

    model_config = ConfigDict(extra="forbid", populate_by_name=False)

    phase_intake: str | None = Field(default=None, alias="phase-intake")
    phase_intention: str | None = Field(default=None, alias="phase-intention")
    phase_dose_onset: str | None = Field(default=None, alias="phase-dose-onset")
    phase_peak: str | None = Field(default=None, alias="phase-peak")
    phase_recovery: str | None = Field(default=None, alias="phase-recovery")
    phase_integration: str | None = Field(default=None, alias="phase-integration")
    alert_alarm: str | None = Field(default=None, alias="alert-alarm")
    alert_warning: str | None = Field(default=None, alias="alert-warning")
    alert_nudge: str | None = Field(default=None, alias="alert-nudge")
    alert_info: str | None = Field(default=None, alias="alert-info")
    note_private: str | None = Field(default=None, alias="note-private")
    note_shareable: str | None = Field(default=None, alias="note-shareable")
    vital_out_of_range: str | None = Field(default=None, alias="vital-out-of-range")
    practice_banner: str | None = Field(default=None, alias="practice-banner")
    text_muted: str | None = Field(default=None, alias="text-muted")

    @field_validator("*", mode="before")
    @classmethod
    def _colour(cls, value: Any) -> Any:
        return None if value is None else _opaque_colour(value)

    def as_variables(self) -> dict[str, str]:
        """Only the colours this file sets, keyed by variable name (`phase-peak`)."""
        return self.model_dump(by_alias=True, exclude_none=True)


class ThemeFile(BaseModel):
    """One theme file, validated. `to_textual_theme()` gives the `textual.theme.Theme`."""

    model_config = ConfigDict(extra="forbid")

    name: str
    description: str = ""
    dark: bool = True
    primary: str
    secondary: str | None = None
    accent: str | None = None
    foreground: str | None = None
    background: str | None = None
    surface: str | None = None
    panel: str | None = None
    boost: str | None = None
    warning: str | None = None
    error: str | None = None
    success: str | None = None
    app: AppColours = Field(default_factory=AppColours)
    variables: dict[VariableName, VariableValue] = Field(default_factory=dict)

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        if not _NAME_PATTERN.match(value):
            raise ValueError(
                f"'{value}' is not a usable theme name (lower-case letters, digits, '-' and '_', e.g. \"dim-room\")"
            )
        return value

    @field_validator(
        "primary", "secondary", "accent", "foreground", "background", "surface", "panel",
        "warning", "error", "success", mode="before",
    )  # fmt: skip
    @classmethod
    def _base_colour(cls, value: Any) -> Any:
        return None if value is None else _opaque_colour(value)

    @field_validator("boost", mode="before")
    @classmethod
    def _boost(cls, value: Any) -> Any:
        return None if value is None else _any_colour(value)

    def to_textual_theme(self) -> Theme:
        """The Textual theme; its `variables` always hold every kapsession colour."""
        return Theme(
            name=self.name,
            primary=self.primary,
            secondary=self.secondary,
            accent=self.accent,
            foreground=self.foreground,
            background=self.background,
            surface=self.surface,
            panel=self.panel,
            boost=self.boost,
            warning=self.warning,
            error=self.error,
            success=self.success,
            dark=self.dark,
            variables={**self.app_defaults(), **self.variables, **self.app.as_variables()},
        )

    def app_defaults(self) -> dict[str, str]:
        """What kapsession's colours fall back to when this file leaves one out."""
        return dict(APP_VARIABLE_DEFAULTS if self.dark else APP_VARIABLE_DEFAULTS_LIGHT)


def load_theme_file(path: Path) -> ThemeFile:
    """Read and validate one file; raise PresetError with a one-line message on any problem."""
    from kapsession.core.errors import PresetError
    from kapsession.core.protocol import describe_validation_error, read_toml

    text, data = read_toml(path)  # raises PresetError naming the file (and the TOML line)
    try:
        return ThemeFile.model_validate(data)
    except ValidationError as error:
        raise PresetError(describe_validation_error(path, text, error)) from error


def load_themes(*directories: Path) -> tuple[dict[str, Theme], list[str]]:
    """Every `*.toml` theme in `directories`; later directories override earlier ones by name.

    Returns the themes that loaded and one line per broken file (the others still load).
    Directories that do not exist are skipped.
    """
    from kapsession.core.errors import PresetError

    themes: dict[str, Theme] = {}
    problems: list[str] = []
    for directory in directories:
        directory = Path(directory)
        if not directory.is_dir():
            continue
        seen_here: dict[str, Path] = {}
        for path in sorted(directory.glob("*.toml")):
            try:
                theme_file = load_theme_file(path)
            except PresetError as error:
                problems.append(str(error))
                continue
            if theme_file.name in seen_here:
                problems.append(
                    f"{path}: name: '{theme_file.name}' is already used by "
                    f"{seen_here[theme_file.name].name} in the same folder; this file was skipped"
                )
                continue
            seen_here[theme_file.name] = path
            themes[theme_file.name] = theme_file.to_textual_theme()
    return themes, problems


def default_theme_dirs() -> tuple[Path, ...]:
    """Built-in themes first, then the user's (which override a built-in of the same name)."""
    from kapsession import locations

    return (locations.builtin_themes_dir(), locations.user_themes_dir())


# --- WCAG 2.x measurements -------------------------------------------------------------------


def _channel(value: int) -> float:
    srgb = value / 255
    return srgb / 12.92 if srgb <= 0.04045 else ((srgb + 0.055) / 1.055) ** 2.4


def relative_luminance(colour: str | Color, over: str | Color | None = None) -> float:
    """WCAG relative luminance, 0.0 (black) to 1.0 (white).

    A see-through colour is first blended over `over` (required then: what it is drawn on).
    """
    parsed = colour if isinstance(colour, Color) else Color.parse(colour)
    if parsed.a < 1:
        if over is None:
            raise ValueError(f"{colour!r} is see-through: say what it is drawn over (over=...)")
        backdrop = over if isinstance(over, Color) else Color.parse(over)
        parsed = backdrop.with_alpha(1.0) + parsed
    return 0.2126 * _channel(parsed.r) + 0.7152 * _channel(parsed.g) + 0.0722 * _channel(parsed.b)


def contrast_ratio(first: str | Color, second: str | Color) -> float:
    """WCAG contrast ratio between two opaque colours, 1.0 to 21.0."""
    a, b = relative_luminance(first), relative_luminance(second)
    lighter, darker = max(a, b), min(a, b)
    return (lighter + 0.05) / (darker + 0.05)
