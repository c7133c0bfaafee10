"""Scenarios, the driver, the debrief and the `practice` command line know no screen: importing them
(and building the whole command line) in a fresh interpreter leaves Textual unimported."""

from __future__ import annotations

import json
import subprocess
import sys

SCRIPT = r"""
import json, sys
import kapsession.practice.scenario, kapsession.practice.driver, kapsession.practice.debrief
import kapsession.practice_command_line
from kapsession.cli import build_parser
build_parser()
print(json.dumps(sorted(name for name in sys.modules if name == "textual" or name.startswith("textual."))))
"""


def test_practice_core_does_not_import_textual() -> None:
    result = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == []
