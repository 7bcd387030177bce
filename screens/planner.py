"""Meeting planner: for a meeting date, who is eligible for each stage step and who is blocked by what."""

from __future__ import annotations

from datetime import date

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Input, Label

from tracker.dates import DateError, parse_date
from tracker.reports import Verdict, eligibility
from tracker.stages import event_label

from .text import t
from .widgets import PersonRows, iso, make_input, new_table, plain, tracker_app

STEP_LIMIT = 200  # rows per step (eligible first)
STEPS = ("activist", "target", "admitted", "approved", "converted", "conversion-approved")


def short_reason(v: Verdict, lang: str) -> str:
    """What blocks, in a table cell: the earliest date when there is one, else what is missing."""
    if v.earliest is not None:
        return f"{v.code} " + (f"最早 {v.earliest}" if lang == "zh" else f"earliest {v.earliest}")
    text = v.message(lang)
    sep = "：" if lang == "zh" else ": "
    body = text.split(sep, 1)[1] if sep in text else text
    for stop in ("（", "。", " ("):
        body = body.split(stop, 1)[0]
    return f"{v.code} {body}".strip()


class Planner(PersonRows, Vertical):
    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.on_date: date | None = None

    def compose(self) -> ComposeResult:
        app = tracker_app(self)
        lang = app.lang
        yield Label(t("planner_hint", lang), classes="hint")
        with Horizontal(id="planner-bar"):
            yield Label(t("meeting_date", lang) + " ", classes="field-label")
            yield make_input(app, value=iso(self.on_date or app.service.today), id="planner-date")
            yield Label("", id="planner-error", classes="error")
        yield new_table([("step", t("next", lang)), ("name", t("name", lang)), ("status", t("status", lang)),
                         ("detail", t("reason", lang))], id="planner-table", zebra=False)

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
        self.on_date = on_date
        svc = app.service
        items = eligibility(svc.people(), svc.book, on_date)
        table: DataTable[object] = self.query_one("#planner-table", DataTable)
        table.clear()
        for step in STEPS:
            rows = [e for e in items if e.event == step]
            if not rows:
                continue
            ok = [e for e in rows if e.eligible]
            table.add_row(Text(event_label(step, lang), style="bold orange1"), "",
                          Text(f"{t('eligible', lang)} {len(ok)}/{len(rows)}", style="bold"), "", key=f"group-{step}")
            ordered = sorted(rows, key=lambda e: (not e.eligible, e.earliest or date.max, e.person.id))
            if len(ordered) > STEP_LIMIT:
                ordered, rest = ordered[:STEP_LIMIT], len(ordered) - STEP_LIMIT
            else:
                rest = 0
            for e in ordered:
                if e.eligible:
                    status = Text("✓ " + t("eligible", lang), style="green")
                    detail = Text("")
                else:
                    status = Text("✗ " + t("blocked", lang), style="red")
                    detail = plain(short_reason(e.check.refusals[0], lang), "dim")
                table.add_row("", plain(e.person.name), status, detail, key=f"{e.person.id}:{step}")
            if rest:
                table.add_row("", Text(t("more_rows", lang, n=rest), style="dim"), "", "", key=f"more-{step}")

    @on(Input.Submitted, "#planner-date")
    def _date(self) -> None:
        self.refresh_data()
        self.query_one("#planner-table").focus()
