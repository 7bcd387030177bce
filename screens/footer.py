"""The footer in the UI's language, the most used keys first (at 80 columns the rest fall off the end).

Textual's own bindings (the command palette's ``palette``, a Select menu's ``Dismiss menu``) carry English
descriptions; they are shown in the UI's language here.
"""

from __future__ import annotations

from rich.text import Text
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
    _shown: tuple[object, ...] | None = None  # what the keys were last built from

    def _keys_signature(self) -> tuple[object, ...]:
        """What the footer's keys are built from: the shown bindings (key, words, enabled, tooltip) and the language."""
        bindings = tuple((b.key, b.description, b.action, b.group, enabled, tooltip)
                         for _, b, enabled, tooltip in self.screen.active_bindings.values() if b.show)
        return tracker_app(self).lang, self.show_command_palette, self.compact, bindings

    async def recompose(self) -> None:
        """Textual rebuilds the footer's keys whenever the focus or the bindings move (every tab switch, every
        screen shown again): ≈ 15 widgets styled anew, the largest part of a keystroke. Only when they differ."""
        if not self.is_attached:
            return
        shown = self._keys_signature()
        if shown == self._shown:
            return
        self._shown = shown
        await super().recompose()
        self._fit()  # before the new keys are first laid out: no second layout (a tab switch stays quick)

    def compose(self) -> ComposeResult:
        lang = tracker_app(self).lang
        keys = list(super().compose())
        for key in keys:
            if isinstance(key, FooterKey) and not key.has_class("-command-palette"):
                # a key starts compact and is then bound to the footer's (not compact): two restylings of each
                # key on every rebuild (≈ 2 ms each); started as the footer is, it is restyled once (the
                # palette's key is not bound: it stays compact)
                key.set_reactive(FooterKey.compact, self.compact)
            if isinstance(key, FooterKey) and key.description in TEXTUAL_WORDS:
                zh, en = TEXTUAL_WORDS[key.description]
                key.description = zh if lang == "zh" else en
        keys.sort(key=lambda k: _rank(k.action) if isinstance(k, FooterKey) else len(ORDER))
        yield from keys

    # ---- keys that do not fit are left out rather than drawn under the palette key (docked right): there
    # their edges cut through its text and a Chinese character at a cut is lost ("^p 命令面板" showed "^p 令面板")
    def on_mount(self) -> None:
        self.call_after_refresh(self._fit)

    def on_resize(self) -> None:
        self._fit()

    def _fit(self) -> None:
        width = self.size.width
        if not width:
            return
        keys = list(self.query(FooterKey))
        palette = next((k for k in keys if k.has_class("-command-palette")), None)
        room = width - (_width(palette) + palette.styles.gutter.width if palette is not None else 0)
        used, fits = 0, True
        for key in keys:
            if key is palette:
                continue
            used += _width(key)
            fits = fits and used <= room
            if key.display != fits:
                key.display = fits


def _width(key: FooterKey) -> int:
    rendered = key.render()
    return rendered.cell_len if isinstance(rendered, Text) else key.outer_size.width
