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
    from tests.cli.conftest import runner

    return runner(tmp_path / "tracker.json" if request.param == "file" else request.getfixturevalue("pg_url"))
