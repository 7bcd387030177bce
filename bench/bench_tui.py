"""TUI benchmark, headless, on 10k generated people (bench/.data, made on first run).

    python -m bench.bench_tui [N]

Measures: start to first paint of the overview (including loading the file), one filter
keystroke on People (the table redrawn), opening a person. Medians, milliseconds.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import time

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

from bench.bench_core import DATA  # noqa: E402
from bench.generate import TODAY, generate  # noqa: E402
from screens.app import TrackerApp  # noqa: E402
from screens.people import People  # noqa: E402
from screens.person import PersonScreen  # noqa: E402
from tracker.profiles import load_rulebook  # noqa: E402
from tracker.service import Service  # noqa: E402
from tracker.store import Store  # noqa: E402


async def one_run(n: int) -> dict[str, float]:
    path = DATA / f"{n}.json"
    if not path.exists():
        generate(n, path)
    start = time.perf_counter()
    svc = Service(Store(path), load_rulebook(), lambda: TODAY)
    app = TrackerApp(svc, lang="zh", cursor_blink=False, watch_seconds=0)
    out: dict[str, float] = {}
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        out["first_paint"] = (time.perf_counter() - start) * 1000
        await pilot.press("2")
        await pilot.pause()
        people = app.screen.query_one(People)
        people.build_index.__wrapped__(people) if hasattr(people.build_index, "__wrapped__") else None
        await app.workers.wait_for_complete()
        await pilot.press("slash")
        keys = []
        for key in "zhang":
            t = time.perf_counter()
            await pilot.press(key)
            await pilot.pause()
            keys.append((time.perf_counter() - t) * 1000)
        out["keystroke"] = statistics.median(keys)
        pid = svc.people()[n // 2].id
        opens = []
        for i in range(5):
            t = time.perf_counter()
            app.open_person(pid + i)
            await pilot.pause()
            assert isinstance(app.screen, PersonScreen)
            opens.append((time.perf_counter() - t) * 1000)
            app.pop_screen()
            await pilot.pause()
        out["open_person"] = statistics.median(opens)
    return out


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    runs = [asyncio.run(one_run(n)) for _ in range(3)]
    med = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
    print(f"{n} people: first paint {med['first_paint']:.0f} ms, filter keystroke {med['keystroke']:.0f} ms, "
          f"open a person {med['open_person']:.0f} ms")


if __name__ == "__main__":
    main()
