"""Run every reliability section and write docs/reliability.md.

    .venv/bin/python -m benchmarks.reliability                  # the full run (about 5 minutes here)
    .venv/bin/python -m benchmarks.reliability --only races --output /tmp/reliability.md
    .venv/bin/python -m benchmarks.reliability --quick          # a few trials each: a smoke run, never for the doc

Each section counts what must never happen (acknowledged events lost, rules broken, ...); the goal
is 0 in every row. A section that fails to run is reported as such, never as a zero.
"""

from __future__ import annotations

import argparse
import importlib
import os
import shutil
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path

if __package__ in (None, ""):  # pragma: no cover - `python benchmarks/reliability/__main__.py`
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from benchmarks.plan import REPO
from benchmarks.reliability import SECTIONS
from benchmarks.reliability.report import Section, Settings, now, render, write


def run(settings: Settings, only: Sequence[str] | None = None, log: Callable[[str], None] = print) -> list[Section]:
    """Every section (or those in `only`), each in its own temporary folder."""
    base = os.environ.get("KAPSESSION_RELIABILITY_TMP") or None
    root = Path(tempfile.mkdtemp(prefix="kapreliability-", dir=base))
    sections: list[Section] = []
    previous = {key: os.environ.get(key) for key in ("KAPSESSION_CONFIG_DIR", "KAPSESSION_PASSPHRASE")}
    # The therapist's own settings, presets and passphrase play no part.
    os.environ["KAPSESSION_CONFIG_DIR"] = str(root / "config")
    os.environ.pop("KAPSESSION_PASSPHRASE", None)
    try:
        for key, target in SECTIONS:
            if only and key not in only:
                continue
            log(f"{key} ...")
            module_name, function_name = target.split(":")
            workdir = root / key
            workdir.mkdir()
            started = time.perf_counter()
            try:
                section = getattr(importlib.import_module(module_name), function_name)(settings, workdir, log)
            except Exception as error:
                section = Section(key, key, failed=f"{type(error).__name__}: {error}")
                section.details.append("```\n" + traceback.format_exc().strip() + "\n```")
            section.seconds = section.seconds or time.perf_counter() - started
            found = sum(count.found for count in section.counts)
            log(
                f"  {key}: {found} found in {len(section.counts)} rows"
                + (f"; FAILED: {section.failed}" if section.failed else "")
            )
            sections.append(section)
    finally:
        for key, value in previous.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        shutil.rmtree(root, ignore_errors=True)
    return sections


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.reliability", description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a few trials per section (a smoke run)")
    parser.add_argument("--only", help="comma-separated: " + ", ".join(key for key, _ in SECTIONS))
    parser.add_argument("--kills", type=int, help=f"kill runs on the plain store (default {Settings.kill_runs})")
    parser.add_argument("--rounds", type=int, help=f"races per rule and store (default {Settings.race_rounds})")
    parser.add_argument("--seed", type=int, default=int.from_bytes(os.urandom(2), "big"))
    parser.add_argument("--output", default=str(REPO / "docs" / "reliability.md"), metavar="FILE")
    args = parser.parse_args(argv)
    settings = Settings.quick_settings(args.seed) if args.quick else Settings(seed=args.seed)
    if args.kills is not None or args.rounds is not None:
        from dataclasses import replace

        settings = replace(
            settings, kill_runs=args.kills or settings.kill_runs, race_rounds=args.rounds or settings.race_rounds
        )
    only = [name.strip() for name in args.only.split(",")] if args.only else None
    known = [key for key, _ in SECTIONS]
    if only and (unknown := [name for name in only if name not in known]):
        parser.error(f"unknown section(s) {', '.join(unknown)}; known: {', '.join(known)}")
    started_at, started = now(), time.perf_counter()
    sections = run(settings, only)
    command = ".venv/bin/python -m benchmarks.reliability" + (" --quick" if args.quick else "")
    command += "".join(
        f" {flag} {value}"
        for flag, value in (("--only", args.only), ("--kills", args.kills), ("--rounds", args.rounds))
        if value
    )
    text = render(
        sections, command=command + f" --seed {args.seed}", started=started_at, seconds=time.perf_counter() - started
    )
    write(Path(args.output), text)
    rows = [count for section in sections for count in section.counts]
    print(
        f"wrote {args.output}: {sum(count.found == 0 for count in rows)} of {len(rows)} rows at 0"
        + (f", {sum(1 for s in sections if s.failed)} section(s) failed" if any(s.failed for s in sections) else "")
    )
    return 0 if all(count.found == 0 for count in rows) and not any(s.failed for s in sections) else 1


if __name__ == "__main__":
    raise SystemExit(main())
