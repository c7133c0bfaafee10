"""Which sessions are on a live screen right now, on any machine, and which were left open on
purpose: store/live_lock.py's lock files, kept by the server instead, so a nurse's home screen
sees the therapist's screen on another machine (no lock files).

A live screen holds a session-level advisory lock (`pg_try_advisory_lock`, two-key form: this
module's key space and the session id's hash) on a connection of its own. The server lets go of
it when that connection ends, however it ends: the app quitting, the process killed, and a
machine that vanished once TCP keepalives give up on it (asked of the server per connection:
`tcp_keepalives_*`, so a laptop that lost power frees its sessions within about a minute).
`session_screens` remembers that a screen held the session and whether it was left on purpose
(`left_open`), as the `.lock` and `.left` files do for SQLite: a started, unclosed session that no
screen holds was interrupted if a screen held it and did not leave it on purpose, else it is open.
"""

from __future__ import annotations

import threading
from typing import Any

from kapsession.store.postgres.schema import MIGRATION_LOCK

# The first key of a live screen's advisory lock: apart from the migration and store-wide locks.
SCREEN_LOCK_SPACE = MIGRATION_LOCK + 1
# A server that has not answered a connection in this many seconds is offline for this try.
CONNECT_TIMEOUT_S = 3
# A vanished machine's connection is given up after idle + interval * count seconds (about 60).
_KEEPALIVES = "-c tcp_keepalives_idle=30 -c tcp_keepalives_interval=10 -c tcp_keepalives_count=3"

# Started, not closed, on no screen now: (id, was on a screen, left open on purpose).
OFF_SCREEN = """
SELECT s.id, w.session_id IS NOT NULL, COALESCE(w.left_open, FALSE)
FROM sessions s LEFT JOIN session_screens w ON w.session_id = s.id
WHERE s.started_at IS NOT NULL AND s.closed_at IS NULL AND NOT EXISTS (
    SELECT 1 FROM pg_locks l
    WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2
      AND l.classid = ?::int::oid AND l.objid = hashtext(s.id)::oid
)
"""


class ScreenLease:
    """store/live_lock.py's `LiveLock` on the server: `acquire`, `held`, `release(left_open)`.
    The first `acquire` (the screen opening, the server just answered) asks the server at once;
    a later one (the screen's once-a-second retry) asks from a thread and returns at once, so a
    server that cannot be reached never holds up the screen. A server that cannot be reached is a
    lease not held, never an error on the screen: the offline line says the rest."""

    def __init__(self, url: str, session_id: str) -> None:
        self.url = url
        self.session_id = session_id
        self._connection: Any | None = None
        self._held = False
        self._asked = False
        self._asking: threading.Thread | None = None

    def acquire(self) -> bool:
        """True if this screen now holds the session; False if another screen (on any machine)
        has it, the server cannot be reached, or the answer is still on its way."""
        if not self._asked:
            self._asked = True
            return self._try()
        if self._asking is None or not self._asking.is_alive():
            self._asking = threading.Thread(target=self._try, name="kapsession-screen-lease", daemon=True)
            self._asking.start()
        return self.held

    def _try(self) -> bool:
        import psycopg

        try:
            connection = self._connection
            if connection is None or connection.closed or connection.broken:
                self._drop()
                self._connection = connection = psycopg.connect(
                    self.url,
                    autocommit=True,
                    connect_timeout=CONNECT_TIMEOUT_S,
                    application_name="kapsession-screen",
                    options=_KEEPALIVES,
                )
            got = connection.execute(
                "SELECT pg_try_advisory_lock(%s, hashtext(%s))", (SCREEN_LOCK_SPACE, self.session_id)
            ).fetchone()
            if not (got and got[0]):
                return False
            connection.execute(
                "INSERT INTO session_screens (session_id, left_open) VALUES (%s, FALSE) "
                "ON CONFLICT (session_id) DO UPDATE SET left_open = FALSE",
                (self.session_id,),
            )
            self._held = True
            return True
        except psycopg.Error:
            self._drop()
            return False

    @property
    def held(self) -> bool:
        connection = self._connection
        return self._held and connection is not None and not connection.broken

    def release(self, left_open: bool = False) -> None:
        """Let go of the session; `left_open`: on purpose, marked while the lock is still held (so
        a screen taking it up after this cannot find the mark made behind its back)."""
        import psycopg

        if self._asking is not None:
            self._asking.join(timeout=CONNECT_TIMEOUT_S + 1)
        try:
            if self.held and self._connection is not None:
                if left_open:
                    self._connection.execute(
                        "UPDATE session_screens SET left_open = TRUE WHERE session_id = %s", (self.session_id,)
                    )
                # Let go before returning: a closed connection's backend drops its locks a moment
                # later, and home, asked right after, must not see the session still on a screen.
                self._connection.execute(
                    "SELECT pg_advisory_unlock(%s, hashtext(%s))", (SCREEN_LOCK_SPACE, self.session_id)
                )
        except psycopg.Error:
            pass  # the server went, and the lock with the connection: home will say interrupted
        finally:
            self._drop()  # closing the connection ends the lock

    def _drop(self) -> None:
        self._held = False
        connection, self._connection = self._connection, None
        if connection is not None:
            connection.close()


def off_screen(connection: Any) -> dict[str, bool]:
    """Started, unclosed sessions no screen holds now: id -> interrupted (a screen held it and did
    not leave it on purpose). `connection`: the store's (store/postgres/dialect.py: `?` placeholders)."""
    rows = connection.execute(OFF_SCREEN, (SCREEN_LOCK_SPACE,)).fetchall()
    return {session_id: bool(was_on_screen) and not bool(left_open) for session_id, was_on_screen, left_open in rows}
