"""Reliability: the kill runs, the races (and further sections), counted into docs/reliability.md
by `python -m benchmarks.reliability`.

SECTIONS lists each section as "module:function"; the function takes (settings, workdir, log) and
returns a `report.Section`. A new section is one more line here.
"""

SECTIONS: list[tuple[str, str]] = [
    ("kills", "benchmarks.reliability.kills:section"),
    ("races", "benchmarks.reliability.races:section"),
    ("fuzz", "benchmarks.reliability.fuzz:section"),
]
