"""Home: the pipeline as a chart (counts, and who may move on soon), what is overdue or due soon, and who
becomes eligible soon."""

from __future__ import annotations

from datetime import date
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Label, LoadingIndicator, Static
from textual.worker import Worker, WorkerState

from tracker.model import Person
from tracker.pipeline import Pipeline, pipeline
from tracker.profiles import RuleBook
from tracker.reports import Deadline, Upcoming, due_list, stage_counts, upcoming
from tracker.stages import event_label

from .charts import PipelineChart
from .keys import bind
from .text import t
from .widgets import PersonRows, deadline_days_text, name_cell, new_table, tracker_app

LIST_LIMIT = 100  # rows per list on the overview; the Deadlines tab and the planner have the rest


class Overview(PersonRows, Vertical):
    """Counts come first; the lists follow; then the chart's "may move on" columns. With many people they are
    computed in workers (the screen shows at once, with a loading indicator), and handed back as messages."""

    BINDINGS = [bind("b", "cycle_branch", "pipeline_branch", show=False)]

    class Counted(Message):
        def __init__(self, counts: dict[str, int], empty: bool, generation: int = 0) -> None:
            super().__init__()
            self.counts, self.empty, self.generation = counts, empty, generation

    class Listed(Message):
        def __init__(self, due: list[Deadline], soon: list[Upcoming], generation: int = 0) -> None:
            super().__init__()
            self.due, self.soon, self.generation = due, soon, generation

    class PipelineReady(Message):
        def __init__(self, data: Pipeline, generation: int) -> None:
            super().__init__()
            self.data = data
            self.generation = generation

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.branch: str | None = None  # the pipeline chart's branch (None: all)
        self.pipeline: Pipeline | None = None
        self.generation = 0  # a worker's result for older data is ignored
        self.counts: dict[str, int] = {}
        self.empty = False
        self.lists_ready = False
        self._counts_early = False

    def compose(self) -> ComposeResult:
        lang = tracker_app(self).lang
        yield PipelineChart(lang, id="pipeline-chart")
        yield Static("", id="empty-start")
        yield LoadingIndicator(id="overview-loading")
        yield Label(t("due_title", lang), classes="section", id="due-label")
        yield new_table([("name", t("name", lang)), ("what", t("what", lang)), ("due", t("due", lang)),
                         ("left", t("days_left", lang))], id="overview-due")
        yield Label(t("soon_title", lang), classes="section", id="soon-label")
        yield new_table([("name", t("name", lang)), ("next", t("next", lang)), ("earliest", t("earliest", lang))],
                        id="overview-soon")

    def on_mount(self) -> None:
        self._show_chart()  # the stages show at once; their counts ("…") once the file is read
        self._show_lists(None)

    def refresh_data(self) -> None:
        app = tracker_app(self)
        svc = app.service
        self.lists_ready = False
        self.generation += 1
        self.pipeline = None
        if svc.count() < app.background_from:  # a few hundred people: at once (and tests see it without waiting)
            people = svc.people()
            self.pipeline = pipeline(people, svc.book, svc.today)
            self._counted(self.Counted(stage_counts(people), not people, self.generation))
            self.call_after_refresh(self._list_inline)
            return
        if not self._counts_early:  # shown while the file was opened (the same data): kept, not "…" again
            self.counts = {}
        self._counts_early = False
        self._show_chart()
        self._show_lists(None)
        self.compute(svc.today, self.generation)

    def show_counts(self, counts: dict[str, int]) -> None:
        """The stage counts while the file is still being opened (``TrackerApp.Counted``)."""
        self.counts = counts
        self._counts_early = True
        self._show_chart()

    def _list_inline(self) -> None:
        svc = tracker_app(self).service
        people = svc.people()
        self._listed(self.Listed(due_list(people, svc.book, svc.today), upcoming(people, svc.book, svc.today),
                                 self.generation))

    @work(thread=True, exclusive=True, group="overview", exit_on_error=False)
    def compute(self, today: date, generation: int) -> None:
        """Off the UI thread: build everyone, count (posted first), the two lists, then the pipeline."""
        svc = tracker_app(self).service
        people: list[Person] = list(svc.people())
        self.post_message(self.Counted(stage_counts(people), not people, generation))
        self.post_message(self.Listed(due_list(people, svc.book, today), upcoming(people, svc.book, today),
                                      generation))
        self._post_pipeline(people, svc.book, today, generation)

    def _post_pipeline(self, people: list[Person], book: RuleBook, today: date, generation: int) -> None:
        self.post_message(self.PipelineReady(pipeline(people, book, today), generation))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group == "overview" and event.state == WorkerState.ERROR:  # e.g. the file reloaded under it
            self.refresh_data()

    def _show_chart(self) -> None:
        data = self.pipeline
        if data is not None and self.branch is not None and self.branch not in data.branches:
            self.branch = None  # the branch is gone (undone, renamed)
        # while the worker computes, the counts of every branch (the branch's own come with the rest)
        self.query_one(PipelineChart).show(self.counts, data, self.branch if data is not None else None)

    @on(PipelineReady)
    def _pipeline_ready(self, message: PipelineReady) -> None:
        if message.generation == self.generation:  # not a result for data changed since
            self.pipeline = message.data
            self._show_chart()

    def action_cycle_branch(self) -> None:
        """All branches → each branch in turn → all again (b)."""
        if self.pipeline is None:
            return  # still computing: the branches are not known yet
        order: list[str | None] = [None, *self.pipeline.branches]
        self.branch = order[(order.index(self.branch) + 1) % len(order)] if self.branch in order else None
        self._show_chart()

    def _show_lists(self, empty: bool | None) -> None:
        """None: still loading (the indicator instead of the lists)."""
        self.query_one("#overview-loading").display = empty is None
        self.query_one("#empty-start").display = bool(empty)
        for wid in ("#due-label", "#overview-due", "#soon-label", "#overview-soon"):
            self.query_one(wid).display = empty is False

    @on(Counted)
    def _counted(self, message: Counted) -> None:
        if message.generation != self.generation:
            return
        lang = tracker_app(self).lang
        self.counts = message.counts
        self._show_chart()
        self.empty = message.empty
        self.query_one("#empty-start", Static).update(t("empty_start", lang) if message.empty else "")
        if message.empty:
            self._show_lists(True)

    @on(Listed)
    def _listed(self, message: Listed) -> None:
        if message.generation != self.generation:
            return
        lang = tracker_app(self).lang
        empty = self.empty
        self._show_lists(empty)
        due: DataTable[Any] = self.query_one("#overview-due", DataTable)
        due.clear()
        self.row_steps = {}
        items = message.due
        for d in items[:LIST_LIMIT]:
            due.add_row(name_cell(d.name), d.what(lang), d.due.isoformat(), deadline_days_text(d, lang),
                        key=f"{d.person}:{d.rule}")
            self.note_step(f"{d.person}:{d.rule}", d.event)
        if len(items) > LIST_LIMIT:
            due.add_row(Text(t("more_in_tab", lang, n=len(items) - LIST_LIMIT), style="dim"), "", "", "", key="more")
        if not due.row_count and not empty:
            due.add_row(Text(t("nothing_due", lang), style="dim"), "", "", "", key="none")
        soon: DataTable[Any] = self.query_one("#overview-soon", DataTable)
        soon.clear()
        soon_items = message.soon
        for u in soon_items[:LIST_LIMIT]:
            soon.add_row(name_cell(u.person.name), event_label(u.event, lang), u.earliest.isoformat(),
                         key=f"{u.person.id}:soon")
            self.note_step(f"{u.person.id}:soon", u.event)
        if len(soon_items) > LIST_LIMIT:
            soon.add_row(Text(t("more_in_planner", lang, n=len(soon_items) - LIST_LIMIT), style="dim"), "", "",
                         key="more")
        if not soon.row_count and not empty:
            soon.add_row(Text(t("nobody_soon", lang), style="dim"), "", "", key="none")
        self.lists_ready = True
