"""Sheets whose Chinese is garbled (a Big5 CSV read as GBK, UTF-8 once saved as GBK, 乱码 pasted into a
workbook) are refused before anything is imported, with a message that says how to fix the file; real
rosters with rare name characters are not."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook

from tracker.garbled import diagnose, is_garbled
from tracker.importers import ImportError_, plan_import

from .helpers import BOOK

TODAY = date(2026, 11, 27)
HEAD = ["姓名", "性别", "出生年月", "所在党支部", "递交入党申请书时间"]
ROWS = [["张三", "男", "1998.05", "机关第一党支部", "2025-03-01"],
        ["李四", "女", "1999.07", "机关第一党支部", "2025-04-01"],
        ["王五", "男", "2000.01", "机关第二党支部", "2025-05-01"]]
TRAD = [["張三", "男", "1998.05", "機關第一黨支部", "2025-03-01"],
        ["劉曉", "女", "1999.07", "機關第一黨支部", "2025-04-01"],
        ["陳靜", "男", "2000.01", "機關第二黨支部", "2025-05-01"]]


def _csv(rows: list[list[str]], head: list[str] = HEAD) -> str:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(head)
    w.writerows(rows)
    return buf.getvalue()


def test_big5_csv_is_refused_and_named(tmp_path: Path) -> None:
    path = tmp_path / "tw.csv"
    path.write_bytes(_csv(TRAD, ["姓名", "性別", "出生年月", "所在黨支部", "遞交入黨申請書時間"]).encode("big5"))
    with pytest.raises(ImportError_) as exc:
        plan_import(path, [], BOOK, TODAY)
    assert "Big5" in exc.value.zh and "未导入任何内容" in exc.value.zh and "UTF-8" in exc.value.zh
    assert "Big5" in exc.value.en


def test_utf8_saved_again_as_gbk_is_refused(tmp_path: Path) -> None:
    garbled = _csv(ROWS).encode("utf-8").decode("gb18030", errors="replace")
    path = tmp_path / "mojibake.csv"
    path.write_text(garbled, encoding="utf-8")  # the damage, saved as UTF-8: it decodes without an error
    with pytest.raises(ImportError_) as exc:
        plan_import(path, [], BOOK, TODAY)
    assert "乱码" in exc.value.zh and "寮犱笁" in exc.value.zh


def test_garbled_text_pasted_into_a_workbook_is_refused(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.append(HEAD)
    for r in ROWS:
        ws.append([v.encode("utf-8").decode("gb18030", errors="replace") for v in r])  # text pasted from a bad CSV
    ws.append(["锟斤拷", "男", "1998.05", "机关第一党支部", "2025-03-01"])
    path = tmp_path / "pasted.xlsx"
    wb.save(path)
    with pytest.raises(ImportError_) as exc:
        plan_import(path, [], BOOK, TODAY)
    assert "乱码" in exc.value.zh and "garbled" in exc.value.en


def test_rare_name_characters_and_traditional_text_in_unicode_are_fine(tmp_path: Path) -> None:
    rows = [["张喆", "男", "1998.05", "机关第一党支部", "2025-03-01"],
            ["李堃", "女", "1999.07", "机关第一党支部", "2025-04-01"],
            ["王玥", "女", "2000.01", "机关第二党支部", "2025-05-01"],
            ["赵昇", "男", "2000.02", "机关第二党支部", "2025-05-01"],
            ["𠮷野", "男", "2000.03", "机关第二党支部", "2025-05-01"]]
    path = tmp_path / "rare.csv"
    path.write_bytes(_csv(rows).encode("utf-8"))
    plan = plan_import(path, [], BOOK, TODAY)
    assert sorted(p.name for p in plan.new) == sorted(r[0] for r in rows)
    path.write_bytes(_csv(TRAD).encode("utf-8"))  # traditional characters, correctly encoded
    assert len(plan_import(path, [], BOOK, TODAY).new) == 3


def test_gbk_csv_with_rare_characters_is_read(tmp_path: Path) -> None:
    rows = [["张喆", "男", "1998.05", "机关第一党支部", "2025-03-01"], *ROWS]
    path = tmp_path / "gbk.csv"
    path.write_bytes(_csv(rows).encode("gb18030"))
    assert {p.name for p in plan_import(path, [], BOOK, TODAY).new} == {"张喆", "张三", "李四", "王五"}


@pytest.mark.parametrize(("text", "garbled"), [
    ("张三、李四、王五，机关第一党支部", False),
    ("张喆李堃王玥赵昇", False),  # rare name characters alone
    ("锟斤拷锟斤拷", True),
    ("眎き化せ甝㏄綠糂瑅朝繰囊縩伐だ┦ネる", True),  # Big5 read as GBK: kana and box drawing
    ("", False),
])
def test_is_garbled(text: str, garbled: bool) -> None:
    assert is_garbled(text) is garbled
    assert (diagnose([text]) is not None) is garbled
