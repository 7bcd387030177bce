"""How the command line prints: Rich tables in a terminal, plain aligned text in a pipe or file, JSON, and
stored text always shown literally (never as markup, control characters as escapes). Split from
``tracker.cli``; Rich is imported only by what prints with it."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import Any

from .i18n import pick
from .textsafe import printable


def _console() -> Any:
    from rich.console import Console

    width = None if sys.stdout.isatty() else int(os.environ.get("COLUMNS", "120"))
    return Console(width=width, highlight=False, soft_wrap=False)


def _print_marked(con: Any, mark: Any, message: str) -> None:
    """``✗ message`` wrapped by character with the lines after the first indented under the message (Rich
    breaks at spaces only: a Chinese message would leave the mark alone on its line)."""
    from rich.text import Text

    from .cjkwrap import wrap_text

    body = wrap_text(Text(message), max(10, con.width - 2))
    for n, line in enumerate(body.split("\n", allow_blank=True)):
        con.print((mark.copy() if n == 0 else Text(" " * len(mark.plain))).append(" ").append_text(line))


def _plain() -> bool:
    """Output for a pipe or a file: plain aligned text (``tracker.plaintext``); Rich only for a terminal."""
    return not sys.stdout.isatty()


def _print_table(title: str, columns: Sequence[str], rows: list[list[Any]], *, more: int = 0, lang: str = "zh") -> None:
    """A table: Rich in a terminal (cells may be styled ``Text``), plain aligned text otherwise; ``more``: the
    rows left out by --limit, said on a last line."""
    if _plain():
        from .plaintext import table_text

        sys.stdout.write(table_text(title, columns, [[str(c) for c in row] for row in rows]))
    else:
        t = _table(title, columns)
        for row in rows:
            _add_row(t, *row)
        _console().print(t)
    if more:
        print(pick(f"……另有 {more} 项未显示（--limit）。", f"… {more} more not shown (--limit).", lang))


def _print_json(data: Any) -> None:
    import json

    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def _say(text: str, *, file: Any = None) -> None:
    """A line with stored text in it: control characters shown as escapes (never sent to the terminal)."""

    print(printable(text), file=file)


def _text(value: Any, style: str = "") -> Any:
    """Stored text as a Rich ``Text``: shown literally, never read as markup (``[/]`` is a name, not a tag)."""

    from rich.text import Text

    return value if isinstance(value, Text) else Text(printable(str(value)), style=style)


def _add_row(table: Any, *cells: Any) -> None:
    table.add_row(*(_text(c) for c in cells))


def _table(title: str, columns: Sequence[str]) -> Any:
    from rich.cells import cell_len
    from rich.table import Table

    t = Table(title=title, title_justify="left", show_lines=False, pad_edge=False, min_width=cell_len(title) + 2)
    for c in columns:
        t.add_column(c, overflow="fold")
    return t
