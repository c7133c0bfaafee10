"""Whole processes without a screen: the client summary PDF against typst rendering an empty page."""

from __future__ import annotations

import os
import statistics
import subprocess
import time
from pathlib import Path

from benchmarks.plan import Plan, Workspace
from benchmarks.report import Row, ms, spread
from benchmarks.screens import Missing, _need_module

EMPTY_PAGE = "import sys, typst; typst.compile(b'', output=sys.argv[1], format='pdf')"


class Failed(Exception):
    pass


def _timed(command: list[str], env: dict[str, str], cwd: Path) -> float:
    started = time.perf_counter()
    done = subprocess.run(command, env={**os.environ, **env}, cwd=cwd, capture_output=True, text=True)
    spent = time.perf_counter() - started
    if done.returncode != 0:
        message = (done.stderr or done.stdout).strip().splitlines()
        raise Failed(f"`{' '.join(command[-6:])}` exited {done.returncode}: {message[-1] if message else ''}")
    return spent


def pdf_runs(plan: Plan) -> int:
    return 3 * plan.runs


def bench_summary_pdf(ws: Workspace) -> Row:
    plan = ws.plan
    row = Row("summary-pdf", "client summary PDF, 3-hour session, whole process", "under 1 s")
    try:
        _need_module("kapsession.summary", "kapsession/summary/")
        _need_module("kapsession.summary.command_line", "kapsession/summary/command_line.py")
        data_dir = ws.copy_of("long", "summary")
        work = ws.root / "pdf"
        work.mkdir(exist_ok=True)
        ours_pdf, theirs_pdf = work / "summary.pdf", work / "empty.pdf"
        # --force: every run after the first replaces the PDF the one before it wrote
        ours = [*ws.kapsession, "summary", str(ws.data["long_id"]), "--format", "pdf", "-o", str(ours_pdf), "--force"]
        theirs = [ws.python, "-c", EMPTY_PAGE, str(theirs_pdf)]
        env = ws.env(data_dir)
        measured, baseline = [], []
        # A pair takes a fifth of a second: three times the plan's runs, for a steadier median.
        for index in range(pdf_runs(plan) + 1):  # the first of each is a warm-up
            pair = [(ours, measured), (theirs, baseline)]
            for command, into in pair if index % 2 == 0 else pair[::-1]:
                seconds = _timed(command, env, work)
                if index:
                    into.append(seconds)
        if not ours_pdf.exists() or ours_pdf.read_bytes()[:5] != b"%PDF-":
            raise Failed(f"`kapsession summary` exited 0 but {ours_pdf.name} is not a PDF")
    except Missing as missing:
        row.status = str(missing)
        return row
    except Failed as failure:
        row.status = f"not measured: {failure}"
        return row
    m, b = statistics.median(measured), statistics.median(baseline)
    row.measured, row.baseline = ms(m), ms(b)
    row.ratio = m / b
    row.seconds = m
    row.met = m < 1.0
    row.details += [
        f"`kapsession summary ID --format pdf -o summary.pdf` on the {plan.long_events}-event session, "
        "whole process (interpreter start, imports, store, fold, template, typst, write), wall time from "
        "`subprocess.run`; baseline: `python -c` importing typst and compiling an empty document to PDF "
        f"(one blank page). One warm-up of each, then {pdf_runs(plan)} runs alternating order.",
        f"kapsession per run: {spread(measured)}; empty page per run: {spread(baseline)}; the PDF is "
        f"{ours_pdf.stat().st_size / 1024:.0f} KiB.",
    ]
    return row
