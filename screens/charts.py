"""Drawing with block characters: bars measured in terminal cells (CJK text is two cells wide), and the
overview's pipeline chart. Nothing here computes a rule: the numbers come from tracker.pipeline."""

from __future__ import annotations

from rich.cells import cell_len, set_cell_size
from rich.text import Text
from textual.widget import Widget

from tracker.pipeline import Pipeline
from tracker.stages import STAGE_KEYS, STAGES
from tracker.textsafe import printable

from .text import t

EIGHTHS = " ▏▎▍▌▋▊▉"
SPARKS = "▁▂▃▄▅▆▇█"
SHORT_EN = {"applicant": "Applicant", "activist": "Activist", "target": "Target", "probationary": "Probationer",
            "member": "Member"}
#: one colour per stage, the same in every picture
STAGE_COLOURS = {"applicant": "bright_blue", "activist": "cyan", "target": "yellow", "probationary": "magenta",
                 "member": "green"}


def bar(value: float, top: float, width: int) -> str:
    """A horizontal bar ``value / top`` of ``width`` cells, to an eighth of a cell; a non-zero value
    always shows at least a sliver."""
    if top <= 0 or value <= 0 or width <= 0:
        return ""
    eighths = max(1, round(8 * width * min(value, top) / top))
    full, part = divmod(eighths, 8)
    return "█" * full + (EIGHTHS[part] if part else "")


def spark(values: list[int]) -> str:
    """One character per value, ▁ (zero) to █ (the largest)."""
    top = max(values, default=0)
    if top <= 0:
        return SPARKS[0] * len(values)
    return "".join(SPARKS[round((len(SPARKS) - 1) * v / top)] for v in values)


def fit(text: str, width: int, align: str = "left") -> str:
    """``text`` padded or cut to exactly ``width`` cells (never half a CJK character)."""
    if width <= 0:
        return ""
    if cell_len(text) > width:
        return set_cell_size(text, width)
    pad = " " * (width - cell_len(text))
    return pad + text if align == "right" else text + pad


def stage_name(key: str, lang: str) -> str:
    """Short enough for a chart's label column; English keeps the Chinese term."""
    zh = next(s.zh for s in STAGES if s.key == key)
    return zh if lang == "zh" else f"{SHORT_EN[key]} {zh}"


def compact(n: int) -> str:
    """A count in at most 4 cells: 9999, 12k."""
    return str(n) if n < 10_000 else f"{n // 1000}k"


class PipelineChart(Widget):
    """The five stages as bars with their counts; beside each, how many may take their next stage step
    now, within 30 and within 90 days. Counts can be shown before the rest is computed."""

    DEFAULT_CSS = "PipelineChart { height: auto; }"

    def __init__(self, lang: str, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.lang = lang
        self.counts: dict[str, int] = dict.fromkeys(STAGE_KEYS, 0)
        self.data: Pipeline | None = None
        self.branch: str | None = None

    def show(self, counts: dict[str, int], data: Pipeline | None, branch: str | None) -> None:
        self.counts, self.data, self.branch = counts, data, branch
        self.refresh(layout=True)

    def get_content_height(self, container: object, viewport: object, width: int) -> int:
        return 1 + len(STAGE_KEYS)

    def lines(self, width: int) -> list[Text]:
        lang = self.lang
        label_w = max(cell_len(stage_name(k, lang)) for k in STAGE_KEYS) + 1
        heads = [t("pipe_people", lang), t("pipe_now", lang), t("pipe_30", lang), t("pipe_90", lang)]
        col_w = max(6, *(cell_len(h) + 1 for h in heads))
        bar_w = max(4, width - label_w - 4 * col_w - 1)
        stages = self.data.stages(self.branch) if self.data is not None else None
        counts = {k: f.count for k, f in stages.items()} if stages is not None else self.counts
        top = max(counts.values(), default=0)
        where = printable(self.branch) if self.branch is not None else t("all_branches", lang)
        head = Text(t("pipeline", lang), style="bold orange1")
        head.append(fit(f" · {where} {t('pipe_branch_key', lang)}", label_w + bar_w - head.cell_len), style="bold")
        head.append("".join(fit(h, col_w, "right") for h in heads), style="bold")
        out = [head]
        for key in STAGE_KEYS:
            n = counts.get(key, 0)
            line = Text(fit(stage_name(key, lang), label_w), style="bold")
            line.append(fit(bar(n, top, bar_w - 1), bar_w), style=STAGE_COLOURS[key])
            line.append(fit(compact(n) if counts else "…", col_w, "right"), style="bold")  # no counts: still reading
            if stages is None:
                line.append(fit("…", 3 * col_w, "right"), style="dim")
            elif key == "member":
                line.append(fit("—", col_w, "right") * 3, style="dim")
            else:
                f = stages[key]
                for v in (f.ready, *f.within):
                    line.append(fit(compact(v), col_w, "right"), style="bold cyan" if v else "dim")
            out.append(line)
        return out

    def render(self) -> Text:
        return Text("\n").join(self.lines(self.size.width or 80))
