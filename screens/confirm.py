"""A yes/no question before something that cannot be taken back in one key (a bulk undo, discarding a
filled form, creating a folder). ``y``/``Enter`` agree, ``n``/``Esc`` decline; the footer shows both."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.screen import ModalScreen
from textual.widgets import Button

from .footer import LocalFooter
from .keys import bind, relabel
from .text import t
from .widgets import DialogScroll, plain, tracker_app
from .wrap import Wrapped


class ConfirmModal(ModalScreen[bool]):
    BINDINGS = [bind("y", "yes", "confirm"), bind("n", "no", "decline"), bind("escape", "no", "cancel")]

    def __init__(self, question: str, yes: str | None = None) -> None:
        super().__init__()
        self.question = question
        self.yes = yes

    def compose(self) -> ComposeResult:
        lang = tracker_app(self).lang
        with DialogScroll(id="dialog", classes="confirm"):
            yield Wrapped(plain(self.question, keep_newlines=True), id="confirm-question")
            with Horizontal(classes="buttons"):
                yield Button(f"{self.yes or t('yes', lang)} (Y)", variant="warning", id="confirm-yes")
                yield Button(f"{t('no', lang)} (N)", id="confirm-no")
        yield LocalFooter()

    def on_mount(self) -> None:
        relabel(self, tracker_app(self).lang)
        self.query_one("#confirm-yes").focus()

    @on(Button.Pressed, "#confirm-yes")
    def action_yes(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#confirm-no")
    def action_no(self) -> None:
        self.dismiss(False)
