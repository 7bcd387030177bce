"""How long an import holds the writer's lock when it merges into people others changed meanwhile.

    python -m bench.bench_import_race 8000

A sheet adds the activist step to N people already in the database; 0, 1, 100 or 1,000 of them are changed
by another writer between planning (no lock) and writing. Prints planning time and the time the write
holds the lock (re-checking the changed people's rows, then one atomic write).
"""

from __future__ import annotations

import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from bench.bench_import import write_sheet
from bench.generate import TODAY
from tracker.importers import plan_import
from tracker.profiles import load_rulebook
from tracker.service import Service
from tracker.store import Store


def main() -> None:
    book = load_rulebook()
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 8000
    for touched in (0, 1, 100, 1000):
        with tempfile.TemporaryDirectory() as tmp:
            sheet = Path(tmp) / "s.csv"
            write_sheet(n, sheet)
            db = Path(tmp) / "db.json"
            svc = Service(Store(db), book, lambda: TODAY)
            # the database holds the same people as applicants: the sheet adds their activist step
            plan0 = plan_import(sheet, [], book, TODAY)
            svc.add_many([p.with_events(tuple(e for e in p.events if e.event == "applied")) for p in plan0.new],
                         "seed", "seed", "seed")
            imp = Service(Store(db), book, lambda: TODAY)
            t0 = time.perf_counter()
            plan = plan_import(sheet, imp.people(), book, TODAY)
            t_plan = time.perf_counter() - t0
            assert plan.errors == 0 and len(plan.updated) == n, (plan.errors, len(plan.updated))
            other = Service(Store(db), book, lambda: TODAY)
            ids = [p.id for p in other.people()][:touched]
            if ids:
                with other.store.transaction() as tx:
                    tx.put_all([replace(other.person(pid), phone="13900000000") for pid in ids])
                    tx.log("edit", "x", "x")
            t1 = time.perf_counter()
            hid = imp.apply_import(plan)
            t_apply = time.perf_counter() - t1
            check = Service(Store(db), book, lambda: TODAY).people()
            assert hid and all(p.phone == "13900000000" for p in check if p.id in set(ids))
            assert all("activist" in p.kinds for p in check)
            print(f"{n} rows, {touched:>4} changed meanwhile: plan {t_plan:.2f} s, apply (lock held) {t_apply:.2f} s")


if __name__ == "__main__":
    main()
