"""Home: the pipeline with counts, what is overdue or due soon, and who becomes eligible soon."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Label, Static

from tracker.reports import due_list, stage_counts, upcoming
from tracker.stages import STAGE_KEYS, STAGES, event_label

from .text import t
from .widgets import PersonRows, deadline_days_text, new_table, plain, tracker_app

LIST_LIMIT = 100  # rows per list on the overview; the Deadlines tab and the planner have the rest
SHORT_EN = {"applicant": "Applicant", "activist": "Activist", "target": "Target", "probationary": "Probationer",
            "member": "Member"}


class StageBox(Static):
    def set_count(self, stage_key: str, count: int, lang: str) -> None:
        stage = next(s for s in STAGES if s.key == stage_key)
        label = stage.zh if lang == "zh" else f"{SHORT_EN[stage_key]}\n{stage.zh}"
        self.update(Text.assemble((label, "bold"), "\n", (str(count), "bold cyan")))


class Overview(PersonRows, Vertical):
    """Counts come first (fast); the lists follow in the same refresh."""

    def compose(self) -> ComposeResult:
        lang = tracker_app(self).lang
        yield Label(t("pipeline", lang), classes="section")
        with Horizontal(id="pipeline"):
            for key in STAGE_KEYS:
                yield StageBox(id=f"box-{key}", classes="stagebox")
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
        app = tracker_app(self)
        lang, svc = app.lang, app.service
        people = svc.people()
        counts = stage_counts(people)
        for key in STAGE_KEYS:
            self.query_one(f"#box-{key}", StageBox).set_count(key, counts[key], lang)
        self.lists_ready = False
        self.call_after_refresh(self.fill_lists)

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

