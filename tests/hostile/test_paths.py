"""Odd paths and files: symlinks, FIFOs and devices, read-only files, leftovers, a missing --db, modes."""

from __future__ import annotations

import errno
import json
import os
import stat
import time
from datetime import date
from pathlib import Path

import pytest

from tracker import storefile
from tracker.model import Event, Person
from tracker.store import Store, StoreError

from .conftest import Run, our_file, person, write_ours

ADD = ("add", "李四", "--applied", "2024-02-01")
posix_only = pytest.mark.skipif(os.name != "posix", reason="POSIX file types and modes")


def _person(name: str) -> Person:
    return Person(id=0, name=name, events=(Event("applied", date(2024, 1, 1)),))


@posix_only
def test_a_symlinked_database_is_written_through_to_its_target(run: Run, tmp_path: Path) -> None:
    real = tmp_path / "synced" / "real.json"
    real.parent.mkdir()
    write_ours(real, our_file({"1": person("张三")}))
    link = tmp_path / "tracker.json"
    link.symlink_to(real)

    assert run(*ADD, db_path=link).code == 0

    assert link.is_symlink() and link.resolve() == real
    names = [p["name"] for p in json.loads(real.read_bytes())["people"].values()]
    assert names == ["张三", "李四"]
    assert (real.parent / "real.json.bak").exists(), "the backup sits beside the real file"


@posix_only
@pytest.mark.parametrize("args", [ADD, ("list",)], ids=["add", "list"])
def test_a_fifo_is_refused_at_once(run: Run, db: Path, args: tuple[str, ...]) -> None:
    os.mkfifo(db)
    start = time.monotonic()
    res = run(*args, timeout=20)
    assert res.code == 3 and "pipe or device" in res.err
    assert time.monotonic() - start < 10
    assert stat.S_ISFIFO(os.stat(db).st_mode), "the FIFO is left as it was"


@posix_only
def test_a_device_is_refused(run: Run) -> None:
    res = run("list", db_path=Path(os.devnull))
    assert res.code == 3 and "pipe or device" in res.err


def test_a_folder_is_refused(run: Run, tmp_path: Path) -> None:
    res = run("list", db_path=tmp_path)
    assert res.code == 3 and "a folder" in res.err


@posix_only
def test_a_read_only_database_is_refused_not_overwritten(run: Run, db: Path) -> None:
    assert run(*ADD).code == 0
    db.chmod(0o444)
    before = db.read_bytes()

    res = run("add", "王五", "--applied", "2024-02-01")

    assert res.code == 3 and "read-only" in res.err
    assert db.read_bytes() == before and stat.S_IMODE(db.stat().st_mode) == 0o444
    assert run("list").code == 0, "reading a read-only database is fine"


def test_leftover_temporary_files_of_a_killed_writer_are_removed(run: Run, db: Path) -> None:
    assert run(*ADD).code == 0
    leftovers = [db.parent / ".tracker.json.99999.tmp", db.parent / ".tracker.json.bak.99998.tmp"]
    for p in leftovers:
        p.write_bytes(b'{"half": ')
    other = db.parent / ".other.json.99999.tmp"
    other.write_bytes(b"not ours")

    assert run("add", "王五", "--applied", "2024-02-01").code == 0

    assert not any(p.exists() for p in leftovers)
    assert other.exists(), "only our database's temporary files"


def test_backup_is_kept_when_the_file_system_has_no_hard_links(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "t.json"
    store = Store(db)
    with store.transaction() as tx:
        tx.add(_person("甲"))
    first = db.read_bytes()

    def no_links(*_a: object) -> None:
        raise OSError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(os, "link", no_links)
    with store.transaction() as tx:
        tx.add(_person("乙"))
    assert (tmp_path / "t.json.bak").read_bytes() == first


def test_an_interrupted_backup_rotation_keeps_the_old_backup(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "t.json"
    store = Store(db)
    for name in ("甲", "乙"):
        with store.transaction() as tx:
            tx.add(_person(name))
    bak = (tmp_path / "t.json.bak").read_bytes()
    before = db.read_bytes()

    def killed(*_a: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "link", killed)
    with pytest.raises(KeyboardInterrupt), store.transaction() as tx:
        tx.add(_person("丙"))
    assert (tmp_path / "t.json.bak").read_bytes() == bak
    assert db.read_bytes() == before
    assert not list(tmp_path.glob(".*.tmp"))


def test_a_file_changed_behind_the_lock_does_not_become_the_backup(tmp_path: Path) -> None:
    db = tmp_path / "t.json"
    store = Store(db)
    for name in ("甲", "乙"):
        with store.transaction() as tx:
            tx.add(_person(name))
    good_bak = (tmp_path / "t.json.bak").read_bytes()
    storage = store._storage
    with store.transaction() as tx:
        tx.add(_person("丙"))
        db.write_bytes(b"")  # an editor, a sync tool: no lock, no checks
        os.utime(db, ns=(0, 0))
    assert (tmp_path / "t.json.bak").read_bytes() == good_bak
    assert storage.saves == 3


@pytest.mark.parametrize("args", [("list",), ("show", "1"), ("status",), ("due",), ("eligible", "--on", "2026-12-01"),
                                  ("history",), ("export", "--format", "csv"), ("report", "--year", "2026"),
                                  ("edit", "1", "--phone", "1"), ("undo",)],
                         ids=lambda a: a[0])
def test_a_mistyped_db_for_a_read_command_says_the_file_does_not_exist(run: Run, tmp_path: Path,
                                                                        args: tuple[str, ...]) -> None:
    typo = tmp_path / "trakcer.json"
    res = run(*args, db_path=typo)
    assert res.code == 3, (res.out, res.err)
    assert "does not exist" in res.err and "trakcer.json" in res.err
    assert not typo.exists()
    assert not list(tmp_path.glob("*.csv"))


def test_a_write_command_still_creates_a_new_database(run: Run, db: Path) -> None:
    assert not db.exists()
    assert run(*ADD).code == 0
    assert run("list").code == 0


@posix_only
def test_database_backup_and_lock_are_owner_only_under_umask_000(run: Run, db: Path) -> None:
    assert run(*ADD, umask=0).code == 0
    db.chmod(0o644)  # say a sync tool or an older version left it readable by all
    assert run("add", "王五", "--applied", "2024-02-01", umask=0).code == 0
    for name in ("tracker.json", "tracker.json.bak", "tracker.json.lock"):
        assert stat.S_IMODE((db.parent / name).stat().st_mode) == 0o600, name


@posix_only
def test_temporary_files_are_owner_only_under_umask_000(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "t.json"
    modes: dict[str, int] = {}
    real_replace = os.replace

    def watching(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        modes[Path(src).name] = stat.S_IMODE(os.stat(src).st_mode)
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", watching)
    old = os.umask(0)
    try:
        store = Store(db)
        for name in ("甲", "乙"):
            with store.transaction() as tx:
                tx.add(_person(name))
    finally:
        os.umask(old)
    assert any(".bak." in n for n in modes) and len(modes) == 2
    assert set(modes.values()) == {0o600}


def test_a_full_disk_while_taking_the_lock_is_a_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "t.json"
    store = Store(db)

    def full(*_a: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(storefile.os, "pwrite", full)
    monkeypatch.setattr(storefile.os, "write", full)
    with pytest.raises(StoreError) as err, store.transaction() as tx:
        tx.add(_person("甲"))
    assert "No space left" in err.value.en and "磁盘空间" in err.value.zh
    assert not db.exists()


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_a_full_disk_while_taking_the_lock_is_a_message_from_the_cli(run: Run, db: Path) -> None:
    (db.parent / "tracker.json.lock").symlink_to("/dev/full")
    res = run(*ADD)
    assert res.code == 3 and "No space left on device" in res.err and "Traceback" not in res.err
    assert not db.exists()
