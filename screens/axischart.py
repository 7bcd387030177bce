"""A person's path drawn on a time axis (tracker.axis computes it): one lane per stage, the minimum spans
(an activist's year …) and the probation year in bold, what is still to come dotted, today as a line."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from rich.cells import cell_len
from rich.text import Text
from textual.widget import Widget

from tracker.axis import Axis

from .charts import STAGE_COLOURS, fit, stage_name
from .text import t

TODAY_STYLE = "bold red"


class PersonAxis(Widget):
    DEFAULT_CSS = "PersonAxis { height: auto; }"

    def __init__(self, lang: str, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.lang = lang
        self.axis: Axis | None = None

    def show(self, axis: Axis | None) -> None:
        self.axis = axis
        self.refresh(layout=True)

    def get_content_height(self, container: object, viewport: object, width: int) -> int:
        return 0 if self.axis is None or not self.axis.lanes else len(self.axis.lanes) + 2

    def render(self) -> Text:
        if self.axis is None or not self.axis.lanes:
            return Text("")
        return Text("\n").join(axis_lines(self.axis, self.lang, self.size.width or 80))


def axis_lines(axis: Axis, lang: str, width: int) -> list[Text]:
    label_w = max(cell_len(stage_name(lane.stage, lang)) for lane in axis.lanes) + 1
    plot = max(10, width - label_w - 1)
    days = max(1, (axis.end - axis.start).days)

    def col(d: date) -> int:
        return round((d - axis.start).days * (plot - 1) / days)

    today = col(axis.today)
    out = [Text(" " * label_w) + _years(axis, plot, col)]
    for lane in axis.lanes:
        colour = STAGE_COLOURS[lane.stage]
        cells: list[tuple[str, str]] = [(" ", "")] * plot
        end = lane.end if lane.end is not None else (axis.today if not lane.start_projected else lane.start)
        first, last = col(lane.start), col(max(end, lane.start))
        for c in range(first, last + 1):
            actual = c <= today and not lane.start_projected
            cells[c] = ("─", colour) if actual else ("┄", f"dim {colour}")
        for span in lane.spans:
            a, b = col(span.start), col(span.end)
            style = f"bold {colour}" if not span.projected else colour
            for c in range(a, b + 1):
                cells[c] = ("━", style)
            cells[b] = ("┫", style)
            label = span.label(lang)
            if b - a - 1 >= cell_len(label) + 2:  # the span's name inside it, when it fits
                at = a + (b - a - cell_len(label)) // 2 + 1
                cells[at] = (label, style)
                for c in range(at + 1, at + cell_len(label)):
                    cells[c] = ("", style)
        cells[first] = ("○", colour) if lane.start_projected else ("●", f"bold {colour}")
        if 0 <= today < plot and cells[today][0] == " ":
            cells[today] = ("│", TODAY_STYLE)
        line = Text(fit(stage_name(lane.stage, lang), label_w), style=f"bold {colour}")
        for ch, style in cells:
            line.append(ch, style=style)
        out.append(line)
    out.append(_legend(axis, lang, label_w, plot, today))
    return out


def _years(axis: Axis, plot: int, col: Callable[[date], int]) -> Text:
    """Year labels at each 1 January inside the axis (as many as fit without touching)."""
    line = [" "] * plot
    taken = -1
    for year in range(axis.start.year, axis.end.year + 1):
        at = col(date(year, 1, 1)) if date(year, 1, 1) >= axis.start else 0
        label = f"┆{year}" if at else str(year)
        if at <= taken or at + len(label) > plot:
            continue
        line[at:at + len(label)] = list(label)
        taken = at + len(label)
    return Text("".join(line), style="dim")


def _legend(axis: Axis, lang: str, label_w: int, plot: int, today: int) -> Text:
    """"▲今天 2026-11-27" under today's column, then the symbols' meaning where there is room."""
    mark = f"▲{t('today', lang)} {axis.today.isoformat()}"
    at = min(max(0, today), max(0, plot - cell_len(mark)))
    line = Text(" " * (label_w + at))
    line.append(mark, style=TODAY_STYLE)
    keys = t("axis_legend", lang)
    room = label_w + plot - line.cell_len - 3
    if room >= cell_len(keys):
        line.append("   " + keys, style="dim")
    elif label_w + at >= cell_len(keys) + 3:  # left of today's mark instead
        line = Text(fit(keys, label_w + at - 3) + "   ", style="dim")
        line.append(mark, style=TODAY_STYLE)
    return line
