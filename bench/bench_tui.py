"""TUI benchmark, headless, on 10k generated people (bench/.data, made on first run).

    python -m bench.bench_tui [N]

Measures: start to first paint of the overview (including loading the file), one filter
keystroke on People (the table redrawn), opening a person. Medians, milliseconds.

"Painted" is when the screen has processed every pending message, its refresh included
(Pilot's ``_wait_for_screen``). ``pilot.pause()`` would add Textual's wait for an idle CPU
(20 ms to 150 ms here), which no user sees.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import time

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

from textual.widgets import DataTable, Input

from bench.bench_core import DATA
from bench.generate import TODAY, generate
from screens.app import TrackerApp
from screens.overview import Overview
from screens.people import People
from screens.person import PersonScreen
from tracker.profiles import load_rulebook
from tracker.service import Service
from tracker.store import Store


def one_run_in_process(n: int) -> dict[str, float]:
    out = subprocess.run([sys.executable, "-m", "bench.bench_tui", "--once", str(n)], capture_output=True,
                         text=True, check=True)
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def people_rows(app: TrackerApp) -> int:
    return int(app.screen.query_one("#people-table", DataTable).row_count)


async def one_run(n: int) -> dict[str, float]:
    path = DATA / f"{n}.json"
    if not path.exists():
        generate(n, path)
    start = time.perf_counter()
    svc = Service(Store(path), load_rulebook(), lambda: TODAY)
    app = TrackerApp(svc, lang="zh", cursor_blink=False, watch_seconds=0)
    out: dict[str, float] = {}
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot._wait_for_screen()
        out["first_paint"] = (time.perf_counter() - start) * 1000
        overview = app.screen.query_one(Overview)
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
        keys = []
        for key in "zhang":  # as typed: the Input changes, People filters and redraws its table
            t = time.perf_counter()
            box.insert_text_at_cursor(key)
            await pilot._wait_for_screen()
            keys.append((time.perf_counter() - t) * 1000)
            await pilot.pause()
        assert people_rows(app) > 0
        out["keystroke"] = statistics.median(keys)
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


def main() -> None:
    if sys.argv[1:2] == ["--once"]:  # one measurement in a fresh process, as a user starts the app
        print(json.dumps(asyncio.run(one_run(int(sys.argv[2])))))
        return
    parser = argparse.ArgumentParser(prog="python -m bench.bench_tui", description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, nargs="?", default=10_000, help="people (default 10000)")
    n = parser.parse_args().n
    one_run_in_process(n)  # make the data first, outside the timings
    runs = [one_run_in_process(n) for _ in range(3)]
    med = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
    print(f"{n} people: first paint {med['first_paint']:.0f} ms (lists filled {med['lists']:.0f} ms), "
          f"filter keystroke {med['keystroke']:.0f} ms, open a person {med['open_person']:.0f} ms")


if __name__ == "__main__":
    main()
