"""The client view: a calm full screen to show the client. Their intention in their own words
and the cards they drew, in large, centred type with room around it; the phase in soft words;
no clinical numbers. The same key (`w`) turns it back to the live screen.

While an alarm is open (a reading past a threshold, perhaps entered from the nurse's terminal),
a small dot sits in the bottom-right corner with the number open: the therapist sees it, the
client sees a dot. The live screen beneath keeps ticking, so the bell (if it is on) rings there
as it would with the live screen in front."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Middle, Vertical
from textual.content import Content
from textual.screen import Screen

from kapsession.core.phases import PHASE_SOFT_WORDS
from kapsession.core.state import SessionState
from kapsession.core.text_rule import visible
from kapsession.store.session_log import SessionLog
from kapsession.tui.recorder import Recorder
from kapsession.tui.widgets.live_text import LiveText


def soft_phase(state: SessionState) -> str:
    if state.closed:
        return "Thank you for today"
    if state.phase is None:
        return "Welcome"
    return PHASE_SOFT_WORDS[state.phase]


def intention_words(state: SessionState) -> Content:
    if state.intention:
        return Content(f"“{visible(state.intention)}”")
    return Content.styled("Your intention will be written here, in your own words.", "$text-muted")


def alarm_mark(state: SessionState) -> Content:
    """The corner mark: "•" and how many alarms are open, or nothing."""
    open_alarms = sum(1 for alert in state.open_alerts if alert.level == "alarm")
    if not open_alarms:
        return Content("")
    return Content.styled(f"• {open_alarms}", "$text-warning")


def cards_words(state: SessionState) -> Content:
    return Content("\n\n".join(f"◇  {visible(card)}" for card in state.cards))


class ClientViewScreen(Screen[None]):
    CSS_PATH = "../client_view.tcss"
    AUTO_FOCUS = ""
    BINDINGS = [
        Binding("w", "back", "Back to the live screen", id="client.back"),
        Binding("escape", "back", "Back", id="client.escape", show=False),
        Binding(
            "f",
            "questionnaire",
            "Questionnaire",
            id="client.questionnaire",
            tooltip="the client answers a PHQ-9 (or GAD-7) themselves, one item at a time",
        ),
    ]

    def __init__(self, log: SessionLog) -> None:
        super().__init__()
        self.session_log = log
        # The client's own answers are saved from here. Nothing is told on this screen (it faces
        # the client): the form shows a refusal itself, and the therapist sees the answers on the
        # live screen.
        self.recorder = Recorder(log, show=lambda _events: self.refresh_view(), tell=lambda _sentence, _how: None)

    def compose(self) -> ComposeResult:
        with Middle(id="client-middle"):
            with Center():
                with Vertical(id="client-box"):
                    yield LiveText("", id="client-phase")
                    yield LiveText("Your intention", id="client-heading")
                    yield LiveText("", id="client-intention")
                    yield LiveText("", id="client-cards")
        yield LiveText("", id="client-alarm-mark")

    def on_mount(self) -> None:
        self.refresh_view()
        self.set_interval(2.0, self.refresh_view)

    def refresh_view(self) -> None:
        try:
            if self.session_log.has_news():
                self.session_log.refresh()
        except Exception:
            pass
        state = self.session_log.state()
        self.query_one("#client-phase", LiveText).show(Content(soft_phase(state)))
        self.query_one("#client-intention", LiveText).show(intention_words(state))
        cards = self.query_one("#client-cards", LiveText)
        cards.display = bool(state.cards)
        cards.show(cards_words(state))
        self.query_one("#client-alarm-mark", LiveText).show(alarm_mark(state))

    def action_back(self) -> None:
        self.dismiss(None)

    def action_questionnaire(self) -> None:
        if self.session_log.state().closed:
            return
        from kapsession.tui.screens.questionnaire import ClientQuestionnaire

        self.app.push_screen(ClientQuestionnaire(self.session_log, self.recorder))
