"""The core, the store and the command line know no screen: importing every one of their modules
in a fresh interpreter leaves Textual unimported (harlequin's test_import_hygiene does the same)."""

from __future__ import annotations

import json
import subprocess
import sys

SCRIPT = r"""
import importlib, json, pkgutil, sys
import kapsession.core, kapsession.store
imported = []
for package in (kapsession.core, kapsession.store):
    for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        importlib.import_module(info.name)
        imported.append(info.name)
import kapsession.cli, kapsession.locations, kapsession.settings
imported += ["kapsession.cli", "kapsession.locations", "kapsession.settings"]
print(json.dumps({
    "imported": imported,
    "textual": sorted(name for name in sys.modules if name == "textual" or name.startswith("textual.")),
}))
"""


def test_core_store_and_cli_do_not_import_textual() -> None:
    result = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    # The walk really did reach the modules (a typo in a package name would pass vacuously).
    for name in ("kapsession.core.state", "kapsession.core.commands", "kapsession.core.protocol",
                 "kapsession.store.event_store", "kapsession.store.session_log", "kapsession.cli"):
        assert name in report["imported"]
    assert report["textual"] == []
