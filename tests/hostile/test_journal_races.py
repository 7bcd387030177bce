"""The change journal across processes, on a file large enough to take it (``storejournal.FROM_BYTES``): writers
appending at once lose nothing, and the commands that read the whole file (status, the JSON backup) see what was
appended."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli.conftest import ROOT
from tests.ui.conftest import BOOK, TODAY
from tracker import storejournal
from tracker.demo import bench_people
from tracker.derived import derive
from tracker.reports import status
from tracker.service import Service
from tracker.store import Store
from tracker.storelayout import BODY_END
from tracker.tally import tally_of

from .conftest import tracker_env

WORKERS = 4
EDITS = 12

#: one worker: EDITS changes to its own people, each its own write (its own transaction)
WORKER = """
import sys
from datetime import date
from pathlib import Path
from tracker.profiles import load_rulebook
from tracker.service import Service
from tracker.store import Store
svc = Service(Store(Path(sys.argv[1]), lock_timeout=60), load_rulebook(), lambda: date(2026, 11, 27))
w, edits = int(sys.argv[2]), int(sys.argv[3])
for i in range(edits):
    svc.edit(1 + w * edits + i, {"note": f"w{w}-{i}"})
print("done", flush=True)
"""


@pytest.fixture(scope="module")
def large(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("journal") / "large.json"
    svc = Service(Store(path), BOOK, lambda: TODAY)
    svc.add_many(bench_people(460, TODAY, BOOK, seed=3), "import", "生成", "generated")
    assert path.stat().st_size >= storejournal.FROM_BYTES
    return path


def _copy(large: Path, tmp_path: Path) -> Path:
    db = tmp_path / "t.json"
    shutil.copy(large, db)
    return db


def _journal(path: Path) -> list[bytes]:
    raw = path.read_bytes()
    return raw[raw.rindex(BODY_END) + len(BODY_END):].splitlines()


def test_writers_appending_at_once_lose_nothing(large: Path, tmp_path: Path) -> None:
    db = _copy(large, tmp_path)
    procs = [subprocess.Popen([sys.executable, "-c", WORKER, str(db), str(w), str(EDITS)], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, cwd=ROOT) for w in range(WORKERS)]
    for proc in procs:
        out, err = proc.communicate(timeout=240)
        assert proc.returncode == 0 and "done" in out, err
    assert len(_journal(db)) == WORKERS * EDITS, "each change one line after the file's JSON"
    svc = Service(Store(db), BOOK, lambda: TODAY)
    assert [svc.person(1 + w * EDITS + i).note for w in range(WORKERS) for i in range(EDITS)] \
        == [f"w{w}-{i}" for w in range(WORKERS) for i in range(EDITS)]
    assert len(svc.history()) == 1 + WORKERS * EDITS
    people = svc.people()
    assert svc.store.status_tally() == tally_of(derive(p, BOOK).to_json() for p in people)  # type: ignore[attr-defined]


def test_the_cli_appends_a_step_and_status_and_the_backup_see_it(large: Path, tmp_path: Path) -> None:
    db = _copy(large, tmp_path)
    before = db.read_bytes()
    svc = Service(Store(db), BOOK, lambda: TODAY)
    pid = next(p.id for p in svc.people() if p.active and p.stage == "applicant" and p.last("talked") is None)
    env = tracker_env(db)
    done = subprocess.run([sys.executable, "-m", "tracker", "record", str(pid), "talked", "--on", str(TODAY)],
                          capture_output=True, text=True, cwd=ROOT, env=env, timeout=60)
    assert done.returncode == 0, done.stderr
    assert db.read_bytes().startswith(before) and len(_journal(db)) == 1
    fresh = Service(Store(db), BOOK, lambda: TODAY)
    shown = subprocess.run([sys.executable, "-m", "tracker", "status", "--json"], capture_output=True, text=True,
                           cwd=ROOT, env=env, timeout=60)
    assert shown.returncode == 0, shown.stderr
    counts = status(fresh.people(), BOOK, TODAY)
    assert json.loads(shown.stdout) == json.loads(json.dumps(counts.to_json(), default=str))
    assert counts != status(svc.people(), BOOK, TODAY), "the step changed what is due (the talk is done)"
    backup = tmp_path / "backup.json"
    made = subprocess.run([sys.executable, "-m", "tracker", "export", "--format", "json", "-o", str(backup)],
                          capture_output=True, text=True, cwd=ROOT, env=env, timeout=60)
    assert made.returncode == 0, made.stderr
    assert '"talked"' in backup.read_text(encoding="utf-8")
    name = fresh.person(pid).name
    record = next(p for p in json.loads(backup.read_text(encoding="utf-8"))["people"] if p["name"] == name)
    assert any(e["event"] == "talked" for e in record["events"])
