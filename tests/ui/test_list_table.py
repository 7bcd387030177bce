"""The long lists (People, Deadlines, the planner) are ListTables (screens/table.py): what a user relies on in them,
and the keys that must keep their order and speed (Backspace in a burst, a lone Esc)."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

from rich.text import Text
from textual import events, on
from textual.app import App, ComposeResult
from textual.widgets import DataTable, Input

from screens.person import PersonScreen
from screens.table import ListTable

from .conftest import MakeApp

SIZE = (120, 36)


def shown(table: ListTable) -> list[str]:
    """The table's lines as they are on screen."""
    return [table.render_line(y).text for y in range(table.size.height)]


def in_groups(table: ListTable) -> None:
    table.add_column("名字", key="name")
    table.add_column("事项", key="what")
    for group, people in (("甲组", ("1", "2")), ("乙组", ("3", "4"))):
        table.add_row(Text(group, style="bold"), "", key=f"group-{group}")
        for pid in people:
            table.add_row(f"人{pid}", f"事{pid}", key=f"{pid}:x")


class Host(App[None]):
    """One ListTable whose group headings (keys without ":") the cursor passes over; it notes what it posts."""

    def __init__(self, fill: Any = in_groups) -> None:
        super().__init__()
        self.fill = fill
        self.highlighted: list[str] = []
        self.selected: list[str] = []

    def compose(self) -> ComposeResult:
        yield ListTable(zebra_stripes=True, selectable=lambda key: ":" in (key or ""), id="list")

    def on_mount(self) -> None:
        table = self.query_one(ListTable)
        self.fill(table)
        table.focus()

    @on(DataTable.RowHighlighted)
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.highlighted.append(str(event.row_key.value))

    @on(DataTable.RowSelected)
    def _selected(self, event: DataTable.RowSelected) -> None:
        self.selected.append(str(event.row_key.value))


async def test_cursor_starts_on_the_first_person_and_passes_over_group_headings() -> None:
    app = Host()
    async with app.run_test(size=(60, 12)) as pilot:
        table = app.query_one(ListTable)
        assert table.cursor_key() == "1:x"  # not the first group's heading
        await pilot.press("down", "down")
        assert table.cursor_key() == "3:x"  # the second heading passed over
        await pilot.press("up")
        assert table.cursor_key() == "2:x"
        await pilot.press("up", "up")
        assert table.cursor_key() == "1:x"  # nothing to stop on above: stays
        await pilot.press("end")
        assert table.cursor_key() == "4:x"
        assert app.highlighted[-1] == "4:x"
        await pilot.press("enter")
        await pilot.pause()
        assert app.selected == ["4:x"]


async def test_a_click_moves_the_cursor_and_a_click_on_its_row_selects_it() -> None:
    app = Host()
    async with app.run_test(size=(60, 12)) as pilot:
        table = app.query_one(ListTable)
        lines = shown(table)
        y = next(i for i, line in enumerate(lines) if "人3" in line)
        await pilot.click("#list", offset=(2, y))
        await pilot.pause()
        assert table.cursor_key() == "3:x" and app.highlighted[-1] == "3:x" and app.selected == []
        await pilot.click("#list", offset=(2, y))
        await pilot.pause()
        assert app.selected == ["3:x"]
        heading = next(i for i, line in enumerate(lines) if "乙组" in line)
        await pilot.click("#list", offset=(2, heading))  # a heading is not a row to select
        await pilot.pause()
        assert table.cursor_key() == "3:x" and app.selected == ["3:x"]


async def test_the_cursor_stays_on_its_row_when_the_list_is_filled_again() -> None:
    app = Host()
    async with app.run_test(size=(60, 12)) as pilot:
        table = app.query_one(ListTable)
        await pilot.press("down", "down")
        assert table.cursor_key() == "3:x"
        table.clear()
        table.add_row("新组", "", key="group-new")
        for pid in ("9", "3", "4"):  # the same person, now second
            table.add_row(f"人{pid}", "", key=f"{pid}:x")
        await pilot.pause()
        assert table.cursor_key() == "3:x" and table.cursor_row == 2
        table.clear()
        for pid in ("7", "8"):  # gone: the first row that can have the cursor
            table.add_row(f"人{pid}", "", key=f"{pid}:x")
        await pilot.pause()
        assert table.cursor_key() == "7:x"


def ten_thousand(table: ListTable) -> None:
    table.add_column("编号", key="id")
    table.add_column("姓名", key="name")
    table.add_rows((f"{i}:p", [str(i), Text(f"第{i}人", style="green")], 1) for i in range(10_000))


async def test_a_list_of_10k_shows_its_first_rows_and_end_goes_to_the_last() -> None:
    app = Host(ten_thousand)
    async with app.run_test(size=(60, 20)) as pilot:
        table = app.query_one(ListTable)
        await pilot.pause()
        lines = shown(table)
        assert "编号" in lines[0] and "第0人" in lines[1] and "第1人" in lines[2]
        await pilot.press("end")
        await pilot.pause()
        lines = shown(table)
        assert table.cursor_key() == "9999:p"
        assert "编号" in lines[0]  # the heading stays
        assert any("第9999人" in line for line in lines) and not any("第0人" in line for line in lines)
        await pilot.press("home")
        await pilot.pause()
        assert "第0人" in shown(table)[1]


async def test_a_tall_row_is_drawn_on_its_lines() -> None:
    def tall(table: ListTable) -> None:
        table.add_column("名字", key="name")
        table.add_column("原因", key="why")
        table.add_row("甲", "第一行\n第二行", key="1:x", height=2)
        table.add_row("乙", "短", key="2:x")

    app = Host(tall)
    async with app.run_test(size=(40, 8)) as pilot:
        await pilot.pause()
        lines = shown(app.query_one(ListTable))
        assert "甲" in lines[1] and "第一行" in lines[1] and "第二行" in lines[2] and "乙" in lines[3]


async def test_people_sort_by_a_header_click_and_reverse_on_the_second(make_app: MakeApp) -> None:
    app = make_app(tab="people")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        table = app.screen.query_one("#people-table", ListTable)
        x = sum(c.get_render_width(table) for c in list(table.columns.values())[:1]) + 1  # in the name column
        await pilot.click("#people-table", offset=(x, 0))
        await pilot.pause()
        assert "姓名 ▲" in shown(table)[0] and "编号 ▲" not in shown(table)[0]
        first = str(table.get_row_at(0)[1])
        await pilot.click("#people-table", offset=(x, 0))
        await pilot.pause()
        assert "姓名 ▼" in shown(table)[0]
        assert str(table.get_row_at(table.row_count - 1)[1]) == first


async def test_people_cursor_stays_on_its_person_when_a_filter_keeps_them(make_app: MakeApp) -> None:
    app = make_app(tab="people")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        table = app.screen.query_one("#people-table", ListTable)
        table.focus()
        await pilot.press("down", "down", "down")
        key = table.cursor_key()
        name = str(table.get_row_at(table.cursor_row)[1])
        await pilot.press("slash", *name[:1])
        await pilot.pause()
        assert table.row_count < 50 and table.cursor_key() == key
        await pilot.press("enter", "enter")  # Enter in the box goes to the list; Enter there opens the person
        await pilot.pause()
        assert isinstance(app.screen, PersonScreen) and str(app.screen.person_id) == key


async def test_backspace_then_letters_in_one_burst_keep_their_order(make_app: MakeApp) -> None:
    """As from ``tmux send-keys BSpace a b c`` or a fast typist over ssh: all keys arrive before the first is
    handled. Textual applied the Backspace (a binding) after the letters: "xy" became "xyab"."""
    app = make_app(tab="people")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("slash", "x", "y")
        box = app.screen.query_one("#people-filter", Input)
        assert box.value == "xy"
        for key, character in (("backspace", "\x7f"), ("a", "a"), ("b", "b"), ("c", "c"), ("left", None),
                               ("left", None), ("z", "z")):
            app.post_message(events.Key(key, character))  # as the driver posts them, none awaited
        await pilot.pause()
        assert box.value == "xazbc"


def _escape_delay(env: dict[str, str]) -> str:
    code = "import screens.app; from textual import constants; print(constants.ESCAPE_DELAY)"
    clean = {k: v for k, v in os.environ.items() if k != "ESCDELAY"}
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                          env={**clean, **env}).stdout.strip()


def test_a_lone_esc_is_waited_on_25_ms_unless_the_user_says_otherwise() -> None:
    assert _escape_delay({}) == "0.025"
    assert _escape_delay({"ESCDELAY": "80"}) == "0.08"


def test_the_terminal_driver_waits_for_input_no_longer_than_a_pending_esc(monkeypatch: Any) -> None:
    from textual import constants
    from textual._xterm_parser import XTermParser

    from screens.driver import IDLE_WAIT, _wait, terminal_driver

    monkeypatch.setattr(constants, "ESCAPE_DELAY", 0.025)  # what the app's start sets (Textual imported here first)
    parser = XTermParser()
    assert _wait(parser) == IDLE_WAIT  # nothing pending: Textual's wait
    list(parser.feed("\x1b"))  # an ESC: a key, or the start of an arrow key's sequence
    assert _wait(parser) <= 0.025  # Textual's driver waited IDLE_WAIT (0.1 s) whatever ESCDELAY was
    driver = terminal_driver()
    assert driver is None or driver.__name__ == "QuickEscDriver"
