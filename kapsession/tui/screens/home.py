"""The home screen (`kapsession` with no command): an interrupted session first (or one left open
on purpose), then today's and recent sessions, and the keys to start, resume, rehearse or preview.

It must paint fast with years of sessions stored (issue 6): the list comes from the store's
projection (`EventStore.list_sessions`, no event replay), only the 200 most recent rows are shown,
and nothing a key press needs (the form, presets, the live screen) is imported before it is
pressed. The list is a `SessionList` (widgets/session_list.py), which draws only the lines on
screen from plain strings, so the first frame already shows it finished; Textual's DataTable
rendered every visible cell through Rich and needed a second frame to size its columns.
"""

from __future__ import annotations

import importlib.util
from datetime import datetime
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer, Header, Static

from kapsession.core.phases import PHASE_TITLES
from kapsession.tui.widgets.session_list import SessionList

if TYPE_CHECKING:
    from kapsession.store.event_store import SessionRow
    from kapsession.tui.app import KapsessionApp

RECENT_LIMIT = 200
PRESET_WIDTH = 21
COLUMNS = ("Started", "Client", "No.", "Preset", "State")


def client_width(screen_width: int) -> int:
    """Client names are clipped to fit the five columns at 80 wide; wider screens show more."""
    return max(16, min(40, screen_width - 64))


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _when(moment: datetime, today: datetime) -> str:
    local = moment.astimezone()
    if local.date() == today.date():
        return f"today {local:%H:%M}"
    if local.year == today.year:
        return f"{local:%d %b %H:%M}"
    return f"{local:%d %b %Y}"


def state_words(row: SessionRow) -> str:
    if row.closed_at:
        return "closed"
    if row.phase:
        return PHASE_TITLES.get(row.phase, row.phase)
    return "not started"


class HomeScreen(Screen[None]):
    """Sessions at a glance. Everything is one key; all keys are also in the command palette."""

    BINDINGS = [
        Binding(
            "i",
            "resume_interrupted",
            "Resume ⚠",
            id="home.resume-interrupted",
            tooltip="Resume the session that was interrupted (shown at the top)",
        ),
        Binding(
            "i",
            "resume_left_open",
            "Resume",
            id="home.resume-left-open",
            tooltip="Go back to the session left open (shown at the top)",
        ),
        Binding("n", "new_session", "New", id="home.new", tooltip="Start a new session"),
        Binding("r", "resume", "Open", id="home.resume", tooltip="Open the selected session on the live screen"),
        Binding("enter", "resume", "Open", show=False, id="home.open"),
        Binding(
            "c",
            "course",
            "Course",
            id="home.course",
            tooltip="Choose a client: their sessions, PHQ-9 and GAD-7 over time, the course report",
        ),
        Binding("p", "practice", "Practice", id="home.practice", tooltip="Rehearse a protocol on a fast clock"),
        Binding(
            "v",
            "preview",
            "Summary",
            id="home.preview",
            tooltip="Preview the client summary of the selected closed session",
        ),
        Binding(
            "s",
            "settings",
            "Settings",
            show=False,
            id="home.settings",
            tooltip="Therapist and practice names, paper size, series length",
        ),
        Binding("question_mark", "help", "Help", id="home.help", tooltip="What every key does"),
        Binding("q", "quit", "Quit", id="home.quit", tooltip="Leave kapsession"),
    ]

    def __init__(self) -> None:
        super().__init__(id="home")
        self.rows: dict[str, SessionRow] = {}
        self.interrupted: list[SessionRow] = []
        self.left_open: list[SessionRow] = []  # left from the live screen on purpose, still open

    @property
    def kap(self) -> KapsessionApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        # When a row would not fit (80 columns, a practice run, a long phase), the preset's name
        # gives up room first, then the client's (clipped with "…", never below 12 characters).
        table = SessionList(COLUMNS, shrink=(3, 1), min_width=12, id="sessions")
        yield Header(icon="≡")
        with Vertical(id="home-body"):
            yield Static(id="interrupted", classes="hidden")
            yield Static(id="home-heading")
            yield table
            yield Static(
                "No sessions yet.\n\nPress n to start a new session, or p to rehearse a protocol in practice mode.",
                id="home-empty",
                classes="hidden",
            )
        yield Footer()

    def on_screen_resume(self) -> None:
        self.refresh_sessions()

    # -- data ---------------------------------------------------------------------------------------
    def refresh_sessions(self) -> None:
        """Read the listing from the store's projection (never replays events)."""
        store = self.kap.store
        now = self.kap.clock.now().astimezone()
        interrupted, left_open = store.sessions_off_screen()
        # A real client's session before a rehearsal, newest entry first within each.
        self.interrupted = sorted(interrupted, key=lambda row: row.practice)
        self.left_open = sorted(left_open, key=lambda row: row.practice)
        recent = store.list_sessions(practice=None, limit=RECENT_LIMIT)
        self.rows = {row.id: row for row in recent}

        table = self.query_one("#sessions", SessionList)
        selected = self.selected_id()
        table.clear()
        interrupted_ids = {row.id for row in self.interrupted}
        width = client_width(self.app.size.width)
        # The list draws only the lines on screen: all the rows go in at once.
        table.add_rows((row.id, self._cells(row, row.id in interrupted_ids, now, width)) for row in recent)
        needing_attention = self.interrupted or self.left_open
        self._place_cursor(needing_attention[0].id if needing_attention else selected)

        today = sum(1 for row in recent if (row.started_at or row.created_at).astimezone().date() == now.date())
        shown = f"the {RECENT_LIMIT} most recent" if len(recent) >= RECENT_LIMIT else "all"
        heading = f"Today: {today} session{'s' if today != 1 else ''}" + (
            f"   ·   showing {shown} ({len(recent)})" if recent else ""
        )
        self.query_one("#home-heading", Static).update(Text(heading))
        self.query_one("#home-empty").set_class(bool(recent), "hidden")
        table.set_class(not recent, "hidden")
        self._show_off_screen()
        if recent:
            table.focus()
        self.refresh_bindings()

    @staticmethod
    def _cells(row: SessionRow, interrupted: bool, now: datetime, width: int) -> tuple[str, ...]:
        state = state_words(row)
        return (
            _when(row.started_at or row.created_at, now),
            _clip(row.client_name, width),
            "PRACTICE" if row.practice else str(row.series_number),
            _clip(row.preset, PRESET_WIDTH),
            f"⚠ {state}" if interrupted else state,
        )

    def _place_cursor(self, target: str | None) -> None:
        table = self.query_one("#sessions", SessionList)
        if target is not None and target in table.rows:
            table.move_cursor(row=table.get_row_index(target))

    def _show_off_screen(self) -> None:
        """The banner above the list, for sessions started, not closed and on no screen: an
        interrupted one (a warning), else an open one (a reminder: left on purpose, or written
        only from the command line)."""
        banner = self.query_one("#interrupted", Static)
        rows = self.interrupted or self.left_open
        if not rows:
            banner.add_class("hidden")
            return
        interrupted = bool(self.interrupted)
        row = rows[0]
        now = self.kap.clock.now().astimezone()
        where = state_words(row)
        kind = "practice session" if row.practice else f"session {row.series_number}"
        text = Text()
        text.append("⚠ INTERRUPTED SESSION:" if interrupted else "OPEN SESSION:", style="bold")
        text.append(f" {row.client_name}, {kind}, {row.preset}\n")
        last = _when(row.last_event_at, now)
        if interrupted:
            text.append(f"It stopped in {where}; the last entry was {last}. ")
        else:
            text.append(f"Open in {where}; the last entry was {last}. ")
        text.append("Press ")
        text.append(" i ", style="bold reverse")
        if row.practice:  # a rehearsal carries on from its last entry, on its own fast clock
            text.append(" to go back to it.")
        else:
            text.append(f" to {'resume' if interrupted else 'go back to'} it: the clocks show the true time since.")
        more = len(self.interrupted) - 1 if interrupted else 0
        if more:
            text.append(f"\n{more} more interrupted session{'s are' if more > 1 else ' is'} marked ⚠ in the list.")
        others = self.left_open if interrupted else self.left_open[1:]
        if others:
            text.append(
                f"\n{'Also open' if interrupted else 'Open too'}: "
                + ", ".join(other.client_name for other in others)
                + "."
            )
        banner.update(text)
        banner.set_class(not interrupted, "-left-open")
        banner.remove_class("hidden")

    def selected_id(self) -> str | None:
        if not self.rows:
            return None
        key = self.query_one("#sessions", SessionList).cursor_key
        return None if key is None else key.value

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "resume_interrupted":
            return bool(self.interrupted)
        if action == "resume_left_open":
            return bool(self.left_open) and not self.interrupted
        if action in ("resume", "preview"):
            return True if self.rows else None
        return True

    # -- keys ---------------------------------------------------------------------------------------
    def on_session_list_row_selected(self, event: SessionList.RowSelected) -> None:
        event.stop()
        self.action_resume()

    def action_resume_interrupted(self) -> None:
        if self.interrupted:
            self.kap.open_live(self.interrupted[0].id)

    def action_resume_left_open(self) -> None:
        if self.left_open:
            self.kap.open_live(self.left_open[0].id)

    def action_resume(self) -> None:
        session_id = self.selected_id()
        if session_id is None:
            self.notify("There is no session to open yet: press n to start one.", timeout=4)
            return
        self.kap.open_live(session_id)

    def action_new_session(self) -> None:
        from kapsession.tui.screens.new_session import NewSessionScreen

        def created(session_id: str | None) -> None:
            if session_id:
                self.kap.open_live(session_id)

        self.app.push_screen(NewSessionScreen(), created)

    def action_course(self) -> None:
        from kapsession.tui.screens.course_view import ClientPicker, CourseScreen

        selected = self.selected_id()
        preselect = None
        if selected is not None:
            from kapsession.store.clients import ClientBook

            preselect = ClientBook(self.kap.store).client_of_session(selected)

        def chosen(client_id: str | None) -> None:
            if client_id:
                self.app.push_screen(CourseScreen(client_id))

        self.app.push_screen(ClientPicker(preselect), chosen)

    def action_practice(self) -> None:
        from kapsession.tui.screens.practice import PracticePicker

        self.app.push_screen(PracticePicker())

    def action_preview(self) -> None:
        session_id = self.selected_id()
        if session_id is None:
            return
        row = self.rows[session_id]
        if not row.closed_at:
            self.notify(
                "The summary can be previewed once the session is closed (discharge checklist, x, on the live screen).",
                title="Not closed yet",
                timeout=6,
            )
            return
        if importlib.util.find_spec("kapsession.tui.screens.preview") is None:
            self.notify("The summary preview is not installed.", title="Summary", timeout=5)
            return
        from kapsession.tui.screens.preview import PreviewScreen

        log = self.kap.session_log(session_id)
        if log is not None:
            self.app.push_screen(PreviewScreen(log))

    def action_settings(self) -> None:
        self.kap.action_settings()

    def action_help(self) -> None:
        self.app.push_screen(HomeHelpScreen())

    def action_quit(self) -> None:
        self.app.exit(0)


HOME_HELP = """\
kapsession: the home screen

  i         resume the interrupted session, or go back to the one
            left open with q on the live screen (shown at the top)
  ↑ ↓       choose a session in the list (PgUp PgDn a screenful,
            Home End the first and the last)
  Enter, r  open the chosen session on the live screen
  n         new session: client, preset, weight, planned dose
  c         a client's course: sessions, PHQ-9 and GAD-7 over time,
            the course report and the client's progress page
  p         practice mode: rehearse a protocol on a fast clock
  v         preview the client summary of a closed session
  s         settings: names on the summary, paper, series length
  Ctrl+P    command palette: every key, the theme, the bell
  q         quit (nothing is lost: each entry is saved as it is made)

Practice sessions are marked PRACTICE; they never count in a series.
The list shows the 200 most recent sessions; `kapsession sessions`
lists them all.

Escape, q or ? closes this help."""


class HomeHelpScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape,q,question_mark", "close", "Close", id="help.close"),
    ]

    def compose(self) -> ComposeResult:
        yield Static(Text(HOME_HELP), id="help-text")

    def action_close(self) -> None:
        self.dismiss(None)
