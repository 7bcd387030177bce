"""Importing a JSON backup written by this program (``tracker export --format json``): people not in the
database are added, people in it get the backup's newer steps and details, each step checked by the rules.

Split from ``tracker.importers`` (sheets), whose plan, matching and checks it shares.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from .exporters import BACKUP_FORMAT, BACKUP_VERSION
from .import_rows import RowResult
from .importers import ImportPlan, Known, check_in, merged_details
from .inputs import InputError, check_amounts, refuse_control_text
from .model import Person
from .profiles import RuleBook
from .sheets import ImportError_
from .stages import EVENT_BY_KEY, EVENT_KEYS, event_label
from .storeshape import ShapeError, check_person


def _backup_people(data: Any) -> list[Any]:
    """The people of a backup after its format and version are checked."""
    if not isinstance(data, dict) or data.get("format") != BACKUP_FORMAT:
        raise ImportError_("这不是本程序导出的 JSON 备份。", "This JSON file is not a backup written by this program.")
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise ImportError_("备份缺少格式版本号（version），无法确认其格式，未导入。请用本程序重新导出备份。",
                           "The backup has no format version ('version'), so its layout cannot be trusted; nothing "
                           "was imported. Export the backup again with this program.")
    if version > BACKUP_VERSION:
        raise ImportError_(f"这份备份由较新版本的程序写入（格式 {version}，本程序只认得格式 {BACKUP_VERSION}），未导入。"
                           "请先升级本程序。",
                           f"This backup was written by a newer version of the program (format {version}; this one "
                           f"reads format {BACKUP_VERSION}); nothing was imported. Upgrade the program first.")
    people = data.get("people")
    if not isinstance(people, list):
        raise ImportError_("备份中没有人员列表（people），未导入。", "The backup has no list of people; nothing was imported.")
    return people


def _backup_person(item: Any, result: RowResult) -> Person | None:
    """One person of a backup as a record, checked as on input; None (and a problem) when it cannot be."""
    try:
        if not isinstance(item, dict):
            raise TypeError("not an object")
        doc = {k: v for k, v in item.items() if k not in ("id", "stage", "pending", "active") and v is not None}
        check_person(doc)  # the types the database file holds: a number for a phone would make it unreadable
        if "*" in str(doc.get("id_number", "")):  # a copy exported with --mask-id
            del doc["id_number"]
            result.notes.append(("身份证号已隐去（含*），未导入该项", "the ID number is masked (has *); not imported"))
        full = Person.from_doc(0, doc)
        refuse_control_text(full)  # a backup carries every text of a record: checked as on input
        for ev in full.events:
            check_amounts(ev.days, ev.hours, ev.months)
    except (InputError, ShapeError) as exc:
        result.problems.append((f"记录格式有误：{exc.zh}", f"malformed record: {exc.en}") if isinstance(exc, ShapeError)
                               else (exc.zh, exc.en))
        return None
    except (KeyError, ValueError, TypeError, AttributeError) as exc:
        result.problems.append((f"记录格式有误：{exc}", f"malformed record: {exc}"))
        return None
    return full


def _merge_backup(match: Person, full: Person, by_id: bool, book: RuleBook, today: date,
                  result: RowResult) -> Person | None:
    """A backup's record merged into the person it matched: details as from a sheet, and the steps the database
    does not have added after the rules check (in date order). A step recorded once on both sides with different
    dates is a conflict (both dates in the report); steps only the database has stay."""
    person: Person | None = replace(match, **merged_details(match, full.details(), by_id, result))
    for ev in sorted(full.events, key=lambda e: (e.date, EVENT_KEYS.index(e.event))):
        if person is None:
            break
        if ev in person.events:
            continue
        same_day = [e for e in person.events if e.event == ev.event and e.date == ev.date]
        if same_day:
            result.notes.append((f"{event_label(ev.event, 'zh')} {ev.date}：备份中所记内容与已有记录不同，保留已有",
                                 f"{event_label(ev.event, 'en')} {ev.date}: recorded differently in the backup; kept "
                                 "the database's"))
            continue
        known = person.last(ev.event)
        if known is not None and not EVENT_BY_KEY[ev.event].repeatable:
            result.problems.append((
                f"{event_label(ev.event, 'zh')}与已有记录冲突（已有 {known.date}，备份中 {ev.date}）",
                f"{event_label(ev.event, 'en')} conflicts with the database ({known.date} there, {ev.date} in the "
                "backup)"))
            return None
        person = check_in(person, ev, book, today, result, honour_override=True)
    return person


def plan_backup(data: Any, people: list[Person], book: RuleBook, today: date, source: str) -> ImportPlan:
    """What importing a JSON backup would do: people not in the database are added; people in it (same ID number,
    or name and birth date) get the backup's newer steps and details — a backup imported into the database it
    came from changes nothing."""
    items = _backup_people(data)
    plan = ImportPlan(source, [], [], [], base=people, backup_data=data)
    known = Known(people)
    changed: set[int] = set()
    fresh: dict[int, int] = {}  # slot → index in plan.new
    for i, item in enumerate(items, start=1):
        result = RowResult(i, str(item.get("name", "")) if isinstance(item, dict) else "")
        plan.rows.append(result)
        full = _backup_person(item, result)
        if full is None:
            result.status = "error"
            continue
        slot, how = known.match_how(full.details())
        if slot is not None:
            match = known.slots[slot]
            merged = _merge_backup(match, full, how == "id", book, today, result)
            if merged is None:
                result.status = "error"
            elif merged == match:
                result.status = "unchanged"
                result.notes.append(("已在数据库中（身份证号或姓名与出生日期相同），无变化",
                                     "already in the database (same ID number, or name and birth date); no change"))
            else:
                result.status = "merged"
                known.put(slot, merged)
                if slot < len(people):
                    changed.add(slot)
                else:  # the backup lists someone twice
                    plan.new[fresh[slot]] = merged
            continue
        person: Person | None = full.with_events(())
        for ev in full.events:
            if person is None:
                break
            person = check_in(person, ev, book, today, result, honour_override=True)
        if person is None:
            result.status = "error"
            continue
        fresh[known.add(person)] = len(plan.new)
        plan.new.append(person)
    plan.updated = [known.slots[s] for s in sorted(changed)]
    return plan
