"""One open session: its events in memory, its preset, a clock, and the store behind them.

The command line and the live screen both work through this: a command builds an event, `record`
makes it durable, and only then does the in-memory list (and so the state) change.
"""

from __future__ import annotations

from kapsession.core.clock import Clock, SystemClock
from kapsession.core.events import EventBase, SessionOpened
from kapsession.core.protocol import Preset
from kapsession.core.state import Replay, SessionState, replay
from kapsession.store.event_store import EventStore


class SessionLog:
    def __init__(self, store: EventStore, session_id: str, preset: Preset, clock: Clock | None = None) -> None:
        self.store = store
        self.session_id = session_id
        self.preset = preset
        self.clock: Clock = clock or SystemClock()
        self.events: list[EventBase] = store.events(session_id)
        self._last_seq = max((e.seq or 0 for e in self.events), default=0)
        self._replayed: tuple[tuple[int, ...], Replay] | None = None

    @property
    def opened(self) -> SessionOpened:
        return self.events[0]  # type: ignore[return-value]

    @property
    def events_key(self) -> tuple[int, int]:
        """Which events the log holds: (the list, its length). The list only grows, and a new
        one is a new list, so what was built from the events is current while this is equal."""
        return (id(self.events), len(self.events))

    def state(self) -> SessionState:
        """`fold(self.events, self.preset, now)`; the replay of the events is kept while they
        stay the same, so asking again a second later redoes only what depends on the time."""
        key = (*self.events_key, id(self.preset))
        if self._replayed is None or self._replayed[0] != key:
            self._replayed = (key, replay(self.events, self.preset))
        return self._replayed[1].at(self.clock.now())

    def now(self):  # noqa: ANN201 - a datetime; kept short for callers
        return self.clock.now()

    def record(self, event: EventBase) -> EventBase:
        """Durable first, then visible: the event joins the in-memory list only once committed."""
        stored = self.store.append(self.session_id, event)
        self.refresh()
        return stored

    def refresh(self) -> list[EventBase]:
        """Pull events other processes appended since we last looked; returns the new ones."""
        new = self.store.events(self.session_id, after_seq=self._last_seq)
        if new:
            self.events.extend(new)
            self._last_seq = max(e.seq or 0 for e in new)
        return new

    def has_news(self) -> bool:
        return self.store.last_seq(self.session_id) > self._last_seq
