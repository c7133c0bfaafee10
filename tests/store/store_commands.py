"""Running kapsession as a therapist does, in a child process, and what a refusal must look like."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest


def unprivileged(command: list[str]) -> list[str]:
    """Root reads and writes anything; drop that power so permissions mean what they say."""
    if os.geteuid() != 0:
        return command
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv: cannot make a directory unreadable")
    return [setpriv, "--bounding-set=-dac_override,-dac_read_search", *command]


def run_cli(*args: str, privileged: bool = True, env: dict | None = None) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "kapsession", *args]
    return subprocess.run(
        command if privileged else unprivileged(command),
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **(env or {})},
    )


def assert_one_sentence(result: subprocess.CompletedProcess[str], *words: str) -> None:
    assert result.returncode != 0
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("kapsession: ")
    for word in words:
        assert word in lines[0]
