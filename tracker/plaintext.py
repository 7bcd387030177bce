"""Tables as plain aligned text, for output that is not a terminal (a pipe, a file, a script).

Rich lays out a table cell by cell, which takes about a second for 1,500 rows; this writes the same
columns padded to their display width (a Chinese character takes two columns) in time that grows
with the rows only. No colours, no borders, no folding: every cell on one line, as ``grep`` and
``cut`` want it. Stored text is shown through ``printable`` (control characters as escapes).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from functools import lru_cache

from .textsafe import printable

GAP = "  "


@lru_cache(maxsize=4096)
def _char_width(ch: str) -> int:
    if unicodedata.combining(ch):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def width(text: str) -> int:
    """The columns ``text`` takes in a terminal or a monospaced font."""
    if text.isascii():
        return len(text)
    return sum(map(_char_width, text))  # map: no generator frame per character (13k rows × 6 cells in a due list)


def table_text(title: str, columns: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """``title``, a header line and one line per row, each column padded to its widest cell."""
    cells = [[printable(c) for c in row] for row in rows]
    head = [printable(c) for c in columns]
    widths = [width(c) for c in head]
    for row in cells:
        for i, c in enumerate(row):
            w = width(c)
            if w > widths[i]:
                widths[i] = w
    last = len(widths) - 1

    def line(row: Sequence[str]) -> str:
        out = [c if i == last else c + " " * (widths[i] - width(c)) for i, c in enumerate(row)]
        return GAP.join(out).rstrip()

    return "\n".join([printable(title), line(head), *(line(r) for r in cells)]) + "\n"
