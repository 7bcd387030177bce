"""Helpers for the hostile-input tests: the real command in a subprocess, on a file we prepare."""

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


Run = Callable[..., Result]


def tracker_env(db: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}
    env.update({"TRACKER_DB": str(db), "TRACKER_TODAY": "2026-11-27", "TRACKER_LANG": "en", "COLUMNS": "160"})
    env.update(extra)
    return env


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "tracker.json"


@pytest.fixture
def run(db: Path) -> Run:
    """``run("add", "张三", ...)``: the CLI on ``db`` (or ``db=...``), with a short timeout (no hangs)."""

    def _run(*args: str, db_path: Path | None = None, timeout: float = 30, umask: int | None = None) -> Result:
        proc = subprocess.run([sys.executable, "-m", "tracker", *args], capture_output=True, text=True,
                              env=tracker_env(db_path or db), cwd=ROOT, timeout=timeout,
                              preexec_fn=(lambda: os.umask(umask)) if umask is not None else None)
        return Result(proc)

    return _run


def our_file(people: dict[str, Any], history: dict[str, Any] | None = None) -> dict[str, Any]:
    """A database as this version writes it (schema 1), for tests to spoil."""
    return {"meta": {"1": {"schema": 1, "created": "2026-01-01T00:00:00+08:00"}}, "people": people,
            "history": history or {}}


def person(name: str = "张三", **extra: Any) -> dict[str, Any]:
    return {"name": name, "branch": "第一党支部", "events": [{"event": "applied", "date": "2024-01-01"}], **extra}


def write_ours(path: Path, data: dict[str, Any]) -> bytes:
    """Write ``data`` in our own one-document-a-line layout; returns the bytes."""
    parts = ["{"]
    tables = list(data.items())
    for i, (table, docs) in enumerate(tables):
        parts.append(f'"{table}": {{')
        parts.append(",\n".join(f'"{k}":{json.dumps(v, ensure_ascii=False, separators=(",", ":"))}'
                                for k, v in docs.items()))
        parts.append("}" + ("," if i < len(tables) - 1 else ""))
    parts.append("}\n")
    raw = "\n".join(parts).encode("utf-8")
    path.write_bytes(raw)
    return raw
