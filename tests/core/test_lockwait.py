"""Waiting for the writers' lock as a UI sees it (tracker.lockwait): told once that it waits, able to give up."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from tracker.lockwait import WaitCancelled, watching
from tracker.model import Event, Person
from tracker.store import Store

from .helpers import d, lock_held


def _add(store: Store, name: str) -> None:
    with store.transaction() as tx:
        tx.add(Person(id=0, name=name, events=(Event("applied", d("2025-01-01")),)))


def test_a_write_that_finds_the_lock_taken_says_so_once_then_lands_when_it_is_free(tmp_path: Path) -> None:
    db = tmp_path / "db.json"
    store = Store(db, lock_timeout=10)
    told: list[str] = []
    with lock_held(db) as release:
        threading.Timer(0.5, release.set).start()
        with watching(on_busy=lambda: told.append("busy")):
            _add(store, "甲")
    assert told == ["busy"]
    assert [p.name for p in Store(db).people()] == ["甲"]


def test_giving_up_the_wait_writes_nothing(tmp_path: Path) -> None:
    db = tmp_path / "db.json"
    store = Store(db, lock_timeout=10)
    _add(store, "甲")
    before = db.read_bytes()
    cancel = threading.Event()
    with lock_held(db), watching(on_busy=cancel.set, cancel=cancel), pytest.raises(WaitCancelled) as err:
        _add(store, "乙")  # the first look at the lock finds it taken: the user gives up at once
    assert "未保存任何改动" in err.value.zh and "nothing was saved" in err.value.en
    assert db.read_bytes() == before
    assert [p.name for p in Store(db).people()] == ["甲"]


def test_without_a_watch_nothing_changes_for_the_cli(tmp_path: Path) -> None:
    db = tmp_path / "db.json"
    _add(Store(db, lock_timeout=1), "甲")  # no watch on this thread: the store writes as before
    assert [p.name for p in Store(db).people()] == ["甲"]
