"""Pilot tests of the pictures: the pipeline chart (its counts are `tracker status`'s), the calendar tab
(moving by month, Enter on a day lists its people and opens one), a person's time axis, the year's chart."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from rich.cells import cell_len
from textual.widgets import DataTable, Label

from screens.axischart import PersonAxis
from screens.calendar import Calendar, MonthGrid
from screens.charts import PipelineChart
from screens.person import PersonScreen
from screens.table import ListTable
from screens.yearchart import YearScreen
from tracker.calendar import agenda, month_grid
from tracker.pipeline import pipeline
from tracker.reports import stage_counts
from tracker.yearly import year_figures

from .conftest import BOOK, TODAY, MakeApp, make_service
from .test_pilot import chart_rows

SIZE = (120, 36)
ROOT = Path(__file__).resolve().parents[2]


def _status_counts(db: Path) -> dict[str, int]:
    """What `tracker status` prints for the same file and day."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}
    proc = subprocess.run([sys.executable, "-m", "tracker", "--db", str(db), "--today", TODAY.isoformat(), "status",
                           "--json"], capture_output=True, text=True, env=env, cwd=ROOT, timeout=60, check=True)
    counts: dict[str, int] = json.loads(proc.stdout)["counts"]
    return counts


# --------------------------------------------------------------------------- pipeline

async def test_the_pipeline_chart_shows_the_counts_of_tracker_status(make_app: MakeApp, tmp_path: Path) -> None:
    svc = make_service(tmp_path / "status.json")
    app = make_app(svc=svc)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        rows = chart_rows(app)
        for stage, n in _status_counts(tmp_path / "status.json").items():
            assert rows[{"applicant": "入党申请人", "activist": "入党积极分子", "target": "发展对象",
                         "probationary": "预备党员", "member": "正式党员"}[stage]][0] == str(n)


async def test_the_chart_says_how_many_may_move_on_now_and_within_30_and_90_days(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        flows = pipeline(app.service.people(), BOOK, TODAY).total
        rows = chart_rows(app)
        assert rows["入党积极分子"][1:] == [str(flows["activist"].ready), *(str(n) for n in flows["activist"].within)]
        assert rows["正式党员"][1:] == ["—", "—", "—"]  # nothing comes after


async def test_b_shows_the_pipeline_of_each_branch_in_turn(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        people = app.service.people()
        branches = sorted({p.branch for p in people if p.branch})
        chart = app.screen.query_one(PipelineChart)
        assert "全部支部" in str(chart.render()).splitlines()[0]
        for branch in branches:
            await pilot.press("b")
            await pilot.pause()
            assert branch in str(chart.render()).splitlines()[0]
            counts = stage_counts([p for p in people if p.branch == branch])
            assert chart_rows(app)["入党积极分子"][0] == str(counts["activist"])
        await pilot.press("b")
        await pilot.pause()
        assert "全部支部" in str(chart.render()).splitlines()[0]


async def test_with_many_people_the_counts_come_first_and_the_rest_from_a_worker(
        make_app: MakeApp, monkeypatch: pytest.MonkeyPatch) -> None:
    app = make_app()
    app.background_from = 0  # as if there were 10k people: counts, lists and the chart's columns from a worker
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        flows = pipeline(app.service.people(), BOOK, TODAY).total
        assert chart_rows(app)["发展对象"] == [str(flows["target"].count), str(flows["target"].ready),
                                           *(str(n) for n in flows["target"].within)]


# --------------------------------------------------------------------------- calendar

def _title(app: object) -> str:
    return str(app.screen.query_one("#cal-title", Label).render()).strip()  # type: ignore[attr-defined]


async def test_the_calendar_opens_on_this_month_and_moves_by_month(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("5")
        await pilot.pause()
        assert isinstance(app.focused, MonthGrid)
        assert _title(app) == "2026年11月"
        await pilot.press("pagedown")
        await pilot.pause()
        assert _title(app) == "2026年12月"
        await pilot.press("greater_than_sign")
        await pilot.pause()
        assert _title(app) == "2027年1月"  # across the year
        for _ in range(3):
            await pilot.press("less_than_sign")
        await pilot.press("pageup")
        await pilot.pause()
        assert _title(app) == "2026年9月"
        await pilot.press("t")
        await pilot.pause()
        assert _title(app) == "2026年11月"
        assert app.screen.query_one(Calendar).day == TODAY


async def test_up_from_the_first_week_goes_to_the_month_before(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("5")
        await pilot.pause()
        for _ in range(4):  # 27 November is in the 5th week
            await pilot.press("up")
        await pilot.pause()
        assert app.screen.query_one(Calendar).day == date(2026, 10, 30) and _title(app) == "2026年10月"


async def test_month_end_moves_to_the_last_day_of_a_shorter_month(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("5")
        await pilot.pause()
        cal = app.screen.query_one(Calendar)
        cal.show_day(date(2027, 1, 31))
        await pilot.press("pagedown")
        await pilot.pause()
        assert cal.day == date(2027, 2, 28) and _title(app) == "2027年2月"


async def test_enter_on_a_day_lists_its_people_and_opens_one(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("5")
        await pilot.pause()
        marks = agenda(app.service.people(), BOOK, TODAY)
        day = next(d for w in month_grid(2026, 12) for d in w if d.month == 12 and marks.on(d))
        await pilot.press("pagedown")  # 27 December, then walk to the day with the arrows
        await pilot.pause()
        row, col = next((r, w.index(day)) for r, w in enumerate(month_grid(2026, 12)) if day in w)
        grid = app.screen.query_one(MonthGrid)
        for _ in range(grid.cursor_row - row):
            await pilot.press("up")
        for _ in range(grid.cursor_column - col):
            await pilot.press("left")
        for _ in range(col - grid.cursor_column):
            await pilot.press("right")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        table = app.screen.query_one("#cal-list", DataTable)
        assert app.focused is table
        names = [str(table.get_row_at(i)[0]) for i in range(table.row_count)]
        assert names == [m.name for m in marks.on(day)]
        assert day.isoformat() in str(app.screen.query_one("#cal-day", Label).render())
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PersonScreen) and app.screen.person_id == marks.on(day)[0].person


async def test_escape_in_the_day_list_goes_back_to_the_month(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("5")
        await pilot.pause()
        await pilot.press("pagedown")  # 27 December
        await pilot.pause()
        cal = app.screen.query_one(Calendar)
        cal.show_day(date(2026, 12, 6))
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.focused, DataTable) and app.focused.id == "cal-list"
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.focused, MonthGrid)


async def test_a_day_without_marks_says_so_and_enter_stays_on_the_month(make_app: MakeApp) -> None:
    app = make_app(demo=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("5")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.focused, MonthGrid)
        assert "这一天没有事项" in str(app.screen.query_one("#cal-list", DataTable).get_row_at(0)[0])


# --------------------------------------------------------------------------- a person's axis, the year

async def test_a_probationers_axis_shows_the_activist_year_the_probation_and_today(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        pid = next(p.id for p in app.service.people() if p.stage == "probationary" and not p.pending)
        app.open_person(pid)
        await pilot.pause()
        text = str(app.screen.query_one(PersonAxis).render())
        assert "≥1年" in text and "预备期" in text and "今天 2026-11-27" in text
        assert [line.split()[0] for line in text.splitlines()[1:-1]] == [
            "入党申请人", "入党积极分子", "发展对象", "预备党员", "正式党员"]


async def test_y_shows_the_years_figures_and_moves_between_years(make_app: MakeApp) -> None:
    app = make_app("en")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, YearScreen)
        figs = year_figures(app.service.people(), 2026, TODAY)
        chart = str(app.screen.query_one("#year-chart").render())
        line = next(x for x in chart.splitlines() if x.startswith("Applications"))
        assert line.split()[-2] == str(figs.flows["applied"])  # the count, then the trend
        await pilot.press("less_than_sign")
        await pilot.pause()
        assert "The whole of 2025" in str(app.screen.query_one("#year-chart").render())
        assert year_figures(app.service.people(), 2025, TODAY).sentence("en") in str(
            app.screen.query_one("#year-sentence").render()).replace("\n", " ")
        await pilot.press("greater_than_sign", "greater_than_sign")
        await pilot.pause()
        assert app.screen.year == 2026  # type: ignore[attr-defined]
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, YearScreen)


async def test_the_years_sentence_wraps_by_character_with_no_mark_starting_a_line(make_app: MakeApp) -> None:
    from screens.wrap import NO_LINE_START

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        box = app.screen.query_one("#year-sentence")
        lines = str(box.render()).splitlines()
        assert len(lines) > 2 and all(cell_len(x) <= box.content_size.width for x in lines)
        assert not [x for x in lines if x[:1] in NO_LINE_START]  # "、" or "。" never begins a line
        whole = year_figures(app.service.people(), 2026, TODAY).sentence("zh")
        assert whole in "".join(lines)


async def test_g_hides_and_shows_the_time_axis(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        pid = next(p.id for p in app.service.people() if p.stage == "activist")
        app.open_person(pid)
        await pilot.pause()
        axis = app.screen.query_one(PersonAxis)
        table = app.screen.query_one("#timeline", ListTable)
        assert axis.display  # room enough: shown without asking
        shown_rows = table.size.height
        await pilot.press("g")
        await pilot.pause()
        assert not axis.display and table.size.height > shown_rows  # the timeline gets the room
        await pilot.press("g")
        await pilot.pause()
        assert axis.display and "入党积极分子" in str(axis.render())


async def test_at_80x24_the_steps_keep_their_room_and_g_brings_the_axis(make_app: MakeApp) -> None:
    """A secretary found no step row left to put the cursor on at 80×24 (axis and blockers took the screen)."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        pid = next(p.id for p in app.service.people() if p.stage == "activist")
        app.open_person(pid)
        await pilot.pause()
        axis = app.screen.query_one(PersonAxis)
        table = app.screen.query_one("#timeline", ListTable)
        assert not axis.display and table.size.height >= 8
        assert app.screen.query_one("#person-next").size.height <= 4
        await pilot.press("g")
        await pilot.pause()
        assert axis.display and table.size.height >= 4


async def test_the_year_chart_follows_the_branch_the_pipeline_shows(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("b", "y")
        await pilot.pause()
        branch = app.service.people() and sorted({p.branch for p in app.service.people() if p.branch})[0]
        assert isinstance(app.screen, YearScreen) and branch in str(app.screen.query_one("#year-box").border_title)
        figs = year_figures(app.service.people(), 2026, TODAY, branch)
        assert figs.sentence("zh") in str(app.screen.query_one("#year-sentence").render()).replace("\n", "")


async def test_the_calendar_keys_in_the_footer_are_in_the_ui_language(make_app: MakeApp) -> None:
    app = make_app("en")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("5")
        await pilot.pause()
        shown = {b.binding.description for b in app.screen.active_bindings.values() if b.binding.show}
        assert {"Prev month", "Next month"} <= shown and "上月" not in shown
