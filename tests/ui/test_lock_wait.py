"""A save that waits for another program's lock never freezes the screen (issue 10, "no surprises").

The lock is held from another thread of this process: ``flock`` is per open file, so our own store
waits for it exactly as it would for another window or a cron job.
"""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Input, Label

from screens.app import HelpScreen, TrackerApp
from screens.forms import PersonForm
from screens.person import PersonScreen
from screens.record import RecordModal
from tests.core.helpers import lock_held
from tracker.model import Event
from tracker.service import Service
from tracker.store import Store

from .conftest import BOOK, TODAY

SIZE = (120, 36)


def _service(db: Path, lock_timeout: float) -> tuple[Service, int]:
    svc = Service(Store(db, lock_timeout=lock_timeout), BOOK, lambda: TODAY)
    p = svc.add({"name": "测试甲", "branch": "机关第一党支部"}, date(2025, 6, 1)).person
    svc.record(p.id, Event("activist", date(2025, 11, 20)))
    svc.record(p.id, Event("target-proposed", date(2026, 10, 30)), override="上级党委同意提前研究")
    svc.record(p.id, Event("target-filed", date(2026, 10, 30)), override="上级党委同意提前研究")
    svc.record(p.id, Event("publicity", date(2026, 11, 2)))
    return svc, p.id


def _app(svc: Service, lang: str = "zh") -> TrackerApp:
    return TrackerApp(svc, lang=lang, cursor_blink=False, watch_seconds=0)


async def _until(pilot: Pilot[None], ok: object, seconds: float = 5.0) -> None:
    assert callable(ok)
    end = time.monotonic() + seconds
    while not ok():
        assert time.monotonic() < end, "timed out"
        await pilot.pause(0.05)


async def _record_dialog(app: TrackerApp, pilot: Pilot[None], pid: int) -> RecordModal:
    app.open_person(pid)
    await pilot.pause()
    await pilot.press("r")
    await pilot.pause()
    modal = app.screen
    assert isinstance(modal, RecordModal)
    modal.query_one("#rec-date", Input).value = "2026-11-20"
    await pilot.pause()
    return modal


def _said(modal: RecordModal) -> str:
    return str(modal.query_one("#err-field", Label).content)


async def test_save_waits_for_the_lock_in_the_background_and_lands_once(tmp_path: Path) -> None:
    svc, pid = _service(tmp_path / "db.json", lock_timeout=10)
    app = _app(svc)
    async with app.run_test(size=SIZE) as pilot:
        modal = await _record_dialog(app, pilot, pid)
        with lock_held(tmp_path / "db.json") as release:
            await pilot.press("ctrl+s")
            await _until(pilot, lambda: "正在等待其他窗口保存" in _said(modal))
            # the screen still answers keys: help opens and closes over the waiting dialog
            await pilot.press("f1")
            await pilot.pause()
            assert isinstance(app.screen, HelpScreen)
            await pilot.press("escape")
            await pilot.pause()
            assert app.screen is modal
            await pilot.press("ctrl+s")  # pressed again while waiting: still one save
            assert modal.query_one("#rec-date", Input).disabled  # what is saved is what was on screen
            assert svc.person(pid).stage == "activist"
            release.set()
            await _until(pilot, lambda: app.screen is not modal)
        await app.workers.wait_for_complete()
        person = svc.person(pid)
        assert person.stage == "target"
        assert len(person.all_of("target")) == 1


async def test_esc_while_waiting_stops_the_wait_keeps_the_dialog_and_nothing_is_saved(tmp_path: Path) -> None:
    svc, pid = _service(tmp_path / "db.json", lock_timeout=10)
    app = _app(svc, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        modal = await _record_dialog(app, pilot, pid)
        with lock_held(tmp_path / "db.json"):
            await pilot.press("ctrl+s")
            await _until(pilot, lambda: "waiting for another window to save" in _said(modal))
            await pilot.press("escape")  # stops the wait, not the work: the dialog and what was typed stay
            await _until(pilot, lambda: "Stopped waiting: nothing was saved" in _said(modal))
            assert app.screen is modal and not modal.query_one("#rec-date", Input).disabled
        await app.workers.wait_for_complete()
        await pilot.press("escape")  # a second Esc closes it
        await _until(pilot, lambda: app.screen is not modal)
        await pilot.pause(0.2)
        assert svc.person(pid).stage == "activist"
        assert Service(Store(tmp_path / "db.json"), BOOK, lambda: TODAY).person(pid).stage == "activist"


async def test_wait_that_times_out_keeps_the_dialog_and_what_was_typed(tmp_path: Path) -> None:
    svc, pid = _service(tmp_path / "db.json", lock_timeout=0.5)
    app = _app(svc)
    async with app.run_test(size=SIZE) as pilot:
        modal = await _record_dialog(app, pilot, pid)
        with lock_held(tmp_path / "db.json"):
            await pilot.press("ctrl+s")
            await _until(pilot, lambda: "另一个程序" in _said(modal))
        assert app.screen is modal
        date_box = modal.query_one("#rec-date", Input)
        assert date_box.value == "2026-11-20" and not date_box.disabled
        assert svc.person(pid).stage == "activist"
        await pilot.press("ctrl+s")  # the lock is free now: saving again works
        await _until(pilot, lambda: app.screen is not modal)
        assert svc.person(pid).stage == "target"


async def test_new_person_form_waits_for_the_lock_without_freezing(tmp_path: Path) -> None:
    svc, _ = _service(tmp_path / "db.json", lock_timeout=10)
    before = svc.count()
    app = _app(svc)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, PersonForm)
        form.query_one("#f-name", Input).value = "王五"
        form.query_one("#f-applied", Input).value = "2026-11-01"
        with lock_held(tmp_path / "db.json") as release:
            await pilot.press("ctrl+s")
            await _until(pilot, lambda: "正在等待其他窗口保存" in str(form.query_one("#err-form", Label).content))
            assert svc.count() == before
            release.set()
            await _until(pilot, lambda: app.screen is not form)
        await pilot.pause()
        assert svc.count() == before + 1
        assert [p.name for p in svc.people()].count("王五") == 1
        assert isinstance(app.screen, PersonScreen)  # saved: the new person's page opens


async def test_undo_waits_for_the_lock_and_says_so(tmp_path: Path) -> None:
    svc, pid = _service(tmp_path / "db.json", lock_timeout=10)
    app = _app(svc)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        with lock_held(tmp_path / "db.json") as release:
            await pilot.press("u")
            await _until(pilot, lambda: any("正在等待其他窗口保存" in str(n.message)
                                            for n in app._notifications))
            await pilot.press("2")  # keys still work meanwhile: the People tab opens
            await _until(pilot, lambda: app.main_screen().current_tab() == "people")
            assert svc.person(pid).all_of("publicity")  # not undone yet
            release.set()
            await _until(pilot, lambda: not svc.person(pid).all_of("publicity"))
        assert svc.person(pid).all_of("target-filed")  # one step undone, not two
