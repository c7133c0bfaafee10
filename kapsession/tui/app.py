"""The Textual app: themes, settings, the one event store, and the screens on top of them.

`kapsession` with no command opens the home screen; `kapsession resume ID` (or `new` without
`--no-open`) opens on the live screen itself, the app's first screen; leaving it shows home.

Startup is kept light so the first screen paints fast (issue 6). Before the first paint only
Textual, that screen and what it shows are loaded:
- the theme is chosen in `__init__`, from a small cache of the validated theme files in the user
  cache dir (`_startup_themes`); the validator (`theme_files`, pydantic) runs only when a theme
  file changed;
- the settings file is read for the theme and practice name only; the validated `Settings`
  model, the presets and the modules the next screens need are loaded in a background thread
  just after the first paint (`_warm_up`), or when first needed.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterable
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any

from textual import work
from textual.app import App, SystemCommand
from textual.screen import Screen
from textual.theme import Theme

from kapsession.core.text_rule import visible
from kapsession.tui.crash_guard import ReportsCrashes, run_reporting_crashes

if TYPE_CHECKING:
    from kapsession.core.clock import Clock
    from kapsession.core.preset_library import PresetLibrary
    from kapsession.settings import Settings
    from kapsession.store.event_store import EventStore
    from kapsession.store.session_log import SessionLog

MIN_WIDTH = 80
MIN_HEIGHT = 24
DEFAULT_THEME = "dim-room"
_THEME_CACHE_VERSION = 1


_CSS_DIR = Path(__file__).resolve().parent


def _startup_css(session_id: str | None) -> list[str | PurePath]:
    """The CSS read before the first paint. A resume opens the live screen at once, so its styles
    are read with the app's: Textual parses every file of a stylesheet again whenever a screen
    brings a file it has not read yet, twice over for that file, and restyles every widget.
    A launch to home reads only the app's. The rest is read just
    after the first paint (`_read_later_css`)."""
    files: list[str | PurePath] = [_CSS_DIR / "app.tcss"]
    if session_id:
        files.append(_CSS_DIR / "live.tcss")
    return files


# Read after the first paint, before any key can open the screens they style. Their rules match
# only the live screen and the dialogs, none of which is on screen before then.
LATER_CSS = ("live.tcss", "dialogs.tcss")


class KapsessionApp(ReportsCrashes, App[int]):
    """The app. Screens reach shared things through it: `self.app.store`, `.presets`, `.settings`,
    `.clock`, `.data_dir`; `open_live(id)` pushes the live screen for a stored session."""

    TITLE = "kapsession"
    # A screen under another one carries this class (Textual sets it on suspend, clears it on
    # resume), so app.tcss hides its toasts: Textual shows every notification on the rack of each
    # screen it is shown on, and a dialog lets the screen beneath show through, toasts and all.
    # The live screen lifts its toasts above the key bar, a dialog does not: the same toast was on
    # screen twice (issue 17, seen as a phase change's toast doubled in a practice run).
    SUSPENDED_SCREEN_CLASS = "-suspended"

    def __init__(
        self,
        data_dir: str | Path,
        session_id: str | None = None,
        theme: str | None = None,
        clock: Clock | None = None,
        practice: Any = None,
    ) -> None:
        self.data_dir = Path(data_dir)
        self.session_id = session_id
        self.theme_override = theme
        self.practice = practice
        # A practice run's clock (scaled) drives that run only; every other session the app opens
        # (from home: new, resume) runs on the real clock. Without practice, `clock` is the app's.
        self._practice_clock = clock if practice is not None else None
        self._clock = clock if practice is None else None
        self._store: EventStore | None = None
        self._settings: Settings | None = None
        self._lock = threading.RLock()
        self._presets: PresetLibrary | None = None
        self._presets_reported = False
        self._theme_ready = False  # theme changes are remembered only once startup chose one
        self.quitting_on_purpose = False  # see action_quit
        self._theme_notes: list[str] = []
        self._theme_problem_count = 0
        remembered = _read_settings_file()
        themes, problems, self._app_variables = _startup_themes()
        super().__init__(css_path=_startup_css(session_id))
        self.add_mode("home", self.home_screen)  # see `show_home`
        # Read before the settings are validated: a name an older version stored is made visible.
        self.sub_title = visible(str(remembered.get("practice_name") or ""))
        self._apply_startup_theme(themes, problems, remembered.get("theme") or DEFAULT_THEME)

    # -- shared things, made when first needed ---------------------------------------------------
    @property
    def clock(self) -> Clock:
        if self._clock is None:
            from kapsession.core.clock import SystemClock

            self._clock = SystemClock()
        return self._clock

    @property
    def store(self) -> EventStore:
        """The one EventStore of this app (raises StoreError if the data dir cannot be used)."""
        if self._store is None:
            with self._lock:
                if self._store is None:
                    from kapsession.store.factory import open_store

                    self._store = open_store(self.data_dir)  # PostgreSQL if $KAPSESSION_DATABASE_URL says so
        return self._store

    @property
    def settings(self) -> Settings:
        """The therapist's remembered settings (validated; loaded after the first paint)."""
        if self._settings is None:
            with self._lock:
                if self._settings is None:
                    from kapsession.settings import load_settings

                    self._settings = load_settings()
        return self._settings

    @settings.setter
    def settings(self, value: Settings) -> None:
        self._settings = value

    @property
    def presets(self) -> PresetLibrary:
        """Built-in and user presets, loaded once (in the warm-up thread, or here if sooner)."""
        if self._presets is None:
            with self._lock:
                if self._presets is None:
                    from kapsession.presets import default_library

                    self._presets = default_library()
        return self._presets

    # -- themes -------------------------------------------------------------------------------------
    def get_theme_variable_defaults(self) -> dict[str, str]:
        """kapsession's own colours (theme_files.APP_VARIABLE_DEFAULTS) for a theme without them."""
        return dict(self._app_variables)

    def _apply_startup_theme(self, themes: dict[str, Theme], problems: list[str], remembered: str) -> None:
        """Register kapsession's themes and pick one: `--theme`, else the remembered one, else
        dim-room. Every broken theme file, and a theme that could not be used, go into ONE
        notification (shown on mount, as posting does); the app still starts, in dim-room."""
        for theme in themes.values():
            self.register_theme(theme)
        fallback = DEFAULT_THEME if DEFAULT_THEME in themes else "textual-dark"
        notes = [f"• {problem}" for problem in problems]
        wanted = remembered
        if self.theme_override:
            if self.theme_override in themes:
                wanted = self.theme_override
            else:
                known = ", ".join(sorted(themes)) or "none"
                notes.append(f"There is no theme '{self.theme_override}' (known: {known}).")
        if wanted not in themes:
            if wanted != fallback:
                notes.append(f"The theme '{wanted}' could not be used; showing {fallback} instead.")
            wanted = fallback
        if themes:
            # Only kapsession's themes in the picker: each knows the app's own colours and the
            # dim room. Textual's stay registered only if none of ours could be read.
            from textual.theme import BUILTIN_THEMES

            for name in BUILTIN_THEMES:
                if name not in themes:
                    self.unregister_theme(name)
        # Set before the first screen is styled, so it is never shown in another theme. Textual
        # reads the theme's variables when it next parses the stylesheet; they are given to it
        # now too, for the first parse.
        self.theme = wanted
        self.stylesheet.set_variables(self.get_css_variables())
        self._theme_notes = notes
        self._theme_problem_count = len(problems)
        self._theme_ready = True

    def _report_theme_notes(self) -> None:
        if not self._theme_notes:
            return
        count = self._theme_problem_count
        title = f"{count} theme file{'s' if count != 1 else ''} could not be read" if count else "Theme not found"
        self.notify(
            "\n".join(self._theme_notes),
            title=title,
            severity="error" if count else "warning",
            timeout=20,
            markup=False,
        )

    def watch_theme(self, theme_name: str) -> None:
        """A theme picked in the command palette is remembered."""
        if self._theme_ready and theme_name != self.settings.theme:
            self._remember_theme(theme_name)

    def _remember_theme(self, name: str) -> None:
        self.settings.theme = name
        self.save_settings()

    def save_settings(self) -> None:
        from kapsession.settings import save_settings

        try:
            save_settings(self.settings)
        except OSError as error:
            self.notify(
                f"Settings could not be saved ({error.strerror or error}).",
                title="Settings",
                severity="error",
                markup=False,
            )

    # -- lifecycle ----------------------------------------------------------------------------------
    # The app opens on the screen it was asked for: home, or on `kapsession resume` the session's
    # live screen. Textual draws an app's first screen whole in its first frame; a screen pushed
    # over it from `on_mount` loses that frame, and the terminal showed a half-drawn live screen
    # first (README, "Textual defects worked around"). Leaving a live screen the app opened on
    # shows home in a mode of its own (`show_home`): Textual cannot take an app's first screen off
    # its stack.
    def get_default_screen(self) -> Screen:
        if self.session_id:
            screen = self.session_screen(self.session_id, practice=self.practice, clock=self._practice_clock)
            if screen is not None:
                return screen
        return self.home_screen()

    def home_screen(self) -> Screen:
        from kapsession.tui.screens.home import HomeScreen

        return HomeScreen()

    def show_home(self) -> None:
        """Home, in place of the live screen the app opened on (which has stopped by then)."""
        self.switch_mode("home")

    def on_mount(self) -> None:
        self._report_theme_notes()
        self._check_size()
        self.screen_change_signal.subscribe(self, lambda _screen: self.call_later(self._check_size))
        self.call_after_refresh(self._after_first_paint)

    def _after_first_paint(self) -> None:
        if self.theme_override and self.theme == self.theme_override:
            if self.settings.theme != self.theme:
                self._remember_theme(self.theme)  # `--theme` is remembered
        self._read_later_css()
        self._warm_up()

    def _read_later_css(self) -> None:
        """The live screen's and the dialogs' CSS, parsed into the app's stylesheet now, after the
        first paint: the files already read are not parsed again, and nothing on screen is
        restyled, since no widget shown yet matches their rules. Left to Textual, the screen that
        first brings a file has every file parsed again and every widget restyled, on the
        first `n` or `v` of a session."""
        stylesheet = self.stylesheet
        unread = [path for name in LATER_CSS if not stylesheet.has_source(str(path := _CSS_DIR / name), "")]
        if unread:
            stylesheet.read_all(unread)
            stylesheet.parse()

    @work(thread=True, exclusive=True, group="warm-up", exit_on_error=False)
    def _warm_up(self) -> None:
        """After the first paint: what the next key presses need, off the UI thread."""
        self.settings  # noqa: B018 - loads pydantic and the Settings model
        library = self.presets
        import kapsession.core.commands
        import kapsession.store.session_log  # noqa: F401

        if library.problems:
            self.call_from_thread(self._report_preset_problems)

    def _report_preset_problems(self) -> None:
        library = self._presets
        if library is None or not library.problems or self._presets_reported:
            return
        self._presets_reported = True
        count = len(library.problems)
        self.notify(
            "\n".join(f"• {problem}" for problem in library.problems),
            title=f"{count} preset file{'s' if count > 1 else ''} could not be read; the others loaded",
            severity="error",
            timeout=20,
            markup=False,
        )

    async def action_quit(self) -> None:
        """Quit on purpose (ctrl+q, the palette's Quit): a session on the live screen stays open,
        and home lists it as left open rather than interrupted."""
        self.quitting_on_purpose = True
        await super().action_quit()

    # -- too small ----------------------------------------------------------------------------------
    def on_resize(self, event: Any) -> None:
        self._check_size(event.size)  # this handler may run before App's own has stored the size

    def _check_size(self, size: Any = None) -> None:
        """Below 80x24, a clear "make the window larger" screen covers whatever screen is on top
        (checked on resize and whenever a screen is pushed or popped); it goes when there is room."""
        width, height = size or self.size
        top = self.screen_stack[-1] if self.screen_stack else None
        top_is_notice = type(top).__name__ == "TooSmallScreen"
        if width < MIN_WIDTH or height < MIN_HEIGHT:
            if top_is_notice:
                top.show_size(width, height)  # type: ignore[union-attr]
            else:
                from kapsession.tui.screens.too_small import TooSmallScreen

                self.push_screen(TooSmallScreen())
        elif top_is_notice:
            self.pop_screen()

    # -- opening sessions ---------------------------------------------------------------------------
    def clinician(self) -> str | None:
        """Whose entries this terminal makes (KAPSESSION_CLINICIAN, else the settings); an
        InputError, shown where the session would open, when it is not initials."""
        from kapsession.settings import clinician_here

        return clinician_here(None, self.settings)

    def session_log(self, session_id: str, clock: Clock | None = None) -> SessionLog | None:
        """A SessionLog for a stored session (on the app's clock unless another is given), or None
        after telling the therapist why not."""
        from kapsession.core.errors import KapsessionError
        from kapsession.store.session_log import SessionLog

        try:
            row = self.store.session(session_id)
            from kapsession.presets import find_preset

            preset = find_preset(row.preset, self._presets)  # (only its file, before the library loads)
            return SessionLog(self.store, session_id, preset, clock or self.clock, clinician=self.clinician())
        except KapsessionError as error:
            self.notify(str(error), title="The session cannot be opened", severity="error", timeout=12, markup=False)
            return None

    def _is_practice(self, session_id: str) -> bool:
        from kapsession.core.errors import KapsessionError

        try:
            return self.store.session(session_id).practice
        except KapsessionError:
            return False  # open_live's own path reports the problem

    def session_screen(self, session_id: str, practice: Any = None, clock: Clock | None = None) -> Screen | None:
        """The screen a stored session opens on (the live screen; a rehearsal's own, see
        tui/screens/practice.py), or None after telling the therapist why it cannot open."""
        if practice is None and clock is None and self._is_practice(session_id):
            # A rehearsal runs on its own fast clock with its script (or shows its debrief once
            # closed); on the wall clock its virtual timestamps would make every timer wrong.
            from kapsession.tui.screens.practice import rehearsal_screen

            return rehearsal_screen(self, session_id)
        log = self.session_log(session_id, clock)
        if log is None:
            return None
        from kapsession.tui.screens.live import LiveScreen

        return LiveScreen(log, practice=practice)

    def open_live(self, session_id: str, practice: Any = None, clock: Clock | None = None) -> bool:
        """Push the screen of a stored session (`session_screen`); False (and a notification) if
        it cannot open."""
        screen = self.session_screen(session_id, practice=practice, clock=clock)
        if screen is None:
            return False
        self.push_screen(screen)
        return True

    # -- command palette ----------------------------------------------------------------------------
    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        state = "on" if self.settings.bell else "off"
        commands = [
            # Textual's own Screenshot writes wherever it can (and failed in a real run); ours goes
            # into a private folder of the data dir and says where.
            *(command for command in super().get_system_commands(screen) if command.title != "Screenshot"),
            SystemCommand(
                "Screenshot",
                "Save an SVG picture of the screen in the data folder's screenshots (private: 0700, 0600)",
                lambda: self.set_timer(0.1, self.save_private_screenshot),
            ),
            SystemCommand(
                "Bell",
                f"Ring the terminal bell for new alerts (now {state}; silent by default)",
                self.action_toggle_bell,
            ),
            SystemCommand(
                "Settings",
                "Therapist and practice names for the summary, paper size, series length",
                self.action_settings,
            ),
        ]
        yield from commands
        # Every key of the current screen is a command too: the palette is the map of the app.
        seen = {command.title for command in commands}
        for active in screen.active_bindings.values():
            binding = active.binding
            if not isinstance(active.node, (Screen, App)):  # a widget's own keys (cursor moves)
                continue
            if not binding.description or not active.enabled or binding.description in seen:
                continue
            if binding.action in ("command_palette", "app.command_palette", "quit", "app.quit"):
                continue
            seen.add(binding.description)
            shown = self.get_key_display(binding)
            yield SystemCommand(
                f"{binding.description} ({shown})",
                binding.tooltip or f"The {shown} key on this screen",
                _RunAction(self, binding.action, active.node),
            )

    def say(self, sentence: str, title: str) -> None:
        """A confirmation: on the live screen, its status line (nothing over the notes or the
        client's view); on the other screens, a toast."""
        tell = getattr(self.screen, "tell", None)
        if callable(tell):
            tell(f"{title}: {sentence}")
        else:
            self.notify(sentence, title=title, timeout=3)

    def save_private_screenshot(self) -> Path | None:
        """The screen as SVG in `<data dir>/screenshots/` (a 0700 folder, a 0600 file): it may show
        a client's name and notes. Says where, or why not; returns the path."""
        from datetime import datetime

        from kapsession.core.errors import InputError
        from kapsession.summary.files import write_export

        path = self.data_dir / "screenshots" / f"kapsession-{datetime.now():%Y-%m-%d-%H%M%S-%f}.svg"
        try:
            write_export(path, self.export_screenshot().encode("utf-8"), make_folder=True)
        except (InputError, OSError) as error:
            self.notify(f"The screenshot was not saved: {error}", severity="warning", markup=False)
            return None
        self.notify(f"Screenshot saved: {path}", timeout=6, markup=False)
        return path

    def action_toggle_bell(self) -> None:
        self.settings.bell = not self.settings.bell
        self.save_settings()
        if self.settings.bell:
            self.say("The terminal bell rings once for each new alert.", "Bell on")
            self.bell()
        else:
            self.say("No sound: alerts only show on the screen.", "Bell off")

    def action_settings(self) -> None:
        from kapsession.tui.screens.settings import SettingsScreen

        self.push_screen(SettingsScreen(self.settings), self._settings_saved)

    def _settings_saved(self, settings: Settings | None) -> None:
        if settings is None:
            return
        self.settings = settings
        self.save_settings()
        self.sub_title = settings.practice_name
        self.say("saved.", "Settings")


class _RunAction:
    """A palette callback that runs one binding's action in its own namespace."""

    def __init__(self, app: App, action: str, node: Any) -> None:
        self.app, self.action, self.node = app, action, node

    async def __call__(self) -> None:
        await self.app.run_action(self.action, self.node)


# -- startup helpers: no pydantic on the way to the first paint ---------------------------------------


def _read_settings_file() -> dict[str, Any]:
    """The raw settings file (theme and practice name are read from it before the first paint;
    `kapsession.settings.load_settings` validates the whole file later)."""
    from kapsession.locations import settings_path

    try:
        data = json.loads(settings_path().read_bytes())
    except (OSError, ValueError):  # (json's JSONDecodeError and UnicodeDecodeError are ValueErrors)
        return {}
    if not isinstance(data, dict):
        return {}
    return {key: value for key, value in data.items() if key in ("theme", "practice_name") and isinstance(value, str)}


def _theme_dirs() -> tuple[Path, ...]:
    """The folders `theme_files.default_theme_dirs()` reads, without importing the validator."""
    from kapsession import locations

    return (locations.builtin_themes_dir(), locations.user_themes_dir())


def _theme_cache_path() -> Path:
    from kapsession.locations import theme_cache_path

    return theme_cache_path()


def _theme_fingerprint(directories: tuple[Path, ...]) -> list[Any]:
    """What the validated themes depend on: every theme file (name, mtime, size) and the validator."""
    import importlib.util

    from kapsession import __version__

    spec = importlib.util.find_spec("kapsession.tui.theme_files")
    validator = Path(spec.origin) if spec and spec.origin else None
    parts: list[Any] = [_THEME_CACHE_VERSION, __version__]
    for path in [validator] if validator else []:
        status = path.stat()
        parts.append([str(path), status.st_mtime_ns, status.st_size])
    for directory in directories:
        files = []
        if directory.is_dir():
            for path in sorted(directory.glob("*.toml")):
                status = path.stat()
                # owner and mode too: a file others may change is refused (core/trusted_files.py)
                files.append([path.name, status.st_mtime_ns, status.st_size, status.st_uid, status.st_mode])
        parts.append([str(directory), files])
    return parts


def _startup_themes() -> tuple[dict[str, Theme], list[str], dict[str, str]]:
    """(themes, problems, app colour defaults): from the cache when no theme file changed since it
    was written, else from `theme_files.load_themes` (which validates every file), re-caching."""
    directories = _theme_dirs()
    cache = _theme_cache_path()
    try:
        key = _theme_fingerprint(directories)
    except OSError:
        key = None
    if key is not None:
        try:
            data = json.loads(cache.read_bytes())
            if data["key"] == key:
                themes = {name: Theme(**fields) for name, fields in data["themes"].items()}
                return themes, [str(p) for p in data["problems"]], dict(data["defaults"])
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            pass
    from dataclasses import asdict

    from kapsession.locations import config_dir
    from kapsession.private_dirs import make_private_dir
    from kapsession.tui.theme_files import APP_VARIABLE_DEFAULTS, default_theme_dirs, load_themes

    themes, problems = load_themes(*default_theme_dirs())
    if key is not None:
        payload = {
            "key": key,
            "themes": {name: asdict(theme) for name, theme in themes.items()},
            "problems": problems,
            "defaults": APP_VARIABLE_DEFAULTS,
        }
        try:
            make_private_dir(cache.parent, within=config_dir())  # 0700 whatever the umask
            temporary = cache.with_name(f".{cache.name}.{os.getpid()}.tmp")
            # 0600 like every file kapsession writes (the cache holds only theme colours)
            descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
                json.dump(payload, handle)
            os.replace(temporary, cache)
        except OSError:
            pass  # a cache is a convenience: without it, the next start validates again
    return themes, problems, dict(APP_VARIABLE_DEFAULTS)


def run_app(
    data_dir: str | Path,
    session_id: str | None = None,
    theme: str | None = None,
    practice: Any = None,
    clock: Clock | None = None,
    store: EventStore | None = None,
) -> int:
    """Run the app until it exits (on `store` if the command line has opened it already: an
    encrypted store's passphrase is asked for once); returns the process exit code."""
    from kapsession.store.faults import PassphraseNeeded

    app = KapsessionApp(data_dir, session_id=session_id, theme=theme, clock=clock, practice=practice)
    app._store = store
    try:
        app.store  # noqa: B018 - an unusable data dir is a one-line error from the command line, not a traceback
    except PassphraseNeeded:  # an encrypted store: its passphrase is asked for in a dialog first
        from kapsession.tui.screens.passphrase import ask_for_store

        app._store = ask_for_store(Path(data_dir))
        if app._store is None:
            return 0
    result = run_reporting_crashes(app, data_dir)  # no client data on a crash screen
    if app.return_code:
        return app.return_code
    return result if isinstance(result, int) else 0
