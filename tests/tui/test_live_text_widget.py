"""LiveText in a running app: a text given with a key is built once per key and width."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.content import Content

from kapsession.tui.widgets.live_text import LiveText


class OneText(App[None]):
    def compose(self) -> ComposeResult:
        yield LiveText(id="text")


async def test_a_text_offered_again_with_the_same_key_is_not_built_again() -> None:
    widths: list[int] = []

    def build(width: int) -> Content:
        widths.append(width)
        return Content(f"built for {width}")

    app = OneText()
    async with app.run_test(size=(60, 10)) as pilot:
        text = app.query_one(LiveText)
        await pilot.pause()
        assert text.show_for_width(build, key=("alerts", 1)) is True
        built = len(widths)
        for _ in range(5):  # the clock ticks, what the text is made from does not
            assert text.show_for_width(build, key=("alerts", 1)) is False
        assert len(widths) == built
        assert text.plain == "built for 60"

        text.show_for_width(lambda width: Content(f"changed at {width}"), key=("alerts", 2))
        assert text.plain == "changed at 60"

        await pilot.resize_terminal(40, 10)  # a new width builds it again, key or not
        await pilot.pause()
        assert text.plain == "changed at 40"

        text.show("given whole")  # a text given whole forgets the key
        text.show_for_width(build, key=("alerts", 2))
        assert text.plain == "built for 40"
