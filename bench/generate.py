"""Generate a database of N people (the demo's mix of stages) for benchmarks.

    python -m bench.generate 10000 bench/.data/10k.json
"""

from __future__ import annotations

import argparse
import time
from datetime import date
from pathlib import Path

from tracker.demo import bench_people
from tracker.profiles import load_rulebook
from tracker.service import Service
from tracker.store import Store

TODAY = date(2026, 11, 27)


def generate(n: int, path: Path, today: date = TODAY) -> float:
    """Write ``n`` people to a fresh database at ``path``; returns the seconds it took."""
    start = time.perf_counter()
    if path.exists():
        path.unlink()
    book = load_rulebook()
    people = bench_people(n, today, book)
    Service(Store(path), book, lambda: today).add_many(people, "import", f"生成 {n} 人", f"generated {n} people")
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.generate", description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, help="how many people")
    parser.add_argument("path", type=Path, help="the database file to write (replaced if it exists)")
    args = parser.parse_args(argv)
    n, path = args.n, args.path
    path.parent.mkdir(parents=True, exist_ok=True)
    secs = generate(n, path)
    print(f"{n} people → {path} ({path.stat().st_size / 1e6:.1f} MB) in {secs:.1f} s")


if __name__ == "__main__":
    main()
