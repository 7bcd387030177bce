"""A JSON backup imported into a database: people it lacks are added, people it has get the backup's newer
steps (checked by the rules) and details; the same backup into the database it came from changes nothing;
conflicting dates are reported with both values; its format version is checked."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tracker.exporters import BACKUP_VERSION, backup_json
from tracker.importers import ImportError_, plan_import
from tracker.model import Event
from tracker.service import Service
from tracker.store import Store

from .helpers import BOOK

TODAY = date(2026, 11, 27)


def _svc(path: Path) -> Service:
    return Service(Store(path), BOOK, lambda: TODAY)


def _backup(svc: Service, path: Path) -> Path:
    path.write_bytes(backup_json(svc.people(), TODAY))
    return path


@pytest.fixture
def branch(tmp_path: Path) -> Service:
    svc = _svc(tmp_path / "branch.json")
    svc.add({"name": "张三", "birth": "1995-05-05", "id_number": "", "branch": "一支部"}, date(2024, 3, 1))
    svc.add({"name": "李四", "birth": "1996-06-06", "branch": "一支部", "phone": "13800000001"}, date(2024, 4, 1))
    return svc


def _pid(svc: Service, name: str) -> int:
    return next(p.id for p in svc.people() if p.name == name)


def test_the_same_backup_into_its_own_database_changes_nothing(branch: Service, tmp_path: Path) -> None:
    plan = plan_import(_backup(branch, tmp_path / "b.json"), branch.people(), BOOK, TODAY)
    assert plan.new == [] and plan.updated == []
    assert {r.status for r in plan.rows} == {"unchanged"} and all("无变化" in r.notes[-1][0] for r in plan.rows)
    assert branch.apply_import(plan) is None  # nothing written, no history entry


def test_newer_steps_and_details_in_a_backup_are_merged(branch: Service, tmp_path: Path) -> None:
    committee = _svc(tmp_path / "committee.json")
    committee.apply_import(plan_import(_backup(branch, tmp_path / "old.json"), [], BOOK, TODAY))
    # the branch works on: 张三 talked to and named activist; 李四's phone corrected
    zs = _pid(branch, "张三")
    branch.record(zs, Event("talked", date(2024, 3, 20)))
    branch.record(zs, Event("activist", date(2024, 9, 10)))
    branch.edit(_pid(branch, "李四"), {"phone": "13900000002"})
    newer = _backup(branch, tmp_path / "new.json")
    plan = plan_import(newer, committee.people(), BOOK, TODAY)
    by_name = {r.name: r for r in plan.rows}
    assert by_name["张三"].status == "merged" and by_name["李四"].status in ("merged", "unchanged")
    assert any("确定为入党积极分子" in zh and "2024-09-10" in zh for zh, _ in by_name["张三"].events)
    committee.apply_import(plan)
    got = {p.name: p for p in committee.people()}
    assert [(e.event, e.date) for e in got["张三"].events] == [
        ("applied", date(2024, 3, 1)), ("talked", date(2024, 3, 20)), ("activist", date(2024, 9, 10))]
    assert got["张三"].stage == "activist"
    assert got["李四"].phone == "13800000001"  # matched by name and birth, not ID number: the record's value is kept
    assert any("保留已有" in zh for zh, _ in by_name["李四"].notes)
    again = plan_import(newer, committee.people(), BOOK, TODAY)  # once merged, the same backup changes nothing
    assert again.new == [] and again.updated == []


def test_steps_only_the_database_has_stay(branch: Service, tmp_path: Path) -> None:
    old = _backup(branch, tmp_path / "old.json")
    branch.record(_pid(branch, "张三"), Event("talked", date(2024, 3, 20)))
    plan = plan_import(old, branch.people(), BOOK, TODAY)
    assert plan.updated == [] and {r.status for r in plan.rows} == {"unchanged"}


def test_a_step_on_a_different_date_is_a_conflict_with_both_dates(branch: Service, tmp_path: Path) -> None:
    other = _svc(tmp_path / "other.json")
    other.apply_import(plan_import(_backup(branch, tmp_path / "a.json"), [], BOOK, TODAY))
    branch.record(_pid(branch, "张三"), Event("talked", date(2024, 3, 20)))
    other.record(_pid(other, "张三"), Event("talked", date(2024, 3, 25)))
    plan = plan_import(_backup(branch, tmp_path / "b.json"), other.people(), BOOK, TODAY)
    row = next(r for r in plan.rows if r.name == "张三")
    assert row.status == "error"
    assert "已有 2024-03-25，备份中 2024-03-20" in row.problems[0][0]


def test_a_newer_step_the_rules_refuse_is_an_error(branch: Service, tmp_path: Path) -> None:
    path = _backup(branch, tmp_path / "b.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    zs = next(p for p in data["people"] if p["name"] == "张三")
    zs["events"].append({"event": "target", "date": "2024-05-01"})  # not an activist: out of order
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    plan = plan_import(path, branch.people(), BOOK, TODAY)
    assert next(r for r in plan.rows if r.name == "张三").status == "error"


@pytest.mark.parametrize(("version", "words"), [
    (BACKUP_VERSION + 1, "较新版本"), (None, "版本号"), ("1", "版本号"), (0, "版本号")])
def test_the_backup_format_version_is_checked(branch: Service, tmp_path: Path, version: Any, words: str) -> None:
    path = _backup(branch, tmp_path / "b.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    if version is None:
        del data["version"]
    else:
        data["version"] = version
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(ImportError_) as exc:
        plan_import(path, branch.people(), BOOK, TODAY)
    assert words in exc.value.zh


def test_a_person_added_meanwhile_is_merged_not_doubled(branch: Service, tmp_path: Path) -> None:
    path = _backup(branch, tmp_path / "b.json")
    empty = _svc(tmp_path / "e.json")
    plan = plan_import(path, empty.people(), BOOK, TODAY)
    assert len(plan.new) == 2
    empty.add({"name": "张三", "birth": "1995-05-05", "branch": "一支部"}, date(2024, 3, 1))  # another program
    empty.apply_import(plan)
    assert sorted(p.name for p in empty.people()) == ["张三", "李四"]
    row = next(r for r in plan.rows if r.name == "张三")
    assert row.status == "unchanged" and any("导入期间" in zh for zh, _ in row.notes)
