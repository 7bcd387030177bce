"""Files as they arrive damaged or mislabelled: a truncated workbook, one without its sheet, an .xlsx renamed
.xls, a web page saved as .xls, Excel's UTF-16 "Unicode text", hidden sheets, one garbled row, a backup with
numbers where text belongs or steps this program does not know. Each gets a Chinese message that says what to
do (never a traceback or an English library message), and nothing half-imported."""

from __future__ import annotations

import json
import zipfile
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook

from tracker.exporters import backup_json
from tracker.importers import ImportError_, plan_import
from tracker.service import Service
from tracker.store import Store

from .helpers import BOOK

TODAY = date(2026, 11, 27)
HEAD = ["姓名", "出生年月", "所在党支部", "递交入党申请书时间"]


def _book(path: Path, rows: list[list[str]], hidden: str | None = None) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "申请人"
    ws.append(HEAD)
    for r in rows:
        ws.append(r)
    if hidden:
        h = wb.create_sheet(hidden)
        h.append(HEAD)
        h.append(["隐藏者", "1990.01", "一支部", "2025-01-01"])
        h.sheet_state = "hidden"
    wb.save(path)
    return path


ROWS = [["张三", "1998.05", "一支部", "2025-03-01"], ["李四", "1999.07", "一支部", "2025-04-01"],
        ["王五", "2000.01", "二支部", "2025-05-01"]]


def _refused(path: Path) -> ImportError_:
    with pytest.raises(ImportError_) as exc:
        plan_import(path, [], BOOK, TODAY)
    assert "Traceback" not in exc.value.zh and exc.value.zh.isascii() is False
    return exc.value


def test_a_truncated_workbook_is_called_damaged(tmp_path: Path) -> None:
    good = _book(tmp_path / "good.xlsx", ROWS).read_bytes()
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(good[: len(good) * 2 // 3])
    err = _refused(cut)
    assert "已损坏或不完整" in err.zh and "zip" not in err.zh


def test_a_sheet_whose_xml_is_cut_off_is_called_damaged(tmp_path: Path) -> None:
    src = _book(tmp_path / "src.xlsx", ROWS * 50)
    bad = tmp_path / "bad.xlsx"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(bad, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data[: len(data) * 2 // 3]
            zout.writestr(item, data)
    assert "已损坏或不完整" in _refused(bad).zh


def test_a_workbook_without_its_worksheet_part_is_called_damaged(tmp_path: Path) -> None:
    src = _book(tmp_path / "src.xlsx", ROWS)
    bad = tmp_path / "nosheet.xlsx"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(bad, "w") as zout:
        for item in zin.infolist():
            if item.filename != "xl/worksheets/sheet1.xml":
                zout.writestr(item, zin.read(item))
    err = _refused(bad)
    assert "损坏" in err.zh or "没有工作表" in err.zh


def test_an_xlsx_renamed_xls_is_read_and_a_web_page_named_xls_is_explained(tmp_path: Path) -> None:
    renamed = tmp_path / "renamed.xls"
    renamed.write_bytes(_book(tmp_path / "r.xlsx", ROWS).read_bytes())
    assert {p.name for p in plan_import(renamed, [], BOOK, TODAY).new} == {"张三", "李四", "王五"}
    page = tmp_path / "export.xls"
    page.write_text("<html><body><table><tr><td>姓名</td></tr></table></body></html>", encoding="utf-8")
    assert "网页" in _refused(page).zh
    junk = tmp_path / "junk.xls"
    junk.write_bytes(b"\x00\x01 not a workbook")
    assert "不是 Excel 97–2003 文件" in _refused(junk).zh


def test_excel_unicode_text_utf16_tab_separated_is_read(tmp_path: Path) -> None:
    path = tmp_path / "unicode.txt"
    path.write_bytes("\n".join("\t".join(r) for r in [HEAD, *ROWS]).encode("utf-16"))
    plan = plan_import(path, [], BOOK, TODAY)
    assert {(p.name, p.date_of("applied")) for p in plan.new} >= {("张三", date(2025, 3, 1))}


def test_hidden_sheets_are_not_imported_and_are_named(tmp_path: Path) -> None:
    plan = plan_import(_book(tmp_path / "h.xlsx", ROWS, hidden="已转出"), [], BOOK, TODAY)
    assert "隐藏者" not in {p.name for p in plan.new} and plan.hidden_sheets == ["已转出"]
    asked = plan_import(tmp_path / "h.xlsx", [], BOOK, TODAY, sheet="已转出")
    assert [p.name for p in asked.new] == ["隐藏者"]


def test_one_garbled_row_is_an_error_row_not_the_whole_workbook(tmp_path: Path) -> None:
    rows = [*ROWS, ["锟斤拷锟斤拷", "1990.01", "一支部", "2025-01-01"]]
    plan = plan_import(_book(tmp_path / "g.xlsx", rows), [], BOOK, TODAY)
    assert len(plan.new) == 3 and plan.errors == 1
    (bad,) = [r for r in plan.rows if r.status == "error"]
    assert bad.row == 5 and "乱码" in bad.problems[0][0]


# ------------------------------------------------------------------ backups that would damage the database

@pytest.fixture
def backup(tmp_path: Path) -> tuple[Path, dict[str, object]]:
    svc = Service(Store(tmp_path / "src.json"), BOOK, lambda: TODAY)
    svc.add({"name": "张三", "birth": "1995-05-05", "branch": "一支部", "phone": "13800000000"}, date(2024, 3, 1))
    path = tmp_path / "b.json"
    path.write_bytes(backup_json(svc.people(), TODAY))
    return path, json.loads(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize(("change", "words"), [
    (lambda p: p.update(phone=13800000000), "phone"),
    (lambda p: p.update(name=123), "姓名"),
    (lambda p: p.update(branch={"a": 1}), "branch"),
    (lambda p: p["events"].append({"event": "bogus", "date": "2025-01-01"}), "bogus"),
    (lambda p: p["events"].append({"event": "mentors", "date": "2024-09-01", "names": "王一、王二"}), "names"),
    (lambda p: p["events"].append({"event": "talked", "date": "2024-02-30"}), "2024-02-30"),
])
def test_a_backup_with_the_wrong_types_is_an_error_and_the_database_stays_readable(
        tmp_path: Path, backup: tuple[Path, dict[str, object]], change: object, words: str) -> None:
    path, data = backup
    person = data["people"][0]  # type: ignore[index]
    change(person)  # type: ignore[operator]
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    dst = Service(Store(tmp_path / "dst.json"), BOOK, lambda: TODAY)
    plan = plan_import(path, dst.people(), BOOK, TODAY)
    (row,) = plan.rows
    assert row.status == "error" and "记录格式有误" in row.problems[0][0] and words in row.problems[0][0]
    assert dst.apply_import(plan, skip_invalid=True) is None
    assert Service(Store(tmp_path / "dst.json"), BOOK, lambda: TODAY).people() == []


def test_a_truncated_backup_says_where_in_chinese(backup: tuple[Path, dict[str, object]]) -> None:
    path, _ = backup
    text = path.read_text(encoding="utf-8")
    path.write_text(text[: len(text) // 2], encoding="utf-8")
    err = _refused(path)
    assert "已损坏或不完整" in err.zh and "行" in err.zh and "Expecting" not in err.zh
