"""Pilot tests: what a secretary sees and does, asserted on widget text and table rows."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Select, Static

from screens.app import TrackerApp
from screens.charts import PipelineChart
from screens.people import PAGE
from screens.person import PersonScreen
from screens.record import RecordModal
from screens.table import ListTable
from tracker.model import Event
from tracker.reports import status
from tracker.service import Service
from tracker.stages import stage_label

from .conftest import BOOK, TODAY, MakeApp, settle

SIZE = (120, 36)


def chart_rows(app: TrackerApp) -> dict[str, list[str]]:
    """The pipeline chart as the user reads it: stage name → the numbers on its line (count, now, 30, 90)."""
    text = str(app.screen.query_one(PipelineChart).render())
    rows = {}
    for line in text.splitlines()[1:]:
        words = line.split()
        rows[next(w for w in words if w[0] not in "█▏▎▍▌▋▊▉" and not w[0].isascii())] = [
            w for w in words if w.isdigit() or w == "—"]
    return rows


def table_column(table: DataTable[object], column: str) -> list[str]:
    return [str(table.get_cell(row_key, column)) for row_key in table.rows]


async def open_record(app: TrackerApp, pilot: Pilot[None], pid: int) -> RecordModal:
    """Open the person, press r: the record dialog for their next step."""
    app.open_person(pid)
    await pilot.pause()
    await pilot.press("r")
    await pilot.pause()
    modal = app.screen
    assert isinstance(modal, RecordModal)
    return modal


def _activist(svc: Service) -> int:
    """An activist whose year completes on 2026-11-20: proposed and consented early (with a
    written reason) and the publicity has run."""
    p = svc.add({"name": "测试甲", "branch": "机关第一党支部"}, date(2025, 6, 1)).person
    svc.record(p.id, Event("activist", date(2025, 11, 20)))
    svc.record(p.id, Event("target-proposed", date(2026, 10, 30)), override="上级党委同意提前研究")
    svc.record(p.id, Event("target-filed", date(2026, 10, 30)), override="上级党委同意提前研究")
    svc.record(p.id, Event("publicity", date(2026, 11, 2)))
    return p.id


async def test_overview_counts_match_the_database(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        counts = status(app.service.people(), BOOK, TODAY).counts
        rows = chart_rows(app)
        for stage, n in counts.items():
            assert rows[stage_label(stage, "zh")][0] == str(n)
        due = app.screen.query_one("#overview-due", DataTable)
        assert due.row_count >= 1 and "逾期" in str(due.get_row_at(0)[3])


async def test_empty_database_shows_a_friendly_start(make_app: MakeApp) -> None:
    app = make_app(demo=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        text = str(app.screen.query_one("#empty-start", Static).render())
        assert "新增入党申请人" in text and "载入示例数据" in text
        await pilot.press("D")
        await pilot.pause()
        assert chart_rows(app)["正式党员"][0] != "0"
        assert len(app.service.people()) > 30


async def test_search_by_name_and_pinyin_initials(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        target = app.service.people()[0]
        from screens.search import pinyin_key

        initials, full = pinyin_key(target.name)
        await pilot.pause()  # let the app finish starting, as a person would
        await pilot.press("slash")
        await pilot.pause()
        assert isinstance(app.focused, Input)
        for query in (target.name, initials, full):
            app.focused.value = ""
            await pilot.press(*list(query))
            await pilot.pause()
            table = app.screen.query_one("#people-table", ListTable)
            names = table_column(table, "name")
            assert target.name in names, query
            assert len(names) < len([p for p in app.service.people() if p.active])


async def test_record_refused_then_allowed_with_the_earliest_date(make_app: MakeApp, service: Service) -> None:
    pid = _activist(service)
    app = make_app(svc=service)
    async with app.run_test(size=SIZE) as pilot:
        modal = await open_record(app, pilot, pid)
        assert isinstance(modal, RecordModal) and modal.step() == "target"
        date_input = modal.query_one("#rec-date", Input)
        date_input.value = "2026-11-19"
        await pilot.pause()
        checks = str(modal.query_one("#rec-checks", Static).content)
        assert "✗" in checks and "最早可于 2026-11-20" in checks
        assert modal.query_one("#rec-save").disabled
        date_input.value = "2026.11.20"
        await pilot.pause()
        assert not modal.query_one("#rec-save").disabled
        await pilot.press("ctrl+s")
        await settle(pilot)  # the save runs in a worker
        await pilot.pause()
        assert isinstance(app.screen, PersonScreen)
        assert service.person(pid).stage == "target"
        head = str(app.screen.query_one("#person-head", Static).render())
        assert "发展对象" in head


async def test_override_is_saved_with_its_reason(make_app: MakeApp, service: Service) -> None:
    pid = _activist(service)
    app = make_app(svc=service)
    async with app.run_test(size=SIZE) as pilot:
        modal = await open_record(app, pilot, pid)
        modal.query_one("#rec-date", Input).value = "2026-11-10"
        await pilot.pause()
        assert modal.query_one("#box-override").display
        modal.query_one("#rec-override", Input).value = "经上级党委书面同意"
        await pilot.pause()
        await pilot.press("ctrl+s")
        await settle(pilot)  # the save runs in a worker
        await pilot.pause()
        saved = service.person(pid).last("target")
        assert saved is not None and saved.override == "经上级党委书面同意" and saved.overridden == ("activist-1y",)


async def test_date_error_shows_next_to_the_field(make_app: MakeApp, service: Service) -> None:
    pid = _activist(service)
    app = make_app(svc=service)
    async with app.run_test(size=SIZE) as pilot:
        modal = await open_record(app, pilot, pid)
        modal.query_one("#rec-date", Input).value = "2026-02-30"
        await pilot.pause()
        assert "不存在" in str(modal.query_one("#err-date").content)
        assert modal.query_one("#rec-save").disabled


async def test_undo_on_the_person_screen(make_app: MakeApp, service: Service) -> None:
    pid = _activist(service)
    app = make_app(svc=service)
    async with app.run_test(size=SIZE) as pilot:
        app.open_person(pid)
        await pilot.pause()
        assert service.person(pid).last("publicity") is not None
        await pilot.press("u")
        await settle(pilot)  # the save runs in a worker
        await pilot.pause()
        assert service.person(pid).last("publicity") is None
        rows = app.screen.query_one("#timeline", ListTable)
        assert str(rows.get_cell("publicity", "dates")) == ""  # the step is shown, no longer dated


async def test_planner_lists_who_is_eligible_on_a_date(make_app: MakeApp, service: Service) -> None:
    pid = _activist(service)
    app = make_app(svc=service, tab="planner")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        date_input = app.screen.query_one("#planner-date", Input)
        table = app.screen.query_one("#planner-table", ListTable)

        def status_of(name_pid: int) -> str:
            return str(table.get_cell(f"{name_pid}:target", "status"))

        date_input.value = "2026-11-19"
        date_input.focus()
        await pilot.press("enter")
        await pilot.pause()
        assert "不具备" in status_of(pid)
        date_input.value = "2026-11-20"
        date_input.focus()
        await pilot.press("enter")
        await pilot.pause()
        assert "可办理" in status_of(pid)


async def test_switching_language(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "入党积极分子" in str(app.screen.query_one(PipelineChart).render())
        await pilot.press("l")
        await pilot.pause()
        assert app.lang == "en"
        assert "Activist 入党积极分子" in str(app.screen.query_one(PipelineChart).render())
        assert app.screen.query_one("#due-label").render().plain.startswith("Overdue")  # type: ignore[attr-defined]
        await pilot.press("l")
        await pilot.pause()
        assert app.lang == "zh" and "Activist" not in str(app.screen.query_one(PipelineChart).render())


async def test_new_person_form_errors_next_to_the_field(make_app: MakeApp) -> None:
    app = make_app(demo=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()  # the app has started
        await pilot.press("n")
        await pilot.pause()
        form = app.screen
        form.query_one("#f-name", Input).value = "新同志"
        form.query_one("#f-applied", Input).value = "2026-11-27"
        form.query_one("#f-id_number", Input).value = "110105194912310021"
        await pilot.press("ctrl+s")
        await settle(pilot)  # the save runs in a worker
        await pilot.pause()
        assert "校验位" in str(form.query_one("#err-id_number").content)
        assert app.service.people() == []
        form.query_one("#f-id_number", Input).value = "11010519491231002X"
        await pilot.press("ctrl+s")
        await settle(pilot)  # the save runs in a worker
        await pilot.pause()
        (p,) = app.service.people()
        assert p.name == "新同志" and p.birth == date(1949, 12, 31)
        assert isinstance(app.screen, PersonScreen)


async def test_people_filter_by_stage(make_app: MakeApp) -> None:
    app = make_app(tab="people")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.screen.query_one("#people-stage", Select).value = "member"
        await pilot.pause()
        stages = table_column(app.screen.query_one("#people-table", ListTable), "stage")
        assert stages and set(stages) == {"正式党员"}


def test_app_takes_its_service_from_outside(service: Service) -> None:
    app = TrackerApp(service, lang="en", cursor_blink=False, watch_seconds=0)
    assert app.service is service and app.lang == "en"


async def export_activists_csv(pilot: Pilot[None]) -> Any:
    """Press e, choose the activist roster as CSV, save; the dialog (if still open)."""
    await pilot.pause()
    await pilot.press("e")
    await pilot.pause()
    modal = pilot.app.screen
    modal.query_one("#x-stage", Select).value = "activist"
    modal.query_one("#x-format", Select).value = "csv"
    await pilot.press("ctrl+s")
    await settle(pilot)  # the save runs in a worker
    await pilot.pause()
    return modal


async def test_export_dialog_writes_the_roster(make_app: MakeApp, tmp_path: Path) -> None:
    app = make_app()
    app.export_dir = tmp_path
    async with app.run_test(size=SIZE) as pilot:
        await export_activists_csv(pilot)
        written = tmp_path / "入党积极分子名册-2026-11-27.csv"
        assert written.exists() and "序号,姓名" in written.read_bytes().decode("utf-8-sig")
        modal = await export_activists_csv(pilot)
        assert "未覆盖" in str(modal.query_one("#x-error").content)  # the second export refuses to overwrite


async def test_person_screen_follows_a_language_switch(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        pid = app.service.people()[0].id
        app.open_person(pid)
        await pilot.pause()
        await pilot.press("escape")
        await pilot.press("l")
        await pilot.pause()
        app.open_person(pid)
        await pilot.pause()
        assert "Timeline" in str(app.screen.query_one(".section").render())


async def test_people_table_pages_instead_of_drawing_everyone(make_app: MakeApp, tmp_path: Path) -> None:
    from tracker.demo import bench_people
    from tracker.store import Store

    svc = Service(Store(tmp_path / "many.json"), BOOK, lambda: TODAY)
    svc.add_many(bench_people(250, TODAY, BOOK), "import", "生成", "generated")
    active = sum(1 for p in svc.people() if p.active)
    app = make_app(svc=svc, tab="people")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        table = app.screen.query_one("#people-table", ListTable)
        assert table.row_count == PAGE
        table.focus()
        await pilot.press("pagedown")
        await pilot.pause()
        assert table.row_count <= 2 * PAGE  # a page down draws at most the next page
        await pilot.press("end")
        await pilot.pause()
        assert PAGE < table.row_count < active
        for _ in range(active // PAGE + 1):
            await pilot.press("end")
            await pilot.pause()
        assert table.row_count == active
        assert f"{active}/{active}" in str(app.screen.query_one("#people-count").render())


async def test_saving_while_another_program_writes_says_so(make_app: MakeApp, tmp_path: Path) -> None:
    import subprocess
    import sys

    from tracker.store import Store

    db = tmp_path / "locked.json"
    svc = Service(Store(db, lock_timeout=0.2), BOOK, lambda: TODAY)
    pid = _activist(svc)
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time; from pathlib import Path; from tracker.store import Store\n"
         "s = Store(Path(sys.argv[1]))\nwith s._lock():\n print('locked', flush=True); time.sleep(20)\n", str(db)],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        app = make_app(svc=svc)
        async with app.run_test(size=SIZE) as pilot:
            app.open_person(pid)
            await pilot.pause()
            await pilot.press("r")
            await pilot.pause()
            modal = app.screen
            modal.query_one("#rec-date", Input).value = "2026-11-20"
            await pilot.pause()
            await pilot.press("ctrl+s")
            await settle(pilot)  # the save waits for the lock in a worker, then gives up
            assert isinstance(app.screen, RecordModal)  # still open: nothing lost
            assert "另一个程序" in str(modal.query_one("#err-field").content)
            assert svc.person(pid).stage == "activist"
    finally:
        holder.kill()
        holder.wait()


async def test_enter_opens_and_r_records_for_the_row_under_the_cursor(make_app: MakeApp) -> None:
    app = make_app(tab="deadlines")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        table = app.screen.query_one("#deadline-table", ListTable)
        table.focus()
        await pilot.press("down")  # row 0 is the "overdue" heading
        await pilot.pause()
        key = str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)
        pid = int(key.split(":")[0])
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, RecordModal) and app.screen.person_id == pid
        await pilot.press("escape")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PersonScreen) and app.screen.person_id == pid


async def test_switching_tab_puts_the_keyboard_on_its_list(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()  # let the app finish starting, as a person would
        await pilot.press("3")
        await pilot.pause()
        assert app.focused is app.screen.query_one("#deadline-table")
        await pilot.press("down", "enter")
        await pilot.pause()
        assert isinstance(app.screen, PersonScreen)
        await pilot.press("escape", "4")
        await pilot.pause()
        assert app.focused is app.screen.query_one("#planner-table")  # the date box only on m (issue 10)


async def _on_row(app: TrackerApp, pilot: Any, pid: int, event: str) -> None:
    app.open_person(pid)
    await pilot.pause()
    table = app.screen.query_one("#timeline", ListTable)
    table.move_cursor(row=table.get_row_index(event))
    await pilot.pause()


async def test_correct_the_step_under_the_cursor_with_a_reason(make_app: MakeApp, service: Service) -> None:
    pid = _activist(service)
    app = make_app(svc=service)
    async with app.run_test(size=SIZE) as pilot:
        await _on_row(app, pilot, pid, "activist")
        await pilot.press("c")
        await pilot.pause()
        from screens.correct import CorrectModal

        modal = app.screen
        assert isinstance(modal, CorrectModal)
        modal.query_one("#fix-date", Input).value = "2025-11-18"
        await pilot.pause()
        assert modal.query_one("#fix-save").disabled  # no reason yet
        modal.query_one("#fix-reason", Input).value = "支委会记录为11月18日"
        await pilot.pause()
        assert "符合全部规则" in str(modal.query_one("#fix-checks", Static).content)
        await pilot.press("ctrl+s")
        await settle(pilot)  # the save runs in a worker
        await pilot.pause()
        assert isinstance(app.screen, PersonScreen)
        assert service.person(pid).date_of("activist") == date(2025, 11, 18)
        assert service.history()[-1].action == "fix" and "11月18日" in service.history()[-1].zh


async def test_a_correction_that_breaks_a_later_step_needs_an_override(make_app: MakeApp, service: Service) -> None:
    pid = _activist(service)
    service.record(pid, Event("target", date(2026, 11, 20)))
    app = make_app(svc=service)
    async with app.run_test(size=SIZE) as pilot:
        await _on_row(app, pilot, pid, "publicity")
        await pilot.press("c")
        await pilot.pause()
        modal = app.screen
        modal.query_one("#fix-date", Input).value = "2026-11-18"  # the listing on 11-20 would break R6
        modal.query_one("#fix-reason", Input).value = "日期记错"
        await pilot.pause()
        checks = str(modal.query_one("#fix-checks", Static).content)
        assert "✗" in checks and "确定为发展对象" in checks
        assert modal.query_one("#box-override").display and modal.query_one("#fix-save").disabled
        modal.query_one("#fix-date", Input).value = "2026-10-29"  # before the consent: an order, no override
        await pilot.pause()
        assert not modal.query_one("#box-override").display and modal.query_one("#fix-save").disabled
        await pilot.press("escape")
        await pilot.pause()
        assert service.person(pid).date_of("publicity") == date(2026, 11, 2)


async def test_remove_refused_while_a_later_step_depends_on_it(make_app: MakeApp, service: Service) -> None:
    pid = _activist(service)
    app = make_app(svc=service)
    async with app.run_test(size=SIZE) as pilot:
        await _on_row(app, pilot, pid, "target-filed")
        await pilot.press("delete")
        await pilot.pause()
        modal = app.screen
        modal.query_one("#fix-reason", Input).value = "误记"
        await pilot.pause()
        checks = str(modal.query_one("#fix-checks", Static).content)
        assert "发展对象公示开始" in checks and modal.query_one("#fix-save").disabled
        await pilot.press("escape")
        await _on_row(app, pilot, pid, "publicity")
        await pilot.press("delete")
        await pilot.pause()
        app.screen.query_one("#fix-reason", Input).value = "误记"
        await pilot.pause()
        await pilot.press("ctrl+s")
        await settle(pilot)  # the save runs in a worker
        await pilot.pause()
        assert service.person(pid).last("publicity") is None
        assert str(app.screen.query_one("#timeline", ListTable).get_cell("publicity", "dates")) == ""


async def test_correcting_a_repeated_step_asks_which_one(make_app: MakeApp, service: Service) -> None:
    pid = _activist(service)
    service.record(pid, Event("activist-review", date(2026, 5, 20), result="pass"))
    service.record(pid, Event("activist-review", date(2026, 10, 20), result="pass"))
    app = make_app(svc=service)
    async with app.run_test(size=SIZE) as pilot:
        await _on_row(app, pilot, pid, "activist-review")
        await pilot.press("c")
        await pilot.pause()
        modal = app.screen
        which = modal.query_one("#fix-which", Select)
        assert which.value == "2026-10-20"
        which.value = "2026-05-20"
        await pilot.pause()
        assert modal.query_one("#fix-date", Input).value == "2026-05-20"
        modal.query_one("#fix-date", Input).value = "2026-05-21"
        modal.query_one("#fix-reason", Input).value = "考察日期记错"
        await pilot.pause()
        await pilot.press("ctrl+s")
        await settle(pilot)  # the save runs in a worker
        await pilot.pause()
        assert [e.date for e in service.person(pid).all_of("activist-review")] == [date(2026, 5, 21),
                                                                                  date(2026, 10, 20)]


async def test_the_id_number_is_masked_until_asked(make_app: MakeApp, service: Service) -> None:
    p = service.add({"name": "身份甲", "id_number": "11010519491231002X"}, date(2025, 6, 1)).person
    app = make_app(svc=service)
    async with app.run_test(size=SIZE) as pilot:
        app.open_person(p.id)
        await pilot.pause()
        details = str(app.screen.query_one("#person-details", Static).render())
        assert "110105********002X" in details and "11010519491231002X" not in details
        await pilot.press("i")
        await pilot.pause()
        assert "11010519491231002X" in str(app.screen.query_one("#person-details", Static).render())
        await pilot.press("i")
        await pilot.pause()
        assert "11010519491231002X" not in str(app.screen.query_one("#person-details", Static).render())


async def test_a_slow_export_runs_behind_the_dialog_and_esc_leaves_it_to_finish(make_app: MakeApp,
                                                                                tmp_path: Path) -> None:
    """At 10k people an export takes seconds: the dialog says it is exporting and answers keys; Esc closes it
    and the roster is still written, with the toast saying where."""
    import threading

    app = make_app()
    app.export_dir = tmp_path
    go = threading.Event()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        real = app.service.export

        def slow(**kwargs: Any) -> Any:
            go.wait(10)
            return real(**kwargs)

        app.service.export = slow  # type: ignore[method-assign]
        await pilot.press("e")
        await pilot.pause()
        modal = pilot.app.screen
        modal.query_one("#x-stage", Select).value = "activist"
        modal.query_one("#x-format", Select).value = "csv"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "正在导出" in str(modal.query_one("#x-error").content) and modal.query_one("#x-save").disabled
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is not modal
        go.set()
        await settle(pilot)
        assert (tmp_path / "入党积极分子名册-2026-11-27.csv").exists()
