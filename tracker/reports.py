"""What to show, derived from people and rules: status counts, the due list, eligibility, a person's view."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from .deadlines import missed_periods
from .derived import OpenDeadline, Summary
from .model import Event, Person
from .nextstep import NextStep, earliest_date, eligible_on, next_step
from .profiles import RuleBook
from .rules import (  # re-exported for the UI, which never imports tracker.rules itself
    Check,
    Deadline,
    Late,
    Verdict,
    check_event,
    deadlines,
    lateness,
    party_standing_from,
    probation_end,
    rests_on_provisional,
    stage_date,
)
from .stages import EVENT_BY_KEY, PENDING, STAGE_KEYS, TIMELINE_KINDS, EventKind, section_of

DEFAULT_WITHIN = 30
#: the branch committee's proposal (支委会研究讨论拟列为发展对象): what an activist is up for until it is recorded
PROPOSAL = "target-proposed"
#: the steps that show an activist proposed already (then the listing is what comes next)
UNPROPOSED_UNLESS = ("target-proposed", "target-filed", "publicity")
__all__ = ["Check", "Deadline", "Late", "NextStep", "Verdict"]


@dataclass(frozen=True)
class Status:
    today: date
    counts: dict[str, int]
    left: int
    overdue: int
    due_soon: int
    waiting: int = 0  # reminders past their date (R14: probation ended, conversion not yet discussed)
    pending: dict[str, int] = field(default_factory=dict)  # votes awaiting the higher committee's approval

    def to_json(self) -> dict[str, Any]:
        return {"today": self.today.isoformat(), "counts": self.counts, "left": self.left,
                "overdue": self.overdue, "due_soon": self.due_soon, "waiting": self.waiting,
                "pending": self.pending}


def due_list(people: list[Person], book: RuleBook, today: date, within: int = DEFAULT_WITHIN) -> list[Deadline]:
    """Every open deadline overdue or due within ``within`` days, most urgent first."""
    out = [d for p in people if p.active for d in deadlines(p, book, today) if d.days_left <= within]
    out.sort(key=lambda d: (d.due, d.person, d.rule))
    return out


def stage_counts(people: list[Person]) -> dict[str, int]:
    """Active people per stage."""
    counts = dict.fromkeys(STAGE_KEYS, 0)
    for p in people:
        if p.active:
            counts[p.stage] += 1
    return counts


def status(people: list[Person], book: RuleBook, today: date, within: int = DEFAULT_WITHIN,
           items: list[Deadline] | None = None) -> Status:
    """Counts per stage; ``items`` is the due list when the caller has it already."""
    counts = stage_counts(people)
    left = sum(1 for p in people if not p.active)
    pending = {p.key: 0 for p in PENDING}
    for person in people:
        if person.active and person.pending is not None:
            pending[person.pending] += 1
    if items is None:
        items = due_list(people, book, today, within)
    overdue = sum(1 for d in items if d.overdue)
    waiting = sum(1 for d in items if d.status == "waiting")
    return Status(today, counts, left, overdue, len(items) - overdue - waiting, waiting, pending)


@dataclass(frozen=True)
class Eligibility:
    person: Person
    event: str
    earliest: date | None
    check: Check
    provisional: bool = False  # the earliest date or the check rests on a year whose 调休 is not published

    @property
    def eligible(self) -> bool:
        return self.check.ok


def eligibility(people: list[Person], book: RuleBook, on: date, to_stage: str | None = None, *,
                today: date | None = None) -> list[Eligibility]:
    """For a meeting on ``on``: each active person's next stage step and whether it would pass (``today``
    dates the hints of a missing step). An activist not yet proposed is up for the branch committee's proposal
    (``target-proposed``, R20: it comes before the consent, the publicity and the listing)."""
    out = []
    for p in people:
        chk = eligible_on(p, on, book, today)
        if chk is None:
            continue
        ev = EVENT_BY_KEY[chk.event]
        if to_stage is not None and ev.towards != to_stage:
            continue
        if chk.event == "target" and not any(p.date_of(k) is not None for k in UNPROPOSED_UNLESS):
            chk = check_event(p, Event(PROPOSAL, on), book, today=None, now=today)
            out.append(Eligibility(p, PROPOSAL, earliest_date(p, PROPOSAL, book, today or on), chk, chk.provisional))
            continue
        nxt = next_step(p, book, on)
        out.append(Eligibility(p, chk.event, nxt.earliest if nxt else None, chk,
                               chk.provisional or bool(nxt and nxt.provisional)))
    out.sort(key=lambda e: (STAGE_KEYS.index(e.person.stage), e.earliest or date.max, e.person.id))
    return out


#: how a timeline row's status is marked, on screen and in exports (a step still to come has no mark)
STATUS_MARKS = {"done": "✓", "next": "→", "needed": "!", "open": "!", "todo": ""}


@dataclass(frozen=True)
class TimelineRow:
    step: int | None
    event: str
    phase: str
    section: int  # index into stages.SECTIONS
    dates: tuple[date, ...]
    late: tuple[Late, ...]
    overrides: tuple[str, ...]
    status: str  # done | next | needed (the next step waits for it) | open | todo
    due: date | None = None
    earliest: date | None = None
    projected: date | None = None  # a later stage step: the earliest it could come if every step came earliest
    provisional: bool = False  # recorded on a count of working days that reaches a year without a 调休 notice
    missed: int = 0  # a recurring duty (R4): how many times it fell due and was not done


def projected_stage_dates(person: Person, book: RuleBook, today: date) -> dict[str, date]:
    """Each stage step still to come, dated as early as the minimums allow if every earlier one
    happened on its own earliest day (never before today)."""
    out: dict[str, date] = {}
    p = person
    nxt = next_step(p, book, today, with_blockers=False)
    while nxt is not None and nxt.event not in out:
        when = max(nxt.earliest or today, today)
        out[nxt.event] = when
        p = p.with_events((*p.events, Event(nxt.event, when)))
        nxt = next_step(p, book, when, with_blockers=False)
    return out


def timeline(person: Person, book: RuleBook, today: date, *, open_items: list[Deadline] | None = None,
             nxt: NextStep | None = None) -> list[TimelineRow]:
    """The 25 standard steps (and any other recorded events) with what happened and what is due.

    ``open_items`` and ``nxt`` are the person's deadlines and next step when the caller has them."""
    open_by_event: dict[str, Deadline] = {}
    for d in deadlines(person, book, today) if open_items is None else open_items:
        if d.event not in open_by_event or d.due < open_by_event[d.event].due:
            open_by_event[d.event] = d
    if nxt is None:
        nxt = next_step(person, book, today)
    projected = projected_stage_dates(person, book, today)
    kinds: list[EventKind] = list(TIMELINE_KINDS)
    for ev in person.events:
        kind = EVENT_BY_KEY[ev.event]
        if kind not in kinds:
            kinds.append(kind)
    kinds.sort(key=lambda k: k.position)
    rows = []
    for kind in kinds:
        done = person.all_of(kind.key)
        late = tuple(x for ev in done for x in lateness(person, ev, book))
        overrides = tuple(ev.override for ev in done if ev.override)
        needed = nxt is not None and (nxt.prerequisite == kind.key or (kind.key in nxt.needed and not done))
        if done and not needed:
            state = "done"
        elif nxt is not None and nxt.event == kind.key:
            state = "next"
        elif needed:
            state = "needed"  # the gate of the next step waits for it (recorded again when it failed)
        elif kind.key in open_by_event:
            state = "open"
        else:
            state = "todo"
        dl = open_by_event.get(kind.key)
        rows.append(TimelineRow(kind.step, kind.key, kind.phase, section_of(kind.position),
                                tuple(ev.date for ev in done), late, overrides,
                                state, dl.due if dl else None,
                                nxt.earliest if nxt is not None and nxt.event == kind.key else None,
                                projected.get(kind.key) if state == "todo" else None,
                                any(rests_on_provisional(person, ev, book) for ev in done),
                                missed_periods(dl, book, today) if dl is not None else 0))
    return rows


@dataclass
class PersonView:
    person: Person
    stage_date: date | None
    probation_end: date | None
    standing_from: date | None
    deadlines: list[Deadline]
    next: NextStep | None
    timeline: list[TimelineRow] = field(default_factory=list)


def person_view(person: Person, book: RuleBook, today: date) -> PersonView:
    open_items = sorted(deadlines(person, book, today), key=lambda d: d.due)
    nxt = next_step(person, book, today)
    return PersonView(person, stage_date(person), probation_end(person), party_standing_from(person),
                      open_items, nxt, timeline(person, book, today, open_items=open_items, nxt=nxt))


@dataclass(frozen=True)
class Upcoming:
    person: Person
    event: str
    earliest: date


def upcoming(people: list[Person], book: RuleBook, today: date, within: int = DEFAULT_WITHIN) -> list[Upcoming]:
    """People whose next stage step becomes allowed within ``within`` days (e.g. an activist's year completing)."""
    out = []
    horizon = today.toordinal() + within
    for p in people:
        if not p.active or p.stage == "member":
            continue
        nxt = next_step(p, book, today, with_blockers=False)
        if nxt is None or nxt.earliest is None:
            continue
        if today < nxt.earliest and nxt.earliest.toordinal() <= horizon:
            out.append(Upcoming(p, nxt.event, nxt.earliest))
    out.sort(key=lambda u: (u.earliest, u.person.id))
    return out


@dataclass(frozen=True)
class RowSummary:
    """What a people table shows beyond the details: the next step, its date, and flags."""

    stage_date: date | None
    next_event: str | None
    next_date: date | None
    next_is_due: bool
    overdue: int
    overrides: int


def row_summary(person: Person, book: RuleBook, today: date) -> RowSummary:
    open_items = sorted(deadlines(person, book, today), key=lambda d: d.due)
    overdue = sum(1 for d in open_items if d.overdue)
    overrides = sum(1 for ev in person.events if ev.override)
    if open_items:
        first = open_items[0]
        return RowSummary(stage_date(person), first.event, first.due, True, overdue, overrides)
    nxt = next_step(person, book, today)
    return RowSummary(stage_date(person), nxt.event if nxt else None, nxt.earliest if nxt else None, False,
                      overdue, overrides)


# ------------------------------------------------------------------ from the derived fields (no events replayed)

def deadline_of(s: Summary, item: OpenDeadline, book: RuleBook, today: date) -> Deadline:
    """The ``Deadline`` that ``rules.deadlines`` gives for this open item, from the derived fields alone."""
    rule = book.on(item.anchor).get(item.rule)
    if rule is None:  # derived with another rule book: the store does not hand such fields out
        raise ValueError(f"rule {item.rule} is not in force on {item.anchor}")
    return Deadline(s.id, s.name, rule.id, rule.code, item.event, item.anchor, item.due, item.limit,
                    (item.due - today).days, rule.zh, rule.en, rule.citation("zh"), rule.citation("en"),
                    item.kind, item.provisional, rule.from_)


def due_of(summaries: list[Summary], book: RuleBook, today: date, within: int = DEFAULT_WITHIN) -> list[Deadline]:
    """``due_list`` from the derived fields: the same deadlines in the same order."""
    horizon = today.toordinal() + within
    out = [deadline_of(s, d, book, today) for s in summaries if s.derived.active
           for d in s.derived.deadlines if d.due.toordinal() <= horizon]
    out.sort(key=lambda d: (d.due, d.person, d.rule))
    return out


def status_from_tally(tally: dict[str, Any], today: date, within: int = DEFAULT_WITHIN) -> Status:
    """``status_of`` from the counts of everyone's derived fields (``tracker.tally``): the same counts."""
    counts = {key: tally["stage"].get(key, 0) for key in STAGE_KEYS}
    pending = {p.key: tally["pending"].get(p.key, 0) for p in PENDING}
    horizon = today.toordinal() + within
    now = today.toordinal()
    overdue = waiting = soon = 0
    for due_text, (deadlines_due, reminders) in tally["due"].items():
        due = date.fromisoformat(due_text).toordinal()
        if due > horizon:
            continue
        if due <= now:
            waiting += reminders
        else:
            soon += reminders
        if due < now:
            overdue += deadlines_due
        else:
            soon += deadlines_due
    return Status(today, counts, tally["left"], overdue, soon, waiting, pending)


def status_of(summaries: list[Summary], today: date, within: int = DEFAULT_WITHIN) -> Status:
    """``status`` from the derived fields: the same counts."""
    counts = dict.fromkeys(STAGE_KEYS, 0)
    pending = {p.key: 0 for p in PENDING}
    left = overdue = waiting = soon = 0
    horizon = today.toordinal() + within
    now = today.toordinal()
    for s in summaries:
        d = s.derived
        if not d.active:
            left += 1
            continue
        counts[d.stage] += 1
        if d.pending is not None:
            pending[d.pending] += 1
        for item in d.deadlines:
            due = item.due.toordinal()
            if due > horizon:
                continue
            if item.kind == "reminder":
                if due <= now:
                    waiting += 1
                else:
                    soon += 1
            elif due < now:
                overdue += 1
            else:
                soon += 1
    return Status(today, counts, left, overdue, soon, waiting, pending)
