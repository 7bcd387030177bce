"""Correcting the record: a recorded step's date or details changed, or the step removed.

A correction re-checks the whole path: every recorded step is checked against the steps before
it (as if recorded in date order, ``rules.replay``). What the correction newly breaks — in the
corrected step or in any later step — is refused like a record (an order refusal always; a
minimum or gate unless overridden with a written reason). What was already overridden stays so.
Pure functions: the service saves the result.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from .i18n import BilingualError
from .model import Event, Person
from .profiles import RuleBook
from .rules import Check, Verdict, lateness, replay
from .stages import event_label


class CorrectionInputError(BilingualError):
    """The step to correct cannot be found or the correction changes nothing (exit code 2)."""


@dataclass(frozen=True)
class Correction:
    before: Person
    after: Person
    old: Event
    new: Event | None  # None: the step is removed
    check: Check  # refusals: the corrected step's own, then the later steps' (prefixed with which step)
    own: tuple[str, ...]  # rule ids the corrected step itself breaks
    later: dict[int, tuple[str, ...]]  # index into after.events → rule ids newly broken there


def find_event(person: Person, kind: str, on: date | None) -> Event:
    """The recorded step to correct: ``on`` picks one of a repeated step."""
    zh, en = event_label(kind, "zh"), event_label(kind, "en")
    found = [e for e in person.all_of(kind) if on is None or e.date == on]
    if not found:
        when_zh, when_en = (f" {on} 的", f" on {on}") if on else ("", "")
        recorded = ", ".join(e.date.isoformat() for e in person.all_of(kind))
        hint_zh = f"已记录的日期：{recorded}。" if recorded else "这一步尚未记录。"
        hint_en = f"Recorded on: {recorded}." if recorded else "This step is not recorded."
        raise CorrectionInputError(f"{person.name}没有{when_zh}“{zh}”记录。{hint_zh}",
                                   f"{person.name} has no '{en}'{when_en}. {hint_en}")
    if len(found) > 1:
        dates = ", ".join(e.date.isoformat() for e in found)
        raise CorrectionInputError(f"“{zh}”记录了 {len(found)} 次（{dates}），请用 --date 指明更正哪一次。",
                                   f"'{en}' is recorded {len(found)} times ({dates}); say which with --date.")
    return found[0]


def _refusal_rules(person: Person, book: RuleBook) -> dict[int, set[str]]:
    """id(event) → the rules it breaks against the steps before it (what was so already)."""
    return {id(r.event): {v.rule for v in r.refusals} for r in replay(person, book)}


def _about(ev: Event, v: Verdict, removing: bool) -> Verdict:
    label_zh, label_en = event_label(ev.event, "zh"), event_label(ev.event, "en")
    zh = f"其后的“{label_zh}”（{ev.date}）{'依赖这一步' if removing else '将不再符合规则'}：{v.zh}"
    en = f"the later step '{label_en}' ({ev.date}) {'depends on it' if removing else 'would break a rule'}: {v.en}"
    return replace(v, zh=zh, en=en, earliest=None, kind="order" if removing else v.kind)


def _fresh(before: dict[int, set[str]], after: Person, book: RuleBook, skip: Event | None,
           removing: bool) -> tuple[list[Verdict], dict[int, tuple[str, ...]], tuple[Verdict, ...]]:
    """The later steps' new refusals, which events they fall on, and the refusals of ``skip`` (the corrected step)."""
    later: list[Verdict] = []
    where: dict[int, tuple[str, ...]] = {}
    own: tuple[Verdict, ...] = ()
    for i, r in enumerate(replay(after, book)):
        if r.event is skip:
            own = tuple(v for v in r.refusals if v.rule not in r.event.overridden)
            continue
        known = before.get(id(r.event), set()) | set(r.event.overridden)
        new = [v for v in r.refusals if v.rule not in known]
        if new:
            later.extend(_about(r.event, v, removing) for v in new)
            where[i] = tuple(v.rule for v in new)
    return later, where, own


def plan_fix(person: Person, old: Event, new: Event, book: RuleBook, today: date) -> Correction:
    """``old`` replaced by ``new`` (a new date, or new details), with the path re-checked."""
    if new == old:
        raise CorrectionInputError("没有需要更正的内容：日期和内容都与原记录相同。",
                                   "Nothing to correct: the date and details are as recorded.")
    if new.date > today:
        raise CorrectionInputError(f"日期 {new.date} 晚于今天（{today}），不能记录尚未发生的事。",
                                   f"The date {new.date} is after today ({today}); only what has happened "
                                   "can be recorded.")
    before = _refusal_rules(person, book)
    after = person.with_events((*(e for e in person.events if e is not old), new))
    later, where, own = _fresh(before, after, book, new, removing=False)
    notes = tuple(Verdict(x.rule, "deadline", True, x.zh, x.en, code=x.code) for x in lateness(after, new, book))
    return Correction(person, after, old, new, Check(new.event, new.date, (*own, *later), notes),
                      tuple(v.rule for v in own), where)


def plan_unrecord(person: Person, old: Event, book: RuleBook) -> Correction:
    """``old`` removed; refused (no override) while a later step depends on it."""
    if old.event == "applied":
        raise CorrectionInputError(
            "“递交入党申请书”不能删除：日期有误请用 tracker fix 更正；误加的人员请用 tracker undo --person 撤销，"
            "或记录离开（tracker record … left --reason …）。",
            "The application cannot be removed: correct its date with tracker fix; for a person added by mistake "
            "use tracker undo --person, or record that they left (tracker record … left --reason …).")
    before = _refusal_rules(person, book)
    after = person.with_events(tuple(e for e in person.events if e is not old))
    later, where, _ = _fresh(before, after, book, None, removing=True)
    return Correction(person, after, old, None, Check(old.event, old.date, tuple(later)), (), where)


def with_override(c: Correction, reason: str) -> Person:
    """The corrected person with the written reason on the corrected step and on every later step
    whose rules it overrides."""
    label = event_label(c.old.event, "zh")
    events = list(c.after.events)
    for i, e in enumerate(events):
        if c.new is not None and e is c.new:
            if c.own:
                events[i] = replace(e, override=reason, overridden=tuple(dict.fromkeys((*e.overridden, *c.own))))
        elif i in c.later:
            text = f"更正“{label}”时：{reason}"
            events[i] = replace(e, override=f"{e.override}；{text}" if e.override else text,
                                overridden=tuple(dict.fromkeys((*e.overridden, *c.later[i]))))
    return c.after.with_events(tuple(events))
