"""Calendar: a month with every deadline and earliest date as marks on its day; the day under the cursor
listed below (Enter there opens the person). The marks come from tracker.calendar; this only draws."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.coordinate import Coordinate
from textual.events import Resize
from textual.message import Message
from textual.widgets import DataTable, Label, Static

from tracker.calendar import WEEKS, Agenda, DayCell, agenda, clamp_day, month_grid, shift_month
from tracker.model import Person
from tracker.profiles import RuleBook

from .keys import bind, relabel
from .text import t
from .widgets import PersonRows, name_cell, tracker_app

DAY_LIMIT = 500  # rows in one day's list (a day can hold hundreds at 10k people)
WEEKDAYS = {"zh": ("一", "二", "三", "四", "五", "六", "日"), "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")}
MARK_STYLE = {"overdue": "bold red", "deadline": "yellow", "waiting": "cyan", "earliest": "green"}


def month_title(year: int, month: int, lang: str) -> str:
    return f"{year}年{month}月" if lang == "zh" else date(year, month, 1).strftime("%B %Y")


def cell_text(cell: DayCell | None, day: date, width: int) -> Text:
    """"27 ●2 ○1": the day, its deadlines (red when one is overdue) and earliest dates, in ``width`` cells."""
    style = "bold" if cell is not None and cell.in_month else "dim"
    if cell is not None and cell.today:
        style += " reverse"
    out = Text(f"{day.day:>2}", style=style)
    if cell is None or not (cell.deadlines or cell.earliest):
        return out
    due_style = "bold red" if cell.overdue else "yellow"
    parts = [(f"●{cell.deadlines}", due_style) if cell.deadlines else None,
             (f"○{cell.earliest}", "green") if cell.earliest else None]
    shown = [p for p in parts if p is not None]
    for sep in (" ", ""):
        if 3 + cell_len(sep.join(s for s, _ in shown)) <= width:
            for i, (s, st) in enumerate(shown):
                out.append(" " if i == 0 else sep)
                out.append(s, style=st)
            return out
    out.append(" ")
    out.append(str(cell.deadlines + cell.earliest), style=due_style if cell.deadlines else "green")
    return out


class MonthGrid(DataTable[Text]):
    """Six weeks of seven days; the cursor is a day. ``<``/``>`` or PageUp/PageDown: another month."""

    BINDINGS: ClassVar[list[Any]] = [
        bind("less_than_sign", "month(-1)", "prev_month"),
        bind("greater_than_sign", "month(1)", "next_month"),
        Binding("pageup", "month(-1)", show=False),
        Binding("pagedown", "month(1)", show=False),
        bind("t", "this_month", "this_month", show=False),
    ]

    class Move(Message):
        """Asks the calendar to show another day (and its month)."""

        def __init__(self, day: date) -> None:
            super().__init__()
            self.day = day

    def on_mount(self) -> None:
        relabel(self, tracker_app(self).lang)  # the footer shows these keys in the UI's language

    def _day(self) -> date:
        return self._calendar().day or tracker_app(self).service.today

    def action_month(self, delta: int) -> None:
        day = self._day()
        y, m = shift_month(day.year, day.month, delta)
        self.post_message(self.Move(clamp_day(day, y, m)))

    def action_this_month(self) -> None:
        self.post_message(self.Move(tracker_app(self).service.today))

    def action_cursor_up(self) -> None:
        if self.cursor_row == 0:  # past the first week: the week before, in its month
            self.post_message(self.Move(self._day() - timedelta(days=7)))
        else:
            super().action_cursor_up()

    def action_cursor_down(self) -> None:
        if self.cursor_row == WEEKS - 1:
            self.post_message(self.Move(self._day() + timedelta(days=7)))
        else:
            super().action_cursor_down()

    def _calendar(self) -> Calendar:
        return next(a for a in self.ancestors if isinstance(a, Calendar))


class DayList(DataTable[object]):
    """The day's marks; Enter opens the person, Esc goes back to the month."""

    BINDINGS: ClassVar[list[Any]] = [Binding("escape", "back_to_month", show=False)]

    def action_back_to_month(self) -> None:
        self.screen.query_one(MonthGrid).focus()


class Calendar(PersonRows, Vertical):
    #: up to this many people the marks are computed at once (≈ 50 ms per 1,000); beyond, in a worker
    inline_limit: ClassVar[int] = 1000

    class AgendaReady(Message):
        def __init__(self, data: Agenda, generation: int) -> None:
            super().__init__()
            self.data = data
            self.generation = generation

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.day: date | None = None
        self.agenda: Agenda | None = None
        self._generation = 0
        self._cell_width = 0

    @property
    def year(self) -> int:
        return self.day.year if self.day else 1

    @property
    def month(self) -> int:
        return self.day.month if self.day else 1

    def compose(self) -> ComposeResult:
        lang = tracker_app(self).lang
        with Horizontal(id="cal-bar"):
            yield Label("", id="cal-title", classes="section")
            yield Label("", id="cal-summary", classes="hint")
        yield MonthGrid(cursor_type="cell", zebra_stripes=False, id="cal-grid")
        yield Static(Text.assemble(("●", "yellow"), " " + t("cal_deadline", lang) + "  ", ("●", "bold red"), " " +
                                   t("cal_overdue", lang) + "  ", ("○", "green"), " " + t("cal_earliest", lang) +
                                   "   " + t("cal_keys", lang)), id="cal-legend", classes="hint")
        yield Label("", id="cal-day", classes="section")
        table = DayList(cursor_type="row", id="cal-list")
        for key, label in (("name", t("name", lang)), ("what", t("what", lang)), ("rule", t("cal_rule", lang))):
            table.add_column(label, key=key)
        yield table

    def on_mount(self) -> None:
        self._build_columns()

    def refresh_data(self) -> None:
        app = tracker_app(self)
        svc = app.service
        if self.day is None:
            self.day = svc.today
        people = svc.people()
        self._generation += 1
        self.agenda = None
        if len(people) <= self.inline_limit:
            self.agenda = agenda(people, svc.book, svc.today)
        else:
            self._compute(people, svc.book, svc.today, self._generation)
        self.draw()

    @work(thread=True, exclusive=True, group="agenda", description="agenda")
    def _compute(self, people: list[Person], book: RuleBook, today: date, generation: int) -> None:
        self.post_message(self.AgendaReady(agenda(people, book, today), generation))

    @on(AgendaReady)
    def _ready(self, message: AgendaReady) -> None:
        if message.generation == self._generation:
            self.agenda = message.data
            self.draw()

    # ---- drawing
    def _build_columns(self) -> None:
        grid = self.query_one(MonthGrid)
        width = max(5, (self.size.width or grid.size.width or 80) // 7 - 2)
        if width == self._cell_width:
            return
        self._cell_width = width
        lang = tracker_app(self).lang
        grid.clear(columns=True)
        for i, name in enumerate(WEEKDAYS[lang]):
            grid.add_column(Text(name, style="bold red" if i >= 5 else "bold"), width=width, key=f"dow-{i}")

    def on_resize(self, event: Resize) -> None:
        if self._cell_width and (event.size.width // 7 - 2) != self._cell_width:
            self._cell_width = 0
            self._build_columns()
            self.draw()

    def draw(self) -> None:
        if self.day is None:
            return
        lang = tracker_app(self).lang
        grid = self.query_one(MonthGrid)
        if not self._cell_width:
            self._build_columns()
        view = self.agenda.month(self.year, self.month) if self.agenda is not None else None
        grid.clear()
        cursor = Coordinate(0, 0)
        for w, week in enumerate(month_grid(self.year, self.month)):
            cells = []
            for d, day in enumerate(week):
                cell = view.weeks[w][d] if view is not None else None
                cells.append(cell_text(cell, day, self._cell_width))
                if day == self.day:
                    cursor = Coordinate(w, d)
            grid.add_row(*cells, key=f"week-{w}")
        grid.move_cursor(row=cursor.row, column=cursor.column, animate=False)
        self.query_one("#cal-title", Label).update(month_title(self.year, self.month, lang) + "  ")
        summary = (t("cal_summary", lang, due=view.deadlines, earliest=view.earliest) if view is not None
                   else t("computing", lang))
        self.query_one("#cal-summary", Label).update(summary)
        self.list_day()

    def list_day(self) -> None:
        if self.day is None:
            return
        lang = tracker_app(self).lang
        marks = self.agenda.on(self.day) if self.agenda is not None else ()
        weekday = WEEKDAYS[lang][self.day.weekday()]
        head = (f"{self.day.isoformat()}（星期{weekday}）：{len(marks)} 项" if lang == "zh"
                else f"{self.day.isoformat()} ({weekday}): {len(marks)} item{'s' if len(marks) != 1 else ''}")
        self.query_one("#cal-day", Label).update(head)
        table: DataTable[object] = self.query_one("#cal-list", DataTable)
        table.clear()
        for i, m in enumerate(marks[:DAY_LIMIT]):
            rule = m.code + (t("provisional", lang) if m.provisional else "")
            table.add_row(name_cell(m.name), Text(m.what(lang), style=MARK_STYLE[m.kind]), rule,
                          key=f"{m.person}:{m.kind}:{m.event}:{i}")
        if len(marks) > DAY_LIMIT:
            table.add_row(Text(t("more_rows", lang, n=len(marks) - DAY_LIMIT), style="dim"), "", "", key="more")
        if not marks:
            table.add_row(Text(t("cal_nothing", lang), style="dim"), "", "", key="none")

    def show_day(self, day: date) -> None:
        same_month = self.day is not None and (day.year, day.month) == (self.year, self.month)
        self.day = day
        if same_month:
            grid = self.query_one(MonthGrid)
            for w, week in enumerate(month_grid(self.year, self.month)):
                if day in week and grid.cursor_coordinate != Coordinate(w, week.index(day)):
                    grid.move_cursor(row=w, column=week.index(day), animate=False)
            self.list_day()
        else:
            self.draw()

    # ---- events
    @on(MonthGrid.Move)
    def _move(self, message: MonthGrid.Move) -> None:
        self.show_day(message.day)

    @on(DataTable.CellHighlighted, "#cal-grid")
    def _highlighted(self, event: DataTable.CellHighlighted) -> None:
        if event.coordinate != event.data_table.cursor_coordinate:
            return  # from before the last redraw (the cursor has moved on since)
        day = month_grid(self.year, self.month)[event.coordinate.row][event.coordinate.column]
        if day != self.day:
            self.show_day(day)

    @on(DataTable.CellSelected, "#cal-grid")
    def _selected(self, event: DataTable.CellSelected) -> None:
        """Enter on a day: its list, to pick a person (Enter there opens them; Esc comes back)."""
        event.stop()
        table = self.query_one("#cal-list", DataTable)
        if self.agenda is not None and self.day is not None and self.agenda.on(self.day):
            table.move_cursor(row=0)
            table.focus()
