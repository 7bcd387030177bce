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
from typing import Any

import orjson

from .storeshape import TABLES

#: where a person's derived fields start on their line (a JSON string cannot hold these bytes unescaped)
DERIVED_MARK = b',"derived":{"sum":'
DERIVED_KEY = "derived"


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


def verified_derived(line: bytes, doc: dict[str, Any]) -> dict[str, Any] | None:
    """The derived fields of a parsed person line when its checksum adds up (removed from ``doc``)."""
    derived = doc.pop(DERIVED_KEY, None)
    if type(derived) is not dict:
        return None
    at = line.rfind(DERIVED_MARK)
    if at < 0:
        return None
    start = at + len(DERIVED_MARK)
    end = line.find(b",", start)
    digits = line[start:end]
    if end < 0 or not digits.isdigit() or len(digits) > 10:
        return None
    if zlib.crc32(line[end:], zlib.crc32(line[:start])) != int(digits) or derived.pop("sum", None) != int(digits):
        return None
    return derived


class Parsed:
    """A file read in our own layout: the documents, each one's line, and the verified derived fields."""

    def __init__(self) -> None:
        self.data: dict[str, dict[str, Any]] = {}
        self.lines: dict[str, dict[str, bytes]] = {}
        self.derived: dict[str, dict[str, Any]] = {}


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
                people = table == "people"
                for skey, entry in lines.items():
                    doc = parse(memoryview(entry)[len(skey) + 3:])  # after "id": (ASCII digits)
                    if people and type(doc) is dict:
                        derived = verified_derived(entry, doc)
                        if derived is not None:
                            out.derived[skey] = derived
                    docs[skey] = doc
            out.data[table] = docs
            out.lines[table] = lines
            i = close + 1
    except (ValueError, IndexError):  # not JSON, not UTF-8, a missing frame line
        return None
    if i != len(rows) - 2:
        return None
    return out
