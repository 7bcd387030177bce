"""The JSON shapes of the CLI contract (``--json``): people, deadlines, checks, eligibility."""

from __future__ import annotations

from datetime import date
from typing import Any

from .model import DETAIL_FIELDS, Person
from .reports import Eligibility, PersonView
from .rules import Check, Deadline, Verdict


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def person_json(p: Person) -> dict[str, Any]:
    out: dict[str, Any] = {"id": p.id, "name": p.name, "stage": p.stage, "pending": p.pending, "active": p.active}
    for key in DETAIL_FIELDS[1:]:
        value = getattr(p, key)
        out[key] = value.isoformat() if isinstance(value, date) else (value or None)
    if p.birth_month_only:
        out["birth_month_only"] = True
    out["events"] = [ev.to_dict() for ev in p.events]
    return out


def deadline_json(d: Deadline, lang: str) -> dict[str, Any]:
    return {
        "person": d.person, "name": d.name, "rule": d.rule, "code": d.code, "event": d.event,
        "what": d.what(lang), "due": d.due.isoformat(), "days_left": d.days_left, "status": d.status,
        "kind": d.kind, "limit": _iso(d.limit), "text": d.zh if lang == "zh" else d.en,
        "citation": d.citation_zh if lang == "zh" else d.citation_en,
        "waiting": d.waiting_text(lang) or None, "provisional": d.provisional,
    }


def verdict_json(v: Verdict, lang: str) -> dict[str, Any]:
    return {"rule": v.rule, "kind": v.kind, "ok": v.ok, "message": v.message(lang),
            "earliest": _iso(v.earliest), "overridable": v.overridable, "provisional": v.provisional}


def view_json(view: PersonView, lang: str) -> dict[str, Any]:
    out = person_json(view.person)
    out["stage_date"] = _iso(view.stage_date)
    out["probation_end"] = _iso(view.probation_end)
    out["standing_from"] = _iso(view.standing_from)
    out["deadlines"] = [deadline_json(d, lang) for d in view.deadlines]
    nxt = view.next
    out["next"] = None if nxt is None else {
        "event": nxt.event, "earliest": _iso(nxt.earliest), "provisional": nxt.provisional,
        "prerequisite": nxt.prerequisite, "needed": list(nxt.needed),
        "blockers": [verdict_json(v, lang) for v in nxt.blockers],
    }
    out["timeline"] = [
        {"step": r.step, "event": r.event, "stage": r.phase, "status": r.status,
         "dates": [d.isoformat() for d in r.dates], "due": _iso(r.due), "earliest": _iso(r.earliest),
         "projected": _iso(r.projected),
         "late": [{"rule": x.rule, "days": x.days, "due": x.due.isoformat(), "beyond_limit": x.beyond_limit}
                  for x in r.late],
         "overrides": list(r.overrides), "provisional": r.provisional,
         "missed": r.missed}
        for r in view.timeline
    ]
    return out


def refusal_json(check: Check, lang: str) -> dict[str, Any]:
    refusals = check.refusals
    return {
        "error": "rule",
        "rule": refusals[0].rule if refusals else None,
        "message": "\n".join(v.message(lang) for v in refusals),
        "earliest": _iso(check.earliest),
        "provisional": check.provisional,
        "overridable": not check.hard_refusals,
        "refusals": [verdict_json(v, lang) for v in refusals],
    }


def eligibility_json(e: Eligibility, lang: str) -> dict[str, Any]:
    return {"person": e.person.id, "name": e.person.name, "event": e.event, "earliest": _iso(e.earliest),
            "eligible": e.eligible, "provisional": e.provisional,
            "blockers": [verdict_json(v, lang) for v in e.check.refusals]}
