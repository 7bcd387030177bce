"""``status`` and ``due`` from a store's derived columns when it keeps them (PostgreSQL), else from everyone.

A person's open deadlines have dates that do not depend on "today" (only their days left do), so a store that
keeps each person's earliest open deadline (``next_due``) can hand over just the people with something due by
a date; the due list built from them is the same as the one built from everyone. Stage counts come from the
stage columns, and the counts of what is due from each person's deadline dates and kinds. The rules stay in ``tracker.rules``: the store only stores what they computed.
"""

from __future__ import annotations

from datetime import date, timedelta

from .derived import Summary, derive, summary
from .profiles import RuleBook
from .reports import DEFAULT_WITHIN, Deadline, Status, due_of, status_from_tally, status_of
from .stages import PENDING, STAGE_KEYS
from .storeapi import DerivedQueries, StoreAPI


def summaries_of(store: StoreAPI, book: RuleBook) -> list[Summary]:
    """Everyone with their derived fields: the file store keeps them on each person's line; otherwise they are
    derived here from the events (``tracker.derived``)."""
    own = getattr(store, "summaries", None)
    if own is not None:
        got: list[Summary] = own()
        return got
    return [summary(p.id, p.name, p.branch, derive(p, book)) for p in store.people()]


def due_items(store: StoreAPI, book: RuleBook, today: date, within: int = DEFAULT_WITHIN) -> list[Deadline]:
    """Every open deadline overdue or due within ``within`` days, most urgent first (``reports.due_list``)."""
    if isinstance(store, DerivedQueries):
        return due_of(store.due_summaries(today + timedelta(days=within)), book, today, within)
    return due_of(summaries_of(store, book), book, today, within)


def status_report(store: StoreAPI, book: RuleBook, today: date, within: int = DEFAULT_WITHIN) -> Status:
    """Counts per stage and of what is due (``reports.status``)."""
    if not isinstance(store, DerivedQueries):
        counted = getattr(store, "status_tally", None)  # the file store keeps everyone counted
        tally = counted() if counted is not None else None
        if tally is not None:
            return status_from_tally(tally, today, within)
        return status_of(summaries_of(store, book), today, within)
    found, left, found_pending = store.stage_summary()
    counts = {key: found.get(key, 0) for key in STAGE_KEYS}
    pending = {p.key: found_pending.get(p.key, 0) for p in PENDING}
    overdue, waiting, total = store.due_counts(today, within)
    return Status(today, counts, left, overdue, total - overdue - waiting, waiting, pending)
