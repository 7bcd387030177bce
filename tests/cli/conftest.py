from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]


class Result:
    def __init__(self, proc: subprocess.CompletedProcess[str]) -> None:
        self.code = proc.returncode
        self.out = proc.stdout
        self.err = proc.stderr

    def json(self) -> Any:
        return json.loads(self.out)


Run = Callable[..., Result]


def runner(db: Any) -> Run:
    """``tracker`` run in a subprocess on ``db`` (a file path or a postgresql:// URL), with a fixed today."""

    def _run(*args: str, today: str = "2026-11-27", lang: str = "en", env: dict[str, str] | None = None) -> Result:
        full_env = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}
        full_env.update({"TRACKER_DB": str(db), "TRACKER_TODAY": today, "TRACKER_LANG": lang, "COLUMNS": "160"})
        full_env.update(env or {})
        proc = subprocess.run([sys.executable, "-m", "tracker", *args], capture_output=True, text=True,
                              env=full_env, cwd=ROOT, timeout=60)
        return Result(proc)

    _run.db = db  # type: ignore[attr-defined]
    return _run


@pytest.fixture
def run(tmp_path: Path) -> Run:
    return runner(tmp_path / "tracker.json")
