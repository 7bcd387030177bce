"""What the service writes out: rosters, a person's full record, the JSON backup, the planner's list for a
meeting, and the publicity notice. Part of ``tracker.service.Service`` (split from it: reading and writing
people is there, this is files and texts made from them)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from .model import Person
from .profiles import RuleBook
from .registers import mask_id

if TYPE_CHECKING:
    from .meeting import NoticeList
    from .publicity import Notice


@dataclass(frozen=True)
class Exported:
    path: Path
    fmt: str
    rows: int



class _Source(Protocol):
    """What the outputs read from the service."""

    book: RuleBook

    @property
    def today(self) -> date: ...

    def people(self) -> list[Person]: ...

    def person(self, pid: int) -> Person: ...

    def unit(self) -> str | None: ...


class Outputs:
    """The service's files and texts (mixed into ``Service``)."""

    def export(self: _Source, *, stage: str = "all", branch: str | None = None, fmt: str | None = None,
               person: int | None = None, path: Path | None = None, force: bool = False, full_id: bool = False,
               lang: str = "zh", directory: Path | None = None, mask_ids: bool = False,
               full_contact: bool = False, date_style: str | None = None, unit: str | None = None) -> Exported:
        """Write a roster (one stage or all), a person's full record, or the JSON backup.

        Without ``path`` the file gets a dated Chinese name in ``directory`` (default: the current one).
        The JSON backup holds full ID numbers (it restores exactly) unless ``mask_ids``; rosters and records
        mask them unless ``full_id``. Every file is created 0600: only its owner can read it.
        """
        from .exporters import (
            backup_json,
            default_name,
            format_for_path,
            person_record,
            render_rosters,
            write_atomically,
        )
        from .registers import all_rosters, roster, roster_title
        from .reports import person_view

        if path is not None:
            fmt = format_for_path(path, fmt)
        today = self.today
        if person is not None:
            fmt = fmt or "md"
            p = self.person(person)
            payload = person_record(person_view(p, self.book, today), fmt, lang, today, full_id=full_id)
            kind, rows = f"{p.name}-全程纪实", len(p.events)
        elif (fmt or "xlsx") == "json":
            fmt = "json"
            people = [p for p in self.people() if branch is None or p.branch == branch]
            if mask_ids:
                people = [replace(p, id_number=mask_id(p.id_number)) if p.id_number else p for p in people]
            payload = backup_json(people, today)
            kind, rows = "党员发展台账备份", len(people)
        else:
            fmt = fmt or "xlsx"
            opts: dict[str, Any] = {"today": today, "branch": branch, "lang": lang, "full_id": full_id,
                                    "full_contact": full_contact, "book": self.book, "unit": unit or self.unit()}
            if stage == "all":
                rosters = all_rosters(self.people(), **opts)
                kind = "发展党员名册"
            else:
                rosters = [roster(self.people(), stage, **opts)]
                kind = roster_title(stage, "zh")
            payload = render_rosters(rosters, fmt, lang, date_style)
            rows = sum(len(r.rows) for r in rosters)
        target = path or (directory or Path.cwd()) / default_name(kind, today, fmt, branch)
        written = write_atomically(target, lambda fh: fh.write(payload), force=force)
        return Exported(written, fmt, rows)

    def export_meeting(self: _Source, on: date, *, branch: str | None = None, step: str | None = None,
                       fmt: str | None = None, path: Path | None = None, directory: Path | None = None,
                       force: bool = False, lang: str = "zh") -> Exported:
        """Write the planner's list for a meeting on ``on`` (xlsx, csv, md like the rosters; json as data)."""
        from .exporters import default_name, render_rosters, write_atomically
        from .meeting import meeting_items, meeting_json, meeting_roster

        fmt = fmt or "xlsx"
        items = meeting_items(self.people(), self.book, on, today=self.today, branch=branch, step=step)
        payload = meeting_json(items, on, lang, branch) if fmt == "json" else render_rosters(
            [meeting_roster(items, on, lang, today=self.today, unit=self.unit(), branch=branch)], fmt, lang)
        target = path or (directory or Path.cwd()) / default_name(f"会议准备名单-{on}", self.today, fmt, branch)
        written = write_atomically(target, lambda fh: fh.write(payload), force=force)
        return Exported(written, fmt, len(items))

    def notice(self: _Source, start: date, *, pids: list[int] | None = None, branch: str | None = None,
               lang: str = "zh") -> tuple[Notice, NoticeList]:
        """The publicity notice (公示) for the proposed targets (or ``pids``) starting on ``start``, with the
        dates it must run; and who was asked for but cannot be on it yet (with why), or listed only later."""
        from .meeting import publicity_people
        from .publicity import build_notice

        chosen = publicity_people(self.people(), self.book, start, pids=pids, branch=branch)
        notice = build_notice(chosen.people, start, self.book, lang, issued=self.today, unit=self.unit(),
                              branch=branch)
        return notice, chosen
