"""The year's figures (tracker report --year) as a chart: what happened in the year as bars, each with its
trend over the years before; the stages at the year's end as bars; then the report's two sentences."""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from tracker.model import Person
from tracker.pipeline import NO_BRANCH
from tracker.stages import STAGE_KEYS
from tracker.textsafe import printable
from tracker.yearly import FLOW_KEYS, FLOW_LABELS, YearFigures, year_figures, year_flows

from .charts import STAGE_COLOURS, bar, fit, spark, stage_name
from .keys import bind, relabel
from .text import t
from .widgets import plain, tracker_app
from .wrap import Wrapped

TREND_YEARS = 6  # the selected year and the five before it
FLOW_COLOURS = {"applied": "bright_blue", "activist": "cyan", "target": "yellow", "approved": "magenta",
                "conversion-approved": "green", "left": "grey50"}


def figure_lines(figs: YearFigures, trend: dict[int, dict[str, int]], lang: str, width: int) -> list[Text]:
    """The chart, ``width`` cells wide (CJK labels measured in cells)."""
    labels = {k: (FLOW_LABELS[k][0] if lang == "zh" else FLOW_LABELS[k][1]) for k in FLOW_KEYS}
    label_w = max(max(cell_len(v) for v in labels.values()), max(cell_len(stage_name(k, lang)) for k in STAGE_KEYS)) + 1
    years = sorted(trend)
    trend_w = max(len(years), cell_len(f"{years[0]}–{years[-1]}") if years else 0) + 2
    bar_w = max(4, width - label_w - 6 - trend_w)
    out: list[Text] = []
    when = (t("year_whole", lang, year=figs.year) if figs.complete
            else t("year_to", lang, year=figs.year, date=figs.as_of.isoformat()))
    head = Text(fit(when, label_w + bar_w + 6), style="bold")
    if years:
        head.append(fit(f"{years[0]}–{years[-1]}", trend_w, "right"), style="dim")
    out.append(head)
    top = max(figs.flows.values(), default=0)
    for k in FLOW_KEYS:
        n = figs.flows[k]
        line = Text(fit(labels[k], label_w), style="bold")
        line.append(fit(bar(n, top, bar_w - 1), bar_w), style=FLOW_COLOURS[k])
        line.append(fit(str(n), 6, "right"), style="bold")
        if years:
            line.append("  ")
            line.append(fit(spark([trend[y][k] for y in years]), trend_w - 2, "right"), style=FLOW_COLOURS[k])
        out.append(line)
    out.append(Text(""))
    out.append(Text(t("year_end_stages" if figs.complete else "year_now_stages", lang), style="bold"))
    top = max(figs.at_end.values(), default=0)
    for k in STAGE_KEYS:
        n = figs.at_end[k]
        line = Text(fit(stage_name(k, lang), label_w), style="bold")
        line.append(fit(bar(n, top, bar_w - 1), bar_w), style=STAGE_COLOURS[k])
        line.append(fit(str(n), 6, "right"), style="bold")
        out.append(line)
    return out


class YearScreen(ModalScreen[None]):
    """``y`` on the main screen; ``<``/``>`` another year (not beyond this one); Esc closes."""

    BINDINGS: ClassVar[list[Binding | tuple[str, str] | tuple[str, str, str]]] = [
        bind("escape", "close", "back"),
        bind("less_than_sign,left,pageup", "year(-1)", "prev_year"),
        bind("greater_than_sign,right,pagedown", "year(1)", "next_year"),
        Binding("q,y", "close", show=False),
    ]
    #: up to this many people the figures are computed at once; beyond, in a worker
    inline_limit: ClassVar[int] = 2000

    class Ready(Message):
        def __init__(self, figs: YearFigures, trend: dict[int, dict[str, int]]) -> None:
            super().__init__()
            self.figs = figs
            self.trend = trend

    def __init__(self, year: int | None = None, branch: str | None = None) -> None:
        super().__init__()
        self.year = year
        self.branch = None if branch == NO_BRANCH else branch  # the overview's branch (None: every branch)
        self.figs: YearFigures | None = None
        self.trend: dict[int, dict[str, int]] = {}

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="year-box"):
            yield Static("", id="year-chart")
            yield Wrapped("", id="year-sentence")
        yield Footer()

    def on_mount(self) -> None:
        app = tracker_app(self)
        relabel(self, app.lang)
        if self.year is None:
            self.year = app.service.today.year
        self.load()

    def load(self) -> None:
        app = tracker_app(self)
        svc = app.service
        year = self.year or svc.today.year
        where = "" if self.branch is None else f" · {printable(self.branch)}"
        self.query_one("#year-box").border_title = t("year_title", app.lang, year=year, where=where)
        people = svc.people()
        if len(people) <= self.inline_limit:
            self._show(*self.compute(people, year, svc.today, self.branch))
        else:
            self.figs = None
            self.query_one("#year-chart", Static).update(Text(t("computing", app.lang), style="dim"))
            self.query_one("#year-sentence", Wrapped).update("")
            self._compute(people, year, svc.today, self.branch)

    @staticmethod
    def compute(people: list[Person], year: int, today: date,
                branch: str | None) -> tuple[YearFigures, dict[int, dict[str, int]]]:
        return (year_figures(people, year, today, branch),
                year_flows(people, year - TREND_YEARS + 1, year, today, branch))

    @work(thread=True, exclusive=True, group="year", description="year figures")
    def _compute(self, people: list[Person], year: int, today: date, branch: str | None) -> None:
        self.post_message(self.Ready(*self.compute(people, year, today, branch)))

    @on(Ready)
    def _ready(self, message: Ready) -> None:
        if message.figs.year == self.year:
            self._show(message.figs, message.trend)

    def _show(self, figs: YearFigures, trend: dict[int, dict[str, int]]) -> None:
        self.figs, self.trend = figs, trend
        self.draw()

    def draw(self) -> None:
        if self.figs is None:
            return
        lang = tracker_app(self).lang
        chart = self.query_one("#year-chart", Static)
        width = max(40, chart.size.width or self.query_one("#year-box").size.width - 2 or 74)
        chart.update(Text("\n").join(figure_lines(self.figs, self.trend, lang, width)))
        sentence = plain(self.figs.sentence(lang))
        sentence.append("\n")
        sentence.append_text(plain(self.figs.seed_sentence(lang)))
        self.query_one("#year-sentence", Wrapped).update(sentence)

    def on_resize(self) -> None:
        self.call_after_refresh(self.draw)

    def action_year(self, delta: int) -> None:
        today = tracker_app(self).service.today
        year = (self.year or today.year) + delta
        if year > today.year:
            self.notify(t("year_future", tracker_app(self).lang), severity="warning", timeout=2)
            return
        if year < 1921:
            return
        self.year = year
        self.load()

    def action_close(self) -> None:
        self.dismiss(None)
