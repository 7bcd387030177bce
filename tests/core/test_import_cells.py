"""Cells and rows as secretaries' sheets really have them (found by trying imports as a new secretary): more
header spellings, footers with names in them, dashes in empty date cells, a stray small number, phone numbers
a spreadsheet mangled, two columns of the same field."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from tracker.importers import plan_import

from .helpers import BOOK

TODAY = date(2026, 11, 27)


def _plan(tmp_path: Path, head: list[str], *rows: list[Any]) -> Any:
    wb = Workbook()
    ws = wb.active
    ws.append(head)
    for r in rows:
        ws.append(r)
    path = tmp_path / "s.xlsx"
    wb.save(path)
    return plan_import(path, [], BOOK, TODAY)


def test_more_header_spellings(tmp_path: Path) -> None:
    plan = _plan(tmp_path, ["姓名", "出生年月", "所属支部", "提交入党申请时间", "确定积极分子日期"],
                 ["张三", "1995.05", "一支部", "2024-03-01", "2024-09-10"])
    (p,) = plan.new
    assert (p.branch, p.date_of("applied"), p.date_of("activist")) == ("一支部", date(2024, 3, 1), date(2024, 9, 10))
    plan = _plan(tmp_path, ["姓名", "出生年月", "党支部名称", "入党申请书递交时间", "成为积极分子时间"],
                 ["张三", "1995.05", "一支部", "2024-03-01", "2024-09-10"])
    assert plan.new[0].stage == "activist" and plan.unused_columns == {}


HEAD = ["序号", "姓名", "出生年月", "所在党支部", "递交入党申请书时间", "确定为入党积极分子时间", "联系电话"]


def test_footer_rows_with_names_in_them_and_placeholders_are_not_people(tmp_path: Path) -> None:
    plan = _plan(tmp_path, HEAD,
                 [1, "张三", "1995.05", "一支部", "2024-03-01", "/", None],
                 [2, "李四", "1996.06", "一支部", "2024-04-01", "—", None],
                 [3, "王五", "1997.07", "一支部", "2024-05-01", "无", None],
                 [4, "赵六", "1998.08", "一支部", "2024-06-01", "未列入", None],
                 ["填表人：", "王丽", None, "审核人：", "李明", None, None],
                 ["以下空白", None, None, None, None, None, None],
                 [None, "联系人：王丽 电话：13800000000", None, None, None, None, None])
    assert plan.errors == 0, [(r.row, r.problems) for r in plan.rows]
    assert [p.name for p in plan.new] == ["张三", "李四", "王五", "赵六"]
    assert all(p.stage == "applicant" for p in plan.new)


def test_a_stray_small_number_in_a_date_column_is_not_1900(tmp_path: Path) -> None:
    plan = _plan(tmp_path, HEAD, [1, "张三", "2000.05", "一支部", 1, None, None])
    (row,) = plan.rows
    assert row.status == "error" and plan.new == []


def test_phone_numbers_as_spreadsheets_leave_them(tmp_path: Path) -> None:
    plan = _plan(tmp_path, HEAD,
                 [1, "张三", "1995.05", "一支部", "2024-03-01", None, 13800000001],  # a number cell: intact
                 [2, "李四", "1996.06", "一支部", "2024-03-01", None, "1.38001E+10"],  # text of a lost number
                 [3, "王五", "1997.07", "一支部", "2024-03-01", None, "13800000003/13900000003"],
                 [4, "赵六", "1998.08", "一支部", "2024-03-01", None, "１３８０００００００４"])
    assert plan.errors == 0, [(r.row, r.problems) for r in plan.rows]
    phones = {p.name: p.phone or None for p in plan.new}
    assert phones == {"张三": "13800000001", "李四": None, "王五": "13800000003", "赵六": "13800000004"}
    notes = {r.name: " ".join(zh for zh, _ in r.notes) for r in plan.rows}
    assert "科学计数法" in notes["李四"] and "13900000003" in notes["王五"]


def test_two_columns_of_one_field(tmp_path: Path) -> None:
    plan = _plan(tmp_path, ["姓名", "出生年月", "递交入党申请书时间", "联系电话", "手机号", "备注", "备注"],
                 ["张三", "1995.05", "2024-03-01", "13800000001", "13900000001", "团员", "已培训"],
                 ["李四", "1996.06", "2024-03-01", None, "13900000002", None, None])
    got = {p.name: p for p in plan.new}
    assert got["张三"].phone == "13800000001" and got["张三"].note == "团员；已培训"
    assert got["李四"].phone == "13900000002"  # the first column empty: the second counts
    (zs,) = [r for r in plan.rows if r.name == "张三"]
    assert any("13900000001" in zh and "未导入" in zh for zh, _ in zs.notes)


def test_what_an_import_could_not_check_is_not_called_irregular_on_the_roster(tmp_path: Path) -> None:
    import re

    from tracker.registers import note_words

    plan = _plan(tmp_path, ["姓名", "出生年月", "递交入党申请书时间", "确定为入党积极分子时间", "确定为发展对象时间"],
                 ["张三", "1995.05", "2021-03-01", "2021-09-10", "2022-10-08"])
    (p,) = plan.new
    assert p.last("target").override  # type: ignore[union-attr]  # the publicity and filing were not in the sheet
    words = note_words(p, BOOK, TODAY) or ""
    assert "导入时原表缺少记录、未能核对：2022-10-08 确定为发展对象（原表未记录核对所需的步骤）" in words
    assert "未按规定条件办理" not in words and not re.search(r"\bR\d", words)


def test_a_row_with_several_problems_lists_them_all(tmp_path: Path) -> None:
    plan = _plan(tmp_path, ["姓名", "身份证号", "性别", "递交入党申请书时间", "确定为入党积极分子时间"],
                 [None, "11010519491231002X9", "未知", "2024-13-45", "昨天"])
    (row,) = plan.rows
    text = "；".join(zh for zh, _ in row.problems)
    assert row.status == "error" and plan.new == []
    assert "姓名为空" in text and "身份证" in text and "性别" in text, text
    assert "申请" in text and "积极分子" in text, text
    assert "缺少递交入党申请书时间" not in text  # the unreadable date is said once, not also as missing


def test_a_hyperlink_name_is_read_by_its_text_and_other_formulas_are_named(tmp_path: Path) -> None:
    plan = _plan(tmp_path, ["姓名", "出生年月", "递交入党申请书时间"],
                 ['=HYPERLINK("https://example.org/a","张三")', "1995.05", "2024-03-01"],
                 ['=HYPERLINK(A9, B9)', "1996.05", "2024-03-02"],
                 ["王五", "1997.05", '=DATE(2024,3,3)'])
    first, second, third = plan.rows
    assert first.status != "error" and plan.new[0].name == "张三"
    assert second.status == "error"
    (problem,) = second.problems
    assert problem[0].startswith("姓名是公式（=HYPERLINK(A9, B9)），表中没有保存它的结果") and "粘贴为数值" in problem[0]
    assert "formula" in problem[1]
    assert third.status == "error" and any("公式" in n for n, _ in third.notes)
