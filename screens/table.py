"""A list of rows drawn line by line: what People, Deadlines and the planner show, at 10k people.

Textual's DataTable measures every new cell with Rich (``measure``) and, on any change, drops its render caches
and renders each visible cell again through ``console.render_lines(Padding(...))``: a filter letter at 10k
people spent most of its time there. ``ListTable`` keeps the rows as given (Text or str cells), takes each
column's width from ``cell_len`` of its cells as they are added, and draws only the lines on screen, each from
its cells' segments (a line is kept until its row, the cursor or the styles change): moving the cursor redraws
two lines, a new result swaps the rows and redraws the screenful.

It speaks a subset of DataTable's API (``add_column``, ``add_row``, ``clear``, ``columns``, ``rows``,
``row_count``, ``cursor_row``, ``cursor_coordinate``, ``move_cursor``, ``coordinate_to_cell_key``,
``get_row_at``, ``get_cell``, ``get_row_index``, ``update_cell``) and posts DataTable's own messages
(``RowHighlighted``, ``RowSelected``, ``HeaderSelected``), so a screen handles it as it handled a DataTable.
Rows for which ``selectable(key)`` is false (a group's heading, a "… more" line) are never where the cursor
stops; the cursor stays on its row (by key) when the rows are filled again.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, ClassVar

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.coordinate import Coordinate
from textual.geometry import Region, Size
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widgets import DataTable
from textual.widgets.data_table import CellKey, ColumnKey, RowKey

Cell = Text | str | object


@dataclass
class Column:
    """A column: its key, heading and the widest of its cells (heading included), in cells."""

    key: ColumnKey
    label: Text
    content_width: int = 0

    def __post_init__(self) -> None:
        self.content_width = max(self.content_width, self.label.cell_len)

    def get_render_width(self, table: ListTable) -> int:
        """Cells on screen, padding included (DataTable's name)."""
        return self.content_width + 2 * table.cell_padding


@dataclass
class Row:
    key: RowKey
    cells: list[Cell]
    height: int = 1
    lines: list[list[Text]] | None = field(default=None, repr=False)  # per line, per column: made when drawn


def as_text(cell: Cell) -> Text:
    """A cell as Text: a str is shown literally (never read as markup)."""
    if isinstance(cell, Text):
        return cell
    return Text("" if cell is None else str(cell))


def _widest_line(cell: Cell) -> int:
    text = cell.plain if isinstance(cell, Text) else ("" if cell is None else str(cell))
    if "\n" in text:
        return max(cell_len(line) for line in text.split("\n"))
    return cell_len(text)


def always(_key: str | None) -> bool:
    return True


class ListTable(ScrollView, can_focus=True):
    """Rows under a fixed heading line, a row cursor, sorting by a header click (``HeaderSelected``)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select_cursor", show=False),
        Binding("up", "cursor_up", show=False),
        Binding("down", "cursor_down", show=False),
        Binding("pageup", "page_up", show=False),
        Binding("pagedown", "page_down", show=False),
        Binding("ctrl+home", "scroll_top", show=False),
        Binding("ctrl+end", "scroll_bottom", show=False),
        Binding("home", "scroll_top", show=False),
        Binding("end", "scroll_bottom", show=False),
        Binding("left", "scroll_left", show=False),
        Binding("right", "scroll_right", show=False),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "list-table--header", "list-table--cursor", "list-table--even-row", "list-table--odd-row",
    }

    # DataTable's look (textual/widgets/_data_table.py), so the lists look as they did
    DEFAULT_CSS = """
    ListTable {
        background: $surface;
        color: $foreground;
        height: auto;
        max-height: 100%;
        &:focus {
            background-tint: $foreground 5%;
            & > .list-table--cursor {
                background: $block-cursor-background;
                color: $block-cursor-foreground;
                text-style: $block-cursor-text-style;
            }
            & > .list-table--header {
                background-tint: $foreground 5%;
            }
        }
        &:dark > .list-table--even-row {
            background: $surface-darken-1 40%;
        }
        & > .list-table--header {
            text-style: bold;
            background: $panel;
            color: $foreground;
        }
        &:ansi > .list-table--header {
            background: ansi_bright_blue;
            color: ansi_default;
        }
        & > .list-table--even-row {
            background: $surface-lighten-1 50%;
        }
        & > .list-table--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
    }
    """

    cell_padding = 1

    def __init__(self, *, cursor_type: str = "row", zebra_stripes: bool = False,
                 selectable: Callable[[str | None], bool] = always, name: str | None = None, id: str | None = None,
                 classes: str | None = None, disabled: bool = False) -> None:
        super().__init__(name=name, id=id, classes=classes, disabled=disabled)
        self.cursor_type = cursor_type  # rows only; kept for code written for DataTable
        self.zebra_stripes = zebra_stripes
        self.selectable = selectable
        self.columns: dict[ColumnKey, Column] = {}
        self.rows: dict[RowKey, Row] = {}
        self._order: list[Row] = []
        self._index: dict[RowKey, int] = {}
        self._tops: list[int] = []  # the first content line of each row (rows may be taller than one line)
        self._lines = 0  # content lines (the heading not counted)
        self._cursor = 0
        self._keep: RowKey | None = None  # the cursor's row before ``clear``, looked for among the new rows
        self._pending = True  # new rows: where the cursor is is decided when next asked (``cursor_row``)
        self._cache: dict[tuple[int, int, bool], Strip] = {}
        self._header: Strip | None = None
        self._styles: tuple[Style, Style, Style, Style, Style] | None = None
        self._size_due = False
        self._metas: list[Style] = []
        self._scroll_due = False

    # ---- columns and rows (DataTable's names)
    def add_column(self, label: str | Text, *, key: str | None = None) -> ColumnKey:
        column_key = ColumnKey(key if key is not None else str(len(self.columns)))
        self.columns[column_key] = Column(column_key, label if isinstance(label, Text) else Text(label))
        self._changed(layout=True)
        return column_key

    def set_label(self, key: str, label: Text) -> None:
        """A column's heading (the sort marker)."""
        column = self.columns[ColumnKey(key)]
        column.label = label
        column.content_width = max(column.content_width, label.cell_len)
        self._changed(layout=True)

    def add_row(self, *cells: Cell, key: str | None = None, height: int | None = 1) -> RowKey:
        row_key = RowKey(key if key is not None else str(len(self._order)))
        self._add(row_key, list(cells), height or 1)
        self._changed(layout=True)
        return row_key

    def add_rows(self, rows: Iterable[tuple[str, list[Cell], int]]) -> None:
        """Many rows at once: (key, cells, height) each; laid out once."""
        for key, cells, height in rows:
            self._add(RowKey(key), cells, height)
        self._changed(layout=True)

    def _add(self, row_key: RowKey, cells: list[Cell], height: int) -> None:
        if row_key in self._index:
            raise ValueError(f"row key {row_key.value!r} already in the table")
        row = Row(row_key, cells, height)
        for column, cell in zip(self.columns.values(), cells, strict=False):
            width = _widest_line(cell)
            if width > column.content_width:
                column.content_width = width
        self._index[row_key] = len(self._order)
        self._order.append(row)
        self.rows[row_key] = row
        self._tops.append(self._lines)
        self._lines += height

    def clear(self, columns: bool = False) -> ListTable:
        """No rows (and no columns with ``columns``). The cursor's row is remembered: added again, the cursor
        is on it; otherwise on the first row that can have it."""
        if not self._pending and self._order and self._cursor < len(self._order):
            self._keep = self._order[self._cursor].key
        self._pending = True
        self.rows.clear()
        self._order.clear()
        self._index.clear()
        self._tops.clear()
        self._lines = 0
        self._cursor = 0
        if columns:
            self.columns.clear()
        else:
            for column in self.columns.values():
                column.content_width = column.label.cell_len
        self._changed(layout=True)
        return self

    @property
    def cursor_row(self) -> int:
        """The cursor's row. After ``clear`` and new rows: the row it was on (by key) when it is there again,
        else the first row that can have it (the list then shown from its top)."""
        if self._pending and self._order:
            self._pending = False
            found = self._index.get(self._keep) if self._keep is not None else None
            self._keep = None
            if found is not None:
                self._cursor = found
                self.call_after_refresh(self._scroll_to_cursor)
            else:
                self._cursor = self._first_selectable(0, 1)
                self.scroll_to(y=0, animate=False, immediate=True)
        return self._cursor

    @property
    def row_count(self) -> int:
        return len(self._order)

    @property
    def cursor_coordinate(self) -> Coordinate:
        return Coordinate(self.cursor_row, 0)

    def coordinate_to_cell_key(self, coordinate: Coordinate) -> CellKey:
        row = self._order[coordinate.row]
        column = list(self.columns)[coordinate.column] if self.columns else ColumnKey("")
        return CellKey(row.key, column)

    def cursor_key(self) -> str | None:
        """The key of the row under the cursor (None: no rows)."""
        return self._order[self.cursor_row].key.value if 0 <= self.cursor_row < len(self._order) else None

    def get_row_at(self, index: int) -> list[Cell]:
        return list(self._order[index].cells)

    def get_row_index(self, row_key: RowKey | str) -> int:
        return self._index[RowKey(row_key) if isinstance(row_key, str) else row_key]

    def get_cell(self, row_key: RowKey | str, column_key: ColumnKey | str) -> Cell:
        row = self._order[self.get_row_index(row_key)]
        column = list(self.columns).index(ColumnKey(column_key) if isinstance(column_key, str) else column_key)
        return row.cells[column]

    def update_cell(self, row_key: RowKey | str, column_key: ColumnKey | str, value: Cell) -> None:
        index = self.get_row_index(row_key)
        row = self._order[index]
        ckey = ColumnKey(column_key) if isinstance(column_key, str) else column_key
        position = list(self.columns).index(ckey)
        row.cells[position] = value
        row.lines = None
        column = self.columns[ckey]
        width = _widest_line(value)
        if width > column.content_width:
            column.content_width = width
            self._changed(layout=True)
        else:
            self._forget_row(index)

    # ---- the cursor
    def _first_selectable(self, start: int, step: int) -> int:
        """The first row from ``start`` on (``step`` ±1) the cursor may stop on; ``start`` when there is none."""
        i = start
        while 0 <= i < len(self._order):
            if self.selectable(self._order[i].key.value):
                return i
            i += step
        return max(0, min(start, len(self._order) - 1))

    def move_cursor(self, *, row: int | None = None, column: int | None = None, animate: bool = False,
                    scroll: bool = True) -> None:
        if row is None or not self._order:
            return
        self._set_cursor(max(0, min(row, len(self._order) - 1)), scroll=scroll)

    def _set_cursor(self, row: int, *, scroll: bool = True) -> None:
        old = self.cursor_row
        self._cursor = row
        if old != row:
            self._forget_row(old)
            self._forget_row(row)
        if scroll:
            self._scroll_to_cursor()
        if self._order:
            self.post_message(DataTable.RowHighlighted(self._as_table(), row, self._order[row].key))

    def _as_table(self) -> Any:
        return self  # DataTable's messages name their table; this list stands in for one

    def _move(self, step: int) -> None:
        if not self._order:
            return
        target = self._first_selectable(self.cursor_row + step, step)
        if not self.selectable(self._order[target].key.value):
            return  # no row that can have the cursor that way
        self._set_cursor(target)
        if step < 0 and target > 0 and not self.selectable(self._order[target - 1].key.value):
            self._scroll_into_view(target - 1)  # the group's heading above stays in view

    def action_cursor_up(self) -> None:
        self._move(-1)

    def action_cursor_down(self) -> None:
        self._move(1)

    def _page(self) -> int:
        return max(1, self.scrollable_content_region.height - 1)

    def action_page_down(self) -> None:
        if not self._order:
            return
        line = min(self._lines - 1, self._tops[self.cursor_row] + self._page())
        target = self._first_selectable(self._row_at_line(line), 1)
        if not self.selectable(self._order[target].key.value):
            target = self._first_selectable(len(self._order) - 1, -1)
        self._set_cursor(target)

    def action_page_up(self) -> None:
        if not self._order:
            return
        line = max(0, self._tops[self.cursor_row] - self._page())
        self._set_cursor(self._first_selectable(self._row_at_line(line), -1) if line else self._first_selectable(0, 1))
        if self.cursor_row <= 1:
            self.scroll_to(y=0, animate=False)

    def action_scroll_top(self) -> None:
        if self._order:
            self._set_cursor(self._first_selectable(0, 1))
            self.scroll_to(y=0, animate=False)

    def action_scroll_bottom(self) -> None:
        if self._order:
            self._set_cursor(self._first_selectable(len(self._order) - 1, -1))

    def action_select_cursor(self) -> None:
        if self._order and self.selectable(self._order[self.cursor_row].key.value):
            self.post_message(DataTable.RowSelected(self._as_table(), self.cursor_row, self._order[self.cursor_row].key))

    def _row_at_line(self, line: int) -> int:
        return max(0, bisect.bisect_right(self._tops, line) - 1)

    def _scroll_to_cursor(self) -> None:
        if self._size_due or not self.size.height:  # not laid out yet, or its new size not given: afterwards
            if not self._scroll_due:
                self._scroll_due = True
                self.call_after_refresh(self._scroll_later)
            return
        if self._order and self.cursor_row < len(self._order):
            self._scroll_into_view(self.cursor_row)

    def _scroll_later(self) -> None:
        self._scroll_due = False
        if self.size.height:  # still not shown (another tab): when it is, the cursor is scrolled to as it moves
            self._scroll_to_cursor()

    def _scroll_into_view(self, index: int) -> None:
        top = self._tops[index]
        bottom = top + self._order[index].height
        room = self.scrollable_content_region.height - 1  # the heading line stays
        if room <= 0:
            return
        y = round(self.scroll_y)
        if top < y:
            self.scroll_to(y=top, animate=False, immediate=True)
        elif bottom > y + room:
            self.scroll_to(y=bottom - room, animate=False, immediate=True)

    # ---- the mouse
    async def _on_click(self, event: events.Click) -> None:
        meta = event.style.meta
        if "row" not in meta:
            return
        event.stop()
        index = int(meta["row"])
        if index < 0:
            column = self._column_at(event.x + round(self.scroll_x))
            if 0 <= column < len(self.columns):
                key = list(self.columns)[column]
                self.post_message(DataTable.HeaderSelected(self._as_table(), key, column, self.columns[key].label))
            return
        if index >= len(self._order) or not self.selectable(self._order[index].key.value):
            return
        if index == self.cursor_row:
            self.action_select_cursor()  # a click on the cursor's row opens it, as in DataTable
        else:
            self._set_cursor(index)

    # ---- drawing
    def _changed(self, *, layout: bool) -> None:
        """Rows or columns changed: lines drawn again; the scrollable size said once, after a burst of changes
        (each new size lays the screen out again)."""
        self._cache.clear()
        self._header = None
        if layout and not self._size_due:
            self._size_due = True
            self.call_later(self._apply_size)
        self.refresh()

    def _apply_size(self) -> None:
        """The scrollable size. ``virtual_size`` lays the whole screen out again when set; while the scroll bars
        stay as they are (shown or not), the list's place on screen does not change: the new size is given to it
        and its scroll bars without a layout (at 10k people a filter letter changes the widths of a column)."""
        self._size_due = False
        width = sum(c.get_render_width(self) for c in self.columns.values())
        new = Size(width, self._lines + 1)
        if new == self.virtual_size:
            return
        room_x, room_y = self.container_size
        styles = self.styles
        if (self.is_mounted and room_x and room_y and not styles.auto_dimensions  # sized by its rows: laid out
                and styles.overflow_x == "auto" and styles.overflow_y == "auto"
                and (new.width > room_x) == self.show_horizontal_scrollbar
                and (new.height > room_y) == self.show_vertical_scrollbar):
            self.set_reactive(ListTable.virtual_size, new)
            if self.show_vertical_scrollbar:
                self.vertical_scrollbar.window_virtual_size = new.height
            if self.show_horizontal_scrollbar:
                self.horizontal_scrollbar.window_virtual_size = new.width
            self.scroll_to(x=min(self.scroll_x, self.max_scroll_x), y=min(self.scroll_y, self.max_scroll_y),
                           animate=False, immediate=True)
            self.refresh()
        else:
            self.virtual_size = new

    def _forget_row(self, index: int) -> None:
        if 0 <= index < len(self._order):
            height = self._order[index].height
            for line in range(height):
                self._cache.pop((index, line, True), None)
                self._cache.pop((index, line, False), None)
            y = self._tops[index] - round(self.scroll_y) + 1
            if y + height > 1 and y < self.size.height:
                self.refresh(Region(0, max(1, y), self.size.width, height))

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._restyle()

    def on_focus(self) -> None:
        self._restyle()

    def on_blur(self) -> None:
        self._restyle()

    def _restyle(self) -> None:
        self._styles = None
        self._cache.clear()
        self._header = None
        self.refresh()

    def _get_styles(self) -> tuple[Style, Style, Style, Style, Style]:
        """The widget's style and its heading's, cursor's, even and odd rows'."""
        if self._styles is None:
            self._styles = (self.rich_style,
                            self.get_component_rich_style("list-table--header"),
                            self.get_component_rich_style("list-table--cursor"),
                            self.get_component_rich_style("list-table--even-row"),
                            self.get_component_rich_style("list-table--odd-row"))
        return self._styles

    def _cells_line(self, texts: Iterable[Text], row: int, style: Style, post: Style | None) -> Strip:
        """One line of a row (``row`` -1: the heading), each cell padded to its column's width. Each cell keeps a
        style of its own (its column in the meta): cells of one style would be one text in an SVG screenshot, where
        Rich sets a text's length by characters, not cells (Chinese text drawn half as wide)."""
        console = self.app.console
        pad = " " * self.cell_padding
        line_style = style + Style.from_meta({"row": row})  # a click says its row
        segments: list[Segment] = []
        for column_meta, column, text in zip(self._column_metas(), self.columns.values(), texts, strict=False):
            width = column.content_width
            length = text.cell_len
            if length > width:
                text = text.copy()
                text.truncate(width, overflow="ellipsis")
                length = text.cell_len
            cell = [Segment(pad)]
            if text.spans:
                cell += text.render(console, end="")
            elif text.plain:
                own = text.style
                cell.append(Segment(text.plain, console.get_style(own) if isinstance(own, str) else own))
            cell.append(Segment(" " * (width - length) + pad))
            segments += Segment.apply_style(cell, line_style + column_meta, post)
        return Strip(segments)

    def _column_metas(self) -> list[Style]:
        if len(self._metas) != len(self.columns):
            self._metas = [Style.from_meta({"column": i}) for i in range(len(self.columns))]
        return self._metas

    def _column_at(self, x: int) -> int:
        """The column under ``x`` cells from the left edge of the rows (-1: none)."""
        left = 0
        for i, column in enumerate(self.columns.values()):
            left += column.get_render_width(self)
            if x < left:
                return i
        return -1

    def _row_lines(self, row: Row) -> list[list[Text]]:
        if row.lines is None:
            cells = [as_text(c) for c in row.cells]
            if row.height == 1:
                row.lines = [[Text(c.plain.split("\n", 1)[0], style=c.style, spans=c.spans) if "\n" in c.plain
                              else c for c in cells]]
            else:
                split = [list(c.split("\n")) for c in cells]
                row.lines = [[parts[i] if i < len(parts) else Text() for parts in split] for i in range(row.height)]
        return row.lines

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        base, header, cursor, even, odd = self._get_styles()
        scroll_x, scroll_y = round(self.scroll_x), round(self.scroll_y)
        if y == 0:
            if self._header is None:
                self._header = self._cells_line((c.label for c in self.columns.values()), -1, base + header, None)
            strip = self._header
            fill = base + header
        else:
            line = scroll_y + y - 1
            if line >= self._lines:
                return Strip.blank(width, base)
            index = self._row_at_line(line)
            within = line - self._tops[index]
            on_cursor = index == self.cursor_row
            key = (index, within, on_cursor)
            zebra = even if self.zebra_stripes and index % 2 == 0 else odd
            fill = base + zebra
            strip = self._cache.get(key)  # type: ignore[assignment]
            if strip is None:
                row = self._order[index]
                strip = self._cells_line(self._row_lines(row)[within], index, fill, cursor if on_cursor else None)
                self._cache[key] = strip
            if on_cursor:
                fill = fill + cursor
        return strip.crop_extend(scroll_x, scroll_x + width, fill)

    def __iter__(self) -> Iterator[Row]:
        return iter(self._order)
