"""export, import and report end to end."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from openpyxl import Workbook, load_workbook

from .conftest import Run


def test_export_default_names_never_overwrite(run: Run, tmp_path: Path) -> None:
    assert run("demo").code == 0
    out = tmp_path / "out"
    out.mkdir()
    res = run("export", "--stage", "activist", "--format", "csv", "-o", str(out / "a.csv"), lang="zh")
    assert res.code == 0 and "a.csv" in res.out
    rows = list(csv.reader(io.StringIO((out / "a.csv").read_bytes().decode("utf-8-sig"))))
    assert rows[0][:2] == ["序号", "姓名"] and "********" in rows[1][rows[0].index("身份证号")]
    again = run("export", "--stage", "activist", "--format", "csv", "-o", str(out / "a.csv"))
    assert again.code == 2 and "--force" in again.err
    assert run("export", "--stage", "activist", "--format", "csv", "-o", str(out / "a.csv"), "--force").code == 0


def test_export_all_to_a_workbook_and_a_person_record(run: Run, tmp_path: Path) -> None:
    run("demo")
    res = run("export", "-o", str(tmp_path / "all.xlsx"), "--json")
    assert res.code == 0 and res.json()["format"] == "xlsx"
    assert len(load_workbook(tmp_path / "all.xlsx").sheetnames) == 5
    pid = run("list", "--stage", "member", "--json").json()[0]["id"]
    res = run("export", "--person", str(pid), "-o", str(tmp_path / "p.md"))
    assert res.code == 0 and "全程纪实" in (tmp_path / "p.md").read_text(encoding="utf-8")


def test_default_file_name_is_dated_in_the_current_directory(run: Run, tmp_path: Path) -> None:
    run("demo")
    import os
    import subprocess
    import sys

    env = {**os.environ, "TRACKER_DB": str(run.db), "TRACKER_TODAY": "2026-11-27", "TRACKER_LANG": "zh"}  # type: ignore[attr-defined]
    subprocess.run([sys.executable, "-m", "tracker", "export", "--stage", "target"], cwd=tmp_path, env=env, check=True,
                   capture_output=True)
    assert (tmp_path / "发展对象名册-2026-11-27.xlsx").exists()


def _sheet(path: Path, rows: list[list[object]]) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.append(["发展党员名册"])
    ws.append(["姓名", "性别", "出生年月", "递交入党申请书时间", "确定为入党积极分子时间", "所在党支部"])
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


def test_import_all_or_nothing_then_skip_invalid(run: Run, tmp_path: Path) -> None:
    path = _sheet(tmp_path / "s.xlsx", [["甲", "男", "1990-01-01", "2024-01-01", "2024-06-01", "一支部"],
                                        ["乙", "女", "1991-01-01", "2024-13-01", None, "一支部"]])
    res = run("import", str(path), "--json")
    assert res.code == 1 and res.json()["written"] is False
    assert [r["status"] for r in res.json()["rows"]] == ["new", "error"]
    assert not run.db.exists()  # type: ignore[attr-defined]  # nothing was written
    dry = run("import", str(path), "--dry-run", "--skip-invalid")
    assert dry.code == 0 and not run.db.exists()  # type: ignore[attr-defined]
    res = run("import", str(path), "--skip-invalid")
    assert res.code == 0
    assert [p["name"] for p in run("list", "--json").json()] == ["甲"]
    assert run("undo").code == 0 and run("list", "--json").json() == []


def test_import_report_names_rows_and_problems_in_chinese(run: Run, tmp_path: Path) -> None:
    path = _sheet(tmp_path / "s.xlsx", [["丙", "男", "1990-01-01", "2024-01-01", "2023-06-01", "一支部"]])
    res = run("import", str(path), lang="zh")
    assert res.code == 1 and "第3行 丙：错误" in res.out and "早于" in res.out


def test_json_backup_round_trip_through_the_cli(run: Run, tmp_path: Path) -> None:
    run("demo")
    backup = tmp_path / "b.json"
    assert run("export", "--format", "json", "-o", str(backup)).code == 0
    other = tmp_path / "other.json"
    res = run("import", str(backup), env={"TRACKER_DB": str(other)})
    assert res.code == 0, res.err
    a = run("list", "--all", "--json").json()
    b = run("list", "--all", "--json", env={"TRACKER_DB": str(other)}).json()
    assert [{k: v for k, v in p.items() if k != "id"} for p in a] == [{k: v for k, v in p.items() if k != "id"} for p in b]


def test_a_newer_branch_backup_merges_into_the_committee_file(run: Run, tmp_path: Path) -> None:
    run("add", "甲", "--applied", "2025-03-01", "--birth", "1995-05-05", "--branch", "一支部")
    first, newer = tmp_path / "first.json", tmp_path / "newer.json"
    assert run("export", "--format", "json", "-o", str(first)).code == 0
    committee = {"TRACKER_DB": str(tmp_path / "committee.json")}
    assert run("import", str(first), env=committee).code == 0
    assert run("record", "甲", "talked", "--on", "2025-03-20").code == 0  # the branch goes on
    assert run("export", "--format", "json", "-o", str(newer)).code == 0
    res = run("import", str(newer), env=committee, lang="zh")
    assert res.code == 0 and "合并" in res.out and "党组织派人谈话 2025-03-20" in res.out, res.out
    shown = run("show", "甲", "--json", env=committee).json()
    assert [e["event"] for e in shown["events"]] == ["applied", "talked"]
    again = run("import", str(newer), env=committee, lang="zh")
    assert again.code == 0 and "无变化 1" in again.out


def test_export_takes_its_format_from_the_file_name(run: Run, tmp_path: Path) -> None:
    run("add", "甲", "--applied", "2025-03-01")
    assert run("export", "-o", str(tmp_path / "backup.json")).code == 0
    assert (tmp_path / "backup.json").read_text(encoding="utf-8").lstrip().startswith("{")
    assert run("export", "--stage", "applicant", "-o", str(tmp_path / "a.csv"), lang="zh").code == 0
    assert (tmp_path / "a.csv").read_bytes().decode("utf-8-sig").startswith("序号")
    clash = run("export", "--format", "csv", "-o", str(tmp_path / "a.xlsx"), lang="zh")
    assert clash.code == 2 and "扩展名与格式 csv 不符" in clash.err and not (tmp_path / "a.xlsx").exists()


def test_report_for_a_year(run: Run) -> None:
    run("add", "甲", "--applied", "2025-03-01")
    run("add", "乙", "--applied", "2025-04-01", "--branch", "二支部")
    body = run("report", "--year", "2025", "--json", lang="zh").json()
    assert body["flows"]["applied"] == 2 and set(body["by_branch"]) == {"—", "二支部"}
    assert body["sentence"] == ("2025年全年收到入党申请书2份，确定入党积极分子0名、发展对象0名，发展党员0名，"
                                "预备党员转正0名；年末有入党申请人2名、入党积极分子0名、发展对象0名、预备党员0名。")
    assert body["seed_sentence"] == "共发展正式党员0名，发展对象0名，入党积极分子0名，入党申请人2名。"
    this_year = run("report", "--year", "2026", "--json", lang="zh").json()
    assert this_year["complete"] is False and "截至2026-11-27有入党申请人2名" in this_year["sentence"]
    future = run("report", "--year", "2027", "--json")
    assert future.code == 2 and "has not begun" in future.json()["message"]
    assert run("report", "--year", "2025", "--branch", "二支部", "--json").json()["flows"]["applied"] == 1


def test_the_unit_is_set_once_and_heads_every_roster(run: Run, tmp_path: Path) -> None:
    assert run("add", "甲", "--applied", "2025-03-01", "--branch", "第一党支部").code == 0
    assert "尚未设置" in run("config", "unit", lang="zh").out
    assert run("config", "unit", "中共某某大学委员会").code == 0
    assert run("config", "unit", "--json").json() == {"unit": "中共某某大学委员会"}
    out = tmp_path / "r.md"
    assert run("export", "--stage", "applicant", "--branch", "第一党支部", "--format", "md", "-o", str(out),
               lang="zh").code == 0
    assert out.read_text(encoding="utf-8").startswith("## 中共某某大学委员会第一党支部 入党申请人名册")
    assert run("config", "unit", "--clear").code == 0 and run("config", "unit", "--json").json() == {"unit": None}
    assert run("show", "甲", "--json").json()["name"] == "甲"  # the people are untouched


def _two_sheets(path: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "申请人"
    ws.append(["序号", "姓　名", "申请入党时间", "政审情况", "爱好"])
    ws.append([1, "张　三", "2025-03-01", None, "篮球"])
    ws.append(["合计", None, None, None, None])
    ws2 = wb.create_sheet("积极分子")
    ws2.append(["姓名", "申请入党时间", "确定为积极分子时间", "预备期满时间"])
    ws2.append(["李四", "2024-03-01", "2024-09-10", None])
    wb.save(path)
    return path


def test_import_report_lists_unused_columns_and_each_rows_sheet(run: Run, tmp_path: Path) -> None:
    path = _two_sheets(tmp_path / "s.xlsx")
    zh = run("import", str(path), "--dry-run", lang="zh")
    assert zh.code == 0, zh.err
    assert "未使用的列：序号（能识别，未导入）、政审情况（能识别，未导入）、爱好（不认识此列，未导入）" in zh.out
    assert "预备期满时间（由日期推算，不导入）" in zh.out
    assert "“申请人”表第2行 张三：新增" in zh.out and "“积极分子”表第2行 李四：新增" in zh.out
    en = run("import", str(path), "--dry-run")
    assert "Columns not used: 序号 (recognised; not imported)" in en.out and "Sheet '积极分子' Row 2 李四: new" in en.out
    data = run("import", str(path), "--json", lang="zh").json()
    assert {"column": "爱好", "why": "不认识此列，未导入"} in data["unused_columns"]
    assert [(r["sheet"], r["name"], r["status"]) for r in data["rows"]] == [("申请人", "张三", "new"),
                                                                            ("积极分子", "李四", "new")]
    assert [p["name"] for p in run("list", "--json").json()] == ["张三", "李四"]


def test_our_full_export_imported_again_changes_nothing(run: Run, tmp_path: Path) -> None:
    assert run("demo").code == 0
    out = tmp_path / "all.xlsx"
    assert run("export", "--full-id", "--full-contact", "-o", str(out)).code == 0
    before = run("list", "--all", "--json").json()
    res = run("import", str(out), "--json")
    assert res.code == 0 and res.json()["written"] is False
    assert {r["status"] for r in res.json()["rows"]} == {"unchanged"}
    assert run("list", "--all", "--json").json() == before


def _with_hidden_row(path: Path) -> Path:
    """A roster whose row 4 (李四, who moved away) is hidden in Excel, as a secretary hides a person who left."""
    wb = Workbook()
    ws = wb.active
    ws.append(["发展党员名册"])
    ws.append(["姓名", "性别", "递交入党申请书时间", "所在党支部"])
    ws.append(["张三", "男", "2025-03-01", "机关第一党支部"])
    ws.append(["李四", "女", "2025-04-01", "机关第一党支部"])
    ws.append(["王五", "男", "2025-05-01", "机关第二党支部"])
    ws.row_dimensions[4].hidden = True
    wb.save(path)
    return path


def test_import_skips_a_hidden_row_and_says_so(run: Run, tmp_path: Path) -> None:
    path = _with_hidden_row(tmp_path / "hidden.xlsx")
    zh = run("import", str(path), lang="zh")
    assert zh.code == 0, zh.err
    assert "第4行已隐藏，未导入：李四" in zh.out and "--include-hidden" in zh.out
    assert "第3行 张三：新增" in zh.out and "第5行 王五：新增" in zh.out  # the rows around it keep their numbers
    assert [p["name"] for p in run("list", "--json").json()] == ["张三", "王五"]
    en = run("import", str(path), "--dry-run", "--json").json()
    assert en["hidden_rows"] == [{"sheet": "Sheet", "row": 4, "name": "李四"}]


def test_import_include_hidden_imports_the_hidden_row_too(run: Run, tmp_path: Path) -> None:
    path = _with_hidden_row(tmp_path / "hidden.xlsx")
    res = run("import", str(path), "--include-hidden")
    assert res.code == 0, res.err
    assert "hidden" not in res.out and "Row 4 李四: new" in res.out
    assert [p["name"] for p in run("list", "--json").json()] == ["张三", "李四", "王五"]
