"""Correct (``c``) or remove (``delete``) the recorded step under the cursor on a person's timeline.

The rules are checked live for the step and every later step of the person (tracker.service's
``preview_fix`` / ``preview_unrecord``); a reason is required and kept in the history.
"""

from __future__ import annotations

from datetime import date

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Select, Static

from tracker.dates import DateError, parse_date
from tracker.i18n import BilingualError
from tracker.reports import Check
from tracker.service import InputError
from tracker.stages import event_label

from .footer import LocalFooter
from .keys import bind, relabel
from .record import render_check
from .saving import Explained, SaveCancelDialog
from .text import t
from .widgets import DialogScroll, make_input, plain, tracker_app
from .wrap import Wrapped


class CorrectModal(SaveCancelDialog):
    """``remove=False``: a new date for the step; ``remove=True``: delete it."""

    BINDINGS = [bind("escape", "cancel", "cancel"), bind("ctrl+s", "save", "save", priority=True)]

    def __init__(self, person_id: int, event: str, dates: tuple[date, ...], *, removing: bool = False) -> None:
        super().__init__()
        self.person_id = person_id
        self.event = event
        self.dates = dates
        self.removing = removing
        self.check: Check | None = None

    def compose(self) -> ComposeResult:
        app = tracker_app(self)
        lang = app.lang
        person = app.service.person(self.person_id)
        title = "remove_title" if self.removing else "correct_title"
        with DialogScroll(id="dialog"):
            yield Label(plain(t(title, lang, name=person.name, step=event_label(self.event, lang))), classes="title")
            if len(self.dates) > 1:
                yield Label(t("which_one", lang), classes="field-label")
                yield Select([(d.isoformat(), d.isoformat()) for d in self.dates], value=self.dates[-1].isoformat(),
                             allow_blank=False, id="fix-which")
            if not self.removing:
                yield Label(t("correct_date", lang), classes="field-label")
                yield make_input(app, value=self.dates[-1].isoformat(), id="fix-date")
                yield Wrapped("", id="err-date", classes="error")
            yield Label(t("fix_reason", lang), classes="field-label")
            yield make_input(app, id="fix-reason")
            yield Wrapped("", id="err-field", classes="error")
            yield Label(t("checks", lang), classes="section")
            yield Wrapped("", id="fix-checks")
            with Vertical(id="box-override"):
                yield Label(t("override", lang), classes="field-label")
                yield make_input(app, id="fix-override")
            with Horizontal(classes="buttons"):
                yield Button(t("remove" if self.removing else "save", lang) + " (Ctrl+S)", variant="primary",
                             id="fix-save")
                yield Button(t("cancel", lang) + " (Esc)", id="fix-cancel")
        yield LocalFooter()

    def on_mount(self) -> None:
        relabel(self, tracker_app(self).lang)
        self.update_checks()
        self.query_one("#fix-reason" if self.removing else "#fix-date").focus()

    def _value(self, wid: str) -> str:
        return self.query_one(wid, Input).value.strip()

    def _old(self) -> date:
        if len(self.dates) > 1:
            return date.fromisoformat(str(self.query_one("#fix-which", Select).value))
        return self.dates[0]

    def _new(self) -> date:
        try:
            return parse_date(self._value("#fix-date"))
        except DateError as exc:
            raise InputError(exc.zh, exc.en, "date") from None

    def update_checks(self) -> None:
        app = tracker_app(self)
        lang, svc = app.lang, app.service
        panel = self.query_one("#fix-checks", Static)
        self.check = None
        if not self.removing:
            self.query_one("#err-date", Label).update("")
        self.query_one("#err-field", Label).update("")
        try:
            if self.removing:
                self.check = svc.preview_unrecord(self.person_id, self.event, self._old())
            else:
                self.check = svc.preview_fix(self.person_id, self.event, self._old(), self._new())
        except InputError as exc:
            self.query_one("#err-date" if exc.field == "date" and not self.removing else "#err-field", Label).update(
                plain(exc.message(lang), keep_newlines=True))
            panel.update("")
        except BilingualError as exc:  # nothing to correct (yet: the dialog just opened), a date in the future
            unchanged = not self.removing and self._value("#fix-date") == self._old().isoformat()
            self.query_one("#err-field", Label).update("" if unchanged else plain(exc.message(lang), keep_newlines=True))
            panel.update("")
        else:
            panel.update(render_check(self.check, lang))
        self._update_save()

    def _update_save(self) -> None:
        chk = self.check
        needs_override = chk is not None and bool(chk.refusals) and not chk.hard_refusals
        self.query_one("#box-override").display = needs_override
        ok = (chk is not None and not chk.hard_refusals and bool(self._value("#fix-reason"))
              and (chk.ok or bool(self._value("#fix-override"))))
        self.query_one("#fix-save", Button).disabled = not ok

    @on(Select.Changed, "#fix-which")
    def _which_changed(self) -> None:
        if not self.removing:  # start from the chosen record's date (that change re-runs the check)
            self.query_one("#fix-date", Input).value = self._old().isoformat()
        self.update_checks()

    @on(Input.Changed)
    def _changed(self) -> None:
        self.update_checks()

    def action_save(self) -> None:
        app = tracker_app(self)
        lang, svc = app.lang, app.service
        err = self.query_one("#err-field", Label)
        if self.query_one("#fix-save", Button).disabled:
            self.update_checks()
            if not self._value("#fix-reason"):
                err.update(t("reason_required", lang))
                self.query_one("#fix-reason").focus()
            elif self.check is not None and self.check.refusals and not self.check.hard_refusals:
                err.update(t("required_override", lang))
                self.query_one("#fix-override").focus()
            return
        pid, event, old, reason = self.person_id, self.event, self._old(), self._value("#fix-reason")
        if self.removing:
            def write() -> object:
                return svc.unrecord(pid, event, old, reason=reason)
        else:
            try:
                new = self._new()
            except InputError as exc:
                err.update(plain(t("refused", lang) + exc.message(lang), keep_newlines=True))
                return
            override = self._value("#fix-override") or None

            def write() -> object:
                return svc.fix(pid, event, old, new, reason=reason, override=override)

        def saved(_: object) -> None:
            app.data_changed(t("saved", lang))
            self.dismiss(True)

        def failed(exc: Explained) -> None:  # refused, bad input, a locked (timed out) or damaged database
            err.update(plain(t("refused", lang) + exc.message(lang), keep_newlines=True))

        self.write_in_background(write, saved, failed, status=err)
