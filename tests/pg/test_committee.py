"""PostgreSQL for a whole committee: one ID number one person (even when two secretaries add at once), change
notices that tell a branch secretary nothing about other branches, undo that keeps what it restores for each
user's last changes and never reads the whole history, imports in one pipeline, lists without anyone's events."""

from __future__ import annotations

import threading
import time
from datetime import date
from pathlib import Path
from typing import Any

import psycopg
import psycopg.types.json
import pytest

from tests.pg.cluster import Cluster
from tests.pg.test_pg_store import BOOK, TODAY, activist, another_writer_holding, service, user_url
from tracker import pgadmin, pgschema
from tracker.backend import open_store
from tracker.derived import derive, summary
from tracker.inputs import id_check_char
from tracker.model import Event, Person
from tracker.pgstore import PgStore
from tracker.service import InputError, Service
from tracker.store import StoreError


def id_number(n: int, birth: str = "19950505") -> str:
    first = f"110105{birth}{n:03d}"
    return first + id_check_char(first)


@pytest.fixture
def users(pg_url: str) -> str:
    """alice (branch A), bob (B), carol (every branch)."""
    pgadmin.grant(pg_url, "alice", ["A"], False)
    pgadmin.grant(pg_url, "bob", ["B"], False)
    pgadmin.grant(pg_url, "carol", [], True)
    return pg_url


# ---------------------------------------------------------------- one ID number, one person

def test_two_secretaries_adding_the_same_id_number_at_once_one_succeeds(users: str) -> None:
    """The second add passes the service's own check (the first is not committed yet), then waits on the unique
    index and is refused with the bilingual duplicate message once the first commits."""
    first, second = service(user_url(users, "alice")), service(user_url(users, "carol"))
    number = id_number(1)

    def add_first(tx: Any) -> None:
        tx.add(Person(id=0, name="张三", branch="A", id_number=number, events=(Event("applied", date(2026, 1, 5)),)))
        tx.log("add", "新增 张三", "Added 张三")

    with another_writer_holding(first.store, add_first) as waited:
        with pytest.raises(InputError) as err:
            second.add({"name": "张三", "branch": "B", "id_number": number}, date(2026, 1, 6))
        assert waited() >= 0.5
    assert "already registered in this committee" in err.value.message("en")
    assert "已在本党委登记" in err.value.message("zh")
    assert number not in err.value.message("en")  # masked, as every message shows an ID number
    assert [(p.name, p.branch) for p in service(users).people()] == [("张三", "A")]


def test_two_simultaneous_adds_of_one_person_leave_one_person(users: str) -> None:
    number = id_number(2)
    gate = threading.Barrier(2)
    outcomes: list[str] = []

    def add(user: str, branch: str) -> None:
        svc = service(user_url(users, user))
        gate.wait()
        try:
            svc.add({"name": "李四", "branch": branch, "id_number": number}, date(2026, 2, 1))
            outcomes.append("added")
        except InputError as exc:
            assert exc.field == "id_number"
            outcomes.append("refused")

    threads = [threading.Thread(target=add, args=u) for u in (("alice", "A"), ("bob", "B"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["added", "refused"]
    assert service(users).store.count() == 1


def test_an_id_number_held_in_another_branch_is_refused_without_naming_the_holder(users: str) -> None:
    service(user_url(users, "bob")).add({"name": "乙某", "branch": "B", "id_number": id_number(3)}, date(2026, 1, 5))
    alice = service(user_url(users, "alice"))
    with pytest.raises(InputError) as err:
        alice.add({"name": "甲某", "branch": "A", "id_number": id_number(3)}, date(2026, 1, 5))
    assert "乙某" not in err.value.message("zh") and "B" not in err.value.message("en").split("committee")[0]
    assert alice.store.count() == 0
    mine = alice.add({"name": "甲某", "branch": "A", "id_number": id_number(4)}, date(2026, 1, 5)).person
    with pytest.raises(InputError):  # an edit to another's number too
        alice.edit(mine.id, {"id_number": id_number(3)})
    assert alice.person(mine.id).id_number == id_number(4)


def test_an_import_with_a_number_already_in_the_committee_saves_nothing(users: str) -> None:
    carol = service(user_url(users, "carol"))
    carol.add({"name": "已有", "branch": "B", "id_number": id_number(5)}, date(2026, 1, 5))
    rows = [Person(id=0, name=f"新{i}", branch="A", id_number=id_number(10 + i),
                   events=(Event("applied", date(2026, 3, 1)),)) for i in range(20)]
    rows.append(Person(id=0, name="重复", branch="A", id_number=id_number(5), events=(Event("applied", date(2026, 3, 1)),)))
    with pytest.raises(InputError) as err:
        service(user_url(users, "alice")).add_many(rows, "import", "导入", "imported")
    assert "已在本党委登记" in err.value.message("zh")
    assert carol.store.count() == 1


# ---------------------------------------------------------------- many at once

def test_an_import_of_many_people_is_one_change_with_ids_in_order(users: str) -> None:
    alice = service(user_url(users, "alice"))
    rows = [Person(id=0, name=f"人{i}", branch="A", id_number=id_number(100 + i),
                   events=(Event("applied", date(2026, 3, 1)),)) for i in range(300)]
    saved = alice.add_many(rows, "import", "导入 300 人", "imported 300")
    assert [p.name for p in saved] == [f"人{i}" for i in range(300)]
    assert [p.id for p in saved] == list(range(saved[0].id, saved[0].id + 300))
    fresh = service(user_url(users, "carol"))
    assert [p.to_doc() for p in fresh.people()] == [p.to_doc() for p in saved]
    assert len(fresh.history()) == 1
    assert alice.undo() is not None and fresh.store.count() == 0


def test_lists_come_from_the_derived_json_and_equal_the_events(users: str) -> None:
    svc = service(users)
    svc.load_demo()
    assert svc.summaries() == [summary(p.id, p.name, p.branch, derive(p, BOOK)) for p in svc.people()]


# ---------------------------------------------------------------- change notices

def _listening(url: str) -> PgStore:
    store = PgStore(url, book=BOOK)
    store.refresh()
    return store


def _heard(store: PgStore) -> set[str]:
    time.sleep(0.2)  # a notification reaches a listener within milliseconds
    return {n.payload.partition(":")[2] for n in store._conn.notifies(timeout=0.5, stop_after=50)}


def test_a_listening_branch_secretary_hears_of_her_branch_only(users: str) -> None:
    owner = service(users)
    a1, b1 = activist(owner, "甲一", "A"), activist(owner, "乙一", "B")
    alice, carol = _listening(user_url(users, "alice")), _listening(user_url(users, "carol"))
    _heard(alice), _heard(carol)
    service(user_url(users, "bob")).record(b1, Event("thought-report", date(2025, 1, 5)))
    assert _heard(alice) == set()  # nothing at all: not the ids, not even that B changed
    assert _heard(carol) == {str(b1)}
    service(user_url(users, "carol")).record(a1, Event("thought-report", date(2025, 1, 6)))
    assert _heard(alice) == {str(a1)}


def test_a_person_moved_between_branches_is_announced_to_both_with_their_id_only(users: str) -> None:
    owner = service(users)
    a1, _b1 = activist(owner, "甲一", "A"), activist(owner, "乙一", "B")
    alice, bob = _listening(user_url(users, "alice")), _listening(user_url(users, "bob"))
    _heard(alice), _heard(bob)
    service(user_url(users, "carol")).edit(a1, {"branch": "B"})
    assert _heard(alice) == {str(a1)} and _heard(bob) == {str(a1)}


def test_a_branch_secretary_cannot_learn_other_channels(users: str) -> None:
    with psycopg.connect(user_url(users, "alice"), autocommit=True) as conn:
        mine = conn.execute("SELECT tracker_listen_channels()").fetchone()[0]
        assert len(mine) == 1  # her one branch
        for sql in ("SELECT * FROM tracker_secret", "SELECT tracker_channel('B')", "SELECT tracker_channel('*')"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(sql)
    with psycopg.connect(user_url(users, "carol"), autocommit=True) as conn:
        assert conn.execute("SELECT tracker_listen_channels()").fetchone()[0] != mine


def test_the_open_store_rereads_only_what_its_branch_changed(users: str) -> None:
    owner = service(users)
    a1, b1 = activist(owner, "甲一", "A"), activist(owner, "乙一", "B")
    alice = service(user_url(users, "alice"))
    assert [p.name for p in alice.people()] == ["甲一"]
    service(user_url(users, "bob")).record(b1, Event("thought-report", date(2025, 1, 5)))
    time.sleep(0.2)
    assert alice.refresh() is False
    service(user_url(users, "carol")).record(a1, Event("thought-report", date(2025, 1, 6)))
    time.sleep(0.2)
    assert alice.refresh() is True
    assert len(alice.people()[0].all_of("thought-report")) == 1


# ---------------------------------------------------------------- undo and the history

def test_undo_keeps_what_it_restores_for_each_users_last_changes(users: str) -> None:
    owner = service(users)
    a1, b1 = activist(owner, "甲一", "A"), activist(owner, "乙一", "B")
    alice = Service(PgStore(user_url(users, "alice"), book=BOOK, undo_depth=2), BOOK, lambda: TODAY)
    bob = service(user_url(users, "bob"))
    bob.record(b1, Event("thought-report", date(2025, 1, 1)))
    for month in (1, 2, 3):
        alice.record(a1, Event("thought-report", date(2025, month, 5)))
    assert [h.undoable for h in alice.history(a1)][-3:] == [False, True, True]
    assert alice.undo() is not None and alice.undo() is not None
    assert alice.undo() is None  # the oldest of her three is past her depth: it stays, with its summary
    assert len(alice.person(a1).all_of("thought-report")) == 1
    assert bob.next_undo() is not None  # another user's changes keep theirs
    assert sum(h.undoable for h in owner.history()) >= 4  # the owner's own adds are untouched


def test_undo_and_a_persons_history_do_not_read_the_whole_history(users: str) -> None:
    owner = service(users)
    a1 = activist(owner, "甲一", "A")
    alice = service(user_url(users, "alice"))
    alice.record(a1, Event("thought-report", date(2025, 1, 5)))

    def everything() -> None:
        raise AssertionError("the whole history was read")

    alice.store.history = everything  # type: ignore[method-assign]
    assert [h.action for h in alice.history(a1)][-1] == "record"
    assert alice.undo_person(a1) is not None
    alice.record(a1, Event("thought-report", date(2025, 2, 5)))
    assert alice.undo() is not None and alice.undo() is None


# ---------------------------------------------------------------- schema versions

def test_a_version_1_database_is_refused_until_db_init_upgrades_it(cluster: Cluster,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    url = cluster.url(cluster.new_database())
    monkeypatch.setattr(pgschema, "MIGRATIONS", {1: pgschema.MIGRATIONS[1]})
    pgadmin.init(url)
    monkeypatch.undo()
    with pytest.raises(StoreError) as err:
        open_store(url, book=BOOK)
    assert "db init" in err.value.message("en")
    with psycopg.connect(url, autocommit=True) as conn:  # two people with one number, from before the index
        for name in ("甲", "乙"):
            conn.execute("INSERT INTO people (name, details, events, stage, active, derived_by) "
                         "VALUES (%s, %s, '[]', 'applicant', true, '')",
                         (name, psycopg.types.json.Jsonb({"name": name, "id_number": id_number(6)})))
    with pytest.raises(pgadmin.AdminError) as refused:
        pgadmin.init(url)
    assert "ids 1, 2" in refused.value.message("en") and id_number(6) not in refused.value.message("en")
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DELETE FROM people")
    assert pgadmin.init(url) == (1, pgschema.PG_SCHEMA_VERSION)
    svc = service(url)
    svc.add({"name": "升级后", "id_number": id_number(7)}, date(2026, 1, 5))
    assert [p.name for p in svc.people()] == ["升级后"]


def test_migrate_refuses_a_file_with_one_id_number_twice_and_names_them(tmp_path: Path, cluster: Cluster) -> None:
    import json

    src = tmp_path / "src.json"
    svc = Service(open_store(src, book=BOOK), BOOK, lambda: TODAY)
    first = svc.add({"name": "甲", "id_number": id_number(8)}, date(2026, 1, 5)).person
    second = svc.add({"name": "乙", "id_number": id_number(9)}, date(2026, 1, 5)).person
    data = json.loads(src.read_text(encoding="utf-8"))  # an old file, from before the duplicate check
    data["people"][str(second.id)]["id_number"] = id_number(8)
    src.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    url = cluster.url(cluster.new_database())
    with pytest.raises(pgadmin.AdminError) as err:
        pgadmin.migrate(str(src), url, BOOK)
    assert f"ids {first.id}, {second.id}" in err.value.message("en")
    assert id_number(8) not in err.value.message("en")


def test_add_if_absent_twice_at_once_adds_one_person_without_reading_everyone(users: str) -> None:
    gate = threading.Barrier(4)
    ids: list[int] = []

    def add() -> None:
        svc = service(user_url(users, "alice"))
        svc.store.people = lambda: pytest.fail("everyone was read")  # type: ignore[method-assign]
        gate.wait()
        ids.append(svc.add({"name": "张三", "branch": "A", "birth": "1995-03-07"}, date(2024, 1, 10),
                           if_absent=True).person.id)

    threads = [threading.Thread(target=add) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(ids) == 4 and len(set(ids)) == 1
    assert service(users).store.count() == 1


def test_a_sponsor_at_an_earlier_stage_is_refused_without_reading_everyone(users: str) -> None:
    owner = service(users)
    activist(owner, "李四", "B")
    pid = activist(owner, "张三", "A")
    for kind in ("target-proposed", "target-filed", "target"):  # a development target, who may name sponsors
        owner.record(pid, Event(kind, date(2025, 3, 1)))
    carol = service(user_url(users, "carol"))
    carol.store.people = lambda: pytest.fail("everyone was read")  # type: ignore[method-assign]
    check = carol.check(carol.person(pid), Event("sponsors", date(2025, 3, 10), names=("李四", "王五")))
    (v,) = check.refusals
    assert v.rule == "sponsor-not-member" and v.overridable
    assert "sponsor '李四' is in this register and not a full member (#" in v.en and "Activist 入党积极分子)" in v.en
