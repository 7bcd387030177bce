"""The change journal at the end of the database file (``tracker.storejournal``): a step recorded on a large file
is one appended line, and whatever happens to that line (a crash while writing it, a fold, another process,
damage), what the secretary sees is a step either saved whole or not at all, and every count right.

The journal is used from ``storejournal.FROM_BYTES`` on (a file that size takes many people to make): these tests
lower it to 0 so that a small file takes it too."""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from tracker import storejournal
from tracker.demo import bench_people, demo_people
from tracker.derived import derive
from tracker.model import Event
from tracker.profiles import load_rulebook
from tracker.reports import status
from tracker.service import Service
from tracker.store import Store, StoreError
from tracker.storelayout import BODY_END
from tracker.tally import tally_of

BOOK = load_rulebook()
TODAY = date(2026, 11, 27)


@pytest.fixture(autouse=True)
def journal_from_any_size(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(storejournal, "FROM_BYTES", 0)
    yield


def _service(path: Path) -> Service:
    return Service(Store(path), BOOK, lambda: TODAY)


def _fill(path: Path, n: int = 40) -> Service:
    svc = _service(path)
    svc.add_many(demo_people(TODAY, BOOK) + bench_people(n, TODAY, BOOK, seed=5), "import", "生成", "generated")
    return svc


def _journal(path: Path) -> list[bytes]:
    """The journal's lines as on disk (after the file's JSON)."""
    raw = path.read_bytes()
    return raw[raw.rindex(BODY_END) + len(BODY_END):].splitlines(keepends=True)


def _talkers(svc: Service) -> list[int]:
    return [p.id for p in svc.people() if p.active and p.stage == "applicant" and p.last("talked") is None]


def _talk(svc: Service, pid: int) -> None:
    svc.record(pid, Event("talked", TODAY))


def _assert_counts_are_the_events(path: Path) -> None:
    """A fresh reader's status (from the kept counts when it believes them) equals the counts from the events, and
    the kept counts equal everyone's derived fields counted again."""
    fresh = _service(path)
    people = _service(path).people()
    for day in (TODAY, date(2027, 6, 1)):
        for within in (0, 30, 365):
            got = Service(fresh.store, BOOK, lambda day=day: day).status(within)  # type: ignore[misc]
            assert got == status(people, BOOK, day, within)
    kept = fresh.store.status_tally()  # type: ignore[attr-defined]
    assert kept is not None, "the counts survive the journal"
    assert kept == tally_of(derive(p, BOOK).to_json() for p in people)


def test_a_step_on_a_large_file_is_one_appended_line_and_a_fresh_reader_sees_it(tmp_path: Path) -> None:
    db = tmp_path / "t.json"
    svc = _fill(db)
    body = db.read_bytes()
    pid = _talkers(svc)[0]
    _talk(svc, pid)
    raw = db.read_bytes()
    assert raw.startswith(body), "the file before the step is left as it was"
    assert len(_journal(db)) == 1 and _journal(db)[0].endswith(b"\n")
    again = _service(db)
    assert again.person(pid).last("talked") is not None
    assert again.history()[-1].summary("en") == f"{again.person(pid).name}: {svc.history()[-1].en.split(': ', 1)[1]}"
    assert len(again.history()) == 2
    _assert_counts_are_the_events(db)


def test_a_crash_at_any_byte_of_the_append_leaves_the_step_whole_or_absent(tmp_path: Path) -> None:
    db = tmp_path / "t.json"
    svc = _fill(db, n=10)
    first, second = _talkers(svc)[:2]
    _talk(svc, first)
    before = db.read_bytes()
    _talk(svc, second)
    after = db.read_bytes()
    assert after.startswith(before)
    cut = tmp_path / "cut.json"
    for size in range(len(before), len(after) + 1):
        cut.write_bytes(after[:size])  # the power went while the line was being written
        svc2 = _service(cut)  # opens: never an error on the earlier data
        assert svc2.person(first).last("talked") is not None
        saved = svc2.person(second).last("talked") is not None
        assert saved == (size == len(after)), size
        assert len(svc2.history()) == 3 if saved else 2
        if size in (len(before) + 1, len(after) - 1):
            assert svc2.status() == status(svc2.people(), BOOK, TODAY)
    # the next write after a cut-short line rewrites the file whole: plain JSON again, the cut line gone
    cut.write_bytes(after[:len(after) - 7])
    svc3 = _service(cut)
    svc3.record(second, Event("talked", TODAY))
    data = json.loads(cut.read_bytes())
    assert any(e["event"] == "talked" for e in data["people"][str(second)]["events"])
    assert not _journal(cut)
    _assert_counts_are_the_events(cut)


def test_a_damaged_entry_before_good_ones_is_refused_and_nothing_is_changed(tmp_path: Path) -> None:
    db = tmp_path / "t.json"
    svc = _fill(db)
    for pid in (1, 2, 3):
        svc.edit(pid, {"note": f"第{pid}次"})
    raw = db.read_bytes()
    lines = _journal(db)
    assert len(lines) == 3
    at = raw.index(lines[1]) + 40
    spoiled = raw[:at] + bytes([raw[at] ^ 0x01]) + raw[at + 1:]  # one bit flipped in the second entry
    db.write_bytes(spoiled)
    for attempt in ("open", "write"):
        with pytest.raises(StoreError) as err:
            if attempt == "open":
                _service(db)
            else:
                Store(db).transaction().__enter__()
        assert "damaged" in err.value.en and "does not add up" in err.value.en
        assert "已损坏" in err.value.zh and "校验不符" in err.value.zh and "未作任何更改" in err.value.zh
        assert db.read_bytes() == spoiled


def test_a_spoiled_last_entry_is_a_write_cut_short_and_left_out(tmp_path: Path) -> None:
    db = tmp_path / "t.json"
    svc = _fill(db, n=10)
    first, second = _talkers(svc)[:2]
    _talk(svc, first)
    _talk(svc, second)
    raw = db.read_bytes()
    db.write_bytes(raw[:-30] + b"\0" * 29 + b"\n")  # zeros where the last line's end was (a power cut)
    svc2 = _service(db)
    assert svc2.person(first).last("talked") is not None
    assert svc2.person(second).last("talked") is None
    assert svc2.status() == status(svc2.people(), BOOK, TODAY)


def test_folding_keeps_everything_and_undo_works_across_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(storejournal, "MAX_ENTRIES", 3)
    db = tmp_path / "t.json"
    svc = _fill(db)
    pids = [p.id for p in svc.people() if p.active][:5]
    seen = []
    for i, pid in enumerate(pids):
        svc.edit(pid, {"note": f"第{i}次"})
        seen.append(len(_journal(db)))
    assert seen == [1, 2, 3, 0, 1], "the fourth write folds the three entries into the file, the fifth appends again"
    assert [json.loads(db.read_bytes().split(BODY_END)[0] + BODY_END)["people"][str(pid)].get("note")
            for pid in pids[:4]] == ["第0次", "第1次", "第2次", "第3次"], "folded into the JSON itself"
    fresh = _service(db)
    assert [fresh.person(pid).note for pid in pids] == [f"第{i}次" for i in range(5)]
    # undo the last three (one journalled after the fold, one in the fold's write, one folded), each in a fresh process
    for gone in reversed(pids[2:]):
        assert _service(db).undo() is not None
        assert _service(db).person(gone).note == ""
    fresh = _service(db)
    assert [fresh.person(pid).note for pid in pids] == ["第0次", "第1次", "", "", ""]
    _assert_counts_are_the_events(db)


def test_a_rule_profile_change_folds(tmp_path: Path) -> None:
    db = tmp_path / "t.json"
    svc = _fill(db, n=10)
    _talk(svc, _talkers(svc)[0])
    assert _journal(db)
    pinned = Service(Store(db), load_rulebook("cpc-2014"), lambda: TODAY)
    pinned.record(_talkers(pinned)[0], Event("talked", TODAY))
    assert not _journal(db), "everyone's derived fields change: the file is rewritten whole"
    assert json.loads(db.read_bytes())["meta"]["1"]["derived"] == pinned.store.fingerprint()  # type: ignore[attr-defined]


def test_the_counts_after_replaying_every_kind_of_change_are_the_events(tmp_path: Path) -> None:
    db = tmp_path / "t.json"
    svc = _fill(db)
    active = [p for p in svc.people() if p.active]
    _talk(svc, _talkers(svc)[0])
    svc.record(active[3].id, Event("left", TODAY, reason="调离"))
    added = svc.add({"name": "新来的", "birth": "1999-01-01", "branch": "第一党支部"}, date(2026, 11, 1))
    _assert_counts_are_the_events(db)
    svc.undo()  # the add taken back: a person removed in the journal
    svc.edit(active[5].id, {"phone": "13800000000"})
    assert len(_journal(db)) == 5
    fresh = _service(db)
    assert fresh.store.person(added.person.id) is None  # type: ignore[attr-defined]
    assert fresh.person(active[5].id).phone == "13800000000"
    _assert_counts_are_the_events(db)


def test_a_status_only_open_does_not_split_the_people(tmp_path: Path) -> None:
    db = tmp_path / "t.json"
    svc = _fill(db)
    _talk(svc, _talkers(svc)[0])
    fresh = _service(db)
    got = fresh.status()
    people = fresh.store._storage.data["people"]  # type: ignore[attr-defined]
    assert not people.filled, "status is answered from the counts on the meta line"
    assert fresh.count() == len(svc.people())
    assert got == status(fresh.people(), BOOK, TODAY)
    assert people.filled


def test_another_process_appending_is_seen_by_an_open_store(tmp_path: Path) -> None:
    db = tmp_path / "t.json"
    svc = _fill(db, n=10)
    first, second = _talkers(svc)[:2]
    reader = _service(db)
    reader.people()
    other = _service(db)
    _talk(other, first)
    assert reader.refresh() is True
    assert reader.person(first).last("talked") is not None
    _talk(reader, second)  # and writes on top of it, losing nothing
    fresh = _service(db)
    assert fresh.person(first).last("talked") is not None and fresh.person(second).last("talked") is not None


def test_an_append_keeps_the_file_owner_only(tmp_path: Path) -> None:
    db = tmp_path / "t.json"
    svc = _fill(db, n=10)
    db.chmod(0o644)  # a sync tool widened it
    _talk(svc, _talkers(svc)[0])
    assert _journal(db)
    if os.name == "posix":
        assert stat.S_IMODE(db.stat().st_mode) == 0o600


def test_backup_export_and_the_migrate_reader_see_journalled_steps(tmp_path: Path) -> None:
    from tracker.pgadmin import read_data

    db = tmp_path / "t.json"
    svc = _fill(db, n=10)
    pid = _talkers(svc)[0]
    _talk(svc, pid)
    assert _journal(db)
    fresh = _service(db)
    fresh.export(fmt="json", path=tmp_path / "backup.json")
    backup = json.loads((tmp_path / "backup.json").read_text(encoding="utf-8"))
    assert "talked" in json.dumps(backup, ensure_ascii=False)
    fresh.export(person=pid, fmt="md", path=tmp_path / "record.md", lang="en")
    assert str(TODAY) in (tmp_path / "record.md").read_text(encoding="utf-8")
    data = read_data(str(db), BOOK)
    assert any(e["event"] == "talked" for e in data["people"][str(pid)]["events"])
    assert len(data["history"]) == 2


def test_a_history_entry_edited_by_hand_is_checked_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(storejournal, "MAX_ENTRIES", 0)  # every write rewrites the file: its history section summed
    db = tmp_path / "t.json"
    svc = _fill(db, n=10)
    svc.edit(1, {"note": "一"})
    raw = db.read_bytes()
    assert b'"history_sum":' in raw and not _journal(db)
    db.write_bytes(raw.replace(b'"undone":false', b'"undone":"no"', 1))  # no longer what the store wrote
    with pytest.raises(StoreError) as err:
        _service(db)
    assert "damaged" in err.value.en and "undone" in err.value.en
