"""PHQ-9 and GAD-7 on the live screen, the client's own answering in the client view, and the
safety check note that acknowledges a PHQ-9 item 9 above 0.

The therapist's form (`QuestionnaireDialog`, key `f` on the live screen): one digit per item
(0-3), so a whole PHQ-9 is `f`, nine digits and Enter. Backspace goes back one item; Tab switches
between PHQ-9 and GAD-7 before the first answer. Enter saves when every item is answered.

The client's form (`ClientQuestionnaire`, key `f` in the client view): large type, one item at a
time, the four answers with their digits, no score on screen until the last item is answered.

Each builds its event with the core command and saves it through `EntryDialog` (durable before the
dialog goes); nothing is recorded on Escape.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Middle, Vertical
from textual.events import Key
from textual.widgets import Input, Static

from kapsession.core import commands
from kapsession.core.events import QuestionnaireAnswered, SafetyCheckRecorded
from kapsession.core.questionnaires import Instrument, instrument
from kapsession.store.session_log import SessionLog
from kapsession.tui.screens.dialogs import ESCAPE_HINT, EntryDialog
from kapsession.tui.widgets.state_text import esc

QUESTIONNAIRE_CSS = "../questionnaire.tcss"


def first_instrument(log: SessionLog) -> str:
    """PHQ-9, or GAD-7 when a PHQ-9 was already taken in this session."""
    return "gad7" if log.state().latest_questionnaire("phq9") is not None else "phq9"


class AnswerKeys:
    """The answers typed so far for one form: a digit answers the next item, backspace goes back."""

    def __init__(self, name: str) -> None:
        self.form: Instrument = instrument(name)
        self.answers: list[int] = []

    @property
    def complete(self) -> bool:
        return len(self.answers) == len(self.form.items)

    @property
    def current(self) -> int:
        """The item being answered, from 0 (len(items) once complete)."""
        return len(self.answers)

    def key(self, key: str, character: str | None) -> bool:
        """Take one key; True if it was an answer key (a digit 0-3, or backspace)."""
        if character is not None and character in "0123" and len(character) == 1:
            if not self.complete:
                self.answers.append(int(character))
            return True
        if key == "backspace":
            if self.answers:
                self.answers.pop()
            return True
        return False

    def row(self) -> str:
        cells = [str(answer) for answer in self.answers] + ["\u00b7"] * (len(self.form.items) - len(self.answers))
        return " ".join(cells)


class QuestionnaireDialog(EntryDialog[QuestionnaireAnswered | None]):
    """The therapist reads each item and types the client's answer (see the module docstring)."""

    CSS_PATH = [EntryDialog.CSS_PATH, QUESTIONNAIRE_CSS]  # type: ignore[assignment]
    BINDINGS = [
        Binding("enter", "save", "Save", id="questionnaire.save", priority=True),
        Binding("tab", "switch", "PHQ-9 / GAD-7", id="questionnaire.switch", priority=True),
    ]

    def __init__(self, log: SessionLog, name: str | None = None, *, by_client: bool = False) -> None:
        super().__init__()
        self.session_log = log
        self.by_client = by_client
        self.entry = AnswerKeys(name or first_instrument(log))

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static("", id="q-stem", classes="help")
            yield Static("", id="q-item")
            yield Static("", id="q-answers", classes="choice")
            yield Static("", id="q-row")
            yield Static("", id="error", classes="error")
            yield Static(f"[b]0-3[/b] answers · [b]Backspace[/b] back · [b]Tab[/b] PHQ-9/GAD-7 · "
                         f"[b]Enter[/b] saves · {ESCAPE_HINT}", classes="hint")

    def on_mount(self) -> None:
        self.clear_error()
        self._show()

    def _show(self) -> None:
        entry = self.entry
        form = entry.form
        self.query_one("#dialog").border_title = f"{form.title} \u00b7 {form.long_title}"
        self.query_one("#q-stem", Static).update(esc(form.stem))
        if entry.complete:
            total = sum(entry.answers)
            flag = ""
            if form.safety_flagged(entry.answers):
                flag = f"\n[b $alert-alarm]ALERT[/] item {form.safety_item} above 0: a safety check follows"
            item = f"[b]Total {total} of {form.max_total}: {form.band(total).words}[/b]{flag}\nEnter saves."
        else:
            number = entry.current + 1
            item = f"[b]{number} of {len(form.items)}.[/b] {esc(form.items[entry.current])}"
        self.query_one("#q-item", Static).update(item)
        self.query_one("#q-answers", Static).update(
            "   ".join(f"[b]{value}[/b] {esc(words)}" for value, words in enumerate(form.answers)))
        self.query_one("#q-row", Static).update(f"answers: {entry.row()}")

    def on_key(self, event: Key) -> None:
        if self.entry.key(event.key, event.character):
            event.stop()
            event.prevent_default()
            self.clear_error()
            self._show()

    def action_switch(self) -> None:
        if self.entry.answers:
            self.show_error("Switch before the first answer (Backspace clears them), or save this one first.",
                            soft=True)
            return
        self.entry = AnswerKeys("gad7" if self.entry.form.name == "phq9" else "phq9")
        self._show()

    def build(self) -> QuestionnaireAnswered:
        left = len(self.entry.form.items) - len(self.entry.answers)
        if left:
            raise commands.InputError(f"{left} item{'s' if left != 1 else ''} still to answer "
                                      f"(item {self.entry.current + 1} is next)")
        return commands.answer_questionnaire(self.session_log.state(), self.entry.form.name, self.entry.answers,
                                             self.session_log.now(), by_client=self.by_client)


class ClientQuestionnaire(QuestionnaireDialog):
    """The client answers by themselves: large type, one item at a time, no score until the end;
    the last answer saves it (durable), and the thank-you page shows the total."""

    BINDINGS = [Binding("enter", "finish", "Done", id="client-questionnaire.done", priority=True)]

    def __init__(self, log: SessionLog, name: str | None = None) -> None:
        super().__init__(log, name, by_client=True)
        self.saved: QuestionnaireAnswered | None = None

    def compose(self) -> ComposeResult:
        with Middle(id="client-form"):
            with Center():
                with Vertical(id="dialog"):
                    yield Static("", id="q-stem")
                    yield Static("", id="q-item")
                    yield Static("", id="q-answers")
                    yield Static("", id="q-row")
                    yield Static("", id="error", classes="error")
                    yield Static("Press the number of your answer. Backspace goes back.", id="q-hint")

    def _show(self) -> None:
        entry = self.entry
        form = entry.form
        self.query_one("#dialog").border_title = form.title
        stem = self.query_one("#q-stem", Static)
        answers = self.query_one("#q-answers", Static)
        hint = self.query_one("#q-hint", Static)
        if self.saved is not None:
            total = sum(self.saved.answers)
            stem.update("Thank you.")
            self.query_one("#q-item", Static).update(
                f"Your answers are saved. Your total is {total} of {form.max_total}.\n\n"
                "Your therapist will talk it through with you.")
            answers.update("")
            self.query_one("#q-row", Static).update("")
            hint.update("Press Enter to go back.")
            return
        stem.update(esc(form.stem))
        self.query_one("#q-item", Static).update(
            f"{entry.current + 1} of {len(form.items)}\n\n[b]{esc(form.items[entry.current])}[/b]")
        answers.update("\n".join(f"  [b]{value}[/b]   {esc(words)}" for value, words in enumerate(form.answers)))
        self.query_one("#q-row", Static).update("")

    def on_key(self, event: Key) -> None:
        if self.saved is not None:
            return
        if self.entry.key(event.key, event.character):
            event.stop()
            event.prevent_default()
            if self.entry.complete:
                self._save_now()
            self._show()

    def _save_now(self) -> None:
        try:
            event = self.build()
            self.saved = self.session_log.record(event)  # type: ignore[assignment]
        except Exception as error:
            self.entry.answers.pop()
            self.show_error(f"Not saved ({error}); press your last answer again.")

    def action_switch(self) -> None:
        return None  # the therapist chose the form

    def action_finish(self) -> None:
        if self.saved is not None:
            self.dismiss(self.saved)


class SafetyCheckDialog(EntryDialog[SafetyCheckRecorded | None]):
    """Acknowledges a PHQ-9 item 9 alert with the safety check note (private unless ctrl+s)."""

    BINDINGS = [Binding("ctrl+s", "toggle_shareable", "Private / shareable", id="safety.shareable", priority=True)]

    def __init__(self, log: SessionLog, key: str, message: str) -> None:
        super().__init__()
        self.session_log = log
        self.key = key
        self.message = message
        self.shareable = False

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(f"[b $alert-alarm]ALERT[/] {esc(self.message)}", classes="help")
            yield Static("The safety check: what was asked, the client's answer, and the plan "
                         "(a crisis line given, who was told).", classes="help")
            yield Input(placeholder="the safety check note", id="safety-text")
            yield Static("", id="safety-visibility", classes="choice")
            yield Static("", id="error", classes="error")
            yield Static(f"[b]Enter[/b] saves and acknowledges · [b]ctrl+s[/b] private/shareable · {ESCAPE_HINT}",
                         classes="hint")

    def on_mount(self) -> None:
        self.query_one("#dialog").border_title = "Safety check"
        self.clear_error()
        self._show_visibility()

    def _show_visibility(self) -> None:
        words = ("[b $note-shareable]SHARE \u2713 shareable[/]" if self.shareable
                 else "[b $note-private]private[/]: stays in the clinical record only")
        self.query_one("#safety-visibility", Static).update(words)

    def action_toggle_shareable(self) -> None:
        self.shareable = not self.shareable
        self._show_visibility()

    def build(self) -> SafetyCheckRecorded:
        return commands.record_safety_check(self.session_log.state(), self.query_one("#safety-text", Input).value,
                                            self.session_log.now(), key=self.key, shareable=self.shareable)
