"""The year's figures as 党内统计 counts them: what happened in the year (by the approval's date for
发展党员 and 转正), and how many are in each stage at the year's end (or today, for the current year)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from .i18n import BilingualError
from .model import Person

#: what happened in the year: applications received, activists named, targets listed, 发展党员 (admissions
#: approved), 转正 (conversions approved), people who left
FLOW_KEYS = ("applied", "activist", "target", "approved", "conversion-approved", "left")
#: the stages counted at the year's end
STOCK_KEYS = ("applicant", "activist", "target", "probationary", "member")
#: what the flows are called (the report's column heads)
FLOW_LABELS: dict[str, tuple[str, str]] = {
    "applied": ("收到入党申请", "Applications"), "activist": ("确定积极分子", "Activists named"),
    "target": ("确定发展对象", "Targets listed"), "approved": ("发展党员", "Admissions approved"),
    "conversion-approved": ("预备党员转正", "Conversions approved"), "left": ("离开", "Left")}


class FutureYearError(BilingualError):
    """A year that has not begun has no figures (exit code 2)."""


@dataclass(frozen=True)
class YearFigures:
    year: int
    as_of: date  # 31 December, or today for the current year
    complete: bool
    flows: dict[str, int]
    at_end: dict[str, int]
    by_branch: dict[str, dict[str, dict[str, int]]]  # branch → {"flows": …, "at_end": …}

    def sentence(self, lang: str) -> str:
        f, s = self.flows, self.at_end
        if lang == "zh":
            when = "全年" if self.complete else f"截至{self.as_of}"
            end = "年末有" if self.complete else f"截至{self.as_of}有"
            return (f"{self.year}年{when}收到入党申请书{f['applied']}份，确定入党积极分子{f['activist']}名、"
                    f"发展对象{f['target']}名，发展党员{f['approved']}名，预备党员转正{f['conversion-approved']}名；"
                    f"{end}入党申请人{s['applicant']}名、入党积极分子{s['activist']}名、发展对象{s['target']}名、"
                    f"预备党员{s['probationary']}名。")
        when = "" if self.complete else f" (to {self.as_of})"
        end = "at the year's end" if self.complete else f"on {self.as_of}"
        return (f"In {self.year}{when}: {f['applied']} applications received, {f['activist']} activists and "
                f"{f['target']} development targets named, {f['approved']} admissions approved, "
                f"{f['conversion-approved']} conversions approved; {end} {s['applicant']} applicants, "
                f"{s['activist']} activists, {s['target']} development targets, {s['probationary']} "
                "probationary members.")

    def seed_sentence(self, lang: str) -> str:
        """The annual report's usual line: 正式党员 = conversions approved in the year; the others = in
        that stage at the year's end."""
        f, s = self.flows, self.at_end
        if lang == "zh":
            return (f"共发展正式党员{f['conversion-approved']}名，发展对象{s['target']}名，"
                    f"入党积极分子{s['activist']}名，入党申请人{s['applicant']}名。")
        return (f"{f['conversion-approved']} full members (conversions approved), {s['target']} development "
                f"targets, {s['activist']} activists, {s['applicant']} applicants.")

    def to_json(self, lang: str) -> dict[str, Any]:
        return {"year": self.year, "as_of": self.as_of.isoformat(), "complete": self.complete,
                "flows": self.flows, "at_end": self.at_end, "by_branch": self.by_branch,
                "sentence": self.sentence(lang), "seed_sentence": self.seed_sentence(lang)}


def _stage_on(person: Person, day: date) -> str | None:
    """The stage ``person`` was in on ``day``: None before they applied or after they left."""
    events = tuple(ev for ev in person.events if ev.date <= day)
    if not events or any(ev.event == "left" for ev in events):
        return None
    return person.with_events(events).stage


def year_figures(people: list[Person], year: int, today: date, branch: str | None = None) -> YearFigures:
    """Per branch and in total. The branch is the person's current one (the register holds no
    history of moves between branches)."""
    if year > today.year:
        raise FutureYearError(f"{year}年尚未开始（今天是 {today}），还没有统计数字。",
                              f"{year} has not begun (today is {today}); there are no figures yet.")
    complete = year < today.year
    as_of = date(year, 12, 31) if complete else today
    flows = dict.fromkeys(FLOW_KEYS, 0)
    at_end = dict.fromkeys(STOCK_KEYS, 0)
    by_branch: dict[str, dict[str, dict[str, int]]] = {}
    for p in people:
        if branch is not None and p.branch != branch:
            continue
        happened = [ev.event for ev in p.events if ev.event in flows and ev.date.year == year and ev.date <= as_of]
        stage = _stage_on(p, as_of)
        if not happened and stage is None:
            continue
        row = by_branch.setdefault(p.branch or "—", {"flows": dict.fromkeys(FLOW_KEYS, 0),
                                                     "at_end": dict.fromkeys(STOCK_KEYS, 0)})
        for key in happened:
            row["flows"][key] += 1
            flows[key] += 1
        if stage is not None:
            row["at_end"][stage] += 1
            at_end[stage] += 1
    return YearFigures(year, as_of, complete, flows, at_end, dict(sorted(by_branch.items())))


def year_flows(people: list[Person], first: int, last: int, today: date,
               branch: str | None = None) -> dict[int, dict[str, int]]:
    """The flows of ``year_figures`` for every year from ``first`` to ``last`` (not beyond today's year)
    in one pass: the trend the TUI draws beside a year's figures."""
    last = min(last, today.year)
    out = {y: dict.fromkeys(FLOW_KEYS, 0) for y in range(first, last + 1)}
    for p in people:
        if branch is not None and p.branch != branch:
            continue
        for ev in p.events:
            row = out.get(ev.date.year)
            if row is not None and ev.event in row and ev.date <= today:
                row[ev.event] += 1
    return out
