"""PHQ-9 and GAD-7 by keys on the live screen (f, nine digits, Enter: 11 keystrokes), the item-9
alert acknowledged only with a safety check note, and the client answering in the client view."""

from __future__ import annotations

from kapsession.core.events import AlertAcknowledged, QuestionnaireAnswered, SafetyCheckRecorded
from kapsession.tui.screens.client_view import ClientViewScreen
from kapsession.tui.screens.questionnaire import ClientQuestionnaire, QuestionnaireDialog, SafetyCheckDialog

try:
    from .conftest import LiveTestApp, screen_text, type_text
except ImportError:
    from live_support import LiveTestApp, screen_text, type_text


def of_type(events, kind):
    return [event for event in events if isinstance(event, kind)]


async def test_a_phq9_is_eleven_keystrokes_and_item_nine_asks_for_a_safety_check(session):
    app = LiveTestApp(session.log)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "f PHQ/GAD" in screen_text(app)
        keys = ["f", *"121121011", "enter"]
        assert len(keys) == 11
        await pilot.press("f")
        assert isinstance(app.screen, QuestionnaireDialog)
        assert "Little interest or pleasure in doing things" in screen_text(app)
        await pilot.press("1", "2", "9", "backspace", "1")  # 9 is not an answer; backspace takes one back
        assert "answers: 1 1 \u00b7" in screen_text(app)
        await pilot.press("backspace", "backspace", *"121121011")
        assert "Total 10 of 27: moderate" in screen_text(app) and "ALERT" in screen_text(app)
        await pilot.press("enter")
        assert app.screen is app.live
        taken = of_type(session.fresh_events(), QuestionnaireAnswered)
        assert [(q.instrument, q.answers, q.by_client) for q in taken] == [("phq9", (1, 2, 1, 1, 2, 1, 0, 1, 1), False)]
        assert "ALERT" in screen_text(app) and "item 9" in screen_text(app)

        # a: the safety alert is acknowledged only with the note (Enter on an empty one is refused).
        await pilot.press("a")
        assert isinstance(app.screen, SafetyCheckDialog)
        await pilot.press("enter")
        assert isinstance(app.screen, SafetyCheckDialog) and "needs a note" in screen_text(app)
        await type_text(pilot, "asked directly; passive thoughts, no plan; crisis line given")
        await pilot.press("enter")
        assert app.screen is app.live
        events = session.fresh_events()
        checks = of_type(events, SafetyCheckRecorded)
        assert len(checks) == 1 and checks[0].visibility == "private" and checks[0].key == f"safety:{taken[0].seq}"
        assert not of_type(events, AlertAcknowledged)
        assert not app.live.state.open_safety_alerts

        # f again: GAD-7 comes next; Escape records nothing; Enter before the end says what is left.
        await pilot.press("f")
        assert "GAD-7" in screen_text(app)
        await pilot.press("1", "enter")
        assert "6 items still to answer" in screen_text(app)
        await pilot.press("escape")
        assert len(of_type(session.fresh_events(), QuestionnaireAnswered)) == 1


async def test_the_client_answers_alone_in_the_client_view(session):
    app = LiveTestApp(session.log)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("w")
        assert isinstance(app.screen, ClientViewScreen)
        await pilot.press("f")
        assert isinstance(app.screen, ClientQuestionnaire)
        text = screen_text(app)
        assert "1 of 9" in text and "Nearly every day" in text and "Total" not in text
        for digit in "00101000":
            await pilot.press(digit)
            assert "Total" not in screen_text(app) and "total" not in screen_text(app)
        await pilot.press("0")
        assert "Thank you" in screen_text(app) and "Your total is 2 of 27" in screen_text(app)
        taken = of_type(session.fresh_events(), QuestionnaireAnswered)
        assert len(taken) == 1 and taken[0].by_client and sum(taken[0].answers) == 2
        await pilot.press("enter")
        assert isinstance(app.screen, ClientViewScreen)
