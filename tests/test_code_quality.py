"""The linters CI holds the code to, run as part of the suite so that the README's one test command
is the whole check: ruff's lint rules, ruff's formatting and mypy, as configured in pyproject.toml."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TOOLS = Path(sys.executable).parent


def run(*command: str) -> subprocess.CompletedProcess[str]:
    # From the repository's root, so the configuration and the code checked are this checkout's.
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)


@pytest.mark.parametrize(
    ("what", "command"),
    [
        ("ruff check", ("ruff", "check", "--no-cache", ".")),
        ("ruff format --check", ("ruff", "format", "--check", "--no-cache", ".")),
    ],
)
def test_ruff_finds_nothing(what: str, command: tuple[str, ...]) -> None:
    result = run(str(TOOLS / command[0]), *command[1:])
    assert result.returncode == 0, f"{what}:\n{result.stdout[-4000:]}{result.stderr[-2000:]}"


def test_mypy_finds_nothing(tmp_path: Path) -> None:
    # A cache of its own: the suite runs in parallel workers and fresh clones alike.
    result = run(str(TOOLS / "mypy"), "--cache-dir", str(tmp_path / "mypy-cache"))
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    assert "Success: no issues found" in result.stdout
