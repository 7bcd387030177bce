"""The month calendar: every open deadline (with its rule) and every next stage step's earliest date,
as marks on their day.

``agenda`` goes over everyone once (their deadlines and next step); a month, a day and moving between
months are then only look-ups, so paging through months costs nothing at 10k people.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from .model import Person
from .nextstep import next_step
from .profiles import RuleBook
from .rules import deadlines
from .stages import event_label

WEEKS = 6  # a month view always has six rows, so moving between months never changes its height

#: mark kinds in the order a day lists them
KIND_ORDER = {"overdue": 0, "deadline": 1, "waiting": 2, "earliest": 3}


@dataclass(frozen=True)
class Mark:
    """One thing on a day: a deadline (``overdue``, ``deadline``; a reminder: ``waiting``, from its date)
    or the first day a next stage step is allowed (``earliest``)."""

    day: date
    kind: str
    person: int
    name: str
    event: str
    code: str = ""  # the rule's code for a deadline (R2 …)
    provisional: bool = False

    @property
    def is_deadline(self) -> bool:
        return self.kind != "earliest"

    def what(self, lang: str) -> str:
        """"截止：党组织派人谈话" / "Due: Intake talk"."""
        words = {"overdue": ("已逾期", "Overdue"), "deadline": ("截止", "Due"),
                 "waiting": ("应及时办理", "Promptly"), "earliest": ("最早可办", "Earliest")}[self.kind]
        sep = "：" if lang == "zh" else ": "
        return (words[0] if lang == "zh" else words[1]) + sep + event_label(self.event, lang)


@dataclass(frozen=True)
class DayCell:
    day: date
    in_month: bool
    today: bool
    deadlines: int  # every deadline mark (overdue ones included)
    overdue: int
    earliest: int


@dataclass(frozen=True)
class MonthView:
    year: int
    month: int
    weeks: tuple[tuple[DayCell, ...], ...]  # Monday first, always WEEKS rows

    @property
    def deadlines(self) -> int:
        return sum(c.deadlines for w in self.weeks for c in w if c.in_month)

    @property
    def earliest(self) -> int:
        return sum(c.earliest for w in self.weeks for c in w if c.in_month)

    def cell(self, day: date) -> DayCell | None:
        return next((c for w in self.weeks for c in w if c.day == day), None)


@dataclass(frozen=True)
class Agenda:
    today: date
    by_day: dict[date, tuple[Mark, ...]]

    def on(self, day: date) -> tuple[Mark, ...]:
        return self.by_day.get(day, ())

    def month(self, year: int, month: int) -> MonthView:
        weeks = []
        for row in month_grid(year, month):
            cells = []
            for d in row:
                marks = self.on(d)
                due = sum(1 for m in marks if m.is_deadline)
                cells.append(DayCell(d, d.month == month, d == self.today, due,
                                     sum(1 for m in marks if m.kind == "overdue"), len(marks) - due))
            weeks.append(tuple(cells))
        return MonthView(year, month, tuple(weeks))


def month_grid(year: int, month: int) -> list[list[date]]:
    """The month's days in weeks from Monday, with the neighbouring months' days around it: 6 weeks."""
    first = date(year, month, 1)
    start = first - timedelta(days=first.weekday())
    return [[start + timedelta(days=7 * w + d) for d in range(7)] for w in range(WEEKS)]


def shift_month(year: int, month: int, delta: int) -> tuple[int, int]:
    """The month ``delta`` months away (by month, never by days: 31 January → February)."""
    index = year * 12 + month - 1 + delta
    return index // 12, index % 12 + 1


def month_end(year: int, month: int) -> date:
    y, m = shift_month(year, month, 1)
    return date(y, m, 1) - timedelta(days=1)


def clamp_day(day: date, year: int, month: int) -> date:
    """The same day of the month in another month, clamped to its end (31 March → 30 April)."""
    return date(year, month, min(day.day, month_end(year, month).day))


def person_marks(person: Person, book: RuleBook, today: date) -> list[Mark]:
    """An active person's open deadlines and their next stage step's earliest date."""
    if not person.active:
        return []
    out = []
    for d in deadlines(person, book, today):
        # a reminder ("及时", R14) has no due date: from its date it is to be done promptly, never overdue
        kind = "waiting" if d.kind == "reminder" else ("overdue" if d.overdue else "deadline")
        out.append(Mark(d.due, kind, person.id, person.name, d.event, d.code, d.provisional))
    nxt = next_step(person, book, today, with_blockers=False)
    if nxt is not None and nxt.earliest is not None:
        out.append(Mark(nxt.earliest, "earliest", person.id, person.name, nxt.event, "", nxt.provisional))
    return out


def agenda(people: list[Person], book: RuleBook, today: date) -> Agenda:
    by_day: dict[date, list[Mark]] = {}
    for p in people:
        for m in person_marks(p, book, today):
            by_day.setdefault(m.day, []).append(m)
    return Agenda(today, {d: tuple(sorted(ms, key=lambda m: (KIND_ORDER[m.kind], m.person, m.event)))
                          for d, ms in by_day.items()})
