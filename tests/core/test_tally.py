"""The counts the file keeps for ``status`` (``tracker.tally``, on the meta record's line) are never wrong: after
every kind of write, in the process that wrote and in a fresh one, ``status`` equals what the events give;
and a file changed by anyone else is counted again from the people, never answered from a stale tally."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

from tracker.demo import bench_people, demo_people
from tracker.model import Event
from tracker.profiles import load_rulebook
from tracker.reports import status, status_from_tally, status_of
from tracker.service import Service
from tracker.store import Store
from tracker.tally import tally_of

BOOK = load_rulebook()
PINNED_2014 = load_rulebook("cpc-2014")
TODAY = date(2026, 11, 27)
DAYS = (TODAY, TODAY - timedelta(days=45), TODAY + timedelta(days=400))


def _service(path: Path, book: object = BOOK) -> Service:
    return Service(Store(path), book, lambda: TODAY)  # type: ignore[arg-type]


def _fill(path: Path, n: int = 120) -> Service:
    svc = _service(path)
    svc.add_many(demo_people(TODAY, BOOK) + bench_people(n, TODAY, BOOK, seed=11), "import", "生成", "generated")
    return svc


def _assert_status_is_the_events(svc: Service) -> None:
    """``status`` (from the tally when the store keeps one) equals the counts from everyone's events."""
    people = _service(svc.store.path).people()  # type: ignore[attr-defined]
    for day in DAYS:
        for within in (0, 30, 365):
            got = Service(svc.store, svc.book, lambda day=day: day).status(within)  # type: ignore[misc]
            assert got == status(people, svc.book, day, within), (day, within)


def _tally_on_file(path: Path) -> object:
    return json.loads(path.read_bytes())["meta"]["1"].get("people_tally")


def test_a_written_file_keeps_everyone_counted_and_a_fresh_reader_uses_it(tmp_path: Path) -> None:
    db = tmp_path / "t.json"
    _fill(db)
    fresh = _service(db)
    assert fresh.store.status_tally() is not None  # type: ignore[attr-defined]
    _assert_status_is_the_events(fresh)
    summaries = fresh.summaries()
    counted = tally_of(s.derived.to_json() for s in summaries)
    assert counted == fresh.store.status_tally()  # type: ignore[attr-defined]
    for day in DAYS:
        assert status_from_tally(counted, day) == status_of(summaries, day)


def test_the_counts_follow_each_step_undo_leaving_and_adding(tmp_path: Path) -> None:
    db = tmp_path / "t.json"
    svc = _fill(db)
    everyone = svc.people()
    talker = next(p for p in everyone if p.active and p.stage == "applicant" and p.last("talked") is None)
    svc.record(talker.id, Event("talked", TODAY))
    _assert_status_is_the_events(svc)
    leaver = next(p for p in everyone if p.active and p.stage == "target")
    svc.record(leaver.id, Event("left", TODAY, reason="调离"))
    _assert_status_is_the_events(svc)
    svc.undo()
    _assert_status_is_the_events(svc)
    added = svc.add({"name": "新人"}, TODAY - timedelta(days=200)).person
    _assert_status_is_the_events(svc)
    svc.undo()  # the add taken back: the person is gone and not counted
    assert all(p.id != added.id for p in svc.people())
    _assert_status_is_the_events(svc)
    _assert_status_is_the_events(_service(db))  # and the file's own tally, read fresh


def test_a_line_changed_by_another_program_is_counted_from_the_events(tmp_path: Path) -> None:
    db = tmp_path / "t.json"
    svc = _fill(db)
    p = next(p for p in svc.people() if p.active and p.stage == "activist")
    raw = db.read_bytes()
    line_at = raw.index(f'\n"{p.id}":'.encode()) + 1
    end = raw.index(b"\n", line_at)
    line = raw[line_at:end]
    doc = json.loads(b"{" + line.rstrip(b",") + b"}")[str(p.id)]
    doc["events"].append({"event": "left", "date": TODAY.isoformat(), "reason": "调离"})  # stale cache kept
    new = f'"{p.id}":'.encode() + json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode()
    db.write_bytes(raw[:line_at] + new + (b"," if line.endswith(b",") else b"") + raw[end:])
    assert _tally_on_file(db) is not None  # still there, now stale: the section no longer adds up
    reader = _service(db)
    assert reader.store.status_tally() is None  # type: ignore[attr-defined]
    assert reader.status().left == status(reader.people(), BOOK, TODAY).left
    _assert_status_is_the_events(reader)


def test_a_hand_edited_tally_is_not_believed(tmp_path: Path) -> None:
    db = tmp_path / "t.json"
    _fill(db)
    raw = db.read_bytes()
    db.write_bytes(raw.replace(b'"people_tally":{"stage":{"activist":', b'"people_tally":{"stage":{"activist":9', 1))
    _assert_status_is_the_events(_service(db))


def test_another_rule_book_counts_from_the_events_then_keeps_its_own_counts(tmp_path: Path) -> None:
    db = tmp_path / "t.json"
    _fill(db)
    other = _service(db, PINNED_2014)
    assert other.store.status_tally() is None  # type: ignore[attr-defined]
    _assert_status_is_the_events(other)
    p = next(p for p in other.people() if p.active and p.stage == "applicant" and p.last("talked") is None)
    other.record(p.id, Event("talked", TODAY))  # the first write derives everyone again, and counts them
    assert other.store.status_tally() is not None  # type: ignore[attr-defined]
    _assert_status_is_the_events(other)


def test_the_meta_record_never_shows_the_kept_counts(tmp_path: Path) -> None:
    db = tmp_path / "t.json"
    svc = _fill(db, n=5)
    assert _tally_on_file(db) is not None
    meta = _service(db).store._storage.data["meta"]["1"]  # type: ignore[attr-defined]
    assert "people_tally" not in meta and "people_sum" not in meta
    assert svc.store.settings() == _service(db).store.settings()  # type: ignore[attr-defined]
