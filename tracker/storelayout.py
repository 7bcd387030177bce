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
import zlib
from collections.abc import Iterator, MutableMapping
from typing import Any

import orjson

from .storeshape import TABLES
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


def people_section(raw: bytes) -> memoryview | None:
    """The people section's bytes (the lines between its frame lines), as ``render`` joined them."""
    start = raw.find(PEOPLE_START)
    if start < 0:
        return None
    start += len(PEOPLE_START)
    end = raw.find(PEOPLE_END, start)
    if end < 0:
        return None
    return memoryview(raw)[start:end]


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
    """

    def __init__(self) -> None:
        self._docs: dict[str, dict[str, Any] | None] = {}  # None: not parsed yet (its line is in _raw)
        self._raw: dict[str, bytes] = {}

    def put_line(self, key: str, line: bytes) -> None:
        self._docs[key] = None
        self._raw[key] = line

    def __getitem__(self, key: str) -> dict[str, Any]:
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
        self._raw.pop(key, None)
        self._docs[key] = doc

    def __delitem__(self, key: str) -> None:
        self._raw.pop(key, None)
        del self._docs[key]

    def __contains__(self, key: object) -> bool:
        return key in self._docs

    def __iter__(self) -> Iterator[str]:
        return iter(self._docs)

    def __len__(self) -> int:
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


def parse_own_layout(raw: bytes) -> Parsed | None:
    """Read a file in our own layout, each document from its own line.

    Returns None when the file is laid out any other way (then it is parsed whole and written whole
    the next time), or when a line is not one JSON value (orjson refuses what is not JSON, e.g. NaN).
    """
    rows = raw.split(b"\n")
    if len(rows) < 3 + 2 * len(TABLES) or rows[0] != b"{" or rows[-1] != b"" or rows[-2] != b"}":
        return None
    out = Parsed()
    parse = orjson.loads
    people = People()
    i = 1
    section_sum: Any = None
    tally: Any = None
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
                    if (row[:1] != b'"' or head < 0 or not key.isdigit() or key[:1] == b"0"
                            or (j < last and not row.endswith(b","))):
                        return None
                    skey = key.decode()
                    if skey in lines:
                        return None
                    lines[skey] = row[:-1] if j < last else row
                if table == "people":
                    section = people_section(raw) if type(section_sum) is int else None
                    out.section_ok = section is not None and people_sum(section, tally) == section_sum
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
                else:
                    for skey, entry in lines.items():
                        docs[skey] = parse(memoryview(entry)[len(skey) + 3:])
                    if table == "meta" and type(docs.get("1")) is dict:
                        section_sum = docs["1"].pop(PEOPLE_SUM_KEY, None)
                        tally = docs["1"].pop(PEOPLE_TALLY_KEY, None)
            out.data[table] = people if table == "people" else docs
            out.lines[table] = lines
            i = close + 1
    except (ValueError, IndexError):  # not JSON, not UTF-8, a missing frame line
        return None
    if i != len(rows) - 2:
        return None
    if out.section_ok and len(out.derived) == len(people) and valid_tally(tally):
        out.tally = tally
    return out
