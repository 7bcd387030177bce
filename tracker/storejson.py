"""The database file as TinyDB's storage: our layout read and written line by line, atomically.

Split from ``tracker.store`` (which holds the transactions, history and the Store TinyDB sits behind): this
module knows the bytes — reading the file in our layout (``storelayout``), keeping each document's line, the
derived fields and their counts (``tally``) current on every write, and replacing the file atomically
(``storefile``) or appending a change to its journal (``storejournal``). A people section that adds up is kept
unsplit until a person is asked for (``People.ensure``): ``status`` on a file just opened reads the meta line only.
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
import zlib
from collections.abc import Callable, Iterator, MutableMapping
from pathlib import Path
from typing import Any

import orjson
from tinydb.storages import Storage

from . import storejournal
from .storefile import (
    StoreError,
    append_durably,
    backup_path,
    check_writable,
    read_regular_file,
    remove_stale_temp_files,
    replace_atomically,
)
from .storejournal import JournalDamaged, entry_line, read_journal
from .storelayout import (
    BODY_END,
    DERIVED_KEY,
    HISTORY_SUM_KEY,
    PEOPLE_SUM_KEY,
    PEOPLE_TALLY_KEY,
    Parsed,
    People,
    checked_tail,
    dumps,
    index_section,
    loads,
    parse_own_layout,
    people_sum,
    person_line,
    plain_line,
    tail_json,
)
from .storeshape import TABLES, ShapeError, check_person, check_shape
from .tally import Tally, tally_of
from .tally import add as tally_add
from .tally import apply as tally_apply
from .tally import canonical as tally_canonical
from .tally import delta as tally_delta
from .tally import empty as tally_empty
from .tally import valid as tally_valid


@contextlib.contextmanager
def bulk_loading() -> Iterator[None]:
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


def _empty() -> dict[str, MutableMapping[str, Any]]:
    return {"meta": {}, "people": People(), "history": {}}


def _damaged(path: Path, zh: str, en: str) -> StoreError:
    bak = backup_path(path)
    return StoreError(
        f"数据库文件 {path} 已损坏，无法使用（{zh}）。未作任何更改。上一版本保存在 {bak}，可将其复制回原文件名后重试。",
        f"The database file {path} is damaged and cannot be used ({en}). Nothing was changed. The previous "
        f"version is kept at {bak}: copy it back over the database to recover.",
    )


class AtomicJSONStorage(Storage):
    """TinyDB storage holding the data in memory and writing it atomically on ``flush``."""

    def __init__(self, path: Path, shown: Path | None = None) -> None:
        self.path = path  # the real file (a symlink is followed: we write through it)
        self.shown = shown or path  # the name the user gave, for messages
        self.data: dict[str, MutableMapping[str, Any]] = _empty()
        self._lines: dict[str, dict[str, bytes]] = {t: {} for t in TABLES}
        self._dirty: set[tuple[str, str]] = set()
        self._derived: dict[str, memoryview | dict[str, Any]] = {}
        #: the people key and document → their derived fields, when the store knows the rule book
        self.deriver: Callable[[str, dict[str, Any]], dict[str, Any]] | None = None
        #: everyone's derived fields counted (``tracker.tally``), kept current by every write; None: unknown
        self.tally: Tally | None = tally_empty()
        self.signature: tuple[int, int, int] | None = None
        self.writable = False
        #: completed writes (renames) by this instance; the CLI says "saved" after Ctrl-C by it
        self.saves = 0
        # the change journal (``tracker.storejournal``): where the file's good bytes end (a line cut short after
        # them is ignored), how many entries and bytes follow its JSON, and whether the next write rewrites it whole
        self._own_layout = False
        self._end = 0
        self._journal_count = 0
        self._journal_bytes = 0
        #: the next write rewrites the file whole (the rule profiles changed: everyone's fields computed again)
        self.must_fold = False
        # the counts as they were before this write's first change (the journal keeps what the write changed)
        self._tally_before: Tally | None = None
        self._snapped = False
        # a people section kept unsplit (``People.fill_with``), and the journal's people applied after splitting it
        self._section: memoryview | None = None
        self._pending: list[tuple[str, dict[str, Any] | None]] = []

    @property
    def derived(self) -> dict[str, memoryview | dict[str, Any]]:
        """Each person's derived fields (``Derived.to_json()``) as read from a line that adds up, or as written."""
        if self._section is not None:
            self._people().ensure()
        return self._derived

    def _people(self) -> People:
        people = self.data["people"]
        assert isinstance(people, People)
        return people

    # ---- TinyDB's interface
    # the people table is a ``People`` mapping (parsed line by line when asked for), not a dict: TinyDB only
    # ever updates the meta and history tables, the store changes people itself (``Transaction._set``)
    def read(self) -> dict[str, MutableMapping[str, Any]]:  # type: ignore[override]
        return self.data

    def write(self, data: dict[str, MutableMapping[str, Any]]) -> None:  # type: ignore[override]
        if not self.writable:
            raise RuntimeError("write outside a transaction")
        self.data = data

    # ---- ours
    def touch(self, table: str, doc_id: int) -> None:
        key = str(doc_id)
        if table == "people":
            if self._section is not None:
                self._people().ensure()
            if not self._snapped:
                self._tally_before = None if self.tally is None else tally_canonical(self.tally)
                self._snapped = True
            if self.tally is not None and ("people", key) not in self._dirty:  # take out what they counted
                old = self._derived.get(key)
                if old is not None:
                    tally_add(self.tally, tail_json(old), -1)
                elif key in self._lines["people"]:  # on file without derived fields: not counted, unknown
                    self.tally = None
            self._derived.pop(key, None)
        self._dirty.add((table, key))

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
            self.data = _empty()
            self._lines = {t: {} for t in TABLES}
            self._derived = {}
            self.tally = tally_empty()
            self.signature = None
            self._reset_journal(own_layout=False, end=0)
            return
        raw, st = got
        if not raw or raw.isspace():  # (not raw.strip(): that copies the whole file)
            raise _damaged(self.shown, "文件为空", "the file is empty")
        body_end = raw.rfind(BODY_END)
        body_end = len(raw) if body_end < 0 else body_end + len(BODY_END)
        entries: list[dict[str, Any]] = []
        with bulk_loading():
            own = parse_own_layout(raw, lazy=True, end=body_end)
            if own is not None and body_end < len(raw):
                try:
                    entries, used = read_journal(raw[body_end:])
                except JournalDamaged as exc:
                    raise _damaged(self.shown, f"文件末尾的变更记录第 {exc.number} 条校验不符",
                                   f"change number {exc.number} at the end of the file does not add up") from None
                body_end += used
            if own is None:
                try:
                    whole = json.loads(raw)
                except (json.JSONDecodeError, UnicodeDecodeError) as exc:
                    raise _damaged(self.shown, str(exc), str(exc)) from None
                people = whole.get("people") if isinstance(whole, dict) else None
                if isinstance(people, dict):  # derived fields are kept only on lines that add up
                    for doc in people.values():
                        if isinstance(doc, dict):
                            doc.pop(DERIVED_KEY, None)
            try:
                if own is not None and entries:
                    self._replay(own, entries)
                lazy = own is not None and own.section is not None
                # a line that adds up was written by this store, from documents it built: not checked again
                shaped = own.data if own is not None else whole
                if lazy:  # the section kept unsplit adds up with everyone counted: no line needs checking
                    shaped = {**shaped, "people": {}}
                data: dict[str, MutableMapping[str, Any]] = check_shape(
                    shaped, trusted=own.derived.keys() if own is not None else (),
                    trusted_history=own.trusted_history if own is not None else ())
                if lazy:
                    assert own is not None
                    data["people"] = own.data["people"]
            except ShapeError as exc:
                raise _damaged(self.shown, exc.zh, exc.en) from None
        if not isinstance(data["people"], People):
            people = People()
            people.update(data["people"])
            data["people"] = people
        self.data = data
        self._lines = own.lines if own is not None else {t: {} for t in TABLES}
        self._derived = own.derived if own is not None else {}
        self.tally = own.tally if own is not None else None
        self._dirty.clear()
        self.signature = (st.st_mtime_ns, st.st_size, st.st_ino)
        self._reset_journal(own_layout=own is not None, end=body_end if own is not None else len(raw))
        self._journal_count = len(entries)
        self._journal_bytes = body_end - raw.rfind(BODY_END) - len(BODY_END) if entries else 0
        if own is not None and own.section is not None:
            self._section = own.section
            self._pending = own.pending
            people = self._people()
            if self.tally is None:  # the counts became unknown in the journal: no length without the lines
                self._fill_people()
            else:
                people.fill_with(self._fill_people, sum(self.tally["stage"].values()) + self.tally["left"])

    def _reset_journal(self, *, own_layout: bool, end: int) -> None:
        self._own_layout = own_layout
        self._end = end
        self._journal_count = 0
        self._journal_bytes = 0
        self.must_fold = False
        self._snapped = False
        self._tally_before = None
        self._section = None
        self._pending = []

    def _fill_people(self) -> None:
        """Split the people section kept unsplit, then apply the journal's changes to people (``People.ensure``)."""
        section = self._section
        if section is None:
            return
        people = self._people()
        try:
            lines, derived = index_section(section, people)
        except ValueError as exc:  # cannot happen to a section that adds up (its CRC was checked)
            raise _damaged(self.shown, str(exc), str(exc)) from None
        for key, doc in self._pending:
            _apply_person(people, lines, derived, key, doc)
        self._lines["people"] = lines
        self._derived = derived
        self._section = None
        self._pending = []

    @staticmethod
    def _replay(own: Parsed, entries: list[dict[str, Any]]) -> None:
        """Apply the journal's entries, in order, to a file's JSON part as read (``own``)."""
        people = own.data["people"]
        assert isinstance(people, People)
        for entry in entries:
            for table in ("meta", "history"):
                docs, lines = own.data[table], own.lines[table]
                for key, doc in entry[table].items():
                    if doc is None:
                        docs.pop(key, None)
                        lines.pop(key, None)
                    else:
                        docs[key] = doc
                        lines[key] = plain_line(key, doc)
                        if table == "history":  # written by this store, in a line that adds up
                            own.trusted_history.add(key)
            for key, doc in entry["people"].items():
                if doc is not None and not isinstance(doc, dict):
                    raise ShapeError(f"people/{key}", "记录应为对象", "a record should be an object")
                if own.section is not None:
                    if doc is not None and type(doc.get(DERIVED_KEY)) is not dict:
                        check_person(doc, f"people/{key}")  # a line without fields: not one this store trusts
                    own.pending.append((key, doc))
                else:
                    _apply_person(people, own.lines["people"], own.derived, key, doc)
            if own.tally is not None and not tally_apply(own.tally, entry["tally"]):  # null: unknown from here on
                own.tally = None
        if own.tally is not None:
            own.tally = tally_canonical(own.tally)
            if not tally_valid(own.tally):
                own.tally = None

    def disk_signature(self) -> tuple[int, int, int] | None:
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            return None
        return (st.st_mtime_ns, st.st_size, st.st_ino)

    def check_writable(self) -> None:
        check_writable(self.path, self.shown)

    def render(self) -> tuple[list[bytes], list[bytes] | None]:
        """The file's bytes in our layout (in pieces to write one after another), and the lines written fresh
        (None: every line is fresh).

        The layout, which ``storelayout.parse_own_layout`` reads back: ``{``; per table a line
        ``"name": {``, one ``"id":document`` a line separated by ``,`` (an empty line if none), ``},``
        (``}`` for the last table); ``}`` and a final newline. The cache holds each ``"id":document`` as
        written. With a ``deriver``, a person's line written fresh carries their derived fields, and so does
        every line whose derived fields are missing or do not add up (``derived`` lacks it). The meta record's
        line also carries the CRC-32 of the people section (``storelayout.PEOPLE_SUM_KEY``): a reader whose
        section adds up checks no person's line on its own.
        """
        if self._section is not None:
            self._people().ensure()
        fresh_lines: list[bytes] | None = [] if any(self._lines.values()) else None
        bodies: dict[str, bytes] = {}
        for table in reversed(TABLES):  # people before meta: the meta record's line carries the people's CRC
            self._lines[table] = self._render_table(table, fresh_lines)
            if table == "people" and self.tally is None and self.deriver is not None \
                    and len(self.derived) == len(self._lines["people"]):  # everyone has fields: count them again
                self.tally = tally_of(tail_json(self.derived[key]) for key in self._lines["people"])
            if table == "meta" and "1" in self._lines["meta"]:
                meta = self.data["meta"]["1"]
                if self.tally is not None:
                    self.tally = tally_canonical(self.tally)
                kept: dict[str, Any] = {PEOPLE_SUM_KEY: people_sum(bodies["people"], self.tally),
                                        HISTORY_SUM_KEY: zlib.crc32(bodies["history"])}
                if self.tally is not None:
                    kept[PEOPLE_TALLY_KEY] = self.tally
                line = plain_line("1", {**meta, **kept} if isinstance(meta, dict) else meta)
                self._lines["meta"]["1"] = line
                if fresh_lines is not None:
                    fresh_lines.append(line)
            bodies[table] = b",\n".join(self._lines[table].values())
        # the file in pieces, each table's body one piece: at 10k people joining them all again would copy
        # 12 MB once more per save (the writer writes the pieces in order)
        chunks: list[bytes] = []
        pending = b"{"
        for t_index, table in enumerate(TABLES):
            chunks += [pending + b'\n"' + table.encode() + b'": {\n', bodies[table]]
            pending = b"\n}" + (b"," if t_index < len(TABLES) - 1 else b"")
        chunks.append(pending + b"\n}\n")
        self._dirty.clear()
        return chunks, fresh_lines

    def _render_table(self, table: str, fresh_lines: list[bytes] | None) -> dict[str, bytes]:
        """A table's lines in order: the cached ones reused, the changed ones (and a person's without derived
        fields, when there is a ``deriver``) written fresh and added to ``fresh_lines``."""
        docs = self.data.get(table, {})
        cache = self._lines[table]
        deriver = self.deriver if table == "people" else None
        changed = [key for t, key in self._dirty if t == table]
        if (table == "people" and len(cache) == len(docs) and all(k in cache and k in docs for k in changed)
                and (deriver is None or len(self.derived) == len(cache) - len(changed))
                and not any(k in self.derived for k in changed)):
            # the usual write: some people changed in place, every other line kept (a 10k-line table
            # is not rebuilt); the lines keep their order
            for key in changed:
                entry = self._line(table, key, docs[key], deriver)
                if fresh_lines is not None:
                    fresh_lines.append(entry)
                cache[key] = entry
            return cache
        dirty = self._dirty
        fresh: dict[str, bytes] = {}
        for key in docs:  # the documents of unchanged lines stay unparsed
            kept = cache.get(key)
            if kept is not None and (table, key) not in dirty and (deriver is None or key in self.derived):
                entry = kept
            else:
                entry = self._line(table, key, docs[key], deriver)
                if fresh_lines is not None:
                    fresh_lines.append(entry)
            fresh[key] = entry
        return fresh

    def _line(self, table: str, key: str, doc: dict[str, Any],
              deriver: Callable[[str, dict[str, Any]], dict[str, Any]] | None) -> bytes:
        line, derived = _make_line(table, key, doc, deriver)
        if table != "people":
            return line
        self._derived.pop(key, None)
        if derived is None:
            self.tally = None
            return line
        self._derived[key] = derived
        if self.tally is not None:
            tally_add(self.tally, derived)
        return line

    @staticmethod
    def verify(chunks: list[bytes], fresh_lines: list[bytes] | None) -> None:
        """Check the bytes about to replace the database parse. Cheap in the usual case: only the
        lines written fresh and the frame; everything when the file was read in another layout."""
        if fresh_lines is None:
            loads(b"".join(chunks))
            return
        for entry in fresh_lines:
            if not all(isinstance(doc, dict) for doc in loads(b"{" + entry + b"}").values()):
                raise ValueError("a document is not an object")
        if not (chunks[0] == b'{\n"' + TABLES[0].encode() + b'": {\n' and chunks[-1] == b"\n}\n}\n"):
            raise ValueError("the frame is not ours")

    def _may_append(self) -> bool:
        """Whether this write may go to the journal: a file read in our layout, large enough, as we read it (no
        line cut short after it), with room in its journal, and no rule-profile change to write everyone for."""
        return (self._own_layout and not self.must_fold and self._end >= storejournal.FROM_BYTES
                and self._journal_count < storejournal.MAX_ENTRIES and self.signature is not None
                and self.signature[1] == self._end and self.disk_signature() == self.signature)

    def _journal_entry(self) -> bytes | None:
        """The journal line for this write, its changes applied to the lines kept in memory; None (nothing
        applied) when it would not fit in the journal."""
        updates: list[tuple[str, str, bytes | None, dict[str, Any] | None]] = []
        parts: dict[str, list[bytes]] = {t: [] for t in TABLES}
        tally = None if self.tally is None else tally_canonical(self.tally)
        size = 0
        for table in TABLES:
            docs, cache = self.data[table], self._lines[table]
            keys = {k for t, k in self._dirty if t == table}
            if table != "people":  # TinyDB inserts without telling the storage: a new key is a change too
                keys |= docs.keys() ^ cache.keys()
            for key in sorted(keys, key=int):
                if key in docs:
                    line, derived = _make_line(table, key, docs[key], self.deriver if table == "people" else None)
                    if table == "people":
                        if derived is None:
                            tally = None
                        elif tally is not None:
                            tally_add(tally, derived)
                else:
                    line, derived = None, None
                updates.append((table, key, line, derived))
                parts[table].append(line if line is not None else b'"' + key.encode() + b'":null')
                size += len(parts[table][-1])
                if self._journal_bytes + size > storejournal.MAX_BYTES:
                    return None
        if tally is not None:
            tally = tally_canonical(tally)
        before = self._tally_before if self._snapped else tally  # no one touched: the counts as they were
        change = tally_delta(before, tally) if before is not None and tally is not None else None
        entry = entry_line(parts, dumps(change))
        if self._journal_bytes + len(entry) > storejournal.MAX_BYTES:
            return None
        for table, key, line, derived in updates:  # applied: what a whole rewrite would now write
            cache = self._lines[table]
            if line is None:
                cache.pop(key, None)
            else:
                cache[key] = line
            if table == "people":
                self._derived.pop(key, None)
                if derived is not None:
                    self._derived[key] = derived
        self.tally = tally if change is not None else None
        self._dirty.clear()
        self._snapped = False
        return entry

    def flush(self) -> None:
        try:
            entry = self._journal_entry() if self._may_append() else None
            if entry is not None:
                self.verify_entry(entry)
            else:
                payload, fresh_lines = self.render()
                self.verify(payload, fresh_lines)
        except (TypeError, ValueError) as exc:  # cannot happen with documents built by the service
            raise StoreError(
                f"无法保存：数据无法写成有效的 JSON（{exc}）。数据未改动。",
                f"Cannot save: the data does not make valid JSON ({exc}). Nothing was changed.",
            ) from exc
        if entry is not None:
            self._append(entry)
            return
        # only the file we read and checked becomes the backup: one changed behind our back
        # (without the lock) might not be a valid database
        keep_backup = self.signature is not None and self.disk_signature() == self.signature

        def committed() -> None:
            self.saves += 1
            self.signature = self.disk_signature()
            self._reset_journal(own_layout=True, end=sum(map(len, payload)))

        try:
            replace_atomically(self.path, payload, keep_backup=keep_backup, committed=committed)
        except OSError as exc:
            raise StoreError(
                f"无法写入数据库文件 {self.shown}：{exc.strerror or exc}。数据未改动；请检查磁盘空间和文件权限后重试。",
                f"Cannot write the database file {self.shown}: {exc.strerror or exc}. Nothing was changed; "
                "check the disk space and file permissions, then try again.",
            ) from exc

    @staticmethod
    def verify_entry(entry: bytes) -> None:
        """Check a journal line reads back as one (ValueError if not: cannot happen with documents the service built)."""
        if read_journal(entry) != ([loads(entry[entry.index(b" ") + 1:])], len(entry)):
            raise ValueError("the change does not read back")

    def _append(self, entry: bytes) -> None:
        """Append one journal line (``storejournal``) and fsync it: the write is then saved."""

        def committed() -> None:
            self.saves += 1
            self.signature = self.disk_signature()
            self._end += len(entry)
            self._journal_count += 1
            self._journal_bytes += len(entry)

        try:
            append_durably(self.path, entry, self._end, committed=committed)
        except OSError as exc:
            raise StoreError(
                f"无法写入数据库文件 {self.shown}：{exc.strerror or exc}。数据未改动；请检查磁盘空间和文件权限后重试。",
                f"Cannot write the database file {self.shown}: {exc.strerror or exc}. Nothing was changed; "
                "check the disk space and file permissions, then try again.",
            ) from exc

    def remove_stale_temp_files(self) -> None:
        remove_stale_temp_files(self.path)


def _make_line(table: str, key: str, doc: dict[str, Any],
               deriver: Callable[[str, dict[str, Any]], dict[str, Any]] | None) -> tuple[bytes, dict[str, Any] | None]:
    """A document's line, and for a person their derived fields on it (None: computed by no ``deriver``)."""
    if table != "people" or deriver is None:
        return plain_line(key, doc), None
    try:
        derived = deriver(key, doc)
    except Exception:  # a rule that cannot judge this record: keep it without a cache, readers derive it
        return plain_line(key, doc), None
    return person_line(key, doc, derived), derived


def _apply_person(people: People, lines: dict[str, bytes], derived: dict[str, memoryview | dict[str, Any]],
                  key: str, doc: dict[str, Any] | None) -> None:
    """A journal entry's person (their document with their derived fields, or None: removed) put in the table read
    so far. The table's own internals: this runs while a kept section is being split (``People.ensure``)."""
    derived.pop(key, None)
    if doc is None:
        people._docs.pop(key, None)
        people._raw.pop(key, None)
        lines.pop(key, None)
        return
    line = b'"' + key.encode() + b'":' + orjson.dumps(doc)  # the bytes written (orjson writes the same again)
    tail = checked_tail(line) if DERIVED_KEY in doc else None
    doc.pop(DERIVED_KEY, None)
    if tail is not None:
        derived[key] = tail
    people._docs[key] = doc
    people._raw.pop(key, None)
    lines[key] = line
