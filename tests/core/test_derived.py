"""The derived fields the file keeps beside each person's events are never wrong: every cached field is
recomputed from the events and compared, over generated data and the edge cases (another rule book, an
edition boundary, a line another program or a hand edit changed, a file written without them)."""

from __future__ import annotations

import json
import os
import stat
from datetime import date, timedelta
from pathlib import Path

import pytest

from tracker.demo import bench_people, demo_people
from tracker.derived import Derived, derive, fingerprint
from tracker.model import Event
from tracker.profiles import RuleBook, load_rulebook
from tracker.reports import due_list, due_of, status, status_of
from tracker.service import Service
from tracker.store import Store, StoreError

BOOK = load_rulebook()
PINNED_2014 = load_rulebook("cpc-2014")
TODAY = date(2026, 11, 27)
EDITION_2026 = date(2026, 5, 11)  # cpc-2026 in force from this day


def _fill(path: Path, today: date = TODAY, n: int = 150) -> Service:
    svc = Service(Store(path), BOOK, lambda: today)
    people = demo_people(today, BOOK) + bench_people(n, today, BOOK, seed=7)
    svc.add_many(people, "import", "生成", "generated")
    left = [p for p in svc.people() if p.active][:: 17]
    for p in left:  # some who left, at every stage
        svc.record(p.id, Event("left", today, reason="调离"))
    return svc


def _assert_cache_is_the_events(path: Path, book: RuleBook, today: date = TODAY) -> None:
    """Every cached field equals what the events give, and the reports from them equal the full ones."""
    svc = Service(Store(path), book, lambda: today)
    summaries = svc.summaries()
    people = Service(Store(path), book, lambda: today).people()  # another store: nothing shared in memory
    assert [s.id for s in summaries] == [p.id for p in people]
    for s, p in zip(summaries, people, strict=True):
        assert (s.name, s.branch) == (p.name, p.branch)
        assert s.derived == derive(p, book), p.id
    for day in (today, today - timedelta(days=45), today + timedelta(days=400)):
        for within in (0, 30, 365):
            assert due_of(summaries, book, day, within) == due_list(people, book, day, within)
            assert status_of(summaries, day, within) == status(people, book, day, within)


def _people_lines(path: Path) -> dict[str, dict[str, object]]:
    return json.loads(path.read_bytes())["people"]


def test_every_cached_field_is_what_the_events_give(tmp_path: Path) -> None:
    db = tmp_path / "t.json"
    _fill(db)
    assert all("derived" in doc for doc in _people_lines(db).values())  # the writes kept them
    _assert_cache_is_the_events(db, BOOK)


def test_the_cache_covers_every_stage_pending_approvals_and_people_who_left(tmp_path: Path) -> None:
    db = tmp_path / "t.json"
    _fill(db)
    summaries = Service(Store(db), BOOK, lambda: TODAY).summaries()
    assert {s.derived.stage for s in summaries} == {"applicant", "activist", "target", "probationary", "member"}
    assert {s.derived.pending for s in summaries} >= {None, "approval"}
    assert any(not s.derived.active for s in summaries)
    assert any(s.derived.deadlines for s in summaries) and any(s.derived.next_earliest for s in summaries)


def test_a_step_recorded_refreshes_that_persons_cache(tmp_path: Path) -> None:
    db = tmp_path / "t.json"
    svc = _fill(db)
    p = next(p for p in svc.people() if p.active and p.stage == "applicant" and p.last("talked") is None)
    before = next(s for s in svc.summaries() if s.id == p.id).derived
    svc.record(p.id, Event("talked", TODAY))
    after = next(s for s in Service(Store(db), BOOK, lambda: TODAY).summaries() if s.id == p.id).derived
    assert after != before and "talked" not in {d.event for d in after.deadlines}
    _assert_cache_is_the_events(db, BOOK)


def test_another_rule_book_is_answered_from_the_events_then_cached_by_its_first_write(tmp_path: Path) -> None:
    db = tmp_path / "t.json"
    _fill(db)
    assert fingerprint(PINNED_2014) != fingerprint(BOOK)
    _assert_cache_is_the_events(db, PINNED_2014)  # a reader with another book: not the file's fields

    pinned = Service(Store(db), PINNED_2014, lambda: TODAY)
    p = next(p for p in pinned.people() if p.active and p.stage == "applicant" and p.last("talked") is None)
    pinned.record(p.id, Event("talked", TODAY))  # the write recomputes everyone under the pinned book
    assert json.loads(db.read_bytes())["meta"]["1"]["derived"] == fingerprint(PINNED_2014)
    _assert_cache_is_the_events(db, PINNED_2014)
    _assert_cache_is_the_events(db, BOOK)


def test_dates_around_the_2026_edition_boundary(tmp_path: Path) -> None:
    db = tmp_path / "t.json"
    _fill(db, today=EDITION_2026, n=200)
    for day in (EDITION_2026 - timedelta(days=1), EDITION_2026, EDITION_2026 + timedelta(days=1)):
        _assert_cache_is_the_events(db, BOOK, today=day)


def test_a_line_an_older_version_changed_is_not_trusted(tmp_path: Path) -> None:
    """An older version keeps the ``derived`` it does not know and writes it back unchanged after its own change."""
    db = tmp_path / "t.json"
    svc = _fill(db)
    p = next(p for p in svc.people() if p.active and p.stage == "applicant" and p.last("talked") is None)
    stale = next(s for s in svc.summaries() if s.id == p.id).derived
    raw = db.read_bytes().decode()
    head = f'"{p.id}":'
    start = raw.index("\n" + head) + 1
    end = raw.index("\n", start)
    line = raw[start:end]
    doc = json.loads("{" + line.rstrip(",") + "}")[str(p.id)]
    doc["events"].append({"event": "talked", "date": TODAY.isoformat()})  # "derived" kept, now stale
    new = head + json.dumps(doc, ensure_ascii=False, separators=(",", ":")) + ("," if line.endswith(",") else "")
    db.write_bytes((raw[:start] + new + raw[end:]).encode())

    fresh = next(s for s in Service(Store(db), BOOK, lambda: TODAY).summaries() if s.id == p.id).derived
    assert fresh != stale and "talked" not in {d.event for d in fresh.deadlines}
    _assert_cache_is_the_events(db, BOOK)


def test_a_hand_edited_cached_field_is_not_trusted(tmp_path: Path) -> None:
    db = tmp_path / "t.json"
    svc = _fill(db)
    p = next(p for p in svc.people() if p.active and p.stage == "activist")
    raw = db.read_bytes()
    lines = raw.split(b"\n")
    i = next(i for i, row in enumerate(lines) if row.startswith(f'"{p.id}":'.encode()))
    assert b'"stage":"activist"' in lines[i]
    lines[i] = lines[i].replace(b'"stage":"activist"', b'"stage":"member"')
    db.write_bytes(b"\n".join(lines))
    assert next(s for s in Service(Store(db), BOOK, lambda: TODAY).summaries() if s.id == p.id).derived.stage == "activist"


def test_a_damaged_event_in_a_line_with_a_cache_is_still_refused(tmp_path: Path) -> None:
    db = tmp_path / "t.json"
    _fill(db, n=10)
    raw = db.read_bytes()
    first = raw.index(b'"date":"', raw.index(b'"people": {'))
    db.write_bytes(raw[:first] + b'"date":"2025-02-30"' + raw[first + len(b'"date":"2025-02-30"'):])
    with pytest.raises(StoreError) as err:
        Store(db)
    assert "damaged" in err.value.en and "2025-02-30" in err.value.en


def test_a_file_written_without_the_cache_reads_right_and_gains_it_on_the_next_write(tmp_path: Path) -> None:
    db = tmp_path / "t.json"
    svc = _fill(db)
    data = json.loads(db.read_bytes())
    for doc in data["people"].values():
        del doc["derived"]
    del data["meta"]["1"]["derived"]
    db.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")  # as an older version wrote it
    _assert_cache_is_the_events(db, BOOK)

    p = next(p for p in svc.people() if p.active and p.stage == "applicant" and p.last("talked") is None)
    Service(Store(db), BOOK, lambda: TODAY).record(p.id, Event("talked", TODAY))
    assert all("derived" in doc for doc in _people_lines(db).values())
    _assert_cache_is_the_events(db, BOOK)


def test_a_reader_that_cannot_write_answers_right_with_another_rule_book(tmp_path: Path) -> None:
    db = tmp_path / "t.json"
    _fill(db)
    os.chmod(db, stat.S_IRUSR)
    try:
        _assert_cache_is_the_events(db, PINNED_2014)
    finally:
        os.chmod(db, stat.S_IRUSR | stat.S_IWUSR)


def test_undo_of_an_add_leaves_no_cache_behind(tmp_path: Path) -> None:
    db = tmp_path / "t.json"
    svc = _fill(db, n=5)
    added = svc.add({"name": "新人"}, TODAY).person
    assert any(s.id == added.id for s in svc.summaries())
    svc.undo()
    assert str(added.id) not in _people_lines(db)
    assert all(s.id != added.id for s in Service(Store(db), BOOK, lambda: TODAY).summaries())


def test_derived_json_round_trips() -> None:
    people = demo_people(TODAY, BOOK)
    for p in people:
        d = derive(p, BOOK)
        assert Derived.from_json(json.loads(json.dumps(d.to_json()))) == d
