"""The database file as TinyDB's storage: our layout read and written line by line, atomically.

Split from ``tracker.store`` (which holds the transactions, history and the Store TinyDB sits behind): this
module knows the bytes — reading the file in our layout (``storelayout``), keeping each document's line, the
derived fields and their counts (``tally``) current on every write, and replacing the file atomically
(``storefile``).
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
from collections.abc import Callable, Iterator, MutableMapping
from pathlib import Path
from typing import Any

from tinydb.storages import Storage

from .storefile import (
    StoreError,
    backup_path,
    check_writable,
    read_regular_file,
    remove_stale_temp_files,
    replace_atomically,
)
from .storelayout import (
    DERIVED_KEY,
    PEOPLE_SUM_KEY,
    PEOPLE_TALLY_KEY,
    People,
    loads,
    parse_own_layout,
    people_sum,
    person_line,
    plain_line,
    tail_json,
)
from .storeshape import TABLES, ShapeError, check_shape
from .tally import Tally, tally_of
from .tally import add as tally_add
from .tally import canonical as tally_canonical
from .tally import empty as tally_empty


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
        #: each person's derived fields (``Derived.to_json()``) as read from a line that adds up, or as written
        self.derived: dict[str, memoryview | dict[str, Any]] = {}
        #: the people key and document → their derived fields, when the store knows the rule book
        self.deriver: Callable[[str, dict[str, Any]], dict[str, Any]] | None = None
        #: everyone's derived fields counted (``tracker.tally``), kept current by every write; None: unknown
        self.tally: Tally | None = tally_empty()
        self.signature: tuple[int, int, int] | None = None
        self.writable = False
        #: completed writes (renames) by this instance; the CLI says "saved" after Ctrl-C by it
        self.saves = 0

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
            if self.tally is not None and ("people", key) not in self._dirty:  # take out what they counted
                old = self.derived.get(key)
                if old is not None:
                    tally_add(self.tally, tail_json(old), -1)
                elif key in self._lines["people"]:  # on file without derived fields: not counted, unknown
                    self.tally = None
            self.derived.pop(key, None)
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
            self.derived = {}
            self.tally = tally_empty()
            self.signature = None
            return
        raw, st = got
        if not raw or raw.isspace():  # (not raw.strip(): that copies the whole file)
            raise _damaged(self.shown, "文件为空", "the file is empty")
        with bulk_loading():
            own = parse_own_layout(raw)
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
                # a line that adds up was written by this store, from documents it built: not checked again
                data: dict[str, MutableMapping[str, Any]] = check_shape(own.data if own is not None else whole,
                                   trusted=own.derived.keys() if own is not None else ())
            except ShapeError as exc:
                raise _damaged(self.shown, exc.zh, exc.en) from None
        if not isinstance(data["people"], People):
            people = People()
            people.update(data["people"])
            data["people"] = people
        self.data = data
        self._lines = own.lines if own is not None else {t: {} for t in TABLES}
        self.derived = own.derived if own is not None else {}
        self.tally = own.tally if own is not None else None
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
                kept: dict[str, Any] = {PEOPLE_SUM_KEY: people_sum(bodies["people"], self.tally)}
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
        if table != "people":
            return plain_line(key, doc)
        self.derived.pop(key, None)
        if deriver is None:
            self.tally = None
            return plain_line(key, doc)
        try:
            derived = deriver(key, doc)
        except Exception:  # a rule that cannot judge this record: keep it without a cache, readers derive it
            self.tally = None
            return plain_line(key, doc)
        line = person_line(key, doc, derived)
        self.derived[key] = derived
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
