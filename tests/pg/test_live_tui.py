"""An open app on PostgreSQL shows what another secretary saved, within a second, without a restart."""

from __future__ import annotations

import asyncio
import os
import time
from datetime import date

os.environ["TEXTUAL_ANIMATIONS"] = "none"


from screens.app import TrackerApp
from screens.table import ListTable
from tests.pg.test_pg_store import BOOK, TODAY, service
from tracker.model import Event
from tracker.service import Service


async def test_a_change_in_another_connection_shows_in_the_open_app_within_a_second(pg_url: str) -> None:
    mine = service(pg_url)
    mine.load_demo()
    pid = mine.find("段娜").id
    other = Service(type(mine.store)(pg_url, book=BOOK), BOOK, lambda: TODAY)  # another secretary's session
    fetched: list[int] = []
    real_fetch = mine.store._fetch  # type: ignore[attr-defined]

    def counting_fetch(*args: object, **kwargs: object) -> list[object]:
        rows = real_fetch(*args, **kwargs)
        fetched.append(len(rows))
        return rows

    app = TrackerApp(mine, lang="en", cursor_blink=False, watch_seconds=0.25, initial_tab="people")
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        table = app.screen.query_one("#people-table", ListTable)
        assert "段娜改" not in [str(table.get_cell(k, "name")) for k in table.rows]
        mine.store._fetch = counting_fetch  # type: ignore[attr-defined]
        other.edit(pid, {"name": "段娜改"})
        other.record(pid, Event("thought-report", date(2026, 11, 1)))
        started = time.monotonic()
        while time.monotonic() - started < 1.0:
            await asyncio.sleep(0.05)
            table = app.screen.query_one("#people-table", ListTable)
            if "段娜改" in [str(table.get_cell(k, "name")) for k in table.rows]:
                break
        else:
            raise AssertionError("the other secretary's change did not show within a second")
        assert fetched and max(fetched) == 1  # only the changed person was read again, not everyone
