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
from .nextstep import replay
from .profiles import RuleBook
from .rules import Check, Verdict, lateness
from .stages import EVENT_BY_KEY, STAGE_BY_KEY, event_label, order_citation


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


def find_event(person: Person, kind: str, on: date | None, *, removing: bool = False) -> Event:
    """The recorded step to correct (or remove): ``on`` picks one of a repeated step."""
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
        verb = "删除" if removing else "更正"
        raise CorrectionInputError(f"“{zh}”记录了 {len(found)} 次（{dates}），请用 --date 指明{verb}哪一次。",
                                   f"'{en}' is recorded {len(found)} times ({dates}); say which with --date.")
    return found[0]


def _refusal_rules(person: Person, book: RuleBook) -> dict[int, set[str]]:
    """id(event) → the rules it breaks against the steps before it (what was so already)."""
    return {id(r.event): {v.rule for v in r.refusals} for r in replay(person, book)}


def _about(ev: Event, v: Verdict, removing: bool, recorded: bool = False) -> Verdict:
    label_zh, label_en = event_label(ev.event, "zh"), event_label(ev.event, "en")
    which_zh, which_en = ("已记录的", "the recorded step") if recorded else ("其后的", "the later step")
    inner = v.zh.replace("目前是", "届时是")  # the state the correction would leave, not today's
    zh = f"{which_zh}“{label_zh}”（{ev.date}）{'依赖这一步' if removing else '将不再符合规则'}：{inner}"
    en = f"{which_en} '{label_en}' ({ev.date}) {'depends on it' if removing else 'would break a rule'}: {v.en}"
    return replace(v, zh=zh, en=en, earliest=None, kind="order" if removing else v.kind)


def _fresh(before: dict[int, set[str]], after: Person, book: RuleBook, skip: Event | None,
           removing: bool, recorded: bool = False) -> tuple[list[Verdict], dict[int, tuple[str, ...]], tuple[Verdict, ...]]:
    """The later steps' new refusals, which events they fall on, and the refusals of ``skip`` (the corrected step)."""
    later: list[Verdict] = []
    where: dict[int, tuple[str, ...]] = {}
    own: tuple[Verdict, ...] = ()
    for i, r in enumerate(replay(after, book)):
        if skip is not None and r.event is skip:
            own = tuple(v for v in r.refusals if v.rule not in r.event.overridden)
            continue
        known = before.get(id(r.event), set()) | set(r.event.overridden)
        new = [v for v in r.refusals if v.rule not in known]
        if new:
            later.extend(_about(r.event, v, removing, recorded) for v in new)
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
    own = tuple(_plain_order(v, new, after) for v in own)
    notes = tuple(Verdict(x.rule, "deadline", True, x.zh, x.en, code=x.code) for x in lateness(after, new, book))
    return Correction(person, after, old, new, Check(new.event, new.date, (*own, *later), notes),
                      tuple(v.rule for v in own), where)


def _plain_order(v: Verdict, new: Event, after: Person) -> Verdict:
    """A step moved before the step it needs: say that, not "not recorded yet" (it is, only later)."""
    kind = EVENT_BY_KEY[new.event]
    if v.rule not in ("needs-step", "stage-order", "no-application"):
        return v
    needed = kind.after if v.rule == "needs-step" else (
        "applied" if v.rule == "no-application" else STAGE_BY_KEY[kind.phase].entered_by)
    when = after.date_of(needed) if needed else None
    if needed is None or when is None or when <= new.date:
        return v
    zh_label, en_label = event_label(needed, "zh"), event_label(needed, "en")
    cz, ce = order_citation(new.event, needed)
    return replace(v, rule="before-prerequisite",
                   zh=f"不能记录“{event_label(new.event, 'zh')}”：日期 {new.date} 早于已记录的“{zh_label}”（{when}），"
                      f"这一步应在其后。（{cz}）",
                   en=f"Cannot record '{event_label(new.event, 'en')}': the date {new.date} is before the recorded "
                      f"'{en_label}' ({when}); this step comes after it ({ce}).", citation_zh=cz, citation_en=ce)


def plan_details(before: Person, after: Person, book: RuleBook) -> Correction:
    """New details (a birth date, an expected departure) with every recorded step checked again."""
    # ``after`` holds the very same event objects: _fresh matches them to what they broke before
    later, where, _ = _fresh(_refusal_rules(before, book), after, book, None, removing=False, recorded=True)
    first = before.events[0] if before.events else Event("applied", date.min)
    return Correction(before, after, first, None, Check(first.event, first.date, tuple(later)), (), where)


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


def with_override(c: Correction, reason: str, context: str | None = None) -> Person:
    """The corrected person with the written reason on the corrected step and on every later step
    whose rules it overrides (``context`` says what was corrected)."""
    label = event_label(c.old.event, "zh")
    events = list(c.after.events)
    for i, e in enumerate(events):
        if c.new is not None and e is c.new:
            if c.own:
                events[i] = replace(e, override=reason, overridden=tuple(dict.fromkeys((*e.overridden, *c.own))))
        elif i in c.later:
            text = f"{context or f'更正“{label}”时'}：{reason}"
            events[i] = replace(e, override=f"{e.override}；{text}" if e.override else text,
                                overridden=tuple(dict.fromkeys((*e.overridden, *c.later[i]))))
    return c.after.with_events(tuple(events))
