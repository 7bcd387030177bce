from __future__ import annotations

from dataclasses import replace
from datetime import date

from tracker.demo import demo_people
from tracker.reports import due_list, status
from tracker.rules import check_event

from .helpers import BOOK

TODAY = date(2026, 11, 27)


def test_demo_is_deterministic_for_a_given_today() -> None:
    assert demo_people(TODAY, BOOK) == demo_people(TODAY, BOOK)


def test_demo_spans_all_stages_two_branches_and_some_who_left() -> None:
    people = [replace(p, id=i + 1) for i, p in enumerate(demo_people(TODAY, BOOK))]  # ids as the store gives
    st = status(people, BOOK, TODAY)
    assert 35 <= len(people) <= 45
    assert all(n > 0 for n in st.counts.values()), st.counts
    assert st.left >= 2 and st.overdue >= 1 and st.due_soon >= 1
    assert len({p.branch for p in people}) == 2
    assert due_list(people, BOOK, TODAY)


def test_every_demo_step_obeys_the_rules_in_order() -> None:
    for p in demo_people(TODAY, BOOK):
        for i, ev in enumerate(p.events[1:], start=1):
            before = p.with_events(p.events[:i])
            check = check_event(before, ev, BOOK, TODAY)
            assert check.ok, (p.name, ev, [v.en for v in check.refusals])


def test_demo_follows_today() -> None:
    later = demo_people(date(2027, 6, 1), BOOK)
    assert max(e.date for p in later for e in p.events) > TODAY
