"""The rosters a secretary hands upward (名册): which columns each stage shows and each cell's value.

Pure: people and the rule book in, rows of plain values out. Writers live in exporters.py.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from .model import Person
from .profiles import RuleBook
from .rules import deadlines, probation_end
from .stages import STAGE_BY_KEY, STAGE_KEYS, event_label, pending_label

Cell = str | int | date | None


@dataclass(frozen=True)
class Column:
    key: str
    zh: str
    en: str
    value: Callable[[Person], Cell]
    width: int  # a sensible width in Excel characters (CJK counts double)
    month: bool = False  # a date shown to the month (出生年月: 1996.04)

    def title(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


def mask_phone(phone: str) -> str:
    """138****5678: keep the first three and the last four digits."""
    digits = [i for i, c in enumerate(phone) if c.isdigit()]
    if len(digits) < 8:
        return "*" * len(phone)
    hidden = set(digits[3:-4])
    return "".join("*" if i in hidden else c for i, c in enumerate(phone))


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


def _result_words(result: str | None) -> str:
    return {"pass": "合格", "fail": "不合格"}.get(result or "", "")


def _political_review(p: Person) -> Cell:
    ev = p.last("political-review")
    return f"{_result_words(ev.result)}（{ev.date}）" if ev else None


def _training(p: Person) -> Cell:
    done = p.all_of("training")
    if not done:
        return None
    days = sum(e.days or 0 for e in done)
    hours = sum(e.hours or 0 for e in done)
    amount = "、".join(x for x in (f"{days:g}天" if days else "", f"{hours:g}学时" if hours else "") if x)
    return f"{amount}（{done[-1].date}）" if amount else str(done[-1].date)


def _extension(p: Person) -> Cell:
    ext = p.all_of("extended")
    return "；".join(f"{e.date} 延长{e.months}个月" for e in ext) or None


#: the derived part of 备注 is bracketed, so re-importing our own roster keeps only the person's own note
NOTE_STATUS_OPEN, NOTE_STATUS_CLOSE = "〔办理情况：", "〕"
#: the same in an English roster
NOTE_STATUS_OPEN_EN, NOTE_STATUS_CLOSE_EN = " [Status: ", "]"

#: the sentences of 备注 in each language
_NOTE_WORDS: dict[str, dict[str, str]] = {
    "zh": {"waiting": "预备期已满{n}天，未讨论转正", "overdue": "{step}逾期{n}天（应于 {due} 前）",
           "left": "{date} 离开：{reason}", "override": "{date} {step}（理由：{reason}）",
           "overrides": "未按规定条件办理：", "unverified": "导入时原表缺少记录、未能核对：", "item": "{date} {step}（{reason}）",
           "sep": "；", "list": "，"},
    "en": {"waiting": "probation ended {n} days ago; conversion not yet discussed",
           "overdue": "{step} overdue by {n} days (due by {due})", "left": "{date} left: {reason}",
           "override": "{date} {step} (reason: {reason})", "overrides": "recorded against the rules' conditions: ",
           "unverified": "not checked at import (the sheet lacked the record): ", "item": "{date} {step} ({reason})",
           "sep": "; ", "list": ", "},
}


def note_words(p: Person, book: RuleBook | None = None, today: date | None = None, lang: str = "zh") -> str:
    """备注 as a superior reads it, in words (no rule ids): the person's note, then, bracketed, an approval awaited,
    what is overdue or waiting, leaving, and every step recorded against a rule with its reason. Chinese for a
    Chinese roster, English for an English one (the reasons typed in are the secretary's own words)."""
    w = _NOTE_WORDS["zh" if lang == "zh" else "en"]
    status: list[str] = []
    if p.pending is not None:
        status.append(pending_label(p.pending, lang))
    if book is not None and today is not None:
        for d in sorted(deadlines(p, book, today), key=lambda d: d.due):
            if d.status == "waiting":
                status.append(w["waiting"].format(n=-d.days_left) if d.from_ == "probation_end"
                              else d.waiting_text(lang))
            elif d.overdue:
                status.append(w["overdue"].format(step=event_label(d.event, lang), n=-d.days_left, due=d.due))
    left = p.last("left")
    if left is not None:
        status.append(w["left"].format(date=left.date, reason=left.reason or "").strip())
    overrides = [w["override"].format(date=ev.date, step=event_label(ev.event, lang), reason=ev.override)
                 for ev in p.events if ev.override and not ev.override.startswith(IMPORTED)]
    if overrides:
        status.append(w["overrides"] + w["list"].join(overrides))
    unverified = [w["item"].format(date=ev.date, step=event_label(ev.event, lang),
                                   reason=_RULE_CODES.sub("", ev.override.removeprefix(IMPORTED)))
                  for ev in p.events if ev.override and ev.override.startswith(IMPORTED)]
    if unverified:  # what an import could not check is not an irregularity: the sheet lacked the record
        status.append(w["unverified"] + w["list"].join(unverified))
    if not status:
        return p.note
    opening, closing = (NOTE_STATUS_OPEN, NOTE_STATUS_CLOSE) if lang == "zh" else (NOTE_STATUS_OPEN_EN,
                                                                                   NOTE_STATUS_CLOSE_EN)
    return f"{p.note}{opening}{w['sep'].join(status)}{closing}"


#: how an import's override reason begins (importers): the steps the sheet had no record to check
IMPORTED = "导入："
_RULE_CODES = re.compile(r"（[^（）]*\bR\d+[^（）]*）")


def own_note(text: str) -> str:
    """The person's own note in a 备注 cell of our roster (without the bracketed status we add)."""
    for opening, closing in ((NOTE_STATUS_OPEN, NOTE_STATUS_CLOSE), (NOTE_STATUS_OPEN_EN, NOTE_STATUS_CLOSE_EN)):
        at = text.rfind(opening)
        if at >= 0 and text.rstrip().endswith(closing):
            return text[:at].rstrip()
    return text


def columns(full_id: bool = False, full_contact: bool = False, book: RuleBook | None = None,
            today: date | None = None, lang: str = "zh") -> dict[str, Column]:
    idn: Callable[[Person], Cell] = (lambda p: p.id_number or None) if full_id else (
        lambda p: mask_id(p.id_number) if p.id_number else None)
    phone: Callable[[Person], Cell] = (lambda p: p.phone or None) if full_contact else (
        lambda p: mask_phone(p.phone) if p.phone else None)
    cols = [
        Column("name", "姓名", "Name", lambda p: p.name, 10),
        Column("gender", "性别", "Gender", lambda p: p.gender or None, 6),
        Column("ethnicity", "民族", "Ethnicity", lambda p: p.ethnicity or None, 8),
        Column("birth", "出生年月", "Birth", lambda p: p.birth, 9, month=True),
        Column("native_place", "籍贯", "Native place", lambda p: p.native_place or None, 8),
        Column("id_number", "身份证号", "ID number", idn, 21),
        Column("education", "学历", "Education", lambda p: p.education or None, 8),
        Column("job", "工作单位及职务", "Workplace and post", lambda p: p.job or None, 14),
        Column("branch", "所在党支部", "Branch", lambda p: p.branch or None, 12),
        Column("phone", "联系电话", "Phone", phone, 13),
        Column("applied", "递交入党申请书时间", "Application received", _date("applied"), 12),
        Column("activist", "确定为入党积极分子时间", "Named activist", _date("activist"), 12),
        Column("mentors", "培养联系人", "Mentors", _names("mentors"), 14),
        Column("target", "确定为发展对象时间", "Listed as target", _date("target"), 12),
        Column("sponsors", "入党介绍人", "Sponsors", _names("sponsors"), 14),
        Column("political_review", "政审", "Political review", _political_review, 14),
        Column("training", "集中培训", "Training", _training, 14),
        Column("admitted", "接收为预备党员时间（支部大会）", "Admission passed (branch meeting)", _date("admitted"), 12),
        Column("approved", "上级党委审批时间", "Admission approved", _date("approved"), 12),
        Column("oath", "入党宣誓时间", "Oath", _date("oath"), 12),
        Column("extended", "延长预备期", "Probation extended", _extension, 14),
        Column("probation_end", "预备期满时间", "Probation ends", probation_end, 12),
        Column("converted", "转正时间", "Converted",
               lambda p: probation_end(p) if p.date_of("conversion-approved") else None, 12),
        Column("conversion_approved", "转正审批时间", "Conversion approved", _date("conversion-approved"), 12),
        Column("note", "备注", "Notes", lambda p: note_words(p, book, today, lang) or None, 30),
    ]
    return {c.key: c for c in cols}


BASE = ("name", "gender", "ethnicity", "birth", "native_place", "id_number", "education", "job", "branch", "phone",
        "applied")
#: the register columns that fit each stage's roster (RULES.md "What secretaries hand upward")
STAGE_COLUMNS: dict[str, tuple[str, ...]] = {
    "applicant": (*BASE, "note"),
    "activist": (*BASE, "activist", "mentors", "note"),
    "target": (*BASE, "activist", "mentors", "target", "sponsors", "political_review", "training", "admitted", "note"),
    "probationary": (*BASE, "activist", "target", "sponsors", "admitted", "approved", "oath", "extended",
                     "probation_end", "note"),
    "member": (*BASE, "activist", "target", "sponsors", "admitted", "approved", "converted", "conversion_approved",
               "note"),
}


def roster_title(stage: str, lang: str, unit: str | None = None, branch: str | None = None) -> str:
    """"中共××委员会××党支部 入党积极分子名册" when the unit is set; the stage's roster name otherwise."""
    s = STAGE_BY_KEY[stage]
    name = f"{s.zh}名册" if lang == "zh" else f"{s.en} roster {s.zh}名册"
    head = "".join(x for x in (unit, branch) if x)
    return f"{head} {name}" if head else name


def footer(lang: str, today: date) -> str:
    """The line below a roster a superior expects: who fills it in, who checks and signs, when."""
    if lang == "zh":
        return f"填报单位（盖章）：　　　　　　填报人：　　　　　　审核人（支部书记签字）：　　　　　　填报日期：{today}"
    return f"Unit (seal):            Filled in by:            Checked by (branch secretary):            Date: {today}"


@dataclass(frozen=True)
class Roster:
    stage: str
    title: str
    subtitle: str
    sheet: str  # the worksheet tab: always the Chinese name
    columns: tuple[Column, ...]
    rows: tuple[tuple[Cell, ...], ...]  # without 序号: writers number the rows
    footer: str = ""


def roster(people: list[Person], stage: str, *, today: date, branch: str | None = None, lang: str = "zh",
           full_id: bool = False, full_contact: bool = False, book: RuleBook | None = None,
           unit: str | None = None) -> Roster:
    """One stage's roster; with ``book`` the 备注 also says what is overdue or waiting."""
    cols = columns(full_id, full_contact, book, today, lang)
    chosen = tuple(cols[k] for k in STAGE_COLUMNS[stage])
    members = [p for p in people if p.active and p.stage == stage and (branch is None or p.branch == branch)]
    members.sort(key=lambda p: (p.branch, p.date_of(STAGE_BY_KEY[stage].entered_by) or date.min, p.id))
    rows = tuple(tuple(c.value(p) for c in chosen) for p in members)
    where = branch or ("全部支部" if lang == "zh" else "all branches")
    subtitle = f"{where}　截至 {today}　共 {len(rows)} 人" if lang == "zh" else (
        f"{where} — as of {today} — {len(rows)} people")
    return Roster(stage, roster_title(stage, lang, unit, branch), subtitle, roster_title(stage, "zh"), chosen, rows,
                  footer(lang, today))


def all_rosters(people: list[Person], *, today: date, branch: str | None = None, lang: str = "zh",
                full_id: bool = False, full_contact: bool = False, book: RuleBook | None = None,
                unit: str | None = None) -> list[Roster]:
    return [roster(people, s, today=today, branch=branch, lang=lang, full_id=full_id, full_contact=full_contact,
                   book=book, unit=unit) for s in STAGE_KEYS]


def index_title(lang: str) -> str:
    return "序号" if lang == "zh" else "No."
