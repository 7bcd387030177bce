"""Home: the pipeline with counts, what is overdue or due soon, and who becomes eligible soon."""

from __future__ import annotations

from datetime import date
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import DataTable, Label, LoadingIndicator, Static
from textual.worker import Worker, WorkerState

from tracker.model import Person
from tracker.reports import Deadline, Upcoming, due_list, stage_counts, upcoming
from tracker.stages import STAGE_KEYS, STAGES, event_label

from .text import t
from .widgets import PersonRows, deadline_days_text, new_table, plain, tracker_app

LIST_LIMIT = 100  # rows per list on the overview; the Deadlines tab and the planner have the rest
SHORT_EN = {"applicant": "Applicant", "activist": "Activist", "target": "Target", "probationary": "Probationer",
            "member": "Member"}


class StageBox(Static):
    def set_count(self, stage_key: str, count: int | None, lang: str) -> None:
        stage = next(s for s in STAGES if s.key == stage_key)
        label = stage.zh if lang == "zh" else f"{SHORT_EN[stage_key]}\n{stage.zh}"
        self.update(Text.assemble((label, "bold"), "\n", ("…" if count is None else str(count), "bold cyan")))


class Overview(PersonRows, Vertical):
    """Counts come first; the lists follow. With many people both are computed in a worker (the screen
    shows at once, with a loading indicator), and handed back as messages."""

    class Counted(Message):
        def __init__(self, counts: dict[str, int], empty: bool, generation: int = 0) -> None:
            super().__init__()
            self.counts, self.empty, self.generation = counts, empty, generation

    class Listed(Message):
        def __init__(self, due: list[Deadline], soon: list[Upcoming], generation: int = 0) -> None:
            super().__init__()
            self.due, self.soon, self.generation = due, soon, generation

    def compose(self) -> ComposeResult:
        lang = tracker_app(self).lang
        self.lists_ready = False
        yield Label(t("pipeline", lang), classes="section")
        with Horizontal(id="pipeline"):
            for key in STAGE_KEYS:
                yield StageBox(id=f"box-{key}", classes="stagebox")
        yield Static("", id="empty-start")
        yield LoadingIndicator(id="overview-loading")
        yield Label(t("due_title", lang), classes="section", id="due-label")
        yield new_table([("name", t("name", lang)), ("what", t("what", lang)), ("due", t("due", lang)),
                         ("left", t("days_left", lang))], id="overview-due")
        yield Label(t("soon_title", lang), classes="section", id="soon-label")
        yield new_table([("name", t("name", lang)), ("next", t("next", lang)), ("earliest", t("earliest", lang))],
                        id="overview-soon")

    def on_mount(self) -> None:
        lang = tracker_app(self).lang
        for key in STAGE_KEYS:  # the stages show at once; their counts ("…") once the file is read
            self.query_one(f"#box-{key}", StageBox).set_count(key, None, lang)
        self._show_lists(None)

    def refresh_data(self) -> None:
        app = tracker_app(self)
        svc = app.service
        self.lists_ready = False
        self.generation = getattr(self, "generation", 0) + 1  # a worker still running for older data is ignored
        if svc.count() < app.background_from:  # a few hundred people: at once (and tests see it without waiting)
            people = svc.people()
            self._counted(self.Counted(stage_counts(people), not people, self.generation))
            self.call_after_refresh(self._list_inline)
            return
        for key in STAGE_KEYS:
            self.query_one(f"#box-{key}", StageBox).set_count(key, None, app.lang)
        self._show_lists(None)
        self.compute(svc.today, self.generation)

    def _list_inline(self) -> None:
        svc = tracker_app(self).service
        people = svc.people()
        self._listed(self.Listed(due_list(people, svc.book, svc.today), upcoming(people, svc.book, svc.today),
                                 self.generation))

    @work(thread=True, exclusive=True, group="overview", exit_on_error=False)
    def compute(self, today: date, generation: int) -> None:
        """Off the UI thread: build everyone, count (posted first), then the two lists."""
        svc = tracker_app(self).service
        people: list[Person] = list(svc.people())
        self.post_message(self.Counted(stage_counts(people), not people, generation))
        self.post_message(self.Listed(due_list(people, svc.book, today), upcoming(people, svc.book, today),
                                      generation))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group == "overview" and event.state == WorkerState.ERROR:  # e.g. the file reloaded under it
            self.refresh_data()

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
        for key in STAGE_KEYS:
            self.query_one(f"#box-{key}", StageBox).set_count(key, message.counts[key], lang)
        self.empty = message.empty
        self.query_one("#empty-start", Static).update(t("empty_start", lang) if message.empty else "")
        if message.empty:
            self._show_lists(True)

    @on(Listed)
    def _listed(self, message: Listed) -> None:
        if message.generation != self.generation:
            return
        lang = tracker_app(self).lang
        empty = getattr(self, "empty", False)
        self._show_lists(empty)
        due: DataTable[Any] = self.query_one("#overview-due", DataTable)
        due.clear()
        items = message.due
        for d in items[:LIST_LIMIT]:
            due.add_row(plain(d.name), d.what(lang), d.due.isoformat(), deadline_days_text(d, lang),
                        key=f"{d.person}:{d.rule}")
        if len(items) > LIST_LIMIT:
            due.add_row(Text(t("more_in_tab", lang, n=len(items) - LIST_LIMIT), style="dim"), "", "", "", key="more")
        if not due.row_count and not empty:
            due.add_row(Text(t("nothing_due", lang), style="dim"), "", "", "", key="none")
        soon: DataTable[Any] = self.query_one("#overview-soon", DataTable)
        soon.clear()
        soon_items = message.soon
        for u in soon_items[:LIST_LIMIT]:
            soon.add_row(plain(u.person.name), event_label(u.event, lang), u.earliest.isoformat(),
                         key=f"{u.person.id}:soon")
        if len(soon_items) > LIST_LIMIT:
            soon.add_row(Text(t("more_in_planner", lang, n=len(soon_items) - LIST_LIMIT), style="dim"), "", "",
                         key="more")
        if not soon.row_count and not empty:
            soon.add_row(Text(t("nobody_soon", lang), style="dim"), "", "", key="none")
        self.lists_ready = True
