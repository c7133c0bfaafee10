"""The PostgreSQL store's figures: a durable append over loopback against the SQLite append, and
ten writers at once (a clinic's rooms, each its own session and connection). Without a server
(benchmarks/postgres_server.py) the rows say "no PostgreSQL" and are not measured."""

from __future__ import annotations

import multiprocessing
import statistics
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from benchmarks.plan import Workspace
from benchmarks.report import Row, ms, spread

WRITERS = 10
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _server(ws: Workspace) -> tuple[str | None, Any, str]:
    """A server for the rows (over TCP on 127.0.0.1 when this run starts its own)."""
    import os

    from benchmarks.postgres_server import TEST_URL_VARIABLE, ThrowawayCluster, _binaries, admin_url

    if os.environ.get(TEST_URL_VARIABLE) or _binaries() is None:
        url, cluster, reason = admin_url()
        return url, cluster, reason
    try:
        cluster = ThrowawayCluster(tcp=True)
    except Exception as error:
        return None, None, f"no PostgreSQL: a throwaway cluster did not start ({error})"
    return cluster.tcp_url, cluster, ""


def _opened() -> Any:
    from kapsession.core.events import Client, SessionOpened

    return SessionOpened(at=T0, client=Client(name="Bench"), preset="intramuscular")


def _event() -> Any:
    from kapsession.core.events import VitalsRecorded
    from kapsession.core.vitals import VitalsReading

    return VitalsRecorded(at=T0, reading=VitalsReading(systolic=128, diastolic=84, heart_rate=76))


def bench_append_postgres(ws: Workspace) -> tuple[Row, Row]:
    append = Row("append-postgres", "durable append, PostgreSQL over loopback against SQLite", "under 5 ms")
    writers = Row("writers-postgres", f"{WRITERS} writers at once on PostgreSQL (appends/s, p99)", "p99 under 50 ms")
    url, cluster, reason = _server(ws)
    if url is None:
        append.status = writers.status = reason or "no PostgreSQL"
        return append, writers
    try:
        _measure_append(ws, url, append)
        _measure_writers(ws, url, writers)
    finally:
        if cluster is not None:
            cluster.remove()
    return append, writers


def _measure_append(ws: Workspace, admin: str, row: Row) -> None:
    from benchmarks.postgres_server import fresh_database
    from kapsession.store.event_store import EventStore
    from kapsession.store.factory import open_store

    plan = ws.plan
    pg = open_store(ws.root / "pg-append", fresh_database(admin))
    lite = EventStore(ws.root / "sqlite-append")
    stores = {"postgres": pg, "sqlite": lite}
    ids = {kind: store.create_session(_opened())[0] for kind, store in stores.items()}
    event = _event()
    figures: dict[str, list[float]] = {kind: [] for kind in stores}
    try:
        for kind, store in stores.items():  # warm both
            for _ in range(3):
                store.append(ids[kind], event)
        for _ in range(3 * plan.runs):
            times: dict[str, list[float]] = {kind: [] for kind in stores}
            for i in range(plan.append_iterations):
                order = list(stores.items()) if i % 2 == 0 else list(stores.items())[::-1]
                for kind, store in order:
                    started = time.perf_counter()
                    store.append(ids[kind], event)
                    times[kind].append(time.perf_counter() - started)
            for kind, values in times.items():
                figures[kind].append(statistics.median(values))
    finally:
        pg.close()
        lite.close()
    measured, baseline = statistics.median(figures["postgres"]), statistics.median(figures["sqlite"])
    row.measured, row.baseline = ms(measured), ms(baseline)
    row.ratio = measured / baseline
    row.seconds = measured
    row.met = measured < 0.005
    row.details += [
        "`append` of one vitals reading on a PostgreSQL server over TCP on 127.0.0.1 (advisory locks, INSERT, "
        "listing UPDATE, NOTIFY, COMMIT with synchronous_commit on) against the SQLite store's append "
        "(WAL, synchronous=FULL) on this machine's disk; the ratio is PostgreSQL's over SQLite's.",
        f"{plan.append_iterations} appends of each per run, alternating; {3 * plan.runs} runs.",
        f"PostgreSQL per run: {spread(figures['postgres'])}; SQLite: {spread(figures['sqlite'])}.",
    ]


def _writer(url: str, data_dir: str, count: int, start: Any, results: Any) -> None:
    from kapsession.store.factory import open_store

    store = open_store(Path(data_dir), url)
    session_id, _ = store.create_session(_opened())
    event = _event()
    start.wait()
    latencies = []
    for _ in range(count):
        started = time.perf_counter()
        store.append(session_id, event)
        latencies.append(time.perf_counter() - started)
    store.close()
    results.put(latencies)


def _measure_writers(ws: Workspace, admin: str, row: Row) -> None:
    from benchmarks.postgres_server import fresh_database
    from kapsession.store.factory import open_store

    url = fresh_database(admin)
    open_store(ws.root / "pg-writers", url).close()  # the schema, before ten machines race to make it
    count = max(ws.plan.append_iterations, 20)
    context = multiprocessing.get_context("spawn")
    start, results = context.Barrier(WRITERS + 1), context.Queue()
    processes = [
        context.Process(target=_writer, args=(url, str(ws.root / f"pg-writer-{n}"), count, start, results))
        for n in range(WRITERS)
    ]
    for process in processes:
        process.start()
    start.wait()
    began = time.perf_counter()
    latencies = [value for _ in processes for value in results.get(timeout=300)]
    elapsed = time.perf_counter() - began
    for process in processes:
        process.join(timeout=30)
    latencies.sort()
    p99 = latencies[max(0, int(len(latencies) * 0.99) - 1)]
    rate = len(latencies) / elapsed
    row.measured = f"{rate:,.0f}/s, p99 {ms(p99)} (median {ms(statistics.median(latencies))})"
    row.baseline = "none"
    row.seconds = p99
    row.met = p99 < 0.050
    row.details += [
        f"{WRITERS} processes, each with its own connection and session (a clinic's rooms), {count} appends each, "
        "started together at a barrier; appends per second over the whole run, p99 of each append's time.",
    ]
