"""Theme files: the four built-in themes load and carry every kapsession colour; dim-room keeps a
darkened room dark (measured with WCAG relative luminance and contrast); broken files give one
precise line each while the good ones still load; a user theme overrides a built-in by name."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from screen_colours import screen_colours
from textual.app import App, ComposeResult
from textual.color import Color
from textual.containers import Horizontal, Vertical
from textual.theme import Theme
from textual.widgets import (
    Button,
    Checkbox,
    DataTable,
    Footer,
    Header,
    Input,
    Label,
    ListItem,
    ListView,
    Markdown,
    OptionList,
    ProgressBar,
    Sparkline,
    Static,
)  # fmt: skip

from kapsession import locations
from kapsession.core.errors import PresetError
from kapsession.tui.theme_files import (
    APP_VARIABLE_DEFAULTS,
    APP_VARIABLE_DEFAULTS_LIGHT,
    DEFAULT_THEME,
    AppColours,
    ThemeFile,
    contrast_ratio,
    default_theme_dirs,
    load_theme_file,
    load_themes,
    relative_luminance,
)

BUILTIN_THEMES = ("dim-room", "calm-dark", "daylight", "high-contrast")
APP_VARIABLES = (
    "phase-intake", "phase-intention", "phase-dose-onset", "phase-peak", "phase-recovery",
    "phase-integration", "alert-alarm", "alert-warning", "alert-nudge", "alert-info",
    "note-private", "note-shareable", "vital-out-of-range", "practice-banner", "text-muted",
)  # fmt: skip

# The dim-room limits (issue 3, item 7).
MAX_LUMINANCE = 0.5
MAX_BACKGROUND_LUMINANCE = 0.01
MIN_BODY_CONTRAST = 7.0
MIN_COLOUR_CONTRAST = 4.5  # kapsession's own colours, read as text (WCAG AA)

# Variables whose values are not colours (text styles and the like).
NOT_COLOURS = re.compile(r"-style(-hover)?$|^link-background$")


def builtin_dir() -> Path:
    return locations.builtin_themes_dir()


@pytest.fixture(scope="module")
def builtins() -> dict[str, Theme]:
    themes, problems = load_themes(builtin_dir())
    assert problems == []
    return themes


def generated(theme: Theme) -> dict[str, str]:
    """Every variable the app will see, as `App.get_css_variables` combines them."""
    return {**APP_VARIABLE_DEFAULTS, **theme.to_color_system().generate(), **theme.variables}


def resolve(value: str, over: str) -> Color:
    """A variable's colour as it lands on screen over `over` ("auto 87%" included)."""
    backdrop = Color.parse(over)
    match = re.fullmatch(r"auto(?:\s+(\d+)%)?", value.strip())
    if match:
        alpha = int(match.group(1) or 100) / 100
        return backdrop + backdrop.get_contrast_text(alpha)
    colour = Color.parse(value)
    return backdrop + colour if colour.a < 1 else colour


# --- the WCAG functions -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("colour", "expected"),
    [
        ("#ffffff", 1.0),
        ("#000000", 0.0),
        ("#808080", 0.2159),
        ("#ff0000", 0.2126),
        ("#00ff00", 0.7152),
        ("#0000ff", 0.0722),
        ("white", 1.0),
        ("rgb(128, 128, 128)", 0.2159),
    ],
)
def test_relative_luminance_matches_known_values(colour: str, expected: float) -> None:
    assert relative_luminance(colour) == pytest.approx(expected, abs=5e-4)


def test_relative_luminance_of_a_see_through_colour_needs_what_it_is_drawn_over() -> None:
    assert relative_luminance("#ffffff80", over="#000000") == pytest.approx(0.2159, abs=5e-3)
    with pytest.raises(ValueError, match="see-through"):
        relative_luminance("#ffffff80")


def test_contrast_ratio_matches_known_values() -> None:
    assert contrast_ratio("#ffffff", "#000000") == pytest.approx(21.0)
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast_ratio("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)
    assert contrast_ratio("#595959", "#ffffff") == pytest.approx(7.0, abs=0.01)
    assert contrast_ratio("#123456", "#123456") == pytest.approx(1.0)


# --- the built-in themes ----------------------------------------------------------------------


def test_app_variable_names_are_the_agreed_ones() -> None:
    assert tuple(APP_VARIABLE_DEFAULTS) == APP_VARIABLES
    assert set(APP_VARIABLE_DEFAULTS_LIGHT) == set(APP_VARIABLES)
    assert {field.alias for field in AppColours.model_fields.values()} == set(APP_VARIABLES)
    for value in (*APP_VARIABLE_DEFAULTS.values(), *APP_VARIABLE_DEFAULTS_LIGHT.values()):
        Color.parse(value)


def test_the_four_builtin_themes_load_without_problems(builtins: dict[str, Theme]) -> None:
    assert set(BUILTIN_THEMES) <= set(builtins)
    assert DEFAULT_THEME == "dim-room"
    assert builtins["daylight"].dark is False
    assert all(builtins[name].dark for name in ("dim-room", "calm-dark", "high-contrast"))


@pytest.mark.parametrize("name", BUILTIN_THEMES)
def test_each_builtin_theme_sets_every_app_colour_itself(name: str) -> None:
    theme_file = load_theme_file(builtin_dir() / f"{name}.toml")
    assert theme_file.name == name
    assert set(theme_file.app.as_variables()) == set(APP_VARIABLES), "set in the file, not by fallback"
    theme = theme_file.to_textual_theme()
    for variable in APP_VARIABLES:
        assert theme.variables[variable] == theme_file.app.as_variables()[variable]


def test_the_fallback_colours_are_dim_rooms_and_daylights() -> None:
    """A user theme that leaves a colour out looks like the matching built-in."""
    dim_room = load_theme_file(builtin_dir() / "dim-room.toml").app.as_variables()
    daylight = load_theme_file(builtin_dir() / "daylight.toml").app.as_variables()
    assert dim_room == APP_VARIABLE_DEFAULTS
    assert daylight == APP_VARIABLE_DEFAULTS_LIGHT


@pytest.mark.parametrize("name", BUILTIN_THEMES)
def test_every_builtin_theme_is_readable(name: str, builtins: dict[str, Theme]) -> None:
    variables = generated(builtins[name])
    grounds = {ground: variables[ground] for ground in ("background", "surface", "panel")}
    for ground_name, ground in grounds.items():
        for text in ("text", "foreground"):
            ratio = contrast_ratio(resolve(variables[text], ground), ground)
            assert ratio >= MIN_BODY_CONTRAST, f"{name}: ${text} on ${ground_name}: {ratio:.2f}"
        for variable in APP_VARIABLES:
            ratio = contrast_ratio(resolve(variables[variable], ground), ground)
            assert ratio >= MIN_COLOUR_CONTRAST, f"{name}: ${variable} on ${ground_name}: {ratio:.2f}"
    pairs = [
        ("block-cursor-foreground", "block-cursor-background"),
        ("input-cursor-foreground", "input-cursor-background"),
        ("footer-key-foreground", "footer-background"),
        ("footer-foreground", "footer-background"),
        ("button-color-foreground", "primary"),
        ("button-color-foreground", "error"),
        ("input-selection-foreground", "input-selection-background"),
        ("border", "background"),
    ]
    for foreground, background in pairs:
        ground = resolve(variables[background], variables["background"])
        minimum = 3.0 if foreground == "border" else MIN_COLOUR_CONTRAST  # WCAG non-text: 3:1
        ratio = contrast_ratio(resolve(variables[foreground], ground.hex), ground)
        assert ratio >= minimum, f"{name}: ${foreground} on ${background}: {ratio:.2f}"


# --- dim-room: dark and warm ------------------------------------------------------------------


def test_dim_room_background_is_near_black(builtins: dict[str, Theme]) -> None:
    variables = generated(builtins["dim-room"])
    assert relative_luminance(variables["background"]) <= MAX_BACKGROUND_LUMINANCE
    assert relative_luminance(variables["surface"]) <= MAX_BACKGROUND_LUMINANCE
    assert relative_luminance(variables["panel"]) <= MAX_BACKGROUND_LUMINANCE


def test_nothing_dim_room_can_draw_is_brighter_than_the_limit(builtins: dict[str, Theme]) -> None:
    """Every colour variable, base or derived (shades, text, cursor, footer, markdown...), drawn
    on the background: at most 0.5. No "auto" colour is left (Textual's would be near-white)."""
    variables = generated(builtins["dim-room"])
    background = variables["background"]
    too_bright = {}
    for name, value in variables.items():
        if NOT_COLOURS.search(name):
            continue
        assert not value.startswith("auto"), f"${name} is {value!r}: it would be near-white"
        luminance = relative_luminance(resolve(value, background))
        if luminance > MAX_LUMINANCE:
            too_bright[name] = round(luminance, 3)
    assert too_bright == {}
    brightest = max(
        relative_luminance(resolve(value, background))
        for name, value in variables.items()
        if not NOT_COLOURS.search(name)
    )
    assert brightest <= 0.45  # the design margin: 0.438 when this was written


def test_dim_room_body_text_keeps_seven_to_one(builtins: dict[str, Theme]) -> None:
    variables = generated(builtins["dim-room"])
    for text in ("text", "foreground", "footer-foreground", "button-foreground", "link-color"):
        assert contrast_ratio(variables[text], variables["background"]) >= MIN_BODY_CONTRAST, text
    assert 0.35 <= relative_luminance(variables["text"]) <= 0.45  # warm sand, not white


@pytest.mark.parametrize("variable", APP_VARIABLES)
def test_dim_room_app_colours_are_dim_and_readable(variable: str, builtins: dict[str, Theme]) -> None:
    value = builtins["dim-room"].variables[variable]
    assert relative_luminance(value) <= MAX_LUMINANCE
    assert contrast_ratio(value, builtins["dim-room"].background or "") >= MIN_COLOUR_CONTRAST


def test_dim_room_is_warm(builtins: dict[str, Theme]) -> None:
    """Red over blue in the background and the text: no cold blue-white glow."""
    for key in ("background", "foreground"):
        colour = Color.parse(getattr(builtins["dim-room"], key))
        assert colour.r > colour.b, key


# --- broken files -----------------------------------------------------------------------------

GOOD = 'name = "{name}"\nprimary = "#44311c"\n'

BROKEN = {
    "bad-colour.toml": (
        'name = "bad-colour"\nprimary = "#44311c"\n\n[app]\nphase-peak = "#zz0000"\n',
        ":5: app.phase-peak: '#zz0000' is not a colour",
    ),
    "unknown-field.toml": (
        'name = "unknown-field"\nprimary = "#44311c"\nbackgruond = "#000000"\n',
        ":3: backgruond: is not a known field",
    ),
    "missing-name.toml": ('primary = "#44311c"\nbackground = "#000000"\n', ": name: is required but missing"),
    "syntax-error.toml": ('name = "syntax-error"\nprimary = "#44311c\n', ":2: not valid TOML"),
    "unknown-app-colour.toml": (
        'name = "unknown-app-colour"\nprimary = "#44311c"\n[app]\nphase-peek = "#aa0000"\n',
        ":4: app.phase-peek: is not a known field",
    ),
    "bad-variable.toml": (
        'name = "bad-variable"\nprimary = "#44311c"\n[variables]\ntext = "auto 87%"\n',
        ":4: variables.text: 'auto 87%' is not a colour",
    ),
    "ansi-colour.toml": (
        'name = "ansi-colour"\nprimary = "ansi_red"\n',
        ":2: primary: 'ansi_red' is a terminal ANSI colour",
    ),
    "app-colour-in-variables.toml": (
        'name = "app-colour-in-variables"\nprimary = "#44311c"\n[variables]\nalert-alarm = "#f00"\n',
        ":4: variables.alert-alarm: 'alert-alarm' is one of kapsession's own colours: set it under [app]",
    ),
    "number-as-colour.toml": ('name = "number-as-colour"\nprimary = 123\n', ":2: primary: must be a colour in quotes"),
}


@pytest.fixture
def broken_dir(tmp_path: Path) -> Path:
    for file_name, (text, _) in BROKEN.items():
        (tmp_path / file_name).write_text(text, encoding="utf-8")
    (tmp_path / "good-one.toml").write_text(GOOD.format(name="good-one"), encoding="utf-8")
    (tmp_path / "good-two.toml").write_text(GOOD.format(name="good-two"), encoding="utf-8")
    (tmp_path / "not-a-theme.txt").write_text("ignored", encoding="utf-8")
    return tmp_path


def test_each_broken_file_gets_one_precise_line_and_the_good_ones_still_load(broken_dir: Path) -> None:
    themes, problems = load_themes(builtin_dir(), broken_dir)
    assert set(themes) == set(BUILTIN_THEMES) | {"good-one", "good-two"}
    assert len(problems) == len(BROKEN)
    for file_name, (_, expected) in BROKEN.items():
        [line] = [problem for problem in problems if problem.startswith(str(broken_dir / file_name))]
        assert "\n" not in line
        assert line.startswith(f"{broken_dir / file_name}{expected}"), line


@pytest.mark.parametrize("file_name", sorted(BROKEN))
def test_loading_one_broken_file_raises_the_same_line(broken_dir: Path, file_name: str) -> None:
    with pytest.raises(PresetError) as raised:
        load_theme_file(broken_dir / file_name)
    assert str(raised.value).startswith(f"{broken_dir / file_name}{BROKEN[file_name][1]}")


def test_two_files_with_one_name_in_a_folder_are_reported(tmp_path: Path) -> None:
    (tmp_path / "a.toml").write_text(GOOD.format(name="twin"), encoding="utf-8")
    (tmp_path / "b.toml").write_text(GOOD.format(name="twin"), encoding="utf-8")
    themes, problems = load_themes(tmp_path)
    assert list(themes) == ["twin"]
    assert problems == [
        f"{tmp_path / 'b.toml'}: name: 'twin' is already used by a.toml in the same folder; this file was skipped"
    ]


def test_missing_directories_are_skipped(tmp_path: Path) -> None:
    themes, problems = load_themes(tmp_path / "nowhere", builtin_dir())
    assert set(themes) == set(BUILTIN_THEMES) and problems == []


# --- user themes ------------------------------------------------------------------------------


def test_a_user_theme_with_a_builtin_name_overrides_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KAPSESSION_CONFIG_DIR", str(tmp_path))
    user_dir = locations.user_themes_dir()
    user_dir.mkdir(parents=True)
    (user_dir / "my-dim-room.toml").write_text(
        'name = "dim-room"\nprimary = "#302010"\nbackground = "#000000"\n[app]\nalert-alarm = "#cc6650"\n',
        encoding="utf-8",
    )
    (user_dir / "paper.toml").write_text(GOOD.format(name="paper") + "dark = false\n", encoding="utf-8")
    assert default_theme_dirs() == (builtin_dir(), user_dir)
    themes, problems = load_themes(*default_theme_dirs())
    assert problems == []
    assert set(themes) == set(BUILTIN_THEMES) | {"paper"}
    assert themes["dim-room"].background == "#000000"
    assert themes["dim-room"].variables["alert-alarm"] == "#cc6650"
    # what the user left out falls back to the matching built-in's colours
    assert themes["dim-room"].variables["phase-peak"] == APP_VARIABLE_DEFAULTS["phase-peak"]
    assert themes["paper"].variables["phase-peak"] == APP_VARIABLE_DEFAULTS_LIGHT["phase-peak"]


def test_a_minimal_theme_file_is_enough() -> None:
    theme = ThemeFile.model_validate({"name": "plain", "primary": "#336699"}).to_textual_theme()
    assert theme.name == "plain" and theme.dark is True
    assert set(APP_VARIABLES) <= set(theme.variables)


# --- in a running Textual app -----------------------------------------------------------------

TCSS_USING_EVERY_APP_COLOUR = "\n".join(
    f"#{variable} {{ color: ${variable}; background: $background; }}" for variable in APP_VARIABLES
)


class ThemedApp(App[None]):
    CSS = TCSS_USING_EVERY_APP_COLOUR

    def __init__(self, themes: dict[str, Theme]) -> None:
        super().__init__()
        for theme in themes.values():
            self.register_theme(theme)
        self.theme = DEFAULT_THEME

    def get_theme_variable_defaults(self) -> dict[str, str]:
        return dict(APP_VARIABLE_DEFAULTS)

    def compose(self) -> ComposeResult:
        for variable in APP_VARIABLES:
            yield Static(variable, id=variable)


async def test_every_theme_drives_the_app_colours_in_tcss(builtins: dict[str, Theme]) -> None:
    app = ThemedApp(builtins)
    async with app.run_test() as pilot:
        for name in BUILTIN_THEMES:
            app.theme = name
            await pilot.pause()
            for variable in APP_VARIABLES:
                shown = app.query_one(f"#{variable}", Static).styles.color
                assert shown == Color.parse(builtins[name].variables[variable]), (name, variable)


class WidgetGallery(App[None]):
    """Textual's stock widgets, as the app's screens use them, to see what a theme really draws."""

    CSS = "#alarm { background: $alert-alarm; color: $background; } .peak { color: $phase-peak; }"
    BINDINGS = [("v", "bell", "Vitals"), ("n", "bell", "Note")]

    def __init__(self, themes: dict[str, Theme], theme: str) -> None:
        super().__init__()
        for each in themes.values():
            self.register_theme(each)
        self.theme = theme

    def get_theme_variable_defaults(self) -> dict[str, str]:
        return dict(APP_VARIABLE_DEFAULTS)

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal():
            with Vertical():
                yield DataTable()
                yield Input(placeholder="128/84 76 98")
                yield Input(value="typed text")
                yield Button("Save", variant="primary")
                yield Button("Cancel")
                yield Button("Discharge", variant="error")
                yield Checkbox("Driver present", value=True)
            with Vertical():
                yield OptionList("Session one", "Session two", "Session three")
                yield Markdown(
                    "# Help\n\n## Keys\n\n`v` vitals, **bold**, [link](x)\n\n| key | does |\n|---|---|\n| v | vitals |"
                )
                yield Sparkline([1, 4, 2, 6, 3, 5])
                yield ProgressBar(total=100)
                yield Static("peak", classes="peak")
                yield Static("ALARM", id="alarm")
                yield ListView(ListItem(Label("one")), ListItem(Label("two")))
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("time", "BP", "HR")
        table.add_rows([("10:00", "128/84", "76"), ("10:15", "150/95", "90")])
        self.query_one(ProgressBar).advance(40)
        self.notify("Vitals due in 2:00", title="Reminder")
        self.notify("BP 150/95 is above 140/90", severity="error")


async def test_dim_room_measured_on_a_screen_of_stock_widgets(builtins: dict[str, Theme]) -> None:
    """The numbers on a rendered screen (focus, cursor rows, buttons, footer, toasts, markdown,
    and then the command palette over it all), not just on the theme's variables."""
    app = WidgetGallery(builtins, "dim-room")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("tab")
        await pilot.pause()
        views = [screen_colours(app)]
        await pilot.press("ctrl+p", "t", "h")
        await pilot.pause(0.3)
        views.append(screen_colours(app))
    for measured in views:
        luminance, colour = measured.brightest()
        assert luminance <= MAX_LUMINANCE, colour
        assert relative_luminance(measured.main_background()) <= MAX_BACKGROUND_LUMINANCE
        assert measured.unresolved_cells == 0
    screen = views[0]
    assert contrast_ratio(*screen.body_text()) >= MIN_BODY_CONTRAST
    # every word a person reads on it (labels, buttons, cursor rows, footer keys, toasts), bar
    # the placeholder in an empty input, is at least WCAG AA
    placeholder = builtins["dim-room"].variables["text-disabled"]
    readable = {pair: n for pair, n in screen.letters.items() if pair[0] != placeholder}
    worst = min(contrast_ratio(*pair) for pair in readable)
    assert worst >= MIN_COLOUR_CONTRAST, sorted((round(contrast_ratio(*p), 2), p) for p in readable)[:3]
