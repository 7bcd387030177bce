"""The change journal at the end of the database file (part of the store): a write appends one line.

Rewriting a 12 MB file for one step costs two fsyncs, two renames, the section's CRC and 12 MB written
(≈ 34 ms at 10k people). A small change is instead appended after the file's JSON as one line that checks
itself, and made durable by one fsync::

    {
    "meta": {
    ...
    }
    #<CRC-32 of the rest of the line> {"meta":{<lines>},"people":{<lines>},"history":{<lines>},"tally":<delta>}
    #...

Each table's part holds the changed documents' lines exactly as the table itself would hold them
(``"id":document``, a person's with their derived fields and its own CRC), ``"id":null`` for one removed;
``tally`` is what the write changed in the counts on the meta line (``tracker.tally.delta``; null: the
counts are unknown from here on). A reader applies the lines in order after the JSON. The last line
not ending in a newline, or the last line not adding up, is a write that a crash cut short: it was
never reported as saved, and is ignored (the next write rewrites the file whole without it). A line
that does not add up with good lines after it is damage: the file is refused.

The journal is folded into the file (the file rewritten whole, atomically, as without one) when it holds
``MAX_ENTRIES`` entries or ``MAX_BYTES``, when the rule profiles change, or when a write changes much; a
file smaller than ``FROM_BYTES`` is always rewritten whole (cheap there, and it stays plain JSON).
Other programs see the JSON part only; ``tracker backup``/``export``/``migrate`` read through the store.
"""

from __future__ import annotations

import zlib
from typing import Any

import orjson

from .storeshape import TABLES

#: a file at least this large takes small changes in its journal; a smaller one is rewritten whole
FROM_BYTES = 512 * 1024
#: the journal is folded into the file when it would hold more entries or bytes than these
MAX_ENTRIES = 200
MAX_BYTES = 1024 * 1024


class JournalDamaged(ValueError):
    def __init__(self, number: int) -> None:
        super().__init__(number)
        self.number = number  # the entry's number, counted from 1


def entry_line(parts: dict[str, list[bytes]], tally_delta: bytes) -> bytes:
    """One journal line: the changed lines of each table (``"id":document`` or ``"id":null``) and the counts'
    change (JSON bytes)."""
    payload = b"{" + b",".join(b'"' + t.encode() + b'":{' + b",".join(parts.get(t, ())) + b"}" for t in TABLES) \
        + b',"tally":' + tally_delta + b"}"
    return b"#" + str(zlib.crc32(payload)).encode() + b" " + payload + b"\n"


def _entry(line: bytes) -> dict[str, Any] | None:
    """A journal line's content when it adds up and has the shape of one; else None."""
    space = line.find(b" ")
    digits = line[1:space]
    if line[:1] != b"#" or space < 2 or space > 11 or not digits.isdigit():
        return None
    payload = memoryview(line)[space + 1:]
    if zlib.crc32(payload) != int(digits):
        return None
    try:
        found = orjson.loads(payload)
    except ValueError:
        return None
    if type(found) is not dict or set(found) != {*TABLES, "tally"} \
            or not all(type(found[t]) is dict for t in TABLES):
        return None
    return found


def read_journal(tail: bytes) -> tuple[list[dict[str, Any]], int]:
    """The entries in the bytes after the file's JSON, and how many bytes they take (a cut-short last line
    left out). JournalDamaged when a line that does not add up is followed by another line."""
    entries: list[dict[str, Any]] = []
    pos = 0
    while pos < len(tail):
        nl = tail.find(b"\n", pos)
        if nl < 0:  # cut short: a crash while appending
            break
        found = _entry(tail[pos:nl])
        if found is None:
            if tail[nl + 1:].strip(b"\0 \n"):  # more after it: not the last write cut short
                raise JournalDamaged(len(entries) + 1)
            break
        entries.append(found)
        pos = nl + 1
    return entries, pos
