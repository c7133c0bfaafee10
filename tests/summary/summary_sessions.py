"""Scripted sessions for the summary tests, the sample renders and the benchmark.

A `Script` drives the real core commands on a ManualClock and keeps the events in memory (with
store-like sequence numbers), so a test can fold them without a database; `into_store` copies the
same events into a real EventStore for the command-line tests.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from kapsession import locations
from kapsession.core import commands
from kapsession.core.clock import ManualClock
from kapsession.core.events import EventBase
from kapsession.core.preset_library import PresetLibrary
from kapsession.core.protocol import Preset
from kapsession.core.state import SessionState, fold

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
_LIBRARY: PresetLibrary | None = None


def preset(name: str) -> Preset:
    global _LIBRARY
    if _LIBRARY is None:
        _LIBRARY = PresetLibrary.load(locations.builtin_presets_dir())
    return _LIBRARY.get(name)


class Script:
    def __init__(
        self,
        preset_name: str = "sublingual-troche",
        *,
        client: str = "A.B.",
        weight_kg: float | None = 70,
        planned_mg: float | None = 200,
        series_number: int = 3,
        series_length: int | None = 6,
        start: datetime = START,
        practice: bool = False,
    ) -> None:
        self.preset = preset(preset_name)
        self.clock = ManualClock(start)
        opened = commands.open_session(
            client_name=client,
            preset=self.preset,
            now=self.clock.now(),
            weight_kg=weight_kg,
            planned_dose_mg=planned_mg,
            series_number=series_number,
            series_length=series_length,
            practice=practice,
        )
        self.events: list[EventBase] = []
        self._append(opened)

    def _append(self, event: EventBase) -> EventBase:
        stored = event.model_copy(update={"seq": len(self.events) + 1, "recorded_at": self.clock.now()})
        self.events.append(stored)
        return stored

    def state(self) -> SessionState:
        return fold(self.events, self.preset, self.clock.now())

    def do(self, command: Callable[..., EventBase], *args: object, **kwargs: object) -> EventBase:
        return self._append(command(self.state(), *args, **kwargs))

    def wait(self, **delta: float) -> Script:
        self.clock.advance(timedelta(**delta))
        return self

    # one-liners for scripts
    def phase(self, name: str = "next") -> EventBase:
        return self.do(commands.start_phase, name, self.clock.now())

    def vitals(self, text: str) -> EventBase:
        return self.do(commands.record_vitals, text, self.clock.now())

    def dose(self, mg: float | str, **kwargs: object) -> EventBase:
        kwargs.setdefault("confirmed", True)  # a dose far from the plan: the rule has its own tests
        return self.do(commands.give_dose, mg, self.clock.now(), **kwargs)

    def note(self, text: str, *, shareable: bool = False, kind: str = "observation") -> EventBase:
        return self.do(commands.write_note, text, self.clock.now(), kind=kind, shareable=shareable)

    def scale(self, name: str, value: int) -> EventBase:
        return self.do(commands.rate_scale, name, value, self.clock.now())

    def tick_all(self, checklist: str) -> None:
        items = self.preset.intake_checklist if checklist == "intake" else self.preset.discharge_checklist
        for index in range(1, len(items) + 1):
            self.do(commands.tick_item, checklist, index, self.clock.now())

    def ack(self, key: str | None = None) -> EventBase:
        return self.do(commands.acknowledge, self.clock.now(), key)

    def close(self, reason: str | None = None) -> EventBase:
        """As a therapist closes who has looked at everything: each alarm acknowledged, and the
        reason (a test's own when none is given) for every discharge criterion not met."""
        from kapsession.core.closing import unacknowledged_alarms, unmet_criteria

        for alarm in unacknowledged_alarms(self.state()):
            self.ack(alarm.key)
        if reason is None and unmet_criteria(self.state()):
            reason = "test: discharged with criteria open"
        return self.do(commands.close_session, self.clock.now(), reason)

    def into_store(self, data_dir: Path) -> str:
        """Copy this session into a real store; returns its id."""
        from kapsession.store.event_store import EventStore

        with EventStore(data_dir) as store:
            session_id, opened = store.create_session(
                self.events[0].model_copy(update={"seq": None, "recorded_at": None})
            )  # type: ignore[arg-type]
            new_seq = {self.events[0].seq: opened.seq}
            for event in self.events[1:]:
                # Events that point at others by seq (visibility, strike) follow the store's numbering.
                update: dict[str, object] = {"seq": None, "recorded_at": None}
                for pointer in ("note_seq", "target_seq", "dose_seq", "event_seq"):
                    if hasattr(event, pointer):
                        update[pointer] = new_seq[getattr(event, pointer)]
                stored = store.append(session_id, event.model_copy(update=update))
                new_seq[event.seq] = stored.seq
        return session_id


SHORT_NOTES = [
    ("Settled quickly, breathing slow and even.", False, "observation"),
    ("I am allowed to rest. I don't have to earn it.", True, "client-words"),
    ("Tearful at the peak; held the hand of the support person for a while.", False, "observation"),
    ("An image of a wide, calm lake at dawn, and the feeling of floating on it.", True, "observation"),
    ("Brief nausea, settled with ginger and rest.", False, "side-effect"),
    ("It was like meeting the younger me and telling her she did nothing wrong.", True, "client-words"),
]


def short_session(
    client: str = "Maya Lindqvist",
    preset_name: str = "sublingual-troche",
    *,
    notes: list[tuple[str, bool, str]] | None = None,
    close: bool = True,
    next_session: str | None = "in 3 days at 10:00",
) -> Script:
    """A typical troche session: about two and a half hours, a few notes, three shared."""
    s = Script(preset_name, client=client)
    s.phase("intake")
    s.tick_all("intake")
    s.wait(minutes=8).vitals("124/80 72 98")
    s.wait(minutes=7).phase("intention")
    s.do(
        commands.set_intention, "to be gentler with myself, and to stop apologising for taking up space", s.clock.now()
    )
    s.do(commands.draw_card, s.clock.now(), __import__("random").Random(3))
    s.do(commands.draw_card, s.clock.now(), __import__("random").Random(4))
    s.wait(minutes=10).phase("dose-onset")
    s.dose(200)
    script_notes = list(SHORT_NOTES if notes is None else notes)
    if script_notes:
        text, shareable, kind = script_notes.pop(0)
        s.wait(minutes=6).note(text, shareable=shareable, kind=kind)
    s.wait(minutes=14).phase("peak")
    s.scale("dissociation", 6)
    s.wait(minutes=10)
    for text, shareable, kind in script_notes:
        s.wait(minutes=4).note(text, shareable=shareable, kind=kind)
    s.wait(minutes=2).vitals("138/88 84 97")
    s.wait(minutes=12).phase("recovery")
    s.scale("nausea", 2)
    s.wait(minutes=25).vitals("128/82 76 98")
    s.wait(minutes=5).phase("integration")
    s.wait(minutes=30).vitals("122/80 70 98")
    s.scale("moaas", 5)
    s.scale("aldrete", 10)
    s.tick_all("discharge")
    if next_session:
        s.do(commands.set_next_session, next_session, s.clock.now())
    if close:
        s.wait(minutes=3).close()
    return s


LONG_WORDS = [
    "The room felt warm; the music rose and fell like breath.",
    "Described colours moving behind the eyelids, slow blues and a soft gold.",
    "Said the weight on the chest lifted a little when she named it.",
    "Quiet for a long while, hands open on the blanket.",
    "Talked about her grandmother's kitchen, the smell of cardamom and bread, and how safe it felt to be small there.",
]


def long_session(client: str = "Jonathan Okonkwo-Whitfield") -> Script:
    """Three hours, 150 notes (one in three shared), IV vitals every 15 minutes."""
    s = Script("iv-infusion", client=client, planned_mg=35, weight_kg=72)
    s.phase("intake")
    s.tick_all("intake")
    s.wait(minutes=5).vitals("126/82 74 98 14")
    s.wait(minutes=10).phase("intention")
    s.do(commands.set_intention, "to understand where the tiredness comes from", s.clock.now())
    s.do(commands.draw_card, s.clock.now(), __import__("random").Random(1))
    s.wait(minutes=10).phase("dose-onset")
    s.dose(35)
    elapsed = 0
    n = 0
    phases = [(15, "peak"), (75, "recovery"), (120, "integration")]
    while n < 150:
        s.wait(minutes=1)
        elapsed += 1
        if phases and elapsed >= phases[0][0]:
            s.phase(phases.pop(0)[1])
        if elapsed == 40:
            s.do(commands.stop_infusion, s.clock.now())
        if elapsed % 15 == 0:
            s.vitals(f"{128 + (elapsed % 45) // 3}/{82 + (elapsed % 30) // 5} {76 + elapsed % 9} 97 14")
        base = LONG_WORDS[n % len(LONG_WORDS)]
        if n % 37 == 5:
            base = base + " " + " ".join([base] * 12)  # a very long note that must flow
        shareable = n % 3 == 0
        s.note(f"{base} (note {n + 1})", shareable=shareable, kind="client-words" if n % 6 == 0 else "observation")
        n += 1
    s.wait(minutes=10).vitals("124/80 72 98 14")
    s.scale("moaas", 5)
    s.scale("aldrete", 10)
    s.tick_all("discharge")
    s.do(commands.set_next_session, "in 1 week at 10:00", s.clock.now())
    s.wait(minutes=2).close()
    return s


MULTISCRIPT_CLIENT = "Zoë Ñúñez-Αλεξίου (Ольга · محمد · 山田太郎 · 김민준 · देवनागरी)"


def multiscript_session() -> Script:
    notes = [
        ("Είπε: «νιώθω ελαφριά». Сказала: «я дома». 🌿", True, "client-words"),
        ("قالت: أشعر بالسلام — 平和を感じる — 마음이 편해요 — मुझे शांति महसूस होती है ✨💛", True, "observation"),
        ("Private: discussed family conflict in detail.", False, "observation"),
        ("Crème brûlée, façade, naïve, São Paulo, Øresund, Łódź 🙂🌊", True, "client-words"),
    ]
    return short_session(MULTISCRIPT_CLIENT, notes=notes)
