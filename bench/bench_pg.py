"""PostgreSQL at committee scale: 100k people in 200 branches.

    python -m bench.bench_pg                 # a throwaway local cluster (needs the server binaries), 100k people
    python -m bench.bench_pg --n 20000       # smaller
    python -m bench.bench_pg --url postgresql://owner@host/db   # an existing, empty database you own

Loads the people through ``tracker migrate`` (file → PostgreSQL), grants one branch secretary and the
organiser, then times whole ``tracker`` processes as they would run them (medians, ms): the secretary's
``status`` and ``due``, the committee's ``status``, one ``record``; the app's first paint for one branch;
and 8 writers recording at once (steps per second, each a process of its own).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

from bench.generate import TODAY
from tracker import pgadmin
from tracker.backend import open_store
from tracker.demo import bench_people
from tracker.model import Event
from tracker.profiles import load_rulebook
from tracker.service import Service

BRANCHES = 200
#: the client process's CPU time (user + system), median ms, by command: the wall time depends on the load
CPU: dict[str, float] = {}
ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).parent / ".data"


def _as(url: str, user: str) -> str:
    """The same database as another user: ``user=`` in the query, else the URL's user part."""
    import re

    if re.search(r"[?&]user=", url):
        return re.sub(r"([?&]user=)[^&]*", lambda m: m.group(1) + user, url)
    scheme, rest = url.split("://", 1)
    return f"{scheme}://{user}@{rest.split('@', 1)[-1]}"


def load(url: str, n: int) -> dict[str, float]:
    """The people (generated once, kept as bench/.data/pg-N.json) copied in with ``migrate``."""
    book = load_rulebook()
    path = DATA / f"pg-{n}.json"
    out: dict[str, float] = {}
    if not path.exists():
        t = time.perf_counter()
        people = [replace(p, branch=f"第{i % BRANCHES + 1}党支部") for i, p in enumerate(bench_people(n, TODAY, book))]
        path.parent.mkdir(parents=True, exist_ok=True)
        svc = Service(open_store(path, book=book), book, lambda: TODAY)
        svc.add_many(people, "import", f"生成 {n} 人", f"generated {n} people")
        out["generate_s"] = time.perf_counter() - t
    t = time.perf_counter()
    pgadmin.migrate(str(path), url, book)
    out["migrate_s"] = time.perf_counter() - t
    pgadmin.grant(url, "sec1", ["第1党支部"], False)
    pgadmin.grant(url, "org", [], True)
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE people")
        conn.execute("VACUUM ANALYZE history")
    return out


def cli_ms(url: str, *args: str, runs: int = 5) -> float:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}
    env.update({"TRACKER_DB": url, "TRACKER_TODAY": TODAY.isoformat(), "TRACKER_LANG": "zh", "COLUMNS": "160"})
    times, cpu = [], []
    for _ in range(runs):
        t, before = time.perf_counter(), resource.getrusage(resource.RUSAGE_CHILDREN)
        proc = subprocess.run([sys.executable, "-m", "tracker", *args], env=env, cwd=ROOT, capture_output=True,
                              text=True)
        times.append((time.perf_counter() - t) * 1000)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append((after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime) * 1000)
        if proc.returncode != 0:
            raise RuntimeError(f"tracker {' '.join(args)}: {proc.stderr}")
    CPU[" ".join(args[:1])] = statistics.median(cpu)
    return statistics.median(times)


def activists(url: str, room_days: int = 450) -> list[int]:
    book = load_rulebook()
    svc = Service(open_store(url, book=book), book, lambda: TODAY)
    since = TODAY - timedelta(days=room_days)  # room for a thought report on each of the days before today
    return [p.id for p in svc.people() if p.active and p.stage == "activist" and (p.date_of("activist") or TODAY) <= since]


def record_cli_ms(url: str, ids: list[int], runs: int = 5) -> float:
    times, cpu = [], []
    for k in range(runs):
        on = (TODAY - timedelta(days=k + 1)).isoformat()
        times.append(cli_ms(url, "record", str(ids[k % len(ids)]), "thought-report", "--on", on, runs=1))
        cpu.append(CPU["record"])
    CPU["record"] = statistics.median(cpu)
    return statistics.median(times)


def record_in_process_ms(url: str, ids: list[int], runs: int = 20) -> float:
    book = load_rulebook()
    svc = Service(open_store(url, book=book), book, lambda: TODAY)
    times = []
    for k in range(runs):
        t = time.perf_counter()
        svc.record(ids[k % len(ids)], Event("thought-report", TODAY - timedelta(days=10 + k)), override="bench")
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def python_ms(code: str, runs: int = 5) -> float:
    """A bare interpreter running ``code`` (median ms): what Python and an import cost before the tool does anything."""
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def compile_package() -> None:
    """Byte-compile the package as an installation does (``pip install`` writes the .pyc files): with
    PYTHONDONTWRITEBYTECODE set and an editable install, every process would otherwise compile ~40 modules
    (≈ 0.2 s of each figure)."""
    import compileall

    for sub in ("tracker", "screens"):
        compileall.compile_dir(str(ROOT / sub), quiet=1)


def first_paint_ms(url: str, runs: int = 3) -> tuple[float, float]:
    """The app as ``tracker`` starts it (the screen first, the database opened in a worker): median ms to the first
    paint and to the data shown, in this process (psycopg and Textual already imported)."""
    times = [_first_paint_ms(url) for _ in range(runs)]
    return statistics.median(t[0] for t in times), statistics.median(t[1] for t in times)


def _first_paint_ms(url: str) -> tuple[float, float]:
    from screens.app import TrackerApp

    async def run() -> tuple[float, float]:
        start = time.perf_counter()
        book = load_rulebook()
        app = TrackerApp(lambda: Service(open_store(url, book=book), book, lambda: TODAY), lang="zh",
                         cursor_blink=False, watch_seconds=0)
        async with app.run_test(size=(120, 36)) as pilot:
            await pilot._wait_for_screen()
            painted = (time.perf_counter() - start) * 1000
            while not app.ready:
                await asyncio.sleep(0.005)
            await pilot._wait_for_screen()
            return painted, (time.perf_counter() - start) * 1000

    return asyncio.run(run())


def tmux_first_paint(url: str, runs: int = 3) -> dict[str, float]:
    """The real app in tmux, as a secretary starts it (``bench.bench_tui --tmux --db URL``): medians, ms."""
    import shutil

    from bench.bench_tui import tmux_run

    if shutil.which("tmux") is None:
        return {}
    found = [tmux_run(None, url=url) for _ in range(runs)]
    return {f"tmux_{k}_ms": statistics.median(r[k] for r in found) for k in found[0]}


def _writer(url: str, ids: list[int], steps: int, w: int, ready: Any, go: Any, done: Any) -> None:
    book = load_rulebook()
    svc = Service(open_store(url, book=book), book, lambda: TODAY)
    ready.put(w)
    go.wait()
    for i in range(steps):
        svc.record(ids[(w * 7 + i) % len(ids)], Event("thought-report", TODAY - timedelta(days=1 + w * steps + i),
                                                       note=f"w{w}-{i}"))
    done.put(time.perf_counter())


def writers_steps_per_s(url: str, ids: list[int], writers: int = 8, steps: int = 50) -> float:
    """Sustained: timed from when all writers are connected until the last one's last step."""
    ctx = multiprocessing.get_context("spawn")
    ready, done, go = ctx.Queue(), ctx.Queue(), ctx.Event()
    procs = [ctx.Process(target=_writer, args=(url, ids[:64], steps, w, ready, go, done)) for w in range(writers)]
    for p in procs:
        p.start()
    for _ in procs:
        ready.get(timeout=300)
    t = time.perf_counter()
    go.set()
    end = max(done.get(timeout=600) for _ in procs)
    for p in procs:
        p.join()
    if any(p.exitcode != 0 for p in procs):
        raise RuntimeError("a writer failed")
    return writers * steps / (end - t)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.bench_pg", description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="people (default 100000)")
    parser.add_argument("--json-out", type=Path, help="also write the figures to this file")
    parser.add_argument("--url", help="an empty database you own (default: a throwaway local cluster)")
    args = parser.parse_args(argv)
    cluster = None
    url = args.url
    if url is None:
        from tests.pg.cluster import Cluster, missing_reason

        reason = missing_reason()
        if reason:
            raise SystemExit(reason)
        cluster = Cluster().start()
        import signal

        signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # runs the finally below: the cluster stops
        url = cluster.url(cluster.new_database())
    try:
        compile_package()
        out: dict[str, float] = {"people": args.n, "branches": BRANCHES, **load(url, args.n)}
        out["load_average_1min_start"] = os.getloadavg()[0]
        out["python_bare_ms"] = python_ms("pass")
        out["python_import_psycopg_ms"] = python_ms("import psycopg")
        sec, org = _as(url, "sec1"), _as(url, "org")
        one = Path(tempfile.mkdtemp()) / "one.json"  # the same command on a file of one person: the floor
        cli_ms(str(one), "add", "某人", "--applied", "2026-01-05", runs=1)
        out["empty_file_status_ms"] = cli_ms(str(one), "status")
        out["empty_file_status_cpu_ms"] = CPU["status"]
        for who, user_url, cmd in (("branch", sec, "status"), ("branch", sec, "due"), ("branch", sec, "list"),
                                   ("committee", org, "status"), ("committee", org, "due")):
            out[f"{who}_{cmd}_ms"] = cli_ms(user_url, cmd, runs=5 if who == "branch" or cmd == "status" else 3)
            out[f"{who}_{cmd}_cpu_ms"] = CPU[cmd]
        mine = activists(sec, 60) or activists(sec, 0)
        out["record_process_ms"] = record_cli_ms(sec, mine)
        out["record_process_cpu_ms"] = CPU["record"]
        out["record_in_process_ms"] = record_in_process_ms(sec, mine)
        out["branch_first_paint_ms"], out["branch_data_shown_ms"] = first_paint_ms(sec)
        out.update({f"branch_{k}": v for k, v in tmux_first_paint(sec).items()})
        out["writers8_steps_per_s"] = writers_steps_per_s(org, activists(org))
        out["load_average_1min"] = os.getloadavg()[0]
        text = json.dumps({k: round(v, 1) for k, v in out.items()}, ensure_ascii=False, indent=1)
        print(text)
        if args.json_out:
            args.json_out.write_text(text + "\n", encoding="utf-8")
    finally:
        if cluster is not None:
            cluster.stop()


if __name__ == "__main__":
    main()
