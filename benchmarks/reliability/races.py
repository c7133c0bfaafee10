"""Races: eight processes give the same command to one session at the same moment, and the
session's rules must still hold.

Each writer is a long-lived process with its own open store (as a second terminal co-monitoring
a session would be); for each race they meet at a barrier and then run one command line through
the real command-line code (`cli.cmd_add` / `cli.cmd_new`: argument parsing, the fold, the
command, the store). The parent then reads the session back and counts what broke a rule:

- dose:   `add ID dose 100` on an intramuscular session (maximum 150 mg): more than 150 mg given
- card:   `add ID card` from a new session: more cards than the preset's `max_cards`, or one drawn twice
- close:  `add ID close`: more than one close
- phase:  `add ID phase next` from no phase: a phase that is not the one after the phase before it
- series: `new --client X` for one new client: series numbers that are not 1..8
- alert:  `add ID alert ...` (all within the same second), then `add ID ack`: two alerts with one
          key, an alert acknowledged twice, or an alert left open after eight acknowledgements
"""

from __future__ import annotations

import multiprocessing
import queue
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

RULES = ("dose", "card", "close", "phase", "series", "alert")
PRELOAD = [
    "benchmarks.reliability.races",
    "kapsession.cli",
    "kapsession.core.commands",
    "kapsession.presets",
    "kapsession.store.session_log",
    "kapsession.store.event_store",
]
WRITERS = 8
DOSE_MG = 100


@dataclass
class RaceCount:
    rule: str
    races: int = 0
    violations: int = 0
    accepted: int = 0  # commands recorded
    refused: int = 0  # commands refused with a sentence
    failures: int = 0  # anything else (an engine error, a traceback): must be 0 too
    seconds: float = 0.0
    examples: list[str] = field(default_factory=list)  # the first few violations, in words

    def violated(self, count: int, what: str) -> None:
        if count:
            self.violations += count
            if len(self.examples) < 3:
                self.examples.append(what)


# -- the writers --------------------------------------------------------------------------------


def _writer(data_dir: str, database: str | None, passphrase: str | None, jobs: Any, results: Any, barrier: Any) -> None:
    """One writer process: one store, kept open; each job is one command line run at the barrier.
    The store is named by the parent (`database`), never read from this process's environment:
    writers fork from a fork server that keeps the environment of the run that started it."""
    from kapsession import cli
    from kapsession.core.errors import KapsessionError
    from kapsession.presets import default_library
    from kapsession.store.event_store import EventStore
    from kapsession.store.factory import open_store

    store = EventStore(Path(data_dir), passphrase) if database is None else open_store(Path(data_dir), database)
    library = default_library()
    parsers: dict[str | None, Any] = {}  # built once per command: argparse is slow to build
    try:
        while True:
            job = jobs.get()
            if job is None:
                return
            race, argv = job
            word = cli.command_word(argv)
            if word not in parsers:
                parsers[word] = cli.build_parser(word)
            args = parsers[word].parse_args(argv)
            printed: list[str] = []
            context = cli.Context(args, _store=store, _library=library, out=printed.append)
            barrier.wait(timeout=60)
            try:
                args.func(context)
                results.put((race, "accepted", printed[-1] if printed else ""))
            except KapsessionError as error:
                results.put((race, "refused", str(error)))
            except Exception as error:
                results.put((race, "failed", f"{type(error).__name__}: {error}"))
    finally:
        store.close()


class Writers:
    """`count` writer processes sharing one barrier."""

    def __init__(
        self, data_dir: Path, passphrase: str | None, count: int = WRITERS, database: str | None = None
    ) -> None:
        # A fork server that has imported kapsession once starts eight writers in a moment (each
        # a fresh process, not a copy of a parent holding an open database).
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(PRELOAD)
        self.count = count
        self.results = context.Queue()
        self.barrier = context.Barrier(count)
        self.jobs = [context.Queue() for _ in range(count)]
        self.processes = [
            context.Process(
                target=_writer,
                args=(str(data_dir), database, passphrase, jobs, self.results, self.barrier),
                daemon=True,
            )
            for jobs in self.jobs
        ]
        for process in self.processes:
            process.start()

    def race(self, race: int, argv: list[str]) -> list[tuple[str, str]]:
        """Every writer runs `argv` at once; returns each one's (outcome, text)."""
        for jobs in self.jobs:
            jobs.put((race, argv))
        outcomes = []
        for _ in range(self.count):
            try:
                got_race, outcome, text = self.results.get(timeout=120)
            except queue.Empty:
                raise RuntimeError("a race writer stopped answering") from None
            assert got_race == race
            outcomes.append((outcome, text))
        return outcomes

    def close(self) -> None:
        for jobs in self.jobs:
            jobs.put(None)
        for process in self.processes:
            process.join(timeout=30)
            if process.is_alive():  # pragma: no cover - only if a writer hung
                process.kill()


# -- the rules ----------------------------------------------------------------------------------


def _new_session(store: Any, preset: str, client: str) -> str:
    from kapsession.core.events import Client, SessionOpened

    opened = SessionOpened(at=datetime.now(UTC), client=Client(name=client), preset=preset)
    return store.create_session(opened)[0]


def _tally(count: RaceCount, outcomes: list[tuple[str, str]]) -> None:
    for outcome, text in outcomes:
        if outcome == "accepted":
            count.accepted += 1
        elif outcome == "refused":
            count.refused += 1
        else:
            count.failures += 1
            if len(count.examples) < 3:
                count.examples.append(f"a writer failed: {text}")


def _race_dose(store: Any, writers: Writers, race: int, count: RaceCount, library: Any) -> None:
    from kapsession.core.events import DoseGiven, PreDoseDecision

    session = _new_session(store, "intramuscular", f"race-dose-{race}")
    # The pre-dose gate is passed by a recorded decision, as a therapist would before dosing.
    store.append(
        session, PreDoseDecision(at=datetime.now(UTC), decision="proceed", reason="race test: no intake taken")
    )
    # Each writer gives its dose as a repeat, confirmed, so the maximum is what stops them.
    _tally(count, writers.race(race, ["add", session, "dose", str(DOSE_MG), "--repeat", "--confirm"]))
    given = sum(event.mg for event in store.events(session) if isinstance(event, DoseGiven))
    maximum = library.get("intramuscular").dosing.max_mg
    count.violated(int(given > maximum), f"{given:g} mg recorded against a maximum of {maximum:g} mg")


def _race_card(store: Any, writers: Writers, race: int, count: RaceCount, library: Any) -> None:
    from kapsession.core.events import CardDrawn

    session = _new_session(store, "sublingual-troche", f"race-card-{race}")
    cap = library.get("sublingual-troche").max_cards
    _tally(count, writers.race(race, ["add", session, "card"]))
    drawn = Counter(event.card.casefold() for event in store.events(session) if isinstance(event, CardDrawn))
    twice = sum(times - 1 for times in drawn.values())
    count.violated(twice, f"{twice} card(s) drawn twice in one session")
    over = max(0, sum(drawn.values()) - cap)
    count.violated(over, f"{over} card(s) drawn past the preset's cap of {cap}")


def _race_close(store: Any, writers: Writers, race: int, count: RaceCount, library: Any) -> None:
    from kapsession.core.events import SessionClosed

    session = _new_session(store, "sublingual-troche", f"race-close-{race}")
    _tally(count, writers.race(race, ["add", session, "close", "--reason", "race test"]))
    closes = sum(isinstance(event, SessionClosed) for event in store.events(session))
    count.violated(max(0, closes - 1), f"the session was closed {closes} times")


def _race_phase(store: Any, writers: Writers, race: int, count: RaceCount, library: Any) -> None:
    from kapsession.core.events import PhaseStarted
    from kapsession.core.phases import next_phase

    session = _new_session(store, "sublingual-troche", f"race-phase-{race}")
    _tally(count, writers.race(race, ["add", session, "phase", "next"]))
    phases = [event.phase for event in store.events(session) if isinstance(event, PhaseStarted)]
    previous: str | None = None
    skipped = 0
    for phase in phases:
        skipped += phase != next_phase(previous)
        previous = phase
    count.violated(skipped, f"`next` did not move exactly one phase: {' -> '.join(phases)}")


def _race_series(store: Any, writers: Writers, race: int, count: RaceCount, library: Any) -> None:
    client = f"race-series-{race}"
    _tally(count, writers.race(race, ["new", "--client", client, "--preset", "sublingual-troche", "--no-open"]))
    numbers = sorted(row.series_number for row in store.client_history(client))
    wrong = len(numbers) - len(set(numbers)) + (numbers != list(range(1, len(numbers) + 1)))
    count.violated(wrong, f"series numbers {numbers} for {len(numbers)} sessions of one client")


def _race_alert(store: Any, writers: Writers, race: int, count: RaceCount, library: Any) -> None:
    from kapsession.core.events import AlertAcknowledged, AlertRaised
    from kapsession.core.state import fold

    session = _new_session(store, "sublingual-troche", f"race-alert-{race}")
    _tally(count, writers.race(race, ["add", session, "alert", "check the client's breathing"]))
    _tally(count, writers.race(race, ["add", session, "ack"]))
    events = store.events(session)
    raised = Counter(event.key for event in events if isinstance(event, AlertRaised))
    acknowledged = Counter(event.key for event in events if isinstance(event, AlertAcknowledged))
    shared = sum(times - 1 for times in raised.values())
    twice = sum(times - 1 for times in acknowledged.values())
    state = fold(events, library.get("sublingual-troche"), datetime.now(UTC))
    still_open = sum(alert.kind == "manual" for alert in state.open_alerts)
    count.violated(shared, f"{shared} alert(s) raised under a key already used")
    count.violated(twice, f"{twice} alert(s) acknowledged twice")
    count.violated(still_open, f"{still_open} alert(s) left open after {writers.count} acknowledgements")


RACES: dict[str, Callable[[Any, Writers, int, RaceCount, Any], None]] = {
    "dose": _race_dose,
    "card": _race_card,
    "close": _race_close,
    "phase": _race_phase,
    "series": _race_series,
    "alert": _race_alert,
}


def run_races(
    data_dir: Path,
    rounds: int = 50,
    passphrase: str | None = None,
    rules: tuple[str, ...] = RULES,
    writers: int = WRITERS,
) -> dict[str, RaceCount]:
    """`rounds` races of `writers` processes on each rule, in `data_dir` (a store is made there
    if absent); returns the count per rule."""
    from kapsession.presets import default_library
    from kapsession.store.factory import database_url, open_store

    library = default_library()
    counts = {rule: RaceCount(rule) for rule in rules}
    database = database_url(None)  # PostgreSQL if $KAPSESSION_DATABASE_URL says so, else None
    store = open_store(Path(data_dir), database, passphrase=passphrase)
    pool = Writers(Path(data_dir), passphrase, writers, database)
    try:
        race = 0
        for rule in rules:
            started = time.perf_counter()
            for _ in range(rounds):
                race += 1
                RACES[rule](store, pool, race, counts[rule], library)
                counts[rule].races += 1
            counts[rule].seconds = time.perf_counter() - started
    finally:
        pool.close()
        store.close()
    return counts


RULE_WORDS = {
    "dose": ("`add ID dose 100`, intramuscular (maximum 150 mg)", "sessions given more than the maximum"),
    "card": ("`add ID card`, three cards left", "cards drawn twice in a session"),
    "close": ("`add ID close`", "second closes of a session"),
    "phase": ("`add ID phase next`, from no phase", "phases started out of order (not one on from the one before)"),
    "series": ("`new --client X`, one new client", "sessions numbered wrongly in a client's series"),
    "alert": ("`add ID alert ...` then `add ID ack`", "alerts sharing a key, acknowledged twice, or left open"),
}


def section(settings, workdir: Path, log) -> Any:
    """The races on each rule, on a plain store and on an encrypted one, for docs/reliability.md."""
    from benchmarks.reliability.report import Count, Section

    result = Section("races", "Races")
    table = [
        "| rule | command raced | plain: races, accepted / refused | encrypted: races, accepted / refused |",
        "|---|---|---|---|",
    ]
    by_kind: dict[str, dict[str, RaceCount]] = {}
    for kind in ("plain", "encrypted"):
        data_dir = workdir / f"races-{kind}"
        passphrase = None
        if kind == "encrypted":
            from kapsession.store.maintenance import encrypt

            passphrase = "reliability passphrase, not a secret"
            encrypt(data_dir, passphrase)
        log(f"  {settings.race_rounds} races per rule, {kind} store ...")
        by_kind[kind] = run_races(data_dir, settings.race_rounds, passphrase, writers=settings.race_writers)
        result.seconds += sum(count.seconds for count in by_kind[kind].values())
    for rule in RULES:
        command, broken = RULE_WORDS[rule]
        for kind in ("plain", "encrypted"):
            count = by_kind[kind][rule]
            result.counts.append(
                Count(
                    f"{rule}: {broken}, {kind} store",
                    count.violations,
                    f"in {count.races} races of {settings.race_writers} writers",
                )
            )
            if count.failures:
                result.counts.append(
                    Count(
                        f"{rule}: a writer failed without a sentence, {kind} store",
                        count.failures,
                        f"of {count.accepted + count.refused + count.failures} commands",
                    )
                )
        plain, encrypted = by_kind["plain"][rule], by_kind["encrypted"][rule]
        table.append(
            f"| {rule} | {command} | {plain.races}, {plain.accepted} / {plain.refused} "
            f"| {encrypted.races}, {encrypted.accepted} / {encrypted.refused} |"
        )
    examples = [
        f"- {kind}, {rule}: {example}"
        for kind, counts in by_kind.items()
        for rule, count in counts.items()
        for example in count.examples
    ]
    result.details += [
        f"- {settings.race_writers} writer processes, each with the store open (as a second terminal "
        "co-monitoring a session has), meet at a barrier and run the same command line through the "
        "command-line code (`cli.cmd_add`, `cli.cmd_new`) on one session at once; a fresh session for "
        "every race. Then the session is read back and every broken rule counted "
        "(benchmarks/reliability/races.py says how each is counted). Each command is decided inside "
        "the store's write transaction on the session's latest events, so all but what the rule "
        "allows are refused with a sentence.",
        "",
        *table,
        "",
        *(["Violations found:", "", *examples] if examples else ["No violation was found."]),
    ]
    return result
