"""The monthly meeting: who is up for which step on the meeting date (the planner's list, filtered by branch
and step), that list as a roster in the same formats as the stage rosters, and who goes on the publicity
notice (公示) of the proposed development targets.

Pure: people and the rule book in, rows and checks out. Writers live in exporters.py.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

from .model import Event, Person
from .nextstep import earliest_date
from .profiles import RuleBook
from .publicity import LISTING, PUBLICITY, publicity_window
from .registers import Cell, Column, Roster, footer
from .reports import PROPOSAL as _PROPOSAL
from .reports import Eligibility, eligibility
from .rules import Check, check_event
from .serialize import eligibility_json
from .stages import STAGE_KEYS, event_label, stage_label

#: the stage steps a meeting decides, in the order of the procedure
MEETING_STEPS = ("activist", "target-proposed", "target", "admitted", "approved", "converted", "conversion-approved")
#: the branch committee's proposal (支委会研究讨论拟列为发展对象): the monthly decision for activists, planned as a
#: step of its own until it is recorded (then the listing as a target is what comes next; ``reports.eligibility``)
PROPOSAL = _PROPOSAL
#: the steps before the listing that mean "proposed as a target" (the branch committee's proposal, the consent)
PROPOSED = ("target-proposed", "target-filed")


def meeting_items(people: list[Person], book: RuleBook, on: date, *, today: date | None = None,
                  branch: str | None = None, step: str | None = None) -> list[Eligibility]:
    """The planner's list for a meeting on ``on``: each active person's next stage step, one branch and one
    step if asked; grouped by step (the procedure's order), eligible first, then by earliest date."""
    chosen = [p for p in people if branch is None or p.branch == branch]
    items = [e for e in eligibility(chosen, book, on, today=today) if step is None or e.event == step]
    order = {k: i for i, k in enumerate(MEETING_STEPS)}
    items.sort(key=lambda e: (order.get(e.event, len(order)), not e.eligible, e.earliest or date.max, e.person.id))
    return items


def branches(people: list[Person]) -> list[str]:
    return sorted({p.branch for p in people if p.branch})


def _reason(e: Eligibility, lang: str) -> str:
    return ("；" if lang == "zh" else "; ").join(v.message(lang) for v in e.check.refusals)


def meeting_title(on: date, lang: str, unit: str | None = None, branch: str | None = None) -> str:
    head = "".join(x for x in (unit, branch) if x)
    name = f"{on} 支部会议准备名单" if lang == "zh" else f"Meeting list for {on} 支部会议准备名单"
    return f"{head} {name}" if head else name


def meeting_roster(items: list[Eligibility], on: date, lang: str, *, today: date, unit: str | None = None,
                   branch: str | None = None) -> Roster:
    """The planner's list as a roster (序号 added by the writers): name, branch, stage, the step, eligible or
    not, the earliest date, and what blocks."""
    def col(key: str, zh: str, en: str, width: int) -> Column:
        return Column(key, zh, en, lambda _p: None, width)

    cols = (col("name", "姓名", "Name", 10), col("branch", "所在党支部", "Branch", 18),
            col("stage", "当前阶段", "Stage", 12), col("step", "拟办理步骤", "Step", 22),
            col("eligible", "是否具备条件", "Eligible", 10), col("earliest", "最早可办理日期", "Earliest", 12),
            col("reason", "尚不具备的原因", "Blocked by", 60))
    yes, no = ("具备", "不具备") if lang == "zh" else ("yes", "no")
    rows: list[tuple[Cell, ...]] = [
        (e.person.name, e.person.branch, stage_label(e.person.stage, lang), event_label(e.event, lang),
         yes if e.eligible else no, e.earliest, _reason(e, lang))
        for e in items]
    ok = sum(1 for e in items if e.eligible)
    where = branch or ("全部支部" if lang == "zh" else "all branches")
    subtitle = (f"{where}　会议日期 {on}　共 {len(rows)} 人，具备条件 {ok} 人" if lang == "zh"
                else f"{where} — meeting on {on} — {len(rows)} people, {ok} eligible")
    return Roster("meeting", meeting_title(on, lang, unit, branch), subtitle, "会议准备名单", cols, tuple(rows),
                  footer(lang, today))


def meeting_json(items: list[Eligibility], on: date, lang: str, branch: str | None = None) -> bytes:
    data = {"meeting": on.isoformat(), "branch": branch, "people": [eligibility_json(e, lang) for e in items]}
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


# --------------------------------------------------------------------------- the publicity notice

@dataclass(frozen=True)
class NoticeList:
    """Who goes on a publicity notice starting on a date, and who was asked for but cannot yet."""

    people: list[Person]
    refused: list[tuple[Person, Check]]
    #: those on the notice whom another rule (R5: a year as an activist) keeps from being listed when the
    #: publicity ends: person id → the earliest listing date
    later: dict[int, date]


def publicity_people(people: list[Person], book: RuleBook, start: date, *, pids: list[int] | None = None,
                     branch: str | None = None) -> NoticeList:
    """The activists proposed as development targets (the branch committee's proposal or the higher
    committee's consent recorded, not yet listed) whose publicity could start on ``start``; with ``pids``
    exactly those people. Each is checked as recording the publicity's start would be (R20: the consent
    comes first); those refused are returned with why."""
    if pids is not None:
        wanted = dict.fromkeys(pids)
        chosen = [p for p in people if p.id in wanted]
    else:
        chosen = [p for p in people if p.active and p.stage == "activist" and any(p.last(k) for k in PROPOSED)
                  and (branch is None or p.branch == branch)]
    ok: list[Person] = []
    refused: list[tuple[Person, Check]] = []
    later: dict[int, date] = {}
    listable = publicity_window(start, book).listable_from
    for p in chosen:
        chk = check_event(p, Event(PUBLICITY, start), book, None)
        if chk.refusals:
            refused.append((p, chk))
            continue
        ok.append(p)
        earliest = earliest_date(p.with_events((*p.events, Event(PUBLICITY, start))), LISTING, book, listable)
        if earliest > listable:
            later[p.id] = earliest
    ok.sort(key=lambda p: (STAGE_KEYS.index(p.stage), p.branch, p.date_of("activist") or date.min, p.id))
    return NoticeList(ok, refused, later)
