"""Small shared pieces: a table that knows its language, inputs without cursor blink in tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, cast

from rich.text import Text
from textual import events
from textual.containers import VerticalScroll
from textual.content import Content
from textual.geometry import Size
from textual.widget import Widget
from textual.widgets import Checkbox, DataTable, Input

from tracker.dates import iso
from tracker.textsafe import printable

from .table import ListTable

__all__ = ["iso"]  # screens take date text from the core, like every other format rule

if TYPE_CHECKING:
    from .app import TrackerApp


def plain(text: object, style: str = "", *, keep_newlines: bool = False) -> Text:
    """Stored text (or a message quoting it) for a widget: shown literally, never read as markup, with
    control characters as visible escapes. Textual reads a ``str`` in a cell, Label, Static or toast as markup."""
    return Text(printable(str(text), keep_newlines=keep_newlines), style=style)


#: a name column is at most this many cells wide: one overlong name must not push the dates off the screen
NAME_CELLS = 20


def name_cell(name: str) -> Text:
    """A person's name for a table cell: ``plain``, cut with "…" past ``NAME_CELLS`` (the person screen shows it
    whole)."""
    text = plain(name)
    text.truncate(NAME_CELLS, overflow="ellipsis")
    return text


def notify(app: Any, message: str, **kwargs: Any) -> None:
    """``app.notify`` for a message that may quote stored text: no markup, no control characters."""
    app.notify(printable(message, keep_newlines=True), markup=False, **kwargs)


def tracker_app(node: Any) -> TrackerApp:
    return cast("TrackerApp", node.app)


class OrderedInput(Input):
    """An Input whose own key bindings (Backspace, Delete, ←/→, Home/End…) act in the order the keys came.

    Textual runs a focused widget's non-priority bindings only after the key has bubbled up to the App, through
    each ancestor's message queue, while the printable keys behind it go straight to the box: ``Backspace a b c``
    sent in one burst (tmux ``send-keys``, a fast typist over ssh) came out as "abc" with the Backspace applied
    after them (``xy`` → ``xyab`` instead of ``xabc``). Here the box runs its own bindings when the key reaches it.
    """

    def _watch_value(self, value: str) -> None:
        """Textual's Input sets its scrollable width on every change of its text, and that reactive lays the whole
        screen out again (a letter typed at 10k people: the screen re-laid and repainted). A box only needs the new
        width for its own scrolling: it is set first without a layout, so Textual's own setting finds it unchanged
        (a box sized by its text, ``width: auto``, is still laid out by Textual)."""
        self.set_reactive(Input.virtual_size, Size(self.content_width, 1))
        super()._watch_value(value)

    async def _on_key(self, event: events.Key) -> None:
        if not event.is_printable:
            for binding in self._bindings.key_to_bindings.get(event.key, ()):
                if not binding.priority and await self.app.run_action(binding.action, self):
                    event.stop()
                    event.prevent_default()
                    return
        await super()._on_key(event)


class Box(OrderedInput):
    """A text box that lets ``?`` through to the help while it is empty (typed after text, it is text)."""

    def check_consume_key(self, key: str, character: str | None) -> bool:
        if character == "?" and not self.value:
            return False
        return super().check_consume_key(key, character)


def make_input(app: TrackerApp, **kwargs: Any) -> Input:
    inp = Box(**kwargs)
    inp.cursor_blink = app.cursor_blink
    return inp


def days_text(days: int, lang: str) -> Text:
    colour = "red" if days < 0 else ("yellow" if days <= 30 else "green")
    word = (f"逾期{-days}天" if days < 0 else f"{days}天") if lang == "zh" else (
        f"{-days}d overdue" if days < 0 else f"{days}d")
    return Text(word, style=colour)


def deadline_days_text(d: Any, lang: str) -> Text:
    """Days left of a deadline; a reminder past its date waits (R14 "及时"), it is never overdue."""
    if d.status == "waiting":
        return Text(f"已满{-d.days_left}天待办" if lang == "zh" else f"waiting {-d.days_left}d", style="cyan")
    return days_text(d.days_left, lang)


def person_id_from_key(key: str | None) -> int | None:
    """Rows that stand for a person are keyed "<id>:<what>"; group and note rows are not."""
    head, sep, _ = (key or "").partition(":")
    return int(head) if sep and head.isdigit() else None


#: the lists a pane's keys act on (the long ones are ListTables, the overview's and a person's steps DataTables)
TABLES = "DataTable, ListTable"


def is_table(node: object) -> bool:
    return isinstance(node, DataTable | ListTable)


def tables_in(node: Any) -> list[DataTable[Any] | ListTable]:
    """The lists under ``node`` (a screen, a pane), in order."""
    return [w for w in node.query(TABLES) if isinstance(w, DataTable | ListTable)]


def row_person_id(table: DataTable[Any] | ListTable) -> int | None:
    """The person on the table's cursor row, if that row is a person's."""
    if not table.row_count:
        return None
    return person_id_from_key(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)


@dataclass(frozen=True)
class RecordRequest:
    """What ``r`` on a row asks for: whom, which step (that row's), and on which date (None: today)."""

    pids: tuple[int, ...]
    step: str | None = None
    on: date | None = None
    batch: bool = False  # several marked rows: one decision for all of them


class PersonRows:
    """Mixed into panes whose tables have person rows keyed "<id>:…": Enter opens that person,
    and ``r`` (record) acts on the person under the cursor, with that row's step (``row_steps``)."""

    row_steps: dict[str, str]

    def note_step(self, key: str, step: str) -> None:
        """The step a person row is about (a deadline's, the planner's), for ``r`` on that row."""
        if not hasattr(self, "row_steps"):
            self.row_steps = {}
        self.row_steps[key] = step

    def record_request(self) -> RecordRequest | None:
        node: Any = self
        focused = node.screen.focused
        table = focused if is_table(focused) and node in focused.ancestors else (
            node.query(TABLES).first() if node.query(TABLES) else None)
        if table is None or not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        pid = person_id_from_key(key)
        if pid is None:
            return None
        return RecordRequest((pid,), getattr(self, "row_steps", {}).get(key or ""))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        pid = person_id_from_key(event.row_key.value)
        if pid is not None:
            event.stop()
            tracker_app(self).open_person(pid)

    def selected_person_id(self) -> int | None:
        node: Any = self
        focused = node.screen.focused
        if is_table(focused) and node in focused.ancestors:
            return row_person_id(focused)
        tables = node.query(TABLES)
        return row_person_id(tables.first()) if tables else None


def shown(widget: Widget) -> bool:
    """On screen as far as the layout goes: neither it nor a container of it (another tab's pane) hidden."""
    return all(node.display for node in widget.ancestors_with_self if isinstance(node, Widget))


def done_loading(table: DataTable[Any] | ListTable) -> None:
    """A table filled by a worker: the loading indicator off, and the focus it could not take while loading
    (a loading widget takes none; it stayed in the tab left) when its tab is shown and no shown widget has it."""
    table.loading = False
    screen = table.screen
    focused = screen.focused
    if screen.is_current and shown(table) and (focused is None or not shown(focused)):
        table.focus()


def new_table(columns: list[tuple[str, str]], *, zebra: bool = True, **kwargs: Any) -> DataTable[Any]:
    """A row-cursor table with explicit column keys (so cells can be found by key)."""
    table: DataTable[Any] = DataTable(cursor_type="row", zebra_stripes=zebra, **kwargs)
    for key, label in columns:
        table.add_column(label, key=key)
    return table


class Tick(Checkbox):
    """A checkbox that shows ✓ when ticked and nothing when not: Textual's shows X either way, told apart only by
    colour (lost on a monochrome terminal, a screen reader's text, a printout)."""

    def render(self) -> Content:
        self.BUTTON_INNER = "✓" if self.value else " "
        return super().render()


def new_list(columns: list[tuple[str, str]], *, zebra: bool = True, **kwargs: Any) -> ListTable:
    """A long list (a row cursor, explicit column keys) whose rows not keyed "<id>:…" (a group's heading, a
    "… more" line) the cursor passes over."""
    table = ListTable(zebra_stripes=zebra, selectable=lambda key: person_id_from_key(key) is not None, **kwargs)
    for key, label in columns:
        table.add_column(label, key=key)
    return table


class DialogScroll(VerticalScroll):
    """A dialog's body: scrolls to the focused field, but is no Tab stop of its own (an invisible one)."""

    can_focus = False
