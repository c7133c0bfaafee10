"""A small settings form: the names on the client summary's header, the numbers it gives under
"when to call" (the practice's phone, a crisis line), paper size, series length, and the
initials stamped on every entry made on this computer.

Dismissed with the changed `Settings` (the app saves them), or None on Escape. The bell and the
theme are changed from the command palette ("Bell", "Theme").
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import ValidationError
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, Label, Select, Static

if TYPE_CHECKING:
    from kapsession.settings import Settings


# The settings fields typed on this form, and the input each is typed in.
FIELD_INPUTS = {
    "therapist_name": "therapist",
    "practice_name": "practice",
    "practice_phone": "practice-phone",
    "crisis_line": "crisis-line",
    "clinician": "clinician",
}


class SettingsScreen(ModalScreen["Settings | None"]):
    BINDINGS = [
        Binding("escape", "cancel", "Back (nothing saved)", id="settings.cancel"),
        Binding("ctrl+s", "save", "Save", id="settings.save"),
    ]

    def __init__(self, settings: Settings) -> None:
        super().__init__(id="settings")
        self.settings = settings

    def compose(self) -> ComposeResult:
        s = self.settings
        with Vertical(id="settings-form"):
            yield Static("Settings", id="settings-title")
            # Two fields a row at most: a row of three left each label 22 cells at 80 columns, and
            # the labels ran into each other. The initials sit beside the therapist's name (both
            # are about whoever uses this computer), in a column as wide as their label.
            with Horizontal(id="therapist-and-initials"):
                with Vertical(classes="amount"):
                    yield Label("Therapist's name (on the client summary)", classes="field-label")
                    yield Input(
                        s.therapist_name, placeholder="e.g. Dr. R. Moss", id="therapist", max_length=120, compact=True
                    )
                with Vertical(classes="amount", id="initials-column"):
                    yield Label("Your initials (on entries)", classes="field-label")
                    yield Input(s.clinician, placeholder="e.g. RM", id="clinician", max_length=8, compact=True)
            yield Static(classes="field-error hidden", id="therapist-error")
            yield Static(classes="field-error hidden", id="clinician-error")
            yield Label("Practice name (on the client summary)", classes="field-label")
            yield Input(
                s.practice_name, placeholder="e.g. Quiet Harbour Therapy", id="practice", max_length=120, compact=True
            )
            yield Static(classes="field-error hidden", id="practice-error")
            with Horizontal(id="series-and-paper"):
                with Vertical(classes="amount"):
                    yield Label("Sessions planned in a series", classes="field-label")
                    yield Input(str(s.series_length), id="series-length", max_length=3, compact=True)
                with Vertical(classes="amount"):
                    yield Label("Paper for printed summaries", classes="field-label")
                    yield Select(
                        [("A4", "a4"), ("US Letter", "letter")],
                        value=s.paper,
                        allow_blank=False,
                        id="paper",
                        compact=True,
                    )
            yield Static(classes="field-error hidden", id="series-length-error")
            # Side by side: the form keeps its note and hint on screen at 80x24.
            with Horizontal(id="call-numbers"):
                with Vertical(classes="amount"):
                    yield Label("Practice phone (when to call)", classes="field-label")
                    yield Input(
                        s.practice_phone,
                        placeholder="the number clients call",
                        id="practice-phone",
                        max_length=60,
                        compact=True,
                    )
                with Vertical(classes="amount"):
                    yield Label("Crisis line (name and number)", classes="field-label")
                    yield Input(
                        s.crisis_line,
                        placeholder="your region's crisis line",
                        id="crisis-line",
                        max_length=120,
                        compact=True,
                    )
            yield Static(classes="field-error hidden", id="practice-phone-error")
            yield Static(classes="field-error hidden", id="crisis-line-error")
            yield Static(
                f"Bell: {'on' if s.bell else 'off'} and theme: {s.theme} (change both from the "
                "command palette, Ctrl+P).",
                id="settings-note",
            )
            yield Static("Enter: save  ·  Escape: back out, nothing is saved", id="settings-hint")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#therapist", Input).focus()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()

    def action_save(self) -> None:
        from kapsession.settings import as_dict, parse_settings

        for box in self.query(".field-error"):
            box.add_class("hidden")
        length_text = self.query_one("#series-length", Input).value.strip()
        try:
            updated = parse_settings(
                {
                    **as_dict(self.settings),
                    "therapist_name": self.query_one("#therapist", Input).value.strip(),
                    "practice_name": self.query_one("#practice", Input).value.strip(),
                    "practice_phone": self.query_one("#practice-phone", Input).value.strip(),
                    "crisis_line": self.query_one("#crisis-line", Input).value.strip(),
                    "series_length": length_text,
                    "paper": self.query_one("#paper", Select).value,
                    "clinician": self.query_one("#clinician", Input).value.strip(),
                }
            )
        except ValidationError as error:
            field = str(error.errors(include_url=False)[0]["loc"][0])
            if field in FIELD_INPUTS:
                # A name that breaks the text rule: the rule's own sentence, under its field.
                self._show_error(FIELD_INPUTS[field], str(error.errors()[0]["msg"]).removeprefix("Value error, "))
            else:
                self._show_error("series-length", f"'{length_text}' is not a number of sessions: accepted 1-50")
            return
        self.dismiss(updated)

    def _show_error(self, input_id: str, sentence: str) -> None:
        error_box = self.query_one(f"#{input_id}-error", Static)
        error_box.update(Text(f"✗ {sentence}"))
        error_box.remove_class("hidden")
        self.query_one(f"#{input_id}", Input).focus()

    def action_cancel(self) -> None:
        self.dismiss(None)
