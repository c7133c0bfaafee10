"""Run every benchmark and write docs/performance.md.

    .venv/bin/python -m benchmarks.run            # the full run (about 10 minutes here)
    .venv/bin/python -m benchmarks.run --quick    # idle CPU over 10 s instead of 60 s
    .venv/bin/python -m benchmarks.run --only append,fold --output /tmp/perf.md

Figures are medians of at least 5 runs (`--runs`), each measured beside its baseline in the same
run. The seeded data (1,000 and 10,000 sessions, a 3-hour 500-event session, a 5,000-event one) is
built first through the real store and commands; see benchmarks/seed.py.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path

if __package__ in (None, ""):  # `python benchmarks/run.py`
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import seed
from benchmarks.plan import REPO, Plan, Workspace
from benchmarks.report import Row, now, render, write

ORDER = (
    "home",
    "resume",
    "vitals-key",
    "idle-cpu",
    "idle-switches",
    "memory",
    "append",
    "append-encrypted",
    "append-postgres",
    "writers-postgres",
    "fold",
    "list",
    "course",
    "summary-pdf",
)


# Which seeded data each benchmark reads.
NEEDS = {
    "home": {"home"},
    "resume": {"long"},
    "vitals-key": {"long"},
    "idle-cpu": {"long"},
    "idle-switches": {"long"},
    "memory": {"long"},
    "append": {"long"},
    "append-encrypted": {"long"},
    "append-postgres": set(),
    "writers-postgres": set(),
    "fold": {"fold"},
    "list": {"list"},
    "course": {"course"},
    "summary-pdf": {"long"},
}


def prepare(ws: Workspace, wanted: set[str], log: Callable[[str], None] = print) -> None:
    """Seed the data dirs the wanted benchmarks read (see benchmarks/seed.py)."""
    plan = ws.plan
    needs = set().union(*(NEEDS[key] for key in wanted))
    started = time.perf_counter()
    data = ws.data
    if "home" in needs or ("list" in needs and plan.list_sessions == plan.home_sessions):
        data["home"] = ws.root / "data-home"
        data["home_ids"] = seed.seed_practice(data["home"], plan.home_sessions)  # type: ignore[arg-type]
        data["home_newest_client"] = seed.client_name(plan.home_sessions - 1)
        log(f"  seeded {plan.home_sessions:,} sessions ({time.perf_counter() - started:.1f} s)")
    if "list" in needs:
        if plan.list_sessions == plan.home_sessions:
            data["list"] = data["home"]
        else:
            data["list"] = ws.root / "data-list"
            seed.seed_practice(data["list"], plan.list_sessions)  # type: ignore[arg-type]
            log(f"  seeded {plan.list_sessions:,} sessions ({time.perf_counter() - started:.1f} s)")
    if "long" in needs:
        data["long"] = ws.root / "data-long"
        data["long_id"] = seed.seed_long_session(data["long"], plan.long_events, 3.0)  # type: ignore[arg-type]
        data["long_bp"] = seed.latest_blood_pressure(data["long"], data["long_id"])  # type: ignore[arg-type]
        data["long_note"] = seed.newest_note_words(data["long"], data["long_id"])  # type: ignore[arg-type]
        log(f"  seeded the {plan.long_events}-event session ({time.perf_counter() - started:.1f} s)")
    if "fold" in needs:
        data["fold"] = ws.root / "data-fold"
        data["fold_id"] = seed.seed_long_session(data["fold"], plan.fold_events, 3.0)  # type: ignore[arg-type]
        log(f"  seeded the {plan.fold_events:,}-event session ({time.perf_counter() - started:.1f} s)")
    if "course" in needs:
        data["course"] = ws.root / "data-course"
        data["course_ids"] = seed.seed_clients(data["course"], plan.course_clients, plan.course_sessions)  # type: ignore[arg-type]
        log(
            f"  seeded {plan.course_clients:,} clients, {plan.course_sessions:,} sessions "
            f"({time.perf_counter() - started:.1f} s)"
        )


def benchmarks() -> dict[str, Callable[[Workspace], Row | tuple[Row, ...]]]:
    from benchmarks import core, postgres, processes, screens

    return {
        "home": screens.bench_home,
        "resume": screens.bench_resume,
        "vitals-key": screens.bench_vitals_key,
        "idle-cpu": screens.bench_idle,  # also gives "idle-switches" and "memory"
        "append": core.bench_append,
        "append-encrypted": core.bench_append_encrypted,
        "append-postgres": postgres.bench_append_postgres,  # also gives "writers-postgres"
        "fold": core.bench_fold,
        "list": core.bench_list,
        "course": core.bench_course,
        "summary-pdf": processes.bench_summary_pdf,
    }


def run(
    plan: Plan, only: Sequence[str] | None = None, log: Callable[[str], None] = print, keep: bool = False
) -> list[Row]:
    """Every benchmark (or those in `only`) on `plan`; a benchmark that crashes becomes its row's status."""
    ws = Workspace.create(plan, keep=keep)
    rows: dict[str, Row] = {}
    try:
        wanted = set(only or ORDER)
        if wanted & {"memory", "idle-switches"}:
            wanted.add("idle-cpu")
        if "writers-postgres" in wanted:
            wanted.add("append-postgres")
        log(f"seeding data in {ws.root}")
        prepare(ws, wanted, log)
        for key, bench in benchmarks().items():
            if key not in wanted:
                continue
            log(f"{key} ...")
            started = time.perf_counter()
            try:
                result = bench(ws)
            except Exception as error:
                result = Row(key, key, "", status=f"benchmark failed: {type(error).__name__}: {error}")
                result.details.append("```\n" + traceback.format_exc().strip() + "\n```")
            for row in result if isinstance(result, tuple) else (result,):
                rows[row.key] = row
                verdict = row.status or (
                    f"{row.measured} vs {row.baseline}, ratio {row.ratio:.2f}"
                    if row.ratio is not None
                    else row.measured
                )
                log(f"  {row.key}: {verdict} ({time.perf_counter() - started:.0f} s)")
    finally:
        ws.cleanup()
    return [
        rows[key]
        for key in ORDER
        if key in rows
        and (
            not only
            or key in only
            or (key in ("memory", "idle-switches") and "idle-cpu" in only)
            or (key == "writers-postgres" and "append-postgres" in only)
        )
    ]


def main(argv: Sequence[str] | None = None) -> int:
    # A user's machine writes .pyc files; measuring with them turned off would charge every
    # launch for recompiling kapsession (some sandboxes set this variable).
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="idle CPU over 10 s instead of 60 s, fewer appends")
    parser.add_argument("--runs", type=int, default=5, help="runs per figure (at least 5 for docs/performance.md)")
    parser.add_argument("--only", help=f"comma-separated: {', '.join(ORDER)}")
    parser.add_argument("--output", default=str(REPO / "docs" / "performance.md"), metavar="FILE")
    parser.add_argument("--keep", action="store_true", help="keep the temporary data dirs")
    args = parser.parse_args(argv)
    plan = (Plan.quick_plan() if args.quick else Plan.full()).with_runs(args.runs)
    only = [name.strip() for name in args.only.split(",")] if args.only else None
    if only:
        unknown = [name for name in only if name not in ORDER]
        if unknown:
            parser.error(f"unknown benchmark(s) {', '.join(unknown)}; known: {', '.join(ORDER)}")
    started_at, started = now(), time.perf_counter()
    rows = run(plan, only, keep=args.keep)
    command = ".venv/bin/python -m benchmarks.run" + (" --quick" if args.quick else "")
    if args.runs != 5:
        command += f" --runs {args.runs}"
    if only:
        command += " --only " + ",".join(only)
    text = render(
        rows,
        quick=plan.quick,
        runs=plan.runs,
        idle_seconds=plan.idle_seconds,
        command=command,
        started=started_at,
        seconds=time.perf_counter() - started,
    )
    write(Path(args.output), text)
    print(f"wrote {args.output}")
    measured = [row for row in rows if row.measured_ok]
    print(f"{len(measured)} of {len(rows)} measured, {sum(1 for row in measured if row.met)} meet their target")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
