"""In-process figures for the core, timed with time.perf_counter: append, fold, list.

These are cheap, so each runs three times as many runs as the plan asks (15 for the usual 5):
on a shared 2-core machine a median of 5 can still land on a busy moment.
"""

from __future__ import annotations

import sqlite3
import statistics
import time
from datetime import UTC, datetime
from pathlib import Path

from benchmarks.plan import Plan, Workspace
from benchmarks.report import Row, ms, spread
from kapsession.core import commands
from kapsession.core.clock import ManualClock
from kapsession.core.state import fold
from kapsession.presets import default_library
from kapsession.store.event_store import EventStore


def _runs(plan: Plan) -> int:
    return 3 * plan.runs


_BARE_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS events (seq INTEGER PRIMARY KEY AUTOINCREMENT, session_id TEXT NOT NULL, "
    "type TEXT NOT NULL, at TEXT NOT NULL, recorded_at TEXT NOT NULL, body TEXT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS events_by_session ON events (session_id, seq)",
)


def _bare_connection(path: Path) -> sqlite3.Connection:
    """A plain sqlite3 connection with the store's settings (WAL, synchronous=FULL)."""
    connection = sqlite3.connect(path, isolation_level=None, timeout=10)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=FULL")
    connection.execute("PRAGMA busy_timeout=10000")
    for statement in _BARE_SCHEMA:
        connection.execute(statement)
    return connection


def bench_append(ws: Workspace) -> Row:
    row = Row("append", "one durable event append (commit included)", "ratio <= 1.5")
    plan = ws.plan
    data_dir = ws.copy_of("long", "append")
    session_id = str(ws.data["long_id"])
    store = EventStore(data_dir)
    preset = default_library().get(store.session(session_id).preset)
    from kapsession.store.session_log import SessionLog

    log = SessionLog(store, session_id, preset, ManualClock())
    state = log.state()
    event = commands.record_vitals(state, "128/84 76 98 14", state.now)
    # The bare insert writes the same bytes the store writes for that event.
    from kapsession.core.events import event_body_json

    body = event_body_json(event)
    at = event.at.isoformat()
    bare = _bare_connection(data_dir / "bare.sqlite3")
    insert = "INSERT INTO events (session_id, type, at, recorded_at, body) VALUES (?, ?, ?, ?, ?)"

    def store_append() -> None:
        store.append(session_id, event)

    def bare_append() -> None:
        bare.execute("BEGIN IMMEDIATE")
        bare.execute(insert, (session_id, "vitals_recorded", at, at, body))
        bare.execute("COMMIT")

    for _ in range(3):  # warm both paths
        store.append(session_id, event)
        bare_append()
    measured_runs, baseline_runs = [], []
    try:
        for _ in range(_runs(plan)):
            ours, theirs = [], []
            for i in range(plan.append_iterations):
                # Alternate which goes first, so neither always follows the other's fsync.
                pair = ((ours, store_append), (theirs, bare_append))
                for into, call in pair if i % 2 == 0 else pair[::-1]:
                    started = time.perf_counter()
                    call()
                    into.append(time.perf_counter() - started)
            measured_runs.append(statistics.median(ours))
            baseline_runs.append(statistics.median(theirs))
    finally:
        store.close()
        bare.close()
    measured, baseline = statistics.median(measured_runs), statistics.median(baseline_runs)
    row.measured, row.baseline = ms(measured), ms(baseline)
    row.ratio = measured / baseline
    row.met = row.ratio <= 1.5
    row.details += [
        f"`EventStore.append` of one vitals reading to the {plan.long_events}-event session (BEGIN IMMEDIATE, "
        "session check, INSERT, listing-projection UPDATE, COMMIT), against a bare `sqlite3` "
        "BEGIN IMMEDIATE + INSERT of the same JSON body + COMMIT into a table of the same shape, "
        "both WAL with synchronous=FULL, both files in the same directory on the same disk.",
        f"{plan.append_iterations} pairs per run, alternating which goes first; each run's figure is the "
        f"median of its appends; {_runs(plan)} runs.",
        f"EventStore.append per run: {spread(measured_runs)}; bare insert+commit per run: {spread(baseline_runs)}.",
    ]
    return row


ENCRYPTED_PASSPHRASE = "benchmark passphrase, not a secret"


def bench_append_encrypted(ws: Workspace) -> Row:
    """The same durable append on an encrypted (SQLCipher) copy of the store and on a plain copy."""
    from kapsession.store.maintenance import encrypt
    from kapsession.store.session_log import SessionLog

    row = Row("append-encrypted", "durable append, encrypted store (SQLCipher) against plain", "ratio <= 1.5")
    plan = ws.plan
    session_id = str(ws.data["long_id"])
    plain_dir, encrypted_dir = ws.copy_of("long", "append-plain"), ws.copy_of("long", "append-encrypted")
    encrypt(encrypted_dir, ENCRYPTED_PASSPHRASE)
    plain, encrypted = EventStore(plain_dir), EventStore(encrypted_dir, ENCRYPTED_PASSPHRASE)
    preset = default_library().get(plain.session(session_id).preset)
    logs = {store: SessionLog(store, session_id, preset, ManualClock()) for store in (plain, encrypted)}
    state = logs[plain].state()
    event = commands.record_vitals(state, "128/84 76 98 14", state.now)
    stores = {"encrypted": encrypted, "plain": plain}
    for store in stores.values():  # warm both paths
        for _ in range(3):
            store.append(session_id, event)
            logs[store].record(event)
    figures: dict[str, list[float]] = {f"{kind} {how}": [] for kind in stores for how in ("append", "record")}
    try:
        for _ in range(_runs(plan)):
            times: dict[str, list[float]] = {key: [] for key in figures}
            for how in ("append", "record"):
                for i in range(plan.append_iterations):
                    # Alternate which goes first, so neither always follows the other's fsync.
                    order = list(stores.items()) if i % 2 == 0 else list(stores.items())[::-1]
                    for kind, store in order:
                        if how == "append":
                            started = time.perf_counter()
                            store.append(session_id, event)
                        else:
                            logs[store].state()  # the screen has drawn the session (untimed), as on the live screen
                            started = time.perf_counter()
                            logs[store].record(event)  # the app's path: the rules checked inside the write
                        times[f"{kind} {how}"].append(time.perf_counter() - started)
            for key, values in times.items():
                figures[key].append(statistics.median(values))
    finally:
        plain.close()
        encrypted.close()
    measured, baseline = statistics.median(figures["encrypted append"]), statistics.median(figures["plain append"])
    row.measured, row.baseline = ms(measured), ms(baseline)
    row.ratio = measured / baseline
    row.met = row.ratio <= 1.5
    row.details += [
        f"`EventStore.append` of one vitals reading to the {plan.long_events}-event session in an encrypted copy "
        "of the store (SQLCipher 4 defaults: AES-256, HMAC-SHA512 per page, 4 KiB pages) against the same append "
        "in a plain copy; both WAL with synchronous=FULL, in the same directory.",
        f"{plan.append_iterations} appends of each per run, alternating which goes first; each run's figure is the "
        f"median of its appends; {_runs(plan)} runs.",
        f"Encrypted append per run: {spread(figures['encrypted append'])}; plain: {spread(figures['plain append'])}.",
        "`SessionLog.record` (the app's path: the event admitted by the session's rules inside the write "
        f"transaction) per run, encrypted: {spread(figures['encrypted record'])}; plain: "
        f"{spread(figures['plain record'])}.",
    ]
    return row


def bench_fold(ws: Workspace) -> Row:
    plan = ws.plan
    row = Row("fold", f"session state rebuilt from {plan.fold_events:,} events", "under 50 ms")
    session_id = str(ws.data["fold_id"])
    data_dir = Path(ws.data["fold"])  # type: ignore[arg-type]
    reads, folds, totals = [], [], []
    with EventStore(data_dir) as store:
        preset = default_library().get(store.session(session_id).preset)
        events = store.events(session_id)
        now = max(event.at for event in events)
        fold(events, preset, now)  # warm
        for _ in range(_runs(plan)):
            started = time.perf_counter()
            events = store.events(session_id)
            read = time.perf_counter() - started
            per_run = []
            for _ in range(plan.fold_iterations):
                started = time.perf_counter()
                fold(events, preset, now)
                per_run.append(time.perf_counter() - started)
            reads.append(read)
            folds.append(statistics.median(per_run))
            totals.append(read + folds[-1])
    measured = statistics.median(folds)
    row.measured = ms(measured)
    row.baseline = "none"
    row.ratio = None
    row.met = measured < 0.050
    row.details += [
        f"`kapsession.core.state.fold(events, preset, now)` over a {len(events):,}-event session already in "
        f"memory; {plan.fold_iterations} folds per run, median per run, {_runs(plan)} runs: {spread(folds)}.",
        f"Reading those events from the store first (`EventStore.events`: one SQL query, pydantic decoding and validation): "
        f"{spread(reads)}.",
        f"Store read + fold together (what opening a session costs): {spread(totals)}.",
    ]
    return row


def bench_list(ws: Workspace) -> Row:
    plan = ws.plan
    row = Row("list", f"list of {plan.list_sessions:,} sessions for the home screen", "under 100 ms")
    data_dir = Path(ws.data["list"])  # type: ignore[arg-type]
    firsts, warms = [], []
    count = 0
    for _ in range(_runs(plan)):
        with EventStore(data_dir) as store:  # a fresh connection: SQLite's page cache is cold
            started = time.perf_counter()
            count = len(store.list_sessions())
            firsts.append(time.perf_counter() - started)
            started = time.perf_counter()
            store.list_sessions()
            warms.append(time.perf_counter() - started)
    measured = statistics.median(firsts)
    row.measured = ms(measured)
    row.baseline = "none"
    row.met = measured < 0.100
    row.details += [
        f"`EventStore.list_sessions()` returning {count:,} `SessionRow`s from the listing projection, the "
        f"first call on a freshly opened store each run, {_runs(plan)} runs: {spread(firsts)}.",
        f"A second call on the same connection: {spread(warms)}.",
    ]
    return row


def bench_course(ws: Workspace) -> Row:
    """The course view's work for a client: its record, its sessions' events read and folded, the
    course built (what the course view and the course report start from)."""
    import random

    from kapsession.store.clients import ClientBook

    plan = ws.plan
    row = Row(
        "course",
        f"course view of any client ({plan.course_clients:,} clients, {plan.course_sessions:,} sessions)",
        "under 100 ms",
    )
    data_dir = Path(ws.data["course"])  # type: ignore[arg-type]
    client_ids = list(ws.data["course_ids"])  # type: ignore[arg-type]
    sample = random.Random(5).sample(client_ids, min(8, len(client_ids)))
    library = default_library()
    per_client: dict[str, list[float]] = {client: [] for client in sample}
    sessions_seen: dict[str, int] = {}
    for _ in range(_runs(plan)):
        with EventStore(data_dir) as store:  # a fresh connection each run: SQLite's cache is cold
            book = ClientBook(store)
            for client in sample:
                now = datetime.now(UTC)
                started = time.perf_counter()
                course = book.course(client, now, library=library)
                per_client[client].append(time.perf_counter() - started)
                sessions_seen[client] = len(course.sessions)
    medians = {client: statistics.median(times) for client, times in per_client.items()}
    worst = max(medians.values())
    row.measured = ms(worst)
    row.baseline = "none"
    row.met = worst < 0.100
    row.details += [
        f"`ClientBook.course(client, now)`: the client record, its {min(sessions_seen.values())}-"
        f"{max(sessions_seen.values())} sessions read from the store and folded (each with a PHQ-9 and a GAD-7), "
        f"the course built; {len(sample)} clients chosen at random from {plan.course_clients:,}, each timed "
        f"on a freshly opened store, {_runs(plan)} runs. The figure is the slowest client's median.",
        "Per client (median of runs): " + ", ".join(f"{ms(value)}" for value in sorted(medians.values())) + ".",
    ]
    return row
