"""When things fall due: the dates derived from a person's events (probation's end, the stage date, the
anchor a clock runs from), the open deadlines and recurring duties, and how late a recorded step was.

Pure functions over a person's events and the rule book; split from ``tracker.rules`` (which checks
whether a step may be recorded). A deadline or recurring duty is judged by the edition in force on the
date of its anchor (the event that started the clock).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from .dates import Length, add_length, add_months, length_provisional
from .model import Event, Person
from .profiles import Rule, RuleBook
from .stages import STAGE_BY_KEY, event_label


@dataclass(frozen=True)
class Deadline:
    person: int
    name: str
    rule: str
    code: str
    event: str
    anchor: date
    due: date
    limit: date | None
    days_left: int
    zh: str
    en: str
    citation_zh: str
    citation_en: str
    kind: str = "deadline"  # deadline | recurring | reminder
    provisional: bool = False
    from_: str | None = None

    @property
    def overdue(self) -> bool:
        """Past its date; a reminder ("及时", no number) is never overdue, it waits."""
        return self.kind != "reminder" and self.days_left < 0

    @property
    def status(self) -> str:
        if self.kind == "reminder":
            return "waiting" if self.days_left <= 0 else "due"
        return "overdue" if self.days_left < 0 else "due"

    def what(self, lang: str) -> str:
        return event_label(self.event, lang)

    def waiting_text(self, lang: str) -> str:
        """For a reminder: "预备期已满 N 天，待讨论转正"; empty when it is not waiting."""
        if self.status != "waiting":
            return ""
        n = -self.days_left
        if self.from_ == "probation_end":
            return (f"预备期已满 {n} 天，待{event_label(self.event, 'zh')}" if lang == "zh"
                    else f"probation ended {n} days ago; awaiting '{event_label(self.event, 'en')}'")
        return (f"自 {self.anchor} 起已 {n} 天，待{event_label(self.event, 'zh')}" if lang == "zh"
                else f"{n} days since {self.anchor}; awaiting '{event_label(self.event, 'en')}'")


@dataclass(frozen=True)
class Late:
    rule: str
    code: str
    due: date
    days: int
    beyond_limit: bool
    zh: str
    en: str

    def message(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


# --------------------------------------------------------------------------- derived dates

def probation_end(person: Person) -> date | None:
    """Admitted + 1 year + any extension (R13, R15), from the original anchor."""
    admitted = person.date_of("admitted")
    if admitted is None:
        return None
    extra = sum(ev.months or 0 for ev in person.all_of("extended"))
    return add_months(admitted, 12 + extra)


def stage_date(person: Person, stage: str | None = None) -> date | None:
    """The stage date (RULES.md "the stage date is"): probationary from the branch meeting that
    admitted (once approved), member from the end of probation (once the conversion is approved)."""
    stage = stage or person.stage
    entered = person.date_of(STAGE_BY_KEY[stage].entered_by)
    if entered is None:
        return None
    if stage == "probationary":
        return person.date_of("admitted")
    if stage == "member":
        return probation_end(person)
    return entered


def party_standing_from(person: Person) -> date | None:
    """党龄 counts from the end of probation, whatever day the approval came (Art. 33)."""
    return probation_end(person) if person.date_of("conversion-approved") else None


def anchor_date(person: Person, anchor: str, on: date | None = None,
                where: tuple[tuple[str, object], ...] = ()) -> date | None:
    """The date a rule counts from: the latest ``anchor`` event (on or before ``on``), and with ``where`` the
    latest one with those values (R10 runs from the latest pre-review that *passed*)."""
    if anchor == "birth":
        return person.age_birth  # a birth known to the month only counts from the month's last day
    if anchor == "probation_end":
        return probation_end(person)
    if where:
        dates = [e.date for e in person.all_of(anchor)
                 if (on is None or e.date <= on) and all(getattr(e, k) == v for k, v in where)]
        return max(dates, default=None)
    ev = person.last(anchor, on)
    return ev.date if ev else None


# --------------------------------------------------------------------------- deadlines

def _applies(rule: Rule, kinds: frozenset[str], replaced: dict[str, tuple[str, ...]]) -> bool:
    """A rule with ``when_event`` applies only with that event, and then replaces another rule."""
    if rule.when_event is not None and rule.when_event not in kinds:
        return False
    return not any(ev in kinds for ev in replaced.get(rule.id, ()))


def _clock(person: Person, base: Rule, book: RuleBook, before: date | None = None) -> tuple[Rule, date] | None:
    """When a deadline's or duty's clock started (up to ``before``), and the rule of the edition in
    force that day; None when it has not started or that edition has no such rule."""
    assert base.from_ is not None
    anchor = anchor_date(person, base.from_, on=before, where=base.where)
    if base.kind == "recurring":  # counts from the start, or from the last time the duty was done
        done = [e.date for e in person.all_of(base.to) if before is None or e.date < before]
        anchor = max((d for d in (anchor, max(done, default=None)) if d is not None), default=None)
    if anchor is None:
        return None
    rule = book.on(anchor).get(base.id)
    return None if rule is None else (rule, anchor)


def _due(anchor: date, rule: Rule) -> tuple[date, date | None]:
    due = add_length(anchor, rule.length) if rule.length is not None else anchor  # a reminder waits from its anchor
    limit = add_length(anchor, rule.limit) if rule.limit is not None else None
    return due, limit


def deadlines(person: Person, book: RuleBook, today: date) -> list[Deadline]:
    """Open deadlines, recurring duties and reminders of an active person, each with its date."""
    if not person.active:
        return []
    stage = person.stage
    kinds = person.kinds
    timed = book.timed_rules()
    replaced = book.replaced_by()
    out: list[Deadline] = []
    for base in timed:
        if base.stages and stage not in base.stages:
            continue
        if not _applies(base, kinds, replaced):
            continue
        if base.kind != "recurring" and base.to in kinds:
            continue
        clock = _clock(person, base, book)
        if clock is None:
            continue
        rule, anchor = clock
        due, limit = _due(anchor, rule)
        provisional = rule.length is not None and length_provisional(anchor, rule.length)
        out.append(Deadline(person.id, person.name, rule.id, rule.code, rule.to, anchor, due, limit,
                            (due - today).days, rule.zh, rule.en, rule.citation("zh"), rule.citation("en"),
                            rule.kind, provisional, rule.from_))
    return out


def missed_periods(item: Deadline, book: RuleBook, today: date) -> int:
    """How many times a recurring duty has fallen due without being done by ``today`` (R4: an activist not
    assessed for 18 months has missed three half-yearly assessments), each period counted from the anchor."""
    if item.kind != "recurring" or item.due >= today:
        return 0
    rule = book.on(item.anchor).get(item.rule)
    if rule is None or rule.length is None or rule.length.unit == "wd":
        return 1
    n = 1
    while n < 100 and add_length(item.anchor, Length(rule.length.n * (n + 1), rule.length.unit)) < today:
        n += 1
    return n


def _first_collective_date(due: date, book: RuleBook) -> date | None:
    """The first listed collective-oath date (七一, 国庆, a unit's own) on or after ``due``."""
    listed = book.collective_oath_dates(due)
    d = due
    for _ in range(800):  # listed dates recur yearly
        if d.isoformat()[5:] in listed or d.isoformat() in listed:
            return d
        d += timedelta(days=1)
    return None


def _collective_on_time(ev: Event, due: date, book: RuleBook) -> bool:
    """A collective oath on a listed date no later than the first such date after the normal deadline:
    the ceremony it waited for (R12, Art. 29)."""
    first = _first_collective_date(due, book)
    listed = book.collective_oath_dates(ev.date)
    on_listed = ev.date.isoformat()[5:] in listed or ev.date.isoformat() in listed
    return ev.collective and on_listed and first is not None and ev.date <= first


def lateness(person: Person, ev: Event, book: RuleBook) -> list[Late]:
    """How late the recorded ``ev`` was against each deadline that ran to it (reminders are never late)."""
    timed = book.timed_rules()
    replaced = book.replaced_by()
    kinds = person.kinds
    out: list[Late] = []
    for base in timed:
        if base.to != ev.event or not _applies(base, kinds, replaced):
            continue
        clock = _clock(person, base, book, before=ev.date)
        if clock is None:
            continue
        rule, anchor = clock
        if rule.kind == "reminder":
            continue
        due, limit = _due(anchor, rule)
        if ev.date > due and not (rule.collective and _collective_on_time(ev, due, book)):
            days = (ev.date - due).days
            beyond = limit is not None and ev.date > limit
            zh = f"逾期 {days} 天（应于 {due} 前完成：{rule.zh}，{rule.citation('zh')}）"
            en = f"{days} day{'' if days == 1 else 's'} late (due {due}: {rule.en}; {rule.citation('en')})"
            first = _first_collective_date(due, book) if rule.collective and ev.collective else None
            if first is not None:
                zh += f"；集体宣誓最迟应在期满后的第一个集中宣誓日 {first} 举行"
                en += f"; a collective oath should be held on the first listed date after the deadline, {first}"
            if beyond:
                zh += f"，已超过最长期限 {limit}"
                en += f"; beyond the maximum {limit}"
            out.append(Late(rule.id, rule.code, due, days, beyond, zh, en))
    return out
