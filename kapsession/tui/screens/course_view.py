"""The course view (home, `c`: choose a client): every session in order with date, route, dose
mg and mg/kg, peak BP, adverse events and discharge; PHQ-9 and GAD-7 over time as a text chart
with the change from the first score and RESPONSE / REMISSION as words; the planned sessions.

Keys: `enter` opens the chosen session on the live screen, `n` plans the next one (the new
session form, this client filled in), `r` saves the course report for the prescriber as PDF,
`R` the client's progress page, `escape` goes back. The reports render in a thread and go to the
exports folder of the data directory (0600), like the client summary.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, OptionList, Static
from textual.widgets.option_list import Option

from kapsession.core.course import Course
from kapsession.core.questionnaires import INSTRUMENTS, instrument
from kapsession.core.text_rule import visible
from kapsession.tui.widgets.key_bar import KeyBar, hint_for

if TYPE_CHECKING:
    from kapsession.tui.app import KapsessionApp

COURSE_CSS = "../course.tcss"
ROUTE_SHORT = {"sublingual": "SL", "intramuscular": "IM", "intravenous": "IV", "intranasal": "IN"}


def _kap(screen: Screen[Any]) -> KapsessionApp:
    return screen.app  # type: ignore[return-value]


def sessions_words(count: int, newest: datetime | None) -> str:
    """A client's sessions in the client list: "no sessions yet", "1 session \u00b7 last 16 Mar
    2026", "5 sessions \u00b7 last 16 Mar 2026"."""
    if not count:
        return "no sessions yet"
    words = f"{count} session{'s' if count != 1 else ''}"
    return f"{words} \u00b7 last {newest.astimezone():%d %b %Y}" if newest else words


class ClientPicker(ModalScreen["str | None"]):
    """Choose a client (the most recently seen first); dismissed with the client's id."""

    CSS_PATH = COURSE_CSS
    BINDINGS = [Binding("escape", "cancel", "Back", id="clients.cancel")]

    def __init__(self, preselect: str | None = None) -> None:
        super().__init__()
        self.preselect = preselect

    def compose(self) -> ComposeResult:
        from kapsession.store.clients import ClientBook

        rows = ClientBook(_kap(self).store).rows()
        options = []
        for row, count, newest in rows:
            options.append(
                Option(
                    Content.assemble(
                        f"{visible(row.name)}  ", (f"{row.id} \u00b7 {sessions_words(count, newest)}", "$text-muted")
                    ),
                    id=row.id,
                )
            )
        with Vertical(id="picker"):
            yield Static("Choose a client", id="picker-title")
            if options:
                yield OptionList(*options, id="clients")
            else:
                yield Static(
                    "No clients yet: a client is added with their first session (n on the home screen) "
                    "or with `kapsession client add NAME`.",
                    id="picker-empty",
                )
            yield Static("[b]Enter[/b] opens the course \u00b7 [b]Escape[/b] back", id="picker-hint")

    def on_mount(self) -> None:
        lists = self.query(OptionList)
        if lists:
            options = lists.first()
            options.focus()
            if self.preselect:
                try:
                    options.highlighted = options.get_option_index(self.preselect)
                except Exception:
                    pass

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)


def change_words(course: Course) -> str:
    parts = []
    for name in INSTRUMENTS:
        change = course.change(name)
        if change is None:
            continue
        form = instrument(name)
        band = form.band(change.latest).words
        # A word with a tick, as the key bar marks a save: a reversed block of the body colour was
        # the brightest thing on a dim-room screen. The word says it; the colour only agrees.
        marks = "".join(f"  [b $text-success]\u2713 {word}[/]" for word in change.words)
        parts.append(f"[b]{form.title} [/]{change.figures()} {band}{marks}")
    return "\n".join(parts) or "[$text-muted]No PHQ-9 or GAD-7 yet.[/]"


SHORT_KINDS = {
    "blood pressure high": "BP high",
    "heart rate high": "HR high",
    "heart rate low": "HR low",
    "respiratory rate low": "RR low",
    "temperature high": "temp high",
}


def adverse_cell(kinds: list[str]) -> str:
    """`2: BP high, side effect` in at most 20 characters (the 80-column table)."""
    if not kinds:
        return "none"
    words = ", ".join(dict.fromkeys(SHORT_KINDS.get(kind, kind) for kind in kinds))
    cell = f"{len(kinds)}: {words}"
    return cell if len(cell) <= 20 else cell[:19] + "\u2026"


# The course view's keys, in the key bar in this order. The key bar wraps onto a second line at
# 80 columns, where Textual's Footer cut the last keys off; every key is also in the palette.
COURSE_KEYS: list[Binding] = [
    Binding("enter", "open_session", "Open session", id="course.open", priority=True),
    Binding(
        "n",
        "plan_next",
        "Plan next",
        id="course.plan",
        tooltip="A new session for this client (the form shows the previous dose, BP and scores)",
    ),
    Binding("r", "report", "Report", id="course.report", tooltip="The course report for the prescriber (PDF)"),
    Binding("R", "progress", "Client page", id="course.progress", tooltip="The client's progress page (PDF)"),
    Binding(
        "i",
        "calendar",
        "Calendar",
        id="course.calendar",
        tooltip="The next planned session as an .ics file for the client (practice name and time only)",
    ),
    Binding("escape", "back", "Back", id="course.back"),
]


class CourseScreen(Screen[None]):
    CSS_PATH = COURSE_CSS
    AUTO_FOCUS = "#sessions"
    BINDINGS = [*COURSE_KEYS]

    def __init__(self, client_id: str) -> None:
        super().__init__()
        self.client_id = client_id
        self.course: Course | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="course"):
            yield Static("", id="course-title")
            yield Static("", id="course-changes")
            yield Static("", id="course-chart")
            table: DataTable[str] = DataTable(id="sessions", cursor_type="row", zebra_stripes=False)
            yield table
            yield Static("", id="course-planned")
        yield KeyBar(id="course-keys")

    def on_mount(self) -> None:
        table = self.query_one("#sessions", DataTable)
        table.add_columns("Session", "Date", "Route", "Dose", "mg/kg", "Peak BP", "Adverse", "Left")
        self.query_one(KeyBar).show_keys([hint_for(binding) for binding in COURSE_KEYS])
        self.load()

    def on_screen_resume(self) -> None:
        if self.course is not None:
            self.load()  # back from a session or a new one: show what it added

    def on_resize(self) -> None:
        if self.course is not None:
            self._show_chart()

    def load(self) -> None:
        from kapsession.store.clients import ClientBook

        kap = _kap(self)
        self.course = ClientBook(kap.store).course(
            self.client_id, kap.clock.now(), library=kap.presets, default_planned=kap.settings.series_length
        )
        self._show()

    def _show(self) -> None:
        course = self.course
        assert course is not None
        client = course.client
        title = Content.assemble(
            (f"{visible(client.name)}  ", "b"), (f"{client.id} \u00b7 ", "$text-muted"), course.position
        )
        if course.open_safety:
            title = Content.assemble(
                title, "  ", ("ALERT", "b $alert-alarm"), " PHQ-9 item 9 between sessions: safety check due"
            )
        self.query_one("#course-title", Static).update(title)
        self.query_one("#course-changes", Static).update(change_words(course))
        self._show_chart()
        table = self.query_one("#sessions", DataTable)
        table.clear()
        for session in course.sessions:
            peak = session.peak_bp
            adverse = session.adverse_events
            table.add_row(
                session.label.replace("Session ", "S").replace(" of ", "/"),
                session.when.astimezone().strftime("%d %b"),
                ROUTE_SHORT.get(session.route, session.route),
                f"{session.dose_mg:g} mg" if session.dose_mg else "\u2013",
                f"{session.mg_per_kg:.2f}" if session.mg_per_kg else "\u2013",
                f"{peak[0]}/{peak[1]}" if peak else "\u2013",
                adverse_cell([event.kind for event in adverse]),
                session.discharged_at.astimezone().strftime("%H:%M") if session.discharged_at else "open",
                key=session.session_id,
            )
        if course.sessions:
            table.move_cursor(row=len(course.sessions) - 1)
        planned = [when.astimezone().strftime("%a %d %b %H:%M") for when in course.planned_next]
        next_words = f"Next: {course.next_label()}"
        self.query_one("#course-planned", Static).update(
            f"{next_words} \u00b7 planned: {', '.join(planned)}"
            if planned
            else f"{next_words} \u00b7 nothing planned yet (n plans it)"
        )

    def _show_chart(self) -> None:
        from kapsession.tui.widgets.score_chart import chart_text

        course = self.course
        assert course is not None
        width, height = self.app.size
        chart_height = 14 if height >= 34 else 10
        self.query_one("#course-chart", Static).update(chart_text(course, min(width - 2, 100), chart_height))

    # -- keys ---------------------------------------------------------------------------------------
    def _chosen(self) -> str | None:
        table = self.query_one("#sessions", DataTable)
        if not table.row_count:
            return None
        row_key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        return str(row_key.value)

    def action_open_session(self) -> None:
        session_id = self._chosen()
        if session_id is None:
            self.notify("No session yet: n plans the first one.", timeout=4)
            return
        _kap(self).open_live(session_id)

    def action_plan_next(self) -> None:
        from kapsession.tui.screens.new_session import NewSessionScreen

        def created(session_id: str | None) -> None:
            if session_id:
                _kap(self).open_live(session_id)

        self.app.push_screen(NewSessionScreen(client_id=self.client_id), created)

    def action_report(self) -> None:
        self._save("course")

    def action_progress(self) -> None:
        self._save("progress")

    @work(thread=True, exclusive=True, group="course-report")
    def _save(self, kind: str) -> None:
        from kapsession.course.export import course_bytes
        from kapsession.course.report import build_course_report, build_progress_page
        from kapsession.summary.files import default_export_path, write_export

        kap = _kap(self)
        course = self.course
        assert course is not None
        settings = kap.settings
        names: dict[str, Any] = {
            "therapist_name": settings.therapist_name,
            "practice_name": settings.practice_name,
            "paper": settings.paper,
        }
        document: Any = (
            build_progress_page(course, **names) if kind == "progress" else build_course_report(course, **names)
        )
        try:
            path = write_export(
                default_export_path(
                    kap.data_dir, course.client.id, course.now.astimezone().strftime("%Y-%m-%d"), kind, "pdf"
                ),
                course_bytes(document, "pdf"),
                make_folder=True,
            )
        except Exception as error:
            self.app.call_from_thread(self.notify, f"Not saved: {error}", severity="error", timeout=10)
            return
        what = "The client's progress page" if kind == "progress" else "The course report"
        self.app.call_from_thread(self.notify, f"{what} is saved: {path}", timeout=8)

    def action_calendar(self) -> None:
        from kapsession.course.calendar import appointment_ics
        from kapsession.summary.files import exports_dir, write_export

        course = self.course
        if course is None or not course.planned_next:
            self.notify(
                "No session is planned ahead: plan the course (`kapsession client plan`) or set the "
                "next session in the last one.",
                timeout=6,
            )
            return
        kap = _kap(self)
        when = course.planned_next[0]
        try:
            path = write_export(
                exports_dir(kap.data_dir) / f"{when.astimezone():%Y-%m-%d}-{course.client.id}-next.ics",
                appointment_ics(when, practice_name=kap.settings.practice_name),
                make_folder=True,
            )
        except Exception as error:
            self.notify(f"Not saved: {error}", severity="error", timeout=10)
            return
        self.notify(f"The next session's calendar file is saved: {path}", timeout=8)

    def action_back(self) -> None:
        self.dismiss(None)
