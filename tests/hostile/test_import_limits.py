"""Import limits: a tiny file that expands to gigabytes is refused at once, and import time grows linearly."""

from __future__ import annotations

import struct
import time
import zipfile
from pathlib import Path

import pytest

from tests.ui.conftest import BOOK, TODAY
from tracker.importers import ImportError_, plan_import, read_table
from tracker.inputs import id_check_char

from .run_cli import Run, runner

CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
</Types>"""
RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>
</Relationships>"""
WORKBOOK = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"""
WORKBOOK_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>
</Relationships>"""


def _sheet_xml(dimension: str | None, cells: str) -> str:
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            f"{dim}<sheetData>{cells}</sheetData></worksheet>")


HEADER_ROW = ('<row r="1"><c r="A1" t="inlineStr"><is><t>姓名</t></is></c>'
              '<c r="B1" t="inlineStr"><is><t>递交入党申请书时间</t></is></c></row>')
FAR_CELL = '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'


def build_xlsx(path: Path, sheet_xml: str) -> Path:
    """A workbook made by hand, as an attacker would: only the parts openpyxl needs."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", CONTENT_TYPES)
        zf.writestr("_rels/.rels", RELS)
        zf.writestr("xl/workbook.xml", WORKBOOK)
        zf.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        zf.writestr("xl/worksheets/sheet1.xml", sheet_xml)
    return path


def _refused_fast(path: Path) -> ImportError_:
    start = time.perf_counter()
    with pytest.raises(ImportError_) as caught:
        read_table(path)
    assert time.perf_counter() - start < 0.5
    return caught.value


@pytest.fixture
def run(tmp_path: Path) -> Run:
    return runner(tmp_path / "tracker.json", cwd=tmp_path)


def test_one_cell_at_xfd1048576_is_refused_at_once_with_exit_2(run: Run, tmp_path: Path) -> None:
    bomb = build_xlsx(tmp_path / "bomb.xlsx", _sheet_xml("A1:XFD1048576", HEADER_ROW + FAR_CELL))
    assert bomb.stat().st_size < 5000
    err = _refused_fast(bomb)
    assert "1,048,576" in err.zh and "1,048,576" in err.en and "100,000" in err.en
    for lang in ("zh", "en"):
        r = run("import", str(bomb), lang=lang)
        assert r.code == 2
        assert ("过大" if lang == "zh" else "too large") in r.err
    assert not (tmp_path / "tracker.json").exists()  # nothing was written: not even an empty database


def test_a_sheet_that_hides_its_size_is_still_read_within_the_limits(tmp_path: Path) -> None:
    bomb = build_xlsx(tmp_path / "nodim.xlsx", _sheet_xml(None, HEADER_ROW + FAR_CELL))
    start = time.perf_counter()
    with pytest.raises(ImportError_, match="100,000"):
        read_table(bomb)
    assert time.perf_counter() - start < 2  # bounded: at most 100,001 rows of 201 cells, never 4 GB


def test_a_sheet_wider_than_200_columns_is_refused(tmp_path: Path) -> None:
    wide = build_xlsx(tmp_path / "wide.xlsx", _sheet_xml("A1:HA2", HEADER_ROW))
    assert "209" in _refused_fast(wide).en


def test_a_zip_that_declares_gigabytes_is_refused_before_unpacking(tmp_path: Path) -> None:
    path = build_xlsx(tmp_path / "big.xlsx", _sheet_xml("A1:B1", HEADER_ROW))
    data = bytearray(path.read_bytes())
    entry = data.rfind(b"PK\x01\x02")  # the last central directory entry: the sheet
    struct.pack_into("<I", data, entry + 24, 4_000_000_000)  # its declared uncompressed size
    path.write_bytes(bytes(data))
    err = _refused_fast(path)
    assert "MB" in err.zh and "MB" in err.en


def test_a_csv_longer_than_100000_rows_is_refused(run: Run, tmp_path: Path) -> None:
    sheet = tmp_path / "long.csv"
    # 100,000 people fit with a few title and header rows above them (the limit allows 20); one more row is refused
    sheet.write_text("姓名,递交入党申请书时间\n" + "甲,2024-01-10\n" * 100_020, encoding="utf-8")
    r = run("import", str(sheet), "--dry-run")
    assert r.code == 2 and "100,000" in r.err


def test_a_real_sheet_below_the_limits_still_imports(run: Run, tmp_path: Path) -> None:
    ok = build_xlsx(tmp_path / "ok.xlsx", _sheet_xml("A1:B2", HEADER_ROW + (
        '<row r="2"><c r="A2" t="inlineStr"><is><t>张三</t></is></c>'
        '<c r="B2" t="inlineStr"><is><t>2024-01-10</t></is></c></row>')))
    assert run("import", str(ok)).code == 0
    assert [p["name"] for p in run("list", "--json").json()] == ["张三"]


# ------------------------------------------------------------------ linear time

def _roster_csv(path: Path, n: int) -> Path:
    lines = ["姓名,出生年月,身份证号,递交入党申请书时间,确定为入党积极分子时间"]
    for i in range(n):
        first17 = f"{110101 + i // 1000}19900101{i % 1000:03d}"
        lines.append(f"人员{i},1990-01-01,{first17}{id_check_char(first17)},2024-01-10,2024-09-10")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _plan_seconds(path: Path) -> float:
    best = float("inf")
    for _ in range(2):
        start = time.perf_counter()
        plan = plan_import(path, [], BOOK, TODAY)
        best = min(best, time.perf_counter() - start)
        assert plan.errors == 0 and len(plan.new) > 0
    return best


def test_import_time_grows_linearly_with_the_rows(tmp_path: Path) -> None:
    small = _plan_seconds(_roster_csv(tmp_path / "s.csv", 300))
    large = _plan_seconds(_roster_csv(tmp_path / "l.csv", 3000))
    # linear: about 10x; matching every row against everyone before it made it about 30x
    assert large / small < 18, (small, large)
