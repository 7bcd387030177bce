"""The byte layout of the database file (part of the store): one document a line, and the derived
fields kept at the end of each person's line with a checksum.

The file (``render`` in ``tracker.store`` writes it, ``parse_own_layout`` reads it back)::

    {
    "meta": {
    "1":{"schema":1,...,"derived":"<rule book fingerprint>"}},
    "people": {
    "1":{"name":"张三",...,"events":[...],"derived":{"sum":123,"stage":"activist",...}},
    "2":{...}},
    "history": {
    ...}
    }

A table with no documents has an empty line. A person's ``derived`` object (``tracker.derived``) comes
last, and its ``sum`` is the CRC-32 of the whole line without the digits of the sum itself: a line that
another program (an older version keeps unknown fields as they were) or a hand edit changed no longer
adds up, and its derived fields are computed again from the events. A line that adds up was written by
this store, which writes only documents it built: its shape need not be checked again on reading.
"""

from __future__ import annotations

import json
import threading
import zlib
from collections.abc import Callable, Iterator, MutableMapping
from typing import Any

import orjson

from .tally import valid as valid_tally

#: where a person's derived fields start on their line (a JSON string cannot hold these bytes unescaped)
DERIVED_MARK = b',"derived":{"sum":'
DERIVED_KEY = "derived"
_TAIL_AT = len(b',"derived":')
#: kept on the meta record's line only (never in the meta document): the CRC-32 of the people section as
#: written, so that a file whose section adds up as a whole needs no line checked on its own
PEOPLE_SUM_KEY = "people_sum"
#: beside it, everyone's derived fields counted (``tracker.tally``), valid only with a section that adds up
PEOPLE_TALLY_KEY = "people_tally"
#: and the CRC-32 of the history section as written: a history that adds up is not shape-checked again on opening
HISTORY_SUM_KEY = "history_sum"
PEOPLE_START = b'\n"people": {\n'
PEOPLE_END = b'\n},\n"history": {\n'


def dumps(doc: Any) -> bytes:
    """Compact UTF-8 JSON (the same bytes as ``json.dumps(..., ensure_ascii=False, separators=(",", ":"))``).

    orjson writes a NaN or an infinity as ``null``: a ``null`` in the output is checked again with the
    standard module, which refuses them (ValueError), so that no number that is not JSON is written."""
    out = orjson.dumps(doc)
    if b"null" in out:
        json.dumps(doc, allow_nan=False)
    return out


def loads(raw: bytes | str) -> Any:
    return orjson.loads(raw)


def plain_line(key: str, doc: dict[str, Any]) -> bytes:
    return b'"' + key.encode() + b'":' + dumps(doc)


def person_line(key: str, doc: dict[str, Any], derived: dict[str, Any]) -> bytes:
    """A person's line with their derived fields (a JSON object without ``sum``) and the checksum."""
    body = dumps(doc)
    extra = dumps(derived)
    if not (body.endswith(b"}") and len(body) > 2 and extra.startswith(b"{") and len(extra) > 2):
        raise ValueError("a person or derived record is empty")
    head = b'"' + key.encode() + b'":' + body[:-1] + DERIVED_MARK
    tail = b"," + extra[1:] + b"}"
    total = zlib.crc32(tail, zlib.crc32(head))
    return head + str(total).encode() + tail


def checked_tail(line: bytes) -> memoryview | None:
    """The derived fields at the end of a person's line (unparsed: ``tail_json`` reads them) when the line
    adds up (CRC-32), else None."""
    at = line.rfind(DERIVED_MARK)
    if at < 0:
        return None
    start = at + len(DERIVED_MARK)
    end = line.find(b",", start)
    if end < 0 or end - start > 10:
        return None
    digits = line[start:end]
    if not digits.isdigit():
        return None
    view = memoryview(line)
    if zlib.crc32(view[end:], zlib.crc32(view[:start])) != int(digits):
        return None
    return view[at + _TAIL_AT:len(line) - 1]


def trusted_tail(line: bytes) -> memoryview | None:
    """``checked_tail`` for a line of a people section that adds up as a whole (its CRC is not checked again)."""
    at = line.rfind(DERIVED_MARK)
    if at < 0:
        return None
    return memoryview(line)[at + _TAIL_AT:len(line) - 1]


def people_sum(section: bytes | memoryview, tally: Any) -> int:
    """The CRC-32 kept on the meta line: of the people section, and of the counts kept beside it (if any)."""
    crc = zlib.crc32(section)
    return crc if tally is None else zlib.crc32(dumps(tally), crc)


def tails_json(tails: list[memoryview | dict[str, Any]]) -> list[dict[str, Any]]:
    """``tail_json`` of many at once: the unparsed ones in one ``orjson.loads`` (10k calls cost more)."""
    raw = [t for t in tails if not isinstance(t, dict)]
    parsed: list[Any] = orjson.loads(b"[" + b",".join(raw) + b"]") if raw else []
    if len(parsed) != len(raw):
        raise ValueError("derived fields that are not one value each")
    out: list[dict[str, Any]] = []
    it = iter(parsed)
    for t in tails:
        if isinstance(t, dict):
            out.append(t)
            continue
        found = next(it)
        if type(found) is not dict:
            raise ValueError("derived fields that are not an object")
        found.pop("sum", None)
        out.append(found)
    return out


def tail_json(tail: memoryview | dict[str, Any]) -> dict[str, Any]:
    """The derived fields kept with a person: parsed from their line, or as computed in this process."""
    if isinstance(tail, dict):
        return tail
    found = orjson.loads(tail)
    if type(found) is not dict:
        raise ValueError("derived fields that are not an object")
    found.pop("sum", None)
    return found


class People(MutableMapping[str, dict[str, Any]]):
    """The people table: documents by id, each parsed from its line only when first asked for.

    A line that adds up (see the module's doc) is kept unparsed: what a list or a count needs is in its
    derived fields. Iterating the keys parses nothing; ``items()`` and ``values()`` parse everyone.

    A file whose people section adds up as a whole is not even split into lines when it is opened
    (``Parsed.section``): the table is then filled on first use (``fill_with``), so that an open for
    ``status`` (the counts on the meta line) touches no person; its length is known from the counts.
    """

    def __init__(self) -> None:
        self._docs: dict[str, dict[str, Any] | None] = {}  # None: not parsed yet (its line is in _raw)
        self._raw: dict[str, bytes] = {}
        self._fill: Callable[[], None] | None = None
        self._known_len = 0
        self._fill_lock = threading.Lock()

    def fill_with(self, fill: Callable[[], None], known_len: int) -> None:
        """Fill the table by calling ``fill`` when first used (``len`` answers ``known_len`` until then)."""
        self._fill = fill
        self._known_len = known_len

    @property
    def filled(self) -> bool:
        return self._fill is None

    def ensure(self) -> None:
        if self._fill is None:
            return
        with self._fill_lock:  # the app's index builder may ask from another thread
            fill = self._fill
            if fill is not None:
                fill()  # raises on a damaged section: then every later use raises too
                self._fill = None

    def put_line(self, key: str, line: bytes) -> None:
        self._docs[key] = None
        self._raw[key] = line

    def __getitem__(self, key: str) -> dict[str, Any]:
        if self._fill is not None:
            self.ensure()
        doc = self._docs[key]
        if doc is None:
            line = self._raw.get(key)
            if line is None:  # another thread (the app's index builder) parsed it meanwhile
                return self[key]
            doc = orjson.loads(memoryview(line)[len(key) + 3:])
            if type(doc) is not dict:
                raise ValueError(f"person {key} is not an object")
            doc.pop(DERIVED_KEY, None)
            self._docs[key] = doc  # before the line goes, so that a reader on another thread finds one of them
            self._raw.pop(key, None)
        return doc

    def __setitem__(self, key: str, doc: dict[str, Any]) -> None:
        if self._fill is not None:
            self.ensure()
        self._raw.pop(key, None)
        self._docs[key] = doc

    def __delitem__(self, key: str) -> None:
        if self._fill is not None:
            self.ensure()
        self._raw.pop(key, None)
        del self._docs[key]

    def __contains__(self, key: object) -> bool:
        if self._fill is not None:
            self.ensure()
        return key in self._docs

    def __iter__(self) -> Iterator[str]:
        if self._fill is not None:
            self.ensure()
        return iter(self._docs)

    def __len__(self) -> int:
        if self._fill is not None:
            return self._known_len
        return len(self._docs)


class Parsed:
    """A file read in our own layout: the documents, each one's line, and the verified derived fields."""

    def __init__(self) -> None:
        self.data: dict[str, MutableMapping[str, Any]] = {}
        self.lines: dict[str, dict[str, bytes]] = {}
        self.derived: dict[str, memoryview | dict[str, Any]] = {}
        #: the people section added up as a whole (its lines were trusted without a CRC each)
        self.section_ok = False
        #: everyone's derived fields counted, when the meta line has them and the section adds up
        self.tally: dict[str, Any] | None = None
        #: the history section adds up (written by this store as it is): its entries need no checking again
        self.history_ok = False
        #: the history entries not to check again (those of a section that adds up, and the change journal's)
        self.trusted_history: set[str] = set()
        #: the people section kept unsplit (it adds up and everyone is counted): ``index_section`` splits it
        self.section: memoryview | None = None
        #: the change journal's people (document with derived fields, or None: removed), applied after splitting it
        self.pending: list[tuple[str, dict[str, Any] | None]] = []


_HEAD = b'{\n"meta": {\n'
_TAIL = b"\n}\n}\n"
#: the end of the file's JSON: change-journal lines (``tracker.storejournal``) may follow it
BODY_END = b"\n}\n}\n"


def _table_lines(body: bytes | memoryview) -> dict[str, bytes] | None:
    """A table's ``"id":document`` lines by id (the separating commas taken off); None when not in our layout."""
    if not body:
        return {}
    rows = bytes(body).split(b"\n")
    lines: dict[str, bytes] = {}
    last = len(rows) - 1
    for j, row in enumerate(rows):
        head = row.find(b'":', 1)
        key = row[1:head]
        if (row[:1] != b'"' or head < 0 or not key.isdigit() or key[:1] == b"0"
                or (j < last and not row.endswith(b","))):
            return None
        skey = key.decode()
        if skey in lines:
            return None
        lines[skey] = row[:-1] if j < last else row
    return lines


def index_section(section: memoryview, people: People) -> tuple[dict[str, bytes], dict[str, memoryview | dict[str, Any]]]:
    """Split a people section that adds up as a whole into ``people`` (each line kept unparsed); its lines and
    derived fields. ValueError when it is not in our layout (cannot happen to a section that adds up)."""
    lines = _table_lines(section)
    if lines is None:
        raise ValueError("the people section is not one document a line")
    derived: dict[str, memoryview | dict[str, Any]] = {}
    docs, raw = people._docs, people._raw
    for skey, entry in lines.items():
        tail = trusted_tail(entry)
        if tail is None:  # every line of a counted section has its fields: cannot happen
            raise ValueError(f"person {skey} has no derived fields")
        derived[skey] = tail
        docs[skey] = None
        raw[skey] = entry
    return lines, derived


def parse_own_layout(raw: bytes, *, lazy: bool = False, end: int | None = None) -> Parsed | None:
    """Read a file in our own layout, each document from its own line.

    Returns None when the file is laid out any other way (then it is parsed whole and written whole
    the next time), or when a line is not one JSON value (orjson refuses what is not JSON, e.g. NaN).
    ``lazy``: a people section that adds up as a whole, everyone counted, is kept unsplit (``Parsed.section``).
    ``end``: where the JSON ends (the change journal follows it, ``tracker.storejournal``).
    """
    view = memoryview(raw)[:len(raw) if end is None else end]
    if not (view[:len(_HEAD)] == _HEAD and view[len(view) - len(_TAIL):] == _TAIL):
        return None
    sec_start = raw.find(PEOPLE_START, 0, len(view))
    if sec_start < 0:
        return None
    sec_end = raw.rfind(PEOPLE_END, sec_start + len(PEOPLE_START), len(view))  # from the end: history is short
    if sec_end < 0 or raw[sec_start - 3:sec_start] != b"\n},":
        return None
    out = Parsed()
    parse = orjson.loads
    try:
        meta_lines = _table_lines(view[len(_HEAD):sec_start - 3])
        hist_body = view[sec_end + len(PEOPLE_END):len(view) - len(_TAIL)]
        hist_lines = _table_lines(hist_body)
        if meta_lines is None or hist_lines is None:
            return None
        meta = {k: parse(memoryview(e)[len(k) + 3:]) for k, e in meta_lines.items()}
        section_sum: Any = None
        tally: Any = None
        if type(meta.get("1")) is dict:
            section_sum = meta["1"].pop(PEOPLE_SUM_KEY, None)
            tally = meta["1"].pop(PEOPLE_TALLY_KEY, None)
            history_sum = meta["1"].pop(HISTORY_SUM_KEY, None)
            out.history_ok = type(history_sum) is int and zlib.crc32(hist_body) == history_sum
        history = {k: parse(memoryview(e)[len(k) + 3:]) for k, e in hist_lines.items()}
        if out.history_ok:
            out.trusted_history = set(history)
        section = view[sec_start + len(PEOPLE_START):sec_end]  # empty: no one (the table's one empty line)
        out.section_ok = type(section_sum) is int and people_sum(section, tally) == section_sum
        people = People()
        if lazy and out.section_ok and len(section) and valid_tally(tally):
            out.section = section
            out.tally = tally
            out.data = {"meta": meta, "people": people, "history": history}
            out.lines = {"meta": meta_lines, "people": {}, "history": hist_lines}
            return out
        lines = _table_lines(section)
        if lines is None:
            return None
        tail_of = trusted_tail if out.section_ok else checked_tail
        for skey, entry in lines.items():
            tail = tail_of(entry)
            if tail is not None:  # written by this store and unchanged: parsed when asked for
                out.derived[skey] = tail
                people.put_line(skey, entry)
                continue
            doc = parse(memoryview(entry)[len(skey) + 3:])  # after "id": (ASCII digits)
            if type(doc) is dict:
                doc.pop(DERIVED_KEY, None)
            people[skey] = doc
    except (ValueError, IndexError):  # not JSON, not UTF-8, a missing frame line
        return None
    out.data = {"meta": meta, "people": people, "history": history}
    out.lines = {"meta": meta_lines, "people": lines, "history": hist_lines}
    if out.section_ok and len(out.derived) == len(people) and valid_tally(tally):
        out.tally = tally
    return out
