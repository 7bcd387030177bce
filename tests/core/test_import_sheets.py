"""Messy sheets as secretaries hand them over, built in code (openpyxl, csv): headers spelled many ways and
over two rows, names padded for alignment, footer lines, dates as spreadsheets leave them, ID numbers a
number format damaged, one worksheet per stage, and our own export read back. Each test asserts what is
STORED (people, details, events), not only what the report says."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from tracker.exporters import render_rosters
from tracker.importers import ImportPlan, plan_import
from tracker.inputs import id_check_char
from tracker.model import Person
from tracker.registers import all_rosters, roster
from tracker.service import Service
from tracker.sheets import HEADERS, find_header, norm_header
from tracker.store import Store

from .helpers import BOOK

TODAY = date(2026, 11, 27)


def _svc(tmp_path: Path) -> Service:
    return Service(Store(tmp_path / "db.json"), BOOK, lambda: TODAY)


def _id(birth: str, seq: str = "123") -> str:
    first = "110101" + birth.replace("-", "") + seq
    return first + id_check_char(first)


def _xlsx(path: Path, *sheets: tuple[str, list[list[Any]]]) -> Path:
    wb = Workbook()
    wb.remove(wb.active)
    for title, rows in sheets:
        ws = wb.create_sheet(title)
        for r in rows:
            ws.append(r)
    wb.save(path)
    return path


def _csv(path: Path, rows: list[list[Any]]) -> Path:
    buf = io.StringIO()
    csv.writer(buf).writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8-sig")
    return path


def _plan(svc: Service, path: Path, sheet: str | None = None) -> ImportPlan:
    return plan_import(path, svc.people(), svc.book, svc.today, sheet)


def _stored(svc: Service, plan: ImportPlan) -> dict[str, Person]:
    assert plan.errors == 0, [(r.row, r.problems) for r in plan.rows]
    svc.apply_import(plan)
    return {p.name: p for p in svc.people()}


def _notes(plan: ImportPlan, name: str) -> str:
    return " ".join(zh for r in plan.rows if r.name == name for zh, _ in r.notes)


# ------------------------------------------------------------------ 1. headers spelled many ways

MESSY_HEAD = ["序　号", "姓 名", "性别", "出生时间", "公民身份证号码", "所在党组织", "手机号", "籍贯", "工作单位（及职务）",
              "文化程度", "申请入党时间", "确定为积极分子时间", "联系人1", "联系人2", "预备期满时间", "政审情况", "培训情况",
              "爱好"]


def test_headers_spelled_many_ways_are_read_and_stored(tmp_path: Path) -> None:
    svc = _svc(tmp_path)
    row = [1, "张三", "男", "1998-10-05", _id("1998-10-05"), "机关第一党支部", "13800001111", "河北保定",
           "办公室科员", "大学本科", "2024-03-01", "2024-09-10", "李四", "王五", None, "合格", "已培训", "篮球"]
    plan = _plan(svc, _xlsx(tmp_path / "h.xlsx", ("名册", [["某某党支部 入党积极分子名册"], MESSY_HEAD, row])))
    p = _stored(svc, plan)["张三"]
    assert (p.birth, p.branch, p.phone, p.native_place, p.job, p.education) == (
        date(1998, 10, 5), "机关第一党支部", "13800001111", "河北保定", "办公室科员", "大学本科")
    assert p.date_of("activist") == date(2024, 9, 10)
    assert p.last("mentors") is None and "培养联系人：李四、王五（原表无确定日期）" in (p.note or "")


def test_every_column_not_used_is_listed_by_name_with_why(tmp_path: Path) -> None:
    svc = _svc(tmp_path)
    plan = _plan(svc, _xlsx(tmp_path / "h.xlsx", ("名册", [MESSY_HEAD])))
    assert set(plan.unused_columns) == {"序　号", "预备期满时间", "政审情况", "培训情况", "爱好"}
    assert "推算" in plan.unused_columns["预备期满时间"][0]
    assert plan.unused_columns["政审情况"] == ("能识别，未导入", "recognised; not imported")
    assert "不认识" in plan.unused_columns["爱好"][0]


@pytest.mark.parametrize(("header", "field"), [
    ("确定为积极分子时间", "activist"), ("列为积极分子时间", "activist"), ("积极分子确定时间", "activist"),
    ("确定为入党积极分子日期", "activist"), ("支部大会通过时间", "admitted"), ("接收预备党员时间", "admitted"),
    ("上级党委审批时间", "approved"), ("介绍人", "sponsors"), ("培养人", "mentors"), ("联系人1", "mentors"),
    ("联系人2", "mentors"), ("手机号", "phone"), ("联系方式", "phone"), ("所在党组织", "branch"),
    ("公民身份证号码", "id_number"), ("出生时间", "birth"), ("出生日期", "birth"), ("文化程度", "education"),
    ("籍贯", "native_place"), ("工作单位（及职务）", "job"), ("工作单位 (及职务)", "job"),
    ("接收为预备党员时间（支部大会）", "admitted"), ("递交入党申请书\n时间", "applied"), ("转　正　时　间", "converted"),
])
def test_header_synonyms_after_normalising(header: str, field: str) -> None:
    h = find_header([["姓名", header]])
    assert h.mapping[1] == field


def test_normalising_removes_full_width_spaces_and_brackets() -> None:
    assert norm_header(" 工作单位（及职务）　") == norm_header("工作单位(及职务)") == "工作单位(及职务)"
    assert norm_header("出生日期") == norm_header("出生时间")
    assert all(norm_header(h) for names in HEADERS.values() for h in names)


# ------------------------------------------------------------------ 2. names

HEAD = ["序号", "姓名", "出生年月", "身份证号", "联系电话", "递交入党申请书时间", "确定为入党积极分子时间", "备注"]


def test_names_lose_alignment_spaces_and_the_original_is_noted(tmp_path: Path) -> None:
    svc = _svc(tmp_path)
    rows = [HEAD, [1, "张　三", None, None, None, "2024-03-01", None, None],
            [2, " 王 五 ", None, None, None, "2024-03-02", None, None],
            [3, "  李梅", None, None, None, "2024-03-03", None, None]]
    plan = _plan(svc, _csv(tmp_path / "n.csv", rows))
    stored = _stored(svc, plan)
    assert set(stored) == {"张三", "王五", "李梅"}
    assert "张　三" in _notes(plan, "张三") and "王 五" in _notes(plan, "王五")
    assert _notes(plan, "李梅") == ""  # surrounding spaces only: nothing to say


# ------------------------------------------------------------------ 3. not people

def test_footer_and_blank_rows_in_any_column_are_skipped_silently(tmp_path: Path) -> None:
    svc = _svc(tmp_path)
    rows = [["机关第一党支部 入党申请人名册"], HEAD,
            [1, "张三", None, None, None, "2024-03-01", None, None],
            [None] * 8, ["", "", "", "", "", "", "", ""],
            [2, None, None, None, None, None, None, None],  # a numbered empty line
            ["合计", None, None, None, None, None, None, None],
            [None, "共1人", None, None, None, None, None, None],
            ["填表人：李四", None, None, "审核人（支部书记签字）：", None, None, None, None],
            [None, None, None, None, None, "填报日期：2026年11月", None, None],
            [None, None, None, None, None, None, None, "（盖章）"]]
    plan = _plan(svc, _xlsx(tmp_path / "f.xlsx", ("名册", rows)))
    assert [r.name for r in plan.rows] == ["张三"]
    assert set(_stored(svc, plan)) == {"张三"}


def test_a_row_with_a_date_but_no_name_is_still_an_error(tmp_path: Path) -> None:
    svc = _svc(tmp_path)
    plan = _plan(svc, _csv(tmp_path / "e.csv", [HEAD, [1, "", None, None, None, "2024-03-01", None, None]]))
    assert plan.errors == 1


# ------------------------------------------------------------------ 4. dates as they come

def test_excel_serial_numbers_and_text_dates(tmp_path: Path) -> None:
    svc = _svc(tmp_path)
    head = ["姓名", "申请入党时间", "确定为入党积极分子时间"]
    rows = [head, ["甲", 45000, "2023年5月"], ["乙", "2023.5.6", "2024/5/6"], ["丙", 45000.0, None], ["丁", 45000.75, "202405"]]
    plan = _plan(svc, _xlsx(tmp_path / "d.xlsx", ("名册", rows)))
    stored = _stored(svc, plan)
    assert stored["甲"].date_of("applied") == date(2023, 3, 15)
    assert stored["甲"].date_of("activist") == date(2023, 5, 1)
    assert "Excel 日期序号" in _notes(plan, "甲") and "只有年月" in _notes(plan, "甲")
    assert stored["乙"].date_of("applied") == date(2023, 5, 6)
    assert stored["乙"].date_of("activist") == date(2024, 5, 6)
    assert stored["丙"].date_of("applied") == date(2023, 3, 15)
    assert stored["丁"].date_of("applied") == date(2023, 3, 15) and stored["丁"].date_of("activist") == date(2024, 5, 1)


def test_year_month_typed_as_a_number_prefers_the_id_numbers_month(tmp_path: Path) -> None:
    svc = _svc(tmp_path)
    rows = [HEAD, [1, "甲", 1998.1, _id("1998-10-05"), None, "2024-03-01", None, None],
            [2, "乙", 1998.1, _id("1998-01-20"), None, "2024-03-01", None, None],
            [3, "丙", 1998.1, None, None, "2024-03-01", None, None]]
    plan = _plan(svc, _xlsx(tmp_path / "b.xlsx", ("名册", rows)))
    stored = _stored(svc, plan)
    assert stored["甲"].birth == date(1998, 10, 5)
    assert stored["乙"].birth == date(1998, 1, 20)
    assert stored["丙"].birth == date(1998, 10, 1)
    assert "1月" in _notes(plan, "丙") and "10月" in _notes(plan, "丙") and "请核对" in _notes(plan, "丙")
    assert "身份证号" in _notes(plan, "乙")


# ------------------------------------------------------------------ 5. month precision for 出生年月

def test_birth_month_agrees_with_the_id_number_and_takes_its_full_date(tmp_path: Path) -> None:
    svc = _svc(tmp_path)
    rows = [HEAD, [1, "甲", "1998.10", _id("1998-10-05"), None, "2024-03-01", None, None],
            [2, "乙", "1998年10月", _id("1998-10-31"), None, "2024-03-01", None, None]]
    plan = _plan(svc, _xlsx(tmp_path / "m.xlsx", ("名册", rows)))
    stored = _stored(svc, plan)
    assert stored["甲"].birth == date(1998, 10, 5) and stored["乙"].birth == date(1998, 10, 31)
    assert "只有年月" not in _notes(plan, "甲")


def test_birth_month_that_differs_from_the_id_number_is_still_refused(tmp_path: Path) -> None:
    svc = _svc(tmp_path)
    rows = [HEAD, [1, "甲", "1998.11", _id("1998-10-05"), None, "2024-03-01", None, None]]
    assert _plan(svc, _csv(tmp_path / "m.csv", rows)).errors == 1


def test_without_an_id_number_people_match_by_name_and_birth_month(tmp_path: Path) -> None:
    svc = _svc(tmp_path)
    svc.add({"name": "李梅", "birth": "1998-07-08"}, date(2024, 3, 1))
    rows = [HEAD, [1, "李梅", "1998.07", None, None, "2024-03-01", "2025-03-05", None]]
    plan = _plan(svc, _csv(tmp_path / "m.csv", rows))
    assert [r.status for r in plan.rows] == ["merged"]
    (p,) = _stored(svc, plan).values()
    assert p.birth == date(1998, 7, 8) and p.date_of("activist") == date(2025, 3, 5)
    assert "不同" not in _notes(plan, "李梅")


# ------------------------------------------------------------------ 6. two header rows

def test_two_header_rows_with_a_merged_group_cell_read_as_one(tmp_path: Path) -> None:
    svc = _svc(tmp_path)
    wb = Workbook()
    ws = wb.active
    ws.append(["机关第一党支部 入党积极分子名册"])
    ws.append(["序号", "姓名", "出生年月", "发展时间", None, "培养联系人"])
    ws.append([None, None, None, "申请入党时间", "确定为入党积极分子时间", None])
    for col in (1, 2, 3, 6):
        ws.merge_cells(start_row=2, start_column=col, end_row=3, end_column=col)
    ws.merge_cells(start_row=2, start_column=4, end_row=2, end_column=5)
    ws.append([1, "张三", "1995.05", "2024-03-01", "2024-09-10", "李四、王五"])
    wb.save(tmp_path / "two.xlsx")
    plan = _plan(svc, tmp_path / "two.xlsx")
    assert plan.header_row == 3
    assert plan.columns == {"姓名": "name", "出生年月": "birth", "申请入党时间": "applied",
                            "确定为入党积极分子时间": "activist", "培养联系人": "mentors"}
    assert set(plan.unused_columns) == {"序号"}
    p = _stored(svc, plan)["张三"]
    assert p.date_of("applied") == date(2024, 3, 1) and p.date_of("activist") == date(2024, 9, 10)
    assert p.last("mentors") is None and "培养联系人：李四、王五" in (p.note or "")


def test_group_row_above_the_names_row(tmp_path: Path) -> None:
    svc = _svc(tmp_path)
    rows = [[None, None, "发展时间", None], ["姓名", "性别", "申请入党时间", "确定为入党积极分子时间"],
            ["张三", "男", "2024-03-01", "2024-09-10"]]
    plan = _plan(svc, _csv(tmp_path / "g.csv", rows))
    assert _stored(svc, plan)["张三"].date_of("activist") == date(2024, 9, 10)


# ------------------------------------------------------------------ 7. every worksheet

def test_every_worksheet_is_read_and_rows_say_their_sheet(tmp_path: Path) -> None:
    svc = _svc(tmp_path)
    path = _xlsx(tmp_path / "s.xlsx", ("填表说明", [["请按下列要求填写"], ["1. 日期写作 2025.03.05"]]),
                 ("入党申请人", [["姓名", "递交入党申请书时间"], ["张三", "2025-03-01"]]),
                 ("入党积极分子", [["姓名", "递交入党申请书时间", "确定为入党积极分子时间"],
                                   ["李四", "2024-03-01", "2024-09-10"]]))
    plan = _plan(svc, path)
    assert [(r.sheet, r.name) for r in plan.rows] == [("入党申请人", "张三"), ("入党积极分子", "李四")]
    assert plan.skipped_sheets == ["填表说明"]
    assert plan.rows[0].to_json("zh")["sheet"] == "入党申请人"
    stored = _stored(svc, plan)
    assert stored["张三"].stage == "applicant" and stored["李四"].stage == "activist"
    only = _plan(_svc(tmp_path / "x"), path, sheet="入党积极分子")
    assert [r.name for r in only.rows] == ["李四"]


def test_one_person_on_two_sheets_is_one_person(tmp_path: Path) -> None:
    svc = _svc(tmp_path)
    idn = _id("1995-05-05")
    path = _xlsx(tmp_path / "s.xlsx", ("申请人", [["姓名", "身份证号", "递交入党申请书时间"], ["张三", idn, "2024-03-01"]]),
                 ("积极分子", [["姓名", "身份证号", "递交入党申请书时间", "确定为入党积极分子时间"],
                               ["张 三", idn, "2024-03-01", "2024-09-10"]]))
    plan = _plan(svc, path)
    assert [r.status for r in plan.rows] == ["new", "merged"]  # the second row adds its step to the new person
    (p,) = _stored(svc, plan).values()
    assert p.date_of("applied") == date(2024, 3, 1) and p.date_of("activist") == date(2024, 9, 10)


# ------------------------------------------------------------------ 8. damage Excel does

@pytest.mark.parametrize("cell", [1.10101199810051e17, "1.10101E+17", 110101199810051000, "110101199810051000"])
def test_an_id_number_damaged_by_the_spreadsheet_is_skipped_with_a_note(tmp_path: Path, cell: Any) -> None:
    svc = _svc(tmp_path)
    rows = [HEAD, [1, "张三", "1998-10-05", cell, "13800001111", "2024-03-01", None, None]]
    plan = _plan(svc, _xlsx(tmp_path / "i.xlsx", ("名册", rows)))
    p = _stored(svc, plan)["张三"]
    assert not p.id_number and p.phone == "13800001111" and p.date_of("applied") == date(2024, 3, 1)
    assert "身份证号已被表格软件改成数字" in _notes(plan, "张三")


# ------------------------------------------------------------------ 9. our own export read back

def _export(svc: Service, fmt: str, stage: str | None = None) -> bytes:
    people = svc.people()
    rosters = all_rosters(people, today=TODAY, full_id=True, full_contact=True, book=BOOK) if stage is None else [
        roster(people, stage, today=TODAY, full_id=True, full_contact=True, book=BOOK)]
    return render_rosters(rosters, fmt, "zh")


def test_our_xlsx_export_read_back_into_its_database_changes_nothing(tmp_path: Path) -> None:
    svc = _svc(tmp_path)
    svc.load_demo()
    before = [p.to_doc() for p in svc.people()]
    path = tmp_path / "all.xlsx"
    path.write_bytes(_export(svc, "xlsx"))
    plan = _plan(svc, path)
    assert plan.errors == 0, [(r.sheet, r.row, r.problems) for r in plan.rows if r.problems]
    assert plan.rows and {r.status for r in plan.rows} == {"unchanged"}, [
        (r.sheet, r.name, r.status, r.notes) for r in plan.rows if r.status != "unchanged"]
    assert plan.new == [] and plan.updated == []
    assert len({r.sheet for r in plan.rows}) > 1
    svc.apply_import(plan)
    assert [p.to_doc() for p in svc.people()] == before


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_column_of_our_export_is_known(tmp_path: Path, lang: str) -> None:
    svc = _svc(tmp_path)
    svc.load_demo()
    path = tmp_path / "all.xlsx"
    people = svc.people()
    path.write_bytes(render_rosters(all_rosters(people, today=TODAY, full_id=True, full_contact=True, book=BOOK,
                                                lang=lang), "xlsx", lang))
    plan = _plan(svc, path)
    assert "birth" in plan.columns.values()
    assert all("不认识" not in why for why, _ in plan.unused_columns.values()), plan.unused_columns
    assert plan.errors == 0 and {r.status for r in plan.rows} == {"unchanged"}


@pytest.mark.parametrize("stage", ["applicant", "activist", "target", "probationary", "member"])
def test_our_csv_export_of_each_stage_read_back_changes_nothing(tmp_path: Path, stage: str) -> None:
    svc = _svc(tmp_path)
    svc.load_demo()
    path = tmp_path / f"{stage}.csv"
    path.write_bytes(_export(svc, "csv", stage))
    plan = _plan(svc, path)
    assert plan.errors == 0 and plan.new == [] and plan.updated == []
    assert {r.status for r in plan.rows} <= {"unchanged"}


def test_one_phone_changed_in_our_export_updates_exactly_that_phone(tmp_path: Path) -> None:
    svc = _svc(tmp_path)
    svc.load_demo()
    before = {p.id: p for p in svc.people()}
    path = tmp_path / "all.xlsx"
    path.write_bytes(_export(svc, "xlsx", "activist"))
    wb = load_workbook(path)
    ws = wb.worksheets[0]
    head = next(r for r in ws.iter_rows() if any(c.value == "联系电话" for c in r))
    col = next(c.column for c in head if c.value == "联系电话")
    row = next(r for r in ws.iter_rows(min_row=head[0].row + 1) if r[col - 1].value)
    name_col = next(c.column for c in head if c.value == "姓名")
    name, old = row[name_col - 1].value, row[col - 1].value
    row[col - 1].value = "13999998888"
    wb.save(path)
    plan = _plan(svc, path)
    changed = [r for r in plan.rows if r.status != "unchanged"]
    assert [(r.name, r.status) for r in changed] == [(name, "merged")]
    assert any(f"已更新联系电话：{old} → 13999998888" in zh for zh, _ in changed[0].notes)
    svc.apply_import(plan)
    after = {p.id: p for p in svc.people()}
    diff = {pid for pid in after if after[pid] != before[pid]}
    assert len(diff) == 1
    (pid,) = diff
    assert after[pid].phone == "13999998888"
    assert after[pid].to_doc() | {"phone": old} == before[pid].to_doc()


def test_a_differing_detail_on_a_row_matched_by_name_keeps_the_database_value(tmp_path: Path) -> None:
    svc = _svc(tmp_path)
    svc.add({"name": "李梅", "birth": "1998-07-08", "phone": "13800001111"}, date(2024, 3, 1))
    rows = [HEAD, [1, "李梅", "1998-07-08", None, "13999998888", "2024-03-01", None, None]]
    plan = _plan(svc, _csv(tmp_path / "k.csv", rows))
    assert _stored(svc, plan)["李梅"].phone == "13800001111"
    assert "保留已有" in _notes(plan, "李梅")


def test_a_phone_changed_by_another_program_during_the_import_is_kept(tmp_path: Path) -> None:
    svc = _svc(tmp_path)
    idn = _id("1995-05-05")
    svc.add({"name": "张三", "id_number": idn, "phone": "13800001111"}, date(2024, 3, 1))
    rows = [HEAD, [1, "张三", None, idn, "13999998888", "2024-03-01", None, None]]
    plan = _plan(svc, _csv(tmp_path / "p.csv", rows))
    (pid,) = [p.id for p in svc.people()]
    svc.edit(pid, {"phone": "13700002222"})  # meanwhile, before the import takes the lock
    svc.apply_import(plan)
    assert svc.person(pid).phone == "13700002222"
    assert "导入期间被另一程序改为" in _notes(plan, "张三")


def test_a_phone_changed_in_the_sheet_updates_the_record_matched_by_id_number(tmp_path: Path) -> None:
    svc = _svc(tmp_path)
    idn = _id("1995-05-05")
    svc.add({"name": "张三", "id_number": idn, "phone": "13800001111"}, date(2024, 3, 1))
    rows = [HEAD, [1, "张三", "1995.05", idn, "13999998888", "2024-03-01", None, None]]
    plan = _plan(svc, _csv(tmp_path / "p.csv", rows))
    (p,) = _stored(svc, plan).values()
    assert p.phone == "13999998888" and p.birth == date(1995, 5, 5)
    assert [r.status for r in plan.rows] == ["merged"]
    assert "已更新联系电话：13800001111 → 13999998888" in _notes(plan, "张三")


def test_an_old_xls_workbook_is_read_every_sheet(tmp_path: Path) -> None:
    """tests/data/roster-2003.xls: an Excel 97–2003 file (made with LibreOffice) with a title row, a
    full-width space in a name, dates as real cells and as text, a 合计 row, and a second sheet."""
    src = Path(__file__).resolve().parents[1] / "data" / "roster-2003.xls"
    svc = Service(Store(tmp_path / "db.json"), BOOK, lambda: TODAY)
    plan = plan_import(src, svc.people(), BOOK, TODAY)
    assert plan.errors == 0, [r.problems for r in plan.rows]
    people = {p.name: p for p in plan.new}
    assert set(people) == {"张三", "李梅", "王五"}
    assert people["张三"].date_of("activist") == date(2023, 9, 1) and people["张三"].birth == date(1995, 5, 5)
    assert people["李梅"].date_of("applied") == date(2023, 4, 6) and people["李梅"].date_of("activist") == date(2023, 10, 8)
    assert {r.sheet for r in plan.rows} == {"积极分子", "申请人"}
