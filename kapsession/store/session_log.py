"""One open session: its events in memory, its preset, a clock, and the store behind them.

The command line and the live screen both work through this: `record` takes a command (the state
-> one event, from core/commands.py) or an event already built from the state on screen, and runs
it inside the store's write transaction on the session's latest events, where core/rules.py
admits the event or refuses it. Only once it is durable does the in-memory list (and so the
state) change.
"""

from __future__ import annotations

from collections.abc import Callable

from kapsession.core.clock import Clock, SystemClock
from kapsession.core.events import AlertAcknowledged, EventBase, SessionClosed, SessionOpened
from kapsession.core.protocol import Preset
from kapsession.core.rules import admit
from kapsession.core.state import Replay, SessionState, replay
from kapsession.store.event_store import EventStore

Entry = EventBase | Callable[[SessionState], EventBase]


class SessionLog:
    def __init__(
        self,
        store: EventStore,
        session_id: str,
        preset: Preset,
        clock: Clock | None = None,
        *,
        clinician: str | None = None,
    ) -> None:
        self.store = store
        self.clinician = clinician
        """The initials every entry made through this log is stamped with (None: not said)."""
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
        return self._replay().at(self.clock.now())

    def _replay(self) -> Replay:
        key = (*self.events_key, id(self.preset))
        if self._replayed is None or self._replayed[0] != key:
            self._replayed = (key, replay(self.events, self.preset))
        return self._replayed[1]

    def now(self):
        return self.clock.now()

    def record(self, entry: Entry) -> EventBase:
        """Durable first, then visible. `entry` is a command (state -> event), decided on the
        session as it is inside the write transaction, or an event built earlier from the state on
        screen; either way the event is admitted by the session's rules against that latest state
        (an InputError refuses it, and nothing is recorded)."""

        def decide(news: list[EventBase]) -> EventBase:
            # Events other terminals committed meanwhile are durable: they join the log now,
            # whether or not this entry is admitted.
            self._take(news)
            if callable(entry):
                state = self.state()
                return self.signed(admit(state, entry(state)))
            # An event built earlier: its rules need only what the events say, not the moment,
            # except an acknowledgement and the close (which alerts are open, and whether the
            # minimum observation has passed, depend on the time).
            at_a_moment = isinstance(entry, (AlertAcknowledged, SessionClosed))
            return self.signed(admit(self.state() if at_a_moment else self._replay().base, entry))

        stored = self.store.append_checked(self.session_id, decide, after_seq=self._last_seq)
        self._take([stored])
        return stored

    def signed(self, event: EventBase) -> EventBase:
        """`event` with this terminal's clinician as who recorded it, unless it already says."""
        if self.clinician is None or event.by is not None:
            return event
        return event.model_copy(update={"by": self.clinician})

    def _take(self, events: list[EventBase]) -> None:
        fresh = [event for event in events if (event.seq or 0) > self._last_seq]
        if fresh:
            self.events.extend(fresh)
            self._last_seq = fresh[-1].seq or self._last_seq

    def refresh(self) -> list[EventBase]:
        """Pull events other processes appended since we last looked; returns the new ones."""
        new = self.store.events(self.session_id, after_seq=self._last_seq)
        self._take(new)
        return new

    def has_news(self) -> bool:
        return self.store.last_seq(self.session_id) > self._last_seq
