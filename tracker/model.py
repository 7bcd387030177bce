"""Person and Event: what happened, as dated facts. Everything else is derived from these."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cached_property
from types import MappingProxyType
from typing import Any

from .stages import EVENT_BY_KEY, PENDING, STAGE_BY_KEY, STAGE_ENTERED_BY

#: the details a person has besides their events, in display order
DETAIL_FIELDS: tuple[str, ...] = (
    "name", "gender", "ethnicity", "birth", "education", "branch", "phone", "id_number", "note",
    "expected_departure", "native_place", "job",
)
DATE_DETAILS = frozenset({"birth", "expected_departure"})


@dataclass(frozen=True)
class Event:
    event: str
    date: date
    names: tuple[str, ...] = ()
    result: str | None = None
    days: float | None = None
    hours: float | None = None
    months: int | None = None
    reason: str | None = None
    note: str | None = None
    override: str | None = None
    overridden: tuple[str, ...] = ()
    collective: bool = False  # an oath at a collective ceremony (R12)
    #: options this version does not know, kept as they were (a newer program, a hand edit)
    extra: Mapping[str, Any] = field(default_factory=lambda: _NO_EXTRA, compare=False, repr=False)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"event": self.event, "date": self.date.isoformat()}
        if self.names:
            out["names"] = list(self.names)
        for key in ("result", "days", "hours", "months", "reason", "note", "override"):
            value = getattr(self, key)
            if value is not None:
                out[key] = value
        if self.overridden:
            out["overridden"] = list(self.overridden)
        if self.collective:
            out["collective"] = True
        if self.extra:
            out.update((k, v) for k, v in self.extra.items() if k not in out)
        return out

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Event:
        """Build from the stored form. Loading 10k people builds ~150k events, so this skips
        the dataclass ``__init__`` (its frozen ``__setattr__`` calls) when the keys are ours."""
        values = {**_EVENT_DEFAULTS, **d}
        if len(values) == len(_EVENT_DEFAULTS) + 2 and "event" in d and "date" in d and "extra" not in d:
            values["date"] = date.fromisoformat(d["date"])
            if "names" in d:
                values["names"] = tuple(d["names"])
            if "overridden" in d:
                values["overridden"] = tuple(d["overridden"])
            obj = object.__new__(cls)
            object.__setattr__(obj, "__dict__", values)
            return obj
        return cls._from_dict_checked(d)

    @classmethod
    def _from_dict_checked(cls, d: dict[str, Any]) -> Event:
        return cls(
            event=d["event"],
            date=date.fromisoformat(d["date"]),
            names=tuple(d.get("names", ())),
            result=d.get("result"),
            days=d.get("days"),
            hours=d.get("hours"),
            months=d.get("months"),
            reason=d.get("reason"),
            note=d.get("note"),
            override=d.get("override"),
            overridden=tuple(d.get("overridden", ())),
            collective=bool(d.get("collective", False)),
            extra=MappingProxyType({k: v for k, v in d.items() if k not in _EVENT_KEYS}) or _NO_EXTRA,
        )


@dataclass(frozen=True)
class Person:
    id: int
    name: str
    gender: str = ""
    ethnicity: str = ""
    birth: date | None = None
    education: str = ""
    branch: str = ""
    phone: str = ""
    id_number: str = ""
    note: str = ""
    expected_departure: date | None = None
    native_place: str = ""  # 籍贯
    job: str = ""  # 工作单位及职务
    events: tuple[Event, ...] = field(default_factory=tuple)
    #: the birth is known to the month only (出生年月 1998.05 without an ID number): ``birth`` is the month's 1st,
    #: and the age rules count from the month's last day (``age_birth``)
    birth_month_only: bool = False
    #: details this version does not know, kept as they were (a newer program, a hand edit)
    extra: Mapping[str, Any] = field(default_factory=lambda: _NO_EXTRA, compare=False, repr=False)

    # ---- derived, never stored ----
    @property
    def age_birth(self) -> date | None:
        """The birth date the age rules count from: a birth known to the month only counts as the month's last
        day, the earliest the person is that age for sure (R1, R19: 年满十八岁)."""
        if self.birth is None or not self.birth_month_only:
            return self.birth
        nxt = date(self.birth.year + (self.birth.month == 12), self.birth.month % 12 + 1, 1)
        return date.fromordinal(nxt.toordinal() - 1)

    @property
    def birth_text(self) -> str:
        """The birth as known: ``2008-05`` when known to the month only, else YYYY-MM-DD ("" when missing)."""
        if self.birth is None:
            return ""
        return f"{self.birth:%Y-%m}" if self.birth_month_only else self.birth.isoformat()

    @cached_property
    def stage(self) -> str:
        stage = "applicant"
        for ev in self.events:
            entered = STAGE_ENTERED_BY.get(ev.event)
            if entered is not None and STAGE_BY_KEY[entered].order > STAGE_BY_KEY[stage].order:
                stage = entered
        return stage

    @cached_property
    def pending(self) -> str | None:
        """``approval`` after the branch meeting admitted and before the higher committee approved;
        ``conversion-approval`` likewise for the conversion; None otherwise."""
        kinds = self.kinds
        for p in PENDING:
            if p.voted in kinds and p.approval not in kinds:
                return p.key
        return None

    @cached_property
    def active(self) -> bool:
        return "left" not in self.kinds

    @cached_property
    def kinds(self) -> frozenset[str]:
        return frozenset(ev.event for ev in self.events)

    @cached_property
    def _latest(self) -> dict[str, Event]:
        latest: dict[str, Event] = {}
        for ev in self.events:  # events are kept sorted by date
            latest[ev.event] = ev
        return latest

    def last(self, kind: str, on_or_before: date | None = None) -> Event | None:
        """The latest event of ``kind`` (on or before a date, when given)."""
        if on_or_before is None:
            return self._latest.get(kind)
        found: Event | None = None
        for ev in self.events:
            if ev.event == kind and (on_or_before is None or ev.date <= on_or_before) and (
                found is None or ev.date >= found.date
            ):
                found = ev
        return found

    def date_of(self, kind: str) -> date | None:
        ev = self.last(kind)
        return ev.date if ev else None

    def all_of(self, kind: str) -> list[Event]:
        return [ev for ev in self.events if ev.event == kind]

    def with_events(self, events: tuple[Event, ...]) -> Person:
        return replace(self, events=tuple(sorted(events, key=_event_sort_key)))

    def details(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in DETAIL_FIELDS}

    # ---- plain dicts ----
    def to_doc(self) -> dict[str, Any]:
        """The stored form: details and events only (no id: the store keys by it)."""
        doc: dict[str, Any] = {"name": self.name}
        for key in DETAIL_FIELDS[1:]:
            value = getattr(self, key)
            if value:
                doc[key] = value.isoformat() if isinstance(value, date) else value
        if self.birth_month_only and self.birth is not None:
            doc["birth_month_only"] = True
        doc["events"] = [ev.to_dict() for ev in self.events]
        if self.extra:
            doc.update((k, v) for k, v in self.extra.items() if k not in doc)
        return doc

    @classmethod
    def from_doc(cls, pid: int, doc: dict[str, Any]) -> Person:
        kwargs: dict[str, Any] = {}
        for key in DETAIL_FIELDS[1:]:
            value = doc.get(key)
            if value:
                kwargs[key] = date.fromisoformat(value) if key in DATE_DETAILS else value
        if doc.get("birth_month_only") is True and "birth" in kwargs:
            kwargs["birth_month_only"] = True
        if not doc.keys() <= _PERSON_KEYS:
            kwargs["extra"] = MappingProxyType({k: v for k, v in doc.items() if k not in _PERSON_KEYS})
        return cls(
            id=pid,
            name=doc["name"],
            events=tuple(Event.from_dict(e) for e in doc.get("events", ())),
            **kwargs,
        )


_NO_EXTRA: Mapping[str, Any] = MappingProxyType({})
_EVENT_DEFAULTS: dict[str, Any] = {
    "names": (), "result": None, "days": None, "hours": None, "months": None, "reason": None, "note": None,
    "override": None, "overridden": (), "collective": False, "extra": _NO_EXTRA,
}
#: the keys of a stored event and a stored person that this version understands
_EVENT_KEYS = frozenset({"event", "date", *_EVENT_DEFAULTS}) - {"extra"}
#: ``derived`` is the store's cache of what the events give (``tracker.derived``): never a detail of the person
_PERSON_KEYS = frozenset({*DETAIL_FIELDS, "events", "derived", "birth_month_only"})


def _event_sort_key(ev: Event) -> tuple[date, float]:
    """By date, and on one day in the order of the Rules' text."""
    kind = EVENT_BY_KEY.get(ev.event)
    return (ev.date, kind.position if kind is not None else 99.0)
