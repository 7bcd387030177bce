"""The rosters a secretary hands upward (名册): which columns each stage shows and each cell's value.

Pure: people and the rule book in, rows of plain values out. Writers live in exporters.py.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from .model import Person
from .rules import probation_end
from .stages import STAGE_BY_KEY, STAGE_KEYS, pending_label

Cell = str | int | date | None


@dataclass(frozen=True)
class Column:
    key: str
    zh: str
    en: str
    value: Callable[[Person], Cell]
    width: int  # a sensible width in Excel characters (CJK counts double)

    def title(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


def mask_id(id_number: str) -> str:
    """110101********1234: keep the region code and the last four."""
    if len(id_number) < 10:
        return "*" * len(id_number)
    return id_number[:6] + "*" * (len(id_number) - 10) + id_number[-4:]


def _names(kind: str) -> Callable[[Person], Cell]:
    def get(p: Person) -> Cell:
        ev = p.last(kind)
        return "、".join(ev.names) if ev else None

    return get


def _date(kind: str) -> Callable[[Person], Cell]:
    def get(p: Person) -> Cell:
        return p.date_of(kind)

    return get


def _note(p: Person) -> Cell:
    parts = [p.note] if p.note else []
    if p.pending is not None:
        parts.append(pending_label(p.pending, "zh"))
    left = p.last("left")
    if left is not None:
        parts.append(f"{left.date} 离开：{left.reason or ''}".strip())
    overrides = [f"{ev.date} {ev.override}" for ev in p.events if ev.override]
    if overrides:
        parts.append("超越规则：" + "；".join(overrides))
    return "；".join(parts) or None


def columns(full_id: bool = False) -> dict[str, Column]:
    idn: Callable[[Person], Cell] = (lambda p: p.id_number or None) if full_id else (
        lambda p: mask_id(p.id_number) if p.id_number else None)
    cols = [
        Column("name", "姓名", "Name", lambda p: p.name, 10),
        Column("gender", "性别", "Gender", lambda p: p.gender or None, 6),
        Column("ethnicity", "民族", "Ethnicity", lambda p: p.ethnicity or None, 8),
        Column("birth", "出生年月", "Birth date", lambda p: p.birth, 12),
        Column("id_number", "身份证号", "ID number", idn, 21),
        Column("education", "学历", "Education", lambda p: p.education or None, 12),
        Column("branch", "所在党支部", "Branch", lambda p: p.branch or None, 18),
        Column("phone", "联系电话", "Phone", lambda p: p.phone or None, 14),
        Column("applied", "递交入党申请书时间", "Application received", _date("applied"), 12),
        Column("activist", "确定为入党积极分子时间", "Named activist", _date("activist"), 12),
        Column("mentors", "培养联系人", "Mentors", _names("mentors"), 14),
        Column("target", "确定为发展对象时间", "Listed as target", _date("target"), 12),
        Column("sponsors", "入党介绍人", "Sponsors", _names("sponsors"), 14),
        Column("admitted", "接收为预备党员时间（支部大会）", "Admission passed (branch meeting)", _date("admitted"), 12),
        Column("approved", "上级党委审批时间", "Admission approved", _date("approved"), 12),
        Column("probation_end", "预备期满时间", "Probation ends", probation_end, 12),
        Column("converted", "转正时间", "Converted",
               lambda p: probation_end(p) if p.date_of("conversion-approved") else None, 12),
        Column("conversion_approved", "转正审批时间", "Conversion approved", _date("conversion-approved"), 12),
        Column("note", "备注", "Notes", _note, 30),
    ]
    return {c.key: c for c in cols}


BASE = ("name", "gender", "ethnicity", "birth", "id_number", "education", "branch", "phone", "applied")
#: the register columns that fit each stage's roster (RULES.md "What secretaries hand upward")
STAGE_COLUMNS: dict[str, tuple[str, ...]] = {
    "applicant": (*BASE, "note"),
    "activist": (*BASE, "activist", "mentors", "note"),
    "target": (*BASE, "activist", "mentors", "target", "sponsors", "admitted", "note"),
    "probationary": (*BASE, "activist", "target", "sponsors", "admitted", "approved", "probation_end", "note"),
    "member": (*BASE, "activist", "target", "sponsors", "admitted", "approved", "converted", "conversion_approved",
               "note"),
}


def roster_title(stage: str, lang: str) -> str:
    s = STAGE_BY_KEY[stage]
    return f"{s.zh}名册" if lang == "zh" else f"{s.en} roster {s.zh}名册"


@dataclass(frozen=True)
class Roster:
    stage: str
    title: str
    subtitle: str
    sheet: str  # the worksheet tab: always the Chinese name
    columns: tuple[Column, ...]
    rows: tuple[tuple[Cell, ...], ...]  # without 序号: writers number the rows


def roster(people: list[Person], stage: str, *, today: date, branch: str | None = None, lang: str = "zh",
           full_id: bool = False) -> Roster:
    cols = columns(full_id)
    chosen = tuple(cols[k] for k in STAGE_COLUMNS[stage])
    members = [p for p in people if p.active and p.stage == stage and (branch is None or p.branch == branch)]
    members.sort(key=lambda p: (p.branch, p.date_of(STAGE_BY_KEY[stage].entered_by) or date.min, p.id))
    rows = tuple(tuple(c.value(p) for c in chosen) for p in members)
    where = branch or ("全部支部" if lang == "zh" else "all branches")
    subtitle = f"{where}　截至 {today}　共 {len(rows)} 人" if lang == "zh" else (
        f"{where} — as of {today} — {len(rows)} people")
    return Roster(stage, roster_title(stage, lang), subtitle, roster_title(stage, "zh"), chosen, rows)


def all_rosters(people: list[Person], *, today: date, branch: str | None = None, lang: str = "zh",
                full_id: bool = False) -> list[Roster]:
    return [roster(people, s, today=today, branch=branch, lang=lang, full_id=full_id) for s in STAGE_KEYS]


def index_title(lang: str) -> str:
    return "序号" if lang == "zh" else "No."
