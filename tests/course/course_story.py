"""A six-session course for one fictional client, recorded through the real commands and store:
PHQ-9 and GAD-7 at each intake (falling), a rising dose, a BP spike with a private side-effect
note in session 2, the client's shareable words, an intention each time, an item-9 answer with
its safety check, a score between sessions, and a planned schedule."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from kapsession.core import commands
from kapsession.core.clock import ManualClock
from kapsession.core.closing import unacknowledged_alarms
from kapsession.core.events import QuestionnaireAnswered
from kapsession.presets import default_library
from kapsession.store import EventStore
from kapsession.store.clients import ClientBook
from kapsession.store.session_log import SessionLog

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
CLIENT = "Mara Quill (fictional)"
PHQ = [
    [2, 3, 2, 2, 2, 2, 2, 1, 1],
    [2, 2, 2, 2, 1, 2, 2, 1, 0],
    [2, 2, 1, 2, 1, 1, 1, 1, 0],
    [1, 1, 1, 1, 1, 1, 1, 0, 0],
    [1, 1, 0, 1, 0, 1, 0, 0, 0],
    [0, 1, 0, 1, 0, 0, 0, 0, 0],
]
GAD = [
    [2, 3, 2, 2, 2, 2, 2],
    [2, 2, 2, 2, 1, 2, 1],
    [2, 2, 1, 1, 1, 1, 1],
    [1, 1, 1, 1, 1, 1, 1],
    [1, 1, 1, 1, 0, 1, 0],
    [1, 0, 1, 0, 0, 0, 0],
]
INTENTIONS = [
    "to feel safe in my own body",
    "to put down the old guilt",
    "to listen to the quieter voice",
    "to let the grief move",
    "to trust what I felt last time",
    "to carry this into ordinary days",
]
PRIVATE_NOTE = "PRIVATE process note: transference about her father resurfacing"
SIDE_EFFECT = "nausea and light-headedness after the peak; pale"
SHARED = "I am allowed to take up room"


def record_course(data_dir: Path, sessions: int = 6, now: datetime | None = None) -> tuple[str, list[str]]:
    """Returns (client id, session ids)."""
    library = default_library()
    preset = library.get("sublingual-troche")
    ids = []
    with EventStore(data_dir) as store:
        book = ClientBook(store)
        for index in range(sessions):
            clock = ManualClock(START + timedelta(days=3 * index + (index // 2)))
            client = book.find(CLIENT) if ids else None
            opened = commands.open_session(
                client_name=CLIENT,
                preset=preset,
                now=clock.now(),
                weight_kg=64,
                planned_dose_mg=150 + 25 * index,
                series_number=index + 1,
                series_length=6,
            )
            session_id, _ = store.create_session(opened, client_id=client)
            ids.append(session_id)
            log = SessionLog(store, session_id, preset, clock)
            step = lambda minutes, clock=clock: clock.advance(timedelta(minutes=minutes))  # noqa: E731
            log.record(commands.start_phase(log.state(), "intake", clock.now()))
            log.record(commands.answer_questionnaire(log.state(), "phq9", PHQ[index], clock.now()))
            log.record(commands.answer_questionnaire(log.state(), "gad7", GAD[index], clock.now()))
            if PHQ[index][8]:
                log.record(
                    commands.record_safety_check(
                        log.state(),
                        "PRIVATE safety check: passive thoughts only, no plan, crisis line given",
                        clock.now(),
                    )
                )
            log.record(commands.record_vitals(log.state(), f"{122 + index}/{78 + index} 72 98", clock.now()))
            step(12)
            log.record(commands.start_phase(log.state(), "intention", clock.now()))
            log.record(commands.set_intention(log.state(), INTENTIONS[index], clock.now()))
            log.record(commands.draw_card(log.state(), clock.now()))
            step(10)
            log.record(commands.start_phase(log.state(), "dose-onset", clock.now()))
            log.record(commands.give_dose(log.state(), 150 + 25 * index, clock.now()))
            step(40)
            log.record(commands.start_phase(log.state(), "peak", clock.now()))
            spike = index == 1
            log.record(
                commands.record_vitals(
                    log.state(), "186/114 104 97" if spike else f"{138 + index}/88 80 98", clock.now()
                )
            )
            if spike:
                log.record(commands.write_note(log.state(), SIDE_EFFECT, clock.now(), kind="side-effect"))
            log.record(commands.write_note(log.state(), PRIVATE_NOTE, clock.now()))
            log.record(
                commands.write_note(
                    log.state(),
                    SHARED if index % 2 == 0 else f"{SHARED}, again",
                    clock.now(),
                    kind="client-words",
                    shareable=True,
                )
            )
            step(30)
            log.record(commands.start_phase(log.state(), "recovery", clock.now()))
            log.record(commands.record_vitals(log.state(), "126/80 70 98", clock.now()))
            step(30)
            log.record(commands.start_phase(log.state(), "integration", clock.now()))
            log.record(commands.rate_scale(log.state(), "aldrete", 10, clock.now()))
            log.record(commands.rate_scale(log.state(), "moaas", 5, clock.now()))  # back to baseline: may close
            for number in range(1, len(preset.discharge_checklist) + 1):
                log.record(commands.tick_item(log.state(), "discharge", number, clock.now()))
            step(30)
            log.record(commands.record_vitals(log.state(), "124/80 70 98", clock.now()))
            for alarm in unacknowledged_alarms(log.state()):  # looked at before the close
                log.record(commands.acknowledge(log.state(), clock.now(), alarm.key))
            log.record(commands.close_session(log.state(), clock.now(), "test: the story's close"))
        client_id = book.find(CLIENT)
        book.append(
            client_id,
            QuestionnaireAnswered(at=START + timedelta(days=4), instrument="phq9", answers=(2, 2, 2, 2, 1, 2, 1, 1, 0)),
        )
        book.plan(client_id, 6, "every Monday and Thursday at 10:00", START)
    return client_id, ids
