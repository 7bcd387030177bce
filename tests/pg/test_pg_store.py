"""The PostgreSQL backend as secretaries meet it: who sees what (row-level security), many writers at once,
two secretaries on one person, undo of one's own change, and migrate file → PostgreSQL → file."""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import psycopg
import pytest

from tests.pg.cluster import Cluster
from tracker import pgadmin
from tracker.backend import open_store
from tracker.model import Event
from tracker.pgstore import PgStore
from tracker.profiles import load_rulebook
from tracker.service import Conflict, InputError, Refused, Service
from tracker.store import StoreError

TODAY = date(2026, 11, 27)
BOOK = load_rulebook()


@contextlib.contextmanager
def another_writer_holding(store: Any, change: Callable[[Any], None], hold: float = 0.8) -> Iterator[Callable[[], float]]:
    """Another secretary's transaction, open for ``hold`` seconds after ``change``: the block runs meanwhile and
    may ask how long it has waited."""
    holding = threading.Event()

    def writer() -> None:
        with store.transaction() as tx:
            change(tx)
            holding.set()
            time.sleep(hold)

    t = threading.Thread(target=writer)
    t.start()
    assert holding.wait(10)
    started = time.monotonic()
    try:
        yield lambda: time.monotonic() - started
    finally:
        t.join()


def service(url: str) -> Service:
    return Service(open_store(url, book=BOOK), BOOK, lambda: TODAY)


def user_url(owner_url: str, user: str) -> str:
    return owner_url.replace("user=postgres", f"user={user}")


def activist(svc: Service, name: str, branch: str) -> int:
    pid = svc.add({"name": name, "branch": branch, "birth": "1995-05-05"}, date(2024, 1, 10)).person.id
    svc.record(pid, Event("talked", date(2024, 1, 20)))
    svc.record(pid, Event("activist", date(2024, 3, 1)))
    return pid


@pytest.fixture
def branches(pg_url: str) -> dict[str, int]:
    """Two branches' people (added by the owner) and three users: alice (branch A), bob (B), carol (all)."""
    owner = service(pg_url)
    ids = {"a1": activist(owner, "甲一", "A"), "a2": activist(owner, "甲二", "A"), "b1": activist(owner, "乙一", "B")}
    pgadmin.grant(pg_url, "alice", ["A"], False)
    pgadmin.grant(pg_url, "bob", ["B"], False)
    pgadmin.grant(pg_url, "carol", [], True)
    return ids


# ---------------------------------------------------------------- who sees what

def test_a_branch_secretary_sees_and_counts_only_her_branch(pg_url: str, branches: dict[str, int]) -> None:
    alice = service(user_url(pg_url, "alice"))
    assert sorted(p.name for p in alice.people()) == ["甲一", "甲二"]
    assert alice.store.count() == 2
    with pytest.raises(InputError):
        alice.person(branches["b1"])
    with pytest.raises(InputError):
        alice.find("乙一")
    with psycopg.connect(user_url(pg_url, "alice"), autocommit=True) as conn:  # the server itself, not our code
        assert conn.execute("SELECT count(*) FROM people").fetchone() == (2,)
        assert conn.execute("SELECT count(*) FROM people WHERE branch = 'B'").fetchone() == (0,)
        assert conn.execute("UPDATE people SET name = 'x' WHERE branch = 'B'").rowcount == 0
        assert conn.execute("DELETE FROM people WHERE id = %s", (branches["b1"],)).rowcount == 0
        assert conn.execute("SELECT count(*) FROM history WHERE 'B' = ANY(branches)").fetchone() == (0,)


def test_a_branch_secretary_cannot_read_the_grants_or_change_settings(pg_url: str, branches: dict[str, int]) -> None:
    with psycopg.connect(user_url(pg_url, "alice"), autocommit=True) as conn, \
            pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute("SELECT * FROM tracker_grants")
    with pytest.raises(StoreError):
        service(user_url(pg_url, "alice")).set_unit("中共某某委员会")
    carol = service(user_url(pg_url, "carol"))
    carol.set_unit("中共某某委员会")
    assert service(user_url(pg_url, "alice")).unit() == "中共某某委员会"


def test_a_branch_secretary_cannot_add_into_or_move_someone_to_another_branch(pg_url: str,
                                                                             branches: dict[str, int]) -> None:
    alice = service(user_url(pg_url, "alice"))
    with pytest.raises(StoreError):
        alice.add({"name": "丙", "branch": "B"}, date(2026, 1, 5))
    with pytest.raises(StoreError):
        alice.edit(branches["a1"], {"branch": "B"})
    owner = service(pg_url)
    assert owner.person(branches["a1"]).branch == "A" and owner.store.count() == 3


def test_history_shows_a_branch_only_its_own_changes(pg_url: str, branches: dict[str, int]) -> None:
    alice, bob = service(user_url(pg_url, "alice")), service(user_url(pg_url, "bob"))
    bob.record(branches["b1"], Event("thought-report", date(2025, 1, 5)))
    seen = alice.history()
    assert seen and all("乙一" not in h.en for h in seen)
    assert any("乙一" in h.en for h in bob.history())


def test_the_organiser_sees_every_branch_and_is_no_superuser(pg_url: str, branches: dict[str, int]) -> None:
    carol = service(user_url(pg_url, "carol"))
    assert sorted(p.name for p in carol.people()) == ["乙一", "甲一", "甲二"]
    with psycopg.connect(user_url(pg_url, "carol"), autocommit=True) as conn:
        assert conn.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user").fetchone() == (False,)


def test_revoking_a_branch_hides_it(pg_url: str, branches: dict[str, int]) -> None:
    pgadmin.grant(pg_url, "alice", ["B"], False)
    assert service(user_url(pg_url, "alice")).store.count() == 3
    assert pgadmin.revoke(pg_url, "alice", ["B"]) == ["A"]
    assert service(user_url(pg_url, "alice")).store.count() == 2
    assert pgadmin.revoke(pg_url, "alice", []) == []
    with pytest.raises(StoreError) as err:
        service(user_url(pg_url, "alice"))
    assert "db grant" in err.value.message("en")


# ---------------------------------------------------------------- concurrency

def test_eight_writers_fifty_steps_each_nothing_lost_or_duplicated(pg_url: str) -> None:
    owner = service(pg_url)
    people = [activist(owner, f"人{i}", "A") for i in range(10)]
    errors: list[BaseException] = []

    def writer(w: int) -> None:
        try:
            svc = service(pg_url)
            for i in range(50):
                pid = people[(w + i) % len(people)]  # every writer meets every person, often at the same time
                on = date(2024, 6, 1) + timedelta(days=w * 50 + i)
                svc.record(pid, Event("thought-report", on, note=f"w{w}-{i}"))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(w,)) for w in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    notes = [ev.note for p in service(pg_url).people() for ev in p.events if ev.event == "thought-report"]
    assert sorted(notes) == sorted(f"w{w}-{i}" for w in range(8) for i in range(50))
    records = [h for h in service(pg_url).history() if h.action == "record" and "Thought report" in h.en]
    assert len(records) == 400


def test_two_secretaries_on_one_person_the_second_waits_and_is_checked_against_the_first(pg_url: str) -> None:
    owner = service(pg_url)
    pid = owner.add({"name": "张三", "branch": "A", "birth": "1995-05-05"}, date(2026, 1, 10)).person.id
    first, second = service(pg_url), service(pg_url)

    def talked(tx: Any) -> None:
        person = first.store.person(pid)
        assert person is not None
        tx.put(person.with_events((*person.events, Event("talked", date(2026, 1, 20)))))
        tx.log("record", "张三：谈话", "张三: talked")

    with another_writer_holding(first.store, talked) as waited:
        with pytest.raises(Refused) as refused:  # the same step again: refused once the first one is saved
            second.record(pid, Event("talked", date(2026, 1, 21)))
        assert waited() >= 0.5
    assert "already recorded on 2026-01-20" in refused.value.message("en")
    assert [e.event for e in service(pg_url).person(pid).events] == ["applied", "talked"]


def test_undo_reverts_the_current_users_last_change_only(pg_url: str, branches: dict[str, int]) -> None:
    alice, carol = service(user_url(pg_url, "alice")), service(user_url(pg_url, "carol"))
    alice.record(branches["a1"], Event("thought-report", date(2025, 1, 5)))
    carol.record(branches["b1"], Event("thought-report", date(2025, 1, 6)))
    undone = alice.undo()
    assert undone is not None and "甲一" in undone.en
    kinds = {p.name: [e.event for e in p.events] for p in carol.people()}
    assert "thought-report" not in kinds["甲一"] and "thought-report" in kinds["乙一"]


def test_undo_is_refused_when_another_user_changed_the_same_person_since(pg_url: str,
                                                                         branches: dict[str, int]) -> None:
    alice, carol = service(user_url(pg_url, "alice")), service(user_url(pg_url, "carol"))
    alice.record(branches["a1"], Event("thought-report", date(2025, 1, 5)))
    carol.record(branches["a1"], Event("thought-report", date(2025, 2, 5)))
    with pytest.raises(Conflict):
        alice.undo()
    assert len(carol.person(branches["a1"]).all_of("thought-report")) == 2


# ---------------------------------------------------------------- migrate

def test_migrate_file_to_postgres_and_back_is_identical(tmp_path: Path, cluster: Cluster) -> None:
    src, back = tmp_path / "src.json", tmp_path / "back.json"
    svc = Service(open_store(src, book=BOOK), BOOK, lambda: TODAY)
    svc.load_demo()
    pid = svc.find("段娜").id
    svc.record(pid, Event("thought-report", date(2026, 3, 1), note="第一次"))
    svc.record(pid, Event("thought-report", date(2026, 6, 1)))
    svc.undo()
    svc.edit(pid, {"phone": "13800000000", "note": "多行\n备注"})
    svc.set_unit("中共某某大学委员会")
    url = cluster.url(cluster.new_database())  # an empty database: migrate sets it up
    assert pgadmin.migrate(str(src), url, BOOK) == (len(svc.people()), len(svc.history()))
    pg = service(url)
    assert [p.to_doc() for p in pg.people()] == [p.to_doc() for p in svc.people()]
    assert [(h.id, h.at, h.zh, h.undone) for h in pg.history()] == [(h.id, h.at, h.zh, h.undone) for h in svc.history()]
    assert pg.unit() == "中共某某大学委员会"
    added = pg.add({"name": "新人", "branch": "A"}, date(2026, 11, 1)).person  # ids continue after the copied ones
    assert added.id == max(p.id for p in svc.people()) + 1
    pg.undo()
    pgadmin.migrate(url, str(back), BOOK)
    assert json.loads(back.read_text(encoding="utf-8"))["people"] == json.loads(src.read_text(encoding="utf-8"))["people"]
    original, copied = json.loads(src.read_text(encoding="utf-8")), json.loads(back.read_text(encoding="utf-8"))
    n = len(original["history"])
    assert {k: v for k, v in copied["history"].items() if int(k) <= n} == original["history"]
    # the meta line's history checksum (tracker.storelayout.HISTORY_SUM_KEY) covers the two entries added on PG too
    assert {k: v for k, v in copied["meta"]["1"].items() if k != "history_sum"} \
        == {k: v for k, v in original["meta"]["1"].items() if k != "history_sum"}


def test_migrate_round_trip_is_byte_identical_without_later_changes(tmp_path: Path, cluster: Cluster) -> None:
    src, back = tmp_path / "src.json", tmp_path / "back.json"
    svc = Service(open_store(src, book=BOOK), BOOK, lambda: TODAY)
    svc.load_demo()
    svc.record(svc.find("段娜").id, Event("thought-report", date(2026, 3, 1), note="汇报"))
    url = cluster.url(cluster.new_database())
    pgadmin.migrate(str(src), url, BOOK)
    pgadmin.migrate(url, str(back), BOOK)
    assert back.read_bytes() == src.read_bytes()


def test_migrate_refuses_a_target_with_data(tmp_path: Path, pg_url: str) -> None:
    src = tmp_path / "src.json"
    Service(open_store(src, book=BOOK), BOOK, lambda: TODAY).load_demo()
    service(pg_url).add({"name": "已有"}, date(2026, 1, 1))
    with pytest.raises(pgadmin.AdminError):
        pgadmin.migrate(str(src), pg_url, BOOK)
    assert service(pg_url).store.count() == 1


def test_a_database_without_tables_says_to_run_db_init(cluster: Cluster) -> None:
    with pytest.raises(StoreError) as err:
        PgStore(cluster.url(cluster.new_database()), book=BOOK)
    assert "db init" in err.value.message("en")


# ---------------------------------------------------------------- derived columns

@pytest.mark.parametrize("today", [date(2025, 6, 1), TODAY, date(2027, 3, 1)])
def test_status_and_due_from_the_derived_columns_equal_the_full_computation(pg_url: str, today: date) -> None:
    from tracker.reports import due_list, status

    service(pg_url).load_demo()  # derived columns written on 2026-11-27; read on other days
    svc = Service(open_store(pg_url, book=BOOK), BOOK, lambda: today)
    everyone = svc.people()
    for within in (0, 30, 400):
        assert svc.due(within) == due_list(everyone, BOOK, today, within)
        assert svc.status(within) == status(everyone, BOOK, today, within)


def test_derived_columns_are_recomputed_under_another_rule_profile(pg_url: str) -> None:
    from tracker.reports import due_list

    service(pg_url).load_demo()
    old_rules = load_rulebook("cpc-2014")
    svc = Service(open_store(pg_url, book=old_rules), old_rules, lambda: TODAY)
    assert svc.due(60) == due_list(svc.people(), old_rules, TODAY, 60)
    with psycopg.connect(pg_url, autocommit=True) as conn:
        assert conn.execute("SELECT count(DISTINCT derived_by) FROM people").fetchone() == (1,)


def test_migrate_to_postgres_takes_the_steps_in_the_files_change_journal(tmp_path: Path, cluster: Cluster,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    from tracker import storejournal

    monkeypatch.setattr(storejournal, "FROM_BYTES", 0)  # the demo's small file takes the journal too
    src = tmp_path / "src.json"
    svc = Service(open_store(src, book=BOOK), BOOK, lambda: TODAY)
    svc.load_demo()
    body = src.read_bytes()
    pid = svc.find("段娜").id
    svc.record(pid, Event("thought-report", date(2026, 3, 1), note="日志里的一步"))
    assert src.read_bytes().startswith(body) and src.read_bytes() != body, "the step is in the journal"
    url = cluster.url(cluster.new_database())
    pgadmin.migrate(str(src), url, BOOK)
    pg = service(url)
    assert [e.note for e in pg.person(pid).events if e.event == "thought-report"][-1] == "日志里的一步"
    assert [h.zh for h in pg.history()] == [h.zh for h in svc.history()]
