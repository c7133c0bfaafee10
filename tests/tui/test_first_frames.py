"""The first frame a terminal is sent is the whole screen: `kapsession resume` draws the whole live
screen in it (not the header, the timeline and the key bar over a blank middle, which is what a
screen pushed over the home screen from `on_mount` gave), and `kapsession` the finished list.

Each test runs kapsession in a pseudo-terminal (tests/tui/terminal_frames.py)."""

from __future__ import annotations

import os
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from terminal_frames import run_frames

from benchmarks import seed
from kapsession.core import commands
from kapsession.presets import default_library
from kapsession.store.event_store import EventStore


def _env(tmp_path: Path) -> dict[str, str]:
    inherited = {key: value for key, value in os.environ.items() if key not in ("COLUMNS", "LINES")}
    return {
        **inherited,
        "KAPSESSION_DATA_DIR": str(tmp_path / "data"),
        "KAPSESSION_CONFIG_DIR": str(tmp_path / "config"),
        "KAPSESSION_CACHE_DIR": str(tmp_path / "cache"),
        "TERM": "xterm-256color",
        "COLORTERM": "truecolor",
    }


@pytest.mark.parametrize("size", [(120, 40), (80, 24)], ids=["120x40", "80x24"])
def test_a_resumed_session_is_whole_in_the_first_frame(tmp_path: Path, size: tuple[int, int]) -> None:
    session_id = seed.seed_long_session(tmp_path / "data", 60, 1.0)
    newest_note = seed.newest_note_words(tmp_path / "data", session_id)
    frames = run_frames([sys.executable, "-m", "kapsession", "resume", session_id], _env(tmp_path), size)
    assert frames, "nothing was drawn"
    first = frames[0]
    width, height = size
    assert sorted(first.rows) == list(range(height)), first.text  # every row of the screen
    for text in (seed.LONG_CLIENT, "Vitals", "BP ", "Scales", "Notes", "? Help"):
        assert text in first.text, (text, first.text)
    if width >= 120:
        assert newest_note in first.text


def test_the_first_frame_of_the_home_screen_is_the_finished_list(tmp_path: Path) -> None:
    """No second frame to measure columns or add rows: the first frame already lists the newest
    session, in full, with every column."""
    now = datetime.now(UTC)
    preset = default_library().get("sublingual-troche")
    with EventStore(tmp_path / "data") as store:
        for index in range(250):
            store.create_session(
                commands.open_session(
                    client_name=f"Client {index:05d}", preset=preset, now=now - timedelta(hours=250 - index)
                )
            )
    frames = run_frames([sys.executable, "-m", "kapsession"], _env(tmp_path), (120, 40))
    assert frames, "nothing was drawn"
    first = frames[0].text
    assert "Client 00249" in first and "sublingual-troche" in first and "not started" in first
