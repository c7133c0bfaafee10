"""The PDF templates ship inside the wheel, and an installed copy renders from its own templates."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
TEMPLATES = sorted(p.name for p in (REPO / "kapsession" / "summary" / "templates").glob("*.typ"))


def test_wheel_carries_the_templates(built_wheel: Path) -> None:
    assert {"summary.typ", "record.typ", "common.typ"} <= set(TEMPLATES)
    names = set(zipfile.ZipFile(built_wheel).namelist())
    for name in TEMPLATES:
        assert f"kapsession/summary/templates/{name}" in names, f"{name} is missing from the wheel"


def test_installed_copy_renders_from_its_own_templates(built_wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    zipfile.ZipFile(built_wheel).extractall(target)
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]);"
        "from kapsession.summary import pdf;"
        "print(pdf.TEMPLATES);"
        "data = {'client_name': 'X', 'date': 'd', 'session_label': 'Session 1', 'therapist_name': '',"
        " 'practice_name': '', 'route_words': '', 'with_line': '', 'route_line': '', 'intention': None,"
        " 'cards': [], 'timeline': [], 'notes': [], 'prompts': [], 'aftercare': ['Rest.'], 'when_to_call': '',"
        " 'next_session': None, 'clinical': None, 'practice': False, 'nothing_personal': True};"
        "print(pdf.render_pdf('summary', data)[:5])"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(target)], capture_output=True, text=True, cwd=tmp_path, timeout=120
    )
    assert result.returncode == 0, result.stderr
    where, head = result.stdout.splitlines()
    assert where.startswith(str(target)) and head == "b'%PDF-'"


def test_wheel_carries_the_questionnaires(built_wheel: Path) -> None:
    names = set(zipfile.ZipFile(built_wheel).namelist())
    assert {"course.typ", "progress.typ"} <= set(TEMPLATES)
    for name in ("phq9.toml", "gad7.toml"):
        assert f"kapsession/core/questionnaires/{name}" in names, f"{name} is missing from the wheel"
    for name in ("questionnaire.tcss", "course.tcss"):
        assert f"kapsession/tui/{name}" in names, f"{name} is missing from the wheel"
