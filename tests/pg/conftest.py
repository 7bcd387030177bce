"""A PostgreSQL cluster for the session (skipped, with the reason, only when no server binaries exist)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .cluster import Cluster, missing_reason


@pytest.fixture(scope="session")
def cluster() -> Iterator[Cluster]:
    reason = missing_reason()
    if reason is not None:
        pytest.skip(reason)
    c = Cluster().start()
    try:
        yield c
    finally:
        c.stop()


@pytest.fixture
def pg_url(cluster: Cluster) -> str:
    """The owner's URL of a fresh database with the tracker's tables (tracker db init)."""
    from tracker import pgadmin

    url = cluster.url(cluster.new_database())
    pgadmin.init(url)
    return url


@pytest.fixture(params=["pg"])
def run(request: pytest.FixtureRequest, tmp_path: Path) -> Any:
    """The CLI's ``run`` fixture (tests/cli/conftest.py) on PostgreSQL: a fresh database set up with
    ``tracker db init``. (The same tests run on a file in tests/cli; add "file" to the params to run both here.)"""
    import os
    import subprocess
    import sys

    from tests.cli.conftest import ROOT, Result

    if request.param == "file":
        db: Any = tmp_path / "tracker.json"
    else:
        db = request.getfixturevalue("pg_url")

    def _run(*args: str, today: str = "2026-11-27", lang: str = "en", env: dict[str, str] | None = None) -> Result:
        full_env = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}
        full_env.update({"TRACKER_DB": str(db), "TRACKER_TODAY": today, "TRACKER_LANG": lang, "COLUMNS": "160"})
        full_env.update(env or {})
        proc = subprocess.run([sys.executable, "-m", "tracker", *args], capture_output=True, text=True,
                              env=full_env, cwd=ROOT, timeout=60)
        return Result(proc)

    _run.db = db  # type: ignore[attr-defined]
    return _run
