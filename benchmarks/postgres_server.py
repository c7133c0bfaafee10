"""A PostgreSQL server for the tests and benchmarks: the one $KAPSESSION_TEST_DATABASE_URL names
(a role that may CREATE DATABASE), else a throwaway cluster started from the Debian server
binaries (/usr/lib/postgresql/*/bin: initdb and pg_ctl in a temporary directory, on a Unix socket
only, as an unprivileged user: initdb refuses to run as root), else none, with the reason.

Each caller gets a fresh database of its own (`fresh_database`), dropped by nobody: the cluster
itself goes when the run ends.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
import uuid
from pathlib import Path

TEST_URL_VARIABLE = "KAPSESSION_TEST_DATABASE_URL"
NO_SERVER = (
    "no PostgreSQL: set KAPSESSION_TEST_DATABASE_URL or install the postgresql server binaries "
    "(Debian: apt-get install postgresql) and psycopg (pip install -e '.[test]')"
)
_UNPRIVILEGED = "nobody"  # initdb refuses root; CI runs as root


def _binaries() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[4]))
    return Path(found[-1]).parent if found else None


class ThrowawayCluster:
    """initdb, pg_ctl start and stop in a temporary directory; the server listens on a Unix socket
    in that directory and nowhere else."""

    def __init__(self, tcp: bool = False) -> None:
        binaries = _binaries()
        self.port = _free_port() if tcp else None
        if binaries is None:
            raise RuntimeError(NO_SERVER)
        self.bin = binaries
        self.root = Path(tempfile.mkdtemp(prefix="kapsession-pg-"))
        self.data = self.root / "data"
        self.as_root = os.geteuid() == 0
        if self.as_root:
            shutil.chown(self.root, _UNPRIVILEGED)
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "kapsession", "-E", "UTF8", "--no-sync")
        self.start()

    def _run(self, tool: str, *args: str) -> None:
        command = [str(self.bin / tool), *args]
        if self.as_root:
            command = ["setpriv", f"--reuid={_UNPRIVILEGED}", "--regid=nogroup", "--clear-groups", *command]
        subprocess.run(command, check=True, capture_output=True, stdin=subprocess.DEVNULL, cwd=self.root)

    @property
    def url(self) -> str:
        return f"postgresql://kapsession@/postgres?host={self.root}"

    @property
    def tcp_url(self) -> str:
        """Over TCP on the loopback address (for the benchmarks: a server on another machine is
        reached over TCP, not a Unix socket)."""
        return f"postgresql://kapsession@127.0.0.1:{self.port}/postgres"

    def start(self) -> None:
        listen = f"-c listen_addresses=127.0.0.1 -p {self.port}" if self.port else "-c listen_addresses=''"
        options = f"-k {self.root} {listen} -c fsync=on"
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.root / "log"), "-w", "start")

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def remove(self) -> None:
        try:
            self.stop()
        except subprocess.CalledProcessError:
            pass  # already stopped (a test that stops it may have failed before starting it again)
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def admin_url() -> tuple[str | None, ThrowawayCluster | None, str]:
    """(a URL whose role may create databases, the cluster started for it if any, why none)."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return None, None, NO_SERVER
    given = os.environ.get(TEST_URL_VARIABLE, "").strip()
    if given:
        return given, None, ""
    if _binaries() is None:
        return None, None, NO_SERVER
    try:
        cluster = ThrowawayCluster()
    except (OSError, subprocess.CalledProcessError) as error:
        return None, None, f"no PostgreSQL: a throwaway cluster did not start ({error})"
    return cluster.url, cluster, ""


def fresh_database(admin: str) -> str:
    """A new empty database on the server; returns its URL."""
    import psycopg
    from psycopg.conninfo import conninfo_to_dict

    name = f"kapsession_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    params = conninfo_to_dict(admin)
    params["dbname"] = name
    return _as_url(params)


def _as_url(params: dict) -> str:
    """A postgresql:// URL (the app takes only URLs) for these connection parameters."""
    from urllib.parse import quote, urlencode

    user = quote(str(params.pop("user", "")), safe="")
    password = params.pop("password", None)
    host = str(params.pop("host", ""))
    port = params.pop("port", None)
    database = quote(str(params.pop("dbname")), safe="")
    credentials = f"{user}:{quote(str(password), safe='')}@" if password else (f"{user}@" if user else "")
    if host.startswith("/"):
        params["host"] = host
        host = ""
    where = f"{host}:{port}" if host and port else host
    if port and not where:
        params["port"] = port
    query = f"?{urlencode(params)}" if params else ""
    return f"postgresql://{credentials}{where}/{database}{query}"
