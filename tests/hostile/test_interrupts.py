"""Ctrl-C at any point: one line saying whether the change was saved, never a traceback, a consistent file."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tracker import storefile
from tracker.cli import main
from tracker.store import Store

from .conftest import ROOT, our_file, person, tracker_env, write_ours

SAVED = "Interrupted: the change was saved."
NOT_SAVED = "Interrupted: nothing was saved."
posix_only = pytest.mark.skipif(os.name != "posix", reason="sends SIGINT to a child process")


def test_ctrl_c_after_the_rename_says_saved(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "t.json"
    write_ours(db, our_file({"1": person("张三")}))
    for key, value in tracker_env(db).items():
        monkeypatch.setenv(key, value)

    def interrupted(_directory: Path) -> None:  # Ctrl-C lands right after the new file is in place
        os.kill(os.getpid(), signal.SIGINT)

    monkeypatch.setattr(storefile, "_fsync_directory", interrupted)
    # Python's own Ctrl-C handler, as a command line starts with (whatever an earlier test left in this process)
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        code = main(["record", "张三", "talked", "--on", "2024-01-20"])
    finally:
        signal.signal(signal.SIGINT, previous)

    assert code == 130
    assert capsys.readouterr().err.strip() == SAVED
    assert [e["event"] for e in json.loads(db.read_bytes())["people"]["1"]["events"]] == ["applied", "talked"]


def test_ctrl_c_before_the_rename_says_not_saved(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "t.json"
    before = write_ours(db, our_file({"1": person("张三")}))
    for key, value in tracker_env(db).items():
        monkeypatch.setenv(key, value)

    def interrupted(*_a: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(storefile, "_write_new", interrupted)
    code = main(["record", "张三", "talked", "--on", "2024-01-20"])

    assert code == 130
    assert capsys.readouterr().err.strip() == NOT_SAVED
    assert db.read_bytes() == before
    assert not list(tmp_path.glob(".*.tmp"))


def _wait_until_it_waits_for_the_lock(pid: int, lock: Path, timeout: float = 30.0) -> None:
    """Until the process has the lock file open (it is polling for the lock): on a busy machine a fixed
    sleep sent Ctrl-C while it was still starting up."""
    deadline = time.monotonic() + timeout
    fds = Path(f"/proc/{pid}/fd")
    while time.monotonic() < deadline:
        if not fds.exists():  # no /proc here: give it a generous while
            time.sleep(3)
            return
        try:
            if any(os.path.realpath(fd) == os.path.realpath(lock) for fd in fds.iterdir()):
                time.sleep(0.2)
                return
        except OSError:
            pass
        time.sleep(0.02)
    raise AssertionError("the waiter never opened the lock file")


@posix_only
def test_ctrl_c_while_waiting_for_the_lock_is_one_line(tmp_path: Path) -> None:
    db = tmp_path / "t.json"
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sys, time; from pathlib import Path; from tracker.store import Store\n"
         "with Store(Path(sys.argv[1]))._lock():\n print('locked', flush=True); time.sleep(10)\n", str(db)],
        stdout=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        waiter = subprocess.Popen([sys.executable, "-m", "tracker", "add", "张三", "--applied", "2024-01-01"],
                                  stderr=subprocess.PIPE, text=True, cwd=ROOT, env=tracker_env(db),
                                  preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
        _wait_until_it_waits_for_the_lock(waiter.pid, db.parent / (db.name + ".lock"))
        waiter.send_signal(signal.SIGINT)
        _, err = waiter.communicate(timeout=20)
        assert waiter.returncode == 130
        assert err.strip() == NOT_SAVED
        assert not db.exists()
    finally:
        holder.kill()
        holder.wait()


@pytest.fixture(scope="module")
def big_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("big") / "3k.json"
    subprocess.run([sys.executable, "-m", "bench.generate", "3000", str(path)], check=True, cwd=ROOT,
                   capture_output=True, timeout=300)
    return path


@posix_only
def test_ctrl_c_at_any_moment_of_a_record_leaves_a_consistent_file(big_db: Path) -> None:
    store = Store(big_db)
    talkers = [p.id for p in store.people() if p.active and p.stage == "applicant" and p.last("talked") is None]
    outcomes = set()
    # how long one record takes here (0.2 s on a quiet machine, seconds on a busy one): Ctrl-C is sent at 20
    # moments from its first tenth (the interpreter's own start-up) to past its end
    started = time.monotonic()
    subprocess.run([sys.executable, "-m", "tracker", "record", str(talkers[0]), "talked", "--on", "2026-11-27"],
                   capture_output=True, cwd=ROOT, env=tracker_env(big_db), check=True, timeout=120)
    took = time.monotonic() - started
    started = time.monotonic()  # and the interpreter alone: Ctrl-C in its own start-up (site) is Python's affair
    subprocess.run([sys.executable, "-c", "pass"], check=True, timeout=60)
    bare = time.monotonic() - started
    first = min(2 * bare, took / 2)
    for i, delay in enumerate([first + (took - first) * k / 16 for k in range(20)], start=1):
        pid = talkers[i]
        before = big_db.read_bytes()
        proc = subprocess.Popen([sys.executable, "-m", "tracker", "record", str(pid), "talked", "--on", "2026-11-27"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
                                env=tracker_env(big_db))
        time.sleep(delay)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=60)
        assert "Traceback" not in err, err
        now = Store(big_db).person(pid)  # the file opens: whole and in our shape
        assert now is not None
        if proc.returncode == -signal.SIGINT:  # so early that Python had not yet set its Ctrl-C handler
            assert big_db.read_bytes() == before
            outcomes.add("before Python")
        elif proc.returncode == 0:
            outcomes.add("done")
            assert now.last("talked") is not None
        else:
            assert proc.returncode == 130, err
            line = err.strip().split(" / ")[-1]  # Ctrl-C while Python starts: the line is in both languages
            assert "\n" not in line and line in (SAVED, NOT_SAVED), err
            outcomes.add(line)
            if line == SAVED:
                assert now.last("talked") is not None
            else:
                assert big_db.read_bytes() == before
    assert NOT_SAVED in outcomes, "some interrupts landed before the save"


def _run_as_tracker(code: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """``code`` (which ends by running ``python -m tracker``) in a fresh interpreter, in English, on no database."""
    env = {**os.environ, "TRACKER_LANG": "en", "TRACKER_DB": str(tmp_path / "none.json")}
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60, env=env)


@posix_only
def test_ctrl_c_while_a_command_imports_orjson_is_one_line_not_a_traceback(tmp_path: Path) -> None:
    """The Ctrl-C held back around orjson's import (its set-up crashes when interrupted) is let through once
    the import is whole: the command says it was interrupted, nothing saved, in one line."""
    code = (
        "import os, runpy, signal, sys\n"
        "class Finder:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name == 'orjson':\n"
        "            sys.meta_path.remove(self)\n"
        "            os.kill(os.getpid(), signal.SIGINT)  # lands inside the hold\n"
        "        return None\n"
        "sys.meta_path.insert(0, Finder())\n"
        "sys.argv = ['-m', 'status']\n"
        "runpy._run_module_as_main('tracker')\n"
    )
    proc = _run_as_tracker(code, tmp_path)
    assert proc.returncode == 130, proc.stderr
    assert proc.stderr == "Interrupted: nothing was saved.\n"
    assert not (tmp_path / "none.json").exists()


@posix_only
def test_ctrl_c_inside_code_made_at_run_time_still_exits_130(tmp_path: Path) -> None:
    """Ctrl-C landing while a dataclass or namedtuple is made (their code is a string ``exec``-ed) made CPython
    kill the process with SIGINT at exit although we handled it: a script saw "killed by signal", not 130."""
    code = (
        "import runpy, sys\n"
        "import tracker.cli as cli\n"
        "def interrupted(argv):\n"
        "    exec('raise KeyboardInterrupt')  # as when it lands in a dataclass's __init__ being made\n"
        "cli._main = interrupted\n"
        "sys.argv = ['-m', 'status']\n"
        "runpy._run_module_as_main('tracker')\n"
    )
    proc = _run_as_tracker(code, tmp_path)
    assert proc.returncode == 130, (proc.returncode, proc.stderr)
    assert proc.stderr == "Interrupted: nothing was saved.\n"


@posix_only
def test_ctrl_c_during_an_import_waits_for_the_import_then_interrupts(tmp_path: Path) -> None:
    """A Ctrl-C inside Python's import machinery can be printed as "Exception ignored" and lost (the command then
    saved anyway) or leave a traceback: it is held until the import is whole, then raised in the command."""
    from tracker.interrupts import imports_finish_first

    (tmp_path / "slowmod.py").write_text(
        "import os, signal\n"
        "os.kill(os.getpid(), signal.SIGINT)  # Ctrl-C while this module is being imported\n"
        "from dataclasses import make_dataclass\n"
        "Made = make_dataclass('Made', ['a', 'b'])  # code exec'd from a string, as a dataclass is made\n"
        "finished = True\n", encoding="utf-8")
    sys.path.insert(0, str(tmp_path))
    reached = []
    try:
        with pytest.raises(KeyboardInterrupt), imports_finish_first():
            import slowmod  # noqa: F401

            reached.append("after the import")
    finally:
        sys.path.remove(str(tmp_path))
    assert sys.modules["slowmod"].finished  # the import ran to its end
    assert reached == []  # and the Ctrl-C came right after it, before the command's next step
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # Python's own handler is back
