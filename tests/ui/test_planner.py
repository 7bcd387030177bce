"""Pilot tests of the meeting planner: no keyboard trap, filters, several people at once, r on a row."""

from __future__ import annotations

from datetime import date

from textual.pilot import Pilot
from textual.widgets import Button, DataTable, Input, Static

from screens.app import TrackerApp
from screens.batch import BatchRecordModal
from screens.meeting import NoticeModal
from screens.planner import Planner
from screens.record import RecordModal
from screens.table import ListTable
from tracker.model import Event
from tracker.service import Service

from .conftest import MakeApp, settle

SIZE = (120, 36)


def _consented(svc: Service, name: str, branch: str = "机关第一党支部") -> int:
    """An activist of more than a year, proposed and consented: the publicity may start."""
    p = svc.add({"name": name, "branch": branch}, date(2024, 3, 1)).person
    for kind, on in (("activist", date(2025, 3, 1)), ("target-proposed", date(2026, 11, 10)),
                     ("target-filed", date(2026, 11, 20))):
        svc.record(p.id, Event(kind, on))
    return p.id


def _names(table: ListTable) -> list[str]:
    return [str(table.get_cell(k, "name")) for k in table.rows]


async def test_planner_keeps_digits_and_letters_until_m_enters_the_date_box(make_app: MakeApp) -> None:
    app = make_app(tab="planner")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.focused, ListTable)  # not the date box
        box = app.screen.query_one("#planner-date", Input)
        await pilot.press("2")  # a digit keeps its meaning: the People tab
        await pilot.pause()
        assert app.screen.query_one("#tabs").active == "people" and box.value == "2026-11-27"
        await pilot.press("4")
        await pilot.pause()
        await pilot.press("m")
        assert app.focused is box
        await pilot.press("ctrl+u", *"2026-12-10", "q")  # a letter is not part of a date: not typed
        assert box.value == "2026-12-10"
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.focused, ListTable)
        assert app.screen.query_one(Planner).on_date == date(2026, 12, 10)
        region = box.content_region  # the whole date fits, with the cursor after it
        assert region.width >= len("2026-12-10") + 1


async def test_planner_filters_by_branch_and_step(make_app: MakeApp, service: Service) -> None:
    _consented(service, "甲一", branch="第九支部")
    app = make_app(svc=service, tab="planner")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        planner = app.screen.query_one(Planner)
        table = app.screen.query_one("#planner-table", ListTable)
        everyone = [n for n in _names(table) if n]
        app.screen.query_one("#planner-branch").value = "第九支部"
        await pilot.pause()
        assert [n for n in _names(table) if n] == ["甲一"] and len(everyone) > 10
        app.screen.query_one("#planner-branch").clear()
        app.screen.query_one("#planner-step").value = "target"
        await pilot.pause()
        assert planner.step == "target"
        assert [k.value for k in table.rows if k.value and k.value.startswith("group-")] == ["group-target"]


async def test_marking_several_and_recording_one_decision_is_one_undo(make_app: MakeApp, service: Service) -> None:
    a, b = _consented(service, "甲一"), _consented(service, "乙二")
    app = make_app(svc=service, tab="planner")
    async with app.run_test(size=SIZE) as pilot:
        table = await _targets_in_focus(app, pilot)
        for pid in (a, b):
            table.move_cursor(row=table.get_row_index(f"{pid}:target"))
            await pilot.press("space")
        assert "已选中 2 人" in str(app.screen.query_one("#planner-marked").render())
        await pilot.press("r")
        await pilot.pause()
        modal = app.screen
        assert isinstance(modal, BatchRecordModal)
        assert modal.query_one("#batch-step").value == "target"
        checks = str(modal.query_one("#batch-checks", Static).render())
        assert "甲一" in checks and "尚未记录“发展对象公示开始”" in checks and "最早可于" in checks
        assert modal.query_one("#batch-save").disabled  # each refused until a written reason is given
        modal.query_one("#batch-override", Input).value = "上级党委已批准，公示另行补办"
        await pilot.pause()
        assert not modal.query_one("#batch-save").disabled
        history = len(service.history())
        await pilot.press("ctrl+s")
        await settle(pilot)  # the save runs in a worker
        await pilot.pause()
        assert not isinstance(app.screen, BatchRecordModal)
        assert service.person(a).stage == service.person(b).stage == "target"
        assert len(service.history()) == history + 1
        await pilot.press("u")  # a change of two people: undo asks first
        await settle(pilot)  # the save runs in a worker
        await pilot.pause()
        await pilot.press("y")
        await settle(pilot)  # the save runs in a worker
        await pilot.pause()
        assert service.person(a).stage == service.person(b).stage == "activist"


async def test_r_on_a_planner_row_opens_that_step_on_the_meeting_date(make_app: MakeApp, service: Service) -> None:
    a = _consented(service, "甲一")
    app = make_app(svc=service, tab="planner")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("m", "ctrl+u", *"2026-11-20", "enter")
        await pilot.pause()
        table = app.screen.query_one("#planner-table", ListTable)
        table.move_cursor(row=table.get_row_index(f"{a}:target"))
        await pilot.press("r")
        await pilot.pause()
        modal = app.screen
        assert isinstance(modal, RecordModal) and modal.person_id == a
        assert modal.step() == "target" and modal.query_one("#rec-date", Input).value == "2026-11-20"


async def test_r_on_an_overview_deadline_row_opens_that_rows_step(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        table = app.screen.query_one("#overview-due", DataTable)
        table.focus()
        row = next(i for i, k in enumerate(table.rows) if k.value and ":talk-1m" in k.value)
        table.move_cursor(row=row)
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, RecordModal) and app.screen.step() == "talked"


async def test_r_on_a_deadlines_row_opens_that_rows_step(make_app: MakeApp) -> None:
    app = make_app(tab="deadlines")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        table = app.screen.query_one("#deadline-table", ListTable)
        row = next(i for i, k in enumerate(table.rows) if k.value and ":activist-review-6m" in k.value)
        table.move_cursor(row=row)
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, RecordModal) and app.screen.step() == "activist-review"


async def test_notice_shows_the_text_and_records_its_start(make_app: MakeApp, service: Service) -> None:
    a = _consented(service, "甲一")
    app = make_app(svc=service, tab="planner")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("g")
        await pilot.pause()
        modal = app.screen
        assert isinstance(modal, NoticeModal)
        assert "甲一" in str(modal.query_one("#notice-text", Static).render())
        dates = str(modal.query_one("#notice-dates", Static).render())
        assert "2026-11-27 至 2026-12-03" in dates and "2026-12-04" in dates
        modal.query_one("#notice-start", Input).value = "2026-11-30"
        await pilot.pause()
        assert "2026-11-30 至 2026-12-04" in str(modal.query_one("#notice-dates", Static).render())
        await pilot.click("#notice-record")  # a start after today cannot be recorded yet
        await settle(pilot)  # the save runs in a worker
        await pilot.pause()
        assert "晚于今天" in str(modal.query_one("#notice-error").render())
        modal.query_one("#notice-start", Input).value = "2026-11-27"
        await pilot.pause()
        await pilot.pause()  # the notice is rebuilt for the new start before the button is pressed
        modal.query_one("#notice-record", Button).press()  # (a click can miss while the error line goes away)
        for _ in range(40):  # a loaded machine: wait for the dialog to close (it records, then dismisses)
            if not isinstance(app.screen, NoticeModal):
                break
            await pilot.pause(0.05)
        assert service.person(a).date_of("publicity") == date(2026, 11, 27)


async def test_planner_reason_is_shown_whole_past_its_brackets_and_wrapped_to_the_column(make_app: MakeApp) -> None:
    """A reason like "R20 尚未记录“报上级党委同意（备案）”。（……细则第十三条）" used to end at its first "（"."""
    from rich.cells import cell_len

    from tracker.meeting import meeting_items

    first = make_app(tab="planner")
    for size in ((120, 36), (80, 24)):
        app = make_app(tab="planner", svc=first.service)
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            svc = app.service
            blocked = [e for e in meeting_items(svc.people(), svc.book, svc.today, today=svc.today)
                       if not e.eligible and "（" in e.check.refusals[0].message("zh")
                       and e.check.refusals[0].earliest is None]
            assert blocked  # the demo has someone blocked with a bracketed reason
            entry = blocked[0]
            full = entry.check.refusals[0].message("zh").split("：", 1)[-1]
            assert "（" in full and full.endswith("）")
            table = app.screen.query_one("#planner-table", ListTable)
            cell = table.get_cell(f"{entry.person.id}:{entry.event}", "detail")
            lines = cell.plain.split("\n")
            assert "".join(lines).endswith(full)  # whole: nothing cut at "（" (and nothing lost at a wrap)
            assert len(lines) > 1  # too long for one line: wrapped, the row as tall as its reason
            columns = {str(k.value): c for k, c in table.columns.items()}
            assert max(cell_len(line) for line in lines) <= columns["detail"].content_width
            assert not any(line.startswith(("）", "。", "，")) for line in lines[1:])  # no closing mark alone
            # the table's columns fit its width: the reason is read without scrolling sideways
            assert sum(c.get_render_width(table) for c in columns.values()) <= table.size.width


async def test_space_says_it_moves_down_and_does(make_app: MakeApp, service: Service) -> None:
    a = _consented(service, "甲一")
    _consented(service, "乙二")
    app = make_app(svc=service, tab="planner")
    async with app.run_test(size=SIZE) as pilot:
        table = await _targets_in_focus(app, pilot)
        await pilot.pause()
        assert "空格选中一人并下移" in str(app.screen.query_one("#planner-marked").render())
        footer = " ".join(str(w.render()) for w in app.screen.query("FooterKey"))
        assert "选中↓" in footer
        table.move_cursor(row=table.get_row_index(f"{a}:target"))
        row = table.cursor_row
        await pilot.press("space")
        assert table.cursor_row == row + 1  # marked, and on to the next row as the footer says


async def _targets_in_focus(app: TrackerApp, pilot: Pilot[None]) -> ListTable:
    """The planner narrowed to the listing as development target, its list focused."""
    await pilot.pause()
    app.screen.query_one("#planner-step").value = "target"
    await pilot.pause()
    table = app.screen.query_one("#planner-table", ListTable)
    table.focus()
    return table
