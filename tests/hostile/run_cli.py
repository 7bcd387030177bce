"""The CLI in a subprocess against a temporary database, for the hostile-input tests (as tests/cli)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.cli.conftest import ROOT, Result, Run


def runner(db: Path, cwd: Path | None = None) -> Run:
    def _run(*args: str, today: str = "2026-11-27", lang: str = "en", env: dict[str, str] | None = None) -> Result:
        full_env = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}
        full_env.update({"TRACKER_DB": str(db), "TRACKER_TODAY": today, "TRACKER_LANG": lang, "COLUMNS": "160"})
        full_env.update(env or {})
        proc = subprocess.run([sys.executable, "-m", "tracker", *args], capture_output=True, text=True,
                              env=full_env, cwd=cwd or ROOT, timeout=60)
        return Result(proc)

    return _run


#: a valid ID number (check digit right), born 1995-03-07, and a second one
ID_A = "110101199503074510"
ID_B = "110101199605120020"
