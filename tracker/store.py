"""The one place that knows the data lives in TinyDB on a JSON file.

Our own storage class instead of TinyDB's JSONStorage (which rewrites the file in place):

- the file is UTF-8 with real Chinese, one document per line (diff- and grep-friendly);
- every change is written to a temporary file (mode 0600), checked, fsynced and renamed over
  the database, so a crash leaves the old or the new file, never half of one; the previous
  version is kept beside it as ``<name>.bak`` (swapped in by a rename: there is always one);
- writers take an exclusive lock (``<name>.lock``, through ``filelock`` so that it works on
  Windows too) around the write only; under the lock the file is re-read if another process
  changed it since we read it, the change is applied to that fresh state and re-checked by the
  caller, then written; readers need no lock;
- a schema version sits in the ``meta`` table; the whole file's shape is checked when it is
  read (``tracker.storeshape``), so nothing is written on top of a file that cannot be read;
- only changed documents are re-serialized: every other line is reused byte for byte. A line
  is reused only if it was read in our own layout (one document a line, each parsed on its
  own); a file in any other layout is written whole the first time.
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
from collections.abc import Callable, Iterator, MutableMapping
from dataclasses import dataclass
from datetime import datetime
from json.scanner import make_scanner
from pathlib import Path
from typing import Any

from tinydb import TinyDB
from tinydb.storages import Storage
from tinydb.table import Document

from .model import Person
from .storefile import (
    LockedError,
    StoreError,
    backup_path,
    check_writable,
    hold_lock,
    read_regular_file,
    remove_stale_temp_files,
    replace_atomically,
    saves_in_this_process,
)
from .storeshape import SCHEMA_VERSION, TABLES, ShapeError, check_shape

__all__ = ["SCHEMA_VERSION", "TABLES", "UNDO_DEPTH", "LockedError", "Store", "StoreError", "Transaction",
           "saves_in_this_process"]

#: how many history entries keep the data needed to undo them (older ones keep only the summary)
UNDO_DEPTH = 500


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
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode("utf-8")


#: json's C scanner: (text, index) → (value, end); StopIteration when no value starts there
_SCAN_ONCE: Callable[[str, int], tuple[Any, int]] = make_scanner(json.JSONDecoder())  # type: ignore[arg-type]


def _damaged(path: Path, zh: str, en: str) -> StoreError:
    bak = backup_path(path)
    return StoreError(
        f"数据库文件 {path} 已损坏，无法使用（{zh}）。未作任何更改。上一版本保存在 {bak}，可将其复制回原文件名后重试。",
        f"The database file {path} is damaged and cannot be used ({en}). Nothing was changed. The previous "
        f"version is kept at {bak}: copy it back over the database to recover.",
    )


def _parse_own_layout(raw: bytes) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, bytes]]] | None:
    """Read a file in our own layout (see ``render``), each document from its own line.

    Returns the data and each document's line, or None when the file is laid out any other way
    (then it is parsed whole and written whole the next time). Parsing line by line costs about
    what one ``json.loads`` of the whole file does, and proves every line we may reuse is one value.
    """
    rows = raw.split(b"\n")
    if len(rows) < 3 + 2 * len(TABLES) or rows[0] != b"{" or rows[-1] != b"" or rows[-2] != b"}":
        return None
    data: dict[str, dict[str, Any]] = {}
    cache: dict[str, dict[str, bytes]] = {}
    scan = _SCAN_ONCE
    i = 1
    try:
        for n, table in enumerate(TABLES):
            if rows[i] != b'"' + table.encode() + b'": {':
                return None
            close = rows.index(b"}," if n < len(TABLES) - 1 else b"}", i + 1)
            body = rows[i + 1:close]
            docs: dict[str, Any] = {}
            lines: dict[str, bytes] = {}
            if body != [b""]:
                # the lines first, then the documents: kept apart in memory, the lines join faster on write
                last = len(body) - 1
                for j, row in enumerate(body):
                    head = row.find(b'":', 1)
                    key = row[1:head]
                    if row[:1] != b'"' or head < 0 or not key.isdigit() or (j < last and not row.endswith(b",")):
                        return None
                    skey = key.decode()
                    if skey in lines:
                        return None
                    lines[skey] = row[:-1] if j < last else row
                for skey, entry in lines.items():
                    text = entry.decode()
                    start = len(skey) + 3  # after "id": (ASCII, so the same in bytes and in text)
                    doc, end = scan(text, start)  # the C scanner, without json.loads' per-call overhead
                    if end != len(text):
                        return None
                    docs[skey] = doc
            data[table] = docs
            cache[table] = lines
            i = close + 1
    except (ValueError, IndexError, StopIteration):  # not JSON, not UTF-8, a missing frame line
        return None
    if i != len(rows) - 2:
        return None
    return data, cache


class AtomicJSONStorage(Storage):
    """TinyDB storage holding the data in memory and writing it atomically on ``flush``."""

    def __init__(self, path: Path, shown: Path | None = None) -> None:
        self.path = path  # the real file (a symlink is followed: we write through it)
        self.shown = shown or path  # the name the user gave, for messages
        self.data: dict[str, dict[str, Any]] = {t: {} for t in TABLES}
        self._lines: dict[str, dict[str, bytes]] = {t: {} for t in TABLES}
        self._dirty: set[tuple[str, str]] = set()
        self.signature: tuple[int, int, int] | None = None
        self.writable = False
        #: completed writes (renames) by this instance; the CLI says "saved" after Ctrl-C by it
        self.saves = 0

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

    def load(self, *, must_exist: bool = False) -> None:
        """Read the file (if any) into memory, remembering each document's line."""
        got = read_regular_file(self.path, self.shown)
        if got is None:
            if must_exist:
                raise StoreError(
                    f"数据库文件 {self.shown} 不存在。请检查 --db 或 TRACKER_DB 给出的路径；"
                    "新建数据库请用 tracker add 或 tracker demo。",
                    f"The database file {self.shown} does not exist. Check the path given by --db or TRACKER_DB; "
                    "to start a new database, use tracker add or tracker demo.",
                )
            self.data = {t: {} for t in TABLES}
            self._lines = {t: {} for t in TABLES}
            self.signature = None
            return
        raw, st = got
        if not raw.strip():
            raise _damaged(self.shown, "文件为空", "the file is empty")
        with _bulk():
            own = _parse_own_layout(raw)
            if own is None:
                try:
                    whole = json.loads(raw)
                except (json.JSONDecodeError, UnicodeDecodeError) as exc:
                    raise _damaged(self.shown, str(exc), str(exc)) from None
            try:
                data = check_shape(own[0] if own is not None else whole)
            except ShapeError as exc:
                raise _damaged(self.shown, exc.zh, exc.en) from None
        self.data = data
        self._lines = own[1] if own is not None else {t: {} for t in TABLES}
        self._dirty.clear()
        self.signature = (st.st_mtime_ns, st.st_size, st.st_ino)

    def disk_signature(self) -> tuple[int, int, int] | None:
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            return None
        return (st.st_mtime_ns, st.st_size, st.st_ino)

    def check_writable(self) -> None:
        check_writable(self.path, self.shown)

    def render(self) -> tuple[bytes, list[bytes] | None]:
        """The file's bytes in our layout, and the lines written fresh (None: every line is fresh).

        The layout, which ``_parse_own_layout`` reads back: ``{``; per table a line ``"name": {``,
        one ``"id":document`` a line separated by ``,`` (an empty line if none), ``},`` (``}`` for
        the last table); ``}`` and a final newline. The cache holds each ``"id":document`` as written.
        """
        parts: list[bytes] = [b"{"]
        fresh_lines: list[bytes] | None = [] if any(self._lines.values()) else None
        dirty = self._dirty
        for t_index, table in enumerate(TABLES):
            docs = self.data.get(table, {})
            cache = self._lines[table]
            fresh: dict[str, bytes] = {}
            for key, doc in docs.items():
                entry = cache.get(key)
                if entry is None or (table, key) in dirty:
                    entry = b'"' + key.encode() + b'":' + _dumps(doc)
                    if fresh_lines is not None:
                        fresh_lines.append(entry)
                fresh[key] = entry
            self._lines[table] = fresh
            parts.append(b'"' + table.encode() + b'": {')
            parts.append(b",\n".join(fresh.values()))
            parts.append(b"}" + (b"," if t_index < len(TABLES) - 1 else b""))
        parts.append(b"}\n")
        self._dirty.clear()
        return b"\n".join(parts), fresh_lines

    @staticmethod
    def verify(payload: bytes, fresh_lines: list[bytes] | None) -> None:
        """Check the bytes about to replace the database parse. Cheap in the usual case: only the
        lines written fresh and the frame; everything when the file was read in another layout."""
        if fresh_lines is None:
            json.loads(payload)
            return
        for entry in fresh_lines:
            if not all(isinstance(doc, dict) for doc in json.loads(b"{" + entry + b"}").values()):
                raise ValueError("a document is not an object")
        if not (payload.startswith(b'{\n"' + TABLES[0].encode() + b'": {\n') and payload.endswith(b"\n}\n}\n")):
            raise ValueError("the frame is not ours")

    def flush(self) -> None:
        try:
            payload, fresh_lines = self.render()
            self.verify(payload, fresh_lines)
        except (TypeError, ValueError) as exc:  # cannot happen with documents built by the service
            raise StoreError(
                f"无法保存：数据无法写成有效的 JSON（{exc}）。数据未改动。",
                f"Cannot save: the data does not make valid JSON ({exc}). Nothing was changed.",
            ) from exc
        # only the file we read and checked becomes the backup: one changed behind our back
        # (without the lock) might not be a valid database
        keep_backup = self.signature is not None and self.disk_signature() == self.signature

        def committed() -> None:
            self.saves += 1
            self.signature = self.disk_signature()

        try:
            replace_atomically(self.path, payload, keep_backup=keep_backup, committed=committed)
        except OSError as exc:
            raise StoreError(
                f"无法写入数据库文件 {self.shown}：{exc.strerror or exc}。数据未改动；请检查磁盘空间和文件权限后重试。",
                f"Cannot write the database file {self.shown}: {exc.strerror or exc}. Nothing was changed; "
                "check the disk space and file permissions, then try again.",
            ) from exc

    def remove_stale_temp_files(self) -> None:
        remove_stale_temp_files(self.path)


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
    mine: bool = True  # made by the user now connected (a file has one user; PostgreSQL knows who)

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

    def set_setting(self, key: str, value: str | None) -> None:
        """A setting of this database (the unit's name), kept in the meta record; None removes it."""
        self.changed = True
        meta = self._store._meta_table
        if not self._store._storage.data["meta"]:
            meta.insert({"schema": SCHEMA_VERSION,
                         "created": datetime.now().astimezone().isoformat(timespec="seconds")})
        self._store._storage.touch("meta", 1)
        settings = dict(self._store.settings())
        if value is None:
            settings.pop(key, None)
        else:
            settings[key] = value
        meta.update({"settings": settings}, doc_ids=[1])

    def mark_undone(self, hid: int) -> None:
        self.changed = True
        self._store._storage.touch("history", hid)
        self._store._history_table.update({"undone": True}, doc_ids=[hid])


class Store:
    """People and the change history in one JSON file. One instance per process and file."""

    def __init__(self, path: Path, *, lock_timeout: float = 3.0, must_exist: bool = False) -> None:
        """Open the database at ``path``; ``must_exist``: a missing file is an error, not an empty database.

        A symlink is followed: the file it points to is read and written (the link stays), and the
        lock, temporary files and ``.bak`` sit beside that file.
        """
        self.path = Path(path).expanduser()
        real = Path(os.path.realpath(self.path))
        self.lock_path = real.with_name(real.name + ".lock")
        self.lock_timeout = lock_timeout
        self._storage = AtomicJSONStorage(real, self.path)
        self._swept = False
        self._open(must_exist=must_exist)

    def _open(self, *, must_exist: bool = False) -> None:
        self._storage.load(must_exist=must_exist)
        meta = self._storage.data.get("meta", {}).get("1")
        if meta is not None and meta.get("schema", 0) > SCHEMA_VERSION:
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

    def settings(self) -> dict[str, str]:
        """This database's settings (e.g. ``unit``: the name heading every roster)."""
        record = self._storage.data.get("meta", {}).get("1") or {}
        found = record.get("settings")
        return {str(k): str(v) for k, v in found.items()} if isinstance(found, dict) else {}

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
    def _lock(self) -> contextlib.AbstractContextManager[None]:
        return hold_lock(self.lock_path, self.lock_timeout)

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Transaction]:
        """Lock, refresh from disk, apply the caller's changes, write atomically, unlock.

        If the block raises, nothing is written and the in-memory state is re-read from disk.
        """
        with self._lock():
            self.refresh()
            storage = self._storage
            storage.check_writable()
            if not self._swept:
                storage.remove_stale_temp_files()
                self._swept = True
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
