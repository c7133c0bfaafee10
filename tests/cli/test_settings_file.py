"""The settings file: what is read back, and the defaults whenever the file cannot be used."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kapsession.settings import Settings, load_settings, save_settings


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "settings.json"


def test_a_saved_file_reads_back(path: Path) -> None:
    saved = Settings(
        therapist_name="Dr Ana Reyes", practice_name="Quiet Harbour · Zoë", paper="letter", series_length=4, bell=True
    )
    save_settings(saved, path)
    assert load_settings(path) == saved


def test_unknown_keys_are_ignored_and_numbers_may_be_text(path: Path) -> None:
    path.write_text(json.dumps({"therapist_name": "A", "series_length": "3", "from_a_newer_version": [1, {"x": None}]}))
    assert load_settings(path) == Settings(therapist_name="A", series_length=3)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "{",
        "not json",
        "[]",
        '{"paper": "a5"}',
        '{"series_length": 99}',
        "\ufeff{}",
        '{"bell": "maybe"}',
    ],
)
def test_a_file_that_cannot_be_used_gives_the_defaults(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")
    assert load_settings(path) == Settings()


def test_a_missing_or_undecodable_file_gives_the_defaults(path: Path) -> None:
    assert load_settings(path) == Settings()
    path.write_bytes(b'{"therapist_name": "\xff"}')
    assert load_settings(path) == Settings()
