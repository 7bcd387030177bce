"""Small builders for rule tests: a person from (event, date) pairs."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

from tracker.model import Event, Person
from tracker.profiles import RuleBook, load_rulebook

BOOK: RuleBook = load_rulebook()


def d(text: str) -> date:
    return date.fromisoformat(text)


def ev(kind: str, on: str, **fields: Any) -> Event:
    if "names" in fields:
        fields["names"] = tuple(fields["names"])
    return Event(kind, d(on), **fields)


def person(*events: tuple[Any, ...], birth: str | None = "1990-01-01", **details: Any) -> Person:
    evs = []
    for item in events:
        kind, on, *rest = item
        evs.append(ev(kind, on, **(rest[0] if rest else {})))
    p = Person(id=1, name="张三", birth=d(birth) if birth else None, **details)
    return p.with_events(tuple(evs))


#: a target ready for admission under either edition (proposal and consent before listing; training, review,
#: sponsors and a passed pre-review all done)
def ready_target(target_on: str = "2025-06-01", **kw: Any) -> Person:
    return person(
        ("applied", "2023-01-01"), ("activist", "2023-06-01"), ("target-proposed", target_on), ("target-filed", target_on),
        ("target", target_on),
        ("sponsors", target_on, {"names": ["李四", "王五"]}),
        ("political-review", target_on, {"result": "pass"}),
        ("training", target_on, {"days": 3.0}),
        ("pre-review", target_on, {"result": "pass"}),
        **kw,
    )


def with_events(p: Person, *events: tuple[Any, ...]) -> Person:
    more = [ev(kind, on, **(rest[0] if rest else {})) for kind, on, *rest in events]
    return p.with_events((*p.events, *more))


def probationer(admitted: str, approved: str | None = None, target_on: str = "2023-06-01", **kw: Any) -> Person:
    """A probationary member: admitted by the branch meeting, talked with and approved by the committee
    (on the meeting day unless ``approved`` says otherwise)."""
    return with_events(ready_target(target_on, **kw), ("admitted", admitted), ("committee-talk", admitted),
                       ("approved", approved or admitted))


@contextmanager
def lock_held(db: Path) -> Iterator[threading.Event]:
    """The writers' lock, held from another thread until the yielded event is set (or the block ends)."""
    from tracker.store import Store

    release, taken = threading.Event(), threading.Event()

    def hold() -> None:
        with Store(db)._lock():
            taken.set()
            release.wait(30)

    holder = threading.Thread(target=hold, daemon=True)
    holder.start()
    assert taken.wait(5)
    try:
        yield release
    finally:
        release.set()
        holder.join(5)
