"""What openpyxl's read-only sheet does not keep, read from the worksheet's XML once more, streamed: the rows
a sheet hides, and the cells holding a formula whose result the file does not keep (a sheet written by a
program rather than saved by Excel), with the text a ``HYPERLINK("…", "张三")`` shows."""

from __future__ import annotations

import re
from typing import Any

_HYPERLINK = re.compile(r'^\s*HYPERLINK\(\s*"(?:[^"]|"")*"\s*[,;]\s*"((?:[^"]|"")*)"\s*\)\s*$', re.IGNORECASE)


def hyperlink_text(formula: str) -> str | None:
    """The text a ``HYPERLINK("…", "张三")`` formula shows, when it is written in the formula itself."""
    m = _HYPERLINK.match(formula.lstrip("="))
    return m.group(1).replace('""', '"') if m else None


def _column_number(ref: str) -> int:
    number = 0
    for ch in ref:
        if not ch.isalpha():
            break
        number = number * 26 + (ord(ch.upper()) - 64)
    return number


def row_marks(ws: Any) -> tuple[frozenset[int], dict[tuple[int, int], str]]:
    """The numbers of the rows a worksheet hides (``<row r="5" hidden="1">``: hidden by hand, by a filter or a
    collapsed group), and the cells holding a formula whose result the file does not keep ((row, column) →
    the formula, both 1-based): a sheet written by a program rather than saved by Excel has no results, and
    openpyxl reads such a cell as empty. openpyxl's read-only sheet keeps neither, so its XML is read once
    more, streamed, keeping nothing but these."""
    from xml.etree.ElementTree import iterparse

    source = getattr(ws, "_get_source", None)
    if source is None:
        return frozenset(), {}
    hidden: set[int] = set()
    formulas: dict[tuple[int, int], str] = {}
    number = column = 0
    with source() as xml:
        for _, el in iterparse(xml, events=("end",)):
            tag = el.tag.rpartition("}")[2]
            if tag == "c":
                ref = el.get("r") or ""
                column = _column_number(ref) or column + 1
                if len(el):  # a cell's children: <f> its formula, <v> its value, <is> inline text
                    kinds = {child.tag.rpartition("}")[2]: child for child in el}
                    if "f" in kinds and not (kinds.get("v") is not None and (kinds["v"].text or "")):
                        formulas[(number + 1, column)] = kinds["f"].text or ""
                el.clear()  # a cell read: dropped (a big sheet's XML is never held whole)
                continue
            if tag != "row":
                continue
            r = el.get("r")
            number = int(float(r)) if r and r.replace(".", "", 1).isdigit() else number + 1
            column = 0
            if el.get("hidden") in ("1", "true"):
                hidden.add(number)
            el.clear()
    return frozenset(hidden), formulas
