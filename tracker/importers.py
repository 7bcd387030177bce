"""Bring in the sheets secretaries keep today (XLSX, CSV in UTF-8 or GBK) and our JSON backup.

Every row is checked with the same rules as ``record``. A minimum broken by the sheet's own
dates is an error. A step the sheet has no column for (training, political review, the
publicity) cannot be checked: the event is saved with an override reason that says so, and
the report lists it, so nothing is passed off as verified.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from .import_rows import DETAIL_COLUMNS as DETAIL_COLUMNS
from .import_rows import STAGE_EVENTS as STAGE_EVENTS
from .import_rows import Row, RowResult, read_row, shown
from .model import Event, Person
from .profiles import RuleBook
from .registers import IMPORTED
from .rules import Check, Verdict, check_event, probation_end
from .sheets import (
    HEAD_ZH,
    ImportError_,
    Sheet,
    find_header,
    norm_header,
    read_sheets,
)
from .sheets import HEADERS as HEADERS  # re-exported: the headers recognised
from .sheets import read_table as read_table  # re-exported
from .stages import EVENT_KEYS, PENDING_BY_KEY, event_label, pending_label


@dataclass
class ImportPlan:
    source: str
    rows: list[RowResult]
    new: list[Person]
    updated: list[Person]
    header_row: int | None = None
    columns: dict[str, str] = field(default_factory=dict)
    #: the columns not imported, by header text → (zh, en) why (derived, recognised but not used, unknown)
    unused_columns: dict[str, tuple[str, str]] = field(default_factory=dict)
    #: worksheets read without a header row (an instructions sheet): skipped
    skipped_sheets: list[str] = field(default_factory=list)
    #: hidden worksheets: not imported (``--sheet NAME`` imports one)
    hidden_sheets: list[str] = field(default_factory=list)
    #: hidden rows of people (sheet, row number, name): not imported (``--include-hidden`` imports them)
    hidden_rows: list[tuple[str | None, int, str]] = field(default_factory=list)
    #: what the plan was made from, to check it again when it is written (``rebase``)
    base: list[Person] = field(default_factory=list, repr=False)
    parsed: list[Row] = field(default_factory=list, repr=False)
    merger: _Merger | None = field(default=None, repr=False)
    backup_data: Any = field(default=None, repr=False)  # the backup read, to plan it again under the lock

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
        index = Known(moved)
        if self.merger is None:
            self._rebase_backup(people, book, today)
            return
        merger = self.merger
        affected = {r.slot for r in self.parsed if r.slot is not None and r.slot < merger.n_base
                    and self.base[r.slot].id in touched}
        affected |= {r.slot for r in self.parsed if r.slot is not None and r.slot >= merger.n_base
                     and index.match(r.details, r.month_only) is not None}
        affected |= {s for s in merger.fresh if index.match(merger.known.slots[s].details()) is not None}
        redo = [r for r in self.parsed if r.slot in affected
                or (r.slot is None and r.result.status == "error"
                    and index.match(r.details, r.month_only) is not None)]
        if not redo:
            return
        keep_new = [merger.known.slots[s] for s in merger.fresh if s not in affected]
        keep_updated = [merger.known.slots[s] for s in sorted(merger.changed) if s not in affected]
        noted = {id(r) for r in redo}
        again = _redo(redo, people, book, today, noted, before)
        if _clash(again, keep_new, keep_updated):  # a changed record now matches another row's person
            keep_new, keep_updated = [], []
            again = _redo(self.parsed, people, book, today, noted, before)
        self.new = keep_new + again.new()
        self.updated = keep_updated + again.updated()

    def _rebase_backup(self, people: list[Person], book: RuleBook, today: date) -> None:
        """A backup is planned again against the people as they are now; a person another program added
        meanwhile is merged (or found unchanged), not added twice."""
        from .import_backup import plan_backup

        before = {r.row: r.status for r in self.rows}
        again = plan_backup(self.backup_data, people, book, today, self.source)
        for r in again.rows:
            if before.get(r.row) == "new" and r.status != "new":
                r.notes.append(_MEANWHILE_ADDED if r.status == "unchanged" else _MEANWHILE_MERGED)
        self.rows[:] = again.rows
        self.new, self.updated, self.base = again.new, again.updated, people


# ------------------------------------------------------------------ checking rows

#: rules added after backups were first written (2026-11-30: R20's proposal, R15's timing, R9's own name): a step
#: a backup holds that one of them refuses was accepted by the program that wrote it, so it is imported marked
#: unverified, never refused (a backup the program wrote itself always imports back)
RULES_AFTER_BACKUPS = frozenset({"proposal-first", "extension-at-end", "sponsor-not-self"})


def check_in(person: Person, ev: Event, book: RuleBook, today: date, result: RowResult,
              honour_override: bool = False, month_only: bool = False,
              anchors: frozenset[str] = frozenset()) -> Person | None:
    """Add ``ev`` after the same checks as ``record``; None (and a problem) when refused.

    A step the sheet gives to the month only (``month_only``: 2023年5月) is taken as the month's first day the
    order of steps allows; a rule that needs the day and is met on a later day of that month is not a
    refusal: the step is saved marked unverified for that rule, and the report says so. Likewise a rule counted
    from an earlier step known only to the month (``anchors``) that a later day of that month would break."""
    check = check_event(person, ev, book, today)
    label = event_label(ev.event, "zh")
    unverified: list[Verdict] = []
    if month_only:
        ev, check, unverified = _within_month(person, ev, book, today, check)
        month = f"{ev.date.year}年{ev.date.month}月"
        result.notes.append((f"{label}只有年月（{month}），按 {ev.date} 计",
                             f"{event_label(ev.event, 'en')} gives only a month ({ev.date:%Y-%m}); taken as {ev.date}"))
    if anchors and not check.hard_refusals:  # an earlier step known to the month: it may have been later in it
        refused = {v.rule for v in check.refusals}
        unverified += [v for v in _at_month_end(person, ev, book, today, anchors).refusals
                       if v.overridable and v.rule not in refused and v not in unverified]
    if check.hard_refusals:
        result.problems.extend((v.zh, v.en) for v in check.hard_refusals)
        return None
    refusals = [v for v in check.refusals if v not in unverified]
    predates: list[Verdict] = []
    if refusals and honour_override:
        predates = [v for v in refusals if v.rule not in ev.overridden and v.rule in RULES_AFTER_BACKUPS]
        missing = [v for v in refusals if v.rule not in ev.overridden and v not in predates]
        if missing:
            result.problems.extend((v.zh, v.en) for v in missing)
            return None
        refusals = []
    if predates:  # a backup written before the rule existed: the program that wrote it accepted the step
        codes = "、".join(dict.fromkeys(v.code or v.rule for v in predates))
        result.notes.append((f"{label}：备份早于此项规定（{codes}），未经核对，已注明待核实",
                             f"{event_label(ev.event, 'en')}: the backup predates this rule ({codes}); saved marked "
                             "as unverified"))
        ev = replace(ev, override=(f"{ev.override}；" if ev.override else IMPORTED) + f"备份早于此项规定，未核对（{codes}）",
                     overridden=tuple(dict.fromkeys((*ev.overridden, *(v.rule for v in predates)))))
    broken = [v for v in refusals if v.earliest is not None]
    if broken:
        result.problems.extend((v.zh, v.en) for v in broken)
        return None
    if refusals or unverified:
        reasons = []
        if refusals:
            reasons.append(f"原表未记录核对所需的步骤（{'、'.join(dict.fromkeys(v.code or v.rule for v in refusals))}）")
            result.notes.append((f"{label}：{'；'.join(v.zh for v in refusals)} — 原表无此记录，已注明待核实",
                                 f"{event_label(ev.event, 'en')}: {'; '.join(v.en for v in refusals)} — not in the "
                                 "sheet; saved marked as unverified"))
        if unverified:
            reasons.append(f"原表只有年月，无法按日核对（{'、'.join(v.code or v.rule for v in unverified)}）")
            result.notes.append((
                f"{label}：原表只有年月，按日计算的规定无法核对（{'；'.join(v.zh for v in unverified)}），"
                "已注明待核实，请查档案补上日期（tracker fix）",
                f"{event_label(ev.event, 'en')}: the sheet gives only the month, so the rules counted in days cannot be "
                f"checked ({'; '.join(v.en for v in unverified)}); saved marked as unverified — find the day in the "
                "file and correct it (tracker fix)"))
        given = ev.override.removeprefix(IMPORTED) + "；" if ev.override else ""
        ev = replace(ev, override=IMPORTED + given + "；".join(reasons),
                     overridden=tuple(dict.fromkeys((*ev.overridden, *(v.rule for v in (*refusals, *unverified))))))
    elif ev.override and ev.override.startswith(IMPORTED) and not honour_override:  # a step the import implied
        result.notes.append((f"{label}：{ev.override.removeprefix(IMPORTED)}",
                             f"{event_label(ev.event, 'en')}: the sheet has no column for it; saved on {ev.date}, "
                             "marked unverified"))
    for n in check.notes:
        result.notes.append((f"{label}：{n.zh}", f"{event_label(ev.event, 'en')}: {n.en}"))
    result.events.append((f"{label} {ev.date}", f"{event_label(ev.event, 'en')} {ev.date}"))
    return person.with_events((*person.events, ev))


def _at_month_end(person: Person, ev: Event, book: RuleBook, today: date, anchors: frozenset[str]) -> Check:
    """``ev`` checked as if the steps known only to the month had been on the month's last day (not after today)."""
    def late(e: Event) -> Event:
        end = (e.date.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
        return replace(e, date=min(end, today)) if e.event in anchors else e
    return check_event(person.with_events(tuple(late(e) for e in person.events)), ev, book, today, with_notes=False)


def _within_month(person: Person, ev: Event, book: RuleBook, today: date,
                  first: Check) -> tuple[Event, Check, list[Verdict]]:
    """A step known to the month: the month's first day the order of steps allows (the first day itself when it
    passes), its check there, and the refusals there that some later day of the month would not have."""
    if not first.refusals:
        return ev, first, []
    start = ev.date.replace(day=1)
    days = [start + timedelta(days=i) for i in range(31)]
    days = [d for d in days if d.month == start.month and d <= today]
    checks = [(d, first if d == ev.date else check_event(person, replace(ev, date=d), book, today, with_notes=False))
              for d in days]
    allowed = [(d, c) for d, c in checks if not c.hard_refusals]
    if not allowed:
        return ev, first, []
    day = allowed[0][0]
    at = check_event(person, replace(ev, date=day), book, today)
    met = {v.rule for _, c in allowed[1:] for v in c.verdicts if v.ok}
    unverified = [v for v in at.refusals if v.rule in met]
    return replace(ev, date=day), at, unverified


class Known:
    """Everyone a row may match: by ID number, else by name and birth date. One lookup per row (a scan of
    everyone per row made imports quadratic). Slots keep each person's latest version as rows change it."""

    def __init__(self, people: list[Person]) -> None:
        self.slots: list[Person] = []
        self.by_id_number: dict[str, int] = {}
        self.by_name_birth: dict[tuple[str, date], int] = {}
        self.by_name_month: dict[tuple[str, int, int], int] = {}
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
            self.by_name_month.setdefault((p.name, p.birth.year, p.birth.month), slot)

    def match(self, details: dict[str, Any], month_only: bool = False) -> int | None:
        return self.match_how(details, month_only)[0]

    def match_how(self, details: dict[str, Any], month_only: bool = False) -> tuple[int | None, str]:
        """The slot a row matches and how: "id" (its ID number), "name" (name and birth date), "month" (name and
        birth month, when the sheet or the record has only the month: a weaker match), or "" (no one)."""
        idn = details.get("id_number")
        if idn and idn in self.by_id_number:
            return self.by_id_number[idn], "id"
        name, birth = details.get("name"), details.get("birth")
        if isinstance(name, str) and isinstance(birth, date):
            slot = self.by_name_birth.get((name, birth))
            if slot is not None:
                return slot, "month" if month_only else "name"
            slot = self.by_name_month.get((name, birth.year, birth.month))
            known = None if slot is None else self.slots[slot].birth
            # a month-only row meets a full date; a full date meets a birth kept to the month (the 1st)
            if slot is not None and (month_only or (known is not None and known.day == 1)):
                return slot, "month"
        return None, ""


#: details that tell two people of the same name and birth month apart
_IDENTIFYING = ("id_number", "phone", "gender", "job", "native_place")


def merged_details(match: Person, details: dict[str, Any], by_id: bool, result: RowResult,
                    read: Person | None = None) -> dict[str, Any]:
    """The details a row brings to the person it matched: empty ones are filled in; a differing one updates the
    record only when the row matched by ID number (our own roster exported with --full-id, corrected and
    imported again), else the record's value is kept and the report says so. ``read`` is the record as the
    import first read it: a detail another program changed since is kept, and the report says so."""
    out: dict[str, Any] = {}
    for k, v in details.items():
        old = getattr(match, k)
        if not v or old == v:
            continue
        if not old:
            out[k] = v
            result.notes.append((f"已补充{HEAD_ZH.get(k, k)}：{shown(k, v)}", f"filled in {k}: {shown(k, v)}"))
            continue
        shown_old, shown_new = shown(k, old), shown(k, v)
        head = HEAD_ZH.get(k, k)
        if by_id and read is not None and getattr(read, k) != old:
            result.notes.append((f"{head}在导入期间被另一程序改为 {shown_old}，保留该值（表中 {shown_new}）",
                                 f"{k} was changed to {shown_old} by another program during the import; kept it "
                                 f"({shown_new} in the sheet)"))
        elif by_id and k != "id_number":
            out[k] = v
            result.notes.append((f"已更新{head}：{shown_old} → {shown_new}（按身份证号匹配）",
                                 f"updated {k}: {shown_old} → {shown_new} (matched by ID number)"))
        else:
            result.notes.append((f"{head}与已有记录不同（已有 {shown_old}，表中 {shown_new}），保留已有",
                                 f"{k} differs from the database ({shown_old} there, {shown_new} here); kept "
                                 f"{shown_old}"))
    return out


class _Merger:
    """Matches rows with the people (by ID number, else name and birth date) and merges them in, checking
    every step with the rules. ``slot`` numbers below ``n_base`` are the people given; above, the new ones."""

    def __init__(self, people: list[Person], book: RuleBook, today: date,
                 read: dict[int, Person] | None = None) -> None:
        self.read = read or {}  # the records as first read, by id, when checking again under the lock
        self.known = Known(people)
        self.n_base = len(people)
        self.book, self.today = book, today
        self.changed: set[int] = set()  # slots of existing people changed by earlier rows
        self.rows_of: dict[int, RowResult] = {}  # slot → the first row of this import that matched or added it
        self.fresh: list[int] = []  # slots of the people the sheet adds

    @staticmethod
    def _namesake(result: RowResult, match: Person, clash: list[str], earlier: RowResult | None) -> None:
        """A row that matches someone by name and birth (month) only, but differs in what tells people apart:
        perhaps two people of the same name, perhaps one — never merged (one would be lost) nor added twice."""
        heads = "、".join(HEAD_ZH.get(k, k) for k in clash)
        who = (f"表中第{earlier.row}行" + (f"（{earlier.sheet}）" if earlier.sheet else "") if earlier is not None
               else f"已有的{match.name}")
        who_en = f"row {earlier.row}" + (f" ({earlier.sheet})" if earlier.sheet else "") if earlier is not None \
            else f"{match.name} in the database"
        born = f"{match.birth:%Y-%m}" if match.birth else "?"
        result.status = "error"
        result.problems.append((
            f"与{who}姓名相同、出生年月相同（{born}），但{heads}不同：无法判断是同一人还是同名的两个人，未导入。"
            "请在表中填写身份证号后重新导入",
            f"same name and birth month ({born}) as {who_en}, but a different {', '.join(clash)}: cannot tell whether "
            "this is the same person or two people of the same name; not imported. Fill in the ID number and import "
            "again"))

    def new(self) -> list[Person]:
        return [self.known.slots[i] for i in self.fresh]

    def updated(self) -> list[Person]:
        return [self.known.slots[i] for i in sorted(self.changed)]

    def row(self, row: Row) -> None:
        result, details, events = row.result, row.details, row.events
        slot, how = self.known.match_how(details, row.month_only)
        match = None if slot is None else self.known.slots[slot]
        if match is not None and slot is not None and how in ("name", "month"):
            earlier = self.rows_of.get(slot)  # a row of this sheet made or changed this person
            clash = [k for k in _IDENTIFYING if details.get(k) and getattr(match, k) and details[k] != getattr(match, k)]
            if clash and (how == "month" or earlier is not None):
                self._namesake(result, match, clash, earlier)
                return
        row.slot = slot
        if slot is not None:
            self.rows_of.setdefault(slot, result)
        birth_from: date | None = None
        if match is not None and how == "month" and not row.month_only and match.birth and details.get("birth") \
                and match.birth != details["birth"]:  # the record knew the month only: the sheet gives the day
            birth_from = match.birth
            match = replace(match, birth=details["birth"], birth_month_only=False)
            result.notes.append((f"出生日期由 {birth_from:%Y-%m}（只有年月）补全为 {details['birth']}",
                                 f"birth date completed from {birth_from:%Y-%m} (month only) to {details['birth']}"))
        if match is None:
            person: Person | None = Person(id=0, **details, birth_month_only=row.month_only and bool(details.get("birth")))
            base_kinds: dict[str, date] = {}
        else:
            person = match
            base_kinds = {ev.event: ev.date for ev in match.events}
            result.status = "merged"
            if row.month_only and match.birth and details.get("birth") and match.birth.replace(day=1) == \
                    details["birth"].replace(day=1):  # 出生年月 agrees with the full date on record
                details = {k: v for k, v in details.items() if k != "birth"}
            person = replace(match, **merged_details(match, details, how == "id", result, self.read.get(match.id)))
            if row.month_only and match.birth is None and person.birth is not None:  # 出生年月 fills an empty birth
                person = replace(person, birth_month_only=True)
        conversion = None
        for ev in sorted(events, key=lambda e: EVENT_KEYS.index(e.event)):  # the steps' order: dates are checked
            if person is None:
                break
            if ev.names and match is not None and (last := match.last(ev.event)) is not None \
                    and set(last.names) == set(ev.names):
                continue  # the same mentors or sponsors as on record (the roster gives the step's date, not theirs)
            if ev.event in base_kinds:
                if ev.event == "converted" and match is not None and ev.date == probation_end(match):
                    continue  # our roster's 转正时间 is the day full membership counts from (the probation's end)
                if base_kinds[ev.event] != ev.date:
                    result.problems.append((
                        f"{event_label(ev.event, 'zh')}与已有记录冲突（已有 {base_kinds[ev.event]}，表中 {ev.date}）；"
                        f"如表中的日期才对，请先更正记录（tracker fix {match.id if match else ''} {ev.event} "
                        f"--on {ev.date}，或在程序中按 c）再导入",
                        f"{event_label(ev.event, 'en')} conflicts with the database ({base_kinds[ev.event]} there, "
                        f"{ev.date} here); if the sheet is right, correct the record first (tracker fix "
                        f"{match.id if match else ''} {ev.event} --on {ev.date}, or c in the app) and import again"))
                    person = None
                continue
            person = check_in(person, ev, self.book, self.today, result, month_only=ev.event in row.month_steps,
                               anchors=row.month_steps - {ev.event})
            if ev.event == "converted":
                conversion = ev.date
        if person is not None and row.plain_conversion and conversion is not None \
                and conversion == probation_end(person):
            result.notes.append((
                f"“转正时间”{conversion} 是预备期满之日（党龄由此日算起），已记为支部大会讨论转正的日期；"
                "如大会在此日之后召开，请按会议记录更正（tracker fix … converted --on …）",
                f"'转正时间' {conversion} is the day probation ends (membership counts from it); recorded as the date of "
                "the branch meeting's conversion vote — if the meeting was later, correct it from the minutes "
                "(tracker fix … converted --on …)"))
        if person is not None and row.undated:
            person = _undated_names(person, row.undated, result)
        if person is None or result.problems:
            result.status = "error"
            if slot is not None and self.rows_of.get(slot) is result:
                del self.rows_of[slot]
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
            self.rows_of[slot] = result
        elif person != match or birth_from is not None:
            self.known.put(slot, person)
            if slot < self.n_base:
                self.changed.add(slot)
        else:
            result.status = "unchanged"
        row.slot = slot


def _undated_names(person: Person, undated: dict[str, tuple[str, ...]], result: RowResult) -> Person:
    """Mentors or sponsors the sheet names without a date: kept in the person's note (once), never recorded as a
    step dated on the stage's date; the report says to record them with their real date."""
    for kind, names in undated.items():
        last = person.last(kind)
        if last is not None and set(names) <= set(last.names):
            continue  # already on record (our own roster gives the names, not when they were named)
        head = {"mentors": "培养联系人", "sponsors": "入党介绍人"}[kind]
        text = f"{head}：{'、'.join(names)}（原表无确定日期）"
        if text in (person.note or ""):
            continue
        kept = [part for part in (person.note or "").split("；")  # an earlier import's names for them: replaced
                if part and not (part.startswith(f"{head}：") and part.endswith("（原表无确定日期）"))]
        person = replace(person, note="；".join([*kept, text]))
        label = event_label(kind, "zh")
        result.notes.append((
            f"{head}（{'、'.join(names)}）：原表没有{label}的日期，已记入备注，未作为步骤记录；"
            f"请按档案补记（tracker record … {kind} --on … --names …）",
            f"{kind} ({', '.join(names)}): the sheet has no date for '{event_label(kind, 'en')}'; kept in the note, not "
            f"recorded as a step — record it with the date from the file (tracker record … {kind} --on … --names …)"))
    return person


_MEANWHILE = ("导入期间另一程序更改了此人的记录，已按数据库中的最新记录重新核对",
              "another program changed this person during the import; checked again against the record as it is now")
_MEANWHILE_MERGED = ("导入期间另一程序已新增此人（身份证号或姓名与出生日期相同），已合并到该记录",
                     "another program added this person during the import (same ID number, or name and birth date); "
                     "merged with that record")
_MEANWHILE_ADDED = ("导入期间另一程序已新增此人（身份证号或姓名与出生日期相同），未重复导入",
                    "another program added this person during the import (same ID number, or name and birth date); "
                    "not added again")


def _redo(rows: list[Row], people: list[Person], book: RuleBook, today: date, noted: set[int],
          read: dict[int, Person]) -> _Merger:
    """Match and check ``rows`` again against ``people``; the rows in ``noted`` (by ``id``) say why."""
    again = _Merger(people, book, today, read)
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
    kept = Known(keep_new)
    return any(kept.match(p.details()) is not None for p in again.new())


#: headers that say 转正 without saying whether they mean the branch meeting's vote or the day membership counts from
_PLAIN_CONVERSION = ("转正时间", "转为正式党员时间")


def plan_table(sheets: list[Sheet], people: list[Person], book: RuleBook, today: date, source: str, *,
               include_hidden: bool = False) -> ImportPlan:
    """Read every sheet's rows, match them with ``people`` and check them: what an import would do.
    A hidden row (a person the secretary hid: left, transferred) is listed, not imported, unless
    ``include_hidden``."""
    plan = ImportPlan(source, [], [], [])
    merger = _Merger(people, book, today)
    first_error: ImportError_ | None = None
    if not sheets:
        raise ImportError_("工作簿中没有工作表，未导入。", "The workbook has no worksheet; nothing was imported.")
    for sheet in sheets:
        if sheet.hidden and len(sheets) > 1:
            plan.hidden_sheets.append(str(sheet.name))
            continue
        try:
            header = find_header(sheet.rows)
        except ImportError_ as exc:  # an instructions sheet, an empty one: skipped when others have rows
            first_error = first_error or exc
            if sheet.name is not None:
                plan.skipped_sheets.append(sheet.name)
            continue
        if plan.header_row is None:
            plan.header_row = header.last + 1
        plan.columns.update({header.texts[j]: key for j, key in header.mapping.items()})
        for text, why in header.unused.items():
            plan.unused_columns.setdefault(text, why)
        plain = any(key == "converted" and norm_header(header.texts[j]) in _PLAIN_CONVERSION
                    for j, key in header.mapping.items())
        for offset, row in enumerate(sheet.rows[header.last + 1:], start=header.last + 2):
            formulas = {c - 1: f for (r, c), f in sheet.uncomputed.items() if r == offset} if sheet.uncomputed else {}
            parsed = read_row(row, header.mapping, offset, sheet.name, formulas)
            if parsed is None:
                continue
            if offset in sheet.hidden_rows and not include_hidden:
                plan.hidden_rows.append((sheet.name, offset, parsed.result.name))
                continue
            parsed.plain_conversion = plain
            plan.rows.append(parsed.result)
            if parsed.result.status == "error":
                continue
            plan.parsed.append(parsed)
            merger.row(parsed)
    if plan.header_row is None:
        assert first_error is not None
        raise first_error
    plan.base, plan.merger = people, merger
    plan.new, plan.updated = merger.new(), merger.updated()
    return plan


def plan_import(path: Path, people: list[Person], book: RuleBook, today: date, sheet: str | None = None, *,
                include_hidden: bool = False) -> ImportPlan:
    if path.suffix.lower() == ".json":
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ImportError_(f"找不到文件：{path}", f"File not found: {path}") from None
        except json.JSONDecodeError as exc:
            raise ImportError_(f"JSON 备份已损坏或不完整（第 {exc.lineno} 行第 {exc.colno} 列起无法读取），未导入任何内容。"
                               "请用完好的备份，或重新导出。",
                               f"The JSON backup is damaged or incomplete (unreadable from line {exc.lineno}, column "
                               f"{exc.colno}); nothing was imported. Use an intact backup or export it again.") from None
        except UnicodeDecodeError:
            raise ImportError_("这个 .json 文件不是 UTF-8 文本，不是本程序导出的备份，未导入。",
                               "This .json file is not UTF-8 text, so not a backup written by this program; nothing "
                               "was imported.") from None
        from .import_backup import plan_backup

        return plan_backup(data, people, book, today, str(path))
    return plan_table(read_sheets(path, sheet), people, book, today, str(path), include_hidden=include_hidden)
