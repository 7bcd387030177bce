"""The one place that knows the data lives in TinyDB on a JSON file.

Our own storage class instead of TinyDB's JSONStorage (which rewrites the file in place):

- the file is UTF-8 with real Chinese, one document per line (diff- and grep-friendly);
- every change is written to a temporary file (mode 0600), fsynced and renamed over the
  database, so a crash leaves the old or the new file, never half of one; the previous
  version is kept beside it as ``<name>.bak``;
- writers take an exclusive lock (``<name>.lock``) around the write only; under the lock
  the file is re-read if another process changed it since we read it, the change is applied
  to that fresh state and re-checked by the caller, then written; readers need no lock;
- a schema version sits in the ``meta`` table;
- only changed documents are re-serialized: every other line is reused byte for byte.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import gc
import json
import os
import sys
import time
from collections.abc import Iterator, MutableMapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from tinydb import TinyDB
from tinydb.storages import Storage
from tinydb.table import Document

from .i18n import BilingualError
from .model import Person

SCHEMA_VERSION = 1
TABLES = ("meta", "people", "history")
#: how many history entries keep the data needed to undo them (older ones keep only the summary)
UNDO_DEPTH = 500


class StoreError(BilingualError):
    """The database cannot be used right now (damaged, newer, locked)."""


class LockedError(StoreError):
    pass


@contextlib.contextmanager
def _bulk() -> Iterator[None]:
    """Pause the cyclic garbage collector while building many objects that form no cycles.

    Loading 10k people makes ~170k objects; without this, repeated collections over the
    growing heap cost more than the loading itself (0.5 s against 0.17 s here).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        # the loaded data lives as long as the process: keep later collections from re-scanning it
        # (it holds no reference cycles, so reference counting still frees it on reload)
        gc.freeze()
        if was_enabled:
            gc.enable()


def _dumps(doc: Any) -> bytes:
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


class AtomicJSONStorage(Storage):
    """TinyDB storage holding the data in memory and writing it atomically on ``flush``."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.data: dict[str, dict[str, Any]] = {t: {} for t in TABLES}
        self._lines: dict[str, dict[str, bytes]] = {t: {} for t in TABLES}
        self._dirty: set[tuple[str, str]] = set()
        self.signature: tuple[int, int, int] | None = None
        self.writable = False

    # ---- TinyDB's interface
    def read(self) -> dict[str, dict[str, Any]]:
        return self.data

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        if not self.writable:
            raise RuntimeError("write outside a transaction")
        self.data = data

    # ---- ours
    def touch(self, table: str, doc_id: int) -> None:
        self._dirty.add((table, str(doc_id)))

    def load(self) -> None:
        """Read the file (if any) into memory, remembering each document's line."""
        try:
            with open(self.path, "rb") as fh:
                st = os.fstat(fh.fileno())
                raw = fh.read()
        except FileNotFoundError:
            self.data = {t: {} for t in TABLES}
            self._lines = {t: {} for t in TABLES}
            self.signature = None
            return
        except OSError as exc:
            raise StoreError(
                f"无法读取数据库文件 {self.path}：{exc.strerror or exc}。请检查路径（--db）和文件权限。",
                f"Cannot read the database file {self.path}: {exc.strerror or exc}. Check the path (--db) and "
                "the file permissions.",
            ) from None
        try:
            with _bulk():
                data = json.loads(raw) if raw.strip() else {}
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            bak = self.path.with_name(self.path.name + ".bak")
            raise StoreError(
                f"数据库文件 {self.path} 已损坏，无法读取（{exc}）。上一版本保存在 {bak}，可将其复制回原文件名后重试。",
                f"The database file {self.path} is damaged and cannot be read ({exc}). The previous "
                f"version is kept at {bak}: copy it back over the database to recover.",
            ) from None
        self.data = {t: dict(data.get(t, {})) for t in TABLES}
        self._lines = {t: {} for t in TABLES}
        # our own files hold one document a line: keep those bytes to write unchanged docs again
        table = None
        for line in raw.split(b"\n"):
            if line.startswith(b'"') and line.endswith((b": {", b":{")):
                table = line.split(b'"')[1].decode()
                continue
            if table in self._lines and line.startswith(b'"'):
                key, _, rest = line.partition(b":")
                self._lines[table][key.strip(b'"').decode()] = rest.rstrip(b",")
        self._dirty.clear()
        self.signature = (st.st_mtime_ns, st.st_size, st.st_ino)

    def disk_signature(self) -> tuple[int, int, int] | None:
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            return None
        return (st.st_mtime_ns, st.st_size, st.st_ino)

    def render(self) -> bytes:
        parts: list[bytes] = [b"{"]
        for t_index, table in enumerate(TABLES):
            docs = self.data.get(table, {})
            cache = self._lines[table]
            fresh: dict[str, bytes] = {}
            lines = []
            for key, doc in docs.items():
                line = cache.get(key)
                if line is None or (table, key) in self._dirty:
                    line = _dumps(doc)
                fresh[key] = line
                lines.append(b'"' + key.encode() + b'":' + line)
            self._lines[table] = fresh
            parts.append(b'"' + table.encode() + b'": {')
            parts.append(b",\n".join(lines))
            parts.append(b"}" + (b"," if t_index < len(TABLES) - 1 else b""))
        parts.append(b"}\n")
        self._dirty.clear()
        return b"\n".join(parts)

    def flush(self) -> None:
        try:
            self._write(self.render())
        except OSError as exc:
            raise StoreError(
                f"无法写入数据库文件 {self.path}：{exc.strerror or exc}。数据未改动；请检查磁盘空间和文件权限后重试。",
                f"Cannot write the database file {self.path}: {exc.strerror or exc}. Nothing was changed; "
                "check the disk space and file permissions, then try again.",
            ) from exc

    def _write(self, payload: bytes) -> None:
        directory = self.path.parent
        directory.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(payload)
                fh.flush()
                os.fsync(fh.fileno())
            if self.path.exists():
                bak = self.path.with_name(self.path.name + ".bak")
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(bak)
                with contextlib.suppress(OSError):
                    os.link(self.path, bak)
            os.replace(tmp, self.path)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise
        dfd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)
        self.signature = self.disk_signature()


@dataclass
class HistoryEntry:
    id: int
    at: str
    action: str
    zh: str
    en: str
    people: list[int]
    undone: bool
    undoable: bool

    def summary(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


class Transaction:
    """The changes of one user action; written once, atomically, when the block ends."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self.before: dict[str, dict[str, Any] | None] = {}
        self.changed = False  # set by every change; a refused step changes nothing

    def _remember(self, pid: int) -> None:
        self.changed = True
        key = str(pid)
        if key not in self.before:
            doc = self._store._people_table.get(doc_id=pid)
            self.before[key] = dict(doc) if doc is not None else None

    def add(self, person: Person) -> Person:
        self.changed = True
        doc = person.to_doc()
        pid: int = self._store._people_table.insert(doc)
        self._store._storage.touch("people", pid)
        self.before[str(pid)] = None
        saved = Person.from_doc(pid, doc)
        self._store._cache_person(saved)
        return saved

    def add_all(self, people: list[Person]) -> list[Person]:
        """Insert many people with one table update (an import, the demo, a benchmark)."""
        self.changed = True
        docs = [p.to_doc() for p in people]
        ids: list[int] = self._store._people_table.insert_multiple(docs)
        saved = []
        for pid, doc in zip(ids, docs, strict=True):
            self.before[str(pid)] = None
            self._store._storage.touch("people", pid)
            person = Person.from_doc(pid, doc)
            self._store._persons[pid] = person
            saved.append(person)
        self._store._people_list = None
        return saved

    def put(self, person: Person) -> None:
        self._remember(person.id)
        doc = person.to_doc()

        def replace(d: MutableMapping[str, Any]) -> None:
            d.clear()
            d.update(doc)

        self._store._storage.touch("people", person.id)
        self._store._people_table.update(replace, doc_ids=[person.id])
        self._store._cache_person(person)

    def put_all(self, people: list[Person]) -> None:
        """Replace many stored people at once (an import's merges). ``put`` goes through a TinyDB table update,
        which rebuilds the whole table each time: 8,000 merges held the lock for over a minute."""
        docs = self._store._storage.data["people"]
        for person in people:
            if str(person.id) not in docs:
                self.put(person)
                continue
            self._remember(person.id)
            docs[str(person.id)] = person.to_doc()
            self._store._storage.touch("people", person.id)
            self._store._cache_person(person)

    def restore(self, pid: int, doc: dict[str, Any] | None) -> None:
        """Put a person back as a stored document was (None: remove them)."""
        self._remember(pid)
        table = self._store._people_table
        if doc is None:
            if table.contains(doc_id=pid):
                table.remove(doc_ids=[pid])
            self._store._persons.pop(pid, None)
            self._store._people_list = None
            return
        self._store._storage.touch("people", pid)
        if table.contains(doc_id=pid):

            def replace(d: MutableMapping[str, Any]) -> None:
                d.clear()
                d.update(doc)

            table.update(replace, doc_ids=[pid])
        else:
            table.insert(Document(dict(doc), doc_id=pid))
        self._store._cache_person(Person.from_doc(pid, doc))

    def log(self, action: str, zh: str, en: str, *, undoable: bool = True,
            before: dict[str, dict[str, Any] | None] | None = None) -> int:
        self.changed = True
        entry = {
            "at": datetime.now().astimezone().isoformat(timespec="seconds"),
            "action": action,
            "zh": zh,
            "en": en,
            "before": self.before if before is None else before,
            "undone": False,
            "undoable": undoable,
        }
        hist = self._store._history_table
        hid: int = hist.insert(entry)
        if undoable:
            # keep the file from growing without end: beyond the last UNDO_DEPTH undoable changes,
            # an entry keeps its summary only (undo entries themselves never push others out)
            keep = sorted(int(k) for k, d in self._store._storage.data["history"].items() if d.get("undoable"))
            for old in keep[:-UNDO_DEPTH]:
                self._store._storage.touch("history", old)
                hist.update(lambda d: d.update(before={}, undoable=False), doc_ids=[old])
        return hid

    def mark_undone(self, hid: int) -> None:
        self.changed = True
        self._store._storage.touch("history", hid)
        self._store._history_table.update({"undone": True}, doc_ids=[hid])


class Store:
    """People and the change history in one JSON file. One instance per process and file."""

    def __init__(self, path: Path, *, lock_timeout: float = 3.0) -> None:
        self.path = Path(path).expanduser()
        self.lock_path = self.path.with_name(self.path.name + ".lock")
        self.lock_timeout = lock_timeout
        self._storage = AtomicJSONStorage(self.path)
        self._open()

    def _open(self) -> None:
        self._storage.load()
        meta = self._storage.data.get("meta", {}).get("1")
        if meta is not None and int(meta.get("schema", 0)) > SCHEMA_VERSION:
            raise StoreError(
                f"数据库 {self.path} 由较新版本的程序写入（格式 {meta.get('schema')}），请升级本程序。",
                f"The database {self.path} was written by a newer version (schema {meta.get('schema')}); "
                "upgrade this program.",
            )
        storage = self._storage
        self._db = TinyDB(storage=lambda: storage)
        self._people_table = self._db.table("people", cache_size=0)
        self._history_table = self._db.table("history", cache_size=0)
        self._meta_table = self._db.table("meta", cache_size=0)
        self._persons: dict[int, Person] = {}
        self._people_list: list[Person] | None = None
        self._loaded_all = False

    # ---- reading
    def refresh(self) -> bool:
        """Re-read the file if another process changed it; True when it did."""
        if self._storage.disk_signature() == self._storage.signature:
            return False
        self._open()
        return True

    def _cache_person(self, person: Person) -> None:
        self._persons[person.id] = person
        self._people_list = None

    def people(self) -> list[Person]:
        if self._people_list is None:
            if not self._loaded_all:
                with _bulk():
                    for key, doc in self._storage.data["people"].items():
                        pid = int(key)
                        if pid not in self._persons:
                            self._persons[pid] = Person.from_doc(pid, doc)
                self._loaded_all = True
            self._people_list = sorted(self._persons.values(), key=lambda p: p.id)
        return self._people_list

    def person(self, pid: int) -> Person | None:
        cached = self._persons.get(pid)
        if cached is not None:
            return cached
        doc = self._storage.data["people"].get(str(pid))
        if doc is None:
            return None
        person = Person.from_doc(pid, doc)
        self._persons[pid] = person
        return person

    def ids_named(self, name: str) -> list[int]:
        """Ids of the people with exactly this name, without building every person."""
        return sorted(int(k) for k, doc in self._storage.data["people"].items() if doc.get("name") == name)

    def count(self) -> int:
        return len(self._storage.data["people"])

    def history(self) -> list[HistoryEntry]:
        out = []
        for key, doc in self._storage.data["history"].items():
            ids = sorted(int(k) for k in doc.get("before", {}))
            out.append(HistoryEntry(int(key), doc["at"], doc["action"], doc["zh"], doc["en"], ids,
                                    bool(doc.get("undone")), bool(doc.get("undoable", True))))
        return sorted(out, key=lambda h: h.id)

    def history_before(self, hid: int) -> dict[str, dict[str, Any] | None]:
        doc = self._storage.data["history"].get(str(hid), {})
        return dict(doc.get("before", {}))

    # ---- writing
    @contextlib.contextmanager
    def _lock(self) -> Iterator[None]:
        try:
            self.lock_path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as exc:
            raise StoreError(
                f"无法在 {self.lock_path.parent} 写入：{exc.strerror or exc}。请检查路径（--db）和文件夹权限。",
                f"Cannot write in {self.lock_path.parent}: {exc.strerror or exc}. Check the path (--db) and the "
                "folder's permissions.",
            ) from None
        try:
            deadline = time.monotonic() + self.lock_timeout
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except OSError as exc:
                    if exc.errno not in (errno.EAGAIN, errno.EACCES):
                        raise
                    if time.monotonic() >= deadline:
                        holder = os.pread(fd, 200, 0).decode("utf-8", "replace").strip() or "?"
                        raise LockedError(
                            f"数据库正被另一个程序写入（{holder}），请稍后再试。",
                            f"The database is being written by another process ({holder}); try again shortly.",
                        ) from None
                    time.sleep(0.05)
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"pid {os.getpid()}: {' '.join(os.path.basename(a) for a in sys.argv[:2])}".encode(), 0)
            try:
                yield
            finally:
                os.ftruncate(fd, 0)
                fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Transaction]:
        """Lock, refresh from disk, apply the caller's changes, write atomically, unlock.

        If the block raises, nothing is written and the in-memory state is re-read from disk.
        """
        with self._lock():
            self.refresh()
            storage = self._storage
            storage.writable = True
            tx = Transaction(self)
            try:
                yield tx
                if tx.changed:
                    if not storage.data["meta"]:
                        self._meta_table.insert({"schema": SCHEMA_VERSION,
                                                 "created": datetime.now().astimezone().isoformat(timespec="seconds")})
                    storage.flush()
            except BaseException:
                storage.writable = False
                if tx.changed:
                    self._open()  # drop half-applied changes: memory goes back to the file
                raise
            finally:
                storage.writable = False
