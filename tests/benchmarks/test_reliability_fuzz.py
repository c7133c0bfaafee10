"""A small budget of the reliability fuzz (benchmarks/reliability_fuzz.py) in every test run: every
parser and command reached, no traceback, no "unexpected" message, no raw control character on the
terminal, no private note in anything the client gets. And proof that it would notice."""

from __future__ import annotations

import pytest

from benchmarks import reliability_fuzz

FAILURES = ("tracebacks", "unexpected messages", "raw control characters printed", "leaks")


def test_a_short_fuzz_finds_nothing_and_reaches_every_parser_and_command() -> None:
    problems: list[str] = []
    counts = reliability_fuzz.run(12, problems)
    assert {key: counts[key] for key in FAILURES} == dict.fromkeys(FAILURES, 0), problems
    for parser in (
        "vitals",
        "times",
        "scales",
        "aldrete",
        "dose",
        "next-session",
        "phase",
        "checklist item",
        "text rule",
    ):
        assert counts[f"parser {parser}: cases"] > 0
    for command in (
        "new",
        "show",
        "export",
        "summary",
        "record",
        "sessions",
        "presets",
        "practice",
        "random words",
        *(f"add {kind}" for kind in reliability_fuzz.ADD_KINDS),
    ):
        assert counts.get(f"command {command}: cases", 0) > 0, command
    assert counts["privacy renders: summary md"] > 0 and counts["privacy renders: record md"] > 0


def test_the_fuzz_counts_a_command_that_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    import kapsession.cli as cli

    def broken_show(ctx: object) -> int:
        raise ZeroDivisionError

    monkeypatch.setattr(cli, "cmd_show", broken_show)
    tally = reliability_fuzz.Tally()
    reliability_fuzz.fuzz_commands(3, tally)
    assert tally.counts.get("unexpected messages", 0) > 0
    assert any(line.startswith("command show: unexpected messages") for line in tally.problems)


def test_the_fuzz_counts_a_private_note_that_reaches_the_summary(monkeypatch: pytest.MonkeyPatch) -> None:
    from kapsession.summary import markdown

    real = markdown.render_markdown

    def leaking(summary: object) -> str:
        return real(summary) + "\n".join(f"PRV{n:04d}Q{i:02d}X" for n in range(10_000) for i in range(3))

    monkeypatch.setattr(markdown, "render_markdown", leaking)
    tally = reliability_fuzz.Tally()
    reliability_fuzz.fuzz_privacy(2, tally, pdf_every=10**9)
    assert tally.counts.get("leaks", 0) > 0
