"""Chinese text wrapped by character, as Chinese is set: a line may break between any two Chinese
characters, never before a closing mark (``）``, ``。``, ``，`` …) or after an opening one (``（``, ``“``);
a Latin word or a date (``2026-03-15``) is kept whole when it fits. Rich and Textual wrap at spaces only,
so a long Chinese message folds at the edge and leaves ``）`` or ``✗`` alone on a line. Used by the app's
labels (screens/wrap.py) and the command line's messages."""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text

NO_LINE_START = set("）)]】》」』〕〉”’。，、：；！？!?,.:;%…～·")
NO_LINE_END = set("（([【《「『〔〈“‘✗✓!•·")


def _breakable(ch: str) -> bool:
    """A break may fall before ``ch`` when it is wide (a Chinese character or mark) or a space."""
    return ch == " " or cell_len(ch) == 2


def wrap_offsets(text: str, width: int) -> list[int]:
    """Where to break ``text`` (one paragraph, no newlines) so that every line fits ``width`` cells."""
    if width <= 2:
        return []
    offsets: list[int] = []
    start, used = 0, 0
    i = 0
    while i < len(text):
        w = cell_len(text[i])
        if used + w > width and i > start:
            cut = _best_cut(text, start, i)
            offsets.append(cut)
            while cut < len(text) and text[cut] == " ":  # a space at a line's start is dropped
                cut += 1
            start, used, i = cut, 0, cut
            continue
        used += w
        i += 1
    return offsets


def _best_cut(text: str, start: int, end: int) -> int:
    """The last good place in ``text[start:end]`` to break before ``end`` (which no longer fits)."""
    for cut in range(end, start, -1):
        before, after = text[cut - 1], text[cut]
        if after in NO_LINE_START or before in NO_LINE_END:
            continue
        if _breakable(after) or _breakable(before) or before == " ":
            return cut
    # one long Latin word: fold it where the line is full, keeping a closing mark with what it closes
    return end - 1 if text[end] in NO_LINE_START and end - 1 > start else end


def wrap_text(text: Text, width: int) -> Text:
    """``text`` (Rich, styles kept) with line breaks put in by character for ``width`` cells."""
    out = Text(style=text.style, end="")
    for n, line in enumerate(text.split("\n", allow_blank=True)):
        if n:
            out.append("\n")
        offsets = wrap_offsets(line.plain, width)
        if not offsets:
            out.append_text(line)
            continue
        parts = line.divide(offsets)
        for k, part in enumerate(parts):
            if k:
                out.append("\n")
                part = part[len(part.plain) - len(part.plain.lstrip(" ")):]
            if k < len(parts) - 1:
                part.rstrip()
            out.append_text(part)
    return out
