"""Windows, macOS and Linux; every way of running from a source checkout."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from tracker import storefile
from tracker.model import Event, Person
from tracker.store import LockedError, Store

from .conftest import ROOT, Run, our_file, person, tracker_env, write_ours


def _person(name: str) -> Person:
    return Person(id=0, name=name, events=(Event("applied", date(2024, 1, 1)),))


@pytest.fixture
def not_posix(monkeypatch: pytest.MonkeyPatch) -> None:
    """The calls Windows lacks (pread/pwrite, fchmod, a directory fsync, hard links) are not used."""
    monkeypatch.setattr(storefile, "_POSIX", False)
    monkeypatch.setattr(storefile, "_HARD_LINKS", False)
    for name in ("pread", "pwrite", "fchmod", "link"):
        if hasattr(os, name):
            monkeypatch.delattr(os, name)


@pytest.mark.usefixtures("not_posix")
def test_writes_and_the_backup_work_without_the_posix_calls(tmp_path: Path) -> None:
    db = tmp_path / "t.json"
    store = Store(db)
    with store.transaction() as tx:
        tx.add(_person("甲"))
    first = db.read_bytes()
    with store.transaction() as tx:
        tx.add(_person("乙"))
    assert (tmp_path / "t.json.bak").read_bytes() == first
    assert [p.name for p in Store(db).people()] == ["甲", "乙"]
    assert not list(tmp_path.glob(".*.tmp"))


@pytest.mark.usefixtures("not_posix")
def test_the_second_writer_is_told_the_holder_without_the_posix_calls(tmp_path: Path) -> None:
    db = tmp_path / "t.json"
    holder, waiter = Store(db), Store(db, lock_timeout=0.2)
    with holder._lock(), pytest.raises(LockedError) as err, waiter.transaction() as tx:
        tx.add(_person("甲"))
    assert f"pid {os.getpid()}" in err.value.en
    assert not db.exists()


def test_a_rename_refused_for_a_moment_is_retried_off_posix(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Windows refuses to replace a file another process has open (a reader, an antivirus scan)."""
    db = tmp_path / "t.json"
    store = Store(db)
    with store.transaction() as tx:
        tx.add(_person("甲"))
    monkeypatch.setattr(storefile, "_POSIX", False)
    real_replace, refusals = os.replace, [2]

    def busy(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        if refusals[0]:
            refusals[0] -= 1
            raise PermissionError(errno.EACCES, "The process cannot access the file")
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", busy)
    with store.transaction() as tx:
        tx.add(_person("乙"))
    assert [p.name for p in Store(db).people()] == ["甲", "乙"]


def test_the_tool_starts_where_there_is_no_fcntl(tmp_path: Path) -> None:
    """Windows has no fcntl: importing the store and reading must not need it."""
    db = tmp_path / "t.json"
    write_ours(db, our_file({"1": person("张三")}))
    code = ("import sys; sys.modules['fcntl'] = None\n"
            "from tracker.cli import main\n"
            "raise SystemExit(main(['list']))\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                          env=tracker_env(db), timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert "张三" in proc.stdout


@pytest.mark.parametrize("posix", [True, False])
def test_a_lock_taken_by_another_tool_is_respected_either_way(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                              posix: bool) -> None:
    """On POSIX the store takes flock itself (filelock's import costs each write ~40 ms); elsewhere filelock's.
    Either way a lock another program took with filelock keeps us out, and the refusal names no holder it
    does not know ("(?)" said nothing)."""
    from filelock import FileLock

    monkeypatch.setattr(storefile, "_POSIX", posix)
    store = Store(tmp_path / "t.json", lock_timeout=0.2)
    other = FileLock(str(tmp_path / "t.json.lock"), thread_local=False)
    other.acquire()
    try:
        with pytest.raises(LockedError) as refused, store.transaction() as tx:
            tx.add(_person("甲"))
        assert "（?）" not in refused.value.zh and "另一个程序写入，请稍后再试" in refused.value.zh
    finally:
        other.release()
    with store.transaction() as tx:  # released: the write goes through
        tx.add(_person("甲"))
    assert [p.name for p in Store(tmp_path / "t.json").people()] == ["甲"]


def test_the_lock_file_keeps_the_holder_off_byte_zero(tmp_path: Path) -> None:
    """Windows locks byte 0 and forbids others to read it: the holder's line starts at byte 1."""
    db = tmp_path / "t.json"
    store = Store(db)
    with store._lock():
        content = (tmp_path / "t.json.lock").read_bytes()
    assert content[1:].decode().startswith(f"pid {os.getpid()}:")


# A checkout with `pip install .` (not -e): the checkout's tracker/ hides the installed package,
# which is where data/ lives (as tracker.data). The editable install's finder is removed to match.
_AS_INSTALLED = """
import runpy, sys
sys.meta_path[:] = [f for f in sys.meta_path if "Editable" not in getattr(f, "__name__", type(f).__name__)]
sys.path.insert(0, {root!r})
sys.argv = [sys.argv[0], *sys.argv[2:]]
runpy.run_module({module!r}, run_name="__main__", alter_sys=True)
"""


def _from_checkout(module: str, *args: str, db: Path) -> subprocess.CompletedProcess[str]:
    code = _AS_INSTALLED.format(root=str(ROOT), module=module)
    return subprocess.run([sys.executable, "-c", code, "-", *args], capture_output=True, text=True, cwd=ROOT,
                          env=tracker_env(db), timeout=120)


def test_profiles_are_found_when_running_from_a_checkout_without_an_editable_install(tmp_path: Path) -> None:
    proc = _from_checkout("tracker", "rules", "--on", "2026-06-01", db=tmp_path / "t.json")
    assert proc.returncode == 0, proc.stderr
    assert "Rules Art. 13" in proc.stdout


def test_demo_data_loads_when_running_from_a_checkout_without_an_editable_install(tmp_path: Path) -> None:
    proc = _from_checkout("tracker", "demo", db=tmp_path / "t.json")
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "t.json").exists()


@pytest.mark.parametrize("script", ["bench.generate", "bench.bench_core", "bench.bench_tui"])
def test_the_scripts_take_help(run: Run, script: str) -> None:
    proc = subprocess.run([sys.executable, "-m", script, "--help"], capture_output=True, text=True, cwd=ROOT,
                          timeout=60)
    assert proc.returncode == 0 and proc.stdout.startswith("usage:"), proc.stderr


def test_bench_generate_runs_from_a_checkout_without_an_editable_install(tmp_path: Path) -> None:
    out = tmp_path / "20.json"
    proc = _from_checkout("bench.generate", "20", str(out), db=tmp_path / "unused.json")
    assert proc.returncode == 0, proc.stderr
    assert len(Store(out).people()) == 20


@pytest.mark.usefixtures("not_posix")
def test_the_change_journal_works_without_the_posix_calls(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tracker import storejournal

    monkeypatch.setattr(storejournal, "FROM_BYTES", 0)  # a small file takes the journal too
    db = tmp_path / "t.json"
    store = Store(db)
    with store.transaction() as tx:
        tx.add(_person("甲"))
    first = db.read_bytes()
    for name in ("乙", "丙"):
        with store.transaction() as tx:
            tx.add(_person(name))
    raw = db.read_bytes()
    assert raw.startswith(first) and raw.count(b"\n#") == 2, "two lines appended after the file's JSON"
    assert [p.name for p in Store(db).people()] == ["甲", "乙", "丙"]
