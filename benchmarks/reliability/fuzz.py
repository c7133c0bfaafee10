"""The fuzz and privacy section of docs/reliability.md: `benchmarks.reliability_fuzz` run for a
time budget, its failure counts as rows (goal 0) and its case counts under the heading."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from benchmarks.reliability.report import Count, Section, Settings

FAILURES = ("tracebacks", "unexpected messages", "raw control characters printed", "leaks")


def section(settings: Settings, workdir: Path, log: Callable[[str], None]) -> Section:
    from benchmarks.reliability_fuzz import run

    budget = 10.0 if settings.quick else 240.0
    problems: list[str] = []
    counts = run(budget, problems)
    parsers = sum(value for key, value in counts.items() if key.startswith("parser "))
    commands = sum(value for key, value in counts.items() if key.startswith("command "))
    renders = counts.get("privacy renders", 0)
    cases = f"in {parsers:,} parser cases and {commands:,} command lines"
    found = Section("fuzz", "Fuzz and privacy renders")
    found.counts = [
        Count("fuzz: tracebacks shown", counts["tracebacks"], cases),
        Count("fuzz: 'unexpected' messages", counts["unexpected messages"], cases),
        Count("fuzz: raw control characters printed", counts["raw control characters printed"], cases),
        Count("privacy: private notes in a client-facing render", counts["leaks"], f"in {renders:,} renders"),
    ]
    found.details = [
        f"`benchmarks/reliability_fuzz.py` for about {budget:g} s: hypothesis-made input to every parser "
        "and every command line (run in-process through `kapsession.cli.main` on a temporary data folder, "
        "random bytes on standard input), and summaries, records and `show` rendered with random private "
        "notes.",
        "",
        "| what | cases |",
        "|---|---|",
        *(f"| {key} | {value:,} |" for key, value in counts.items() if key not in FAILURES),
    ]
    if problems:
        found.details += ["", "First problems found:", *(f"- {problem}" for problem in problems[:10])]
    return found
