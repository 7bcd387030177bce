"""The only way to change data: validate input → check the rules → save atomically → audit.

Every change goes through one history, so ``undo`` and the audit trail are one mechanism.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .batch import Batch as Batch  # re-exported: front ends catch and read these from here
from .batch import BatchRefused as BatchRefused
from .corrections import Correction, find_event, plan_details, plan_fix, plan_unrecord, with_override
from .derived import Summary
from .i18n import BilingualError
from .inputs import InputError as InputError  # re-exported: every front end catches it from here
from .inputs import build_event as build_event  # re-exported: the CLI and the app build steps with it
from .inputs import clean_details, clean_text, refuse_event_text
from .model import DATE_DETAILS, Event, Person
from .profiles import RuleBook
from .registers import mask_id
from .rules import Check, Verdict, check_event
from .service_files import Exported as Exported  # re-exported: the app reads it from here
from .service_files import Outputs
from .stages import event_label, stage_label
from .store import HistoryEntry
from .storeapi import IndexedLookups, StoreAPI

if TYPE_CHECKING:
    from .importers import ImportPlan
    from .reports import Status
    from .rules import Deadline


class Conflict(BilingualError):
    """The change cannot be made as asked (e.g. undo for a person a newer change also touched); exit 1."""


class EditConflict(Conflict):
    """Details changed by another program since the form showed them; ``fields``: field → (zh, en) saying so."""

    def __init__(self, fields: dict[str, tuple[str, str]]) -> None:
        super().__init__("；".join(zh for zh, _ in fields.values()), "; ".join(en for _, en in fields.values()))
        self.fields = fields


class Refused(Exception):
    """A rule refused the step; nothing was saved (exit code 1)."""

    def __init__(self, check: Check) -> None:
        self.check = check
        super().__init__("; ".join(v.en for v in check.refusals))

    def message(self, lang: str) -> str:
        lines = [v.message(lang) for v in self.check.refusals]
        if self.check.hard_refusals:
            return "\n".join(lines)
        hint = ("如确需办理，请写明理由：--override \"理由\"" if lang == "zh"
                else 'To proceed anyway, give a written reason: --override "reason"')
        return "\n".join([*lines, hint])


@dataclass(frozen=True)
class Recorded:
    person: Person
    check: Check
    history_id: int
    #: ``add(if_absent=True)`` found the person already there: how ("id_number" or "name_birth"); nothing saved
    existed: str | None = None


# ------------------------------------------------------------------ the service

class Service(Outputs):
    def __init__(self, store: StoreAPI, book: RuleBook, clock: Callable[[], date]) -> None:
        self.store = store
        self.book = book
        self.clock = clock
        store.use_rulebook(book)  # the derived fields the store keeps are computed with this book

    @property
    def today(self) -> date:
        return self.clock()

    # ---- reading
    def refresh(self) -> bool:
        """Re-read the database if another process changed it; True when it did."""
        return self.store.refresh()

    def people(self) -> list[Person]:
        return self.store.people()

    def summaries(self) -> list[Summary]:
        """Everyone by id with their derived fields (stage, deadlines, next step): no events replayed
        when the store keeps them current (``tracker.derived``); else derived here."""
        from .summaries import summaries_of

        return summaries_of(self.store, self.book)

    def status(self, within: int = 30) -> Status:
        """Counts per stage and of what is due, without building everyone when the store keeps derived columns."""
        from .summaries import status_report

        return status_report(self.store, self.book, self.today, within)

    def due(self, within: int = 30) -> list[Deadline]:
        """Every open deadline overdue or due within ``within`` days, most urgent first."""
        from .summaries import due_items

        return due_items(self.store, self.book, self.today, within)

    def count(self) -> int:
        """How many people (active or not) the database holds; cheap: nobody is built."""
        return self.store.count()

    def person(self, pid: int) -> Person:
        p = self.store.person(pid)
        if p is None:
            raise InputError(f"没有编号为 {pid} 的人员。", f"No person with id {pid}.", "person")
        return p

    def find(self, ref: str) -> Person:
        """A person by id or by unique name."""
        ref = ref.strip()
        if ref.isdigit():
            return self.person(int(ref))
        matches = [self.person(pid) for pid in self.store.ids_named(ref)]
        if not matches:
            raise InputError(f"找不到“{ref}”。请用 tracker list 查看姓名和编号。",
                             f"No one called '{ref}'. See 'tracker list' for names and ids.", "person")
        if len(matches) > 1:
            ids = ", ".join(str(p.id) for p in matches)
            raise InputError(f"有 {len(matches)} 人叫“{ref}”（编号 {ids}），请用编号。",
                             f"{len(matches)} people are called '{ref}' (ids {ids}); use the id.", "person")
        return matches[0]

    def check(self, person: Person, event: Event) -> Check:
        """What recording ``event`` would meet, without saving anything (for live previews)."""
        check = check_event(person, event, self.book, self.today)
        if event.event == "sponsors" and event.names and not check.hard_refusals:
            check = replace(check, verdicts=(*check.verdicts, *self._sponsor_refusals(person, event)))
        return check

    def _sponsor_refusals(self, person: Person, event: Event) -> list[Verdict]:
        """A sponsor must be a full member (R9). A name found in this register only at another stage is refused,
        saying who and at which stage; a namesake outside the register (sponsors often are) is recorded with a
        written reason (``--override``)."""
        from .rules import sponsor_citation

        cz, ce = sponsor_citation(self.book, event.date)
        out = []
        for name in dict.fromkeys(event.names):
            if name == person.name:
                continue  # the person themself: refused by the rules
            named = self.store.people_named(name) if isinstance(self.store, IndexedLookups) else self.store.people()
            found = [p for p in named if p.name == name and p.id != person.id]
            if found and all(p.stage != "member" for p in found):
                who_zh = "、".join(f"编号 {p.id}，{stage_label(p.stage, 'zh')}{'' if p.active else '，已离开'}" for p in found)
                who_en = "; ".join(f"#{p.id}, {stage_label(p.stage, 'en')}{'' if p.active else ', left'}" for p in found)
                zh = (f"不能记录“确定入党介绍人”：入党介绍人“{name}”在本台账中不是正式党员（{who_zh}），入党介绍人须为正式党员；"
                      "如是同名的另一位正式党员，请写明理由后记录")
                en = (f"Cannot record 'Sponsors named': sponsor '{name}' is in this register and not a full member "
                      f"({who_en}); sponsors must be full members. If it is a full member of the same name, record it "
                      "with a written reason")
                out.append(Verdict("sponsor-not-member", "gate", False, f"{zh}（{cz}）" if cz else zh,
                                   f"{en} ({ce})." if ce else en, code="R9", citation_zh=cz, citation_en=ce))
        return out

    def history(self, pid: int | None = None) -> list[HistoryEntry]:
        if pid is not None and isinstance(self.store, IndexedLookups):
            return self.store.history_of(pid)
        entries = self.store.history()
        if pid is not None:
            entries = [h for h in entries if pid in h.people]
        return entries

    # ---- changing
    def add(self, details: dict[str, Any], applied: date, *, override: str | None = None,
            if_absent: bool = False) -> Recorded:
        """Add an applicant. With ``if_absent`` (a script retrying an add), a person with the same ID number, or
        the same name and birth date, is returned instead (``existed`` says how) and nothing is saved."""
        clean = clean_details(details, require_name=True)
        if override:
            override = clean_text(override, "override")
        if if_absent and not clean.get("birth"):
            raise InputError("--if-absent 须同时给出出生日期（--birth）或身份证号（--id-number），才能认出是否已有此人。",
                             "--if-absent needs the birth date (--birth) or the ID number (--id-number) to recognise "
                             "the person.", "birth")
        probe = Person(id=0, **clean)
        ev = Event("applied", applied)
        check = self.check(probe, ev)
        ev = self._apply_override(check, ev, override)
        person = probe.with_events((ev,))
        with self.store.transaction() as tx:
            if if_absent:  # under the lock: two retries at once still add one person
                same = self._same_person(clean)
                if same is not None:
                    return Recorded(same[0], check, 0, existed=same[1])
            self._refuse_duplicate_id(clean.get("id_number"), None)
            saved = tx.add(person)
            hid = tx.log("add", f"新增 {saved.name}（递交入党申请书 {applied}）",
                         f"Added {saved.name} (application {applied})")
        return Recorded(saved, check, hid)

    def record(self, pid: int, event: Event, *, override: str | None = None) -> Recorded:
        if override:
            override = clean_text(override, "override")
        refuse_event_text(event)
        with self.store.transaction() as tx:
            person = self.person(pid)  # fresh: the transaction re-read the file if it changed
            check = self.check(person, event)
            ev = self._apply_override(check, event, override)
            updated = person.with_events((*person.events, ev))
            tx.put(updated)
            label_zh, label_en = event_label(ev.event, "zh"), event_label(ev.event, "en")
            zh = f"{person.name}：{label_zh} {ev.date}"
            en = f"{person.name}: {label_en} {ev.date}"
            if ev.override:
                zh += f"（超越规则 {', '.join(ev.overridden)}，理由：{ev.override}）"
                en += f" (overrode {', '.join(ev.overridden)}: {ev.override})"
            hid = tx.log("record", zh, en)
        return Recorded(updated, check, hid)

    def preview_many(self, pids: list[int], event: Event) -> list[tuple[Person, Check]]:
        """What ``record_many`` would meet for each person, without saving (the TUI's live check)."""
        return [(p, self.check(p, event)) for p in (self.person(pid) for pid in dict.fromkeys(pids))]

    def record_many(self, pids: list[int], event: Event, *, override: str | None = None,
                    skip_refused: bool = False) -> Batch:
        """One decision of one meeting for many people: the same step and date, each person checked by the
        rules, saved as ONE change (one history entry, one undo).

        A person refused by a rule is refused as in ``record``: a written ``override`` lifts a minimum or gate
        (for each person it applies to), never the order. Unless ``skip_refused``, any refusal left means
        nothing is saved (BatchRefused names each person and why); with it, the others are recorded."""
        if override:
            override = clean_text(override, "override")
        refuse_event_text(event)
        if not pids:
            raise InputError("没有选中任何人。", "No one is selected.", "person")
        with self.store.transaction() as tx:
            checked = self.preview_many(pids, event)  # fresh: the transaction re-read the file if it changed
            bad_input = [v for _, c in checked for v in c.refusals if v.kind == "input"]
            if bad_input:
                raise InputError(bad_input[0].zh, bad_input[0].en, "date")
            refused = [(p, c) for p, c in checked if c.hard_refusals or (c.refusals and not override)]
            go = [(p, c) for p, c in checked if all(p.id != q.id for q, _ in refused)]
            if (refused and not skip_refused) or not go:
                raise BatchRefused(refused)
            updated = [p.with_events((*p.events, self._apply_override(c, event, override))) for p, c in go]
            tx.put_all(updated)
            shown = [p.name for p in updated]
            names_zh = "、".join(shown[:10]) + (f"等 {len(shown)} 人" if len(shown) > 10 else f"（{len(shown)} 人）")
            names_en = ", ".join(shown[:10]) + (f" and {len(shown) - 10} more" if len(shown) > 10 else "")
            label_zh, label_en = event_label(event.event, "zh"), event_label(event.event, "en")
            zh = f"{label_zh} {event.date}：{names_zh}"
            en = f"{label_en} on {event.date}: {names_en} ({len(shown)} people)"
            lifted = sorted({v.rule for _, c in go for v in c.refusals})
            if lifted:
                zh += f"（超越规则 {', '.join(lifted)}，理由：{override}）"
                en += f" (overrode {', '.join(lifted)}: {override})"
            hid = tx.log("record", zh, en)
        return Batch(updated, {p.id: c for p, c in go}, refused, hid)

    def edit(self, pid: int, changes: dict[str, Any], *, expect: dict[str, str] | None = None,
             override: str | None = None) -> Person:
        """Correct details. ``expect`` (a form) gives each changed field's text as the form showed it: a field
        another program changed since to something else is refused with EditConflict, never overwritten.
        A new birth date or expected departure is checked against every recorded step (R1, R18, R19): what
        it newly breaks is refused unless ``override`` gives a written reason."""
        clean = clean_details(changes, require_name=False)
        month_only = bool(clean.pop("birth_month_only", False))
        with self.store.transaction() as tx:
            person = self.person(pid)
            if expect is not None:
                self._refuse_changed_meanwhile(person, clean, expect)
            if "id_number" in clean and "birth" not in changes and person.birth and clean.get("birth") \
                    and clean["birth"] != person.birth and not (  # a birth known to the month: the ID gives the day
                        person.birth_month_only and clean["birth"].replace(day=1) == person.birth.replace(day=1)):
                raise InputError(
                    f"身份证号中的出生日期 {clean['birth']} 与已登记的 {person.birth} 不一致，请一并更正出生日期（--birth）。",
                    f"The ID number's birth date {clean['birth']} differs from the recorded {person.birth}; "
                    "correct --birth as well.", "id_number")
            diffs = [(k, getattr(person, k), v) for k, v in clean.items() if getattr(person, k) != v]
            if clean.get("birth") is not None and (month_only != person.birth_month_only or "birth" in {
                    k for k, _, _ in diffs}):  # as known: 1998-05 (the month only) or 1998-05-01
                new_birth = replace(person, birth=clean["birth"], birth_month_only=month_only).birth_text
                diffs = [d for d in diffs if d[0] != "birth"] + [("birth", person.birth_text or None, new_birth)]
            if not diffs and expect is not None:
                return person  # another program made the very same change
            if not diffs:
                raise InputError("没有需要更改的内容。", "Nothing to change.")
            self._refuse_duplicate_id(clean.get("id_number"), pid)
            new_values: dict[str, Any] = {k: (v if v is not None else ("" if k not in DATE_DETAILS else None))
                                          for k, _, v in diffs}
            if "birth" in new_values:
                new_values["birth"] = clean["birth"]
                new_values["birth_month_only"] = month_only and clean["birth"] is not None
            updated = replace(person, **new_values)
            if {"birth", "expected_departure"} & set(new_values):
                updated = self._rechecked_details(person, updated, override)
            tx.put(updated)
            zh = "；".join(f"{_label(k, 'zh')}：{_show(a, k)} → {_show(b, k)}" for k, a, b in diffs)
            en = "; ".join(f"{_label(k, 'en')}: {_show(a, k)} → {_show(b, k)}" for k, a, b in diffs)
            tx.log("edit", f"{person.name} 更正信息：{zh}", f"{person.name} details corrected: {en}")
        return updated

    def next_undo(self) -> HistoryEntry | None:
        """The change ``undo`` would revert now (to ask first when it touched several people); None if none."""
        if isinstance(self.store, IndexedLookups):
            return self.store.last_undoable()
        candidates = [h for h in self.store.history() if h.mine and h.undoable and not h.undone and h.action != "undo"]
        return candidates[-1] if candidates else None

    def undo(self, *, expect: int | None = None) -> HistoryEntry | None:
        """Revert the last change that is not yet undone; None when there is nothing to undo. With ``expect``
        (the id of the change the user agreed to undo), a newer change made meanwhile is refused, not undone."""
        with self.store.transaction() as tx:
            last = self.next_undo()
            if last is None:
                return None
            history = (self.store.history_after(last.id, last.people) if isinstance(self.store, IndexedLookups)
                       else self.store.history())
            if expect is not None and last.id != expect:
                raise Conflict(f"撤销前另一程序又做了更改（{last.zh}），未撤销任何内容，请重新确认。",
                               f"Another program made a change meanwhile ({last.en}); nothing was undone. "
                               "Please confirm again.")
            _refuse_if_changed_since(last, history)
            for key, doc in self.store.history_before(last.id).items():
                tx.restore(int(key), doc)
            tx.mark_undone(last.id)
            tx.log("undo", f"撤销：{last.zh}", f"Undone: {last.en}", undoable=False)
        return last

    def undo_person(self, pid: int) -> HistoryEntry | None:
        """Revert this person's last change, only when no change newer than it touched them and it
        touched no one else; None when they have nothing to undo."""
        with self.store.transaction() as tx:
            person = self.person(pid)
            live = [h for h in self.history(pid) if not h.undone and h.action != "undo"]
            if not live or not live[-1].undoable:
                return None
            last = live[-1]
            if len(last.people) > 1:
                raise Conflict(
                    f"{person.name}最近的更改“{last.zh}”同时涉及 {len(last.people)} 人，不能只撤销其中一人；"
                    "可用 tracker undo 撤销整次更改（若它是最近的一次），或用 tracker fix / unrecord 更正此人。",
                    f"{person.name}'s last change '{last.en}' touched {len(last.people)} people; it cannot be undone "
                    "for one of them. Use tracker undo for the whole change (if it is the newest), or tracker "
                    "fix / unrecord for this person.")
            for key, doc in self.store.history_before(last.id).items():
                tx.restore(int(key), doc)
            tx.mark_undone(last.id)
            tx.log("undo", f"撤销：{last.zh}", f"Undone: {last.en}", undoable=False)
        return last

    def fix(self, pid: int, kind: str, old_date: date | None, new_date: date | None, *,
            fields: dict[str, Any] | None = None, reason: str, override: str | None = None) -> Recorded:
        """Correct one recorded step (its date, or what was recorded with it); the person's whole path
        is checked again, and what the correction newly breaks is refused unless overridden."""
        why = _required_reason(reason)
        if override:
            override = clean_text(override, "override")
        with self.store.transaction() as tx:
            person = self.person(pid)
            plan = self._fix_plan(person, kind, old_date, new_date, fields)
            old, new = plan.old, plan.new
            assert new is not None
            updated = self._corrected(plan, override)
            label_zh, label_en = event_label(kind, "zh"), event_label(kind, "en")
            what_zh = f"{old.date} → {new.date}" if new.date != old.date else f"{old.date}（内容）"
            what_en = f"{old.date} → {new.date}" if new.date != old.date else f"{old.date} (details)"
            zh = f"{person.name}：更正“{label_zh}” {what_zh}，理由：{why}"
            en = f"{person.name}: corrected '{label_en}' {what_en}; reason: {why}"
            if plan.check.refusals:
                ids = ", ".join(dict.fromkeys(v.rule for v in plan.check.refusals))
                zh += f"（超越规则 {ids}，理由：{(override or '').strip()}）"
                en += f" (overrode {ids}: {(override or '').strip()})"
            tx.put(updated)
            hid = tx.log("fix", zh, en)
        return Recorded(updated, plan.check, hid)

    def _fix_plan(self, person: Person, kind: str, old_date: date | None, new_date: date | None,
                  fields: dict[str, Any] | None) -> Correction:
        old = find_event(person, kind, old_date)
        when = new_date or old.date
        if fields:
            given: dict[str, Any] = {"names": old.names or None, "result": old.result, "days": old.days,
                                     "hours": old.hours, "months": old.months, "reason": old.reason,
                                     "note": old.note, "collective": old.collective, **fields}
            new = replace(build_event(kind, when, **given), override=old.override, overridden=old.overridden)
        else:
            new = replace(old, date=when)
        return plan_fix(person, old, new, self.book, self.today)

    def preview_fix(self, pid: int, kind: str, old_date: date | None, new_date: date | None,
                    fields: dict[str, Any] | None = None) -> Check:
        """What ``fix`` would meet, without saving (the TUI's live check)."""
        return self._fix_plan(self.person(pid), kind, old_date, new_date, fields).check

    def preview_unrecord(self, pid: int, kind: str, old_date: date | None) -> Check:
        """What ``unrecord`` would meet, without saving: refusals name the later steps that depend on it."""
        person = self.person(pid)
        return plan_unrecord(person, find_event(person, kind, old_date, removing=True), self.book).check

    def unrecord(self, pid: int, kind: str, old_date: date | None, *, reason: str) -> Recorded:
        """Remove one recorded step; refused while a later recorded step depends on it."""
        why = _required_reason(reason)
        with self.store.transaction() as tx:
            person = self.person(pid)
            old = find_event(person, kind, old_date, removing=True)
            plan = plan_unrecord(person, old, self.book)
            if plan.check.refusals:
                raise Refused(plan.check)
            tx.put(plan.after)
            label_zh, label_en = event_label(kind, "zh"), event_label(kind, "en")
            hid = tx.log("unrecord", f"{person.name}：删除“{label_zh}”（{old.date}），理由：{why}",
                         f"{person.name}: removed '{label_en}' ({old.date}); reason: {why}")
        return Recorded(plan.after, plan.check, hid)

    def _rechecked_details(self, before: Person, after: Person, override: str | None) -> Person:
        """The recorded steps checked again with the new details (age, expected departure)."""
        plan = plan_details(before, after, self.book)
        if not plan.check.refusals:
            return after
        if plan.check.hard_refusals or not (override or "").strip():
            raise Refused(plan.check)
        return with_override(plan, clean_text(override or "", "override"), "更正个人信息时")

    def _corrected(self, plan: Correction, override: str | None) -> Person:
        check = plan.check
        bad_input = [v for v in check.refusals if v.kind == "input"]
        if bad_input:
            raise InputError("\n".join(v.zh for v in bad_input), "\n".join(v.en for v in bad_input), "date")
        if check.hard_refusals or (check.refusals and not (override or "").strip()):
            raise Refused(check)
        return with_override(plan, (override or "").strip()) if check.refusals else plan.after

    def add_many(self, people: list[Person], action: str, zh: str, en: str) -> list[Person]:
        """Save many people in one change (demo data, imports); one undo removes them all."""
        with self.store.transaction() as tx:
            saved = tx.add_all(people)
            tx.log(action, zh, en)
        return saved

    def plan_import(self, path: Path, sheet: str | None = None, people: list[Person] | None = None, *,
                    include_hidden: bool = False) -> ImportPlan:
        """Read and check a sheet or backup against the database (nothing written; no lock): the dry run.
        ``people``: the records to check against, taken beforehand (a worker thread must not read the store).
        ``include_hidden``: import a sheet's hidden rows too (by default they are listed, not imported)."""
        from .importers import plan_import

        return plan_import(path, self.people() if people is None else people, self.book, self.today, sheet,
                           include_hidden=include_hidden)

    def apply_import(self, plan: ImportPlan, *, skip_invalid: bool = False) -> int | None:
        """Save an import plan in one change (one undo reverts it); returns the history id, or None when
        nothing was written.

        The plan was made without the lock, from the people as they were then; under the lock it is checked
        again against the people as they are now (``ImportPlan.rebase``), so what others changed meanwhile
        stays. A row that no longer fits becomes an error in the plan's report: without ``skip_invalid``
        nothing is written then (all or nothing), with it the other rows are.
        """
        name = plan.source.rsplit("/", 1)[-1]
        with self.store.transaction() as tx:
            plan.rebase(self.store.people(), self.book, self.today)
            if (plan.errors and not skip_invalid) or not (plan.new or plan.updated):
                return None
            tx.add_all(plan.new)
            tx.put_all(plan.updated)
            return tx.log("import", f"导入 {name}：新增 {len(plan.new)} 人，更新 {len(plan.updated)} 人",
                          f"Imported {name}: {len(plan.new)} added, {len(plan.updated)} updated")

    # ---- settings
    def unit(self) -> str | None:
        """The unit's name (e.g. 中共××大学委员会) that heads every roster; None until set."""
        return self.store.settings().get("unit") or None

    def set_unit(self, name: str | None) -> None:
        text = clean_text(name, "unit") if name else None
        with self.store.transaction() as tx:
            old = self.unit() or "—"
            tx.set_setting("unit", text or None)
            tx.log("config", f"单位名称：{old} → {text or '—'}", f"Unit name: {old} → {text or '—'}", undoable=False)

    def load_demo(self) -> list[Person]:
        from .demo import demo_people

        if self.store.count():
            raise InputError(
                f"数据库已有 {self.store.count()} 人，示例数据只能载入空数据库。可用 --db 指定一个新文件。",
                f"The database already holds {self.store.count()} people; demo data loads only into an "
                "empty one. Use --db with a new file.")
        people = demo_people(self.today, self.book)
        return self.add_many(people, "demo", f"载入示例数据 {len(people)} 人", f"Loaded {len(people)} demo people")

    # ---- helpers
    def _refuse_duplicate_id(self, id_number: str | None, pid: int | None) -> None:
        """One ID number, one person: the same number twice is a typing mistake or a duplicate record."""
        if not id_number:
            return
        people = (self.store.people_with_id_number(id_number) if isinstance(self.store, IndexedLookups)
                  else self.store.people())
        other = next((p for p in people if p.id_number == id_number and p.id != pid), None)
        if other is not None:
            shown = mask_id(id_number)
            raise InputError(
                f"身份证号 {shown} 已属于 {other.name}（编号 {other.id}），同一身份证号不能登记两人。"
                f"请核对号码；如是同一人，请用 tracker show {other.id} 查看已有记录。",
                f"The ID number {shown} already belongs to {other.name} (id {other.id}); one ID number cannot be "
                f"registered for two people. Check the number; if it is the same person, see tracker show {other.id}.",
                "id_number")

    @staticmethod
    def _refuse_changed_meanwhile(person: Person, clean: dict[str, Any], expect: dict[str, str]) -> None:
        clashes: dict[str, tuple[str, str]] = {}
        for key, value in clean.items():
            now = getattr(person, key)
            if key in expect and _text(now) != expect[key] and _text(now) != _text(value):
                theirs, yours = _show(now, key), _show(value, key)
                clashes[key] = (
                    f"{_label(key, 'zh')}已被另一程序改为“{theirs}”（您填写的是“{yours}”）。再次保存以您填写的为准。",
                    f"Another program changed {_label(key, 'en')} to '{theirs}' meanwhile (yours: '{yours}'). "
                    "Save again to keep yours.")
        if clashes:
            raise EditConflict(clashes)

    def _same_person(self, clean: dict[str, Any]) -> tuple[Person, str] | None:
        """Who these details name, as an import matches a row: the same ID number, else name and birth date."""
        indexed = self.store if isinstance(self.store, IndexedLookups) else None
        idn = clean.get("id_number")
        if idn:
            people = indexed.people_with_id_number(idn) if indexed else self.store.people()
            by_id = next((p for p in people if p.id_number == idn), None)
            if by_id is not None:
                return by_id, "id_number"
        people = indexed.people_named(clean["name"]) if indexed else self.store.people()
        same = next((p for p in people if p.name == clean["name"] and p.birth == clean.get("birth")), None)
        return None if same is None else (same, "name_birth")

    def _apply_override(self, check: Check, ev: Event, override: str | None) -> Event:
        bad_input = [v for v in check.refusals if v.kind == "input"]
        if bad_input:
            raise InputError("\n".join(v.zh for v in bad_input), "\n".join(v.en for v in bad_input), "date")
        if check.hard_refusals:
            raise Refused(check)
        if check.refusals:
            reason = (override or "").strip()
            if not reason:
                raise Refused(check)
            return replace(ev, override=reason, overridden=tuple(v.rule for v in check.refusals))
        return ev


def _refuse_if_changed_since(last: HistoryEntry, history: list[HistoryEntry]) -> None:
    """Undo puts people back as they were before ``last``: refused when a newer change (another user's, on a
    shared database) touched one of them, so that it is not silently taken back too."""
    newer = next((h for h in history if h.id > last.id and not h.undone and h.action != "undo"
                  and set(h.people) & set(last.people)), None)
    if newer is not None:
        raise Conflict(f"不能撤销“{last.zh}”：之后的更改“{newer.zh}”也涉及同一人员。请用 tracker fix / unrecord 更正。",
                       f"Cannot undo '{last.en}': a later change '{newer.en}' touched the same person. "
                       "Use tracker fix / unrecord instead.")


def _required_reason(reason: str | None) -> str:
    why = clean_text(reason or "", "reason").strip()
    if not why:
        raise InputError("更正或删除记录须写明理由：--reason \"…\"（记入更改记录）。",
                         "A correction or removal needs a reason: --reason \"…\" (kept in the history).", "reason")
    return why


def _label(key: str, lang: str) -> str:
    from .i18n import label

    return label(key, lang)


def _text(value: Any) -> str:
    """A detail as a form shows it."""
    return value.isoformat() if isinstance(value, date) else ("" if value is None else str(value))


def _show(value: Any, key: str = "") -> str:
    """A value as the history shows it; an ID number masked (the full one is only in the people records)."""
    if value is None or value == "":
        return "—"
    if key == "id_number":
        return mask_id(str(value))
    return value.isoformat() if isinstance(value, date) else str(value)
