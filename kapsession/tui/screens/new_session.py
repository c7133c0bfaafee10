"""The new-session form: client, preset, weight, planned dose.

As the client's name (or id) is typed, the form finds the client (`client_for_new_session`: one
client of that name, a new client when none, several refused with their ids) and shows their
course: the session's place in it, the previous dose (mg and mg/kg), that session's peak BP and
adverse events, and the last PHQ-9 and GAD-7 (practice sessions never count). Enter checks every field with
`commands.open_session`, shows what is wrong next to the field (keeping what was typed), and
records nothing until all is valid; then it creates the session and dismisses with its id.
Escape backs out, recording nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, Label, Select, Static

from kapsession.core.text_rule import visible

if TYPE_CHECKING:
    from kapsession.core.protocol import Preset
    from kapsession.tui.app import KapsessionApp

FIELDS = ("client", "weight", "dose")


def preset_label(preset: Preset) -> str:
    return f"{preset.title} · {preset.route}, {preset.planned_total_minutes} min"


def _mg(value: float) -> str:
    return f"{value:g} mg"


class NewSessionScreen(ModalScreen["str | None"]):
    """Dismissed with the new session's id, or None when the therapist backs out."""

    BINDINGS = [
        Binding("escape", "cancel", "Back (nothing saved)", id="new.cancel"),
        Binding(
            "ctrl+s",
            "create",
            "Create",
            id="new.create",
            tooltip="Create the session and open it (Enter in any field does the same)",
        ),
    ]

    def __init__(self, client_id: str | None = None) -> None:
        super().__init__(id="new-session")
        self._preset_chosen_by_hand = False
        self._setting_preset = False
        self._prefill = client_id  # from the course view: this client's next session
        self._course_for: tuple[str | None, list[str]] = (None, [])

    @property
    def kap(self) -> KapsessionApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        library = self.kap.presets
        options = [
            (preset_label(p), name) for name, p in sorted(library.presets.items(), key=lambda item: item[1].title)
        ]
        with Vertical(id="new-session-form"):
            yield Static("New session", id="new-session-title")
            yield Label("Client (name, initials or id)", classes="field-label")
            yield Input(placeholder="e.g. A.B.", id="client", max_length=200, compact=True)
            yield Static(classes="field-error hidden", id="client-error")
            yield Static(self._history_text("", None, 1), id="series-info")
            yield Label("Preset", classes="field-label")
            yield Select(options, id="preset", allow_blank=False, prompt="Choose a preset", compact=True)
            yield Static(classes="field-error hidden", id="preset-error")
            with Horizontal(id="amounts"):
                with Vertical(classes="amount"):
                    yield Label("Weight, kg (optional)", classes="field-label")
                    yield Input(placeholder="e.g. 70", id="weight", max_length=12, compact=True)
                    yield Static(classes="field-error hidden", id="weight-error")
                with Vertical(classes="amount"):
                    yield Label("Planned dose, mg (optional)", classes="field-label")
                    yield Input(placeholder="e.g. 200", id="dose", max_length=12, compact=True)
                    yield Static(classes="field-error hidden", id="dose-error")
            yield Static(classes="field-error hidden", id="form-error")
            yield Static("Enter: create it and open it  ·  Escape: back out, nothing is saved", id="new-session-hint")
        yield Footer()

    def on_mount(self) -> None:
        if not self.kap.presets.presets:
            self._show_error(
                "preset",
                "No presets could be loaded, so no session can be started; `kapsession presets` shows the problem.",
            )
        client = self.query_one("#client", Input)
        client.focus()
        if self._prefill:
            # After the first refresh: the preset list has chosen its first option by then, and
            # the client's last preset replaces it.
            self.call_after_refresh(setattr, client, "value", self._prefill)

    # -- history as the name is typed ---------------------------------------------------------------
    @staticmethod
    def _history_text(name: str, last_dose: float | None, number: int) -> Text:
        text = Text()
        if not name.strip():
            text.append("The session number and last dose fill in from the client's history.", style="italic")
            return text
        text.append(f"Session {number}", style="bold")
        if number == 1:
            text.append(" · the first for this client (no earlier sessions found)")
        else:
            text.append(" in this client's series")
            text.append(" · last dose ")
            text.append(_mg(last_dose) if last_dose else "none recorded", style="bold")
        return text

    def _client(self, text: str):
        from kapsession.core.errors import KapsessionError
        from kapsession.course.command_line import client_for_new_session

        try:
            return client_for_new_session(self.kap.store, text)
        except KapsessionError as error:
            return str(error)

    def _course_lines(self, client_id: str) -> list[str]:
        """The client's course in a few lines (kept while the same client stays typed)."""
        if self._course_for[0] != client_id:
            from kapsession.course.report import previous_session_lines
            from kapsession.store.clients import ClientBook

            course = ClientBook(self.kap.store).course(
                client_id,
                self.kap.clock.now(),
                library=self.kap.presets,
                default_planned=self.kap.settings.series_length,
            )
            self._course_for = (client_id, previous_session_lines(course))
        return self._course_for[1]

    @on(Input.Changed, "#client")
    def _client_changed(self, event: Input.Changed) -> None:
        name = event.value.strip()
        client = self._client(name) if name else None
        info = self.query_one("#series-info", Static)
        if isinstance(client, str):
            info.update(Text(client))
            number, last_dose = 1, None
        elif client is not None and client.client_id is not None:
            info.update(Text("\n".join(self._course_lines(client.client_id))))
            number, last_dose = client.series_number, client.previous_dose_mg
        else:
            number, last_dose = 1, None
            info.update(self._history_text(name, last_dose, number))
        dose = self.query_one("#dose", Input)
        dose.placeholder = f"last: {last_dose:g}" if last_dose else "e.g. 200"
        if (
            name
            and number > 1
            and not self._preset_chosen_by_hand
            and client is not None
            and not isinstance(client, str)
        ):
            from kapsession.store.clients import ClientBook

            last_preset = ClientBook(self.kap.store).sessions(client.client_id)[-1].preset
            if last_preset in self.kap.presets.presets:
                self._setting_preset = True
                self.query_one("#preset", Select).value = last_preset
                self._setting_preset = False
        if not self.query_one("#client-error").has_class("hidden"):
            self._validate(only="client")

    @on(Select.Changed, "#preset")
    def _preset_changed(self, event: Select.Changed) -> None:
        if not self._setting_preset and self.is_mounted and self.query_one("#client", Input).value:
            self._preset_chosen_by_hand = True
        if not self.query_one("#dose-error").has_class("hidden"):
            self._validate(only="dose")

    @on(Input.Changed, "#weight, #dose")
    def _amount_changed(self, event: Input.Changed) -> None:
        field = event.input.id or ""
        if not self.query_one(f"#{field}-error").has_class("hidden"):
            self._validate(only=field)

    # -- validation ---------------------------------------------------------------------------------
    def _preset(self) -> Preset | None:
        value = self.query_one("#preset", Select).value
        if not isinstance(value, str):
            return None
        return self.kap.presets.presets.get(value)

    def _values(self) -> dict[str, str]:
        return {field: self.query_one(f"#{field}", Input).value for field in FIELDS}

    def _validate(self, only: str | None = None) -> dict[str, str]:
        """Check each field on its own with the core's own rules; show or clear its message."""
        from kapsession.core import commands

        preset = self._preset()
        if preset is None:
            self._show_error("preset", "Choose a preset.")
            return {"preset": "Choose a preset."}
        self._show_error("preset", None)
        values = self._values()
        now = self.kap.clock.now()
        checks = {
            "client": {"client_name": values["client"]},
            "weight": {"client_name": "x", "weight_kg": values["weight"].strip() or None},
            "dose": {"client_name": "x", "planned_dose_mg": values["dose"].strip() or None},
        }
        errors: dict[str, str] = {}
        for field, arguments in checks.items():
            if only and field != only:
                continue
            try:
                commands.open_session(preset=preset, now=now, **arguments)  # type: ignore[arg-type]
            except ValueError as error:  # InputError, or the event model's own limits
                errors[field] = _sentence(error)
            self._show_error(field, errors.get(field))
        return errors

    def _show_error(self, field: str, message: str | None) -> None:
        box = self.query_one(f"#{field}-error", Static)
        if message:
            box.update(Text(f"✗ {visible(message)}"))  # a sentence may quote what was typed
            box.remove_class("hidden")
        else:
            box.update("")
            box.add_class("hidden")

    # -- keys ---------------------------------------------------------------------------------------
    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_create()

    def action_create(self) -> None:
        from kapsession.core import commands
        from kapsession.core.errors import KapsessionError
        from kapsession.store.event_store import series_so_far

        errors = self._validate()
        if errors:
            first = next(field for field in ("client", "preset", "weight", "dose") if field in errors)
            if first != "preset":
                self.query_one(f"#{first}", Input).focus()
            return
        preset = self._preset()
        assert preset is not None
        values = self._values()
        store = self.kap.store
        client = self._client(values["client"])
        if isinstance(client, str):
            self._show_error("client", client)
            self.query_one("#client", Input).focus()
            return
        now = self.kap.clock.now()
        series_length = client.planned_sessions or self.kap.settings.series_length

        def opened(history: list) -> Any:  # the client's series, counted under the write lock
            number, last_dose = series_so_far(history)
            return commands.open_session(
                client_name=client.name,
                preset=preset,
                now=now,
                weight_kg=values["weight"].strip() or None,
                planned_dose_mg=values["dose"].strip() or None,
                series_number=number,
                previous_dose_mg=last_dose,
                series_length=series_length,
            )

        try:
            session_id, _ = store.create_session_checked(client.name, opened, client_id=client.client_id)
        except (KapsessionError, ValueError) as error:
            self._show_error("form", _sentence(error))
            return
        self.dismiss(session_id)

    def action_cancel(self) -> None:
        self.dismiss(None)


def _sentence(error: Exception) -> str:
    """An InputError's own sentence; for a model limit, the first problem in plain words."""
    errors = getattr(error, "errors", None)
    if callable(errors):
        try:
            first = errors()[0]
            where = ".".join(str(part) for part in first.get("loc", ()))
            return f"{where}: {first.get('msg', error)}" if where else str(first.get("msg", error))
        except Exception:
            pass
    text = str(error)
    return text[:1].upper() + text[1:]
