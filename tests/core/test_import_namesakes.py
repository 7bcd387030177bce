"""Matching rows with people when only the name and the birth month say who it is: the same person given once
to the month and once to the day is one person; two people of the same name and birth month who differ in
what tells people apart (phone, job, ID number…) are never merged into one, nor silently dropped."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from tracker.importers import plan_import
from tracker.service import Service
from tracker.store import Store

from .helpers import BOOK

TODAY = date(2026, 11, 27)
HEAD = ["姓名", "出生年月", "所在党支部", "联系电话", "工作单位及职务", "递交入党申请书时间", "确定为入党积极分子时间"]


def _book(path: Path, *sheets: tuple[str, list[list[Any]]]) -> Path:
    wb = Workbook()
    wb.remove(wb.active)
    for title, rows in sheets:
        ws = wb.create_sheet(title)
        ws.append(HEAD)
        for r in rows:
            ws.append(r)
    wb.save(path)
    return path


def _svc(tmp_path: Path) -> Service:
    return Service(Store(tmp_path / "db.json"), BOOK, lambda: TODAY)


def _apply(svc: Service, path: Path) -> Any:
    plan = plan_import(path, svc.people(), BOOK, TODAY)
    svc.apply_import(plan, skip_invalid=True)
    return plan


LISI_MONTH = ["李四", "1997.05", "一支部", None, None, "2024-03-01", "2024-09-10"]
LISI_DAY = ["李四", "1997-05-17", "一支部", None, None, "2024-03-01", "2024-09-10"]


def test_month_first_then_the_full_date_is_one_person_and_the_birth_is_completed(tmp_path: Path) -> None:
    svc = _svc(tmp_path)
    _apply(svc, _book(tmp_path / "a.xlsx", ("积极分子", [LISI_MONTH])))
    plan = _apply(svc, _book(tmp_path / "b.xlsx", ("积极分子", [LISI_DAY])))
    (p,) = svc.people()
    assert p.birth == date(1997, 5, 17)
    assert any("补全为 1997-05-17" in zh for zh, _ in plan.rows[0].notes)


def test_month_and_full_date_in_one_workbook_are_one_person_whatever_the_order(tmp_path: Path) -> None:
    for first, second in ((LISI_MONTH, LISI_DAY), (LISI_DAY, LISI_MONTH)):
        svc = Service(Store(tmp_path / f"{first[1]}.json"), BOOK, lambda: TODAY)
        _apply(svc, _book(tmp_path / "one.xlsx", ("积极分子", [first]), ("发展对象", [second])))
        assert [(p.name, p.birth) for p in svc.people()] == [("李四", date(1997, 5, 17))]


def test_two_namesakes_born_the_same_month_are_not_merged(tmp_path: Path) -> None:
    svc = _svc(tmp_path)
    rows = [["王芳", "1999.10", "一支部", "13800000001", "计算机学院", "2024-03-01", None],
            ["王芳", "1999.10", "一支部", "13800000002", "物理学院", "2024-03-01", None]]
    plan = _apply(svc, _book(tmp_path / "n.xlsx", ("申请人", rows)))
    second = plan.rows[1]
    assert second.status == "error" and "第2行" in second.problems[0][0] and "身份证号" in second.problems[0][0]
    assert [p.job for p in svc.people()] == ["计算机学院"]  # one imported, the other reported, none lost silently


def test_a_month_only_row_against_a_different_person_with_a_full_date_is_not_merged(tmp_path: Path) -> None:
    svc = _svc(tmp_path)
    svc.add({"name": "李娜", "birth": "2000-03-05", "branch": "一支部", "phone": "13800000001"}, date(2024, 3, 1))
    row = ["李娜", "2000.3", "一支部", "13900000009", "物理学院", "2024-05-01", None]
    plan = _apply(svc, _book(tmp_path / "l.xlsx", ("申请人", [row])))
    assert plan.rows[0].status == "error" and "已有的李娜" in plan.rows[0].problems[0][0]
    assert len(svc.people()) == 1 and svc.people()[0].phone == "13800000001"


def test_the_same_person_listed_twice_alike_is_one_person(tmp_path: Path) -> None:
    svc = _svc(tmp_path)
    row = ["赵六", "1990.01", "一支部", "13800000003", "后勤处", "2024-03-01", None]
    _apply(svc, _book(tmp_path / "t.xlsx", ("申请人", [row, list(row)])))
    assert [p.name for p in svc.people()] == ["赵六"]
