"""Bring in the sheets secretaries keep today (XLSX, CSV in UTF-8 or GBK) and our JSON backup.

Every row is checked with the same rules as ``record``. A minimum broken by the sheet's own
dates is an error. A step the sheet has no column for (training, political review, the
publicity) cannot be checked: the event is saved with an override reason that says so, and
the report lists it, so nothing is passed off as verified.
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

from .dates import DateError, parse_date_ex
from .exporters import BACKUP_FORMAT, FORMULA_STARTS
from .i18n import BilingualError
from .inputs import (
    InputError,
    check_amounts,
    clean_details,
    refuse_control_chars,
    refuse_control_text,
    split_names,
)
from .model import Event, Person
from .profiles import RuleBook
from .registers import mask_id, own_note
from .rules import check_event
from .stages import EVENT_KEYS, PENDING_BY_KEY, event_label, pending_label

#: header text (normalised: no spaces, lower case) → field. Chinese first; our English export too.
HEADERS: dict[str, tuple[str, ...]] = {
    "name": ("姓名", "name"),
    "gender": ("性别", "gender"),
    "ethnicity": ("民族", "ethnicity"),
    "birth": ("出生年月", "出生日期", "出生年月日", "birthdate"),
    "education": ("学历", "文化程度", "education"),
    "branch": ("所在党支部", "所在支部", "党支部", "支部", "branch"),
    "phone": ("联系电话", "电话", "手机", "手机号码", "phone"),
    "id_number": ("身份证号", "身份证号码", "公民身份号码", "idnumber"),
    "note": ("备注", "notes", "note"),
    "native_place": ("籍贯", "nativeplace"),
    "job": ("工作单位及职务", "工作单位(及职务)", "工作单位和职务", "单位及职务", "workplaceandpost"),
    "applied": ("递交入党申请书时间", "申请入党时间", "入党申请时间", "递交申请书时间", "提交入党申请书时间",
                "applicationreceived"),
    "activist": ("确定为入党积极分子时间", "列为入党积极分子时间", "确定入党积极分子时间", "namedactivist"),
    "target": ("确定为发展对象时间", "列为发展对象时间", "确定发展对象时间", "listedastarget"),
    "admitted": ("接收为预备党员时间", "入党时间", "发展为预备党员时间", "支部大会通过时间", "支部大会接收时间",
                 "接收为预备党员时间(支部大会)", "admitted(probationary)", "admissionpassed",
                 "admissionpassed(branchmeeting)"),
    "approved": ("上级党委审批时间", "党委审批时间", "审批时间", "上级党委批准时间", "admissionapproved"),
    "converted": ("转正时间", "转为正式党员时间", "支部大会讨论转正时间", "converted", "conversionpassed"),
    "oath": ("入党宣誓时间", "宣誓时间", "oath"),
    "conversion-approved": ("转正审批时间", "上级党委审批转正时间", "批准转正时间", "conversionapproved"),
    "mentors": ("培养联系人", "mentors"),
    "sponsors": ("入党介绍人", "sponsors"),
}
DETAIL_COLUMNS = ("name", "gender", "ethnicity", "birth", "education", "branch", "phone", "id_number", "note",
                  "native_place", "job")
STAGE_EVENTS = ("applied", "activist", "target", "admitted", "approved", "oath", "converted", "conversion-approved")
_LOOKUP = {h: key for key, names in HEADERS.items() for h in names}


#: how the lines below a roster begin (ours and the usual hand-made ones): never a person
_FOOTER_MARKS = ("填报单位", "填报人", "填表人", "审核人", "合计", "总计", "签字", "制表", "Unit (seal)")


def _footer_row(row: list[Any]) -> bool:
    text = "".join(str(v) for v in row if v is not None).strip()
    return text.startswith(_FOOTER_MARKS) or bool(re.match(r"^共\s*\d+\s*人", text))


def _norm(text: Any) -> str:
    return "".join(str(text or "").split()).lower().replace("（", "(").replace("）", ")")


@dataclass
class RowResult:
    row: int
    name: str
    status: str = "new"  # new | merged | unchanged | error
    events: list[tuple[str, str]] = field(default_factory=list)
    problems: list[tuple[str, str]] = field(default_factory=list)  # (zh, en)
    notes: list[tuple[str, str]] = field(default_factory=list)

    def to_json(self, lang: str) -> dict[str, Any]:
        i = 0 if lang == "zh" else 1
        return {"row": self.row, "name": self.name, "status": self.status, "events": [e[i] for e in self.events],
                "problems": [m[i] for m in self.problems], "notes": [m[i] for m in self.notes]}


@dataclass
class ImportPlan:
    source: str
    rows: list[RowResult]
    new: list[Person]
    updated: list[Person]
    header_row: int | None = None
    columns: dict[str, str] = field(default_factory=dict)
    #: what the plan was made from, to check it again when it is written (``rebase``)
    base: list[Person] = field(default_factory=list, repr=False)
    parsed: list[_Row] = field(default_factory=list, repr=False)
    merger: _Merger | None = field(default=None, repr=False)
    backup: list[tuple[RowResult, Person]] = field(default_factory=list, repr=False)

    @property
    def errors(self) -> int:
        return sum(1 for r in self.rows if r.status == "error")

    def rebase(self, people: list[Person], book: RuleBook, today: date) -> None:
        """Check the plan again against ``people`` as they are now: the writer calls this under the lock.

        The sheet was read and checked without the lock, so others may have changed the database since.
        The rows of the people changed (or added, or removed) meanwhile are matched and checked again with
        the rules against the current records: the import adds its own steps and fills in empty details
        on top of what others did, never writing back a record read before. A row that no longer fits
        becomes an error the report shows (a conflict), and a person added meanwhile is merged, not
        duplicated. Rows of people no one touched keep their plan.
        """
        before = {p.id: p for p in self.base}
        moved = [p for p in people if before.get(p.id) != p]  # changed or added meanwhile
        gone = before.keys() - {p.id for p in people}
        if not moved and not gone:
            return
        touched = {p.id for p in moved} | gone
        index = _Known(moved)
        if self.merger is None:
            self._rebase_backup(index)
            return
        merger = self.merger
        affected = {r.slot for r in self.parsed if r.slot is not None and r.slot < merger.n_base
                    and self.base[r.slot].id in touched}
        affected |= {r.slot for r in self.parsed if r.slot is not None and r.slot >= merger.n_base
                     and index.match(r.details) is not None}
        affected |= {s for s in merger.fresh if index.match(merger.known.slots[s].details()) is not None}
        redo = [r for r in self.parsed if r.slot in affected
                or (r.slot is None and r.result.status == "error" and index.match(r.details) is not None)]
        if not redo:
            return
        keep_new = [merger.known.slots[s] for s in merger.fresh if s not in affected]
        keep_updated = [merger.known.slots[s] for s in sorted(merger.changed) if s not in affected]
        noted = {id(r) for r in redo}
        again = _redo(redo, people, book, today, noted)
        if _clash(again, keep_new, keep_updated):  # a changed record now matches another row's person
            keep_new, keep_updated = [], []
            again = _redo(self.parsed, people, book, today, noted)
        self.new = keep_new + again.new()
        self.updated = keep_updated + again.updated()

    def _rebase_backup(self, index: _Known) -> None:
        """A backup adds people only: one added meanwhile (same ID number, or name and birth date) is not
        added again."""
        kept = []
        for result, person in self.backup:
            if result.status == "new" and index.match(person.details()) is not None:
                result.status = "unchanged"
                result.notes.append(_MEANWHILE_ADDED)
            elif result.status == "new":
                kept.append(person)
        self.new = kept


class ImportError_(BilingualError):
    """The file cannot be read at all (not a row problem)."""


# ------------------------------------------------------------------ reading tables

#: a sheet larger than this is refused before it is read (a real register has a few thousand rows)
MAX_ROWS = 100_000
MAX_COLUMNS = 200
#: the most an XLSX may expand to (its parts' declared uncompressed sizes), and the largest CSV
MAX_EXPANDED_BYTES = 300 * 1024 * 1024


def _too_big(what_zh: str, what_en: str, path: Path) -> ImportError_:
    return ImportError_(
        f"文件 {path} 过大，未导入：{what_zh}。上限为 {MAX_ROWS:,} 行 × {MAX_COLUMNS} 列、{MAX_EXPANDED_BYTES // 2**20} MB。"
        "请把需要导入的数据复制到一个新表中再导入。",
        f"{path} is too large and was not imported: {what_en}. The limit is {MAX_ROWS:,} rows × {MAX_COLUMNS} "
        f"columns and {MAX_EXPANDED_BYTES // 2**20} MB. Copy the rows to import into a new sheet and import that.")


def _check_xlsx_size(path: Path) -> None:
    """Refuse a workbook that would expand beyond the limit, from the zip's directory alone (nothing unpacked)."""
    try:
        with zipfile.ZipFile(path) as zf:
            expanded = sum(info.file_size for info in zf.infolist())
    except (zipfile.BadZipFile, OSError) as exc:
        raise ImportError_(f"无法读取 Excel 文件 {path}：{exc}", f"Cannot read the Excel file {path}: {exc}") from None
    if expanded > MAX_EXPANDED_BYTES:
        raise _too_big(f"解压后约 {expanded / 2**20:,.0f} MB", f"it expands to about {expanded / 2**20:,.0f} MB", path)


def _sheet_extent(ws: Any) -> tuple[int, int] | None:
    """Rows × columns the sheet declares (its <dimension ref>, read by openpyxl without loading a cell)."""
    rows, cols = ws.max_row, ws.max_column
    if rows is None or cols is None:
        return None
    return int(rows), int(cols)


def _uninert(value: Any) -> Any:
    """Undo the ``'`` our CSV export puts before text that starts like a formula (exporters.inert_csv)."""
    if isinstance(value, str) and value.startswith("'") and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value


def _bounded(rows: Iterable[Sequence[Any]], path: Path) -> list[list[Any]]:
    out: list[list[Any]] = []
    for r in rows:
        if len(out) >= MAX_ROWS:
            raise _too_big(f"超过 {MAX_ROWS:,} 行", f"more than {MAX_ROWS:,} rows", path)
        if r.count(None) == len(r):  # an empty row (openpyxl pads the rows a sheet skips): cheap
            out.append([])
            continue
        row = list(r)
        if len(row) > MAX_COLUMNS:
            if any(v not in (None, "") for v in row[MAX_COLUMNS:]):
                raise _too_big(f"超过 {MAX_COLUMNS} 列", f"more than {MAX_COLUMNS} columns", path)
            del row[MAX_COLUMNS:]
        out.append([_uninert(v) for v in row])
    while out and all(v in (None, "") for v in out[-1]):
        out.pop()
    return out


def read_table(path: Path, sheet: str | None = None) -> list[list[Any]]:
    suffix = path.suffix.lower()
    if not path.exists():
        raise ImportError_(f"找不到文件：{path}", f"File not found: {path}")
    if suffix in (".xlsx", ".xlsm"):
        from openpyxl import load_workbook

        _check_xlsx_size(path)
        try:
            wb = load_workbook(path, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds for a damaged file
            raise ImportError_(f"无法读取 Excel 文件 {path}：{exc}", f"Cannot read the Excel file {path}: {exc}") from None
        try:
            if sheet is not None and sheet not in wb.sheetnames:
                raise ImportError_(f"没有名为“{sheet}”的工作表；有：{'、'.join(wb.sheetnames)}",
                                   f"No sheet named '{sheet}'; the workbook has: {', '.join(wb.sheetnames)}")
            ws = wb[sheet] if sheet else wb.worksheets[0]
            extent = _sheet_extent(ws)
            if extent is not None and (extent[0] > MAX_ROWS or extent[1] > MAX_COLUMNS):
                raise _too_big(f"工作表声明了 {extent[0]:,} 行 × {extent[1]:,} 列",
                               f"the sheet declares {extent[0]:,} rows × {extent[1]:,} columns", path)
            # bounded even when the sheet declares no size (or a false one): openpyxl pads the rows it skips
            return _bounded(ws.iter_rows(max_row=MAX_ROWS + 1, max_col=MAX_COLUMNS + 1, values_only=True), path)
        finally:
            wb.close()
    if suffix in (".csv", ".txt"):
        if path.stat().st_size > MAX_EXPANDED_BYTES:
            raise _too_big(f"{path.stat().st_size / 2**20:,.0f} MB", f"{path.stat().st_size / 2**20:,.0f} MB", path)
        raw = path.read_bytes()
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = raw.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:  # pragma: no cover - gb18030 decodes any byte string
            raise ImportError_("无法识别文件编码。", "Cannot tell the file's encoding.")
        return _bounded(csv.reader(io.StringIO(text)), path)
    raise ImportError_(f"不支持的文件类型 {suffix}：请用 .xlsx、.csv 或本程序导出的 .json。",
                       f"Unsupported file type {suffix}: use .xlsx, .csv or a .json backup from this program.")


def find_header(rows: list[list[Any]]) -> tuple[int, dict[int, str]]:
    """The header row (title rows above it are common) and column index → field."""
    for i, row in enumerate(rows[:30]):
        mapping = {j: _LOOKUP[_norm(v)] for j, v in enumerate(row) if _norm(v) in _LOOKUP}
        if "name" in mapping.values() and len(mapping) >= 2:
            return i, mapping
    raise ImportError_("找不到表头：前30行中没有含“姓名”的表头行。",
                       "No header row found: none of the first 30 rows has a '姓名' (name) column.")


def _cell_date(value: Any, field_name: str, notes: list[tuple[str, str]]) -> date | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)
    try:
        parsed = parse_date_ex(text, allow_month=True)
    except DateError as exc:
        raise InputError(exc.zh, exc.en, field_name) from None
    if parsed.month_only:
        notes.append((f"{_HEAD_ZH[field_name]}只有年月（{text}），按 {parsed.value} 计",
                      f"{field_name} gives only a month ({text}); taken as {parsed.value}"))
    return parsed.value


_HEAD_ZH = {k: v[0] for k, v in HEADERS.items()}


# ------------------------------------------------------------------ checking rows

def _check_in(person: Person, ev: Event, book: RuleBook, today: date, result: RowResult,
              honour_override: bool = False) -> Person | None:
    """Add ``ev`` after the same checks as ``record``; None (and a problem) when refused."""
    check = check_event(person, ev, book, today)
    label = event_label(ev.event, "zh")
    if check.hard_refusals:
        result.problems.extend((v.zh, v.en) for v in check.hard_refusals)
        return None
    refusals = check.refusals
    if refusals and honour_override:
        missing = [v for v in refusals if v.rule not in ev.overridden]
        if missing:
            result.problems.extend((v.zh, v.en) for v in missing)
            return None
    elif refusals:
        broken = [v for v in refusals if v.earliest is not None]
        if broken:
            result.problems.extend((v.zh, v.en) for v in broken)
            return None
        rules = ", ".join(v.rule for v in refusals)
        reason = f"导入：原表未记录核对所需的步骤（{rules}）"
        ev = replace(ev, override=reason, overridden=tuple(v.rule for v in refusals))
        result.notes.append((f"{label}：{'；'.join(v.zh for v in refusals)} — 原表无此记录，已注明待核实",
                             f"{event_label(ev.event, 'en')}: {'; '.join(v.en for v in refusals)} — not in the "
                             "sheet; saved marked as unverified"))
    for n in check.notes:
        result.notes.append((f"{label}：{n.zh}", f"{event_label(ev.event, 'en')}: {n.en}"))
    result.events.append((f"{label} {ev.date}", f"{event_label(ev.event, 'en')} {ev.date}"))
    return person.with_events((*person.events, ev))


class _Known:
    """Everyone a row may match: by ID number, else by name and birth date. One lookup per row (a scan of
    everyone per row made imports quadratic). Slots keep each person's latest version as rows change it."""

    def __init__(self, people: list[Person]) -> None:
        self.slots: list[Person] = []
        self.by_id_number: dict[str, int] = {}
        self.by_name_birth: dict[tuple[str, date], int] = {}
        for p in people:
            self.add(p)

    def add(self, person: Person) -> int:
        self.slots.append(person)
        slot = len(self.slots) - 1
        self._index(slot, person)
        return slot

    def put(self, slot: int, person: Person) -> None:
        self.slots[slot] = person
        self._index(slot, person)

    def _index(self, slot: int, p: Person) -> None:
        if p.id_number:
            self.by_id_number.setdefault(p.id_number, slot)
        if p.birth:
            self.by_name_birth.setdefault((p.name, p.birth), slot)

    def match(self, details: dict[str, Any]) -> int | None:
        idn = details.get("id_number")
        if idn and idn in self.by_id_number:
            return self.by_id_number[idn]
        name, birth = details.get("name"), details.get("birth")
        if isinstance(name, str) and isinstance(birth, date):
            return self.by_name_birth.get((name, birth))
        return None


def _shown(key: str, value: Any) -> Any:
    """A value as a report may print it: an ID number masked (as on the rosters)."""
    return mask_id(str(value)) if key == "id_number" else value


@dataclass
class _Row:
    """A sheet row as read and cleaned, before it is matched: kept to check it again when writing."""

    result: RowResult
    details: dict[str, Any]
    events: list[Event]
    notes: list[tuple[str, str]]  # the notes from reading it (a month-only date, a masked ID number)
    slot: int | None = None  # whom it matched or added in the merge (None: not merged)

    def reset(self) -> None:
        self.result.status = "new"
        self.result.events, self.result.problems, self.result.notes = [], [], list(self.notes)
        self.slot = None


class _Merger:
    """Matches rows with the people (by ID number, else name and birth date) and merges them in, checking
    every step with the rules. ``slot`` numbers below ``n_base`` are the people given; above, the new ones."""

    def __init__(self, people: list[Person], book: RuleBook, today: date) -> None:
        self.known = _Known(people)
        self.n_base = len(people)
        self.book, self.today = book, today
        self.changed: set[int] = set()  # slots of existing people changed by earlier rows
        self.fresh: list[int] = []  # slots of the people the sheet adds

    def new(self) -> list[Person]:
        return [self.known.slots[i] for i in self.fresh]

    def updated(self) -> list[Person]:
        return [self.known.slots[i] for i in sorted(self.changed)]

    def row(self, row: _Row) -> None:
        result, details, events = row.result, row.details, row.events
        slot = self.known.match(details)
        row.slot = slot
        match = None if slot is None else self.known.slots[slot]
        if match is None:
            person: Person | None = Person(id=0, **details)
            base_kinds: dict[str, date] = {}
        else:
            person = match
            base_kinds = {ev.event: ev.date for ev in match.events}
            result.status = "merged"
            for k, v in details.items():
                old = getattr(match, k)
                if old and v and old != v:
                    old, v = _shown(k, old), _shown(k, v)
                    result.notes.append((f"{_HEAD_ZH.get(k, k)}与已有记录不同（已有 {old}，表中 {v}），保留已有",
                                         f"{k} differs from the database ({old} there, {v} here); kept {old}"))
            fill = {k: v for k, v in details.items() if v and not getattr(match, k)}
            person = replace(match, **fill)
        for ev in sorted(events, key=lambda e: EVENT_KEYS.index(e.event)):  # the steps' order: dates are checked
            if person is None:
                break
            if ev.event in base_kinds:
                if base_kinds[ev.event] != ev.date:
                    result.problems.append((
                        f"{event_label(ev.event, 'zh')}与已有记录冲突（已有 {base_kinds[ev.event]}，表中 {ev.date}）",
                        f"{event_label(ev.event, 'en')} conflicts with the database ({base_kinds[ev.event]} there, "
                        f"{ev.date} here)"))
                    person = None
                continue
            person = _check_in(person, ev, self.book, self.today, result)
        if person is None or result.problems:
            result.status = "error"
            return
        if person.pending is not None:
            awaited = PENDING_BY_KEY[person.pending].approval
            result.notes.append((
                f"表中没有“{event_label(awaited, 'zh')}”的日期：导入后为{pending_label(person.pending, 'zh')}；"
                f"批准后请记录（tracker record … {awaited}）",
                f"the sheet has no date for '{event_label(awaited, 'en')}': imported as {pending_label(person.pending, 'en')}; "
                f"record it when approved (tracker record … {awaited})"))
        if slot is None:
            slot = self.known.add(person)
            self.fresh.append(slot)
        elif person != match:
            self.known.put(slot, person)
            if slot < self.n_base:
                self.changed.add(slot)
        else:
            result.status = "unchanged"
        row.slot = slot


_MEANWHILE = ("导入期间另一程序更改了此人的记录，已按数据库中的最新记录重新核对",
              "another program changed this person during the import; checked again against the record as it is now")
_MEANWHILE_MERGED = ("导入期间另一程序已新增此人（身份证号或姓名与出生日期相同），已合并到该记录",
                     "another program added this person during the import (same ID number, or name and birth date); "
                     "merged with that record")
_MEANWHILE_ADDED = ("导入期间另一程序已新增此人（身份证号或姓名与出生日期相同），未重复导入",
                    "another program added this person during the import (same ID number, or name and birth date); "
                    "not added again")


def _redo(rows: list[_Row], people: list[Person], book: RuleBook, today: date, noted: set[int]) -> _Merger:
    """Match and check ``rows`` again against ``people``; the rows in ``noted`` (by ``id``) say why."""
    again = _Merger(people, book, today)
    for row in rows:
        was_new = row.result.status == "new"
        row.reset()
        again.row(row)
        if id(row) in noted:
            merged = was_new and row.result.status == "merged"
            row.result.notes.insert(len(row.notes), _MEANWHILE_MERGED if merged else _MEANWHILE)
    return again


def _clash(again: _Merger, keep_new: list[Person], keep_updated: list[Person]) -> bool:
    """Whether the rows checked again now reach a person the other rows change or add."""
    ids = {p.id for p in keep_updated}
    if any(again.known.slots[s].id in ids for s in again.changed):
        return True
    kept = _Known(keep_new)
    return any(kept.match(p.details()) is not None for p in again.new())


def plan_table(rows: list[list[Any]], people: list[Person], book: RuleBook, today: date,
               source: str) -> ImportPlan:
    header_index, mapping = find_header(rows)
    plan = ImportPlan(source, [], [], [], header_row=header_index + 1,
                      columns={str(rows[header_index][j]).strip(): key for j, key in mapping.items()})
    merger = _Merger(people, book, today)
    for offset, row in enumerate(rows[header_index + 1:], start=header_index + 2):
        values = {key: row[j] if j < len(row) else None for j, key in mapping.items()}
        if all(v is None or str(v).strip() == "" for v in values.values()):
            continue
        name = str(values.get("name") or "").strip()
        if not name and _footer_row(row):
            continue  # 填报单位/填报人/审核人/合计: the roster's own lines, not a person
        result = RowResult(offset, name)
        plan.rows.append(result)
        if not name:
            result.status = "error"
            result.problems.append(("姓名为空", "the name is empty"))
            continue
        try:
            raw = {k: values.get(k) for k in DETAIL_COLUMNS if values.get(k) not in (None, "")}
            note = raw.get("note")
            if isinstance(note, str):  # our roster's 备注 adds a bracketed status: not the person's note
                raw["note"] = own_note(note)
                if not raw["note"]:
                    del raw["note"]
            if "*" in str(raw.get("phone", "")):  # a roster with masked phone numbers
                del raw["phone"]
                result.notes.append(("电话已隐去（含*），未导入该项", "the phone number is masked (has *); not imported"))
            if "*" in str(raw.get("id_number", "")):  # a roster with masked ID numbers
                del raw["id_number"]
                result.notes.append(("身份证号已隐去（含*），未导入该项", "the ID number is masked (has *); not imported"))
            if "birth" in raw:
                raw["birth"] = _cell_date(raw["birth"], "birth", result.notes)
            details = clean_details({k: (str(v).strip() if isinstance(v, str | int | float) and k != "birth" else v)
                                     for k, v in raw.items()}, require_name=True)
            dates = {k: _cell_date(values.get(k), k, result.notes) for k in STAGE_EVENTS if k in mapping.values()}
            for col in ("mentors", "sponsors"):
                for n in split_names(str(values.get(col) or "")):
                    refuse_control_chars(n, "names")
        except InputError as exc:
            result.status = "error"
            result.problems.append((exc.zh, exc.en))
            continue
        if not dates.get("applied"):
            result.status = "error"
            result.problems.append(("缺少递交入党申请书时间", "no application date"))
            continue
        events = []
        for kind in STAGE_EVENTS:
            when = dates.get(kind)
            if when is None:
                continue
            events.append(Event(kind, when))
            if kind == "activist" and values.get("mentors"):
                events.append(Event("mentors", when, names=split_names(str(values["mentors"]))[:2]))
            if kind == "target" and values.get("sponsors"):
                events.append(Event("sponsors", when, names=split_names(str(values["sponsors"]))))
        parsed = _Row(result, details, events, list(result.notes))
        plan.parsed.append(parsed)
        merger.row(parsed)
    plan.base, plan.merger = people, merger
    plan.new, plan.updated = merger.new(), merger.updated()
    return plan


def plan_backup(data: dict[str, Any], people: list[Person], book: RuleBook, today: date, source: str) -> ImportPlan:
    if data.get("format") != BACKUP_FORMAT:
        raise ImportError_("这不是本程序导出的 JSON 备份。", "This JSON file is not a backup written by this program.")
    plan = ImportPlan(source, [], [], [], base=people)
    known = _Known(people)
    for i, item in enumerate(data.get("people", []), start=1):
        result = RowResult(i, str(item.get("name", "")))
        plan.rows.append(result)
        try:
            doc = {k: v for k, v in item.items() if k not in ("id", "stage", "pending", "active") and v is not None}
            if "*" in str(doc.get("id_number", "")):  # a copy exported with --mask-id
                del doc["id_number"]
                result.notes.append(("身份证号已隐去（含*），未导入该项", "the ID number is masked (has *); not imported"))
            full = Person.from_doc(0, doc)
            refuse_control_text(full)  # a backup carries every text of a record: checked as on input
            for ev in full.events:
                check_amounts(ev.days, ev.hours, ev.months)
        except InputError as exc:
            result.status = "error"
            result.problems.append((exc.zh, exc.en))
            continue
        except (KeyError, ValueError, TypeError) as exc:
            result.status = "error"
            result.problems.append((f"记录格式有误：{exc}", f"malformed record: {exc}"))
            continue
        if known.match(full.details()) is not None:
            result.status = "unchanged"
            result.notes.append(("已在数据库中（身份证号或姓名与出生日期相同），未重复导入",
                                 "already in the database (same ID number, or name and birth date); not added again"))
            continue
        person: Person | None = full.with_events(())
        for ev in full.events:
            if person is None:
                break
            person = _check_in(person, ev, book, today, result, honour_override=True)
        if person is None:
            result.status = "error"
            continue
        plan.new.append(person)
        plan.backup.append((result, person))
        known.add(person)
    return plan


def plan_import(path: Path, people: list[Person], book: RuleBook, today: date, sheet: str | None = None) -> ImportPlan:
    if path.suffix.lower() == ".json":
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ImportError_(f"找不到文件：{path}", f"File not found: {path}") from None
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise ImportError_(f"JSON 文件无法读取：{exc}", f"The JSON file cannot be read: {exc}") from None
        return plan_backup(data, people, book, today, str(path))
    return plan_table(read_table(path, sheet), people, book, today, str(path))
