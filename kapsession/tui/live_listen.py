"""The live screen and a PostgreSQL store: another machine's events appear as they commit
(LISTEN/NOTIFY, store/postgres/listen.py), and a line says "offline" while the server cannot be
reached. A SQLite store has no `watch`: its screen keeps finding other terminals' events at its
once-a-second look, and none of this runs.

The listener's thread never touches a widget: it hands each change to the app's thread with
`App.call_from_thread`. While offline, what the therapist types stays in the entry line and
dialogs (the recorder reopens them with a store's sentence), and nothing is shown as saved that
the server has not committed: the screen shows only what the store returned.
"""

from __future__ import annotations

from typing import Any

from textual.widgets import Static

OFFLINE = "offline: cannot reach the database server; reconnecting; nothing new is saved"


class OfflineLine(Static):
    DEFAULT_CSS = """
    OfflineLine {
        dock: bottom;
        height: 1;
        background: $error;
        color: $text;
        padding: 0 1;
    }
    """


def listen_for_other_machines(screen: Any) -> Any | None:
    """Start listening for the screen's session when its store can (PostgreSQL); the listener,
    to stop when the screen goes (`stop_listening`), or None."""
    store = screen.session_log.store
    watch = getattr(store, "watch", None)
    if watch is None:
        return None
    app = screen.app

    def on_news(_seq: int) -> None:
        app.call_from_thread(_refresh, screen)

    def on_online(online: bool) -> None:
        app.call_from_thread(_show_online, screen, online)

    return watch(screen.session_log.session_id, on_news, on_online)


def stop_listening(listener: Any | None) -> None:
    if listener is not None:
        listener.stop()


def _refresh(screen: Any) -> None:
    if screen.is_mounted:
        screen.refresh_now(poll=True)


def _show_online(screen: Any, online: bool) -> None:
    if not screen.is_mounted:
        return
    present = screen.query(OfflineLine)
    if online:
        present.remove()
        screen.set_class(False, "-offline")
    elif not present:
        screen.mount(OfflineLine(OFFLINE))
        screen.set_class(True, "-offline")
