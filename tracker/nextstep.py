"""What comes next for a person: the next stage step, the earliest date every rule allows it, what blocks it
and the first step still missing; eligibility on a meeting date; and replaying a whole record (corrections).

Pure functions over a person's events and the rule book, built on ``tracker.rules``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

from .dates import length_provisional, minimum_met_on
from .model import Event, Person
from .profiles import RuleBook
from .rules import Check, Verdict, anchor_date, check_event, rule_verdicts, unrecorded_expected
from .stages import EVENT_BY_KEY, MUST_PRECEDE, STAGE_BY_KEY, next_stage_event


@dataclass(frozen=True)
class NextStep:
    event: str
    earliest: date | None
    blockers: tuple[Verdict, ...] = field(default_factory=tuple)
    provisional: bool = False
    prerequisite: str | None = None  # the first step to record before ``event`` can be (a gate's missing step)
    #: every step to do first: the gates' missing steps and the steps the text expects before ``event``
    #: (the committee's review and the form before the branch meeting), in the text's order
    needed: tuple[str, ...] = ()


def next_event(person: Person) -> str | None:
    """The stage step a secretary plans for next (while a vote awaits approval: the approval)."""
    return next_stage_event(person.stage, person.pending)


# --------------------------------------------------------------------------- next step

def _latest_before(person: Person, event: str) -> date | None:
    """The latest recorded step that the text puts before ``event`` (it cannot come earlier)."""
    dates = [d for k in MUST_PRECEDE.get(event, ()) if (d := person.date_of(k)) is not None]
    return max(dates, default=None)


def earliest_date(person: Person, event: str, book: RuleBook, start: date) -> date:
    """The first date from ``start`` on which every minimum for ``event`` is met, and no step the
    text puts before it is dated later.

    The edition can change with the date (2026 added the publicity), so this iterates to a
    fixed point. A minimum whose anchor is missing (no publicity yet) has no date: that is a
    blocker, not an earliest date.
    """
    d = max(start, _latest_before(person, event) or start)
    for _ in range(5):
        later = d
        for rule in book.on(d).for_event(event):
            if rule.kind != "minimum" or rule.from_ is None or rule.length is None:
                continue
            anchor = anchor_date(person, rule.from_, on=d)
            if anchor is not None:
                met = minimum_met_on(anchor, rule.length)
                if met > later:
                    later = met
        if later <= d:
            break
        d = later
    return d


def _earliest_provisional(person: Person, event: str, book: RuleBook, on: date) -> bool:
    for rule in book.on(on).for_event(event):
        if rule.kind == "minimum" and rule.from_ is not None and rule.length is not None:
            anchor = anchor_date(person, rule.from_, on=on)
            if anchor is not None and length_provisional(anchor, rule.length):
                return True
    return False


def _step_start(person: Person, today: date) -> date:
    """Where the search for the next step's date starts: the current stage's date, or the vote awaiting approval."""
    if person.pending is not None:
        voted = person.date_of("admitted" if person.pending == "approval" else "converted")
        if voted is not None:
            return voted
    return person.date_of(STAGE_BY_KEY[person.stage].entered_by) or today


def next_step(person: Person, book: RuleBook, today: date, *, with_blockers: bool = True) -> NextStep | None:
    """The next stage step, the first date the rules allow it, and the gates still open."""
    if not person.active:
        return None
    nxt = next_event(person)
    if nxt is None:
        return None
    d = earliest_date(person, nxt, book, _step_start(person, today))
    provisional = _earliest_provisional(person, nxt, book, d)
    if not with_blockers:
        return NextStep(nxt, d, provisional=provisional)
    check_on = max(d, today)
    blockers = tuple(v for v in rule_verdicts(person, Event(nxt, check_on), book, now=today) if not v.ok)
    missing = _missing(person, blockers, book, check_on)
    expected = [k for k in unrecorded_expected(person, nxt, check_on) if k not in missing]
    needed = tuple(sorted({*missing, *expected}, key=lambda k: EVENT_BY_KEY[k].position))
    first = _prerequisite(person, missing) or (expected[0] if expected else None)
    return NextStep(nxt, d, blockers, provisional, first, needed)


def _missing(person: Person, blockers: tuple[Verdict, ...], book: RuleBook, on: date) -> list[str]:
    """The steps the open gates (and missing anchors) wait for, and the unrecorded steps each of those follows
    (the proposal before the consent before the publicity)."""
    missing: list[str] = []
    rules = book.on(on)
    for v in blockers:
        rule = rules.get(v.rule)
        if rule is None:
            continue
        if rule.kind == "gate" and rule.requires is not None:
            missing.append(rule.requires)
        elif rule.kind == "minimum" and rule.require_anchor and rule.from_ in EVENT_BY_KEY \
                and person.last(rule.from_) is None:
            missing.append(rule.from_)
    for k in list(missing):
        missing += [f for f in EVENT_BY_KEY[k].follows if person.last(f) is None and f not in missing]
    return missing


def _prerequisite(person: Person, missing: list[str]) -> str | None:
    """The first step, in the text's order, that the open gates (and missing anchors) wait for; then
    the steps that step itself follows (the proposal before the consent before the publicity)."""
    if not missing:
        return None
    first = min(missing, key=lambda k: EVENT_BY_KEY[k].position)
    for _ in range(len(EVENT_BY_KEY)):
        before = [k for k in EVENT_BY_KEY[first].follows if person.last(k) is None]
        if not before:
            break
        first = min(before, key=lambda k: EVENT_BY_KEY[k].position)
    return first


def eligible_on(person: Person, on: date, book: RuleBook, today: date | None = None) -> Check | None:
    """Would the next stage step pass every check on ``on``? None when there is no next step. ``today`` only
    dates hints (a missing publicity: the listing's earliest day if it started today)."""
    if not person.active:
        return None
    nxt = next_event(person)
    if nxt is None:
        return None
    return check_event(person, Event(nxt, on), book, today=None, now=today)


# --------------------------------------------------------------------------- replaying a record

@dataclass(frozen=True)
class Replayed:
    """One recorded step checked against the steps before it, as if recorded in date order."""

    event: Event
    refusals: tuple[Verdict, ...]


def replay(person: Person, book: RuleBook) -> list[Replayed]:
    """Check every recorded step against the ones before it (a correction re-checks the whole path)."""
    out: list[Replayed] = []
    events = person.events
    for i, ev in enumerate(events):
        prefix = replace(person, events=events[:i])  # every detail kept (a birth known to the month only)
        check = check_event(prefix, ev, book, None, with_notes=False)
        out.append(Replayed(ev, tuple(check.refusals)))
    return out
