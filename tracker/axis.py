"""A person's path on a time axis: one lane per stage (from the step entering it to the step entering the
next), the minimum spans the rules set (an activist's year, a local minimum after the application, the
publicity) and the probation year, with what is still to come dated as early as the rules allow.

The screen only draws this; every date here comes from the events and the rule book.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .dates import Length, minimum_met_on
from .model import Person
from .profiles import RuleBook
from .reports import projected_stage_dates
from .rules import probation_end
from .stages import STAGES

#: the step whose date starts each lane (probation counts from the branch meeting, Art. 31)
LANE_START = {"applicant": "applied", "activist": "activist", "target": "target", "probationary": "admitted",
              "member": "conversion-approved"}


@dataclass(frozen=True)
class Span:
    """A stretch the rules fix: a minimum (the later step not before ``end``) or the probation year."""

    start: date
    end: date
    kind: str  # minimum | probation
    code: str  # the rule's code (R5 …; R13 for the probation)
    projected: bool  # starts from a step not yet recorded

    def label(self, lang: str) -> str:
        if self.kind == "probation":
            return "预备期" if lang == "zh" else "probation"
        years, months = divmod(_months(self.start, self.end), 12)
        if years and not months:
            return f"≥{years}年" if lang == "zh" else f"≥{years}y"
        if months and not years:
            return f"≥{months}个月" if lang == "zh" else f"≥{months}mo"
        days = (self.end - self.start).days
        return f"≥{days}天" if lang == "zh" else f"≥{days}d"


@dataclass(frozen=True)
class Lane:
    stage: str
    start: date
    end: date | None  # the next stage's step; None: still open (drawn to today)
    start_projected: bool
    end_projected: bool
    spans: tuple[Span, ...]


@dataclass(frozen=True)
class Axis:
    today: date
    start: date
    end: date
    lanes: tuple[Lane, ...]


def _months(a: date, b: date) -> int:
    months = (b.year - a.year) * 12 + b.month - a.month
    return months if b.day >= a.day or b.day == _last_day(b) else months - 1


def _last_day(d: date) -> int:
    nxt = date(d.year + d.month // 12, d.month % 12 + 1, 1)
    return (nxt.toordinal() - date(d.year, d.month, 1).toordinal())


def _minimum_spans(when: dict[str, tuple[date, bool]], event: str, book: RuleBook) -> list[Span]:
    """The minimums before ``event`` whose anchor is a step of the path (recorded or projected)."""
    out: list[Span] = []
    on = when[event][0] if event in when else None
    if on is None:
        return out
    for rule in book.on(on).for_event(event):
        if rule.kind != "minimum" or rule.length is None or rule.from_ not in when:
            continue
        anchor, projected = when[rule.from_]
        met = minimum_met_on(anchor, rule.length)
        if met > anchor:
            out.append(Span(anchor, met, "minimum", rule.code, projected))
    return out


def person_axis(person: Person, book: RuleBook, today: date) -> Axis:
    """The lanes of the stages reached or still to come (a person who left: those reached)."""
    when: dict[str, tuple[date, bool]] = {}  # step → (date, projected)
    for key in (*LANE_START.values(), "publicity", "approved", "converted"):
        d = person.date_of(key)
        if d is not None:
            when[key] = (d, False)
    if person.active:
        for key, d in projected_stage_dates(person, book, today).items():
            when.setdefault(key, (d, True))
    lanes = []
    for i, stage in enumerate(STAGES):
        start = when.get(LANE_START[stage.key])
        if start is None:
            continue
        nxt = when.get(LANE_START[STAGES[i + 1].key]) if i + 1 < len(STAGES) else None
        spans: list[Span] = []
        if i + 1 < len(STAGES):
            nxt_key = LANE_START[STAGES[i + 1].key]
            spans = [s for s in _minimum_spans(when, nxt_key, book) if s.start >= start[0]]
            if stage.key == "activist":  # the publicity's minimum comes before the listing
                spans += [s for s in _minimum_spans(when, "target", book) if s.start > start[0] and s not in spans]
        if stage.key == "probationary":
            end = probation_end(person) if person.date_of("admitted") else None
            if end is None:  # not yet admitted: a year from the projected meeting
                end = minimum_met_on(start[0], Length(1, "y"))
            spans.append(Span(start[0], end, "probation", "R13", start[1]))
            if nxt is None:
                nxt = (end, True) if person.active else None
        lanes.append(Lane(stage.key, start[0], nxt[0] if nxt else None, start[1], bool(nxt and nxt[1]),
                          tuple(sorted(spans, key=lambda s: (s.start, s.end)))))
    dates = [today] + [d for lane in lanes for d in (lane.start, lane.end) if d is not None]
    dates += [s.end for lane in lanes for s in lane.spans]
    return Axis(today, min(dates), max(dates), tuple(lanes))


__all__ = ["Axis", "Lane", "Span", "person_axis"]
