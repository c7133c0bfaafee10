"""The intake on the live screen (`t`): the preset's intake checklist and the screening questions,
ticked and answered with keys, as the discharge checklist is.

The checklist: Space or the item's number ticks. The screening: `y` or `n` answers the highlighted
yes/no question (and moves to the next); a number of hours or medicines taken today is typed in the
answer line under the list (Tab, or any other key on such a question, goes there; Enter puts it
beside the question). Enter saves what changed; Escape leaves without saving. Dismisses with an
`IntakeEntry` (nothing is recorded here: the live screen's recorder records it).
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.events import Key
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option
from textual.widgets.selection_list import Selection

from kapsession.core.errors import InputError
from kapsession.core.intake import baseline_reading, names_baseline
from kapsession.core.screening import ScreeningQuestion, accepted, is_stop, parse_answer
from kapsession.core.text_rule import visible
from kapsession.core.timeparse import format_local
from kapsession.store.session_log import SessionLog
from kapsession.tui.dialog_entries import IntakeEntry
from kapsession.tui.screens.dialogs import ESCAPE_HINT, Dialog
from kapsession.tui.widgets.tick_list import TickList, tick_mark


def question_line(number: int, question: ScreeningQuestion, answer: str) -> Content:
    """`✓ 4. Pregnant, or could be?  no`, with `STOP` after an answer that means stop and decide."""
    if not answer:
        return Content.assemble(f" {tick_mark(False)}  {number}. {question.text}  ", ("not answered", "$text-muted"))
    stop = is_stop(question, answer)
    return Content.assemble(
        f" {tick_mark(True)}  {number}. {question.text}  ",
        (visible(answer), "b"),
        ("  STOP and decide", "b $alert-warning") if stop else "",
    )


class IntakeDialog(Dialog["IntakeEntry | None"]):
    """The intake checklist and the screening questions (see the module's docstring)."""

    BINDINGS = [Binding("enter", "enter", "Save", id="intake.save", priority=True)]

    def __init__(self, log: SessionLog, *, entry: IntakeEntry | None = None, problem: str | None = None) -> None:
        super().__init__()
        self.session_log = log
        self.items = list(log.preset.intake_checklist)
        self.questions = list(log.preset.screening_questions)
        self.filled = entry
        self.problem = problem
        state = log.state()
        recorded = {key: answered.answer for key, answered in state.screening.items()}
        self._redirected = False  # a key on the list has started the answer line
        self.answers: dict[str, str] = {**recorded, **dict(entry.answers)} if entry else recorded

    def compose(self) -> ComposeResult:
        state = self.session_log.state()
        ticked = self.filled.ticked if self.filled else {item for item in self.items if state.intake_ticked.get(item)}
        baseline = baseline_reading(state)
        with Vertical(id="dialog", classes="wide"):
            yield Static(Content.styled("Intake checklist", "b"), classes="section")
            yield TickList[str](
                *(
                    Selection(self._item_text(n, item, baseline is not None), item, item in ticked)
                    for n, item in enumerate(self.items, start=1)
                ),
                id="intake-items",
                compact=True,
            )
            baseline_words = (
                f"Baseline vitals: {tick_mark(True)} taken at {format_local(baseline.at)} ({baseline.reading.describe()})"
                if baseline is not None
                else f"Baseline vitals: {tick_mark(False)} not taken yet (v on the live screen)"
            )
            yield Static(Content.styled(baseline_words, "$text-muted"), id="baseline", classes="help")
            yield Static(Content.styled("Screening", "b"), classes="section")
            yield OptionList(
                *(
                    Option(question_line(n, question, self.answers.get(question.key, "")), id=question.key)
                    for n, question in enumerate(self.questions, start=1)
                ),
                id="screening",
                compact=True,
            )
            with Horizontal(classes="field"):
                yield Label("Answer", classes="field-label")
                yield Input("", id="answer", max_length=500, compact=True)
            yield Static("", id="error", classes="error")
            yield Static(
                f"[b]Space[/b] or [b]1-{len(self.items)}[/b] ticks · [b]Tab[/b] screening: [b]y[/b]/[b]n[/b] "
                "answers, hours and medicines in the answer line · [b]Enter[/b] saves · " + ESCAPE_HINT,
                classes="hint",
            )

    @staticmethod
    def _item_text(number: int, item: str, baseline: bool) -> str:
        return f"{number}. {item}" + (" (the baseline reading counts)" if baseline and names_baseline(item) else "")

    def on_mount(self) -> None:
        self.query_one("#dialog").border_title = "Intake and screening"
        self.query_one("#intake-items").focus()
        self.show_error(self.problem or "")
        screening = self.query_one("#screening", OptionList)
        screening.highlighted = next(
            (n for n, question in enumerate(self.questions) if question.key not in self.answers), 0
        )

    # -- what would be recorded -----------------------------------------------------------------
    def entry(self) -> IntakeEntry:
        return IntakeEntry(
            frozenset(self.query_one("#intake-items", TickList).selected),
            tuple((key, answer) for key, answer in self.answers.items() if answer),
        )

    def _highlighted_question(self) -> tuple[int, ScreeningQuestion] | None:
        index = self.query_one("#screening", OptionList).highlighted
        return (index, self.questions[index]) if index is not None and index < len(self.questions) else None

    def _set_answer(self, index: int, question: ScreeningQuestion, typed: str) -> bool:
        """Put an answer beside the question (checked with the core's rule); False with the sentence."""
        try:
            answer = parse_answer(question, typed)
        except InputError as error:
            self.show_error(str(error))
            return False
        self.clear_error()
        self.answers[question.key] = answer
        screening = self.query_one("#screening", OptionList)
        screening.replace_option_prompt_at_index(index, question_line(index + 1, question, answer))
        if index + 1 < len(self.questions):
            screening.highlighted = index + 1
        return True

    # -- keys --------------------------------------------------------------------------------------
    @on(OptionList.OptionHighlighted, "#screening")
    def _question_highlighted(self) -> None:
        chosen = self._highlighted_question()
        if chosen is None:
            return
        _, question = chosen
        answer_line = self.query_one("#answer", Input)
        answer_line.value = self.answers.get(question.key, "") if question.kind != "yes-no" else ""
        answer_line.placeholder = f"{question.text} ({accepted(question)})"

    def on_key(self, event: Key) -> None:
        focused = self.focused
        if isinstance(focused, TickList):
            if focused.tick_numbered(event.character):
                event.stop()
                event.prevent_default()
            return
        if not (isinstance(focused, OptionList) and focused.id == "screening") or not event.character:
            return
        chosen = self._highlighted_question()
        if chosen is None or not event.character.isprintable() or event.character == " ":
            return
        index, question = chosen
        event.stop()
        event.prevent_default()
        if question.kind == "yes-no":
            if event.character.lower() in ("y", "n"):
                self._set_answer(index, question, event.character)
            else:
                self.show_error(f"'{question.text}': press y or n", soft=True)
            return
        # Hours or text: the key starts the answer in the answer line. Keys typed in a burst can
        # reach the list before the line takes the focus: they go on the end of the answer.
        answer_line = self.query_one("#answer", Input)
        answer_line.value = (answer_line.value if self._redirected else "") + event.character
        self._redirected = True
        answer_line.cursor_position = len(answer_line.value)
        answer_line.focus()

    def action_enter(self) -> None:
        focused = self.focused
        if isinstance(focused, Input) and focused.id == "answer":
            chosen = self._highlighted_question()
            if chosen is not None and focused.value.strip():
                index, question = chosen
                if question.kind == "yes-no" and focused.value.strip().lower() not in ("y", "yes", "n", "no"):
                    self.show_error(f"'{question.text}': {accepted(question)}")
                    return
                if self._set_answer(index, question, focused.value):
                    focused.value = ""
                    self._redirected = False
                    self.query_one("#screening", OptionList).focus()
                return
        self.action_save()

    def action_save(self) -> None:
        entry = self.entry()
        log = self.session_log
        try:
            entry.command(log.state(), log.now())  # the same rules as the command line
        except InputError as error:
            self.show_error(str(error))
            return
        self.dismiss(entry)
