"""The file under the store (part of it): reading safely, replacing atomically, the ``.bak``, the lock.

Everything here works on Windows, macOS and Linux. The POSIX-only calls (``pread``/``pwrite``,
``fchmod``, the directory fsync) are guarded by ``_POSIX``, which tests flip to walk the other paths;
the lock is ``filelock``'s (``flock`` on POSIX, ``LockFileEx`` on Windows), and hard links fall back
to a copy where the file system has none.
"""

from __future__ import annotations

import contextlib
import errno
import os
import signal
import stat
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from .i18n import BilingualError
from .lockwait import check_cancelled, found_busy

_POSIX = os.name == "posix"
_O_BINARY = getattr(os, "O_BINARY", 0)  # Windows: no newline translation
_O_NONBLOCK = getattr(os, "O_NONBLOCK", 0)  # opening a FIFO must not wait for a writer
_HARD_LINKS = hasattr(os, "link")


_saves = 0  # completed replacements in this process (read by saves_in_this_process)


def saves_in_this_process() -> int:
    """How many database writes this process has completed (the CLI says "saved" after Ctrl-C by it)."""
    return _saves


class StoreError(BilingualError):
    """The database cannot be used right now (damaged, newer, locked)."""


class LockedError(StoreError):
    pass


@contextlib.contextmanager
def interrupts_deferred() -> Iterator[None]:
    """Hold Ctrl-C back while the new file is swapped in, so that "saved" is never half true."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    try:
        previous = signal.signal(signal.SIGINT, lambda signum, _frame: caught.append(signum))
    except (ValueError, OSError):  # no signals here
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if caught:
        if callable(previous):
            previous(signal.SIGINT, None)
        elif previous == signal.SIG_DFL:
            raise KeyboardInterrupt


def _read_at(fd: int, size: int, offset: int) -> bytes:
    if _POSIX:
        return os.pread(fd, size, offset)
    os.lseek(fd, offset, os.SEEK_SET)
    return os.read(fd, size)


def _write_at(fd: int, data: bytes, offset: int) -> None:
    if _POSIX:
        os.pwrite(fd, data, offset)
        return
    os.lseek(fd, offset, os.SEEK_SET)
    os.write(fd, data)


def _replace(src: Path, dst: Path) -> None:
    """``os.replace``; on Windows a reader holding ``dst`` open makes it fail for a moment: retry."""
    for attempt in range(40):
        try:
            os.replace(src, dst)
            return
        except PermissionError:
            if _POSIX or attempt == 39:
                raise
            time.sleep(0.05)


def _fsync_directory(directory: Path) -> None:
    """Make a rename durable (POSIX; Windows cannot open a directory, and needs no such step)."""
    if not _POSIX:
        return
    dfd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(dfd)
    finally:
        os.close(dfd)


def backup_path(path: Path) -> Path:
    return path.with_name(path.name + ".bak")


def _temp_path(path: Path, what: str = "") -> Path:
    return path.with_name(f".{path.name}{what}.{os.getpid()}.tmp")


def read_regular_file(path: Path, shown: Path) -> tuple[bytes, os.stat_result] | None:
    """The bytes and status of ``path``; None if there is none. Refuses at once what is not a file
    (a folder, a FIFO, a device: opened without waiting, then looked at)."""
    try:
        fd = os.open(path, os.O_RDONLY | _O_BINARY | _O_NONBLOCK)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise StoreError(
            f"无法读取数据库文件 {shown}：{exc.strerror or exc}。请检查路径（--db）和文件权限。",
            f"Cannot read the database file {shown}: {exc.strerror or exc}. Check the path (--db) and "
            "the file permissions.",
        ) from None
    st = os.fstat(fd)
    if not stat.S_ISREG(st.st_mode):
        os.close(fd)
        kind = ("文件夹", "a folder") if stat.S_ISDIR(st.st_mode) else ("特殊文件（管道或设备）", "a pipe or device")
        raise StoreError(
            f"{shown} 是{kind[0]}，不是数据库文件。请用 --db 指定一个普通文件。",
            f"{shown} is {kind[1]}, not a database file. Give a regular file with --db.",
        )
    with open(fd, "rb") as fh:
        try:
            return fh.read(), st
        except OSError as exc:
            raise StoreError(
                f"无法读取数据库文件 {shown}：{exc.strerror or exc}。",
                f"Cannot read the database file {shown}: {exc.strerror or exc}.",
            ) from None


def check_writable(path: Path, shown: Path) -> None:
    """Refuse a read-only database file (even for root, who could replace it anyway)."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return
    if not (st.st_mode & 0o222) or not os.access(path, os.W_OK):
        raise StoreError(
            f"数据库文件 {shown} 是只读的，未作任何更改。如需修改，请先取消只读（chmod u+w），或用 --db 指定其他文件。",
            f"The database file {shown} is read-only; nothing was changed. To change it, make it writable "
            "first (chmod u+w), or give another file with --db.",
        )


def remove_stale_temp_files(path: Path) -> None:
    """Remove the temporary files a killed writer left beside ``path`` (call under the lock)."""
    prefix = f".{path.name}."
    with contextlib.suppress(OSError), os.scandir(path.parent) as entries:
        for entry in entries:
            if entry.name.startswith(prefix) and entry.name.endswith(".tmp"):
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)


def _write_new(target: Path, payload: bytes | Sequence[bytes]) -> None:
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | _O_BINARY, 0o600)
    with os.fdopen(fd, "wb") as fh:
        if _POSIX:
            os.fchmod(fd, 0o600)  # whatever the umask, and whatever a leftover file had
        if isinstance(payload, bytes):
            fh.write(payload)
        else:  # in pieces: a large piece goes straight to the file, not copied into one buffer first
            fh.writelines(payload)
        fh.flush()
        os.fsync(fh.fileno())


def _stage_backup(path: Path) -> Path:
    """The current database under a temporary name, ready to be renamed to ``.bak``."""
    staged = _temp_path(path, ".bak")
    with contextlib.suppress(FileNotFoundError):
        os.unlink(staged)
    try:
        if not _HARD_LINKS:
            raise OSError("no hard links")
        os.link(path, staged)
        if _POSIX:
            os.chmod(staged, 0o600)
    except OSError:  # a file system without hard links (FAT, some network shares): copy
        with open(path, "rb") as fh:
            _write_new(staged, fh.read())
    return staged


def replace_atomically(path: Path, payload: bytes | Sequence[bytes], *, keep_backup: bool,
                       committed: Callable[[], None] = lambda: None) -> None:
    """Write ``payload`` (bytes, or pieces written one after another) to a temporary file, fsync it and rename it
    over ``path``.

    With ``keep_backup`` the current file becomes ``.bak`` first, by a rename over the old one, so
    there is a ``.bak`` at every moment. Ctrl-C is held back from the first rename until
    ``committed`` (called once the new file is in place) has returned. Raises OSError; nothing is
    left behind then.
    """
    directory = path.parent
    directory.mkdir(parents=True, exist_ok=True)
    tmp = _temp_path(path)
    staged: Path | None = None
    try:
        _write_new(tmp, payload)
        if keep_backup:
            staged = _stage_backup(path)
        with interrupts_deferred():
            if staged is not None:
                _replace(staged, backup_path(path))
                staged = None
            _replace(tmp, path)
            global _saves
            _saves += 1
            committed()
            with contextlib.suppress(OSError):
                _fsync_directory(directory)
    except BaseException:
        for leftover in (tmp, staged):
            if leftover is not None:
                with contextlib.suppress(OSError):
                    os.unlink(leftover)
        raise


def append_durably(path: Path, line: bytes, at: int, *, committed: Callable[[], None] = lambda: None) -> None:
    """Write ``line`` at offset ``at`` of ``path`` (its end: the caller checked the size under the lock) and fsync it:
    the change journal's one write (``tracker.storejournal``). Ctrl-C is held back from the first byte until
    ``committed`` has returned. Raises OSError; the file is then cut back to ``at`` (a cut that fails leaves a
    last line that does not add up, which readers ignore)."""
    fd = os.open(path, os.O_WRONLY | _O_BINARY)
    try:
        if _POSIX and stat.S_IMODE(os.fstat(fd).st_mode) != 0o600:
            with contextlib.suppress(OSError):  # owner only, as a rewrite makes it (a sync tool may have widened it)
                os.fchmod(fd, 0o600)
        with interrupts_deferred():
            try:
                done = 0
                while done < len(line):
                    written = _pwrite(fd, line[done:], at + done)
                    if written <= 0:
                        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
                    done += written
                (os.fdatasync if hasattr(os, "fdatasync") else os.fsync)(fd)  # the size too: one flush
            except BaseException:
                with contextlib.suppress(OSError):
                    os.ftruncate(fd, at)
                raise
            global _saves
            _saves += 1
            committed()
    finally:
        os.close(fd)


def _pwrite(fd: int, data: bytes, offset: int) -> int:
    if _POSIX:
        return os.pwrite(fd, data, offset)
    os.lseek(fd, offset, os.SEEK_SET)
    return os.write(fd, data)


def _holder_line() -> bytes:
    return f"pid {os.getpid()}: {' '.join(os.path.basename(a) for a in sys.argv[:2])}".encode()


#: errors of a non-blocking flock that mean "someone else holds it" (some file systems say EACCES)
_CONTENTION = frozenset({errno.EACCES, errno.EAGAIN, errno.EWOULDBLOCK})


def _flock(fd: int, lock: bool) -> bool:
    """POSIX: ``flock`` straight from the standard library, the very lock filelock takes there (importing filelock
    costs a write ~40 ms: logging, inspect, hashlib…). Elsewhere (Windows) filelock's ``LockFileEx``."""
    if _POSIX:
        try:
            import fcntl
        except ImportError:
            fcntl = None  # type: ignore[assignment]
        if fcntl is not None:
            try:
                fcntl.flock(fd, (fcntl.LOCK_EX | fcntl.LOCK_NB) if lock else fcntl.LOCK_UN)
            except OSError as exc:
                if lock and exc.errno in _CONTENTION:
                    return False
                raise
            return True
    from filelock import lock_descriptor, unlock_descriptor  # only writers pay for the import

    if lock:
        return lock_descriptor(fd, blocking=False)
    unlock_descriptor(fd)
    return True


def _try_lock(fd: int, lock_path: Path) -> bool:
    try:
        return _flock(fd, True)
    except OSError as exc:  # not contention: the file system cannot lock
        raise StoreError(
            f"无法锁定 {lock_path}：{exc.strerror or exc}。请把数据库放在本机磁盘上（--db）。",
            f"Cannot lock {lock_path}: {exc.strerror or exc}. Keep the database on a local disk (--db).",
        ) from None


@contextlib.contextmanager
def hold_lock(lock_path: Path, timeout: float) -> Iterator[None]:
    """The writers' lock: ``flock`` on POSIX, ``LockFileEx`` on byte 0 on Windows (via filelock; ``_flock``).

    The holder writes "pid N: command" from byte 1 on (Windows forbids reading a locked byte), so
    a writer that gives up after ``timeout`` seconds can say who holds it.
    """
    try:
        lock_path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT | _O_BINARY, 0o600)
    except OSError as exc:
        raise StoreError(
            f"无法在 {lock_path.parent} 写入：{exc.strerror or exc}。请检查路径（--db）和文件夹权限。",
            f"Cannot write in {lock_path.parent}: {exc.strerror or exc}. Check the path (--db) and the "
            "folder's permissions.",
        ) from None
    try:
        deadline = time.monotonic() + timeout
        while not _try_lock(fd, lock_path):
            found_busy()  # a UI saving in a worker says "waiting for another window to save…"
            check_cancelled()  # and may give up (Esc) before anything is read or written
            if time.monotonic() >= deadline:
                holder = _read_at(fd, 200, 1).decode("utf-8", "replace").strip("\0 \n")
                raise LockedError(  # who, when they said (ours write "pid N: command"; another tool may not)
                    f"数据库正被另一个程序写入{f'（{holder}）' if holder else ''}，请稍后再试。",
                    f"The database is being written by another process{f' ({holder})' if holder else ''}; "
                    "try again shortly.",
                )
            time.sleep(0.05)
        try:
            try:
                line = _holder_line()
                _write_at(fd, line, 1)
                os.ftruncate(fd, 1 + len(line))  # drop the tail of a longer line a killed holder left
            except OSError as exc:  # a full disk shows here first
                raise StoreError(
                    f"无法写入锁文件 {lock_path}：{exc.strerror or exc}。数据未改动；请检查磁盘空间后重试。",
                    f"Cannot write the lock file {lock_path}: {exc.strerror or exc}. Nothing was changed; check "
                    "the disk space, then try again.",
                ) from None
            yield
        finally:
            with contextlib.suppress(OSError):
                os.ftruncate(fd, 0)
            with contextlib.suppress(OSError):
                _flock(fd, False)
    finally:
        os.close(fd)
