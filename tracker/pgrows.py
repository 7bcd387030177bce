"""How a person is laid out as a PostgreSQL row: details and events as JSONB, the derived columns beside them;
and the refusal the unique ID-number index gives. Shared by the store (``tracker.pgstore``) and ``migrate``."""

from __future__ import annotations

from typing import Any

from .derived import Derived, derive, fingerprint
from .inputs import InputError
from .model import Person
from .profiles import RuleBook
from .registers import mask_id


def book_fingerprint(book: RuleBook) -> str:
    """What the derived columns depend on besides the events (``tracker.derived.fingerprint``, as the file)."""
    return fingerprint(book)


#: the derived columns, in the order ``derived`` returns them (then ``derived_by``)
DERIVED_COLS = ("stage", "stage_date", "active", "pending", "next_due", "due_dates", "due_kinds", "derived")
_ROW_COLS = ("branch", "name", "details", "events", *DERIVED_COLS, "derived_by")


def derived(person: Person, book: RuleBook) -> tuple[Any, ...]:
    """The derived columns of a person: stage, stage date, active, pending, the earliest open deadline, every
    open deadline's date and kind (for the server's counts), and all of ``tracker.derived.derive`` as JSON.

    Deadlines' dates do not depend on "today" (only their days left do), so these stay true until the
    person or the rules change."""
    return derived_columns(derive(person, book))


def derived_columns(d: Derived) -> tuple[Any, ...]:
    """``derived``'s columns from fields already derived (the file keeps them per person: ``migrate`` reuses them)."""
    from psycopg.types.json import Jsonb

    items = d.deadlines if d.active else ()
    return (d.stage, d.stage_date, d.active, d.pending, items[0].due if items else None,
            [i.due for i in items], [i.kind for i in items], Jsonb(d.to_json()))


def split_doc(doc: dict[str, Any]) -> tuple[dict[str, Any], list[Any]]:
    details = {k: v for k, v in doc.items() if k != "events"}
    return details, list(doc.get("events", []))


def join_doc(details: dict[str, Any], events: list[Any]) -> dict[str, Any]:
    """The stored document as the file store keeps it: details, then events, then unknown fields."""
    doc = {k: v for k, v in details.items()}
    doc["events"] = events
    return canonical_doc(doc)


def canonical_doc(doc: dict[str, Any]) -> dict[str, Any]:
    """A person's document in the order the model writes it (JSONB does not keep the order of keys)."""
    try:
        return Person.from_doc(0, doc).to_doc()
    except (KeyError, TypeError, ValueError):
        return doc


def duplicate_id_error(id_number: str) -> InputError:
    """The unique index refused a second person with this ID number: the holder may be in a branch this user
    cannot see, so they are not named."""
    shown = mask_id(id_number) if id_number else "?"
    return InputError(
        f"身份证号 {shown} 已在本党委登记（可能在您无权查看的支部，或另一位书记刚刚登记），同一身份证号不能登记两人。"
        "未作任何更改。请核对号码；如是同一人，请党委组织员查询已有记录。",
        f"The ID number {shown} is already registered in this committee (perhaps in a branch you cannot see, or "
        "just now by another secretary); one ID number cannot be registered for two people. Nothing was changed. "
        "Check the number; if it is the same person, ask the committee's organiser to look up the record.",
        "id_number")


def _duplicate_in(exc: Any, people: list[Person]) -> str:
    """The ID number a unique violation names (its detail says ``Key (…)=(number) already exists``)."""
    detail = str(getattr(exc.diag, "message_detail", "") or "")
    return next((p.id_number for p in people if p.id_number and f"=({p.id_number})" in detail), "")
