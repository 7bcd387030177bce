"""SVG snapshots of each screen on the demo data with a fixed today (2026-11-27).

Update after a deliberate visual change with: pytest tests/ui/test_snapshots.py --snapshot-update
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from .conftest import MakeApp

SMALL = (80, 24)
LARGE = (120, 36)


def test_overview_zh_large(snap_compare: Any, make_app: MakeApp) -> None:
    assert snap_compare(make_app("zh"), terminal_size=LARGE)


def test_overview_en_small(snap_compare: Any, make_app: MakeApp) -> None:
    assert snap_compare(make_app("en"), terminal_size=SMALL)


def test_people_zh_small(snap_compare: Any, make_app: MakeApp) -> None:
    assert snap_compare(make_app("zh", tab="people"), terminal_size=SMALL)


def test_people_filtered_en_large(snap_compare: Any, make_app: MakeApp) -> None:
    assert snap_compare(make_app("en", tab="people"), terminal_size=LARGE, press=["slash", "z"])


async def _open_probationer(pilot: Pilot[None]) -> None:
    app: Any = pilot.app
    pid = next(p.id for p in app.service.people() if p.stage == "probationary")
    app.open_person(pid)
    await pilot.pause()


def test_person_zh_large(snap_compare: Any, make_app: MakeApp) -> None:
    assert snap_compare(make_app("zh"), terminal_size=LARGE, run_before=_open_probationer)


def test_person_en_small(snap_compare: Any, make_app: MakeApp) -> None:
    assert snap_compare(make_app("en"), terminal_size=SMALL, run_before=_open_probationer)


def test_record_modal_zh_large(snap_compare: Any, make_app: MakeApp) -> None:
    async def before(pilot: Pilot[None]) -> None:
        await _open_probationer(pilot)
        await pilot.press("r")
        await pilot.pause()

    assert snap_compare(make_app("zh"), terminal_size=LARGE, run_before=before)


def test_deadlines_en_large(snap_compare: Any, make_app: MakeApp) -> None:
    assert snap_compare(make_app("en", tab="deadlines"), terminal_size=LARGE)


def test_planner_zh_large(snap_compare: Any, make_app: MakeApp) -> None:
    assert snap_compare(make_app("zh", tab="planner"), terminal_size=LARGE)


def test_help_en_small(snap_compare: Any, make_app: MakeApp) -> None:
    assert snap_compare(make_app("en"), terminal_size=SMALL, press=["question_mark"])


def test_deadlines_zh_small(snap_compare: Any, make_app: MakeApp) -> None:
    assert snap_compare(make_app("zh", tab="deadlines"), terminal_size=SMALL)


def test_planner_en_small(snap_compare: Any, make_app: MakeApp) -> None:
    assert snap_compare(make_app("en", tab="planner"), terminal_size=SMALL)


def test_record_modal_en_small(snap_compare: Any, make_app: MakeApp) -> None:
    async def before(pilot: Pilot[None]) -> None:
        await _open_probationer(pilot)
        await pilot.press("r")
        await pilot.pause()

    assert snap_compare(make_app("en"), terminal_size=SMALL, run_before=before)


def test_new_person_form_zh_small(snap_compare: Any, make_app: MakeApp) -> None:
    assert snap_compare(make_app("zh"), terminal_size=SMALL, press=["n"])


def test_export_dialog_zh_large(snap_compare: Any, make_app: MakeApp, tmp_path: Any) -> None:
    app = make_app("zh")
    app.export_dir = Path("/srv/exports")  # a fixed path: the snapshot must not show a temporary folder
    assert snap_compare(app, terminal_size=LARGE, press=["e"])


def test_help_zh_large(snap_compare: Any, make_app: MakeApp) -> None:
    assert snap_compare(make_app("zh"), terminal_size=LARGE, press=["question_mark"])


# --------------------------------------------------------------------------- the pictures

async def _settled(pilot: Pilot[None]) -> None:
    """Every worker done and the screen redrawn (a loaded machine may still be computing marks)."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


async def _calendar(pilot: Pilot[None]) -> None:
    await _settled(pilot)
    await pilot.press("5")
    await _settled(pilot)


async def _calendar_day_listed(pilot: Pilot[None]) -> None:
    """December, on the 6th (two earliest dates and a deadline), Enter: the day's list has the focus."""
    await _calendar(pilot)
    await pilot.press("pagedown")
    await _settled(pilot)
    for key in ("up", "up", "up", "right", "right", "right", "right", "right", "right", "enter"):
        await pilot.press(key)
        await pilot.pause()
    await _settled(pilot)


async def _year(pilot: Pilot[None]) -> None:
    await pilot.pause()
    await pilot.press("y")
    await pilot.pause()


class TestPipelineChart:
    """The overview's pipeline chart: bars per stage, the count, who may move on now / within 30 / 90 days."""

    def test_overview_zh_small(self, snap_compare: Any, make_app: MakeApp) -> None:
        assert snap_compare(make_app("zh"), terminal_size=SMALL)

    def test_overview_en_large(self, snap_compare: Any, make_app: MakeApp) -> None:
        assert snap_compare(make_app("en"), terminal_size=LARGE)

    def test_overview_one_branch_zh_large(self, snap_compare: Any, make_app: MakeApp) -> None:
        """After b: the first branch's pipeline."""
        assert snap_compare(make_app("zh"), terminal_size=LARGE, press=["b"])


class TestCalendar:
    """The calendar tab: this month with its marks, today's list below."""

    def test_calendar_zh_small(self, snap_compare: Any, make_app: MakeApp) -> None:
        assert snap_compare(make_app("zh"), terminal_size=SMALL, run_before=_calendar)

    def test_calendar_zh_large(self, snap_compare: Any, make_app: MakeApp) -> None:
        assert snap_compare(make_app("zh"), terminal_size=LARGE, run_before=_calendar)

    def test_calendar_en_small(self, snap_compare: Any, make_app: MakeApp) -> None:
        assert snap_compare(make_app("en"), terminal_size=SMALL, run_before=_calendar)

    def test_calendar_en_large(self, snap_compare: Any, make_app: MakeApp) -> None:
        assert snap_compare(make_app("en"), terminal_size=LARGE, run_before=_calendar)

    def test_calendar_day_listed_zh_large(self, snap_compare: Any, make_app: MakeApp) -> None:
        """Enter on a day with marks: its people listed, the list focused."""
        assert snap_compare(make_app("zh"), terminal_size=LARGE, run_before=_calendar_day_listed)


async def _open_probationer_with_axis(pilot: Pilot[None]) -> None:
    await _open_probationer(pilot)
    await pilot.press("g")  # at 80×24 the axis waits for g (the steps keep their room)
    await pilot.pause()


class TestPersonAxis:
    """A person's path on a time axis above the timeline (the other two sizes are test_person_*)."""

    def test_person_zh_small(self, snap_compare: Any, make_app: MakeApp) -> None:
        assert snap_compare(make_app("zh"), terminal_size=SMALL, run_before=_open_probationer_with_axis)

    def test_person_en_large(self, snap_compare: Any, make_app: MakeApp) -> None:
        assert snap_compare(make_app("en"), terminal_size=LARGE, run_before=_open_probationer)


class TestYearChart:
    """y: the year's figures as bars, with each flow's trend over six years, and the report's sentences."""

    def test_year_zh_small(self, snap_compare: Any, make_app: MakeApp) -> None:
        assert snap_compare(make_app("zh"), terminal_size=SMALL, run_before=_year)

    def test_year_zh_large(self, snap_compare: Any, make_app: MakeApp) -> None:
        assert snap_compare(make_app("zh"), terminal_size=LARGE, run_before=_year)

    def test_year_en_small(self, snap_compare: Any, make_app: MakeApp) -> None:
        assert snap_compare(make_app("en"), terminal_size=SMALL, run_before=_year)

    def test_year_en_large(self, snap_compare: Any, make_app: MakeApp) -> None:
        assert snap_compare(make_app("en"), terminal_size=LARGE, run_before=_year)


class TestNoSurprises:
    """Issue 10: re-layout after a resize, the import dialog, the bulk-undo question, the Chinese palette."""

    def test_people_after_resize_to_wide_zh(self, snap_compare: Any, make_app: MakeApp) -> None:
        """Started at 80 columns, widened to 120: branch and stage date shown at their full width."""
        async def before(pilot: Pilot[None]) -> None:
            await pilot.resize_terminal(*LARGE)
            await pilot.pause()
            await pilot.pause()

        assert snap_compare(make_app("zh", tab="people"), terminal_size=SMALL, run_before=before)

    def test_deadlines_after_resize_to_narrow_en(self, snap_compare: Any, make_app: MakeApp) -> None:
        """Started at 120 columns, narrowed to 80: branch and rule give way, the rest keep their width."""
        async def before(pilot: Pilot[None]) -> None:
            await pilot.resize_terminal(*SMALL)
            await pilot.pause()
            await pilot.pause()

        assert snap_compare(make_app("en", tab="deadlines"), terminal_size=LARGE, run_before=before)

    def test_import_dialog_zh_small(self, snap_compare: Any, make_app: MakeApp) -> None:
        """The empty database's import dialog (I), with its own keys in the footer."""
        app = make_app("zh", demo=False)
        app.export_dir = Path("/srv/rosters")
        assert snap_compare(app, terminal_size=SMALL, press=["I"])

    def test_bulk_undo_question_en_large(self, snap_compare: Any, make_app: MakeApp) -> None:
        """u after loading the demo: asks, saying how many people it would take back."""
        assert snap_compare(make_app("en"), terminal_size=LARGE, press=["u"])

    def test_palette_zh_small(self, snap_compare: Any, make_app: MakeApp) -> None:
        """The command palette in Chinese: one line per command, Chinese only."""
        assert snap_compare(make_app("zh"), terminal_size=SMALL, press=["ctrl+p"])


# --------------------------------------------------------------------------- every new view at both sizes, both languages

async def _planner_settled(pilot: Pilot[None]) -> None:
    await _settled(pilot)


async def _batch(pilot: Pilot[None]) -> None:
    """The planner's first two eligible people marked (space), then r: one decision for both."""
    await _settled(pilot)
    for key in ("space", "down", "space", "r"):
        await pilot.press(key)
        await pilot.pause()
    await _settled(pilot)


async def _notice(pilot: Pilot[None]) -> None:
    """g on the planner: the publicity notice for every proposed target, with the dates it must run."""
    await _settled(pilot)
    await pilot.press("g")
    await _settled(pilot)


CSV = "姓名,递交入党申请书时间,所在党支部\n甲一,2025-03-01,机关第一党支部\n乙二,2025-13-01,机关第二党支部\n"


async def _import_previewed(pilot: Pilot[None]) -> None:
    """I, a sheet's name typed, Enter: the dry run's report (one new row, one with a bad date)."""
    await pilot.pause()
    await pilot.press("I")
    await pilot.pause()
    box: Any = pilot.app.screen.query_one("#imp-file")
    box.value = "roster.csv"
    await pilot.press("enter")
    await _settled(pilot)


class TestEveryViewAtBothSizes:
    """Issue 10: each view added last round at 80×24 and 120×36, in Chinese and in English (the calendar, the
    pipeline chart, the person's axis and the year chart are above)."""

    def test_planner_zh_small(self, snap_compare: Any, make_app: MakeApp) -> None:
        """The planner at 80 columns: the reason wrapped by character in what is left of the width."""
        assert snap_compare(make_app("zh", tab="planner"), terminal_size=SMALL, run_before=_planner_settled)

    def test_planner_en_large(self, snap_compare: Any, make_app: MakeApp) -> None:
        assert snap_compare(make_app("en", tab="planner"), terminal_size=LARGE, run_before=_planner_settled)

    def test_batch_record_zh_small(self, snap_compare: Any, make_app: MakeApp) -> None:
        """Two marked people, one decision: each person's check listed."""
        assert snap_compare(make_app("zh", tab="planner"), terminal_size=SMALL, run_before=_batch)

    def test_batch_record_zh_large(self, snap_compare: Any, make_app: MakeApp) -> None:
        assert snap_compare(make_app("zh", tab="planner"), terminal_size=LARGE, run_before=_batch)

    def test_batch_record_en_small(self, snap_compare: Any, make_app: MakeApp) -> None:
        assert snap_compare(make_app("en", tab="planner"), terminal_size=SMALL, run_before=_batch)

    def test_batch_record_en_large(self, snap_compare: Any, make_app: MakeApp) -> None:
        assert snap_compare(make_app("en", tab="planner"), terminal_size=LARGE, run_before=_batch)

    def test_notice_zh_small(self, snap_compare: Any, make_app: MakeApp) -> None:
        """The publicity notice (公示) text, its dates, copy and record buttons."""
        assert snap_compare(make_app("zh", tab="planner"), terminal_size=SMALL, run_before=_notice)

    def test_notice_zh_large(self, snap_compare: Any, make_app: MakeApp) -> None:
        assert snap_compare(make_app("zh", tab="planner"), terminal_size=LARGE, run_before=_notice)

    def test_notice_en_small(self, snap_compare: Any, make_app: MakeApp) -> None:
        assert snap_compare(make_app("en", tab="planner"), terminal_size=SMALL, run_before=_notice)

    def test_notice_en_large(self, snap_compare: Any, make_app: MakeApp) -> None:
        assert snap_compare(make_app("en", tab="planner"), terminal_size=LARGE, run_before=_notice)

    def test_import_dialog_en_small(self, snap_compare: Any, make_app: MakeApp) -> None:
        app = make_app("en", demo=False)
        app.export_dir = Path("/srv/rosters")
        assert snap_compare(app, terminal_size=SMALL, press=["I"])

    def test_import_report_zh_large(self, snap_compare: Any, make_app: MakeApp, tmp_path: Path,
                                    monkeypatch: Any) -> None:
        """The dry run's report: the header found, a new row, a row with an error, what Import would do."""
        (tmp_path / "roster.csv").write_text(CSV, encoding="utf-8")
        monkeypatch.chdir(tmp_path)  # the file is named relative to here: the same text on every machine
        assert snap_compare(make_app("zh", demo=False), terminal_size=LARGE, run_before=_import_previewed)

    def test_import_report_zh_small(self, snap_compare: Any, make_app: MakeApp, tmp_path: Path,
                                    monkeypatch: Any) -> None:
        (tmp_path / "roster.csv").write_text(CSV, encoding="utf-8")
        monkeypatch.chdir(tmp_path)
        assert snap_compare(make_app("zh", demo=False), terminal_size=SMALL, run_before=_import_previewed)

    def test_import_report_en_large(self, snap_compare: Any, make_app: MakeApp, tmp_path: Path,
                                    monkeypatch: Any) -> None:
        (tmp_path / "roster.csv").write_text(CSV, encoding="utf-8")
        monkeypatch.chdir(tmp_path)
        assert snap_compare(make_app("en", demo=False), terminal_size=LARGE, run_before=_import_previewed)

    def test_confirm_zh_small(self, snap_compare: Any, make_app: MakeApp) -> None:
        """The bulk-undo question: how many people, the change named, yes/no."""
        assert snap_compare(make_app("zh"), terminal_size=SMALL, press=["u"])

    def test_confirm_zh_large(self, snap_compare: Any, make_app: MakeApp) -> None:
        assert snap_compare(make_app("zh"), terminal_size=LARGE, press=["u"])

    def test_confirm_en_small(self, snap_compare: Any, make_app: MakeApp) -> None:
        assert snap_compare(make_app("en"), terminal_size=SMALL, press=["u"])


class TestLockWait:
    """Another program holds the database's lock: the record dialog waits in a worker and says so."""

    def test_record_waiting_for_the_lock_zh_small(self, snap_compare: Any, make_app: MakeApp) -> None:
        import threading
        import time

        from tracker.store import Store

        app = make_app("zh")
        release, taken = threading.Event(), threading.Event()

        def hold() -> None:
            with Store(app.service.store.path)._lock():  # type: ignore[attr-defined]
                taken.set()
                release.wait(30)

        async def before(pilot: Pilot[None]) -> None:
            await _open_probationer(pilot)
            await pilot.press("r")
            await pilot.pause()
            threading.Thread(target=hold, daemon=True).start()
            assert taken.wait(5)
            await pilot.press("ctrl+s")
            end = time.monotonic() + 5
            while "正在等待" not in str(pilot.app.screen.query_one("#err-field").render()):
                assert time.monotonic() < end
                await pilot.pause(0.05)

        try:
            assert snap_compare(app, terminal_size=SMALL, run_before=before)
        finally:
            release.set()
