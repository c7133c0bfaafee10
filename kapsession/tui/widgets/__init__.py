"""Widgets of the live session screen. Each one shows a piece of `SessionState` and redraws only
when the text it would show has changed (the screen offers it new state every second)."""
