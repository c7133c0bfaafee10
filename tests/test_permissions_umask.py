"""Under `umask 000`: every folder kapsession makes is 0700 (parents and the config dir included),
and a preset, scenario or theme another user could have written is refused in one sentence
naming the file, in the same list of problems a broken file goes to."""

from __future__ import annotations

import os
import stat
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from kapsession import locations
from kapsession.cli import main
from kapsession.core.preset_library import PresetLibrary
from kapsession.private_dirs import make_private_dir
from kapsession.settings import Settings, save_settings
from kapsession.store import EventStore

OTHER_UID = 54321
BUILTIN_IM = (locations.builtin_presets_dir() / "intramuscular.toml").read_text()


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def open_umask() -> Iterator[None]:
    previous = os.umask(0)
    try:
        yield
    finally:
        os.umask(previous)


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "config"
    monkeypatch.setenv("KAPSESSION_CONFIG_DIR", str(folder))
    return folder


def folders_between(top: Path, bottom: Path) -> list[Path]:
    return [bottom, *[parent for parent in bottom.parents if parent == top or top in parent.parents]]


def test_every_folder_made_is_0700_under_umask_000(tmp_path: Path, open_umask: None) -> None:
    deep = tmp_path / "a" / "b" / "c"
    make_private_dir(deep)
    assert all(mode(folder) == 0o700 for folder in folders_between(tmp_path / "a", deep))


def test_an_existing_folder_loses_group_and_other_access_and_gains_none(tmp_path: Path) -> None:
    (tmp_path / "open").mkdir()
    os.chmod(tmp_path / "open", 0o777)
    (tmp_path / "locked").mkdir()
    os.chmod(tmp_path / "locked", 0o500)
    make_private_dir(tmp_path / "open")
    make_private_dir(tmp_path / "locked")
    assert mode(tmp_path / "open") == 0o700 and mode(tmp_path / "locked") == 0o500


def test_settings_make_the_config_dir_and_its_parents_0700(config: Path, open_umask: None) -> None:
    save_settings(Settings(practice_name="Harbour"), config / "nested" / "settings.json")
    assert mode(config) == 0o700 and mode(config / "nested") == 0o700
    assert mode(config / "nested" / "settings.json") == 0o600


def test_the_theme_cache_makes_its_dir_0700_and_tightens_an_open_one(
    tmp_path: Path, open_umask: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kapsession.tui.app import _startup_themes

    cache = tmp_path / "cache" / "kapsession"
    monkeypatch.setenv("KAPSESSION_CACHE_DIR", str(cache))
    _startup_themes()
    assert mode(cache) == 0o700 and mode(cache / "themes.json") == 0o600
    os.chmod(cache, 0o777)  # as an older version under umask 000 left it
    (cache / "themes.json").unlink()
    _startup_themes()
    assert mode(cache) == 0o700


def test_the_data_dir_its_parents_and_the_exports_folder_are_0700(
    tmp_path: Path, open_umask: None, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "share" / "kapsession"
    with EventStore(data):
        pass
    assert mode(tmp_path / "share") == 0o700 and mode(data) == 0o700
    assert main(["--data-dir", str(data), "new", "--client", "A.", "--preset", "intramuscular", "--no-open"]) == 0
    session_id = capsys.readouterr().out.strip()
    assert main(["--data-dir", str(data), "summary", session_id]) == 0
    pdf = Path(capsys.readouterr().out.strip())
    assert mode(data / "exports") == 0o700 and mode(pdf) == 0o600


def _plant(folder: Path, name: str, text: str, *, owner: int | None = None, file_mode: int | None = None) -> Path:
    make_private_dir(folder)
    path = folder / name
    path.write_text(text)
    if owner is not None:
        os.chown(path, owner, -1)
    if file_mode is not None:
        os.chmod(path, file_mode)
    return path


MAXIMUM = "max_mg = "


def _raised_maximum() -> str:
    start = BUILTIN_IM.index(MAXIMUM) + len(MAXIMUM)
    end = BUILTIN_IM.index("\n", start)
    return BUILTIN_IM[:start] + "5000" + BUILTIN_IM[end:]


needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="giving a file to another user needs root")


@pytest.mark.parametrize(
    "how",
    [
        pytest.param({"owner": OTHER_UID}, marks=needs_root, id="owned-by-another-user"),
        pytest.param({"file_mode": 0o666}, id="world-writable"),
    ],
)
def test_a_planted_preset_is_refused_and_the_built_in_maximum_stands(
    config: Path, capsys: pytest.CaptureFixture[str], how: dict[str, int]
) -> None:
    planted = _plant(config / "presets", "intramuscular.toml", _raised_maximum(), **how)
    library = PresetLibrary.load(locations.builtin_presets_dir(), locations.user_presets_dir())
    assert library.presets["intramuscular"].dosing.max_mg < 5000
    assert len(library.problems) == 1 and library.problems[0].startswith(f"{planted}: refused: ")
    assert main(["presets"]) == 0
    err = capsys.readouterr().err
    reason = "belongs to another user (uid 54321)" if "owner" in how else "others can change it (mode 0666)"
    assert f"kapsession: skipped a broken preset: {planted}: refused: " in err and reason in err


def test_a_preset_written_under_umask_000_is_refused_until_made_private(config: Path, open_umask: None) -> None:
    planted = _plant(config / "presets", "intramuscular.toml", _raised_maximum())
    assert mode(planted) == 0o666
    library = PresetLibrary.load(locations.user_presets_dir())
    assert "intramuscular" not in library.presets and "chmod go-w" in library.problems[0]
    os.chmod(planted, 0o644)
    assert PresetLibrary.load(locations.user_presets_dir()).presets["intramuscular"].dosing.max_mg == 5000


def test_a_group_writable_file_of_a_shared_group_is_refused(config: Path) -> None:
    planted = _plant(config / "presets", "intramuscular.toml", BUILTIN_IM, file_mode=0o664)
    if os.geteuid() == 0:
        os.chown(planted, -1, OTHER_UID)
    else:
        pytest.skip("giving a file to another group needs root")
    assert "others can change it (mode 0664)" in PresetLibrary.load(locations.user_presets_dir()).problems[0]


def test_a_fifo_among_presets_is_refused_without_waiting_for_a_writer(config: Path) -> None:
    folder = config / "presets"
    make_private_dir(folder)
    os.mkfifo(folder / "intramuscular.toml")
    result: list[PresetLibrary] = []
    reader = threading.Thread(target=lambda: result.append(PresetLibrary.load(folder)), daemon=True)
    reader.start()
    reader.join(10)
    assert result and result[0].problems == [f"{folder / 'intramuscular.toml'}: refused: it is not a regular file"]


@needs_root
def test_scenarios_and_themes_follow_the_same_rule(config: Path) -> None:
    from kapsession.practice.scenario import default_scenarios
    from kapsession.tui.theme_files import default_theme_dirs, load_themes

    scenario = (locations.builtin_scenarios_dir() / "smooth-troche.toml").read_text()
    planted_scenario = _plant(config / "presets" / "practice", "smooth-troche.toml", scenario, owner=OTHER_UID)
    theme = (locations.builtin_themes_dir() / "daylight.toml").read_text().replace('name = "daylight"', 'name = "mine"')
    planted_theme = _plant(config / "themes", "mine.toml", theme, file_mode=0o646)
    scenarios = default_scenarios()
    assert [problem.split(": refused: ")[0] for problem in scenarios.problems] == [str(planted_scenario)]
    themes, problems = load_themes(*default_theme_dirs())
    assert "mine" not in themes and problems == [
        f"{planted_theme}: refused: others can change it (mode 0646); make it yours alone with chmod go-w"
    ]
