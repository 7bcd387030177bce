"""The footer in the UI's language, the most used keys first (at 80 columns the rest fall off the end).

Textual's own bindings (the command palette's ``palette``, a Select menu's ``Dismiss menu``) carry English
descriptions; they are shown in the UI's language here.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from .widgets import tracker_app

#: Textual's descriptions → (zh, en)
TEXTUAL_WORDS: dict[str, tuple[str, str]] = {
    "palette": ("命令面板", "Palette"),
    "Dismiss menu": ("关闭菜单", "Close menu"),
    "Exit the command palette": ("关闭命令面板", "Close the palette"),
}

#: actions in the order a secretary uses them most; others follow in their own order
ORDER = ("help", "search", "new_person", "record", "record_next", "tab('overview')", "tab('people')",
         "tab('deadlines')", "tab('planner')", "save", "cancel", "back", "confirm", "record_any", "edit", "undo",
         "sort", "toggle_left", "correct", "remove", "export", "import", "toggle_lang", "reveal_id", "leave", "quit",
         "command_palette")


def _rank(action: str) -> int:
    name = action.removeprefix("app.").removeprefix("screen.")
    return ORDER.index(name) if name in ORDER else len(ORDER) - 1


class LocalFooter(Footer):
    def compose(self) -> ComposeResult:
        lang = tracker_app(self).lang
        keys = list(super().compose())
        for key in keys:
            if isinstance(key, FooterKey) and key.description in TEXTUAL_WORDS:
                zh, en = TEXTUAL_WORDS[key.description]
                key.description = zh if lang == "zh" else en
        keys.sort(key=lambda k: _rank(k.action) if isinstance(k, FooterKey) else len(ORDER))
        yield from keys
