"""Numbers: training days/hours and extension months are finite and in range, in the CLI, the TUI and imports."""

from __future__ import annotations

import json
import math
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Button, Input, Label

from screens.app import TrackerApp
from screens.record import RecordModal
from tests.ui.conftest import TODAY, make_service
from tracker.cli import tui_exit_code
from tracker.service import InputError, Service, build_event

from .run_cli import Run, runner

SIZE = (120, 36)


@pytest.fixture
def run(tmp_path: Path) -> Run:
    r = runner(tmp_path / "tracker.json", cwd=tmp_path)
    assert r("add", "张三", "--applied", "2024-01-10").code == 0
    return r


def _strict_json(path: Path) -> Any:
    def refuse(token: str) -> None:
        raise ValueError(f"not JSON: {token}")

    return json.loads(path.read_text(encoding="utf-8"), parse_constant=refuse)


def _a_target(run: Run) -> str:
    """A development target from the demo data (training is one of their steps)."""
    assert run("demo").code == 0
    return str(run("list", "--stage", "target", "--json").json()[0]["id"])


def _trainings(run: Run, pid: str) -> list[dict[str, Any]]:
    return [e for e in run("show", pid, "--json").json()["events"] if e["event"] == "training"]


@pytest.mark.parametrize(("option", "value"), [
    ("--days", "nan"), ("--days", "inf"), ("--days", "-inf"), ("--days", "0"), ("--days", "366"),
    ("--hours", "1e308"), ("--hours", "NaN"), ("--hours", "2001"), ("--hours", "-1"),
])
def test_training_length_outside_the_range_is_refused_with_the_range(run: Run, tmp_path: Path, option: str,
                                                                    value: str) -> None:
    r = run("record", "1", "training", "--on", "2024-06-01", f"{option}={value}", lang="zh")
    assert r.code == 2, r.out + r.err
    assert ("365" if option == "--days" else "2000") in r.err
    assert run("show", "1", "--json").json()["events"][-1]["event"] == "applied"  # nothing saved
    _strict_json(tmp_path / "tracker.json")


def test_infinite_training_days_are_refused_not_stored(tmp_path: Path) -> None:
    run = runner(tmp_path / "demo.json", cwd=tmp_path)
    pid = _a_target(run)
    before = _trainings(run, pid)
    r = run("record", pid, "training", "--on", "2026-11-20", "--days", "inf", lang="en")
    assert r.code == 2 and "at most 365" in r.err
    assert _trainings(run, pid) == before
    _strict_json(tmp_path / "demo.json")


@pytest.mark.parametrize("value", ["0", "25", "-6", "100000"])
def test_extension_months_outside_1_to_24_are_bad_input_not_a_rule_refusal(run: Run, value: str) -> None:
    r = run("record", "1", "extended", "--on", "2024-06-01", f"--months={value}", lang="zh")
    assert r.code == 2, r.out + r.err
    assert "1至24" in r.err


def test_training_within_the_range_is_still_recorded(tmp_path: Path) -> None:
    run = runner(tmp_path / "demo.json", cwd=tmp_path)
    pid = _a_target(run)
    r = run("record", pid, "training", "--on", "2026-11-20", "--hours", "24")
    assert r.code == 0, r.err
    assert _trainings(run, pid)[-1]["hours"] == 24


@pytest.mark.parametrize(("days", "hours", "months"), [
    (math.nan, None, None), (None, math.inf, None), (None, None, math.nan), (None, None, 6.5), (None, None, True),
])
def test_build_event_refuses_what_json_cannot_hold(days: float | None, hours: float | None,
                                                   months: float | None) -> None:
    kind = "extended" if months is not None else "training"
    with pytest.raises(InputError):
        build_event(kind, date(2026, 1, 5), days=days, hours=hours, months=months)


def test_a_backup_with_infinite_training_days_is_not_imported(tmp_path: Path) -> None:
    backup = tmp_path / "b.json"
    backup.write_text(
        '{"format": "party-tracker", "version": 1, "people": [{"name": "李四", "events": ['
        '{"event": "applied", "date": "2024-01-10"}, {"event": "training", "date": "2024-06-01", "days": Infinity}'
        ']}]}', encoding="utf-8")
    run = runner(tmp_path / "db.json", cwd=tmp_path)
    r = run("import", str(backup), "--json")
    assert r.code == 1
    (row,) = r.json()["rows"]
    assert row["status"] == "error" and "365" in row["problems"][0]
    assert not (tmp_path / "db.json").exists()  # nothing was written


# ------------------------------------------------------------------ the record dialog

def _probationary(svc: Service) -> int:
    return next(p.id for p in svc.people() if p.active and p.stage == "probationary")


@pytest.mark.parametrize(("step", "field", "value"), [
    ("extended", "#rec-months", "nan"), ("extended", "#rec-months", "6.5"), ("extended", "#rec-months", "inf"),
    ("training", "#rec-days", "nan"), ("training", "#rec-hours", "1e308"),
])
async def test_record_dialog_shows_bad_numbers_next_to_the_field(tmp_path: Path, step: str, field: str,
                                                                 value: str) -> None:
    svc = make_service(tmp_path / "ui.json")
    pid = _probationary(svc) if step == "extended" else svc.people()[0].id
    app = TrackerApp(svc, lang="zh", cursor_blink=False, watch_seconds=0)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.push_screen(RecordModal(pid, preselect=step))
        await pilot.pause()
        modal = app.screen
        assert isinstance(modal, RecordModal)
        modal.query_one(field, Input).value = value
        await pilot.pause()
        error_id = {"#rec-months": "#err-months", "#rec-days": "#err-days", "#rec-hours": "#err-hours"}[field]
        shown = str(modal.query_one(error_id, Label).render())
        assert ("1至24" if field == "#rec-months" else "不超过") in shown
        assert modal.query_one("#rec-save", Button).disabled
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.is_running and app.screen is modal
    assert tui_exit_code(app) == 0
    assert svc.person(pid).events == make_service(tmp_path / "ui.json", demo=False).person(pid).events


async def test_the_app_stopped_by_an_error_exits_non_zero(tmp_path: Path) -> None:
    app = TrackerApp(make_service(tmp_path / "ui.json"), lang="zh", cursor_blink=False, watch_seconds=0)
    with pytest.raises(ZeroDivisionError):
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            app.call_later(lambda: 1 / 0)
            await pilot.pause()
    assert tui_exit_code(app) != 0


async def test_the_app_quit_normally_exits_zero(tmp_path: Path) -> None:
    app = TrackerApp(make_service(tmp_path / "ui.json", demo=False), lang="zh", cursor_blink=False, watch_seconds=0)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("q")
        await pilot.pause()
    assert tui_exit_code(app) == 0
    assert TODAY  # the tests' clock
