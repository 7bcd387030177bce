"""What is derived from one person's events under a rule book, in one pure function.

``derive(person, book)`` gives the fields a list or a count needs without replaying anyone: the stage,
the stage date, whether the person is active, the approval awaited, each open deadline with its
dates, and the next stage step with the earliest date the rules allow it. None of them depends on
"today" (a deadline's days left is ``due - today``, computed when shown), so they can be kept beside
the events and refreshed only when the person or the rule book changes.

The file store keeps ``Derived.to_json()`` in each person's document and the book's
``fingerprint()`` in the meta record; another backend can keep the same fields as columns. The events
stay the truth: ``tests/core/test_derived.py`` recomputes every cached field and compares.

This module imports the rules only inside ``derive`` and ``fingerprint``, so a reader whose
cache is current never loads them.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from datetime import date
from importlib.util import find_spec
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from .model import Person
    from .profiles import RuleBook

_T = TypeVar("_T")

#: bump when ``derive`` or the shape of ``Derived`` changes: every cached record is then recomputed
DERIVE_VERSION = 2


def _d(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _s(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _build(cls: type[_T], values: dict[str, Any]) -> _T:
    """A frozen dataclass from its fields, without ``__init__``'s per-field ``object.__setattr__`` (a list
    of 10k people reads 10k of these); ``values`` must name every field."""
    obj = object.__new__(cls)
    object.__setattr__(obj, "__dict__", values)
    return obj


@dataclass(frozen=True)
class OpenDeadline:
    """An open deadline, recurring duty or reminder (``rules.deadlines`` without today's days left)."""

    rule: str  # the rule id of the edition in force on the anchor's date
    event: str  # the step it waits for
    kind: str  # deadline | recurring | reminder
    anchor: date  # when the clock started
    due: date
    limit: date | None = None
    provisional: bool = False  # rests on a year whose 调休 is not yet published

    def to_json(self) -> list[Any]:
        return [self.rule, self.event, self.kind, self.anchor.isoformat(), self.due.isoformat(),
                _s(self.limit), self.provisional]

    @classmethod
    def from_json(cls, row: list[Any]) -> OpenDeadline:
        rule, event, kind, anchor, due, limit, provisional = row
        return _build(cls, {"rule": rule, "event": event, "kind": kind, "anchor": date.fromisoformat(anchor),
                            "due": date.fromisoformat(due), "limit": _d(limit), "provisional": bool(provisional)})


@dataclass(frozen=True)
class Derived:
    """Everything a list, a count or the due list needs about one person, from events and rules alone."""

    stage: str  # applicant | activist | target | probationary | member
    active: bool  # False once the person left
    stage_date: date | None
    pending: str | None  # approval | conversion-approval (a vote awaiting the higher committee), else None
    deadlines: tuple[OpenDeadline, ...]  # open deadlines, by due date
    next_event: str | None  # the next stage step (None when left or a full member)
    next_earliest: date | None  # the first date the rules allow it (not moved to today)
    next_provisional: bool = False

    @property
    def next_due(self) -> date | None:
        """The earliest due date among the open deadlines."""
        return self.deadlines[0].due if self.deadlines else None

    def to_json(self) -> dict[str, Any]:
        return {"stage": self.stage, "active": self.active, "stage_date": _s(self.stage_date),
                "pending": self.pending, "deadlines": [d.to_json() for d in self.deadlines],
                "next": [self.next_event, _s(self.next_earliest), self.next_provisional]}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Derived:
        next_event, next_earliest, next_provisional = data["next"]
        stage_date = data["stage_date"]
        rows = data["deadlines"]
        obj = object.__new__(cls)
        # OpenDeadline.from_json inlined (10k people, 15k deadlines at a time); ``_d`` likewise
        object.__setattr__(obj, "__dict__", {
            "stage": data["stage"], "active": data["active"] is True,
            "stage_date": _fromiso(stage_date) if stage_date else None, "pending": data["pending"],
            "deadlines": tuple([_deadline(row) for row in rows]) if rows else (),
            "next_event": next_event, "next_earliest": _fromiso(next_earliest) if next_earliest else None,
            "next_provisional": next_provisional is True})
        return obj


_fromiso = date.fromisoformat


def _deadline(row: list[Any]) -> OpenDeadline:
    rule, event, kind, anchor, due, limit, provisional = row
    obj = object.__new__(OpenDeadline)
    object.__setattr__(obj, "__dict__", {"rule": rule, "event": event, "kind": kind, "anchor": _fromiso(anchor),
                                         "due": _fromiso(due), "limit": _fromiso(limit) if limit else None,
                                         "provisional": provisional is True})
    return obj


@dataclass(frozen=True)
class Summary:
    """One person as a list shows them: id, name, branch and the derived fields (no events)."""

    id: int
    name: str
    branch: str
    derived: Derived


def summary(pid: int, name: str, branch: str, derived: Derived) -> Summary:
    """``Summary(pid, name, branch, derived)``, built as fast as ``Derived.from_json`` builds (10k at a time)."""
    return _build(Summary, {"id": pid, "name": name, "branch": branch, "derived": derived})


def derive(person: Person, book: RuleBook) -> Derived:
    """The derived fields of ``person`` under ``book`` (pure: the same events give the same fields)."""
    from .nextstep import next_step
    from .rules import deadlines, stage_date

    anchor = person.events[0].date if person.events else date.min
    open_items = sorted(deadlines(person, book, anchor), key=lambda d: (d.due, d.rule))
    items = tuple(OpenDeadline(d.rule, d.event, d.kind, d.anchor, d.due, d.limit, d.provisional) for d in open_items)
    nxt = next_step(person, book, anchor, with_blockers=False)
    return Derived(person.stage, person.active, stage_date(person), person.pending, items,
                   nxt.event if nxt else None, nxt.earliest if nxt else None, bool(nxt and nxt.provisional))


def fingerprint(book: RuleBook) -> str:
    """Names what the derived fields rest on: this module's version, every rule of every edition and
    local profile as loaded, and the ``holidays`` data that working days count with."""
    text = repr((DERIVE_VERSION, book.editions, book.local, book.pinned)).encode() + _holiday_data()
    return f"{DERIVE_VERSION}-{zlib.crc32(text):08x}{zlib.adler32(text):08x}{len(text):x}"


def _holiday_data() -> bytes:
    """The source of the ``holidays`` package's China calendar (the 调休 notices working days count with),
    read as a file: importing the package to ask its version costs more than the rest of a ``status``."""
    spec = find_spec("holidays")
    if spec is None or not spec.origin:  # pragma: no cover - a dependency
        return b"?"
    try:
        return (Path(spec.origin).parent / "countries" / "china.py").read_bytes()
    except OSError:  # pragma: no cover - another layout of the package: its version names the data
        from importlib.metadata import version

        return version("holidays").encode()
