"""The core, the store, practice mode and the command line know no screen: importing every one of
their modules in a fresh interpreter leaves Textual unimported (harlequin's test_import_hygiene
does the same; pyproject.toml's import contracts say it of every import, this of what runs)."""

from __future__ import annotations

import json
import subprocess
import sys

SCRIPT = r"""
import importlib, json, pkgutil, sys
import kapsession.core, kapsession.store, kapsession.practice
imported = []
for package in (kapsession.core, kapsession.store, kapsession.practice):
    for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        importlib.import_module(info.name)
        imported.append(info.name)
import kapsession.cli, kapsession.locations, kapsession.settings, kapsession.practice_command_line
imported += ["kapsession.cli", "kapsession.locations", "kapsession.settings", "kapsession.practice_command_line"]
print(json.dumps({
    "imported": imported,
    "textual": sorted(name for name in sys.modules if name == "textual" or name.startswith("textual.")),
}))
"""


def test_core_store_practice_and_cli_do_not_import_textual() -> None:
    result = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    # The walk really did reach the modules (a typo in a package name would pass vacuously).
    for name in (
        "kapsession.core.state",
        "kapsession.core.commands",
        "kapsession.core.protocol",
        "kapsession.store.event_store",
        "kapsession.store.session_log",
        "kapsession.cli",
        "kapsession.practice_command_line",
        "kapsession.practice.debrief",
    ):
        assert name in report["imported"]
    assert report["textual"] == []
