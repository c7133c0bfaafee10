"""The summary preview: exactly what the client will take home, and the last chance to choose.

`PreviewScreen(log)` shows the client summary as it will print (the same `ClientSummary` every
format is rendered from, shown as its Markdown) beside the list of every note of the session.
Each note can be made shareable or private right here: the toggle is an event
(`commands.set_note_visibility`, made durable by `log.record`), and the preview is rebuilt from
the store. A second toggle adds the clinical figures (vitals and dose). Export keys write a PDF,
HTML or Markdown file to the exports folder of the data directory (mode 0600), or send the PDF to
the printer; rendering, writing and printing run in a thread worker and report back with a
notification, so the screen never freezes.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Markdown, OptionList, Static
from textual.widgets.option_list import Option

from kapsession.core import commands
from kapsession.core.errors import KapsessionError
from kapsession.core.state import NoteView, SessionState
from kapsession.core.text_rule import visible
from kapsession.core.timeline import addendum_written
from kapsession.core.timeparse import format_local
from kapsession.store.session_log import SessionLog
from kapsession.summary.markdown import render_markdown
from kapsession.summary.model import ClientSummary, build_summary
from kapsession.tui.key_commands import KeyCommands
from kapsession.tui.recorder import Recorder, Severity
from kapsession.tui.widgets.key_bar import KeyBar, hint_for, key_label

PREVIEW_KEYS: list[tuple[Binding, str]] = [
    (
        Binding("space", "toggle_note", "Share/unshare", id="preview.toggle_note"),
        "make the highlighted note shareable or private (recorded as an event)",
    ),
    (
        Binding("c", "toggle_clinical", "Clinical figures", id="preview.toggle_clinical"),
        "include or leave out the vitals and dose figures (a small chart and table)",
    ),
    (Binding("p", "export('pdf')", "PDF", id="preview.export_pdf"), "save the summary as a PDF in the exports folder"),
    (
        Binding("h", "export('html')", "HTML", id="preview.export_html"),
        "save the summary as one HTML file (prints on A4 or Letter)",
    ),
    (
        Binding("m", "export('md')", "Markdown", id="preview.export_md"),
        "save the summary as Markdown, for email or a client portal",
    ),
    (Binding("P", "print_summary", "Print", id="preview.print"), "send the summary PDF to the printer (lp)"),
    (
        Binding("R", "export_record", "Record", id="preview.export_record"),
        "save the therapist's clinical record (all notes, private included) as a PDF",
    ),
    (
        Binding("N", "next_session", "Next session", id="preview.next_session"),
        "set the next session's date and time (printed on the summary), e.g. 'in 2 weeks at 10:00'",
    ),
    (Binding("escape", "back", "Back", id="preview.back"), "leave the preview"),
]


class PreviewCommands(KeyCommands):
    """Every preview key is also a command in the palette (ctrl+p)."""

    def _commands(self) -> Iterable[tuple[str, str, Any]]:
        screen = self.screen
        if not isinstance(screen, PreviewScreen):
            return
        for binding, detail in PREVIEW_KEYS:
            title = f"Summary: {binding.description} ({key_label(binding.key)})"
            yield title, detail, partial(screen.run_action, binding.action)


def note_prompt(note: NoteView, width: int = 60, addendum_at: datetime | None = None) -> Content:
    """One line per note: its mark (a word and a symbol, never colour alone), time and text; a
    note written after the close says so, with the time it was written."""
    first = " ".join(note.text.split())
    if len(first) > width:
        first = first[: width - 1] + "\u2026"
    if note.kind == "client-words":
        first = f"\u201c{first}\u201d"
    mark = (
        Content.styled("\u2713 shared ", "b $note-shareable")
        if note.shareable
        else Content.styled("\u00b7 private", "$note-private")
    )
    addendum = (
        Content.assemble(("addendum", "b"), (f" written {format_local(addendum_at)}  ", "$text-muted"))
        if addendum_at is not None
        else ""
    )
    return Content.assemble(mark, "  ", (format_local(note.at), "$text-muted"), "  ", addendum, visible(first))


def included_line(summary: ClientSummary, state: SessionState) -> str:
    shared, total = len(summary.notes), len(state.notes)
    figures = "with" if summary.clinical is not None else "without"
    if summary.nothing_personal:
        first = "Nothing personal is included: no note is marked shareable" + (
            f" (space on a note shares it; {total} written)." if total else "."
        )
    else:
        first = f"{shared} of {total} notes shared."
    missing = summary.missing_numbers()
    numbers = (
        f"  \u26a0 Not set: {' and '.join(missing)} (printed under \u201cwhen to call\u201d; add in Settings)."
        if missing
        else ""
    )
    return f"{first}  Printed {figures} clinical figures (c).{numbers}"


class PreviewScreen(Screen[None]):
    CSS_PATH = "../preview.tcss"
    COMMANDS = {PreviewCommands}
    BINDINGS = [binding for binding, _ in PREVIEW_KEYS]

    include_clinical: reactive[bool] = reactive(False, init=False)

    def __init__(self, log: SessionLog, *, exports_dir: Path | None = None) -> None:
        super().__init__()
        self.session_log = log
        self._exports_dir = exports_dir
        self.summary: ClientSummary | None = None
        self.state: SessionState | None = None
        self.markdown_text = ""
        self.exports: list[Path] = []  # what this screen wrote (tests and the status line read it)
        self.recorder = Recorder(log, show=lambda _events: self.rebuild(), tell=self._tell)

    # -- layout -------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Static("", id="preview-title")
        yield Static("", id="preview-included")
        with Horizontal(id="preview-body"):
            with VerticalScroll(id="preview-page"):
                yield Markdown("", id="preview-markdown")
            with Vertical(id="preview-side"):
                yield Static("Notes \u2014 space shares or keeps private", id="preview-notes-title")
                yield OptionList(id="preview-notes")
                yield Static("", id="preview-notes-empty")
        yield KeyBar(id="preview-keys")

    def on_mount(self) -> None:
        self.query_one(KeyBar).show_keys([hint_for(binding) for binding, _ in PREVIEW_KEYS])
        self.rebuild()
        if self.state is not None and self.state.notes:
            self.query_one("#preview-notes", OptionList).focus()
        else:
            self.query_one("#preview-page", VerticalScroll).focus()

    # -- things the screen needs -----------------------------------------------------------------
    def _settings(self) -> Any:
        settings = getattr(self.app, "settings", None)
        if settings is not None and hasattr(settings, "therapist_name") and hasattr(settings, "paper"):
            return settings
        from kapsession.settings import load_settings

        return load_settings()

    def exports_folder(self) -> Path:
        if self._exports_dir is not None:
            return self._exports_dir
        from kapsession.summary.files import exports_dir

        return exports_dir(self.session_log.store.data_dir)

    # -- building the preview -----------------------------------------------------------------------
    def rebuild(self) -> None:
        log = self.session_log
        try:
            if log.has_news():
                log.refresh()
        except Exception:
            pass
        state = log.state()
        settings = self._settings()
        summary = build_summary(
            state,
            therapist_name=settings.therapist_name,
            practice_name=settings.practice_name,
            include_clinical_figures=self.include_clinical,
            paper=settings.paper,
            practice_phone=getattr(settings, "practice_phone", ""),
            crisis_line=getattr(settings, "crisis_line", ""),
        )
        self.state, self.summary = state, summary
        self.markdown_text = render_markdown(summary)
        self.query_one("#preview-markdown", Markdown).update(self.markdown_text)
        closed = f"closed {format_local(state.closed_at)}" if state.closed_at else "not closed yet"
        self.query_one("#preview-title", Static).update(
            Text.assemble(
                ("Client summary", "bold"),
                f"  {summary.client_name} \u00b7 {summary.session_label} \u00b7 {summary.date} \u00b7 {closed}",
            )
        )
        included = self.query_one("#preview-included", Static)
        included.update(included_line(summary, state))
        included.set_class(summary.nothing_personal, "-nothing-personal")
        self._fill_notes(state)

    def _fill_notes(self, state: SessionState) -> None:
        notes = self.query_one("#preview-notes", OptionList)
        highlighted = notes.highlighted
        notes.clear_options()
        close_seq = state.closing.seq if state.closing is not None else None
        written = {event.seq: addendum_written(event, close_seq) for event in state.events}
        notes.add_options(
            [
                Option(note_prompt(note, addendum_at=written.get(note.seq)), id=str(note.seq))
                for note in state.notes
                if note.seq is not None
            ]
        )
        empty = self.query_one("#preview-notes-empty", Static)
        empty.update("" if state.notes else "No notes were written in this session.")
        empty.display = not state.notes
        notes.display = bool(state.notes)
        if state.notes:
            notes.highlighted = min(highlighted or 0, len(state.notes) - 1)

    def watch_include_clinical(self, _value: bool) -> None:
        self.rebuild()

    # -- toggles ---------------------------------------------------------------------------------------
    def highlighted_note(self) -> NoteView | None:
        notes = self.query_one("#preview-notes", OptionList)
        if notes.highlighted is None or self.state is None:
            return None
        option = notes.get_option_at_index(notes.highlighted)
        return next((note for note in self.state.notes if str(note.seq) == option.id), None)

    def action_toggle_note(self) -> None:
        note = self.highlighted_note()
        if note is None or note.seq is None:
            self.notify("There is no note to share.", timeout=3)
            return
        now = "shareable: it will be printed" if not note.shareable else "private: it will not be printed"
        self.recorder.record(
            lambda state, at: commands.set_note_visibility(state, note.seq, not note.shareable, at),  # type: ignore[arg-type]
            saved=f"Note at {format_local(note.at)} is now {now}.",
        )

    def _tell(self, sentence: str, severity: Severity) -> None:
        self.notify(sentence, severity=severity, timeout=3 if severity == "information" else 10, markup=False)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_toggle_note()

    def action_toggle_clinical(self) -> None:
        self.include_clinical = not self.include_clinical
        self.notify(
            "Clinical figures will be printed." if self.include_clinical else "Clinical figures left out.", timeout=3
        )

    def action_next_session(self) -> None:
        from kapsession.tui.screens.next_session_dialog import NextSessionDialog, next_session_saved

        def answered(entry: Any) -> None:
            if entry is None:
                return
            outcome = self.recorder.record(entry.command, saved=next_session_saved, tell_problem=False)
            if not outcome.saved:
                self.app.push_screen(
                    NextSessionDialog(self.session_log, entry=entry, problem=outcome.problem), answered
                )

        self.app.push_screen(NextSessionDialog(self.session_log), answered)

    def action_back(self) -> None:
        self.dismiss(None)

    # -- exports (in a thread) ---------------------------------------------------------------------------
    def _target(self, kind: str, fmt: str) -> Path:
        from kapsession.summary.export import session_day

        assert self.state is not None
        day = session_day(self.state)
        return self.exports_folder() / f"{day}-{self.session_log.session_id}-{kind}.{fmt}"

    def action_export(self, fmt: str) -> None:
        if self.summary is None:
            return
        self.notify(f"Saving the summary as {fmt.upper()}\u2026", timeout=2)
        self.run_export(self.summary, fmt, self._target("summary", fmt))

    def action_export_record(self) -> None:
        if self.state is None:
            return
        from kapsession.summary.record import build_record, client_record_of

        settings = self._settings()
        record = build_record(
            self.state,
            self.session_log.session_id,
            therapist_name=settings.therapist_name,
            practice_name=settings.practice_name,
            practice_phone=getattr(settings, "practice_phone", ""),
            paper=settings.paper,
            client_record=client_record_of(self.session_log.store, self.session_log.session_id),
        )
        self.notify("Saving the clinical record as PDF\u2026", timeout=2)
        self.run_export(record, "pdf", self._target("record", "pdf"), record=True)

    def action_print_summary(self) -> None:
        if self.summary is None:
            return
        self.run_print(self.summary)

    @work(thread=True, group="preview-export")
    def run_export(self, document: Any, fmt: str, target: Path, record: bool = False) -> None:
        from kapsession.summary.export import record_bytes, summary_bytes
        from kapsession.summary.files import write_export

        what = "Clinical record" if record else "Summary"
        try:
            data = record_bytes(document, fmt) if record else summary_bytes(document, fmt)
            write_export(target, data, make_folder=True)
        except KapsessionError as error:
            self.app.call_from_thread(self._report, f"{what} not saved: {error}.", True)
            return
        except Exception as error:
            self.app.call_from_thread(self._report, f"{what} not saved: {type(error).__name__}: {error}.", True)
            return
        self.exports.append(target)
        personal = (
            "" if record or not getattr(document, "nothing_personal", False) else " Nothing personal is included."
        )
        self.app.call_from_thread(self._report, f"{what} saved: {target}.{personal}", False)

    @work(thread=True, group="preview-export")
    def run_print(self, summary: ClientSummary) -> None:
        from kapsession.summary.export import summary_bytes
        from kapsession.summary.files import PrintError, send_to_printer

        try:
            answer = send_to_printer(summary_bytes(summary, "pdf"), title="kapsession summary")
        except (PrintError, KapsessionError) as error:
            message = f"Not printed: {error}."
            if "no printer command" in str(error):
                message += " Save a PDF with p and print it from there."
            self.app.call_from_thread(self._report, message, True)
            return
        self.app.call_from_thread(self._report, f"Sent to the printer ({answer}).", False)

    def _report(self, message: str, problem: bool) -> None:
        self.notify(
            message,
            title="Summary",
            severity="error" if problem else "information",
            timeout=10 if problem else 8,
            markup=False,
        )
