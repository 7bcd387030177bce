"""A step the sheet gives only to the month (2023年5月, 2023.5) is not refused for a rule counted in days that a
later day of that month would meet: it is saved marked unverified for that rule, and the report says so. A month
in which no day would do is still an error."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest

from tracker.importers import plan_import

from .helpers import BOOK

TODAY = date(2026, 11, 27)
HEAD = ["姓名", "出生年月", "身份证号", "所在党支部", "递交入党申请书时间", "确定为入党积极分子时间", "确定为发展对象时间"]


def _plan(tmp_path: Path, *rows: list[str]) -> object:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(HEAD)
    w.writerows(rows)
    path = tmp_path / "s.csv"
    path.write_text(buf.getvalue(), encoding="utf-8")
    return plan_import(path, [], BOOK, TODAY)


def test_month_only_target_met_later_in_the_month_is_saved_unverified(tmp_path: Path) -> None:
    plan = _plan(tmp_path, ["张三", "1995.05", "", "一支部", "2021-09-01", "2022-05-20", "2023年5月"])
    (row,) = plan.rows  # type: ignore[attr-defined]
    assert row.status == "new", row.problems
    (p,) = plan.new  # type: ignore[attr-defined]
    target = p.last("target")
    assert target.date == date(2023, 5, 1)
    assert "activist-1y" in target.overridden and "原表只有年月，无法按日核对（R5）" in (target.override or "")
    zh = "\n".join(n[0] for n in row.notes)
    assert "确定为发展对象只有年月（2023年5月），按 2023-05-01 计" in zh or "只有年月（2023年5月）" in zh
    assert "无法核对" in zh and "tracker fix" in zh


def test_month_in_which_no_day_would_do_is_still_an_error(tmp_path: Path) -> None:
    plan = _plan(tmp_path, ["张三", "1995.05", "", "一支部", "2021-09-01", "2022-05-20", "2023年4月"])
    (row,) = plan.rows  # type: ignore[attr-defined]
    assert row.status == "error"
    assert any("2023-05-20" in p[0] for p in row.problems), row.problems


def test_month_only_step_takes_the_first_day_the_order_allows(tmp_path: Path) -> None:
    plan = _plan(tmp_path, ["李四", "1990.01", "", "一支部", "2023-05-20", "2023.5", ""])
    (row,) = plan.rows  # type: ignore[attr-defined]
    assert row.status == "new", row.problems
    (p,) = plan.new  # type: ignore[attr-defined]
    assert p.date_of("activist") == date(2023, 5, 20)  # not 05-01, before the application
    assert any("按 2023-05-20 计" in n[0] for n in row.notes)


def test_month_only_step_that_passes_on_the_first_is_not_marked(tmp_path: Path) -> None:
    plan = _plan(tmp_path, ["王五", "1990.01", "", "一支部", "2021-03-02", "2022年5月", ""])
    (p,) = plan.new  # type: ignore[attr-defined]
    ev = p.last("activist")
    assert ev.date == date(2022, 5, 1) and not ev.overridden and ev.override is None


def test_day_precise_step_breaking_a_minimum_is_still_an_error(tmp_path: Path) -> None:
    plan = _plan(tmp_path, ["赵六", "1990.01", "", "一支部", "2021-09-01", "2022-05-20", "2023-05-01"])
    (row,) = plan.rows  # type: ignore[attr-defined]
    assert row.status == "error"


# ------------------------------------------------------------------ mentors and sponsors: never dated on the stage date

def _sheet(tmp_path: Path, head: list[str], *rows: list[str]) -> Path:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(head)
    w.writerows(rows)
    path = tmp_path / "m.csv"
    path.write_text(buf.getvalue(), encoding="utf-8")
    return path


def test_mentors_without_a_date_go_to_the_note_once_and_the_report_says_how_to_record_them(tmp_path: Path) -> None:
    from tracker.service import Service
    from tracker.store import Store

    svc = Service(Store(tmp_path / "db.json"), BOOK, lambda: TODAY)
    path = _sheet(tmp_path, ["姓名", "出生年月", "所在党支部", "递交入党申请书时间", "确定为入党积极分子时间", "培养联系人"],
                  ["张三", "1995.05", "一支部", "2024-03-01", "2024-09-10", "李四、王五"])
    plan = plan_import(path, svc.people(), BOOK, TODAY)
    (row,) = plan.rows
    assert any("tracker record … mentors --on" in zh for zh, _ in row.notes)
    svc.apply_import(plan)
    (p,) = svc.people()
    assert p.last("mentors") is None and [e.event for e in p.events] == ["applied", "activist"]
    assert p.note == "培养联系人：李四、王五（原表无确定日期）"
    again = plan_import(path, svc.people(), BOOK, TODAY)  # the same sheet again: nothing more
    assert again.updated == [] and again.rows[0].status == "unchanged"


def test_mentors_and_sponsors_with_their_own_date_columns_are_steps_on_those_dates(tmp_path: Path) -> None:
    path = _sheet(tmp_path, ["姓名", "出生年月", "所在党支部", "递交入党申请书时间", "确定为入党积极分子时间", "培养联系人",
                             "确定培养联系人时间", "确定为发展对象时间", "入党介绍人", "确定入党介绍人时间"],
                  ["张三", "1995.05", "一支部", "2023-03-01", "2023-09-10", "李四、王五", "2023-09-20", "2024-10-08",
                   "赵六、孙七", "2024-11-02"])
    plan = plan_import(path, [], BOOK, TODAY)
    (p,) = plan.new
    assert p.last("mentors").date == date(2023, 9, 20) and p.last("mentors").names == ("李四", "王五")  # type: ignore[union-attr]
    assert p.last("sponsors").date == date(2024, 11, 2)  # type: ignore[union-attr]
    assert not p.note


# ------------------------------------------------------------------ 转正时间: the vote, or the day membership counts from?

MEMBER_HEAD = ["姓名", "出生年月", "所在党支部", "递交入党申请书时间", "确定为入党积极分子时间", "确定为发展对象时间",
               "接收为预备党员时间", "上级党委审批时间", "入党宣誓时间"]
MEMBER = ["张三", "1995.05", "一支部", "2021-03-01", "2021-09-10", "2022-10-08", "2023-06-20", "2023-07-10",
          "2023-07-20"]


@pytest.mark.parametrize(("header", "day", "noted"), [
    ("转正时间", "2024-06-20", True),  # the end of probation: what our own roster and most 党员名册 write
    ("转正时间", "2024-06-28", False),  # a later day: the meeting's date
    ("支部大会讨论转正时间", "2024-06-20", False),  # says what it is
])
def test_plain_conversion_header_on_the_probation_end_is_explained(tmp_path: Path, header: str, day: str,
                                                                  noted: bool) -> None:
    path = _sheet(tmp_path, [*MEMBER_HEAD, header, "转正审批时间"], [*MEMBER, day, "2024-07-15"])
    plan = plan_import(path, [], BOOK, TODAY)
    (row,) = plan.rows
    assert row.status == "new", row.problems
    (p,) = plan.new
    assert p.date_of("converted") == date.fromisoformat(day) and p.stage == "member"
    assert any("预备期满之日" in zh and "tracker fix" in zh for zh, _ in row.notes) is noted


def test_a_later_step_counted_from_a_month_only_step_is_marked_unverified(tmp_path: Path) -> None:
    # the activist in March 2024 (day unknown), the target on 2025-03-10: R5's year holds only if the activist
    # was named by 03-10 — a later day in March would break it, so the target is saved unverified for R5
    plan = _plan(tmp_path, ["乙", "1995.05", "", "一支部", "2023-09-01", "2024年3月", "2025-03-10"])
    (row,) = plan.rows  # type: ignore[attr-defined]
    assert row.status == "new", row.problems
    (p,) = plan.new  # type: ignore[attr-defined]
    target = p.last("target")
    assert "activist-1y" in target.overridden and "只有年月" in (target.override or "")
    # with the target a full year after the month's end nothing is left to check
    plan = _plan(tmp_path, ["丙", "1995.05", "", "一支部", "2023-09-01", "2024年3月", "2025-04-01"])
    target = plan.new[0].last("target")  # type: ignore[attr-defined]
    assert "activist-1y" not in target.overridden


def test_a_member_register_without_approval_columns_gives_full_members_marked_unverified(tmp_path: Path) -> None:
    # the usual 党员名册: 入党时间, 转正时间, no approval columns
    path = _sheet(tmp_path, ["姓名", "出生年月", "所在党支部", "递交入党申请书时间", "确定为入党积极分子时间",
                             "确定为发展对象时间", "入党时间", "转正时间"],
                  ["张三", "1990.05", "一支部", "2018-03-01", "2018-09-10", "2019-10-08", "2020-06-20", "2021-06-20"])
    plan = plan_import(path, [], BOOK, TODAY)
    (row,) = plan.rows
    assert row.status == "new", row.problems
    (p,) = plan.new
    assert p.stage == "member" and p.pending is None
    assert p.date_of("approved") == date(2020, 6, 20) and p.date_of("conversion-approved") == date(2021, 6, 20)
    assert "原表没有上级党委审批时间一列" in (p.last("conversion-approved").override or "")  # type: ignore[union-attr]
    assert any("原表没有上级党委审批时间一列" in zh for zh, _ in row.notes)


def test_a_sheet_without_an_application_column_says_what_to_add(tmp_path: Path) -> None:
    path = _sheet(tmp_path, ["姓名", "出生年月", "入党时间"], ["张三", "1990.05", "2020-06-20"])
    (row,) = plan_import(path, [], BOOK, TODAY).rows
    assert row.status == "error" and "没有“递交入党申请书时间”一列" in row.problems[0][0]


def test_mentors_changed_in_the_sheet_replace_the_earlier_undated_names(tmp_path: Path) -> None:
    from tracker.service import Service
    from tracker.store import Store

    svc = Service(Store(tmp_path / "db.json"), BOOK, lambda: TODAY)
    head = ["姓名", "出生年月", "所在党支部", "递交入党申请书时间", "确定为入党积极分子时间", "培养联系人", "联系电话"]
    svc.apply_import(plan_import(_sheet(tmp_path, head, ["张三", "1995.05", "一支部", "2024-03-01", "2024-09-10", "李四", ""]),
                                 svc.people(), BOOK, TODAY))
    plan = plan_import(_sheet(tmp_path, head, ["张三", "1995.05", "一支部", "2024-03-01", "2024-09-10", "李四、赵九",
                                               "13800000001"]), svc.people(), BOOK, TODAY)
    assert any("已补充联系电话：13800000001" in zh for zh, _ in plan.rows[0].notes)
    svc.apply_import(plan)
    assert svc.people()[0].note == "培养联系人：李四、赵九（原表无确定日期）"


def test_a_conflicting_date_says_how_to_correct_the_record(tmp_path: Path) -> None:
    from tracker.service import Service
    from tracker.store import Store

    svc = Service(Store(tmp_path / "db.json"), BOOK, lambda: TODAY)
    head = ["姓名", "出生年月", "所在党支部", "递交入党申请书时间", "确定为入党积极分子时间"]
    svc.apply_import(plan_import(_sheet(tmp_path, head, ["张三", "1995.05", "一支部", "2024-03-01", "2024-09-10"]),
                                 svc.people(), BOOK, TODAY))
    plan = plan_import(_sheet(tmp_path, head, ["张三", "1995.05", "一支部", "2024-03-01", "2024-09-12"]),
                       svc.people(), BOOK, TODAY)
    (problem,) = plan.rows[0].problems
    assert "已有 2024-09-10，表中 2024-09-12" in problem[0] and "tracker fix 1 activist --on 2024-09-12" in problem[0]
