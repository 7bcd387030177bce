"""Saving off the UI thread: a write that waits for another program's lock never freezes the screen.

A dialog hands its write (a call into ``tracker.service``) to ``write_in_background``: it runs in a worker
thread, the dialog's fields are frozen meanwhile (what is saved is what was on screen when Save was
pressed), a status line says "waiting for another window to save…" when the lock is taken, and Esc gives
up the wait (nothing is written). The worker hands back a message; the dialog's ``done`` or ``failed`` runs
on the UI thread, so the dialog stays open with its input intact when the wait times out.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from textual.message import Message
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Button, Checkbox, Input, Label, Select, TextArea

from tracker.i18n import BilingualError
from tracker.lockwait import watching
from tracker.service import BatchRefused, Refused

from .text import t
from .widgets import notify, plain, tracker_app

if TYPE_CHECKING:
    from .app import TrackerApp

ResultT = TypeVar("ResultT")
#: what a write can fail with that a person reads (each has ``message(lang)``)
Explained = BilingualError | Refused | BatchRefused
FROZEN = (Input, Select, Checkbox, Button, TextArea)


class WriteFinished(Message):
    """A background write ended: its result, or the error it raised."""

    def __init__(self, result: Any, error: BaseException | None) -> None:
        super().__init__()
        self.result, self.error = result, error


class LockBusy(Message):
    """The write found the lock taken and waits for it."""


class BackgroundWrites(ModalScreen[ResultT]):
    """A dialog whose Save runs its write in a worker (see the module's text)."""

    _write: tuple[Callable[[Any], None], Callable[[Explained], None], Label | None] | None = None
    _cancel: threading.Event | None = None
    _frozen: list[Widget]
    _focus_before: Widget | None = None
    _pending: WriteFinished | None = None  # a result that came while another screen was on top

    @property
    def writing(self) -> bool:
        return self._write is not None

    def write_in_background(self, do: Callable[[], Any], done: Callable[[Any], None],
                            failed: Callable[[Explained], None], *, status: Label | None = None) -> None:
        """Run ``do`` (a service write) in a worker; then ``done(result)`` or ``failed(error)`` here.
        ``status`` is the dialog's line for the waiting text (without one, a notification says it)."""
        if self._write is not None:  # Save pressed twice: one write
            return
        app = tracker_app(self)
        self._write = (done, failed, status)
        cancel = self._cancel = threading.Event()
        self._freeze()
        app.writes_in_flight += 1

        def busy() -> None:
            self.post_message(LockBusy())

        def run() -> None:
            try:
                with watching(on_busy=busy, cancel=cancel):
                    result = do()
            except BaseException as exc:  # handed back to the UI thread, which decides
                self.post_message(WriteFinished(None, exc))
                return
            self.post_message(WriteFinished(result, None))

        self.run_worker(run, thread=True, exit_on_error=False, group="write")

    def cancel_write(self) -> bool:
        """Esc while a write waits: give the wait up (the dialog stays, saying nothing was saved).
        True when a write was in flight (the caller does not close the dialog itself)."""
        if self._cancel is None or self._write is None:
            return False
        self._cancel.set()
        return True

    def on_lock_busy(self, message: LockBusy) -> None:
        if self._write is None:
            return
        text = t("waiting_lock", tracker_app(self).lang)
        status = self._write[2]
        if status is not None:
            status.update(plain(text, "bold yellow"))  # a wait, not an error
        else:
            notify(self.app, text, timeout=4)

    def on_write_finished(self, message: WriteFinished) -> None:
        if self.app.screen is not self:  # help or a question on top: finish when this dialog is back
            self._pending = message
            return
        self._finish(message)

    def on_screen_resume(self) -> None:
        pending, self._pending = self._pending, None
        if pending is not None:
            self._finish(pending)

    def _finish(self, message: WriteFinished) -> None:
        if self._write is None:
            return
        done, failed, status = self._write
        self._write = self._cancel = None
        app = tracker_app(self)
        app.writes_in_flight -= 1
        self._thaw()
        if status is not None:
            status.update("")
        error = message.error
        if error is None:
            done(message.result)
            return
        if not isinstance(error, BilingualError | Refused | BatchRefused):
            raise error
        # Esc while waiting stops the wait, not the work: the dialog stays with what was typed (a note, an
        # override's reason) and says nothing was saved; Save tries again, a second Esc closes
        failed(error)

    def _freeze(self) -> None:
        self._focus_before = self.focused
        self._frozen = [w for w in self.query("*") if isinstance(w, FROZEN) and not w.disabled
                        and not (w.id or "").endswith("-cancel")]
        for widget in self._frozen:
            widget.disabled = True

    def _thaw(self) -> None:
        for widget in self._frozen:
            widget.disabled = False
        self._frozen = []
        if self._focus_before is not None and self._focus_before.is_attached:
            self._focus_before.focus()


class SaveCancelDialog(BackgroundWrites[bool]):
    """A dialog whose ``…-save`` button saves (``action_save``) and whose ``…-cancel`` button or Esc closes it
    without saving (or gives up a save still waiting for the lock): the wiring the record, correction and
    batch dialogs share."""

    def action_save(self) -> None:
        raise NotImplementedError

    def action_cancel(self) -> None:
        if not self.cancel_write():
            self.dismiss(False)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        name = event.button.id or ""
        if name.endswith("-save"):
            event.stop()
            self.action_save()
        elif name.endswith("-cancel"):
            event.stop()
            self.action_cancel()


def write_from_app(app: TrackerApp, do: Callable[[], ResultT], done: Callable[[ResultT], None],
                   failed: Callable[[Explained], None]) -> None:
    """A write with no dialog of its own (undo): in a worker, with a toast while it waits for the lock.
    One at a time: pressed again while one waits, the toast says it is still waiting."""
    if app.writes_in_flight:
        notify(app, t("waiting_lock_undo", app.lang), timeout=3)
        return
    app.writes_in_flight += 1

    def finish(result: Any, error: BaseException | None) -> None:
        app.writes_in_flight -= 1
        if error is None:
            done(result)
        elif isinstance(error, BilingualError | Refused | BatchRefused):
            failed(error)
        else:
            raise error

    def run() -> None:
        def busy() -> None:
            app.call_from_thread(notify, app, t("waiting_lock_undo", app.lang), timeout=4)

        try:
            with watching(on_busy=busy):
                result = do()
        except BaseException as exc:  # handed back to the UI thread, which decides
            app.call_from_thread(finish, None, exc)
            return
        app.call_from_thread(finish, result, None)

    app.run_worker(run, thread=True, exit_on_error=False, group="write")
