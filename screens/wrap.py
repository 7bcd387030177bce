"""A label whose text is wrapped by character (tracker.cjkwrap: Chinese is set that way; Textual's own
wrapping breaks at spaces only)."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.widgets import Label

from tracker.cjkwrap import NO_LINE_END as NO_LINE_END
from tracker.cjkwrap import NO_LINE_START as NO_LINE_START
from tracker.cjkwrap import wrap_offsets as wrap_offsets
from tracker.cjkwrap import wrap_text as wrap_text


class Wrapped(Label):
    """A label whose text is wrapped by character to its width (messages, errors, rule checks)."""

    def __init__(self, content: Text | str = "", **kwargs: Any) -> None:
        super().__init__("", **kwargs)
        self._text = content if isinstance(content, Text) else Text(content)

    def update(self, content: Any = "", *, layout: bool = True) -> None:
        self._text = content if isinstance(content, Text) else Text(str(content))
        super().update(self._text, layout=layout)
        self.display = bool(self._text.plain)  # an empty message takes no line

    def on_mount(self) -> None:
        self.display = bool(self._text.plain)

    @property
    def text(self) -> Text:
        return self._text

    def render(self) -> Any:
        width = self.content_size.width
        if width <= 0 or not self._text.plain:
            return self._text
        return wrap_text(self._text, width)

    def on_resize(self) -> None:
        self.refresh(layout=True)
