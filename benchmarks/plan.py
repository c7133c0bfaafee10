"""How big and how long: the full run, `--quick`, and the tiny plan the smoke test uses."""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Plan:
    runs: int = 5  # medians of at least this many runs
    home_sessions: int = 1000  # data dir behind the home screen
    list_sessions: int = 10_000  # EventStore.list_sessions
    long_events: int = 500  # the 3-hour session (resume, vitals key, CPU, memory, summary)
    fold_events: int = 5000  # state rebuilt by fold
    course_clients: int = 2000  # a practice's clients behind the course view
    course_sessions: int = 20_000  # ... and their sessions (each with a PHQ-9 and a GAD-7)
    idle_seconds: float = 60.0  # idle CPU window
    settle_seconds: float = 3.0  # after the live screen painted, before the idle window opens
    append_iterations: int = 100  # appends per run (each paired with a bare insert)
    fold_iterations: int = 5  # folds per run
    key_presses: int = 5  # vitals entries per process in the key -> shown figure
    timeout: float = 60.0  # longest wait for any screen
    quick: bool = False

    @classmethod
    def full(cls) -> Plan:
        return cls()

    @classmethod
    def quick_plan(cls) -> Plan:
        return cls(idle_seconds=10.0, settle_seconds=2.0, append_iterations=50, quick=True)

    @classmethod
    def tiny(cls) -> Plan:
        """Every benchmark once on a tiny input: for the smoke test, never for figures."""
        return cls(
            runs=1,
            home_sessions=3,
            list_sessions=4,
            long_events=20,
            fold_events=30,
            course_clients=3,
            course_sessions=7,
            idle_seconds=0.5,
            settle_seconds=0.2,
            append_iterations=3,
            fold_iterations=1,
            key_presses=1,
            timeout=30.0,
            quick=True,
        )

    def with_runs(self, runs: int) -> Plan:
        return replace(self, runs=runs)


@dataclass
class Workspace:
    """Temporary directories, seeded data, and the environment every process gets."""

    plan: Plan
    root: Path
    config_dir: Path
    data: dict[str, object] = field(default_factory=dict)
    keep: bool = False
    _copies: int = 0

    @classmethod
    def create(cls, plan: Plan, keep: bool = False) -> Workspace:
        # On the disk where user data lives (not a RAM disk), so fsync costs what it costs.
        base = Path(os.environ.get("KAPSESSION_BENCH_TMP") or tempfile.gettempdir())
        root = Path(tempfile.mkdtemp(prefix="kapbench-", dir=base))
        config = root / "config"
        config.mkdir()
        return cls(plan, root, config, keep=keep)

    @property
    def python(self) -> str:
        return sys.executable

    @property
    def kapsession(self) -> list[str]:
        """The installed console script, as a therapist runs it."""
        script = Path(sys.executable).parent / "kapsession"
        if script.exists():
            return [str(script)]
        return [sys.executable, "-m", "kapsession"]

    def env(self, data_dir: Path | None = None) -> dict[str, str]:
        values = {"KAPSESSION_CONFIG_DIR": str(self.config_dir), "KAPSESSION_CACHE_DIR": str(self.config_dir / "cache")}
        if data_dir is not None:
            values["KAPSESSION_DATA_DIR"] = str(data_dir)
        return values

    def copy_of(self, key: str, label: str) -> Path:
        """A private copy of a seeded data dir, so one figure's writes never reach another's."""
        source = Path(self.data[key])  # type: ignore[arg-type]
        self._copies += 1
        target = self.root / "copies" / f"{label}-{self._copies}"
        shutil.copytree(source, target, ignore=shutil.ignore_patterns("locks"))
        return target

    def cleanup(self) -> None:
        if not self.keep:
            shutil.rmtree(self.root, ignore_errors=True)
