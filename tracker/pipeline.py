"""The pipeline as the overview draws it: active people per stage (in total and per branch), and how many of
them may take their next stage step now, within 30 days and within 90 days.

"May take" is the next stage step's earliest date by the minimums (``nextstep.next_step``, the date the
planner and ``tracker eligible`` start from); gates still open (training, review …) are the planner's detail.
The counts are the same as ``tracker status`` (``reports.stage_counts``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .model import Person
from .nextstep import next_step
from .profiles import RuleBook
from .stages import STAGE_KEYS

HORIZONS: tuple[int, ...] = (30, 90)
NO_BRANCH = "—"


@dataclass(frozen=True)
class StageFlow:
    """One stage: ``count`` active people; ``ready`` may take their next stage step today already;
    ``within[i]`` by today + ``horizons[i]`` days (cumulative: the ready ones included)."""

    count: int
    ready: int
    within: tuple[int, ...]


@dataclass(frozen=True)
class Pipeline:
    today: date
    horizons: tuple[int, ...]
    total: dict[str, StageFlow]
    by_branch: dict[str, dict[str, StageFlow]]  # branch (NO_BRANCH when none) → stage → flow

    @property
    def branches(self) -> tuple[str, ...]:
        return tuple(self.by_branch)

    def stages(self, branch: str | None = None) -> dict[str, StageFlow]:
        """Per stage for one branch (None: every branch); an unknown branch has nobody."""
        if branch is None:
            return self.total
        return self.by_branch.get(branch, _empty(len(self.horizons)))

    def to_json(self) -> dict[str, object]:
        def flows(stages: dict[str, StageFlow]) -> dict[str, object]:
            return {k: {"count": f.count, "ready": f.ready,
                        "within": dict(zip((str(h) for h in self.horizons), f.within, strict=True))}
                    for k, f in stages.items()}

        return {"today": self.today.isoformat(), "total": flows(self.total),
                "by_branch": {b: flows(s) for b, s in self.by_branch.items()}}


def _empty(n: int) -> dict[str, StageFlow]:
    return {k: StageFlow(0, 0, (0,) * n) for k in STAGE_KEYS}


def pipeline(people: list[Person], book: RuleBook, today: date,
             horizons: tuple[int, ...] = HORIZONS) -> Pipeline:
    """One pass over everyone (the next step of each active person is computed once)."""
    width = 2 + len(horizons)  # count, ready, within…
    total = {k: [0] * width for k in STAGE_KEYS}
    branches: dict[str, dict[str, list[int]]] = {}
    for p in people:
        if not p.active:
            continue
        row = [1] + [0] * (width - 1)
        nxt = next_step(p, book, today, with_blockers=False)
        if nxt is not None and nxt.earliest is not None:
            days = (nxt.earliest - today).days
            row[1] = int(days <= 0)
            for i, h in enumerate(horizons):
                row[2 + i] = int(days <= h)
        per_branch = branches.setdefault(p.branch or NO_BRANCH, {k: [0] * width for k in STAGE_KEYS})
        for acc in (total[p.stage], per_branch[p.stage]):
            for i, v in enumerate(row):
                acc[i] += v

    def freeze(stages: dict[str, list[int]]) -> dict[str, StageFlow]:
        return {k: StageFlow(v[0], v[1], tuple(v[2:])) for k, v in stages.items()}

    order = sorted(branches, key=lambda b: (b == NO_BRANCH, b))  # named branches first, those without last
    return Pipeline(today, horizons, freeze(total), {b: freeze(branches[b]) for b in order})
