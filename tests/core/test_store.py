from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tracker.model import Event, Person
from tracker.store import SCHEMA_VERSION, LockedError, Store, StoreError

from .helpers import d


def _person(name: str = "张三") -> Person:
    return Person(id=0, name=name, branch="第一党支部", events=(Event("applied", d("2024-01-01")),))


def test_file_is_utf8_with_real_chinese_and_a_schema_version(tmp_path: Path) -> None:
    db = tmp_path / "t.json"
    store = Store(db)
    with store.transaction() as tx:
        tx.add(_person())
        tx.log("add", "新增", "added")
    text = db.read_text(encoding="utf-8")
    assert "张三" in text and "\\u" not in text
    data = json.loads(text)
    assert data["meta"]["1"]["schema"] == SCHEMA_VERSION
    assert data["people"]["1"]["name"] == "张三"


def test_file_mode_is_owner_only(tmp_path: Path) -> None:
    db = tmp_path / "t.json"
    with Store(db).transaction() as tx:
        tx.add(_person())
    assert stat.S_IMODE(db.stat().st_mode) == 0o600


def test_failed_change_leaves_the_file_and_memory_untouched(tmp_path: Path) -> None:
    db = tmp_path / "t.json"
    store = Store(db)
    with store.transaction() as tx:
        tx.add(_person("甲"))
    before = db.read_bytes()
    with pytest.raises(RuntimeError), store.transaction() as tx:
        tx.add(_person("乙"))
        raise RuntimeError("boom")
    assert db.read_bytes() == before
    assert [p.name for p in store.people()] == ["甲"]


def test_crash_during_rename_keeps_the_old_file_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "t.json"
    store = Store(db)
    with store.transaction() as tx:
        tx.add(_person("甲"))
    before = db.read_bytes()

    def crash(*_a: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(StoreError) as err, store.transaction() as tx:
        tx.add(_person("乙"))
    assert "disk full" in err.value.en and "数据未改动" in err.value.zh
    assert db.read_bytes() == before
    assert [p.name for p in store.people()] == ["甲"]
    assert not list(tmp_path.glob(".*.tmp")), "the temporary file is cleaned up"


def test_previous_version_is_kept_as_bak(tmp_path: Path) -> None:
    db = tmp_path / "t.json"
    store = Store(db)
    with store.transaction() as tx:
        tx.add(_person("甲"))
    first = db.read_bytes()
    with store.transaction() as tx:
        tx.add(_person("乙"))
    assert (tmp_path / "t.json.bak").read_bytes() == first


def test_only_changed_documents_are_rewritten_and_the_rest_survive(tmp_path: Path) -> None:
    db = tmp_path / "t.json"
    store = Store(db)
    with store.transaction() as tx:
        for i in range(5):
            tx.add(_person(f"人{i}"))
    store2 = Store(db)  # a fresh reader of our own format
    p = store2.person(3)
    assert p is not None
    with store2.transaction() as tx:
        tx.put(p.with_events((*p.events, Event("talked", d("2024-01-10")))))
    again = Store(db)
    assert [len(x.events) for x in again.people()] == [1, 1, 2, 1, 1]
    assert json.loads(db.read_text(encoding="utf-8"))["people"]["3"]["events"][1]["event"] == "talked"


def test_a_change_made_by_another_process_is_seen_before_writing(tmp_path: Path) -> None:
    db = tmp_path / "t.json"
    a, b = Store(db), Store(db)
    with a.transaction() as tx:
        tx.add(_person("甲"))
    with b.transaction() as tx:  # b had an empty view: it must re-read first
        tx.add(_person("乙"))
    assert a.refresh() is True
    assert sorted(p.name for p in a.people()) == ["乙", "甲"]


def test_second_writer_gets_a_message_naming_the_holder(tmp_path: Path) -> None:
    db = tmp_path / "t.json"
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sys, time; from pathlib import Path; from tracker.store import Store\n"
         "s = Store(Path(sys.argv[1]))\n"
         "with s._lock():\n print('locked', flush=True); time.sleep(5)\n", str(db)],
        stdout=subprocess.PIPE, text=True, cwd=Path(__file__).resolve().parents[2])
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        store = Store(db, lock_timeout=0.3)
        start = time.monotonic()
        with pytest.raises(LockedError) as err, store.transaction() as tx:
            tx.add(_person())
        assert time.monotonic() - start < 2
        assert f"pid {holder.pid}" in err.value.en and "另一个程序" in err.value.zh
        assert not db.exists()
    finally:
        holder.kill()
        holder.wait()


def test_damaged_file_gives_a_recovery_message(tmp_path: Path) -> None:
    db = tmp_path / "t.json"
    db.write_text('{"people": {"1": {"name": "张', encoding="utf-8")
    with pytest.raises(StoreError) as err:
        Store(db)
    assert "t.json.bak" in err.value.zh and "damaged" in err.value.en


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "t.json"
    db.write_text(json.dumps({"meta": {"1": {"schema": SCHEMA_VERSION + 1}}}), encoding="utf-8")
    with pytest.raises(StoreError, match="newer"):
        Store(db)


def test_reads_a_plain_tinydb_file(tmp_path: Path) -> None:
    db = tmp_path / "t.json"
    db.write_text(json.dumps({"people": {"7": {"name": "王五", "events": [{"event": "applied", "date": "2024-01-01"}]}}},
                             ensure_ascii=True), encoding="utf-8")
    store = Store(db)
    assert store.person(7) is not None and store.person(7).name == "王五"  # type: ignore[union-attr]
    with store.transaction() as tx:
        tx.add(_person("赵六"))
    assert sorted(p.name for p in Store(db).people()) == ["王五", "赵六"]
