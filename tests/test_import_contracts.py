"""The layers in pyproject.toml's [tool.importlinter] hold: `lint-imports` passes (the core knows
no screen, database or place on disk; only the TUI imports Textual; practice does not import the
TUI, bar its command line's entry into the app; importing the package opens no app)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_import_contracts_are_kept() -> None:
    lint_imports = Path(sys.executable).parent / "lint-imports"
    # From the repository's root, so that the kapsession analysed is this checkout's.
    result = subprocess.run(
        [str(lint_imports), "--no-cache", str(ROOT / "pyproject.toml")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "0 broken" in result.stdout


def test_the_contracts_name_every_layer_of_the_package() -> None:
    """A new top-level module or package is placed in the layers (or the test says which is not)."""
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]
    [layers] = [contract["layers"] for contract in config["contracts"] if contract["type"] == "layers"]
    placed = {name.strip() for layer in layers for name in layer.split("|")}
    package = ROOT / "kapsession"
    present = {f"kapsession.{path.stem}" for path in package.glob("*.py") if path.stem not in ("__init__", "__main__")}
    present |= {f"kapsession.{path.parent.name}" for path in package.glob("*/__init__.py")}
    assert present == placed
