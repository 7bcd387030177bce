"""Exports in every format, read back: headers, rows, masking, the JSON backup and the person record."""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tracker.demo import demo_people
from tracker.exporters import (
    ExportError,
    backup_json,
    person_record,
    render_rosters,
    write_atomically,
)
from tracker.model import Person
from tracker.registers import STAGE_COLUMNS, all_rosters, mask_id, roster
from tracker.reports import person_view
from tracker.yearly import year_figures

from .helpers import BOOK

TODAY = date(2026, 11, 27)


def _people() -> list[Person]:
    return [replace(p, id=i + 1) for i, p in enumerate(demo_people(TODAY, BOOK))]


def test_id_numbers_are_masked_unless_asked() -> None:
    assert mask_id("110101199003071234") == "110101********1234"
    people = _people()
    masked = roster(people, "activist", today=TODAY)
    full = roster(people, "activist", today=TODAY, full_id=True)
    col = [c.key for c in masked.columns].index("id_number")
    assert all("********" in str(r[col]) for r in masked.rows)
    assert all("*" not in str(r[col]) and len(str(r[col])) == 18 for r in full.rows)


def test_each_roster_has_the_columns_of_its_stage() -> None:
    people = _people()
    heads = {r.stage: [c.zh for c in r.columns] for r in all_rosters(people, today=TODAY)}
    assert "培养联系人" in heads["activist"] and "入党介绍人" not in heads["activist"]
    assert "入党介绍人" in heads["target"] and "确定为发展对象时间" in heads["target"]
    assert "预备期满时间" in heads["probationary"] and "接收为预备党员时间（支部大会）" in heads["probationary"]
    assert "上级党委审批时间" in heads["probationary"] and "转正审批时间" in heads["member"]
    assert "确定为入党积极分子时间" not in heads["applicant"]
    assert set(STAGE_COLUMNS) == {"applicant", "activist", "target", "probationary", "member"}


def test_roster_lists_only_active_people_of_that_stage_and_branch() -> None:
    people = _people()
    r = roster(people, "activist", today=TODAY, branch="机关第一党支部")
    expected = sorted(p.name for p in people if p.active and p.stage == "activist" and p.branch == "机关第一党支部")
    assert sorted(row[0] for row in r.rows) == expected  # type: ignore[type-var]
    assert "机关第一党支部" in r.subtitle and "2026-11-27" in r.subtitle


def test_xlsx_has_title_numbered_rows_real_dates_frozen_header_and_a4_landscape() -> None:
    people = _people()
    data = render_rosters(all_rosters(people, today=TODAY), "xlsx", "zh")
    wb = load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["入党申请人名册", "入党积极分子名册", "发展对象名册", "预备党员名册", "正式党员名册"]
    ws = wb["入党积极分子名册"]
    assert ws["A1"].value == "入党积极分子名册" and "A1" in str(ws.merged_cells)
    assert [c.value for c in ws[3]][:3] == ["序号", "姓名", "性别"]
    assert ws["A4"].value == 1 and ws["A5"].value == 2
    applied_col = [c.value for c in ws[3]].index("递交入党申请书时间") + 1
    cell = ws.cell(row=4, column=applied_col)
    assert cell.is_date and cell.number_format == "yyyy.mm.dd"  # real dates, shown 2025.03.05
    birth = ws.cell(row=4, column=[c.value for c in ws[3]].index("出生年月") + 1)
    assert birth.is_date and birth.number_format == "yyyy.mm"  # 出生年月 as 1996.04
    assert ws.freeze_panes == "C4" and ws.print_title_rows == "$3:$3"
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4)
    # fitted to the width only while the text stays readable; else more pages with 序号 and 姓名 on each
    assert ws.sheet_properties.pageSetUpPr.fitToPage or ws.print_title_cols == "$A:$B"
    name_width = ws.column_dimensions["B"].width
    assert name_width is not None and name_width >= 8  # Chinese names are two cells a character


def test_xlsx_is_readable_on_paper() -> None:
    data = render_rosters(all_rosters(_people(), today=TODAY), "xlsx", "zh")
    ws = load_workbook(io.BytesIO(data))["预备党员名册"]
    body = ws["B4"]
    assert body.font.name == "宋体" and body.font.size >= 10
    assert ws["B3"].alignment.wrap_text and ws["A4"].alignment.horizontal == "center"
    footer = [c.value for row in ws.iter_rows(min_row=5) for c in row if isinstance(c.value, str)
              and c.value.startswith("填报单位")]
    assert footer and "审核人（支部书记签字）" in footer[0] and "填报日期：2026-11-27" in footer[0]


def test_a_roster_too_wide_for_one_page_is_not_shrunk_below_nine_points() -> None:
    from tracker.exporters import MIN_PRINT_SIZE, _fits_on_a4

    assert _fits_on_a4(100) and not _fits_on_a4(400)
    assert MIN_PRINT_SIZE == 9.0


def test_iso_dates_on_request_and_in_csv() -> None:
    people = _people()
    data = render_rosters([roster(people, "activist", today=TODAY)], "xlsx", "zh", "iso")
    ws = load_workbook(io.BytesIO(data)).active
    col = [c.value for c in ws[3]].index("递交入党申请书时间") + 1
    assert ws.cell(row=4, column=col).number_format == "yyyy-mm-dd"
    text = render_rosters([roster(people, "activist", today=TODAY)], "csv", "zh").decode("utf-8-sig")
    assert "-" in text.splitlines()[1].split(",")[col - 1]


def test_markdown_uses_dots_a_month_for_birth_and_the_footer() -> None:
    p = next(x for x in _people() if x.stage == "activist" and x.birth)
    text = render_rosters([roster([p], "activist", today=TODAY, unit="中共某某大学委员会")], "md", "zh").decode()
    assert f"| {p.birth.year}.{p.birth.month:02d} |" in text  # type: ignore[union-attr]
    activist = p.date_of("activist")
    assert activist is not None and f"{activist.year}.{activist.month:02d}.{activist.day:02d}" in text
    assert text.startswith("## 中共某某大学委员会 入党积极分子名册") and "填报单位（盖章）" in text


def test_phone_numbers_are_masked_unless_asked() -> None:
    p = next(x for x in _people() if x.phone)
    masked = roster([p], p.stage, today=TODAY).rows[0]
    full = roster([p], p.stage, today=TODAY, full_contact=True).rows[0]
    assert p.phone in full and p.phone not in masked
    assert any(isinstance(v, str) and v.startswith(p.phone[:3]) and "****" in v for v in masked)


def test_each_stage_roster_completes_what_a_superior_expects() -> None:
    heads = {r.stage: [c.zh for c in r.columns] for r in all_rosters(_people(), today=TODAY)}
    assert {"政审", "集中培训"} <= set(heads["target"])
    assert {"上级党委审批时间", "入党宣誓时间", "延长预备期"} <= set(heads["probationary"])
    assert {"转正审批时间", "籍贯", "工作单位及职务"} <= set(heads["member"])


def test_notes_say_in_chinese_what_a_superior_must_know() -> None:
    from tracker.registers import note_words

    from .helpers import BOOK as RULES
    from .helpers import probationer, with_events

    waiting = probationer("2025-06-15")
    assert "预备期已满165天，未讨论转正" in note_words(waiting, RULES, TODAY)
    pending = with_events(probationer("2025-06-15"), ("conversion-request", "2026-06-01"),
                          ("converted", "2026-06-20"))
    assert "支部大会已通过转正，待上级党委审批" in note_words(pending, RULES, TODAY)
    overridden = with_events(probationer("2025-06-15"),
                             ("extended", "2026-06-16", {"months": 5, "override": "上级党委同意", "overridden": ("x",)}))
    words = note_words(overridden, RULES, TODAY)
    assert "未按规定条件办理：2026-06-16 延长预备期（理由：上级党委同意）" in words
    assert not any(rid in words for rid in ("R1", "activist-1y", "conversion-prompt", "Art."))


def test_an_english_roster_notes_in_english_and_our_own_roster_reimports_its_note() -> None:

    from tracker.registers import note_words, own_note

    from .helpers import BOOK as RULES
    from .helpers import probationer, with_events

    waiting = replace(probationer("2025-06-15"), note="moved from Dept. B")
    words = note_words(waiting, RULES, TODAY, "en")
    assert words == "moved from Dept. B [Status: probation ended 165 days ago; conversion not yet discussed]"
    assert not re.search(r"[\u4e00-\u9fff]", words)
    overridden = with_events(probationer("2025-06-15"),
                             ("extended", "2026-06-16", {"months": 5, "override": "上级党委同意", "overridden": ("x",)}))
    assert "recorded against the rules' conditions: 2026-06-16 Probation extended (reason: 上级党委同意)" in \
        note_words(overridden, RULES, TODAY, "en")
    assert own_note(words) == "moved from Dept. B"  # the bracketed status is ours: re-import keeps the note only
    assert own_note(note_words(waiting, RULES, TODAY)) == "moved from Dept. B"
    assert own_note("plain [not ours") == "plain [not ours"
    english = roster([waiting], "probationary", today=TODAY, lang="en", book=RULES)
    assert english.rows[0][-1] == words


def test_csv_is_utf8_with_bom_and_reads_back() -> None:
    people = _people()
    data = render_rosters([roster(people, "target", today=TODAY)], "csv", "zh")
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0][:2] == ["序号", "姓名"] and "入党介绍人" in rows[0]
    assert len(rows) - 1 == sum(1 for p in people if p.active and p.stage == "target")
    assert all(len(r) == len(rows[0]) for r in rows)


def test_csv_refuses_several_rosters() -> None:
    with pytest.raises(ExportError, match="one roster"):
        render_rosters(all_rosters(_people(), today=TODAY), "csv", "zh")


def test_markdown_is_a_table_per_stage() -> None:
    text = render_rosters(all_rosters(_people(), today=TODAY, lang="en"), "md", "en").decode()
    assert text.count("| No. | Name |") == 5 and "## Activist roster 入党积极分子名册" in text


def test_english_headers_with_lang_en() -> None:
    data = render_rosters([roster(_people(), "probationary", today=TODAY, lang="en")], "csv", "en")
    header = next(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert header[:2] == ["No.", "Name"] and "Probation ends" in header


def test_json_backup_holds_every_event_and_override() -> None:
    people = _people()
    data = json.loads(backup_json(people, TODAY))
    assert data["format"] == "party-tracker" and len(data["people"]) == len(people)
    assert sum(len(p["events"]) for p in data["people"]) == sum(len(p.events) for p in people)


def test_person_record_has_every_step_and_lateness() -> None:
    p = next(p for p in _people() if p.stage == "member")
    view = person_view(p, BOOK, TODAY)
    md = person_record(view, "md", "zh", TODAY).decode()
    assert md.startswith(f"# {p.name} 发展党员全程纪实")
    for n in range(1, 26):
        assert f"| {n} |" in md
    xlsx = load_workbook(io.BytesIO(person_record(view, "xlsx", "zh", TODAY)))
    steps = [r[2] for r in xlsx.active.iter_rows(values_only=True) if r and len(r) > 2 and r[2]]
    assert any("材料归档" in str(s) for s in steps)


def test_existing_file_is_never_overwritten_without_force(tmp_path: Path) -> None:
    target = tmp_path / "a.csv"
    target.write_text("keep", encoding="utf-8")
    with pytest.raises(ExportError, match="--force"):
        write_atomically(target, lambda fh: fh.write(b"new"), force=False)
    assert target.read_text(encoding="utf-8") == "keep"
    write_atomically(target, lambda fh: fh.write(b"new"), force=True)
    assert target.read_bytes() == b"new"


def test_year_figures_count_the_years_steps_per_branch() -> None:
    people = _people()
    figs = year_figures(people, 2025, TODAY)
    applied = sum(1 for p in people for e in p.events if e.event == "applied" and e.date.year == 2025)
    assert figs.flows["applied"] == applied
    assert sum(row["flows"]["applied"] for row in figs.by_branch.values()) == applied
    assert figs.sentence("zh").startswith(f"2025年全年收到入党申请书{applied}份，")
    assert figs.seed_sentence("zh").startswith(f"共发展正式党员{figs.flows['conversion-approved']}名，发展对象")
