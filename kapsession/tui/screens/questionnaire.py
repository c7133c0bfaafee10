"""PHQ-9 and GAD-7 on the live screen, the client's own answering in the client view, and the
safety check note that acknowledges a PHQ-9 item 9 above 0.

The therapist's form (`QuestionnaireDialog`, key `f` on the live screen): one digit per item
(0-3), so a whole PHQ-9 is `f`, nine digits and Enter. Backspace goes back one item; Tab switches
between PHQ-9 and GAD-7 before the first answer. Enter saves when every item is answered.

The client's form (`ClientQuestionnaire`, key `f` in the client view): large type, one item at a
time, the four answers with their digits, no score on screen until the last item is answered.

The therapist's form and the safety check dismiss with a typed entry (`dialog_entries`), which
the live screen's recorder records; the client's form records its answers through the client
view's recorder as the last one is pressed (its thank-you page follows the save). Nothing is
recorded on Escape.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Middle, Vertical
from textual.content import Content
from textual.events import Key
from textual.widgets import Input, Static

from kapsession.core.events import QuestionnaireAnswered
from kapsession.core.questionnaires import Instrument, instrument
from kapsession.core.text_rule import visible
from kapsession.store.session_log import SessionLog
from kapsession.tui.dialog_entries import QuestionnaireEntry, SafetyCheckEntry
from kapsession.tui.recorder import Recorder
from kapsession.tui.screens.dialogs import ESCAPE_HINT, EntryDialog

QUESTIONNAIRE_CSS = "../questionnaire.tcss"


def first_instrument(log: SessionLog) -> str:
    """PHQ-9, or GAD-7 when a PHQ-9 was already taken in this session."""
    return "gad7" if log.state().latest_questionnaire("phq9") is not None else "phq9"


class AnswerKeys:
    """The answers typed so far for one form: a digit answers the next item, backspace goes back."""

    def __init__(self, name: str, answers: tuple[int, ...] = ()) -> None:
        self.form: Instrument = instrument(name)
        self.answers: list[int] = list(answers)

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


def _answer_words(form: Instrument) -> Content:
    """`0 Not at all   1 Several days   ...`: each answer with its digit."""
    return Content("   ").join(
        Content.assemble((str(value), "b"), f" {visible(words)}") for value, words in enumerate(form.answers)
    )


class QuestionnaireDialog(EntryDialog[QuestionnaireEntry]):
    """The therapist reads each item and types the client's answer (see the module docstring)."""

    CSS_PATH = [EntryDialog.CSS_PATH, QUESTIONNAIRE_CSS]  # type: ignore[assignment]
    BINDINGS = [
        Binding("enter", "save", "Save", id="questionnaire.save", priority=True),
        Binding("tab", "switch", "PHQ-9 / GAD-7", id="questionnaire.switch", priority=True),
    ]

    def __init__(
        self,
        log: SessionLog,
        name: str | None = None,
        *,
        by_client: bool = False,
        entry: QuestionnaireEntry | None = None,
        problem: str | None = None,
    ) -> None:
        super().__init__(log, problem)
        self.by_client = by_client
        self.answering = (
            AnswerKeys(entry.instrument, entry.answers) if entry else AnswerKeys(name or first_instrument(log))
        )

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static("", id="q-stem", classes="help")
            yield Static("", id="q-item")
            yield Static("", id="q-answers", classes="choice")
            yield Static("", id="q-row")
            yield Static("", id="error", classes="error")
            yield Static(
                f"[b]0-3[/b] answers · [b]Backspace[/b] back · [b]Tab[/b] PHQ-9/GAD-7 · "
                f"[b]Enter[/b] saves · {ESCAPE_HINT}",
                classes="hint",
            )

    def on_mount(self) -> None:
        self._show()

    def _show(self) -> None:
        answering = self.answering
        form = answering.form
        self.query_one("#dialog").border_title = f"{form.title} \u00b7 {form.long_title}"
        self.query_one("#q-stem", Static).update(Content(visible(form.stem)))
        if answering.complete:
            total = sum(answering.answers)
            item = Content.styled(f"Total {total} of {form.max_total}: {form.band(total).words}", "b")
            if form.safety_flagged(answering.answers):
                item = Content.assemble(
                    item, "\n", ("ALERT", "b $alert-alarm"), f" item {form.safety_item} above 0: a safety check follows"
                )
            item = Content.assemble(item, "\nEnter saves.")
        else:
            number = answering.current + 1
            item = Content.assemble(
                (f"{number} of {len(form.items)}.", "b"), f" {visible(form.items[answering.current])}"
            )
        self.query_one("#q-item", Static).update(item)
        self.query_one("#q-answers", Static).update(_answer_words(form))
        self.query_one("#q-row", Static).update(Content(f"answers: {answering.row()}"))

    def on_key(self, event: Key) -> None:
        if self.answering.key(event.key, event.character):
            event.stop()
            event.prevent_default()
            self.clear_error()
            self._show()

    def action_switch(self) -> None:
        if self.answering.answers:
            self.show_error(
                "Switch before the first answer (Backspace clears them), or save this one first.", soft=True
            )
            return
        self.answering = AnswerKeys("gad7" if self.answering.form.name == "phq9" else "phq9")
        self._show()

    def entry(self) -> QuestionnaireEntry:
        return QuestionnaireEntry(self.answering.form.name, tuple(self.answering.answers), self.by_client)


class ClientQuestionnaire(QuestionnaireDialog):
    """The client answers by themselves: large type, one item at a time, no score until the end;
    the last answer saves it (durable, through `recorder`), and the thank-you page shows the
    total."""

    BINDINGS = [Binding("enter", "finish", "Done", id="client-questionnaire.done", priority=True)]

    def __init__(self, log: SessionLog, recorder: Recorder, name: str | None = None) -> None:
        super().__init__(log, name, by_client=True)
        self.recorder = recorder
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
        answering = self.answering
        form = answering.form
        self.query_one("#dialog").border_title = form.title
        stem = self.query_one("#q-stem", Static)
        answers = self.query_one("#q-answers", Static)
        hint = self.query_one("#q-hint", Static)
        if self.saved is not None:
            total = sum(self.saved.answers)
            stem.update("Thank you.")
            self.query_one("#q-item", Static).update(
                f"Your answers are saved. Your total is {total} of {form.max_total}.\n\n"
                "Your therapist will talk it through with you."
            )
            answers.update("")
            self.query_one("#q-row", Static).update("")
            hint.update("Press Enter to go back.")
            return
        stem.update(Content(visible(form.stem)))
        self.query_one("#q-item", Static).update(
            Content.assemble(
                f"{answering.current + 1} of {len(form.items)}\n\n", (visible(form.items[answering.current]), "b")
            )
        )
        answers.update(
            Content("\n").join(
                Content.assemble("  ", (str(value), "b"), f"   {visible(words)}")
                for value, words in enumerate(form.answers)
            )
        )
        self.query_one("#q-row", Static).update("")

    def on_key(self, event: Key) -> None:
        if self.saved is not None:
            return
        if self.answering.key(event.key, event.character):
            event.stop()
            event.prevent_default()
            if self.answering.complete:
                self._save_now()
            self._show()

    def _save_now(self) -> None:
        outcome = self.recorder.record(self.entry().command, tell_problem=False)
        if outcome.problem is not None:
            self.answering.answers.pop()
            self.show_error(f"{outcome.problem} Press your last answer again.")
            return
        self.saved = outcome.events[0]  # type: ignore[assignment]

    def action_switch(self) -> None:
        return None  # the therapist chose the form

    def action_finish(self) -> None:
        if self.saved is not None:
            self.dismiss(self.saved)  # type: ignore[arg-type]


class SafetyCheckDialog(EntryDialog[SafetyCheckEntry]):
    """Acknowledges a PHQ-9 item 9 alert with the safety check note (private unless ctrl+s)."""

    BINDINGS = [Binding("ctrl+s", "toggle_shareable", "Private / shareable", id="safety.shareable", priority=True)]

    def __init__(
        self,
        log: SessionLog,
        key: str,
        message: str,
        *,
        entry: SafetyCheckEntry | None = None,
        problem: str | None = None,
    ) -> None:
        super().__init__(log, problem)
        self.key = key
        self.message = message
        self.shareable = entry.shareable if entry else False
        self.typed = entry.text if entry else ""

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(Content.assemble(("ALERT", "b $alert-alarm"), f" {visible(self.message)}"), classes="help")
            yield Static(
                "The safety check: what was asked, the client's answer, and the plan "
                "(a crisis line given, who was told).",
                classes="help",
            )
            yield Input(self.typed, placeholder="the safety check note", id="safety-text")
            yield Static("", id="safety-visibility", classes="choice")
            yield Static("", id="error", classes="error")
            yield Static(
                f"[b]Enter[/b] saves and acknowledges · [b]ctrl+s[/b] private/shareable · {ESCAPE_HINT}", classes="hint"
            )

    def on_mount(self) -> None:
        self.query_one("#dialog").border_title = "Safety check"
        self._show_visibility()

    def _show_visibility(self) -> None:
        words = (
            Content.styled("SHARE \u2713 shareable", "b $note-shareable")
            if self.shareable
            else Content.assemble(("private", "b $note-private"), ": stays in the clinical record only")
        )
        self.query_one("#safety-visibility", Static).update(words)

    def action_toggle_shareable(self) -> None:
        self.shareable = not self.shareable
        self._show_visibility()

    def entry(self) -> SafetyCheckEntry:
        return SafetyCheckEntry(self.key, self.query_one("#safety-text", Input).value, self.shareable)
