"""Another machine's events, as they commit: LISTEN kapsession_events on a connection of its own,
in a thread (the store's connection stays the caller's).

Each append sends NOTIFY with "session_id seq" inside its transaction (store/postgres/
event_store.py), so a notification means the event is committed. `Listener` calls `on_news(seq)`
for the session it watches and `on_online(bool)` when the server goes away or comes back; it
reconnects by itself, and after a reconnect reads the session's last seq once, in case an event
committed while it was away.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

CHANNEL = "kapsession_events"
RECONNECT_EVERY_S = 1.0
WAKE_EVERY_S = 0.5  # how often the thread looks whether it was told to stop


class Listener:
    def __init__(
        self, url: str, session_id: str, on_news: Callable[[int], None], on_online: Callable[[bool], None]
    ) -> None:
        self.url = url
        self.session_id = session_id
        self.on_news = on_news
        self.on_online = on_online
        self.online: bool | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="kapsession-listen", daemon=True)

    def start(self) -> Listener:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2 * WAKE_EVERY_S + 1)

    def _set_online(self, online: bool) -> None:
        if online != self.online:
            self.online = online
            self.on_online(online)

    def _run(self) -> None:
        import psycopg

        while not self._stop.is_set():
            try:
                with psycopg.connect(self.url, autocommit=True, connect_timeout=5) as connection:
                    connection.execute(f"LISTEN {CHANNEL}")
                    row = connection.execute(
                        "SELECT COALESCE(MAX(seq), 0) FROM events WHERE session_id = %s", (self.session_id,)
                    ).fetchone()
                    self._set_online(True)
                    self.on_news(int(row[0]) if row else 0)
                    self._listen(connection)
            except psycopg.Error:
                self._set_online(False)
                self._stop.wait(RECONNECT_EVERY_S)

    def _listen(self, connection: Any) -> None:
        while not self._stop.is_set():
            for note in connection.notifies(timeout=WAKE_EVERY_S):
                session_id, _, seq = note.payload.partition(" ")
                if session_id == self.session_id and seq.isdigit():
                    self.on_news(int(seq))
            if connection.broken or connection.closed:
                raise psycopg_error()


def psycopg_error() -> Exception:
    import psycopg

    return psycopg.OperationalError("the listening connection dropped")
