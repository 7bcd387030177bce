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
  own); a file in any other layout is written whole the first time;
- a large file takes a small change as one self-checking line appended after its JSON and fsynced (the change
  journal, ``tracker.storejournal``), folded into the file by an atomic rewrite from time to time.

The bytes (reading our layout, rendering, the atomic replace) are ``tracker.storejson``'s; this module has
the transactions, the history and undo, and the Store the service talks to.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from operator import attrgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tinydb import TinyDB

from .derived import Derived, Summary, derive, fingerprint, summary
from .model import Person
from .storefile import (
    LockedError,
    StoreError,
    hold_lock,
    saves_in_this_process,
)
from .storejson import AtomicJSONStorage, bulk_loading
from .storelayout import (
    DERIVED_KEY,
    People,
    tail_json,
    tails_json,
)
from .storeshape import SCHEMA_VERSION, TABLES
from .tally import Tally

if TYPE_CHECKING:
    from .profiles import RuleBook

__all__ = ["SCHEMA_VERSION", "TABLES", "UNDO_DEPTH", "AtomicJSONStorage", "LockedError", "Store", "StoreError",
           "Transaction", "saves_in_this_process"]

#: how many history entries keep the data needed to undo them (older ones keep only the summary)
UNDO_DEPTH = 500


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

    @property
    def _docs(self) -> People:
        docs = self._store._storage.data["people"]
        assert isinstance(docs, People)
        return docs

    def _new_id(self) -> int:
        """The next person id: one more than the highest ever seen by this store (as TinyDB numbers)."""
        store = self._store
        if store._next_id is None:
            store._next_id = max((int(k) for k in self._docs), default=0) + 1
        pid = store._next_id
        store._next_id += 1
        return pid

    def _remember(self, pid: int) -> None:
        self.changed = True
        key = str(pid)
        if key not in self.before:
            docs = self._docs
            self.before[key] = dict(docs[key]) if key in docs else None

    def _set(self, pid: int, doc: dict[str, Any]) -> None:
        """The one way a person's document changes (the people table bypasses TinyDB's table updates,
        which rebuild the whole table: every document would be parsed)."""
        self._docs[str(pid)] = doc
        self._store._storage.touch("people", pid)

    def add(self, person: Person) -> Person:
        self.changed = True
        doc = person.to_doc()
        pid = self._new_id()
        self._set(pid, doc)
        self.before[str(pid)] = None
        saved = Person.from_doc(pid, doc)
        self._store._cache_person(saved)
        return saved

    def add_all(self, people: list[Person]) -> list[Person]:
        """Insert many people at once (an import, the demo, a benchmark)."""
        self.changed = True
        saved = []
        for p in people:
            doc = p.to_doc()
            pid = self._new_id()
            self._set(pid, doc)
            self.before[str(pid)] = None
            person = Person.from_doc(pid, doc)
            self._store._persons[pid] = person
            saved.append(person)
        self._store._changed()
        return saved

    def put(self, person: Person) -> None:
        """Replace a stored person (KeyError when there is no such person)."""
        if str(person.id) not in self._docs:
            raise KeyError(person.id)
        self._remember(person.id)
        self._set(person.id, person.to_doc())
        self._store._cache_person(person)

    def put_all(self, people: list[Person]) -> None:
        """Replace many stored people at once (an import's merges)."""
        for person in people:
            self.put(person)

    def restore(self, pid: int, doc: dict[str, Any] | None) -> None:
        """Put a person back as a stored document was (None: remove them)."""
        self._remember(pid)
        docs = self._docs
        if doc is None:
            if str(pid) in docs:
                del docs[str(pid)]
            self._store._storage.touch("people", pid)
            self._store._persons.pop(pid, None)
            self._store._changed()
            return
        # an older version keeps the derived fields it does not know with the document: never restored
        doc = {k: v for k, v in doc.items() if k != DERIVED_KEY}
        self._set(pid, doc)
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

    def __init__(self, path: Path, *, lock_timeout: float = 3.0, must_exist: bool = False,
                 rulebook: RuleBook | None = None) -> None:
        """Open the database at ``path``; ``must_exist``: a missing file is an error, not an empty database.

        ``rulebook`` (or ``use_rulebook``, which the service calls): what the derived fields kept with each
        person are computed with (``summaries``); without one, a write keeps no derived fields.

        A symlink is followed: the file it points to is read and written (the link stays), and the
        lock, temporary files and ``.bak`` sit beside that file.
        """
        self.path = Path(path).expanduser()
        real = Path(os.path.realpath(self.path))
        self.lock_path = real.with_name(real.name + ".lock")
        self.lock_timeout = lock_timeout
        self._storage = AtomicJSONStorage(real, self.path)
        self._swept = False
        self._rulebook: RuleBook | None = None
        self._fingerprint: str | None = None
        self._summaries: list[Summary] | None = None
        self._open(must_exist=must_exist)
        if rulebook is not None:
            self.use_rulebook(rulebook)

    def use_rulebook(self, book: RuleBook) -> None:
        """Compute the derived fields with ``book``: on every write (each changed person; everyone when the
        book differs from the one the file's fields were computed with), and in ``summaries``."""
        if book is self._rulebook:
            return
        self._rulebook = book
        self._fingerprint = None
        self._summaries = None
        self._storage.deriver = self._derive_doc

    def fingerprint(self) -> str | None:
        """The rule book's fingerprint (``tracker.derived.fingerprint``); None without a rule book."""
        if self._rulebook is not None and self._fingerprint is None:
            self._fingerprint = fingerprint(self._rulebook)
        return self._fingerprint

    def _derive_doc(self, key: str, doc: dict[str, Any]) -> dict[str, Any]:
        assert self._rulebook is not None
        pid = int(key)
        person = self._persons.get(pid)
        if person is None:
            person = Person.from_doc(pid, doc)
        # the name and branch too, so that a list needs no one's document parsed
        return {**derive(person, self._rulebook).to_json(), "name": doc["name"], "branch": doc.get("branch") or ""}

    def status_tally(self) -> Tally | None:
        """Everyone's derived fields counted (``tracker.tally``, for ``status``), when the file keeps them counted
        with this rule book; None otherwise (then count from ``summaries``)."""
        tally = self._storage.tally
        return tally if tally is not None and self._cache_valid() else None

    def _cache_valid(self) -> bool:
        """Whether the derived fields read from the file were computed with this store's rule book."""
        meta = self._storage.data["meta"].get("1") or {}
        return self._rulebook is not None and meta.get(DERIVED_KEY) == self.fingerprint()

    def summaries(self) -> list[Summary]:
        """Everyone (who left too), by id, with their derived fields: those kept in the file when they were
        computed with this rule book and their line adds up, the others derived from the events now."""
        book = self._rulebook
        if book is None:
            raise RuntimeError("summaries() needs a rule book (Store(..., rulebook=) or use_rulebook)")
        if self._summaries is None:
            kept = self._storage.derived
            valid = self._cache_valid()
            out: list[Summary] = []
            with bulk_loading():
                self._summarise(out, kept, valid, book)
            out.sort(key=attrgetter("id"))
            self._summaries = out
        return self._summaries

    def _summarise(self, out: list[Summary], kept: dict[str, memoryview | dict[str, Any]], valid: bool,
                   book: RuleBook) -> None:
        keys = list(self._storage.data["people"])
        if valid:
            try:  # the usual case: everyone's fields kept, parsed at once
                tails = tails_json([kept[key] for key in keys])
                from_json = Derived.from_json
                out.extend([summary(int(key), found["name"], found["branch"], from_json(found))
                            for key, found in zip(keys, tails, strict=True)])
                return
            except (KeyError, TypeError, ValueError):  # someone without kept fields (or fields that do not parse)
                out.clear()
        for key in keys:
            pid = int(key)
            tail = kept.get(key)
            if tail is not None and valid:
                try:
                    found = tail_json(tail)
                    out.append(summary(pid, found["name"], found["branch"], Derived.from_json(found)))
                    continue
                except (KeyError, TypeError, ValueError):  # cannot happen to a line that adds up
                    pass
            person = self.person(pid)
            assert person is not None
            out.append(Summary(pid, person.name, person.branch, derive(person, book)))

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
        self._history_table = self._db.table("history", cache_size=0)
        self._meta_table = self._db.table("meta", cache_size=0)
        self._persons: dict[int, Person] = {}
        self._people_list: list[Person] | None = None
        self._summaries = None
        self._next_id: int | None = None
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
        self._changed()

    def _changed(self) -> None:
        self._people_list = None
        self._summaries = None

    def people(self) -> list[Person]:
        if self._people_list is None:
            if not self._loaded_all:
                with bulk_loading():
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
        kept = self._storage.derived  # the names kept with the derived fields: no document parsed for them
        docs = self._storage.data["people"]
        return sorted(int(k) for k in docs if (tail_json(kept[k]).get("name") if k in kept else docs[k].get("name")) == name)

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
    def _mark_derived(self) -> None:
        """Before a write: name the rule book the derived fields are computed with; if the file's were
        computed with another, compute everyone's again (``render`` refreshes each line without them)."""
        fp = self.fingerprint()
        if fp is None:
            return
        if (self._storage.data["meta"].get("1") or {}).get(DERIVED_KEY) != fp:
            self._storage.derived.clear()
            self._storage.tally = None  # counted from the fields about to be computed again
            self._storage.must_fold = True  # everyone's line changes: the file is rewritten whole
            self._summaries = None
            self._storage.touch("meta", 1)
            self._meta_table.update({DERIVED_KEY: fp}, doc_ids=[1])

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
                    self._mark_derived()
                    storage.flush()
            except BaseException:
                storage.writable = False
                if tx.changed:
                    self._open()  # drop half-applied changes: memory goes back to the file
                raise
            finally:
                storage.writable = False
