"""Core benchmarks on generated data of 1k, 10k and 100k people.

    python -m bench.bench_core            # 1k and 10k
    python -m bench.bench_core 100000     # any sizes

Prints, per size: load (open the file and build every person), one recorded event on an open
store (fresh-check + rules + atomic save), the same as a whole ``tracker record`` process,
``due`` over everyone and ``status``. Medians of several runs, in milliseconds.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from bench.generate import TODAY, generate
from tracker.model import Event
from tracker.profiles import load_rulebook
from tracker.reports import due_list, status
from tracker.service import Service
from tracker.store import Store

DATA = Path(__file__).parent / ".data"


def median_ms(fn: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def bench(n: int) -> dict[str, float]:
    path = DATA / f"{n}.json"
    if not path.exists():
        generate(n, path)
    book = load_rulebook()
    runs = 5 if n <= 10_000 else 3

    def load() -> Service:
        svc = Service(Store(path), book, lambda: TODAY)
        svc.people()
        return svc

    out = {"size_mb": path.stat().st_size / 1e6, "load": median_ms(load, runs)}
    svc = load()
    talkers = [p for p in svc.people() if p.active and p.stage == "applicant" and p.last("talked") is None]
    activists = [p for p in svc.people() if p.active and p.stage == "activist"]
    i = 0

    def record() -> None:
        nonlocal i
        p = activists[i % len(activists)]
        i += 1
        last = max(e.date for e in svc.person(p.id).events)
        svc.record(p.id, Event("activist-review", min(TODAY, last + timedelta(days=1)), result="pass"))

    out["record"] = median_ms(record, runs * 2)
    env = {**os.environ, "TRACKER_DB": str(path), "TRACKER_TODAY": TODAY.isoformat(), "TRACKER_LANG": "zh"}

    def cli_record() -> None:
        p = talkers.pop()
        subprocess.run([sys.executable, "-m", "tracker", "record", str(p.id), "talked", "--on",
                        TODAY.isoformat()], env=env, check=True, capture_output=True)

    out["record_cli"] = median_ms(cli_record, 3)
    people = svc.people()
    out["due"] = median_ms(lambda: due_list(people, book, TODAY), runs)
    out["status"] = median_ms(lambda: status(people, book, TODAY), runs)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.bench_core", description=__doc__.splitlines()[0])
    parser.add_argument("sizes", type=int, nargs="*", default=[1_000, 10_000], help="people (default 1000 10000)")
    sizes = parser.parse_args().sizes
    print(f"{'people':>8} {'file MB':>8} {'load':>9} {'record':>9} {'record (CLI)':>13} {'due':>9} {'status':>9}")
    for n in sizes:
        r = bench(n)
        print(f"{n:>8} {r['size_mb']:>8.1f} {r['load']:>7.0f}ms {r['record']:>7.1f}ms {r['record_cli']:>11.0f}ms "
              f"{r['due']:>7.0f}ms {r['status']:>7.0f}ms", flush=True)


if __name__ == "__main__":
    main()
