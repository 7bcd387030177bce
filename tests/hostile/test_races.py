"""Concurrent writers on one file: an import that runs while the CLI changes people, a retried add.

The import race is real: the import runs in a subprocess and is held (TRACKER_TEST_IMPORT_DELAY) between
reading the sheet, which takes no lock, and writing; meanwhile other `tracker` processes edit and record.
Every change they acknowledged must be in the file afterwards.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.cli.conftest import ROOT
from tests.ui.conftest import BOOK, TODAY
from tracker.importers import plan_import
from tracker.service import Service
from tracker.store import Store

from .run_cli import ID_A, ID_B, Run, runner

#: how long the import waits between planning and writing (long enough for the other commands)
HOLD = "3"
HEAD = "姓名,出生日期,学历,递交入党申请书时间,确定为入党积极分子时间\n"


def _env(db: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}
    env.update({"TRACKER_DB": str(db), "TRACKER_TODAY": TODAY.isoformat(), "TRACKER_LANG": "en", "COLUMNS": "160"})
    env.update(extra)
    return env


def _people(db: Path) -> dict[str, Any]:
    """Everyone in the file as `show --json` would see them, by name (read fresh, as another process)."""
    svc = Service(Store(db), BOOK, lambda: TODAY)
    return {p.name: p for p in svc.people()}


def _seed(db: Path) -> None:
    svc = Service(Store(db), BOOK, lambda: TODAY)
    svc.add({"name": "张甲", "birth": "1995-03-07", "branch": "机关第一党支部"}, date(2024, 1, 10))
    svc.add({"name": "李乙", "birth": "1996-05-12", "branch": "机关第一党支部"}, date(2024, 2, 1))


def _sheet(tmp_path: Path, filler: int = 0) -> Path:
    """张甲 is in the database: the sheet adds the activist step and the education. 王新 is new. ``filler``
    more new people make the sheet bigger."""
    lines = [HEAD, "张甲,1995-03-07,本科,2024-01-10,2025-03-01\n", "王新,1998-07-08,硕士,2024-03-05,\n"]
    lines += [f"新人{i},1990-01-01,本科,2024-03-05,\n" for i in range(filler)]
    path = tmp_path / "roster.csv"
    path.write_text("".join(lines), encoding="utf-8")
    return path


class Held:
    """`tracker import` in a subprocess, held after it has read the sheet and the database."""

    def __init__(self, db: Path, sheet: Path, *args: str) -> None:
        self.proc = subprocess.Popen([sys.executable, "-m", "tracker", "import", str(sheet), *args],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
                                     env=_env(db, TRACKER_TEST_IMPORT_DELAY=HOLD))
        assert self.proc.stderr is not None
        line = self.proc.stderr.readline()
        assert "import planned" in line, line + self.proc.stderr.read()

    def running(self) -> bool:
        return self.proc.poll() is None

    def finish(self) -> tuple[int, str, str]:
        out, err = self.proc.communicate(timeout=60)
        return self.proc.returncode, out, err


def _concurrently(db: Path, *commands: tuple[str, ...]) -> None:
    """Run the commands all at once while the import waits; each must be acknowledged (exit 0)."""
    procs = [subprocess.Popen([sys.executable, "-m", "tracker", *cmd], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, cwd=ROOT, env=_env(db)) for cmd in commands]
    for cmd, proc in zip(commands, procs, strict=True):
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, (cmd, out, err)


@pytest.mark.parametrize("attempt", range(3))
def test_changes_acknowledged_during_an_import_survive_it(tmp_path: Path, attempt: int) -> None:
    db = tmp_path / "tracker.json"
    _seed(db)
    held = Held(db, _sheet(tmp_path, filler=attempt * 50))
    _concurrently(db,
                  ("edit", "张甲", "--phone", "13900000001"),        # a person the import also changes
                  ("record", "张甲", "talked", "--on", "2024-02-01"),
                  ("edit", "李乙", "--phone", "13900000002"),        # one it does not touch
                  ("record", "李乙", "talked", "--on", "2024-02-20"))
    assert held.running(), "the import finished before the other writers: no race was tested"
    code, out, err = held.finish()
    assert code == 0, out + err
    people = _people(db)
    a, b = people["张甲"], people["李乙"]
    assert a.phone == "13900000001" and "talked" in a.kinds          # the CLI's changes survive
    assert "activist" in a.kinds and a.education == "本科"            # and the import's were applied on top
    assert b.phone == "13900000002" and "talked" in b.kinds
    assert "王新" in people and len(people) == 3 + attempt * 50


def test_a_person_added_during_an_import_is_not_duplicated(tmp_path: Path) -> None:
    db = tmp_path / "tracker.json"
    _seed(db)
    held = Held(db, _sheet(tmp_path))
    _concurrently(db, ("add", "王新", "--applied", "2024-03-05", "--birth", "1998-07-08", "--phone", "13700000000"))
    code, out, err = held.finish()
    assert code == 0, out + err
    svc = Service(Store(db), BOOK, lambda: TODAY)
    same = [p for p in svc.people() if p.name == "王新"]
    assert len(same) == 1
    assert same[0].phone == "13700000000" and same[0].education == "硕士"  # merged into the one added meanwhile
    assert "merged" in out


def test_a_step_recorded_during_an_import_wins_and_the_import_reports_the_conflict(tmp_path: Path) -> None:
    db = tmp_path / "tracker.json"
    _seed(db)
    held = Held(db, _sheet(tmp_path), "--skip-invalid", "--json")
    _concurrently(db, ("record", "张甲", "activist", "--on", "2025-04-01"))
    code, out, err = held.finish()
    assert code == 0, out + err
    report = json.loads(out)
    row = next(r for r in report["rows"] if r["name"] == "张甲")
    assert row["status"] == "error"
    assert any("another program" in n for n in row["notes"])
    assert any("2025-04-01" in p and "2025-03-01" in p for p in row["problems"])
    people = _people(db)
    assert [ev.date for ev in people["张甲"].events if ev.event == "activist"] == [date(2025, 4, 1)]
    assert "王新" in people  # --skip-invalid: the other rows are written


def test_without_skip_invalid_a_conflict_found_at_the_end_writes_nothing(tmp_path: Path) -> None:
    db = tmp_path / "tracker.json"
    _seed(db)
    held = Held(db, _sheet(tmp_path))
    _concurrently(db, ("record", "张甲", "activist", "--on", "2025-04-01"))
    code, out, err = held.finish()
    assert code == 1, out + err
    assert "nothing was written" in err
    people = _people(db)
    assert "王新" not in people
    assert [ev.date for ev in people["张甲"].events if ev.event == "activist"] == [date(2025, 4, 1)]


def test_one_undo_reverts_the_import_and_keeps_what_others_did_meanwhile(tmp_path: Path) -> None:
    db = tmp_path / "tracker.json"
    _seed(db)
    run = runner(db)
    held = Held(db, _sheet(tmp_path))
    _concurrently(db, ("edit", "张甲", "--phone", "13900000001"))
    assert held.finish()[0] == 0
    assert run("undo").code == 0
    people = _people(db)
    assert "王新" not in people
    a = people["张甲"]
    assert a.phone == "13900000001" and "activist" not in a.kinds and a.education == ""


# ------------------------------------------------------------------ the same, in one process (fast)

def _two(db: Path) -> tuple[Service, Service]:
    """Two services on one file, as two processes would hold it."""
    return Service(Store(db), BOOK, lambda: TODAY), Service(Store(db), BOOK, lambda: TODAY)


def test_an_import_plan_is_applied_to_the_record_as_it_is_when_written(tmp_path: Path) -> None:
    db = tmp_path / "t.json"
    _seed(db)
    importer, other = _two(db)
    plan = plan_import(_sheet(tmp_path), importer.people(), BOOK, TODAY)
    other.edit(other.find("张甲").id, {"phone": "13900000001"})
    assert importer.apply_import(plan) is not None
    a = importer.find("张甲")
    assert a.phone == "13900000001" and a.education == "本科" and "activist" in a.kinds
    assert any("another program" in en for _, en in plan.rows[0].notes)
    assert not any("another program" in en for _, en in plan.rows[1].notes)  # 王新: no one touched them


def test_a_backup_import_does_not_add_again_a_person_added_meanwhile(tmp_path: Path) -> None:
    src = Service(Store(tmp_path / "src.json"), BOOK, lambda: TODAY)
    src.add({"name": "王新", "birth": "1998-07-08"}, date(2024, 3, 5))
    backup = src.export(fmt="json", path=tmp_path / "b.json").path
    importer, other = _two(tmp_path / "t.json")
    plan = plan_import(backup, importer.people(), BOOK, TODAY)
    other.add({"name": "王新", "birth": "1998-07-08"}, date(2024, 3, 5))
    assert importer.apply_import(plan) is None  # nothing left to write
    assert [p.name for p in importer.people()] == ["王新"] and plan.rows[0].status == "unchanged"


def test_a_row_that_now_matches_a_namesake_is_checked_with_the_whole_sheet(tmp_path: Path) -> None:
    """Two people called 张甲 born the same day; the row without an ID number went to the first. When the first's
    birth date is corrected meanwhile, that row reaches the second, whom another row also changes: both rows'
    changes land on the second, neither overwrites the other."""
    db = tmp_path / "t.json"
    importer, other = _two(db)
    x = importer.add({"name": "张甲", "birth": "1995-03-07"}, date(2024, 1, 10)).person
    y = importer.add({"name": "张甲", "id_number": ID_A}, date(2024, 1, 10)).person
    sheet = tmp_path / "s.csv"
    sheet.write_text("姓名,出生日期,身份证号,学历,递交入党申请书时间,确定为入党积极分子时间\n"
                     "张甲,1995-03-07,,,2024-01-10,2025-03-01\n"
                     f"张甲,,{ID_A},本科,2024-01-10,\n", encoding="utf-8")
    plan = plan_import(sheet, importer.people(), BOOK, TODAY)
    assert plan.errors == 0 and len(plan.updated) == 2
    other.edit(x.id, {"birth": "1995-03-08"})
    assert importer.apply_import(plan) is not None
    second = importer.person(y.id)
    assert second.education == "本科" and "activist" in second.kinds
    first = importer.person(x.id)
    assert first.birth == date(1995, 3, 8) and "activist" not in first.kinds


# ------------------------------------------------------------------ add --if-absent

@pytest.fixture
def run(tmp_path: Path) -> Run:
    return runner(tmp_path / "tracker.json", cwd=tmp_path)


def test_add_if_absent_adds_when_no_one_matches(run: Run) -> None:
    res = run("add", "张三", "--applied", "2024-01-10", "--birth", "1995-03-07", "--if-absent")
    assert res.code == 0 and res.out.strip() == "1"


def test_add_if_absent_returns_the_person_with_the_same_name_and_birth(run: Run) -> None:
    assert run("add", "张三", "--applied", "2024-01-10", "--birth", "1995-03-07").out.strip() == "1"
    again = run("add", "张三", "--applied", "2024-01-10", "--birth", "1995-03-07", "--if-absent")
    assert again.code == 0 and again.out.strip() == "1"
    assert "Already there" in again.err and "not added again" in again.err
    assert len(run("list", "--json").json()) == 1


def test_add_if_absent_returns_the_person_with_the_same_id_number(run: Run) -> None:
    assert run("add", "张三", "--applied", "2024-01-10", "--id-number", ID_A).code == 0
    assert run("add", "李四", "--applied", "2024-01-10", "--id-number", ID_B).code == 0
    again = run("add", "张三", "--applied", "2024-02-01", "--id-number", ID_B.lower(), "--if-absent", lang="zh")
    assert again.code == 0 and again.out.strip() == "2"
    assert "已有" in again.err and ID_B not in again.err  # the ID number stays masked
    assert len(run("list", "--json").json()) == 2


def test_add_if_absent_json_says_the_person_existed(run: Run) -> None:
    run("add", "张三", "--applied", "2024-01-10", "--birth", "1995-03-07")
    res = run("add", "张三", "--applied", "2024-01-10", "--birth", "1995-03-07", "--if-absent", "--json")
    assert res.code == 0 and res.json()["id"] == 1 and res.json()["existed"] is True


def test_add_if_absent_needs_a_birth_date_or_id_number(run: Run) -> None:
    res = run("add", "张三", "--applied", "2024-01-10", "--if-absent")
    assert res.code == 2 and "--birth" in res.err


def test_add_without_if_absent_still_adds_a_namesake(run: Run) -> None:
    run("add", "张三", "--applied", "2024-01-10", "--birth", "1995-03-07")
    assert run("add", "张三", "--applied", "2024-01-10", "--birth", "1995-03-07").out.strip() == "2"


def test_add_if_absent_run_twice_at_once_adds_one_person(tmp_path: Path) -> None:
    db = tmp_path / "tracker.json"
    procs = [subprocess.Popen([sys.executable, "-m", "tracker", "add", "张三", "--applied", "2024-01-10", "--birth",
                               "1995-03-07", "--if-absent"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True, cwd=ROOT, env=_env(db)) for _ in range(4)]
    outs = [p.communicate(timeout=60) for p in procs]
    assert [p.returncode for p in procs] == [0] * 4, outs
    assert {out.strip() for out, _ in outs} == {"1"}
    assert len(_people(db)) == 1
