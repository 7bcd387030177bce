"""One sheet row read and cleaned: the person's details and dated steps, or every problem the row has.

Split from ``tracker.importers`` (which matches the rows with the people already kept, checks them with
the rules and writes them): this module knows what a secretary's sheet puts in a cell.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from .inputs import InputError, clean_details, normalise_id_number, refuse_control_chars, split_names
from .model import Event
from .registers import IMPORTED, mask_id, own_note
from .sheets import (
    DAMAGED_ID_NOTE,
    HEAD_ZH,
    birth_with_id,
    cell_date,
    clean_name,
    damaged_id,
    footer_row,
    footer_text,
    row_garbled,
)
from .textsafe import printable

DETAIL_COLUMNS = ("name", "gender", "ethnicity", "birth", "education", "branch", "phone", "id_number", "note",
                  "native_place", "job")
STAGE_EVENTS = ("applied", "activist", "target", "admitted", "approved", "oath", "converted", "conversion-approved")


@dataclass
class RowResult:
    row: int
    name: str
    status: str = "new"  # new | merged | unchanged | error
    events: list[tuple[str, str]] = field(default_factory=list)
    problems: list[tuple[str, str]] = field(default_factory=list)  # (zh, en)
    notes: list[tuple[str, str]] = field(default_factory=list)
    sheet: str | None = None  # the worksheet the row came from (None: a CSV file or a backup)

    def to_json(self, lang: str) -> dict[str, Any]:
        i = 0 if lang == "zh" else 1
        return {"sheet": self.sheet, "row": self.row, "name": self.name, "status": self.status,
                "events": [e[i] for e in self.events],
                "problems": [m[i] for m in self.problems], "notes": [m[i] for m in self.notes]}



def shown(key: str, value: Any) -> Any:
    """A value as a report may print it: an ID number masked (as on the rosters)."""
    return mask_id(str(value)) if key == "id_number" else value



@dataclass
class Row:
    """A sheet row as read and cleaned, before it is matched: kept to check it again when writing."""

    result: RowResult
    details: dict[str, Any]
    events: list[Event]
    notes: list[tuple[str, str]]  # the notes from reading it (a month-only date, a masked ID number)
    slot: int | None = None  # whom it matched or added in the merge (None: not merged)
    month_only: bool = False  # the birth is given to the month only (出生年月 without an ID number)
    month_steps: frozenset[str] = frozenset()  # the steps the sheet gives to the month only
    undated: dict[str, tuple[str, ...]] = field(default_factory=dict)  # mentors/sponsors named without a date
    plain_conversion: bool = False  # the conversion's column is headed 转正时间: the vote, or membership's start?

    def reset(self) -> None:
        self.result.status = "new"
        self.result.events, self.result.problems, self.result.notes = [], [], list(self.notes)
        self.slot = None



def _values(row: list[Any], mapping: dict[int, str], notes: list[tuple[str, str]] | None = None) -> dict[str, Any]:
    """Field → cell; two columns of one field (联系人1, 联系人2) give their names together, two 备注 columns
    their texts together, else the first one filled in counts (and ``notes`` names a different second value)."""
    values: dict[str, Any] = {}
    for j, key in mapping.items():
        v = row[j] if j < len(row) else None
        if v is None or str(v).strip() == "":
            values.setdefault(key, None)
        elif key in ("mentors", "sponsors") and values.get(key):
            values[key] = f"{values[key]}、{v}"
        elif key == "note" and values.get(key):
            values[key] = f"{values[key]}；{v}"
        elif values.get(key) is None:
            values[key] = v
        elif notes is not None and str(values[key]).strip() != str(v).strip():
            head = HEAD_ZH.get(key, key)
            notes.append((f"另一列{head}“{shown(key, v)}”与前一列（{shown(key, values[key])}）不同，未导入，请核对",
                          f"another {key} column has '{shown(key, v)}', unlike the first ({shown(key, values[key])}); "
                          "not imported — please check"))
    return values


def _about(key: str, exc: InputError) -> tuple[str, str]:
    """A cell's problem with its column named: one row can have several."""
    return f"{HEAD_ZH.get(key, key)}：{exc.zh}", f"{key}: {exc.en}"


def _details_problems(raw: dict[str, Any]) -> list[tuple[str, str]]:
    """Every field's own problem, not only the first one ``clean_details`` stops at (a row is mended once)."""
    found: list[tuple[str, str]] = []
    for key, value in raw.items():
        try:
            clean_details({key: value}, require_name=False)
        except InputError as exc:
            found.append((exc.zh, exc.en))
    return found


def read_row(row: list[Any], mapping: dict[int, str], offset: int, sheet: str | None,
              formulas: dict[int, str] | None = None) -> Row | None:
    """One sheet row cleaned into details and steps; None for what is not a person (blank, 合计, 填表人…).

    A row with something wrong lists everything wrong with it (an empty name and a bad date both), so the
    secretary mends the sheet once, not once per problem."""
    column_notes: list[tuple[str, str]] = []
    values = _values(row, mapping, column_notes)
    if all(v is None or str(v).strip() == "" for v in values.values()) and not formulas:
        return None
    name, original = clean_name(values.get("name"))
    if footer_text(name):
        name = ""
    if footer_row(row) and (not name or not _date_like(values.get("applied"))):
        return None  # 填报单位/填报人：王丽/审核人/合计/共N人/以下空白: the roster's own lines, not a person
    result = RowResult(offset, name, sheet=sheet, notes=column_notes)
    failed = Row(result, {}, [], [])
    problems = result.problems
    if row_garbled(row):
        result.status = "error"
        problems.append(("此行文字是乱码（如“锟斤拷”），请在原表中改正后重新导入",
                         "this row's text is garbled (like '锟斤拷'); correct it in the sheet and import again"))
        return failed
    unread = {mapping[j]: f for j, f in (formulas or {}).items() if j in mapping}
    for key, formula in unread.items():  # Excel shows a result; the file keeps only the formula
        shown = printable(formula if len(formula) <= 40 else formula[:39] + "…")
        why = (f"{HEAD_ZH.get(key, key)}是公式（={shown}），表中没有保存它的结果",
               f"the {key} cell is a formula (={shown}) whose result the file does not keep")
        fix = ("：请在 Excel 或 WPS 中打开原表并保存一次（或复制该列后“粘贴为数值”），再导入",
               ": open the sheet in Excel or WPS and save it once (or copy the column and paste as values), then import")
        if key == "name" and not name:
            problems.append((why[0] + fix[0], why[1] + fix[1]))
        elif values.get(key) in (None, ""):
            result.notes.append((why[0] + "，未导入该项", why[1] + "; not imported"))
    if not name and "name" not in unread:
        problems.append(("姓名为空", "the name is empty"))
    if original is not None:
        result.notes.append((f"姓名原为“{original}”，已去掉其中的空格", f"the name was '{original}'; spaces removed"))
    details: dict[str, Any] = {}
    texts: dict[str, Any] = {}
    month_only = False
    try:
        raw = {k: values.get(k) for k in DETAIL_COLUMNS if values.get(k) not in (None, "")}
        if name:
            raw["name"] = name
        note = raw.get("note")
        if isinstance(note, str):  # our roster's 备注 adds a bracketed status: not the person's note
            raw["note"] = own_note(note)
            if not raw["note"]:
                del raw["note"]
        if "phone" in raw:
            raw["phone"] = _sheet_phone(raw["phone"], result.notes)
            if raw["phone"] is None:
                del raw["phone"]
        if "*" in str(raw.get("phone", "")):  # a roster with masked phone numbers
            del raw["phone"]
            result.notes.append(("电话已隐去（含*），未导入该项", "the phone number is masked (has *); not imported"))
        if "id_number" in raw and damaged_id(raw["id_number"]):
            del raw["id_number"]
            result.notes.append(DAMAGED_ID_NOTE)
        if "*" in str(raw.get("id_number", "")):  # a roster with masked ID numbers
            del raw["id_number"]
            result.notes.append(("身份证号已隐去（含*），未导入该项", "the ID number is masked (has *); not imported"))
        if "birth" in raw:
            try:
                birth = cell_date(raw["birth"], "birth", result.notes)
            except InputError as exc:
                problems.append(_about("birth", exc))
                birth = None
                del raw["birth"]
            if birth is not None:
                idn = id_or_none(raw.get("id_number"))
                raw["birth"] = birth_with_id(birth, idn, result.notes)
                month_only = birth.month_only and not idn
        texts = {k: (str(v).strip() if isinstance(v, str | int | float) and k != "birth" else v) for k, v in raw.items()}
        if name:
            details = clean_details(texts, require_name=True)
        else:
            problems.extend(_details_problems(texts))
    except InputError as exc:  # the first problem stops clean_details: look for the others field by field
        problems.extend(_details_problems(texts) or [(exc.zh, exc.en)])
    dates: dict[str, date | None] = {}
    month_steps: set[str] = set()
    unreadable: set[str] = set()  # a date that could not be read: said once, not also as missing
    for k in STAGE_EVENTS:
        if k in mapping.values():
            try:
                got = cell_date(values.get(k), k, result.notes, say_month=False)
            except InputError as exc:
                problems.append(_about(k, exc))
                unreadable.add(k)
                continue
            dates[k] = got.value if got is not None else None
            if got is not None and got.month_only:
                month_steps.add(k)
    named_on: dict[str, date] = {}
    for k in ("mentors", "sponsors"):
        try:
            got = cell_date(values.get(f"{k}_date"), k, result.notes, say_month=False)
        except InputError as exc:
            problems.append(_about(f"{k}_date", exc))
            continue
        if got is not None:
            named_on[k] = got.value
            if got.month_only:
                month_steps.add(k)
    for col in ("mentors", "sponsors"):
        try:
            for n in split_names(str(values.get(col) or "")):
                refuse_control_chars(n, "names")
        except InputError as exc:
            problems.append((exc.zh, exc.en))
    if not dates.get("applied") and "applied" not in unreadable:
        if "applied" in mapping.values():
            problems.append(("缺少递交入党申请书时间", "no application date"))
        else:
            problems.append((
                "表中没有“递交入党申请书时间”一列：每个人从递交入党申请书开始跟踪，请从档案中查到后补上这一列再导入",
                "the sheet has no column for the application date: everyone is tracked from the application; add "
                "that column (the dates are in each person's file) and import again"))
    if problems:
        result.status = "error"
        return failed
    events = [Event(kind, when) for kind in STAGE_EVENTS if (when := dates.get(kind)) is not None]
    events += _implied_approvals(dates, set(mapping.values()))
    undated: dict[str, tuple[str, ...]] = {}
    for kind in ("mentors", "sponsors"):
        names = tuple(split_names(str(values.get(kind) or "")))
        if not names:
            continue
        if (named := named_on.get(kind)) is not None:
            events.append(Event(kind, named, names=names[:2] if kind == "mentors" else names))
        else:  # no date for them in the sheet: kept in the note, not dated on the stage's date
            undated[kind] = names
    return Row(result, details, events, list(result.notes), month_only=month_only, month_steps=frozenset(month_steps), undated=undated)


_PHONE_SPLIT = re.compile(r"[/、,，;；]|\s{2,}")


def _sheet_phone(value: Any, notes: list[tuple[str, str]]) -> str | None:
    """A phone cell as spreadsheets leave it: a number cell (13800000000) is fine; one shown as 1.38E+10 lost its
    digits (skipped, and the report says so); two numbers (138…/139…) keep the first (the report names the
    other); full-width digits become ASCII."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int) or (isinstance(value, float) and value.is_integer() and value < 1e15
                                  and len(str(int(value))) >= 7 and not repr(value).lower().count("e")):
        return str(int(value))
    text = unicodedata.normalize("NFKC", str(value)).strip()
    if isinstance(value, float) or re.fullmatch(r"\d(\.\d+)?e\+?\d+", text, re.IGNORECASE):
        notes.append(("联系电话已被表格软件改成数字（科学计数法），无法还原，未导入该项；请把该列设为文本后重新填写",
                      "the phone number was turned into a number by the spreadsheet (scientific notation) and "
                      "cannot be recovered; not imported — format the column as text and retype it"))
        return None
    parts = [p.strip() for p in _PHONE_SPLIT.split(text) if p.strip()]
    if len(parts) > 1:
        notes.append((f"联系电话有多个（{text}），导入第一个 {parts[0]}，其余请记入备注",
                      f"several phone numbers ({text}); imported the first, {parts[0]} — put the others in the note"))
        return parts[0]
    return text


def _date_like(value: Any) -> bool:
    """Whether a cell could be a date (a footer row has a name-like cell but no application date)."""
    try:
        return cell_date(value, "applied", []) is not None
    except InputError:
        return False


_NO_APPROVAL = "原表没有上级党委审批时间一列，按{step}之日计，待核实"


def _implied_approvals(dates: dict[str, date | None], columns: set[str]) -> list[Event]:
    """A 党员名册 often has no approval columns: who was admitted and then converted or took the oath was
    approved, who has a 转正时间 became a full member. Without the column, the approval is saved on the step's own
    date, marked unverified (the report and the rosters say so) — not left pending for years."""
    out = []
    admitted, converted = dates.get("admitted"), dates.get("converted")
    if admitted and "approved" not in columns and (converted or dates.get("oath")):
        out.append(Event("approved", admitted, override=IMPORTED + _NO_APPROVAL.format(step="支部大会接收")))
    if converted and "conversion-approved" not in columns:
        out.append(Event("conversion-approved", converted,
                         override=IMPORTED + _NO_APPROVAL.format(step="转正时间")))
    return out


def id_or_none(value: Any) -> str | None:
    try:
        return normalise_id_number(str(value)) if value else None
    except InputError:
        return None  # clean_details says what is wrong with it
