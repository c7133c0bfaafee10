"""Helpers for the live-screen pilot tests: a small test app that pushes LiveScreen, a session on
a ManualClock, and screen readers. Imported as `live_support` (a unique module name: a bare
`from conftest import` picks whichever conftest pytest loaded first)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from textual.app import App
from textual.widgets import Input

from kapsession.core import commands
from kapsession.core.clock import ManualClock
from kapsession.store.event_store import EventStore
from kapsession.store.session_log import SessionLog
from kapsession.tui.screens.live import LiveScreen
from kapsession.tui.theme_files import APP_VARIABLE_DEFAULTS, default_theme_dirs, load_themes

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@dataclass
class Settings:
    bell: bool = False


class LiveTestApp(App):
    """Pushes LiveScreen(log, practice) on mount; themes from the shipped theme files."""

    def __init__(
        self, log: SessionLog, practice: Any = None, *, theme_name: str | None = None, bell: bool = False
    ) -> None:
        super().__init__()
        self.session_log = log
        self.practice = practice
        self.settings = Settings(bell=bell)
        self.theme_name = theme_name
        self.live: LiveScreen | None = None

    def get_theme_variable_defaults(self) -> dict[str, str]:
        return dict(APP_VARIABLE_DEFAULTS)

    def on_mount(self) -> None:
        themes, _problems = load_themes(*default_theme_dirs())
        for theme in themes.values():
            self.register_theme(theme)
        wanted = self.theme_name or ("dim-room" if "dim-room" in themes else None)
        if wanted:
            self.theme = wanted
        self.live = LiveScreen(self.session_log, practice=self.practice)
        # After the theme's variables reach the stylesheet (Textual applies a theme on the next
        # message), so the screen's CSS is parsed with them.
        self.call_next(self.push_screen, self.live)


def shipped_theme_names() -> list[str]:
    themes, _ = load_themes(*default_theme_dirs())
    return sorted(themes)


@dataclass
class SessionFixture:
    store: EventStore
    session_id: str
    log: SessionLog
    clock: ManualClock
    data_dir: Path

    def fresh_events(self):
        """What a brand-new reader of the same data dir sees."""
        with EventStore(self.data_dir) as other:
            return other.events(self.session_id)

    def add(self, build: Callable[..., Any], *args: Any, **kwargs: Any):
        event = build(self.log.state(), *args, **kwargs)
        return self.log.record(event)


def advance_to_mid_peak(s: SessionFixture) -> None:
    """Intake, intention, a dose, onset, into the peak with readings, notes and cards."""
    clock = s.clock
    log = s.log
    s.add(commands.start_phase, "next", clock.now())
    clock.advance(minutes=2)
    s.add(commands.record_vitals, "124/80 72 98 14", clock.now())
    clock.advance(minutes=12)
    s.add(commands.start_phase, "next", clock.now())
    s.add(commands.set_intention, "to be gentler with myself", clock.now())
    import random

    s.add(commands.draw_card, clock.now(), random.Random(1))
    s.add(commands.draw_card, clock.now(), random.Random(2))
    clock.advance(minutes=9)
    s.add(commands.start_phase, "next", clock.now())
    s.add(commands.give_dose, 200, clock.now())
    clock.advance(minutes=15)
    s.add(commands.start_phase, "next", clock.now())
    log.record(commands.write_note(log.state(), "eyes closed, breathing slow", clock.now()))
    clock.advance(minutes=5)
    s.add(commands.rate_scale, "moaas", 4, clock.now())
    s.add(commands.rate_scale, "dissociation", 6, clock.now())
    log.record(
        commands.write_note(log.state(), "I am allowed to rest", clock.now(), kind="client-words", shareable=True)
    )
    clock.advance(minutes=6)
    s.add(commands.record_vitals, "138/88 84 97", clock.now())
    clock.advance(minutes=6, seconds=30)


def freeze_cursor(app: App) -> None:
    """No blinking cursor in screenshots."""
    for widget in app.screen.query(Input):
        widget.cursor_blink = False


async def type_text(pilot, text: str) -> None:
    """Type `text` as key events through the driver, the way `pilot.press` sends keys, but
    without idling between characters (typing a sentence key by key otherwise takes seconds)."""
    from textual import events
    from textual.keys import _character_to_key

    app = pilot.app
    for character in text:
        key = character if character.isalnum() else _character_to_key(character)
        event = events.Key(key, character)
        event.set_sender(app)
        app._driver.send_message(event)
    await pilot.pause()


def drawn(widget) -> str:
    """What a text widget draws on screen, line by line (not only the text it was given)."""
    return "\n".join(strip.text.strip() for strip in widget.render_lines(widget.outer_size.region))


def screen_text(app: App) -> str:
    """What the current screen shows, as plain text with runs of spaces and line breaks made one
    space (so a wrapped note still reads as one phrase). Widgets not on screen are left out."""
    from textual.widgets import Static

    from kapsession.tui.widgets.live_text import LiveText
    from kapsession.tui.widgets.notes_log import NotesLog

    parts = []
    for widget in app.screen.query("Static, LiveText"):
        if isinstance(widget, LiveText) and widget.display and widget.region.area > 0:
            # What it draws, line by line (not only the text it was given).
            parts.append(drawn(widget))
        elif isinstance(widget, Static) and widget.display and widget.region.area > 0:
            parts.append(str(widget.render()))
    # The notes log draws its lines itself (a scroll view, not a Static).
    parts += [log.plain for log in app.screen.query(NotesLog) if log.display and log.region.area > 0]
    return " ".join(" ".join(parts).split())


class RedrawCounter:
    """How many times each text widget of a live screen really changed its text, from now on
    (keyed by id, or class name for a widget without one)."""

    def __init__(self, live) -> None:
        from kapsession.tui.widgets.live_text import LiveText
        from kapsession.tui.widgets.notes_log import NotesLog

        self.widgets = {w.id or type(w).__name__: w for w in live.query(LiveText)}
        self.widgets.update({w.id or type(w).__name__: w for w in live.query(NotesLog)})
        self.before = {key: w.updates for key, w in self.widgets.items()}

    def count(self, key: str) -> int:
        return self.widgets[key].updates - self.before[key]

    def changed(self) -> set[str]:
        return {key for key, w in self.widgets.items() if w.updates != self.before[key]}


def said(app: App) -> str:
    """The sentence on the live screen's status line (the key bar's last line), or ""."""
    from kapsession.tui.widgets.key_bar import KeyBar

    for screen in app.screen_stack:
        for bar in screen.query(KeyBar):
            if bar.said is not None:
                return bar.said.plain
    return ""
