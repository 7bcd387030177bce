"""Everyone (or one stage or branch), filtered as you type, a page at a time."""

from __future__ import annotations

import time
from datetime import date

from rich.text import Text
from textual import on, work
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.timer import Timer
from textual.widgets import DataTable, Input, Label, Select

from tracker.model import Person
from tracker.reports import RowSummary, row_summary
from tracker.stages import STAGE_KEYS, event_label, stage_label

from .keys import bind
from .search import SearchIndex
from .table import ListTable
from .text import t
from .widgets import RecordRequest, iso, make_input, name_cell, plain, tracker_app

PAGE = 50  # rows made at a time (a screenful and more): each is the person's summary, made when first shown
WIDE = 110  # terminal columns from which the table shows every column
FILTER_DELAY = 0.06  # seconds after the last letter before a big list is filtered (when filtering is slow)
FILTER_AT_ONCE = 0.03  # a filter that took less than this (seconds) follows each letter at once
SORT_COLUMNS = ("id", "name", "stage", "branch", "stage_date", "next_date")


class PeopleTable(ListTable):
    # rows, not columns, are what a secretary pages through: Home/End go to the first/last row
    BINDINGS = [bind("o", "sort", "sort"), Binding("O", "reverse_sort", show=False),
                Binding("home", "scroll_top", show=False), Binding("end", "scroll_bottom", show=False)]

    class NearEnd(Message):
        """Scrolled (mouse, End, PageDown) to the last rows: time for the next page."""

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        if self.max_scroll_y and new_value >= self.max_scroll_y - 1:
            self.post_message(self.NearEnd())

    def action_sort(self) -> None:
        for node in self.ancestors:
            if isinstance(node, People):
                node.cycle_sort()

    def action_reverse_sort(self) -> None:
        for node in self.ancestors:
            if isinstance(node, People):
                node.sort_by(node.sort_key)


class People(Vertical):
    # from the filter box, Esc or ↓ go to the results (the table handles ↓ itself when it has the focus)
    BINDINGS = [Binding("down", "to_results", show=False), Binding("escape", "to_results", show=False)]

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.index = SearchIndex()
        self.query_text = ""
        self.stage: str | None = None
        self.branch: str | None = None
        self.include_left = False
        self.sort_key = "id"
        self.sort_reverse = False
        self.matches: list[Person] = []
        self.shown = 0
        self._summaries: dict[int, RowSummary] = {}
        self.wide: bool | None = None
        self._index_started = False
        self._filter_timer: Timer | None = None
        self._filter_cost = 1.0  # seconds the last filter took (unknown: as if slow)
        self._drawn: tuple[str, bool | None] | None = None  # the language and width the table's rows were made for
        self.index_ready = False
        self._last: tuple[str, object, list[Person]] = ("", None, [])  # the last query, its scope and finds

    def compose(self) -> ComposeResult:
        app = tracker_app(self)
        lang = app.lang
        with Horizontal(id="people-filters"):
            yield make_input(app, placeholder=t("filter_ph", lang), id="people-filter", value=self.query_text)
            yield Select([(stage_label(k, lang), k) for k in STAGE_KEYS], prompt=t("all_stages", lang),
                         id="people-stage", value=self.stage or Select.NULL)
            yield Select([], prompt=t("all_branches", lang), id="people-branch")
        yield PeopleTable(zebra_stripes=True, id="people-table")
        yield Label("", id="people-count")

    def on_mount(self) -> None:
        self.set_columns(self.app.size.width >= WIDE)

    def set_columns(self, wide: bool) -> None:
        """At 80 columns the branch and stage date give way to the next step and its date."""
        if wide == self.wide:
            return
        self.wide = wide
        lang = tracker_app(self).lang
        table = self.query_one(PeopleTable)
        table.clear(columns=True)
        self._drawn = (lang, wide)
        columns = [("id", t("id", lang)), ("name", t("name", lang)), ("stage", t("stage", lang))]
        if wide:
            columns += [("branch", t("branch", lang)), ("stage_date", t("stage_date", lang))]
        columns += [("next", t("next", lang)), ("next_date", t("next_date", lang)), ("flags", t("flags", lang))]
        for key, label in columns:
            table.add_column(label, key=key)
        self._mark_sort_column()
        if self.matches:
            self.shown = 0
            self.load_more()

    def on_resize(self) -> None:
        # after the resize is laid out: rows filled in the middle of it keep their header's width
        self.call_after_refresh(lambda: self.set_columns(self.app.size.width >= WIDE))

    def _mark_sort_column(self) -> None:
        """The sort column's header carries ▲ (ascending) or ▼ (descending)."""
        lang = tracker_app(self).lang
        table = self.query_one(PeopleTable)
        for key in list(table.columns):
            name = t(str(key.value), lang)
            if key.value == self.sort_key:
                table.set_label(str(key.value), Text(name + (" ▼" if self.sort_reverse else " ▲"), style="bold"))
            else:
                table.set_label(str(key.value), Text(name))

    class IndexReady(Message):
        """The pinyin of every name is known: a query typed meanwhile is matched again, by pinyin too."""

    # a description: without one Textual describes the worker by repr() of its arguments (10k people: ≈ 2 s, on
    # the UI thread, before the worker starts)
    @work(thread=True, exclusive=True, group="pinyin", description="pinyin index")
    def build_index(self, people: list[Person]) -> None:
        """pypinyin takes a moment to load and 10k names a second or two: built off the UI thread."""
        self.index.build(people)
        self.post_message(self.IndexReady())

    @on(IndexReady)
    def _index_ready(self) -> None:
        self.index_ready = True
        if self.query_text.strip():
            self._last = ("", None, [])
            self.apply_filter()

    # ---- data
    def refresh_data(self) -> None:
        if not self._index_started:  # first shown: warm the pinyin index in the background
            self._index_started = True
            self.build_index(list(tracker_app(self).service.people()))
        svc = tracker_app(self).service
        self._summaries.clear()
        branches = sorted({p.branch for p in svc.people() if p.branch})
        sel: Select[str] = self.query_one("#people-branch", Select)
        current = sel.value
        sel.set_options([(plain(b), b) for b in branches])
        if current in branches:
            sel.value = current
        self.apply_filter()

    def summary(self, person: Person) -> RowSummary:
        s = self._summaries.get(person.id)
        if s is None:
            svc = tracker_app(self).service
            s = row_summary(person, svc.book, svc.today)
            self._summaries[person.id] = s
        return s

    def apply_filter(self) -> None:
        started = time.perf_counter()
        self._apply_filter()
        self._filter_cost = time.perf_counter() - started

    def _apply_filter(self) -> None:
        svc = tracker_app(self).service
        q = self.query_text
        everyone = svc.people()
        scope = (id(everyone), self.include_left, self.stage, self.branch)
        last_q, last_scope, last_found = self._last
        if scope == last_scope and q.startswith(last_q) and last_q.strip():
            pool = last_found  # a letter more narrows what the last query found (a keystroke at 10k people)
        else:
            pool = [p for p in everyone
                    if (self.include_left or p.active)
                    and (self.stage is None or p.stage == self.stage)
                    and (self.branch is None or p.branch == self.branch)]
        on_demand = self.index_ready or svc.count() < tracker_app(self).background_from
        people = self.index.filter(pool, q, on_demand=on_demand) if q.strip() else pool
        self._last = (q, scope, people)
        matches = self._sorted(people)
        table = self.query_one(PeopleTable)
        shown = self.matches[:self.shown]
        if shown and matches[:len(shown)] == shown and self._drawn == (tracker_app(self).lang, self.wide):
            # a letter more found the rows on screen again (zhan → zhang): the table is kept as drawn (a
            # table changed is drawn again whole), only the count said again
            self.matches = matches
            self.shown = min(len(shown), len(matches))
            if self.shown < min(PAGE, len(matches)):
                self.load_more()
            else:
                self._say_count()
            return
        self.matches = matches
        table.clear()
        self._drawn = (tracker_app(self).lang, self.wide)
        self.shown = 0
        self.load_more()

    def _sorted(self, people: list[Person]) -> list[Person]:
        ordered = self._sorted_up(people)
        return ordered[::-1] if self.sort_reverse else ordered

    def _sorted_up(self, people: list[Person]) -> list[Person]:
        key = self.sort_key
        if key == "id":
            return people
        if key == "name":
            return sorted(people, key=lambda p: (self.index.key_for(p).full if p.name else "", p.id))
        if key == "stage":
            return sorted(people, key=lambda p: (STAGE_KEYS.index(p.stage), p.id))
        if key == "branch":
            return sorted(people, key=lambda p: (p.branch, p.id))
        if key == "stage_date":
            return sorted(people, key=lambda p: (self.summary(p).stage_date or date.max, p.id))
        return sorted(people, key=lambda p: (self.summary(p).next_date or date.max, p.id))

    def load_more(self) -> None:
        lang = tracker_app(self).lang
        table = self.query_one(PeopleTable)
        page = self.matches[self.shown:self.shown + PAGE]
        for p in page:
            s = self.summary(p)
            flags = Text()
            if not p.active:
                flags.append(t("left", lang) + " ", style="dim")
            if s.overdue:
                flags.append(f"⚠{s.overdue} ", style="bold red")
            if s.overrides:
                flags.append(f"✎{s.overrides}", style="magenta")
            when = Text(iso(s.next_date), style="red" if s.next_is_due and s.next_date and
                        s.next_date < tracker_app(self).service.today else ("yellow" if s.next_is_due else ""))
            # narrow: the stage by its Chinese name alone (the term every label carries)
            cells: list[object] = [str(p.id), name_cell(p.name), stage_label(p.stage, lang if self.wide else "zh")]
            if self.wide:
                cells += [plain(p.branch), iso(s.stage_date)]
            cells += [event_label(s.next_event, lang) if s.next_event else "", when, flags]
            table.add_row(*cells, key=str(p.id))
        self.shown += len(page)
        self._say_count()

    def _say_count(self) -> None:
        lang = tracker_app(self).lang
        more = t("more", lang) if self.shown < len(self.matches) else ""
        left = t("left_shown", lang) if self.include_left else ""
        self.query_one("#people-count", Label).update(  # its size is fixed (app.tcss): no layout for a count
            t("shown", lang, shown=self.shown, total=len(self.matches)) + more + left, layout=False)

    def cycle_sort(self) -> None:
        """``o``: the next column that is shown, ascending."""
        shown = [k for k in SORT_COLUMNS if k in {str(c.value) for c in self.query_one(PeopleTable).columns}]
        i = shown.index(self.sort_key) if self.sort_key in shown else -1
        self.sort_key, self.sort_reverse = shown[(i + 1) % len(shown)], True
        self.sort_by(self.sort_key)

    def sort_by(self, key: str) -> None:
        """Sort by ``key``; the same column again reverses the order (a header clicked twice, ``O``)."""
        self.sort_reverse = not self.sort_reverse if key == self.sort_key else False
        self.sort_key = key
        self._mark_sort_column()
        self.apply_filter()
        lang = tracker_app(self).lang
        order = t("descending" if self.sort_reverse else "ascending", lang)
        self.app.notify(t("sorted_by", lang, column=t(key, lang), order=order), timeout=1.5)

    def toggle_left(self) -> None:
        self.include_left = not self.include_left
        self.apply_filter()

    def action_to_results(self) -> None:
        if self.screen.focused is self.query_one("#people-filter"):
            self.query_one(PeopleTable).focus()
        else:
            raise SkipAction()

    # ---- events
    @on(Input.Changed, "#people-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        """With few people, or when the last filter was quick, the list follows each letter at once; otherwise a
        moment later (the letter shows at once, and a burst of letters filters once)."""
        self.query_text = event.value
        app = tracker_app(self)
        if self._filter_timer is not None:
            self._filter_timer.stop()
            self._filter_timer = None
        last_q = self._last[0]
        narrowing = bool(last_q.strip()) and event.value.startswith(last_q)  # matched within the last finds: quick
        if app.service.count() < app.background_from or self._filter_cost < FILTER_AT_ONCE or narrowing:
            self.apply_filter()
        else:
            self._filter_timer = self.set_timer(FILTER_DELAY, self._filter_now)

    def _filter_now(self) -> None:
        self._filter_timer = None
        self.apply_filter()

    @on(Input.Submitted, "#people-filter")
    def _filter_submitted(self) -> None:
        self.query_one(PeopleTable).focus()

    @on(Select.Changed, "#people-stage")
    def _stage_changed(self, event: Select.Changed) -> None:
        self.stage = None if event.value is Select.NULL else str(event.value)
        self.apply_filter()

    @on(Select.Changed, "#people-branch")
    def _branch_changed(self, event: Select.Changed) -> None:
        self.branch = None if event.value is Select.NULL else str(event.value)
        self.apply_filter()

    @on(DataTable.HeaderSelected)
    def _header(self, event: DataTable.HeaderSelected) -> None:
        key = str(event.column_key.value)
        if key in SORT_COLUMNS:
            self.sort_by(key)

    @on(DataTable.RowHighlighted, "#people-table")
    def _cursor_at_end(self, event: DataTable.RowHighlighted) -> None:
        if event.cursor_row >= self.shown - 1 and self.shown < len(self.matches):
            self.load_more()

    @on(PeopleTable.NearEnd)
    def _scrolled_to_end(self) -> None:
        if self.shown < len(self.matches):
            self.load_more()

    @on(DataTable.RowSelected, "#people-table")
    def _open(self, event: DataTable.RowSelected) -> None:
        event.stop()
        tracker_app(self).open_person(int(str(event.row_key.value)))

    def selected_person_id(self) -> int | None:
        table = self.query_one(PeopleTable)
        if not table.row_count:
            return None
        return int(str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value))

    def record_request(self) -> RecordRequest | None:
        """``r`` on a row: that person's record dialog (their next step)."""
        pid = self.selected_person_id()
        return None if pid is None else RecordRequest((pid,))

    def focus_filter(self) -> None:
        self.query_one("#people-filter", Input).focus()
