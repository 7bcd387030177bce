from __future__ import annotations

import os
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from textual.pilot import Pilot

os.environ["TEXTUAL_ANIMATIONS"] = "none"

from screens.app import TrackerApp
from tracker.profiles import load_rulebook
from tracker.service import Service
from tracker.store import Store

TODAY = date(2026, 11, 27)
BOOK = load_rulebook()

MakeApp = Callable[..., TrackerApp]


async def settle(pilot: Pilot[None]) -> None:
    """After a save or an undo: it runs in a worker (screens/saving.py); wait for it and for what it posts."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def make_service(path: Path, demo: bool = True) -> Service:
    svc = Service(Store(path), BOOK, lambda: TODAY)
    if demo:
        svc.load_demo()
    return svc


@pytest.fixture
def service(tmp_path: Path) -> Service:
    return make_service(tmp_path / "demo.json")


@pytest.fixture
def make_app(tmp_path: Path) -> MakeApp:
    def _make(lang: str = "zh", demo: bool = True, svc: Service | None = None, tab: str = "overview") -> TrackerApp:
        service = svc or make_service(tmp_path / f"ui-{lang}-{demo}.json", demo)
        return TrackerApp(service, lang=lang, cursor_blink=False, watch_seconds=0, initial_tab=tab)

    return _make
