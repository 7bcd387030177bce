"""Core benchmarks on generated data of 1k, 10k and 100k people.

    python -m bench.bench_core            # 1k and 10k
    python -m bench.bench_core 100000     # any sizes

Prints, per size, medians in milliseconds:

- in the process: ``load`` (open the file and build every person), ``open`` (open the file only),
  ``record`` (one step on an open store: fresh-check, rules, saved: from ``storejournal.FROM_BYTES`` on one line
  appended to the file's change journal and fsynced), ``fold`` (a step whose write folds a full journal into the
  file: the whole file rewritten atomically, as every write of a smaller file), ``status`` and ``due`` from
  a freshly opened store's derived fields (``Service.summaries``), ``status kept``: ``Service.status`` on a
  store just opened (from the counts the file keeps, ``tracker.tally``), ``open+status``: the file opened and
  ``status`` asked, ``open+status J``: the same with 100 steps in the file's journal, and ``derive`` (everyone's derived
  fields computed from the events, what a rule-book change or a file without them costs once);
- as whole processes (``python -m tracker ...``, start-up and imports included): ``status``, ``due``
  and ``list --stage target`` printing to a pipe, one ``record``, and ``--version`` (start-up and
  imports alone).

Whole processes run with byte-code caching on (``PYTHONDONTWRITEBYTECODE`` removed from their
environment), as an installed wheel runs: without the ``.pyc`` files every start compiles the
sources again (≈ 0.1–0.2 s here).
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
from tracker import storejournal
from tracker.derived import derive, fingerprint
from tracker.model import Event
from tracker.profiles import RuleBook, load_rulebook
from tracker.reports import due_of, status_of
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


def cache_current(path: Path, book: RuleBook) -> bool:
    """Whether the file's derived fields were computed with this rule book (else it is generated again)."""
    with path.open("rb") as fh:
        return f'"derived":"{fingerprint(book)}"'.encode() in fh.read(4096)


def process_env(path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    return {**env, "TRACKER_DB": str(path), "TRACKER_TODAY": TODAY.isoformat(), "TRACKER_LANG": "zh"}


def run_ms(args: list[str], env: dict[str, str], runs: int) -> float:
    def once() -> None:
        subprocess.run([sys.executable, "-m", "tracker", *args], env=env, check=True, capture_output=True)

    once()  # warm: the .pyc files written, the file in the page cache
    return median_ms(once, runs)


def bench(n: int) -> dict[str, float]:
    path = DATA / f"{n}.json"
    book = load_rulebook()
    if not path.exists() or not cache_current(path, book):
        generate(n, path)
    runs = 5 if n <= 10_000 else 3

    def load() -> Service:
        svc = Service(Store(path), book, lambda: TODAY)
        svc.people()
        return svc

    out = {"size_mb": path.stat().st_size / 1e6, "load": median_ms(load, runs),
           "open": median_ms(lambda: Service(Store(path), book, lambda: TODAY), runs)}
    svc = load()
    talkers = [p for p in svc.people() if p.active and p.stage == "applicant" and p.last("talked") is None]
    activists = [p for p in svc.people() if p.active and p.stage == "activist"]
    everyone = svc.people()
    out["derive"] = median_ms(lambda: [derive(p, book) for p in everyone], 1 if n > 10_000 else 3)
    i = 0

    def record() -> None:
        nonlocal i
        p = activists[i % len(activists)]
        i += 1
        last = max(e.date for e in svc.person(p.id).events)
        svc.record(p.id, Event("activist-review", min(TODAY, last + timedelta(days=1)), result="pass"))

    out["record"] = median_ms(record, runs * 2)
    storejournal.MAX_ENTRIES, kept = 0, storejournal.MAX_ENTRIES  # the journal full: every write folds
    try:
        out["fold"] = median_ms(record, runs)
    finally:
        storejournal.MAX_ENTRIES = kept

    def fresh() -> Service:
        return Service(Store(path), book, lambda: TODAY)

    opened = [fresh() for _ in range(runs)]
    out["status"] = median_ms(lambda: status_of(opened.pop().summaries(), TODAY), runs)
    opened = [fresh() for _ in range(runs)]
    out["status_kept"] = median_ms(lambda: opened.pop().status(), runs)  # the file's kept counts (tracker.tally)
    out["open_status"] = median_ms(lambda: fresh().status(), runs)  # the file opened, then status
    journalled = svc.store._storage._journal_count  # type: ignore[attr-defined]
    for _ in range(100 - journalled if path.stat().st_size >= storejournal.FROM_BYTES else 0):
        record()
    out["open_status_j"] = median_ms(lambda: fresh().status(), runs)  # the same with 100 steps journalled
    opened = [fresh() for _ in range(runs)]
    out["due"] = median_ms(lambda: due_of(opened.pop().summaries(), book, TODAY), runs)

    env = process_env(path)
    out["p_version"] = run_ms(["--version"], env, runs)
    out["p_status"] = run_ms(["status"], env, runs)
    out["p_due"] = run_ms(["due"], env, runs)
    out["p_list"] = run_ms(["list", "--stage", "target"], env, runs)

    def cli_record() -> None:
        p = talkers.pop()
        subprocess.run([sys.executable, "-m", "tracker", "record", str(p.id), "talked", "--on",
                        TODAY.isoformat()], env=env, check=True, capture_output=True)

    out["p_record"] = median_ms(cli_record, runs)
    return out


COLUMNS = [("size_mb", "file MB", "{:.1f}"), ("open", "open", "{:.0f}"), ("load", "load", "{:.0f}"),
           ("record", "record", "{:.1f}"), ("fold", "fold", "{:.0f}"), ("status", "status", "{:.0f}"),
           ("status_kept", "status kept", "{:.1f}"), ("open_status", "open+status", "{:.0f}"),
           ("open_status_j", "open+status J", "{:.0f}"), ("due", "due", "{:.0f}"),
           ("derive", "derive all", "{:.0f}"), ("p_version", "P --version", "{:.0f}"),
           ("p_status", "P status", "{:.0f}"), ("p_due", "P due", "{:.0f}"), ("p_list", "P list", "{:.0f}"),
           ("p_record", "P record", "{:.0f}")]


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.bench_core", description=__doc__.splitlines()[0])
    parser.add_argument("sizes", type=int, nargs="*", default=[1_000, 10_000], help="people (default 1000 10000)")
    sizes = parser.parse_args().sizes
    print("ms; P = a whole process (python -m tracker ...)")
    print(f"{'people':>8} " + " ".join(f"{title:>11}" for _, title, _ in COLUMNS))
    for n in sizes:
        r = bench(n)
        print(f"{n:>8} " + " ".join(f"{fmt.format(r[key]):>11}" for key, _, fmt in COLUMNS), flush=True)


if __name__ == "__main__":
    main()
