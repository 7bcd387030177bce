"""TUI benchmark, headless, on 10k generated people (bench/.data, made on first run).

    python -m bench.bench_tui [N]          # headless (Pilot), in fresh processes
    python -m bench.bench_tui --tmux [N]   # as a user sees it: the real app in tmux, the screen polled
    python -m bench.bench_tui --keys [N]   # keystroke latency in tmux (tabs, cursor, Enter/Esc, the filter)
    python -m bench.bench_tui [--tmux] --db postgresql://…   # the app on that database (e.g. one branch's)

Measures: start to first paint of the overview (the file is read after it), the counts shown,
the lists filled, one filter keystroke on People (the letter shown in the box; the table filtered
and redrawn), opening a person; and the first paint of an empty database for comparison. Medians,
milliseconds. ``--keys`` sends each key with ``tmux send-keys`` and polls the pane (with its colours) every 5 ms:
"first" is when the pane first changed, "done" its last change before 0.3 s without one; median and 90th
percentile over some 15–20 keys of each kind per run. The machine's load average is printed with the figures:
on a shared machine wall times grow with it (repeat, take the quietest).

"Painted" is when the screen has processed every pending message, its refresh included
(Pilot's ``_wait_for_screen``). ``pilot.pause()`` would add Textual's wait for an idle CPU
(20 ms to 150 ms here), which no user sees.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import statistics
import subprocess
import sys
import time

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

from textual.widgets import Input

from bench.bench_core import DATA
from bench.generate import TODAY, generate
from screens.app import TrackerApp
from screens.overview import Overview
from screens.people import People
from screens.person import PersonScreen
from screens.table import ListTable
from tracker.profiles import load_rulebook
from tracker.service import Service
from tracker.store import Store


def one_run_in_process(n: int) -> dict[str, float]:
    out = subprocess.run([sys.executable, "-m", "bench.bench_tui", "--once", str(n)], capture_output=True,
                         text=True, check=True)
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def people_rows(app: TrackerApp) -> int:
    return int(app.screen.query_one("#people-table", ListTable).row_count)


async def one_run(n: int) -> dict[str, float]:
    path = DATA / f"{n}.json"
    if not path.exists():
        generate(n, path)
    start = time.perf_counter()
    opened: list[Service] = []

    def open_service() -> Service:  # as tracker.cli does: the app opens the file after its first frame
        opened.append(Service(Store(path), load_rulebook(), lambda: TODAY))
        return opened[0]

    app = TrackerApp(open_service, lang="zh", cursor_blink=False, watch_seconds=0)
    out: dict[str, float] = {}
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot._wait_for_screen()
        out["first_paint"] = (time.perf_counter() - start) * 1000
        overview = app.screen.query_one(Overview)
        while not overview.counts:  # the pipeline chart's counts ("…" until then)
            await asyncio.sleep(0.005)
        out["counts"] = (time.perf_counter() - start) * 1000
        while not overview.lists_ready:
            await asyncio.sleep(0.005)
        await pilot._wait_for_screen()
        out["lists"] = (time.perf_counter() - start) * 1000
        await pilot.pause()
        await pilot.press("2")
        await pilot.pause()
        await app.workers.wait_for_complete()  # the pinyin index, warmed in the background
        assert app.screen.query_one(People)
        await pilot.press("slash")
        await pilot.pause()
        box = app.focused
        assert isinstance(box, Input)
        keys, filtered = [], []
        count = app.screen.query_one("#people-count")
        for key in "zhang":  # as typed: the letter shows in the box, then People filters and redraws its table
            before = str(count.render())
            t = time.perf_counter()
            box.insert_text_at_cursor(key)
            await pilot._wait_for_screen()
            keys.append((time.perf_counter() - t) * 1000)
            while str(count.render()) == before and time.perf_counter() - t < 3:
                await asyncio.sleep(0.002)
            await pilot._wait_for_screen()
            filtered.append((time.perf_counter() - t) * 1000)
            await pilot.pause()
        assert people_rows(app) > 0
        out["keystroke"] = statistics.median(keys)
        out["filtered"] = statistics.median(filtered)
        svc = opened[0]
        pid = svc.people()[n // 2].id
        opens = []
        for i in range(5):
            t = time.perf_counter()
            app.open_person(pid + i)
            await pilot._wait_for_screen()
            assert isinstance(app.screen, PersonScreen)
            opens.append((time.perf_counter() - t) * 1000)
            app.pop_screen()
            await pilot.pause()
        out["open_person"] = statistics.median(opens)
    return out


async def empty_run() -> float:
    """First paint of an empty database (the yardstick: the goal is within 1.5× of it)."""
    import tempfile
    from pathlib import Path

    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        svc = Service(Store(Path(tmp) / "empty.json"), load_rulebook(), lambda: TODAY)
        app = TrackerApp(svc, lang="zh", cursor_blink=False, watch_seconds=0)
        async with app.run_test(size=(120, 36)) as pilot:
            await pilot._wait_for_screen()
            return (time.perf_counter() - start) * 1000


async def url_run(url: str) -> dict[str, float]:
    """The app on ``url`` as ``tracker --db URL`` starts it (the screen first, the database opened in a worker):
    the wall clock (``time.time``, for the parent to subtract its start) and this process's CPU time (ms, from its
    start, every thread) at the first paint and when the data are shown."""
    import resource

    from tracker.backend import open_store

    def cpu() -> float:
        r = resource.getrusage(resource.RUSAGE_SELF)
        return (r.ru_utime + r.ru_stime) * 1000

    book = load_rulebook()
    app = TrackerApp(lambda: Service(open_store(url, book=book), book, lambda: TODAY), lang="zh",
                     cursor_blink=False, watch_seconds=0)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot._wait_for_screen()
        out = {"first_paint_at": time.time(), "first_paint_cpu": cpu()}
        while not app.ready:
            await asyncio.sleep(0.005)
        await pilot._wait_for_screen()
        out.update({"shown_at": time.time(), "shown_cpu": cpu()})
    return out


def headless_url(url: str, runs: int) -> dict[str, float]:
    """``url_run`` in fresh processes: medians of the wall time from the process's start, and of its CPU time."""
    found = []
    for _ in range(runs):
        start = time.time()
        out = subprocess.run([sys.executable, "-m", "bench.bench_tui", "--once-url", url], capture_output=True,
                             text=True, check=True)
        r = json.loads(out.stdout.strip().splitlines()[-1])
        found.append({"first_paint": (r["first_paint_at"] - start) * 1000, "first_paint_cpu": r["first_paint_cpu"],
                      "shown": (r["shown_at"] - start) * 1000, "shown_cpu": r["shown_cpu"]})
    return {k: statistics.median(f[k] for f in found) for k in found[0]}


_SESSIONS = itertools.count()


def tmux_run(n: int | None, timeout: float = 60.0, url: str | None = None) -> dict[str, float]:
    """Start the real app in a detached tmux window and poll the screen (every 10 ms) until the overview is
    painted, its counts are shown and its lists are filled; then type a letter into the People filter.
    ``url``: a database to open instead of the generated file (``postgresql://…``: one branch secretary's)."""
    import shlex
    import shutil
    import tempfile
    from pathlib import Path

    if shutil.which("tmux") is None:
        raise SystemExit("tmux is not installed")
    tmp = tempfile.mkdtemp()
    db = url or (DATA / f"{n}.json" if n else Path(tmp) / "empty.json")
    session = f"bench-tui-{os.getpid()}-{next(_SESSIONS)}"
    exe = os.environ.get("BENCH_TRACKER") or Path(sys.executable).with_name("tracker")  # another build to compare
    cmd = f"TEXTUAL_ANIMATIONS=none {exe} --db {shlex.quote(str(db))} --today {TODAY.isoformat()} --lang zh"

    def screen() -> str:
        return subprocess.run(["tmux", "capture-pane", "-p", "-t", session], capture_output=True, text=True).stdout

    def wait(pred: object, since: float) -> float:
        end = time.perf_counter() + timeout
        while time.perf_counter() < end:
            if pred(screen()):  # type: ignore[operator]
                return (time.perf_counter() - since) * 1000
            time.sleep(0.01)
        raise SystemExit(f"timed out; the screen was:\n{screen()}")

    out: dict[str, float] = {}
    start = time.perf_counter()
    for _attempt in range(3):  # the tmux server may be exiting just then (its last session killed): ask again
        started = subprocess.run(["tmux", "new-session", "-d", "-s", session, "-x", "120", "-y", "36", cmd])
        if started.returncode == 0:
            break
        time.sleep(0.3)
        start = time.perf_counter()
    else:
        raise SystemExit("tmux new-session failed")
    try:
        out["first_paint"] = wait(lambda s: "入党申请人" in s, start)
        if n or url:
            def counted(s: str) -> bool:  # the pipeline chart's applicant line shows a number (before: "…")
                return any("入党申请人" in line and any(c.isdigit() for c in line) for line in s.splitlines())

            out["counts"] = wait(counted, start)
            out["lists"] = wait(lambda s: "逾期与30天内到期" in s, start)  # shown once the lists are filled
            time.sleep(0.5)
            subprocess.run(["tmux", "send-keys", "-t", session, "2"], check=True)
            shown = "显示 50/" if n else "显示 "  # a branch may have fewer than a page of people
            wait(lambda s: shown in s, time.perf_counter())
            subprocess.run(["tmux", "send-keys", "-t", session, "/"], check=True)
            time.sleep(1.0)
            before_screen = screen()
            before = next(line for line in before_screen.splitlines() if shown in line)
            t0 = time.perf_counter()
            subprocess.run(["tmux", "send-keys", "-t", session, "z"], check=True)
            if n:  # the list filtered: its count line changed
                out["keystroke"] = wait(lambda s: "显示" in s and before not in s, t0)
            else:  # a database of unknown names: the letter shown in the box (a count may not change)
                out["keystroke"] = wait(lambda s: s != before_screen, t0)
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True)
    return out


QUIET = 0.3  # seconds without a change after which a key's reaction is taken as finished (a slow filter waits 60 ms)
POLL = 0.005  # seconds between two looks at the pane


class TmuxApp:
    """The real app in a detached tmux window, its screen read with ``tmux capture-pane``."""

    def __init__(self, db: object, size: tuple[int, int] = (120, 36), lang: str = "zh") -> None:
        from pathlib import Path

        self.session = f"bench-keys-{os.getpid()}-{next(_SESSIONS)}"
        exe = os.environ.get("BENCH_TRACKER") or Path(sys.executable).with_name("tracker")  # another build to compare
        cmd = f"TEXTUAL_ANIMATIONS=none {exe} --db {db} --today {TODAY.isoformat()} --lang {lang}"
        subprocess.run(["tmux", "new-session", "-d", "-s", self.session, "-x", str(size[0]), "-y", str(size[1]),
                        cmd], check=True)

    def screen(self) -> str:
        """The pane with its colours (a cursor row or a highlighted tab is a change of style only)."""
        return subprocess.run(["tmux", "capture-pane", "-p", "-e", "-t", self.session], capture_output=True,
                              text=True).stdout

    def text(self) -> str:
        return subprocess.run(["tmux", "capture-pane", "-p", "-t", self.session], capture_output=True,
                              text=True).stdout

    def wait_text(self, word: str, timeout: float = 60.0) -> None:
        end = time.perf_counter() + timeout
        while word not in self.text():
            if time.perf_counter() > end:
                raise SystemExit(f"timed out waiting for {word!r}; the screen was:\n{self.text()}")
            time.sleep(0.02)

    def settle(self, quiet: float = 0.4, timeout: float = 30.0) -> None:
        """Until the screen has not changed for ``quiet`` seconds (workers done, lists drawn)."""
        end = time.perf_counter() + timeout
        last, since = self.screen(), time.perf_counter()
        while time.perf_counter() - since < quiet and time.perf_counter() < end:
            time.sleep(0.02)
            now = self.screen()
            if now != last:
                last, since = now, time.perf_counter()

    def key(self, key: str, timeout: float = 5.0) -> tuple[float, float]:
        """Send one key; return (ms until the screen first changed, ms until its last change before a quiet
        ``QUIET`` s). A key that changes nothing on screen counts as its timeout."""
        before = self.screen()
        t0 = time.perf_counter()
        subprocess.run(["tmux", "send-keys", "-t", self.session, key], check=True)
        first = last = None
        prev = before
        end = t0 + timeout
        while True:
            now_t = time.perf_counter()
            if (last is not None and now_t - last > QUIET) or now_t > end:
                break
            shot = self.screen()
            seen = time.perf_counter()
            if shot != prev:
                if first is None:
                    first = seen
                    last = seen
                elif not _blink_only(prev, shot):
                    last = seen
                prev = shot
            time.sleep(POLL)
        if first is None or last is None:
            return timeout * 1000, timeout * 1000
        return (first - t0) * 1000, (last - t0) * 1000

    def close(self) -> None:
        subprocess.run(["tmux", "kill-session", "-t", self.session], capture_output=True)


def _blink_only(before: str, after: str) -> bool:
    """Only a text box's lines changed (its cursor blinks every 0.5 s): not part of a key's reaction. Without this
    a blink up to 0.3 s after the list was drawn counted as the reaction's end."""
    old, new = before.splitlines(), after.splitlines()
    if len(old) != len(new):
        return False
    return all("▊" in a for a, b in zip(old, new, strict=True) if a != b)


KEY_KINDS = ("filter letter", "filter backspace", "cursor ↓", "page ↓", "tab (1–5, first visit)", "tab (1–5)",
             "open person (Enter)", "back (Esc)")


def tmux_keys(n: int, rounds: int = 4) -> dict[str, list[tuple[float, float]]]:
    """Keystroke latency as a user feels it: each key sent to the real app in tmux, the pane polled every 5 ms
    until it changes and until it stops changing."""
    db = DATA / f"{n}.json"
    LOADS.append(os.getloadavg()[0])
    app = TmuxApp(db)
    out: dict[str, list[tuple[float, float]]] = {k: [] for k in KEY_KINDS}
    try:
        app.wait_text("逾期与30天内到期")  # the overview's lists are filled
        app.settle(1.0)
        for i in range(rounds):  # tabs: the first round builds each pane
            for key in "23451":
                out["tab (1–5, first visit)" if i == 0 and key != "1" else "tab (1–5)"].append(app.key(key))
                app.settle(0.3)
        app.key("2")
        app.settle(2.0)  # the pinyin index is built in a worker when People is first shown
        for _ in range(15):
            out["cursor ↓"].append(app.key("Down"))
        for _ in range(6):
            out["page ↓"].append(app.key("PageDown"))
        for _ in range(8):
            out["open person (Enter)"].append(app.key("Enter"))
            app.settle(0.3)
            out["back (Esc)"].append(app.key("Escape"))
            app.settle(0.3)
            app.key("Down")
        app.key("/")
        app.settle(0.6)
        for word in ("zhang", "wang", "lxy", "第3", "chen"):
            for letter in word:
                out["filter letter"].append(app.key(letter))
            for _ in word:
                out["filter backspace"].append(app.key("BSpace"))
            app.settle(0.3)
    finally:
        app.close()
    return out


LOADS: list[float] = []  # the 1-minute load average as each run started: wall times grow with it


def keys_report(n: int, runs: list[dict[str, list[tuple[float, float]]]]) -> str:
    loads = [*LOADS, os.getloadavg()[0]]
    lines = [f"tmux, {n} people, keystrokes (load average {min(loads):.1f}–{max(loads):.1f} on "
             f"{os.cpu_count()} cores, from the first run's start to the end): median / p90 ms until the pane "
             f"first changed, and until it stopped changing (the reaction finished)"]
    for kind in KEY_KINDS:
        firsts = [f for r in runs for f, _ in r[kind]]
        lasts = [s for r in runs for _, s in r[kind]]
        if not firsts:
            continue
        lines.append(f"  {kind:24} {len(firsts):3} keys  first {_med_p90(firsts)}   done {_med_p90(lasts)}")
    return "\n".join(lines)


def _med_p90(values: list[float]) -> str:
    ordered = sorted(values)
    p90 = ordered[min(len(ordered) - 1, round(0.9 * (len(ordered) - 1)))]
    return f"{statistics.median(ordered):5.0f} / {p90:5.0f}"


def main() -> None:
    if sys.argv[1:2] == ["--once-url"]:
        print(json.dumps(asyncio.run(url_run(sys.argv[2]))))
        return
    if sys.argv[1:2] == ["--once"]:  # one measurement in a fresh process, as a user starts the app
        n = int(sys.argv[2])
        print(json.dumps(asyncio.run(one_run(n)) if n else {"first_paint": asyncio.run(empty_run())}))
        return
    parser = argparse.ArgumentParser(prog="python -m bench.bench_tui", description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, nargs="?", default=10_000, help="people (default 10000)")
    parser.add_argument("--tmux", action="store_true", help="measure the real app in tmux, as a user sees it")
    parser.add_argument("--keys", action="store_true",
                        help="keystroke latency in tmux: tabs, cursor, open/back, the People filter (median/p90)")
    parser.add_argument("--runs", type=int, default=3, help="fresh processes to measure (default 3)")
    parser.add_argument("--db", metavar="URL",
                        help="open this database instead of N generated people, e.g. a branch secretary's "
                        "postgresql://… (python -m bench.bench_pg makes 100k people in 200 branches); headless, or "
                        "with --tmux as a user sees it")
    args = parser.parse_args()
    n = args.n
    if args.db and not args.tmux:
        med = headless_url(args.db, args.runs)
        print(f"headless, {args.db} (load average {os.getloadavg()[0]:.1f}), from the process's start: first paint "
              f"{med['first_paint']:.0f} ms ({med['first_paint_cpu']:.0f} ms CPU), the data shown {med['shown']:.0f} ms "
              f"({med['shown_cpu']:.0f} ms CPU)")
        return
    if args.db:
        empty = statistics.median(tmux_run(None)["first_paint"] for _ in range(3))
        runs = [tmux_run(None, url=args.db) for _ in range(args.runs)]
        med = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
        print(f"tmux, {args.db} (load average {os.getloadavg()[0]:.1f}): first paint {med['first_paint']:.0f} ms "
              f"(an empty file {empty:.0f} ms), counts {med['counts']:.0f} ms, lists {med['lists']:.0f} ms; "
              f"a filter keystroke shown in {med['keystroke']:.0f} ms")
        return
    one_run_in_process(n)  # make the data first, outside the timings
    if args.keys:
        print(keys_report(n, [tmux_keys(n) for _ in range(args.runs)]))
        return
    if args.tmux:
        empty = statistics.median(tmux_run(None)["first_paint"] for _ in range(3))
        runs = [tmux_run(n) for _ in range(3)]
        med = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
        print(f"tmux, {n} people (load average {os.getloadavg()[0]:.1f}): first paint {med['first_paint']:.0f} ms "
              f"(empty database {empty:.0f} ms), counts "
              f"{med['counts']:.0f} ms, lists {med['lists']:.0f} ms; a filter keystroke shown in "
              f"{med['keystroke']:.0f} ms")
        return
    empty = statistics.median(one_run_in_process(0)["first_paint"] for _ in range(3))
    runs = [one_run_in_process(n) for _ in range(3)]
    med = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
    print(f"{n} people: first paint {med['first_paint']:.0f} ms (empty database {empty:.0f} ms), counts "
          f"{med['counts']:.0f} ms, lists filled {med['lists']:.0f} ms, filter keystroke shown {med['keystroke']:.0f} ms "
          f"(list filtered {med['filtered']:.0f} ms), "
          f"open a person {med['open_person']:.0f} ms")


if __name__ == "__main__":
    main()
