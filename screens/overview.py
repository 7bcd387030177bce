"""Home: the pipeline as a chart (counts, and who may move on soon), what is overdue or due soon, and who
becomes eligible soon."""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Label, Static

from tracker.model import Person
from tracker.pipeline import Pipeline, pipeline
from tracker.profiles import RuleBook
from tracker.reports import due_list, stage_counts, upcoming
from tracker.stages import event_label

from .charts import PipelineChart
from .keys import bind
from .text import t
from .widgets import PersonRows, deadline_days_text, new_table, plain, tracker_app

LIST_LIMIT = 100  # rows per list on the overview; the Deadlines tab and the planner have the rest


class Overview(PersonRows, Vertical):
    """Counts come first (fast); the lists follow in the same refresh, and the chart's "may move on"
    columns from a worker when there are many people."""

    BINDINGS = [bind("b", "cycle_branch", "pipeline_branch", show=False)]
    #: up to this many people the pipeline is computed at once (≈ 15 ms per 1,000); beyond, in a worker
    inline_limit: ClassVar[int] = 2000

    class PipelineReady(Message):
        def __init__(self, data: Pipeline, generation: int) -> None:
            super().__init__()
            self.data = data
            self.generation = generation

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.branch: str | None = None  # the pipeline chart's branch (None: all)
        self.pipeline: Pipeline | None = None
        self._generation = 0
        self.counts: dict[str, int] = {}

    def compose(self) -> ComposeResult:
        lang = tracker_app(self).lang
        yield PipelineChart(lang, id="pipeline-chart")
        yield Static("", id="empty-start")
        yield Label(t("due_title", lang), classes="section", id="due-label")
        yield new_table([("name", t("name", lang)), ("what", t("what", lang)), ("due", t("due", lang)),
                         ("left", t("days_left", lang))], id="overview-due")
        yield Label(t("soon_title", lang), classes="section", id="soon-label")
        yield new_table([("name", t("name", lang)), ("next", t("next", lang)), ("earliest", t("earliest", lang))],
                        id="overview-soon")

    def refresh_data(self) -> None:
        """Counts first; the two lists right after the first paint (with 10k people they take
        a quarter of a second, which should not hold up the screen)."""
        svc = tracker_app(self).service
        people = svc.people()
        self.counts = stage_counts(people)
        self._generation += 1
        self.pipeline = None
        if len(people) <= self.inline_limit:
            self.pipeline = pipeline(people, svc.book, svc.today)
        self._show_chart()
        self.lists_ready = False
        self.call_after_refresh(self.fill_lists)

    def _show_chart(self) -> None:
        data = self.pipeline
        if data is not None and self.branch is not None and self.branch not in data.branches:
            self.branch = None  # the branch is gone (undone, renamed)
        # while the worker computes, the counts of every branch (the branch's own come with the rest)
        self.query_one(PipelineChart).show(self.counts, data, self.branch if data is not None else None)

    @work(thread=True, exclusive=True, group="pipeline")
    def _compute_pipeline(self, people: list[Person], book: RuleBook, today: date, generation: int) -> None:
        self.post_message(self.PipelineReady(pipeline(people, book, today), generation))

    @on(PipelineReady)
    def _pipeline_ready(self, message: PipelineReady) -> None:
        if message.generation == self._generation:  # not a result for data changed since
            self.pipeline = message.data
            self._show_chart()

    def action_cycle_branch(self) -> None:
        """All branches → each branch in turn → all again (b)."""
        if self.pipeline is None:
            return  # still computing: the branches are not known yet
        order: list[str | None] = [None, *self.pipeline.branches]
        self.branch = order[(order.index(self.branch) + 1) % len(order)] if self.branch in order else None
        self._show_chart()

    def fill_lists(self) -> None:
        app = tracker_app(self)
        lang, svc = app.lang, app.service
        people = svc.people()
        empty = not people
        self.query_one("#empty-start", Static).update(t("empty_start", lang) if empty else "")
        self.query_one("#empty-start").display = empty
        for wid in ("#due-label", "#overview-due", "#soon-label", "#overview-soon"):
            self.query_one(wid).display = not empty
        due: DataTable[object] = self.query_one("#overview-due", DataTable)
        due.clear()
        self.row_steps = {}
        items = due_list(people, svc.book, svc.today)
        for d in items[:LIST_LIMIT]:
            due.add_row(plain(d.name), d.what(lang), d.due.isoformat(), deadline_days_text(d, lang),
                        key=f"{d.person}:{d.rule}")
            self.note_step(f"{d.person}:{d.rule}", d.event)
        if len(items) > LIST_LIMIT:
            due.add_row(Text(t("more_in_tab", lang, n=len(items) - LIST_LIMIT), style="dim"), "", "", "", key="more")
        if not due.row_count and not empty:
            due.add_row(Text(t("nothing_due", lang), style="dim"), "", "", "", key="none")
        soon: DataTable[object] = self.query_one("#overview-soon", DataTable)
        soon.clear()
        soon_items = upcoming(people, svc.book, svc.today)
        for u in soon_items[:LIST_LIMIT]:
            soon.add_row(plain(u.person.name), event_label(u.event, lang), u.earliest.isoformat(), key=f"{u.person.id}:soon")
            self.note_step(f"{u.person.id}:soon", u.event)
        if len(soon_items) > LIST_LIMIT:
            soon.add_row(Text(t("more_in_planner", lang, n=len(soon_items) - LIST_LIMIT), style="dim"), "", "",
                         key="more")
        if not soon.row_count and not empty:
            soon.add_row(Text(t("nobody_soon", lang), style="dim"), "", "", key="none")
        self.lists_ready = True
        if self.pipeline is None:  # many people: after the lists, which it would otherwise share the CPU with
            self._compute_pipeline(people, svc.book, svc.today, self._generation)

