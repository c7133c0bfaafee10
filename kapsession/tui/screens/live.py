"""The live session screen: the screen a therapist lives in for two to three hours.

One direction of travel: a key opens a dialog or the vitals line (or acts at once); what was
typed goes to the screen's recorder (`tui/recorder.py`), which builds the event with a core
command, makes it durable, and only then has the screen show it. Once a second the screen folds
the stored events at the clock's "now" and offers each widget the new state; widgets redraw
only when their text changed, and after a new reading only the widgets a reading can change
are asked. Times are differences of stored timestamps (never counted ticks), so a resumed
session shows the true elapsed time.

`LiveScreen(log, practice=None)`: `log` is a `kapsession.store.session_log.SessionLog` (its clock
is the injected clock). `practice`, when given, is duck-typed: `banner()`, `presented(state)`,
`toggle_pause()`, `on_tick(state)`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable
from copy import copy
from functools import partial
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.events import Key, Paste, Resize
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Static

from kapsession.core import commands
from kapsession.core.errors import InputError, KapsessionError
from kapsession.core.events import ChecklistTicked, EventBase, SessionClosed, VitalsRecorded
from kapsession.core.phases import PHASE_TITLES, next_phase
from kapsession.core.state import SessionState
from kapsession.core.timeparse import format_duration, format_local
from kapsession.store.live_lock import ScreenHold, live_lock_for
from kapsession.store.session_log import SessionLog
from kapsession.tui.key_commands import KeyCommands
from kapsession.tui.recorder import Outcome, Recorder, Saved, Severity
from kapsession.tui.widgets.alerts_strip import AlertsStrip, top_level
from kapsession.tui.widgets.big_figures import BigFigures
from kapsession.tui.widgets.header_band import HeaderBand
from kapsession.tui.widgets.intention_corner import IntentionCorner
from kapsession.tui.widgets.key_bar import KeyBar, hint_for, key_label
from kapsession.tui.widgets.live_text import LiveText
from kapsession.tui.widgets.notes_log import NotesLog
from kapsession.tui.widgets.phase_timeline import PhaseTimeline
from kapsession.tui.widgets.practice_panel import PracticePanel
from kapsession.tui.widgets.scales_panel import ScalesPanel
from kapsession.tui.widgets.vitals_entry import VitalsLine
from kapsession.tui.widgets.vitals_panel import VitalsPanel, dose_text

MIN_WIDTH, MIN_HEIGHT = 80, 24
TALL_HEIGHT = 34  # from here the full timeline, the phase prompt and more alerts fit
WIDE_WIDTH = 110


def _key(key: str, action: str, description: str, binding_id: str, detail: str) -> tuple[Binding, str]:
    return Binding(key, action, description, id=binding_id, tooltip=detail), detail


# Each key: its binding (id + key-bar word) and a sentence for the help screen and palette.
LIVE_KEYS: list[tuple[Binding, str]] = [
    _key(
        "v",
        "vitals",
        "Vitals",
        "live.vitals",
        "record vitals on the line at the foot, e.g. 128/84 76 98 (add @10:42 to backdate); Enter saves, Escape leaves",
    ),
    _key(
        "t",
        "intake",
        "Intake",
        "live.intake",
        "the intake checklist and the screening questions: Space or a number ticks, y or n answers; Enter saves",
    ),
    _key(
        "n",
        "note",
        "Note",
        "live.note",
        "write a note; it keeps the time you started typing; private unless marked shareable",
    ),
    _key(
        "d",
        "dose",
        "Dose",
        "live.dose",
        "record the dose (mg from the plan, route from the preset; devices or booster where the route has them; "
        "an IV dose starts an infusion); before the first dose, what is short asks for a decision",
    ),
    _key(
        "l",
        "infusion",
        "Infusion",
        "live.infusion",
        "the running infusion: its state, a new rate, pause or resume, stop (with a reason when early)",
    ),
    _key(
        "m",
        "medication",
        "Med",
        "live.medication",
        "another medicine (a standing adjunct with its digit, or typed); never counted as ketamine",
    ),
    _key(
        "e",
        "adverse",
        "AE",
        "live.adverse",  # (an adverse event: the key bar keeps two lines at 80)
        "record an adverse event (from the top alert when it is a threshold or sedation alert)",
    ),
    _key(
        "c",
        "card",
        "Card",
        "live.card",
        "draw an intention card (never the same one twice; a further one asks first; the preset caps them)",
    ),
    _key("i", "intention", "Intention", "live.intention", "write or edit the client's intention in their own words"),
    _key("s", "scale", "Scale", "live.scale", "rate MOAA/S, dissociation or nausea"),
    _key(
        "f",
        "questionnaire",
        "PHQ/GAD",
        "live.questionnaire",
        "PHQ-9 or GAD-7: one digit per item (0-3), Tab switches form, Enter saves",
    ),
    _key("p", "next_phase", "Phase", "live.next_phase", "move to the next phase (asks first: Enter or y confirms)"),
    _key("a", "acknowledge", "Ack", "live.acknowledge", "acknowledge the top open alert (recorded with its time)"),
    _key(
        "u",
        "correct",
        "Correct",
        "live.correct",
        "strike a wrong entry with a reason (kept, drawn struck, never deleted), or strike it and enter it again corrected",
    ),
    _key(
        "x",
        "discharge",
        "Discharge",
        "live.discharge",
        "discharge checklist and modified Aldrete; close the session from here",
    ),
    _key(
        "N",
        "next_session",
        "Next",
        "live.next_session",
        "set the next session's date and time (e.g. 'in 3 days at 10:00', 'tue 14:00', 2026-03-09 10:00)",
    ),
    _key(
        "w",
        "client_view",
        "Client",
        "live.client_view",
        "a calm full-screen view to show the client (the same key turns it back)",
    ),
    _key("r", "preview", "Summary", "live.preview", "preview the client's summary"),
    _key(
        "space", "practice_pause", "Pause", "live.practice_pause", "practice only: pause or resume the practice clock"
    ),
    _key("question_mark", "help", "Help", "live.help", "this help"),
    _key(
        "q",
        "quit_live",
        "Quit",
        "live.quit",
        "leave the live screen (asks first; nothing is lost, an open session can be resumed)",
    ),
]

# Keys of a moment in the session (the intake, the next session) that the key bar shows only from
# WIDE_WIDTH columns: at 80 the bar would take a third line from the notes. `?` and the palette
# list them at every width.
KEY_BAR_WHEN_WIDE = frozenset({"intake", "next_session", "correct"})

TOO_SMALL = (
    "The window is too small for the live screen.\n\n"
    "[b]Make the window larger[/b] (it needs at least {min_w}x{min_h}; it is {w}x{h} now).\n\n"
    "Nothing is lost: the session keeps its time and everything recorded."
)


def leaving_words(state: SessionState) -> str:
    """What leaving the live screen means for this session, as the quit dialog says it: a closed
    one is done (no "can be resumed"), an open one waits; a rehearsal is told apart."""
    if state.closed:
        if state.practice:
            return (
                "Everything is saved. This practice run is closed; its debrief stays in practice mode "
                "(p on the home screen)."
            )
        return (
            "Everything is saved. This session is closed; its summary and record stay with it on the "
            "home screen's list."
        )
    if state.practice:
        return (
            "Everything is saved. The practice run stays open and can be picked up again from practice "
            "mode (its clock waits meanwhile)."
        )
    return (
        "Everything is saved. The session stays open and can be resumed "
        "(its times keep counting from the stored timestamps)."
    )


class LiveCommands(KeyCommands):
    """Every live-screen key is also a command in the palette (ctrl+p)."""

    def _commands(self) -> Iterable[tuple[str, str, Any]]:
        screen = self.screen
        if not isinstance(screen, LiveScreen):
            return
        # An app that already lists the screen's keys as system commands gets no duplicates.
        try:
            listed = {str(command.title) for command in self.app.get_system_commands(screen)}
        except Exception:
            listed = set()
        for binding, detail in LIVE_KEYS:
            if screen.check_action(binding.action, ()) is False:
                continue
            title = f"{binding.description} ({key_label(binding.key)})"
            if title in listed:
                continue
            yield title, detail, partial(screen.run_action, binding.action)


class Column(Vertical):
    """A plain column: nothing of its own to draw but its background (Textual then skips its
    styles for each line when a repaint crosses it)."""

    BLANK = True


class Row(Horizontal):
    """A plain row (see `Column`)."""

    BLANK = True


def _discharge_saved(events: tuple[EventBase, ...]) -> str:
    """What the discharge checklist's save says (nothing when nothing changed)."""
    closed = next((event for event in events if isinstance(event, SessionClosed)), None)
    if closed is None:
        return "Discharge checklist saved." if events else ""
    count = len(closed.alarms) + len(closed.reasons or closed.unmet)
    extra = f", with {count} item{'s' if count != 1 else ''} open, each recorded" if count else ""
    return f"Session closed at {format_local(closed.at)}{extra}. r previews the client's summary."


def intake_saved(events: tuple[EventBase, ...]) -> str:
    """What the intake dialog's save says (nothing when nothing changed)."""
    if not events:
        return ""
    ticks = sum(1 for event in events if isinstance(event, ChecklistTicked))
    answers = len(events) - ticks
    parts = [f"{ticks} intake tick{'s' if ticks != 1 else ''}"] if ticks else []
    parts += [f"{answers} screening answer{'s' if answers != 1 else ''}"] if answers else []
    return "Saved: " + " and ".join(parts) + "."


def _dialogs():
    """The dialogs are imported after the live screen has painted (`_warm_up`), or on first use."""
    from kapsession.tui.screens import dialogs

    return dialogs


def _clinical():
    from kapsession.tui.screens import clinical_dialogs

    return clinical_dialogs


class LiveScreen(Screen[None]):
    # The dialogs' stylesheet is not the screen's: the app reads it just after the first paint,
    # before a key can open a dialog (KapsessionApp._read_later_css), so neither this screen nor
    # the first dialog has Textual parse every file again and restyle every widget.
    CSS_PATH = "../live.tcss"
    AUTO_FOCUS = ""
    COMMANDS = {LiveCommands}
    BINDINGS = [binding for binding, _ in LIVE_KEYS]

    def __init__(self, log: SessionLog, practice: Any = None, *, tick_seconds: float = 1.0) -> None:
        super().__init__()
        self.session_log = log
        self.practice = practice
        self.tick_seconds = tick_seconds
        self.state: SessionState = log.state()
        self._lock: ScreenHold | None = None
        self._seen_alarms: set[str] = set()
        self.rings = 0  # bells rung (tests read it)
        self.ticks = 0
        self._shown_events: tuple[int, int] | None = None  # which events the screen shows
        self.recorder = Recorder(log, show=self._show_recorded, tell=self.tell)
        self.vitals_line = VitalsLine(log, self.recorder)  # `v`: drawn in the key bar
        self._check_key: tuple | None = None  # the next vitals check shown in the header
        self._applied_size: tuple[int, int] | None = None  # the size the layout classes are for
        self._ticker: Timer | None = None  # the once-a-second refresh

    # -- layout ---------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        # The size classes are set before the widgets mount, so styles are applied once (setting
        # them after the mount restyles every widget on the screen). The screen itself takes them
        # when it is shown: Textual restyles a screen as it comes on top.
        width, height = self.app.size
        too_small = width < MIN_WIDTH or height < MIN_HEIGHT
        tall = height >= TALL_HEIGHT
        self.set_class(too_small, "-too-small", update=False)
        self.set_class(tall, "-tall", update=False)
        self.set_class(width >= WIDE_WIDTH, "-wide", update=False)
        figures = BigFigures(id="figures")
        figures.display = tall and not too_small
        alerts = AlertsStrip(top_level(self.state), id="alerts")
        alerts.limit = 4 if tall else 2
        yield Static("", id="too-small")
        with Column(id="live"):
            yield HeaderBand(practice_banner=self._practice_banner(), id="header")
            yield PhaseTimeline(id="timeline", classes="-full" if tall else None)
            yield figures
            yield alerts
            with Row(id="body"):
                with Column(id="left"):
                    yield LiveText("", id="dose-line")
                    yield VitalsPanel(id="vitals")
                    yield ScalesPanel(id="scales")
                    yield LiveText("", id="phase-prompt")
                with Column(id="right"):
                    yield IntentionCorner(id="intention")
                    if self.practice is not None:
                        yield PracticePanel(id="practice")
                    yield NotesLog(id="notes")
        yield KeyBar(id="keys")

    def on_mount(self) -> None:
        self._lock = live_lock_for(self.session_log.store, self.session_log.session_id)  # PostgreSQL: the server's
        if not self._lock.acquire():
            # Co-monitoring: the other screen holds the session; this one takes it over (each
            # second, see _tick) once that one lets go, so the session stays "on a screen".
            self.call_after_refresh(
                self.tell, "This session is also open on another screen; both record into it.", "warning"
            )
        log = self.session_log
        draft = log.store.note_draft(log.session_id, log.clinician or "")
        if draft is not None:  # left as a draft, or typed before a crash
            self.call_after_refresh(
                self.tell, f"A note draft from {format_local(draft.saved_at)} is kept: n finishes it."
            )
        self.query_one("#phase-prompt").border_title = "Phase prompt"
        self._seen_alarms = {alert.key for alert in self.state.open_alerts if alert.level == "alarm"}
        self._apply_size(self.app.size.width, self.app.size.height)
        self.refresh_now()
        keys = self.query_one(KeyBar)
        self._show_key_hints(self.app.size.width)
        keys.show_entry(self.vitals_line)
        self._ticker = self.set_interval(self.tick_seconds, self._tick, name="live-tick")
        self.call_after_refresh(self._warm_up)
        from kapsession.tui.live_listen import listen_for_other_machines

        self._listener = listen_for_other_machines(self)  # PostgreSQL: LISTEN/NOTIFY (None on SQLite)

    def _show_key_hints(self, width: int) -> None:
        """Every key in the key bar; below `WIDE_WIDTH` the keys of `KEY_BAR_WHEN_WIDE` are left to
        the help (?) and the palette, so the bar keeps two lines at 80 columns."""
        self.query_one(KeyBar).show_keys(
            [
                hint_for(binding)
                for binding, _ in LIVE_KEYS
                if self.check_action(binding.action, ()) is not False
                and (width >= WIDE_WIDTH or binding.action not in KEY_BAR_WHEN_WIDE)
            ]
        )

    def _warm_up(self) -> None:
        """After the first paint, off the UI thread: what the keys' dialogs need."""
        import threading

        threading.Thread(target=_dialogs, name="live-warm-up", daemon=True).start()

    def on_unmount(self) -> None:
        # Quitting the app on purpose (ctrl+q, the palette's Quit) leaves the session open as
        # surely as "Leave" does; any other end of the screen here is not a leave.
        self._release_lock(left_open=getattr(self.app, "quitting_on_purpose", False))
        from kapsession.tui.live_listen import stop_listening

        stop_listening(getattr(self, "_listener", None))

    def _release_lock(self, left_open: bool = False) -> None:
        """Let go of the session for good. `left_open`: on purpose, so home shows it as left open
        (a reminder), not interrupted (a warning), if it was started and is not closed."""
        lock, self._lock = self._lock, None
        if lock is not None and lock.held:
            state = self.state
            lock.release(left_open=left_open and state.started_at is not None and not state.closed)

    def on_resize(self, event: Resize) -> None:
        if (event.size.width, event.size.height) == self._applied_size:
            return  # the Resize of the first layout: on_mount applied this size already
        self._apply_size(event.size.width, event.size.height)
        self.call_after_refresh(self._measure_texts_again)

    def _measure_texts_again(self) -> None:
        """Once a resize has settled, measure the texts that wrap to the width again: a text
        re-cut for the new width while Textual was still laying out the old one can keep the old
        height (seen: the timeline keeping two lines after 120x40 -> 80x24)."""
        for widget in self.query(LiveText):
            if widget.display:
                widget.refresh(layout=True)

    def _apply_size(self, width: int, height: int) -> None:
        self._applied_size = (width, height)
        too_small = width < MIN_WIDTH or height < MIN_HEIGHT
        self.set_class(too_small, "-too-small")
        self.set_class(height >= TALL_HEIGHT, "-tall")
        self.query_one(BigFigures).display = height >= TALL_HEIGHT and not too_small
        self.set_class(width >= WIDE_WIDTH, "-wide")
        if self.is_mounted:
            self._show_key_hints(width)
        if too_small:
            self.query_one("#too-small", Static).update(
                TOO_SMALL.format(min_w=MIN_WIDTH, min_h=MIN_HEIGHT, w=width, h=height)
            )
        timeline = self.query_one(PhaseTimeline)
        timeline.set_class(height >= TALL_HEIGHT, "-full")
        self.query_one(AlertsStrip).limit = 4 if height >= TALL_HEIGHT else 2
        if self.is_mounted and self._shown_events is not None:  # (on mount, refresh_now shows it)
            self._show(self.state)

    # -- the once-a-second refresh ----------------------------------------------------------------
    def _tick(self) -> None:
        self.ticks += 1
        if self._lock is not None and not self._lock.held:
            self._lock.acquire()  # the other screen on this session has let go of it
        if self.practice is not None:
            try:
                self.practice.on_tick(self.session_log.state())
            except Exception as error:
                self.tell(f"The practice script stumbled: {error}", "warning")
        self.refresh_now(poll=True)

    def poll(self) -> bool:
        """Pull events another process added (co-monitoring); True if there were any."""
        try:
            if self.session_log.has_news():
                return bool(self.session_log.refresh())
        except (sqlite3.Error, KapsessionError):
            pass  # busy or briefly unreadable: look again next second
        return False

    def refresh_now(self, poll: bool = False) -> SessionState:
        """Fold the events at the clock's now and show it (only changed text is redrawn)."""
        if poll:
            self.poll()
        state = self.session_log.state()
        self.state = state
        events = self.session_log.events
        key = self.session_log.events_key
        shown = self._shown_events
        if key == shown:
            self._show(state, events_changed=False)
        elif (
            shown is not None
            and shown[0] == key[0]
            and shown[1] < key[1]
            and all(isinstance(event, VitalsRecorded) for event in events[shown[1] :])
        ):
            self._show(state, events_changed=True, readings_only=True)
        else:
            self._show(state, events_changed=True)
        self._shown_events = key
        self._ring_for_new_alarms(state)
        return state

    def _practice_banner(self) -> str | None:
        if self.practice is None:
            return None
        try:
            return str(self.practice.banner())
        except Exception:
            return "PRACTICE"

    def _widgets(self) -> dict[str, Any]:
        """The widgets `_show` feeds, looked up once (not six queries a second)."""
        if not hasattr(self, "_cached_widgets"):
            self._cached_widgets = {
                "header": self.query_one(HeaderBand),
                "timeline": self.query_one(PhaseTimeline),
                "figures": self.query_one(BigFigures),
                "dose": self.query_one("#dose-line", LiveText),
                "alerts": self.query_one(AlertsStrip),
                "vitals": self.query_one(VitalsPanel),
                "scales": self.query_one(ScalesPanel),
                "intention": self.query_one(IntentionCorner),
                "notes": self.query_one(NotesLog),
                "prompt": self.query_one("#phase-prompt", LiveText),
                "practice": self.query_one(PracticePanel) if self.practice is not None else None,
                "keys": self.query_one(KeyBar),
            }
        return self._cached_widgets

    def _show(self, state: SessionState, events_changed: bool = True, readings_only: bool = False) -> None:
        """Offer the state to every widget; with `events_changed=False` (the clock moved, no event
        came) only to those whose text depends on the time; with `readings_only` (the new events
        are vitals readings) only to those a reading can change: the alerts (thresholds), the
        vitals panel, and the header and big figures only if the next check changed (otherwise
        they show nothing a reading moves, and the next tick brings their clocks)."""
        w = self._widgets()
        check = state.next_check
        check_key = None if check is None else (check.label, check.due_at, check.done)
        if not readings_only or check_key != self._check_key:
            w["header"].show_state(state, self._practice_banner())
            if w["figures"].display:
                w["figures"].show_state(state)
        self._check_key = check_key
        if not readings_only:  # the phases and the dose: a reading moves neither
            w["timeline"].show_state(state)
        w["alerts"].show_state(state)
        if not events_changed:
            # Doses, readings, ratings, the intention, notes and the phase prompt are the events
            # themselves: the same events show the same text. Only the checks' statuses age, and
            # a running infusion's mg so far.
            w["vitals"].show_checks(state)
            if state.running_infusion is not None:
                w["dose"].show(dose_text(state))
        elif readings_only:
            w["vitals"].show_state(state)
        else:
            w["dose"].show(dose_text(state))
            w["vitals"].show_state(state)
            w["scales"].show_state(state)
            w["intention"].show_state(state)
            w["notes"].show_state(state)
            prompt = w["prompt"]
            if state.phase and not state.closed:
                title = f"Phase prompt: {PHASE_TITLES[state.phase]}"
                if prompt.border_title != title:
                    prompt.border_title = title
                prompt.show(Content.styled(state.preset.phases[state.phase].prompt, "$text-muted"))
            else:
                prompt.show("")
        if w["practice"] is not None:
            try:
                items = list(self.practice.presented(state))
            except Exception:
                items = []
            w["practice"].show_items(items)

    def _ring_for_new_alarms(self, state: SessionState) -> None:
        alarms = {alert.key for alert in state.open_alerts if alert.level == "alarm"}
        new = alarms - self._seen_alarms
        self._seen_alarms |= alarms
        if new and self._bell_on():
            self.rings += 1
            self.app.bell()

    def _bell_on(self) -> bool:
        settings = getattr(self.app, "settings", None)
        return bool(getattr(settings, "bell", False))

    # -- recording --------------------------------------------------------------------------------
    def tell(self, sentence: str, severity: Severity = "information") -> None:
        """What the screen has to say (saved, briefly; why not, longer), on the key bar's status
        line: nothing is put over the notes, the intention or the client's view."""
        self.query_one(KeyBar).say(sentence, severity)

    def _show_recorded(self, events: tuple[EventBase, ...]) -> None:
        """The recorder made `events` durable: show them. Readings take the quick way
        (`_show_readings`); anything else folds every event and redraws what changed."""
        if all(isinstance(event, VitalsRecorded) for event in events):
            self._show_readings(events)  # type: ignore[arg-type]
        else:
            self.refresh_now()

    def _show_readings(self, readings: tuple[VitalsRecorded, ...]) -> None:
        """New readings: their values are on the vitals panel in the same paint as the line
        closing, and the fold of every event follows straight after that paint, a frame later,
        with the rest of what a reading changes (the history under the values, the check it
        meets, the alerts it may raise or settle, the header's countdown). The values drawn at
        once are exactly what the fold gives for the readings: the readings on screen plus these,
        in time order (`replay` sorts them the same way).

        The reading on the panel, with its time, is the sign it was saved (a toast would sit over
        the line's corner for seconds); only a reading backdated behind the latest one, which the
        panel does not show as the latest, is confirmed in words (after the paint)."""
        vitals = sorted([*self.state.vitals, *readings], key=lambda reading: reading.at)
        shown = copy(self.state)  # (a shallow copy: only its list of readings is new)
        shown.vitals = vitals
        self._widgets()["vitals"].show_reading(shown)
        # Not call_after_refresh: its callbacks run when the screen first goes idle, which can be
        # before the panel's repaint is queued, and the fold would then delay the paint it
        # follows. One frame (Textual paints at most every 1/60 s) puts it after the paint.
        self.set_timer(1 / 60, self.refresh_now, name="fold-after-reading")
        for stored in readings:
            if vitals[-1] is not stored:
                self.call_after_refresh(
                    self.tell,
                    f"Vitals saved for {format_local(stored.at)} (before the latest "
                    f"reading, so in the history): {stored.reading.describe()}.",
                )

    def _ask(self, dialog: Callable[..., Any], saved: Saved, after_saved: Callable[[], None] | None = None) -> None:
        """Open `dialog(entry=None, problem=None)` and record the entry it returns. When the store
        refuses it, the dialog opens again filled in with the entry and the sentence saying why,
        so what was typed is never lost; Escape (None) records nothing. `after_saved` runs once
        the entry is durable."""

        def answered(entry: Any) -> None:
            if entry is None:
                return
            outcome: Outcome = self.recorder.record(entry.command, saved=saved, tell_problem=False)
            if not outcome.saved:
                self.app.push_screen(dialog(entry=entry, problem=outcome.problem), answered)
            elif after_saved is not None:
                after_saved()

        self.app.push_screen(dialog(entry=None, problem=None), answered)

    def _refuse_if_closed(self, what: str) -> bool:
        state = self.session_log.state()
        if state.closed:
            self.tell(
                f"This session was closed at {format_local(state.closed_at)}; {what} can no "  # type: ignore[arg-type]
                "longer be added (notes, corrections and the next session are kept as addenda).",
                "warning",
            )
            return True
        return False

    # -- actions (one per key) ----------------------------------------------------------------
    def action_vitals(self) -> None:
        """The vitals line, in place of the key bar (see `VitalsLine`); while it is open the keys
        typed go to it (`on_key`) and the bar is redrawn after each."""
        # (The state on screen, at most a second old, is enough to know the session is open:
        # Enter checks again with the state of that moment.)
        if self.state.closed and self._refuse_if_closed("vitals"):
            return
        self.vitals_line.open()
        self._widgets()["keys"].redraw()

    def on_key(self, event: Key) -> None:
        line = self.vitals_line
        if line.is_open and line.handle_key(event.key, event.character):
            # Taken by the line: no key binding of the screen fires while it is open.
            event.stop()
            event.prevent_default()
            self._widgets()["keys"].redraw()

    def on_paste(self, event: Paste) -> None:
        if self.vitals_line.is_open:
            event.stop()
            self.vitals_line.paste(event.text)
            self._widgets()["keys"].redraw()

    def action_note(self) -> None:
        log = self.session_log
        self._ask(
            partial(_dialogs().NoteDialog, log),
            "Note saved.",
            after_saved=lambda: log.store.drop_note_draft(log.session_id, log.clinician or ""),
        )

    def action_dose(self) -> None:
        """The dose entry; before the first dose with something short, the decision comes first
        (going ahead then opens the dose entry; defer and cancel do not)."""
        if self._refuse_if_closed("a dose"):
            return
        from kapsession.core.predose import gate_open, predose_short

        state = self.session_log.state()
        if gate_open(state):
            self._ask(partial(_dialogs().DoseDialog, self.session_log), "Dose saved.")
            return
        short = predose_short(state)

        def decided(entry: Any) -> None:
            if entry is None:
                return
            outcome = self.recorder.record(entry.command, tell_problem=False)
            if not outcome.saved:
                self.app.push_screen(
                    _clinical().PreDoseDialog(self.session_log, short, entry=entry, problem=outcome.problem), decided
                )
            elif entry.choice == "proceed":
                self._ask(partial(_dialogs().DoseDialog, self.session_log), "Dose saved.")
            else:
                self.tell(f"Recorded: {entry.choice} before the first dose.")

        self.app.push_screen(_clinical().PreDoseDialog(self.session_log, short), decided)

    def action_infusion(self) -> None:
        if not self._refuse_if_closed("an infusion change"):
            self._ask(partial(_clinical().InfusionDialog, self.session_log), "Infusion saved.")

    def action_medication(self) -> None:
        if not self._refuse_if_closed("a medicine"):
            self._ask(partial(_clinical().MedicationDialog, self.session_log), "Medicine saved.")

    def action_adverse(self) -> None:
        """An adverse event; from the top open alert when it is a threshold or sedation alert (one
        key from the alert to the entry, its kind chosen)."""
        if self._refuse_if_closed("an adverse event"):
            return
        clinical = _clinical()
        top = next(
            (alert for alert in self.session_log.state().open_alerts if clinical.adverse_kind_for(alert) is not None),
            None,
        )
        self._ask(partial(clinical.AdverseDialog, self.session_log, top), "Adverse event saved.")

    def action_card(self) -> None:
        """The first card is drawn at once; a further one asks first (three quick presses drew
        three), and the preset's `max_cards` refuses past the cap, saying it."""

        def draw() -> None:
            self.recorder.record(commands.draw_card, saved=lambda events: f"Card drawn: {events[0].card}")  # type: ignore[attr-defined]

        state = self.session_log.state()
        if not state.cards or state.closed or len(state.cards) >= state.preset.max_cards:
            draw()  # (the command says why not, when it is closed or at the cap)
            return
        drawn = len(state.cards)
        self.app.push_screen(
            _dialogs().ConfirmDialog(
                f"Draw another card? {drawn} {'is' if drawn == 1 else 'are'} drawn already.",
                f"This preset allows {state.preset.max_cards} a session.",
                yes="Draw",
            ),
            lambda yes: draw() if yes else None,
        )

    def action_intention(self) -> None:
        self._ask(partial(_dialogs().IntentionDialog, self.session_log), "Intention saved.")

    def action_scale(self) -> None:
        if not self._refuse_if_closed("a rating"):
            self._ask(partial(_dialogs().ScaleDialog, self.session_log), "Rating saved.")

    def action_next_phase(self) -> None:
        state = self.session_log.state()
        try:
            event = commands.start_phase(state, "next", self.session_log.now())
        except InputError as error:
            self.tell(str(error), "warning")
            return
        target = PHASE_TITLES[event.phase]
        if state.phase is None:
            prompt, detail = f"Start the session with the {target.lower()}?", "The session clock starts now."
        else:
            elapsed = format_duration(state.time_in_phase())  # type: ignore[arg-type]
            planned = state.current_span.planned_minutes  # type: ignore[union-attr]
            prompt = f"Move from {PHASE_TITLES[state.phase]} to {target}?"
            detail = f"{PHASE_TITLES[state.phase]} has run {elapsed} of {planned} min."
            if next_phase(event.phase) is None:
                detail += " This is the last phase; close from the discharge checklist (x)."

        def confirmed(yes: bool | None) -> None:
            if yes:
                # The phase starts when the therapist confirms, not when `p` was pressed, and only
                # from the phase the dialog named (another screen may have moved the session meanwhile).
                self.recorder.record(
                    lambda state_now, now: commands.start_phase(state_now, event.phase, now, from_phase=state.phase),
                    saved=lambda events: f"{target} started at {format_local(events[0].at)}.",
                )

        self.app.push_screen(_dialogs().ConfirmDialog(prompt, detail, yes=f"Start {target.lower()}"), confirmed)

    def action_questionnaire(self) -> None:
        if self._refuse_if_closed("a questionnaire"):
            return
        from kapsession.tui.screens.questionnaire import QuestionnaireDialog

        def saved(events: tuple[EventBase, ...]) -> tuple[str, Severity]:
            # (The recorder has shown the answers: the state on screen holds any safety alert.)
            if any(alert.key == f"safety:{events[0].seq}" for alert in self.state.open_safety_alerts):
                return "ALERT: PHQ-9 item 9 above 0. Press a to record the safety check.", "error"
            return "Questionnaire saved.", "information"

        self._ask(partial(QuestionnaireDialog, self.session_log), saved)

    def action_correct(self) -> None:
        """`u`: choose an entry and strike it with a reason; with ctrl+e, then enter it again."""
        from kapsession.core.entries import entry_number
        from kapsession.tui.screens.strike_dialog import StrikeDialog

        log = self.session_log

        def answered(entry: Any) -> None:
            if entry is None:
                return
            target = next(event for event in log.events if event.seq == entry.target_seq)
            number = entry_number(log.state(), entry.target_seq)
            outcome = self.recorder.record(entry.command, saved=f"Entry #{number} struck.", tell_problem=False)
            if not outcome.saved:
                self.app.push_screen(StrikeDialog(log, entry=entry, problem=outcome.problem), answered)
            elif entry.enter_again:
                self._enter_again(target, number)

        self.app.push_screen(StrikeDialog(log), answered)

    def _enter_again(self, struck: EventBase, number: int | None) -> None:
        """After a strike, the same kind of entry filled in with what the struck one held (at its
        time), to be put right; kinds without a dialog of their own are entered with their key."""
        from kapsession.core.events import DoseGiven, IntentionSet, NoteWritten
        from kapsession.tui.dialog_entries import DoseEntry, IntentionEntry, NoteEntry

        dialogs = _dialogs()
        log = self.session_log
        first: Any
        if isinstance(struck, VitalsRecorded):
            self.vitals_line.close()
            self.vitals_line.editor.insert(f"{struck.reading.describe()} @{format_local(struck.at)}")
            self.vitals_line.open()
            self._widgets()["keys"].redraw()
            return
        if isinstance(struck, NoteWritten):
            first, make, saved = (
                NoteEntry(struck.text, struck.at, struck.kind, struck.visibility == "shareable"),
                dialogs.NoteDialog,
                "Correction saved.",
            )
        elif isinstance(struck, IntentionSet):
            first, make, saved = IntentionEntry(struck.text), dialogs.IntentionDialog, "Intention corrected."
        elif isinstance(struck, DoseGiven):
            first = DoseEntry(opened_at=struck.at, mg=f"{struck.mg:g}", booster=struck.booster, site=struck.site)
            make, saved = dialogs.DoseDialog, "Dose corrected."
        else:
            self.tell(f"Entry #{number} struck; enter the right one with its key.")
            return

        def corrected(entry: Any = None, problem: str | None = None) -> Any:
            return make(log, entry=entry or first, problem=problem)

        self._ask(corrected, saved)

    def action_acknowledge(self) -> None:
        state = self.session_log.state()
        top = state.top_alert
        if top is not None and top.kind == "safety":
            # Acknowledged only with the safety check note (core.commands.record_safety_check).
            from kapsession.tui.screens.questionnaire import SafetyCheckDialog

            self._ask(
                partial(SafetyCheckDialog, self.session_log, top.key, top.message),
                "Safety check recorded; the alert is acknowledged.",
            )
            return
        if not state.open_alerts:
            self.tell("There is no open alert to acknowledge.")
            return
        messages = {alert.key: alert.message for alert in state.open_alerts}
        self.recorder.record(
            commands.acknowledge,
            saved=lambda events: f"Acknowledged: {messages.get(getattr(events[0], 'key', ''), '')}",
        )

    def action_discharge(self) -> None:
        if not self._refuse_if_closed("discharge ticks"):
            self._ask(partial(_dialogs().DischargeDialog, self.session_log), _discharge_saved)

    def action_intake(self) -> None:
        if not self._refuse_if_closed("intake ticks and screening answers"):
            from kapsession.tui.screens.intake_dialog import IntakeDialog

            self._ask(partial(IntakeDialog, self.session_log), intake_saved)

    def action_next_session(self) -> None:
        from kapsession.tui.screens.next_session_dialog import NextSessionDialog, next_session_saved

        self._ask(partial(NextSessionDialog, self.session_log), next_session_saved)

    def action_client_view(self) -> None:
        from kapsession.tui.screens.client_view import ClientViewScreen

        self.app.push_screen(ClientViewScreen(self.session_log))

    def action_preview(self) -> None:
        from kapsession.tui.screens.preview import PreviewScreen

        self.app.push_screen(PreviewScreen(self.session_log))

    def action_practice_pause(self) -> None:
        if self.practice is None:
            return
        paused = self.practice.toggle_pause()
        self.tell("Practice paused." if paused else "Practice running.")
        self.refresh_now()

    def action_help(self) -> None:
        from kapsession.tui.screens.help import HelpScreen

        keys = [
            (binding, detail) for binding, detail in LIVE_KEYS if self.check_action(binding.action, ()) is not False
        ]
        self.app.push_screen(HelpScreen(keys))

    def action_quit_live(self) -> None:
        def confirmed(yes: bool | None) -> None:
            if not yes:
                return
            # Let go of the session before home reads the list: home shows it as left open on
            # purpose (a reminder), not interrupted (a warning).
            self._release_lock(left_open=True)
            # Back to the screen we came from, or to home when the app opened on this screen
            # (`kapsession resume`); out of the app in one that has no home screen.
            stack = self.app.screen_stack
            below = stack[-2] if len(stack) >= 2 and stack[-1] is self else None
            if below is not None and below.id != "_default":
                self.dismiss(None)
            elif callable(show_home := getattr(self.app, "show_home", None)):
                # The app opened on this screen, and Textual keeps it (in the app's first mode):
                # stopped, it reads and shows nothing more.
                if self._ticker is not None:
                    self._ticker.stop()
                show_home()
            else:
                self.app.exit()

        self.app.push_screen(
            _dialogs().ConfirmDialog(
                "Leave the live screen?", leaving_words(self.session_log.state()), yes="Leave", no="Stay"
            ),
            confirmed,
        )

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "practice_pause":
            return self.practice is not None
        if action == "infusion":  # an IV session's key only (the key bar keeps two lines at 80 columns)
            return self.session_log.preset.route == "intravenous" or bool(self.state.infusions)
        return True
