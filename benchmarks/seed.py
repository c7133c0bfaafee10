"""Data directories for the benchmarks, built through the real store and commands.

Every event is made by a `kapsession.core.commands` function from the state of the session so
far, and appended with `EventStore.append` (through `SessionLog.record`), exactly as the command
line and the live screen do; time comes from a `ManualClock`. Only one thing differs from a real
session: while seeding, the store's connection runs with `synchronous=OFF`, so building 10,000
sessions takes seconds rather than minutes of fsyncs. The files written are the same.

    seed_practice(data_dir, sessions=1000)          # a practice's history (home screen, listing)
    seed_long_session(data_dir, events=500, hours=3) # one session still running, 3 hours in
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from kapsession.core import commands
from kapsession.core.clock import ManualClock
from kapsession.core.events import EventBase, NoteWritten, VitalsRecorded
from kapsession.core.protocol import Preset
from kapsession.core.state import SessionState
from kapsession.presets import default_library
from kapsession.store.event_store import EventStore, series_defaults
from kapsession.store.session_log import SessionLog

PRESET = "sublingual-troche"
LONG_CLIENT = "R. Moreau"  # the client of the long session, looked for on the live screen

NOTES = (
    "resting, eyes closed, breathing slow and even",
    "asked for the blanket; settled again",
    "smiling, hands open on the lap",
    "quiet tears, declined tissue, nodded when asked if okay",
    "music changed to the second playlist",
    "shifted position, said the room feels very far away",
    "sipping water",
    "describes colours moving 'like a tide'",
)
CLIENT_WORDS = (
    "I am allowed to rest",
    "it's like the house I grew up in, but lighter",
    "I don't have to carry all of it",
    "there is so much room in here",
)


def _preset(name: str = PRESET) -> Preset:
    return default_library().get(name)


def open_store(data_dir: Path) -> EventStore:
    store = EventStore(Path(data_dir))
    store.connection.execute("PRAGMA synchronous=OFF")  # seeding only; see the module docstring
    return store


@dataclass
class _Writer:
    """Appends events made by commands, refolding the state only when a command needs it fresh."""

    log: SessionLog
    clock: ManualClock
    state: SessionState
    stale: int = 0

    @classmethod
    def start(
        cls,
        store: EventStore,
        preset: Preset,
        clock: ManualClock,
        client: str,
        *,
        weight_kg: float = 70,
        dose_mg: float = 200,
        practice: bool = False,
    ) -> _Writer:
        number, last_dose = series_defaults(store, client)
        opened = commands.open_session(
            client_name=client,
            preset=preset,
            now=clock.now(),
            weight_kg=weight_kg,
            planned_dose_mg=dose_mg,
            series_number=number,
            series_length=6,
            previous_dose_mg=last_dose,
            practice=practice,
        )
        session_id, _ = store.create_session(opened)
        log = SessionLog(store, session_id, preset, clock)
        return cls(log, clock, log.state())

    def fresh(self) -> SessionState:
        if self.stale:
            self.state = self.log.state()
            self.stale = 0
        return self.state

    def add(self, event: EventBase) -> EventBase:
        # Appended as built (the seed keeps its sessions within the rules itself): SessionLog.record
        # would check each event against the whole session folded again, thousands of times over.
        stored = self.log.store.append(self.log.session_id, event)
        self.log.refresh()
        self.stale += 1
        if self.stale >= 100:  # commands that only check "not closed" can use a slightly old state
            self.fresh()
        return stored

    @property
    def now(self) -> datetime:
        return self.clock.now()


def _reading(rng: random.Random, high: bool = False) -> str:
    systolic = rng.randint(150, 160) if high else rng.randint(108, 129)
    return f"{systolic}/{rng.randint(66, 84)} {rng.randint(62, 88)} {rng.randint(95, 99)} {rng.randint(12, 16)}"


def _short_session(writer: _Writer, rng: random.Random) -> None:
    """A whole, closed session in a dozen events, as most of a practice's history looks.

    Only phase changes and the close need the state refolded; the other commands check what
    has not changed since (the session is open, when it was opened, the client's weight).
    """
    step = lambda minutes: writer.clock.advance(minutes=minutes)  # noqa: E731
    add, fresh = writer.add, writer.fresh
    state = lambda: writer.state  # noqa: E731
    add(commands.start_phase(fresh(), "intake", writer.now))
    step(3)
    add(commands.record_vitals(state(), _reading(rng), writer.now))
    step(12)
    add(commands.start_phase(fresh(), "intention", writer.now))
    add(commands.set_intention(state(), rng.choice(CLIENT_WORDS), writer.now))
    add(commands.draw_card(state(), writer.now, rng))
    step(10)
    add(commands.start_phase(fresh(), "dose-onset", writer.now))
    add(commands.give_dose(state(), 200, writer.now))
    step(15)
    add(commands.start_phase(fresh(), "peak", writer.now))
    step(25)
    add(commands.record_vitals(state(), _reading(rng), writer.now))
    add(commands.write_note(state(), rng.choice(NOTES), writer.now))
    step(15)
    add(commands.start_phase(fresh(), "recovery", writer.now))
    step(30)
    add(commands.start_phase(fresh(), "integration", writer.now))
    add(commands.rate_scale(state(), "aldrete", 10, writer.now))
    add(commands.rate_scale(state(), "moaas", 5, writer.now))  # back to baseline alertness: discharge may close
    step(30)
    add(commands.record_vitals(state(), _reading(rng), writer.now))
    add(commands.close_session(fresh(), writer.now, "seeded: the checklist kept on paper"))


def client_name(index: int) -> str:
    return f"Client {index:05d}"


def seed_practice(data_dir: Path, sessions: int = 1000, *, seed: int = 7, end: datetime | None = None) -> list[str]:
    """`sessions` closed sessions of about twenty clients, newest ending a day before `end`.

    Returns the session ids, oldest first; the newest session's client is `client_name(sessions - 1)`.
    """
    rng = random.Random(seed)
    preset = _preset()
    end = (end or datetime.now(UTC)) - timedelta(days=1)
    start = end - timedelta(hours=8 * sessions)  # about three sessions a day
    ids: list[str] = []
    with open_store(data_dir) as store:
        for index in range(sessions):
            clock = ManualClock(start + timedelta(hours=8 * index))
            writer = _Writer.start(store, preset, clock, client_name(index))
            _short_session(writer, rng)
            ids.append(writer.log.session_id)
    return ids


def seed_clients(
    data_dir: Path, clients: int = 2000, sessions: int = 20_000, *, seed: int = 13, end: datetime | None = None
) -> list[str]:
    """A practice with `clients` clients and `sessions` closed sessions shared among them in turn
    (so each client has a course of about sessions / clients), each with a PHQ-9 and a GAD-7 at
    intake, ending a day before `end`. Returns the client ids, in the order they were created."""
    from kapsession.store.clients import ClientBook

    rng = random.Random(seed)
    preset = _preset()
    end = (end or datetime.now(UTC)) - timedelta(days=1)
    start = end - timedelta(hours=2 * sessions)
    ids: list[str] = []
    with open_store(data_dir) as store:
        book = ClientBook(store)
        for index in range(sessions):
            clock = ManualClock(start + timedelta(hours=2 * index))
            name = f"Course client {index % clients:05d}"
            writer = _Writer.start(store, preset, clock, name)
            state = writer.state
            writer.add(
                commands.answer_questionnaire(state, "phq9", [rng.randint(0, 3) for _ in range(8)] + [0], writer.now)
            )
            writer.add(commands.answer_questionnaire(state, "gad7", [rng.randint(0, 3) for _ in range(7)], writer.now))
            _short_session(writer, rng)
            if index < clients:
                ids.append(book.client_of_session(writer.log.session_id) or "")
    return ids


# Where the phases begin, as fractions of the session's length.
_PHASE_AT = (
    ("intake", 0.0),
    ("intention", 0.08),
    ("dose-onset", 0.14),
    ("peak", 0.22),
    ("recovery", 0.48),
    ("integration", 0.66),
)


def seed_long_session(
    data_dir: Path,
    events: int = 500,
    hours: float = 3.0,
    *,
    seed: int = 11,
    now: datetime | None = None,
    client: str = LONG_CLIENT,
    preset_name: str = PRESET,
) -> str:
    """One session that has been running for `hours` (ending at `now`) with `events` events.

    The six phases at their usual places, a dose, vitals every few minutes, ratings, notes (some
    shareable, some the client's words), cards, an intention, acknowledged alerts, a few entries
    struck in error, the discharge checklist ticking towards the end. It is not closed: it is the
    session a therapist resumes. Returns its id.
    """
    if events < 12:
        raise ValueError("a long session needs at least 12 events")
    rng = random.Random(seed)
    preset = _preset(preset_name)
    now = now or datetime.now(UTC)
    span = timedelta(hours=hours)
    clock = ManualClock(now - span)
    with open_store(data_dir) as store:
        writer = _Writer.start(store, preset, clock, client)
        gap = span / (events - 1)
        phases = list(_PHASE_AT)
        intake_items = list(preset.intake_checklist)
        discharge_items = list(preset.discharge_checklist)
        struck: set[int] = set()
        strikeable: list[int] = []
        phase: str | None = None
        dosed = intention_set = False
        cards = 0
        done = 1
        while done < events:
            clock.set(now - span + gap * done)
            progress = done / (events - 1)
            state = writer.state
            event: EventBase
            if phases and progress >= phases[0][1]:
                phase = phases.pop(0)[0]
                event = commands.start_phase(writer.fresh(), phase, writer.now)
            elif phase == "intake" and intake_items:
                event = commands.tick_item(state, "intake", intake_items.pop(0), writer.now)
            elif phase == "intention" and not intention_set:
                event = commands.set_intention(state, "to be gentler with myself", writer.now)
                intention_set = True
            elif phase == "intention" and cards < 3:
                event = commands.draw_card(writer.fresh(), writer.now, rng)
                cards += 1
            elif phase == "dose-onset" and not dosed:
                event = commands.give_dose(state, 200, writer.now, site="left cheek")
                dosed = True
            elif progress > 0.8 and discharge_items and rng.random() < 0.3:
                event = commands.tick_item(state, "discharge", discharge_items.pop(0), writer.now)
            else:
                roll = rng.random()
                if roll < 0.02 and strikeable:
                    target = strikeable.pop(rng.randrange(len(strikeable)))
                    event = commands.strike(writer.fresh(), target, "entered in error: wrong time", writer.now)
                    struck.add(target)
                elif roll < 0.05 and writer.fresh().open_alerts:
                    event = commands.acknowledge(writer.state, writer.now)
                elif roll < 0.35:
                    event = commands.record_vitals(state, _reading(rng, high=rng.random() < 0.03), writer.now)
                elif roll < 0.55:
                    scale = rng.choice(("moaas", "dissociation", "nausea"))
                    top = 5 if scale == "moaas" else 10
                    event = commands.rate_scale(state, scale, rng.randint(0, top), writer.now)
                elif roll < 0.62:
                    event = commands.write_note(
                        state, rng.choice(CLIENT_WORDS), writer.now, kind="client-words", shareable=True
                    )
                else:
                    event = commands.write_note(state, rng.choice(NOTES), writer.now, shareable=rng.random() < 0.2)
            stored = writer.add(event)
            if isinstance(stored, (NoteWritten, VitalsRecorded)) and stored.seq is not None:
                strikeable.append(stored.seq)
            done += 1
        return writer.log.session_id


def newest_note_words(data_dir: Path, session_id: str) -> str:
    """The first two words of the newest note, which the notes panel shows at its top once it is
    drawn (they fit on the note's first line at 120 columns)."""
    with EventStore(Path(data_dir)) as store:
        log = SessionLog(store, session_id, _preset(store.session(session_id).preset), ManualClock())
        state = log.state()
    return " ".join(state.notes[-1].text.split()[:2])


def latest_blood_pressure(data_dir: Path, session_id: str) -> str:
    """The latest BP of a session as the live screen shows it (`119/80`): only the events, replayed,
    can tell it, so seeing it proves the screen was painted from the record, not a placeholder."""
    with EventStore(Path(data_dir)) as store:
        log = SessionLog(store, session_id, _preset(store.session(session_id).preset), ManualClock())
        state = log.state()
    reading = next(event.reading for event in reversed(state.vitals) if event.reading.systolic is not None)
    return f"{reading.systolic}/{reading.diastolic}"
