"""Everyone's derived fields counted once, for ``status`` without reading everyone (part of the file store).

A tally counts, over the people of a file, who is at each stage, who left, the approvals awaited, and the
open deadlines of the active people by due date (deadlines and reminders apart). None of it depends on
"today": ``reports.status_from_tally`` turns it into the status counts for any day, the same as
``reports.status_of`` gives from everyone's derived fields.

The file store keeps the tally on the meta record's line, valid only with the people section it was counted
from (the section's CRC sits beside it), and keeps it current on every write: the changed people's old
fields are taken out and their new ones added. Events stay the truth: ``tests/core/test_tally.py`` counts
from the events and compares.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

#: {"stage": {stage: n}, "left": n, "pending": {key: n}, "due": {"YYYY-MM-DD": [deadlines, reminders]}}
Tally = dict[str, Any]


def empty() -> Tally:
    return {"stage": {}, "left": 0, "pending": {}, "due": {}}


def add(tally: Tally, derived: dict[str, Any], sign: int = 1) -> None:
    """Count one person's derived fields (``Derived.to_json()``), or take them out (``sign=-1``)."""
    if not derived["active"]:
        tally["left"] += sign
        return
    stages = tally["stage"]
    stage = derived["stage"]
    stages[stage] = stages.get(stage, 0) + sign
    pending = derived["pending"]
    if pending is not None:
        tally["pending"][pending] = tally["pending"].get(pending, 0) + sign
    due = tally["due"]
    for row in derived["deadlines"]:
        counts = due.get(row[4])
        if counts is None:
            counts = due[row[4]] = [0, 0]
        counts[1 if row[2] == "reminder" else 0] += sign


def tally_of(everyone: Iterable[dict[str, Any]]) -> Tally:
    out = empty()
    for derived in everyone:
        add(out, derived)
    return canonical(out)


def canonical(tally: Tally) -> Tally:
    """The same counts with nothing at zero and every key in order (the same bytes however they were reached)."""
    return {"stage": {k: n for k, n in sorted(tally["stage"].items()) if n},
            "left": tally["left"],
            "pending": {k: n for k, n in sorted(tally["pending"].items()) if n},
            "due": {k: list(v) for k, v in sorted(tally["due"].items()) if any(v)}}


def valid(found: Any) -> bool:
    """Whether ``found`` (read from a file) has a tally's shape: counts that are whole numbers, 0 or more."""
    def counts(value: Any) -> bool:
        return type(value) is dict and all(type(k) is str and type(n) is int and n >= 0 for k, n in value.items())

    if type(found) is not dict or set(found) != {"stage", "left", "pending", "due"}:
        return False
    due = found["due"]
    return (counts(found["stage"]) and counts(found["pending"]) and type(found["left"]) is int and found["left"] >= 0
            and type(due) is dict and all(type(k) is str and len(k) == 10 and type(v) is list and len(v) == 2
                                          and all(type(n) is int and n >= 0 for n in v) for k, v in due.items()))


def delta(before: Tally, after: Tally) -> Tally:
    """What a write changed in the counts (``after`` less ``before``; only what changed), for the change journal."""
    def minus(new: dict[str, int], old: dict[str, int]) -> dict[str, int]:
        return {k: d for k in sorted(new.keys() | old.keys()) if (d := new.get(k, 0) - old.get(k, 0))}

    due: dict[str, list[int]] = {}
    for day in sorted(after["due"].keys() | before["due"].keys()):
        new, old = after["due"].get(day, [0, 0]), before["due"].get(day, [0, 0])
        if new != old:
            due[day] = [new[0] - old[0], new[1] - old[1]]
    return {"stage": minus(after["stage"], before["stage"]), "left": after["left"] - before["left"],
            "pending": minus(after["pending"], before["pending"]), "due": due}


def apply(tally: Tally, change: Any) -> bool:
    """Add a ``delta`` to ``tally`` in place (then ``canonical`` and ``valid`` it); False when ``change`` is not one."""
    if type(change) is not dict or set(change) != {"stage", "left", "pending", "due"}:
        return False
    try:
        tally["left"] += change["left"]
        for part in ("stage", "pending"):
            counts = tally[part]
            for k, d in change[part].items():
                counts[k] = counts.get(k, 0) + d
        due = tally["due"]
        for day, (d0, d1) in change["due"].items():
            counts = due.get(day)
            if counts is None:
                counts = due[day] = [0, 0]
            counts[0] += d0
            counts[1] += d1
    except (TypeError, ValueError, AttributeError, KeyError):
        return False
    return True
