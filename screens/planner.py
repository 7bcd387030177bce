"""Meeting planner: for a meeting date, who is eligible for each stage step and who is blocked by what.

Keyboard: the list has the focus, so digits and letters keep their meaning; ``m`` enters the date box
(Enter or Esc leaves it). ``space`` marks people, ``r`` records one decision for the marked (or the row's
step for the row under the cursor, on the meeting date), ``e`` exports the list, ``g`` the publicity notice.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache

from rich.cells import cell_len
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Input, Label, Select

from tracker.dates import DateError, parse_date
from tracker.meeting import MEETING_STEPS, meeting_items
from tracker.model import Person
from tracker.profiles import RuleBook
from tracker.reports import Eligibility, Verdict
from tracker.stages import event_label

from .keys import bind, relabel
from .table import ListTable
from .text import t
from .widgets import (
    OrderedInput,
    PersonRows,
    RecordRequest,
    done_loading,
    iso,
    name_cell,
    new_list,
    person_id_from_key,
    plain,
    tracker_app,
)
from .wrap import Wrapped, wrap_text

STEP_LIMIT = 200  # rows per step (eligible first); filter by branch or step for the rest
STEPS = MEETING_STEPS
WIDE = 110
MARK = "●"
REASON_MIN = 16  # narrower than this, the reason is wrapped at this width and the table scrolls sideways


def short_reason(v: Verdict, lang: str) -> str:
    """What blocks, in a table cell: the earliest date when there is one, else what is missing (the message
    after its heading, whole)."""
    if v.earliest is not None:
        return f"{v.code} " + (f"最早 {v.earliest}" if lang == "zh" else f"earliest {v.earliest}")
    text = v.message(lang)
    sep = "：" if lang == "zh" else ": "
    body = text.split(sep, 1)[1] if sep in text else text
    return f"{v.code} {body}".strip()  # whole: what is in "（…）" says from when (wrapped in the table)


@lru_cache(maxsize=512)
def _wrapped(reason: str, width: int) -> str:
    """A reason wrapped by character to ``width`` cells; many rows share one (the same rule blocks many people)."""
    return wrap_text(Text(reason), width).plain if cell_len(reason) > width else reason


class DateBox(OrderedInput):
    """The meeting date: takes only what a date is written with; Esc gives the focus back to the list."""

    BINDINGS = [Binding("escape", "leave", show=False)]

    def action_leave(self) -> None:
        for node in self.ancestors:
            if isinstance(node, Planner):
                node.leave_date()
                return


class Planner(PersonRows, Vertical):
    BINDINGS = [
        bind("m", "date", "meeting_date"),
        bind("space", "mark", "mark"),
        bind("e", "export_list", "export_list"),
        bind("g", "notice", "notice"),
    ]

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.on_date: date | None = None
        self.branch: str | None = None
        self.step: str | None = None
        self.marked: dict[int, str] = {}  # person id → the step of their marked row
        self.wide: bool | None = None
        self.laid_out_for = 0  # the screen width the rows were wrapped for
        self._generation = 0  # a worker's list for an older date, branch, step or data is dropped
        self._items: list[Eligibility] | None = None  # the list shown

    class Listed(Message):
        """The meeting list, computed in a worker (every active person's rules checked: seconds at 10k)."""

        def __init__(self, items: list[Eligibility], generation: int) -> None:
            super().__init__()
            self.items, self.generation = items, generation

    def compose(self) -> ComposeResult:
        app = tracker_app(self)
        lang = app.lang
        yield Wrapped(t("planner_hint", lang), classes="hint")  # wrapped, never cut at the edge
        with Horizontal(id="planner-bar"):
            yield Label(t("meeting_date", lang) + " (m) ", classes="field-label")
            box = DateBox(value=iso(self.on_date or app.service.today), id="planner-date",
                          restrict=r"[0-9０-９./／\-－年月日 ]*", max_length=16)
            box.cursor_blink = app.cursor_blink
            yield box
            yield Select([(event_label(k, lang), k) for k in STEPS], prompt=t("all_steps", lang), id="planner-step",
                         value=self.step or Select.NULL)
            yield Select([], prompt=t("all_branches", lang), id="planner-branch")
            yield Label("", id="planner-error", classes="error")
        yield new_list([], id="planner-table", zebra=False)
        yield Label("", id="planner-marked")

    def on_mount(self) -> None:
        relabel(self, tracker_app(self).lang)  # the footer names the planner's keys in the UI's language

    def set_columns(self) -> None:
        wide = self.app.size.width >= WIDE
        if wide == self.wide:
            return
        self.wide = wide
        lang = tracker_app(self).lang
        table = self.query_one("#planner-table", ListTable)
        table.clear(columns=True)
        cols = [("mark", " "), ("step", t("next", lang)), ("name", t("name", lang))]
        cols += [("branch", t("branch", lang))] if wide else []
        cols += [("status", t("status", lang)), ("detail", t("reason", lang))]
        for key, label in cols:
            table.add_column(label, key=key)

    def on_resize(self) -> None:
        # after the resize is laid out (rows filled in the middle of it keep their header's width): the columns
        # (over WIDE) and the reason's wrapping follow the width
        self.call_after_refresh(self._relayout)

    def _relayout(self) -> None:
        if self.wide is not None and self.app.size.width != self.laid_out_for and self._items is not None:
            self.fill(self._items)  # the same list, laid out again

    # ---- filling the list
    def refresh_data(self) -> None:
        app = tracker_app(self)
        lang = app.lang
        text = self.query_one("#planner-date", Input).value
        err = self.query_one("#planner-error", Label)
        try:
            on_date = parse_date(text)
        except DateError as exc:
            err.update(exc.zh if lang == "zh" else exc.en)
            return
        err.update("")
        if on_date != self.on_date:
            self.marked.clear()  # marks belong to one meeting
        self.on_date = on_date
        svc = app.service
        people = svc.people()
        branch_sel: Select[str] = self.query_one("#planner-branch", Select)
        with branch_sel.prevent(Select.Changed):
            branch_sel.set_options([(plain(b), b) for b in sorted({p.branch for p in people if p.branch})])
            if self.branch is not None:
                branch_sel.value = self.branch
        self._generation += 1
        table = self.query_one("#planner-table", ListTable)
        if svc.count() < app.background_from:
            self.fill(meeting_items(people, svc.book, on_date, today=svc.today, branch=self.branch, step=self.step))
            return
        table.loading = True  # the list as it was, under a loading indicator, until the worker's comes
        self._compute(people, svc.book, on_date, svc.today, self.branch, self.step, self._generation)

    @work(thread=True, exclusive=True, group="planner", description="meeting list")
    def _compute(self, people: list[Person], book: RuleBook, on_date: date, today: date, branch: str | None,
                 step: str | None, generation: int) -> None:
        self.post_message(self.Listed(meeting_items(people, book, on_date, today=today, branch=branch, step=step),
                                      generation))

    @on(Listed)
    def _listed(self, message: Listed) -> None:
        if message.generation == self._generation:
            self.fill(message.items)
            done_loading(self.query_one("#planner-table", ListTable))

    def fill(self, items: list[Eligibility]) -> None:
        self._items = items
        lang = tracker_app(self).lang
        self.set_columns()
        table = self.query_one("#planner-table", ListTable)
        table.clear()
        self.row_steps = {}
        blank: list[Text | str] = [""] if self.wide else []
        rows: list[tuple[str, list[Text | str], Text]] = []  # key, cells before the reason, the reason
        for step in STEPS:
            found = [e for e in items if e.event == step]
            if not found:
                continue
            ok = sum(1 for e in found if e.eligible)
            rows.append((f"group-{step}", ["", Text(event_label(step, lang), style="bold orange1"), "", *blank,
                                           Text(f"{t('eligible', lang)} {ok}/{len(found)}", style="bold")], Text()))
            for e in found[:STEP_LIMIT]:
                if e.eligible:
                    status = Text("✓ " + t("eligible", lang), style="green")
                    detail = Text("")
                else:
                    status = Text("✗ " + t("blocked", lang), style="red")
                    detail = plain(short_reason(e.check.refusals[0], lang), "dim")
                key = f"{e.person.id}:{step}"
                mark = Text(MARK, style="bold cyan") if self.marked.get(e.person.id) == step else ""
                rows.append((key, [mark, "", name_cell(e.person.name), *([plain(e.person.branch)] if self.wide else []),
                                   status], detail))
                self.note_step(key, step)
            if len(found) > STEP_LIMIT:
                rows.append((f"more-{step}", ["", "", Text(t("more_rows_planner", lang, n=len(found) - STEP_LIMIT),
                                                           style="dim"), *blank, ""], Text()))
        if not rows:
            rows.append(("none", ["", "", Text(t("nobody_planner", lang), style="dim"), *blank, ""], Text()))
        self.laid_out_for = self.app.size.width
        width = self._reason_width(table, [cells for _, cells, _ in rows])
        for key, cells, detail in rows:
            # the reason whole (its "（…）" says from when), wrapped by character to the room the table has left
            reason = Text(_wrapped(detail.plain, width), style=detail.style) if detail.plain else detail
            table.add_row(*cells, reason, key=key, height=max(1, len(reason.plain.split("\n"))))
        self._show_marked()
        self._cursor_off_headers(table)

    def _reason_width(self, table: ListTable, rows: list[list[Text | str]]) -> int:
        """The cells left for the reason column: the table's width less the other columns (each as wide as its
        widest cell or heading), their padding and the scrollbar."""
        pad = 2 * table.cell_padding
        widths = [cell_len(str(column.label)) for column in table.columns.values()][:-1]
        for cells in rows:
            widths = [max(w, cell_len(c.plain if isinstance(c, Text) else c)) for w, c in zip(widths, cells, strict=False)]
        room = (table.size.width or self.app.size.width) - sum(w + pad for w in widths) - pad - 2
        return max(REASON_MIN, room)

    def _cursor_off_headers(self, table: ListTable) -> None:
        """The cursor never rests on a step's heading."""
        if table.row_count > 1 and person_id_from_key(self._row_key(table)) is None:
            table.move_cursor(row=min(table.cursor_row + 1, table.row_count - 1), scroll=False)
            if table.cursor_row == 1:  # the first step's heading stays in view above it
                self.call_after_refresh(table.scroll_to, y=0, animate=False)

    @staticmethod
    def _row_key(table: ListTable) -> str | None:
        return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value if table.row_count else None

    def _show_marked(self) -> None:
        lang = tracker_app(self).lang
        n = len(self.marked)
        self.query_one("#planner-marked", Label).update(
            t("marked", lang, n=n) if n else t("mark_hint", lang))

    # ---- keys
    def action_date(self) -> None:
        self.query_one("#planner-date", Input).focus()

    def leave_date(self) -> None:
        """Esc in the date box: back to the list (the date applied when it reads as one)."""
        self.refresh_data()
        self.query_one("#planner-table").focus()

    def action_mark(self) -> None:
        table = self.query_one("#planner-table", ListTable)
        key = self._row_key(table)
        pid = person_id_from_key(key)
        if pid is None or key is None:
            return
        step = self.row_steps.get(key, "")
        if self.marked.get(pid) == step:
            del self.marked[pid]
        else:
            self.marked[pid] = step
        table.update_cell(key, "mark", Text(MARK, style="bold cyan") if pid in self.marked else "")
        self._show_marked()
        if table.cursor_row < table.row_count - 1:
            table.move_cursor(row=table.cursor_row + 1)

    def record_request(self) -> RecordRequest | None:
        """``r``: the marked people (one decision), else the row's step; both on the meeting date."""
        if self.marked:
            steps = list(self.marked.values())
            common = max(set(steps), key=steps.count)
            return RecordRequest(tuple(self.marked), common, self.on_date, batch=True)
        req = super().record_request()
        return None if req is None else RecordRequest(req.pids, req.step, self.on_date)

    def batch_done(self, saved: bool | None) -> None:
        if saved:
            self.marked.clear()
            self.refresh_data()

    def action_export_list(self) -> None:
        from .meeting import MeetingExportModal

        if self.on_date is not None:
            app = tracker_app(self)
            app.push_screen(MeetingExportModal(self.on_date, self.branch, self.step, app.export_dir))

    def action_notice(self) -> None:
        from .meeting import NoticeModal

        marked = [pid for pid, step in self.marked.items() if step == "target"]
        tracker_app(self).push_screen(NoticeModal(marked or None, self.branch))

    # ---- events
    @on(Input.Submitted, "#planner-date")
    def _date(self) -> None:
        self.leave_date()

    @on(Select.Changed, "#planner-branch")
    def _branch(self, event: Select.Changed) -> None:
        self.branch = None if event.value is Select.NULL else str(event.value)
        self.refresh_data()

    @on(Select.Changed, "#planner-step")
    def _step(self, event: Select.Changed) -> None:
        self.step = None if event.value is Select.NULL else str(event.value)
        self.refresh_data()
