"""Every open deadline, grouped overdue / this week / this month / later, filterable by branch and rule."""

from __future__ import annotations

from datetime import date

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Select

from tracker.model import Person
from tracker.profiles import RuleBook
from tracker.reports import Deadline, due_list

from .table import ListTable
from .text import t
from .widgets import PersonRows, deadline_days_text, done_loading, name_cell, new_list, plain, tracker_app

GROUP_LIMIT = 200  # rows per group; narrow by branch or rule to see the rest
GROUPS = (("overdue", -10**6, -1), ("waiting", -10**6, 0), ("week", 0, 7), ("month", 8, 30), ("later", 31, 10**6))


def _in_group(d: Deadline, group: str, lo: int, hi: int) -> bool:
    """Reminders past their date (R14) wait in their own group; they are never overdue."""
    if (group == "waiting") != (d.status == "waiting"):
        return False
    return lo <= d.days_left <= hi


class Deadlines(PersonRows, Vertical):
    class Listed(Message):
        """Everyone's open deadlines, computed in a worker (at 10k people ≈ 0.2 s)."""

        def __init__(self, items: list[Deadline], generation: int) -> None:
            super().__init__()
            self.items, self.generation = items, generation

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.branch: str | None = None
        self.rule: str | None = None
        self.items: list[Deadline] | None = None  # everyone's, for the data shown (None: being computed)
        self._generation = 0

    def compose(self) -> ComposeResult:
        lang = tracker_app(self).lang
        with Horizontal(id="deadline-filters"):
            yield Select([], prompt=t("all_branches", lang), id="deadline-branch")
            yield Select([], prompt=t("all_rules", lang), id="deadline-rule")
        yield new_list([], id="deadline-table", zebra=False)

    def on_mount(self) -> None:
        self.wide: bool | None = None

    def set_columns(self) -> bool:
        """At 80 columns the branch and rule give way; returns True when the columns changed."""
        wide = self.app.size.width >= 110
        if wide == getattr(self, "wide", None):
            return False
        self.wide = wide
        lang = tracker_app(self).lang
        table = self.query_one("#deadline-table", ListTable)
        table.clear(columns=True)
        cols = [("name", t("name", lang))] + ([("branch", t("branch", lang))] if wide else [])
        cols += [("what", t("what", lang)), ("due", t("due", lang)), ("left", t("days_left", lang))]
        cols += [("rule", t("rule", lang))] if wide else []
        for key, label in cols:
            table.add_column(label, key=key)
        return True

    def on_resize(self) -> None:
        # after the resize is laid out: rows filled in the middle of it keep their header's width
        self.call_after_refresh(self._relayout)

    def _relayout(self) -> None:
        if self.set_columns():
            self.fill()

    def refresh_data(self) -> None:
        """The data changed: everyone's deadlines again (in a worker with many people; the list shows as loading
        meanwhile, and a branch or rule chosen then applies when they come)."""
        app = tracker_app(self)
        svc = app.service
        self._generation += 1
        if svc.count() < app.background_from:
            self.items = due_list(svc.people(), svc.book, svc.today, within=10**6)
            self.fill()
            return
        self.items = None
        self.query_one("#deadline-table", ListTable).loading = True
        self._compute(svc.people(), svc.book, svc.today, self._generation)

    @work(thread=True, exclusive=True, group="deadlines", description="deadlines")
    def _compute(self, people: list[Person], book: RuleBook, today: date, generation: int) -> None:
        self.post_message(self.Listed(due_list(people, book, today, within=10**6), generation))

    @on(Listed)
    def _listed(self, message: Listed) -> None:
        if message.generation == self._generation:
            self.items = message.items
            self.fill()
            done_loading(self.query_one("#deadline-table", ListTable))

    def fill(self) -> None:
        """The table from the deadlines computed last, for the branch and rule chosen."""
        app = tracker_app(self)
        lang = app.lang
        items = self.items
        if items is None:
            return
        people = {p.id: p for p in app.service.people()}
        branches = sorted({people[d.person].branch for d in items if people[d.person].branch})
        # the filter names a rule by its code and the step it is about, in the UI's language (no rule ids)
        rules = sorted({(d.code, d.rule, d.what(lang)) for d in items}, key=lambda r: (len(r[0]), r[0], r[1]))
        self._set_options("#deadline-branch", [(plain(b), b) for b in branches], self.branch)
        self._set_options("#deadline-rule", [(f"{code} {what}", rid) for code, rid, what in rules], self.rule)
        shown = [d for d in items if (self.branch is None or people[d.person].branch == self.branch)
                 and (self.rule is None or d.rule == self.rule)]
        self.set_columns()
        table = self.query_one("#deadline-table", ListTable)
        table.clear()
        self.row_steps = {}
        width = len(table.columns)
        for group, lo, hi in GROUPS:
            rows = [d for d in shown if _in_group(d, group, lo, hi)]
            if not rows:
                continue
            style = {"overdue": "bold red", "waiting": "bold cyan", "week": "bold yellow", "month": "yellow",
                     "later": "bold"}[group]
            table.add_row(Text(f"{t('group_' + group, lang)} {len(rows)}", style=style), *[""] * (width - 1),
                          key=f"group-{group}")
            for d in rows[:GROUP_LIMIT]:
                cite = d.citation_zh if lang == "zh" else d.citation_en
                cells: list[object] = [name_cell(d.name)]
                if self.wide:
                    cells.append(plain(people[d.person].branch))
                cells += [d.what(lang), d.due.isoformat(), deadline_days_text(d, lang)]
                cells += [f"{d.code} {cite}"] if self.wide else []
                table.add_row(*cells, key=f"{d.person}:{d.rule}")
                self.note_step(f"{d.person}:{d.rule}", d.event)
            if len(rows) > GROUP_LIMIT:
                table.add_row(Text(t("more_rows", lang, n=len(rows) - GROUP_LIMIT), style="dim"), *[""] * (width - 1),
                              key=f"more-{group}")
        if not table.row_count:
            table.add_row(Text(t("nothing_due", lang), style="dim"), *[""] * (width - 1), key="none")
        elif table.cursor_row == 0 and table.row_count > 1:
            table.move_cursor(row=1)  # the cursor starts on the first person, not on a group's heading

    def _set_options(self, selector: str, options: list[tuple[Text | str, str]], current: str | None) -> None:
        sel: Select[str] = self.query_one(selector, Select)
        with sel.prevent(Select.Changed):
            sel.set_options(options)
            if current is not None and any(v == current for _, v in options):
                sel.value = current

    @on(Select.Changed, "#deadline-branch")
    def _branch(self, event: Select.Changed) -> None:
        self.branch = None if event.value is Select.NULL else str(event.value)
        self.fill()

    @on(Select.Changed, "#deadline-rule")
    def _rule(self, event: Select.Changed) -> None:
        self.rule = None if event.value is Select.NULL else str(event.value)
        self.fill()
