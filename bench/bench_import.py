"""Import time by number of rows: a CSV roster of N people imported into an empty database.

    python -m bench.bench_import 1000 2000 4000 8000

Prints, per size: planning (read, match, check every row) and the whole import (plan + one
atomic write), in seconds. Import time should grow linearly with the rows.
"""

from __future__ import annotations

import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from bench.generate import TODAY
from tracker.demo import bench_people
from tracker.exporters import render_rosters
from tracker.importers import plan_import
from tracker.inputs import id_check_char
from tracker.model import Person
from tracker.profiles import load_rulebook
from tracker.registers import roster
from tracker.service import Service
from tracker.store import Store


def _id_number(i: int, birth: str) -> str:
    first17 = f"{110101 + i // 1000}{birth}{i % 1000:03d}"
    return first17 + id_check_char(first17)


def write_sheet(n: int, path: Path) -> None:
    """An activist roster of ``n`` people, with full, distinct ID numbers."""
    book = load_rulebook()
    people: list[Person] = []
    for p in bench_people(n * 4 + 16, TODAY, book):
        if p.active and p.stage == "activist" and len(people) < n:
            birth = p.birth or TODAY.replace(year=TODAY.year - 25)
            i = len(people)
            people.append(replace(p, id=i + 1, birth=birth, name=f"{p.name}{i}",
                                  id_number=_id_number(i, birth.strftime("%Y%m%d"))))
    path.write_bytes(render_rosters([roster(people, "activist", today=TODAY, full_id=True)], "csv", "zh"))


def bench(n: int) -> tuple[float, float]:
    book = load_rulebook()
    with tempfile.TemporaryDirectory() as tmp:
        sheet = Path(tmp) / f"{n}.csv"
        write_sheet(n, sheet)
        svc = Service(Store(Path(tmp) / "db.json"), book, lambda: TODAY)
        start = time.perf_counter()
        plan = plan_import(sheet, svc.people(), book, TODAY)
        planned = time.perf_counter() - start
        assert plan.errors == 0, [r.problems for r in plan.rows if r.problems][:3]
        svc.apply_import(plan)
        return planned, time.perf_counter() - start


def main() -> None:
    for arg in sys.argv[1:] or ["1000", "2000", "4000", "8000"]:
        n = int(arg)
        planned, total = bench(n)
        print(f"{n:>6} rows: plan {planned:.2f} s, plan + write {total:.2f} s")


if __name__ == "__main__":
    main()
