"""`find_preset` reads one file but must answer exactly as the whole library does."""

from __future__ import annotations

from pathlib import Path

import pytest

from kapsession import locations
from kapsession.core.errors import NotFoundError
from kapsession.presets import default_library, find_preset

SOURCE = locations.builtin_presets_dir() / "sublingual-troche.toml"


@pytest.fixture
def user_presets(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "user-presets"
    folder.mkdir()
    monkeypatch.setattr(locations, "user_presets_dir", lambda: folder)
    return folder


def test_every_builtin_preset_is_found_as_the_library_has_it(user_presets: Path) -> None:
    library = default_library()
    assert library.presets
    for name, preset in library.presets.items():
        assert find_preset(name) == preset


def test_a_user_file_overrides_the_builtin_of_the_same_name(user_presets: Path) -> None:
    text = SOURCE.read_text(encoding="utf-8").replace('title = "', 'title = "My own: ', 1)
    (user_presets / SOURCE.name).write_text(text, encoding="utf-8")
    assert find_preset("sublingual-troche").title.startswith("My own: ")
    assert find_preset("sublingual-troche") == default_library().get("sublingual-troche")


def test_a_broken_user_file_falls_back_to_the_builtin_as_the_library_does(user_presets: Path) -> None:
    (user_presets / SOURCE.name).write_text('name = "sublingual-troche"\n', encoding="utf-8")
    assert find_preset("sublingual-troche") == default_library().get("sublingual-troche")
    assert not find_preset("sublingual-troche").title.startswith("My own")


def test_an_unknown_name_gets_the_library_message(user_presets: Path) -> None:
    with pytest.raises(NotFoundError, match="there is no preset 'sublingual-troch'. Did you mean 'sublingual-troche'"):
        find_preset("sublingual-troch")
