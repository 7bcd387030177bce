"""A throwaway PostgreSQL cluster for tests and benchmarks: initdb + pg_ctl, a Unix socket in a temp dir.

PostgreSQL refuses to run as root: as root the cluster runs as the ``postgres`` user (``runuser``).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
import uuid
from pathlib import Path

_BIN_DIRS = sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)


def server_bin(name: str) -> str | None:
    """The path of a server program (initdb, pg_ctl), or None when PostgreSQL is not installed."""
    for d in _BIN_DIRS:
        if (d / name).exists():
            return str(d / name)
    return shutil.which(name)


def missing_reason() -> str | None:
    """Why PostgreSQL tests cannot run here (None: they can)."""
    if server_bin("initdb") is None or server_bin("pg_ctl") is None:
        return "PostgreSQL server binaries (initdb, pg_ctl) not found: apt-get install -y postgresql"
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return "psycopg is not installed: pip install -e '.[postgres]'"
    return None


class Cluster:
    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="tracker-pg-"))
        self.data = self.dir / "data"
        self.root = os.geteuid() == 0
        self.superuser = "postgres" if self.root else os.environ.get("USER", "postgres")

    def _run(self, *cmd: str) -> None:
        full = ["runuser", "-u", "postgres", "--", *cmd] if self.root else list(cmd)
        subprocess.run(full, check=True, capture_output=True, text=True)

    def start(self) -> Cluster:
        if self.root:
            shutil.chown(self.dir, "postgres", "postgres")
        os.chmod(self.dir, 0o755)
        initdb, pg_ctl = server_bin("initdb"), server_bin("pg_ctl")
        assert initdb and pg_ctl
        self._run(initdb, "-D", str(self.data), "-U", self.superuser, "--auth=trust", "-E", "UTF8",
                  "--locale=C.UTF-8")
        opts = (f"-k {self.dir} -c listen_addresses='' -c fsync=off -c synchronous_commit=off "
                "-c full_page_writes=off -c max_connections=60 -c shared_buffers=256MB")
        self._run(pg_ctl, "-D", str(self.data), "-o", opts, "-l", str(self.dir / "log"), "-w", "start")
        return self

    def stop(self) -> None:
        pg_ctl = server_bin("pg_ctl")
        if pg_ctl and self.data.exists():
            with contextlib.suppress(subprocess.CalledProcessError):
                self._run(pg_ctl, "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.dir, ignore_errors=True)

    def url(self, db: str = "postgres", user: str | None = None) -> str:
        return f"postgresql:///{db}?host={self.dir}&user={user or self.superuser}"

    def new_database(self) -> str:
        """A fresh empty database; its name."""
        import psycopg

        name = "t_" + uuid.uuid4().hex[:12]
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return name
