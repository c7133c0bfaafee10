"""`python -m benchmarks.reliability` runs every section on a few trials and writes the report:
so none of it rots between the runs that write docs/reliability.md."""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from benchmarks.reliability import SECTIONS  # noqa: E402
from benchmarks.reliability.__main__ import main, run  # noqa: E402
from benchmarks.reliability.report import Settings  # noqa: E402


def test_every_section_runs_and_counts_zero() -> None:
    sections = run(Settings.quick_settings(seed=7), log=lambda _: None)
    assert [section.key for section in sections] == [key for key, _ in SECTIONS]
    for section in sections:
        assert not section.failed, section.details
        assert section.counts and all(count.found == 0 for count in section.counts), section.counts


def test_the_report_is_written(tmp_path: Path) -> None:
    output = tmp_path / "reliability.md"
    assert main(["--quick", "--only", "races", "--rounds", "1", "--output", str(output)]) == 0
    text = output.read_text()
    assert text.startswith("# Reliability") and "| section | what is counted | found | out of |" in text
    assert "12 of 12 rows at 0." in text
