"""After the meeting: one decision for the marked people. One step, one date, one note; each person checked
by the rules as they type; an override reason lifts a minimum or gate for each (never the order), or only
those who pass are recorded. Saved as ONE change: one history entry, one undo."""

from __future__ import annotations

from datetime import date
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Checkbox, Input, Label, Select, Static

from tracker.dates import DateError, parse_date
from tracker.i18n import BilingualError
from tracker.meeting import MEETING_STEPS
from tracker.model import Event, Person
from tracker.reports import Check
from tracker.service import BatchRefused, InputError
from tracker.stages import EVENT_KINDS, event_label
from tracker.textsafe import printable

from .footer import LocalFooter
from .keys import bind, relabel
from .saving import Explained, SaveCancelDialog
from .text import t
from .widgets import DialogScroll, Tick, make_input, notify, plain, tracker_app
from .wrap import Wrapped

#: the steps one decision can record for several people: those with no names, results or hours to fill in
BATCH_STEPS = tuple(k.key for k in sorted(EVENT_KINDS, key=lambda k: k.position)
                    if not k.fields and k.key not in ("applied", "left"))


class BatchRecordModal(SaveCancelDialog):
    BINDINGS = [bind("escape", "cancel", "cancel"), bind("ctrl+s", "save", "save", priority=True)]

    def __init__(self, pids: list[int], step: str | None, on_date: date | None) -> None:
        super().__init__()
        self.pids = pids
        self.first_step = step if step in BATCH_STEPS else MEETING_STEPS[0]
        self.on_date = on_date
        self.checked: list[tuple[Person, Check]] = []
        self.input_ok = False

    def compose(self) -> ComposeResult:
        app = tracker_app(self)
        lang = app.lang
        with DialogScroll(id="dialog"):
            yield Label(t("batch_title", lang, n=len(self.pids)), classes="title")
            yield Label(t("step", lang), classes="field-label")
            yield Select([(event_label(k, lang), k) for k in BATCH_STEPS], value=self.first_step,
                         allow_blank=False, id="batch-step")
            yield Label(t("date", lang), classes="field-label")
            yield make_input(app, value=(self.on_date or app.service.today).isoformat(), id="batch-date")
            yield Wrapped("", id="batch-err-date", classes="error")
            yield Label(t("note", lang), classes="field-label")
            yield make_input(app, id="batch-note")
            yield Label(t("batch_people", lang), classes="section")
            yield Static("", id="batch-checks")
            with Vertical(id="batch-override-box"):
                yield Label(t("override", lang), classes="field-label")
                yield make_input(app, id="batch-override")
            yield Tick(t("skip_refused", lang), id="batch-skip")
            yield Wrapped("", id="batch-error", classes="error")
            with Horizontal(classes="buttons"):
                yield Button(t("save", lang) + " (Ctrl+S)", variant="primary", id="batch-save")
                yield Button(t("cancel", lang) + " (Esc)", id="batch-cancel")
        yield LocalFooter()  # its own keys (Ctrl+S, Esc) in view at 80×24, where the buttons are below the fold

    def on_mount(self) -> None:
        relabel(self, tracker_app(self).lang)
        self.update_checks()
        # the date has the focus, the title (how many people) stays in view at 80×24: no centring scroll
        self.set_focus(self.query_one("#batch-date"), scroll_visible=False)

    def event(self) -> Event:
        text = self.query_one("#batch-date", Input).value
        try:
            on_date = parse_date(text)
        except DateError as exc:
            raise InputError(exc.zh, exc.en, "date") from None
        note = self.query_one("#batch-note", Input).value.strip() or None
        return Event(str(self.query_one("#batch-step", Select).value), on_date, note=note)

    def update_checks(self) -> None:
        app = tracker_app(self)
        lang = app.lang
        err = self.query_one("#batch-err-date", Label)
        err.update("")
        self.query_one("#batch-error", Label).update("")
        panel = self.query_one("#batch-checks", Static)
        try:
            self.checked = app.service.preview_many(self.pids, self.event())
            self.input_ok = True
        except InputError as exc:
            err.update(plain(exc.message(lang)))
            self.checked, self.input_ok = [], False
        out = Text()
        for p, c in self.checked:
            if c.ok:
                out.append(f"✓\u00a0{printable(p.name)}\n", style="green")
                continue
            style = "bold red" if c.hard_refusals else "yellow"
            out.append(f"✗\u00a0{printable(p.name)}：" if lang == "zh" else f"✗\u00a0{printable(p.name)}: ", style=style)
            out.append(printable(c.refusals[0].message(lang)) + "\n", style=style)
        panel.update(out)
        self._update_save()

    def _update_save(self) -> None:
        soft = any(c.refusals and not c.hard_refusals for _, c in self.checked)
        hard = any(c.hard_refusals for _, c in self.checked)
        skip = self.query_one("#batch-skip", Checkbox).value
        override = self.query_one("#batch-override", Input).value.strip()
        self.query_one("#batch-override-box").display = soft
        self.query_one("#batch-skip").display = soft or hard
        passing = [p for p, c in self.checked if c.ok or (override and not c.hard_refusals)]
        refused = len(self.checked) - len(passing)
        ok = self.input_ok and bool(passing) and (refused == 0 or skip)
        self.query_one("#batch-save", Button).disabled = not ok

    @on(Select.Changed)
    @on(Input.Changed)
    @on(Checkbox.Changed)
    def _changed(self) -> None:
        self.update_checks()

    def action_save(self) -> None:
        app = tracker_app(self)
        lang = app.lang
        error = self.query_one("#batch-error", Label)
        if self.query_one("#batch-save", Button).disabled:
            if any(c.hard_refusals for _, c in self.checked):
                error.update(t("batch_hard", lang))
            elif any(c.refusals for _, c in self.checked):
                error.update(t("required_override", lang))
            return
        try:
            ev = self.event()
        except BilingualError as exc:
            error.update(plain(t("refused", lang) + exc.message(lang), keep_newlines=True))
            return
        pids = self.pids
        override = self.query_one("#batch-override", Input).value.strip() or None
        skip = self.query_one("#batch-skip", Checkbox).value

        def saved(done: Any) -> None:
            self.dismiss(True)
            app.data_changed()
            notify(app, t("batch_saved", lang, n=len(done.people), step=event_label(ev.event, lang), date=ev.date),
                   timeout=4)

        def failed(exc: Explained) -> None:
            error.update(plain(t("refused", lang) + exc.message(lang), keep_newlines=True))
            if isinstance(exc, BatchRefused):  # another program changed someone meanwhile
                self.update_checks()

        self.write_in_background(lambda: app.service.record_many(pids, ev, override=override, skip_refused=skip),
                                 saved, failed, status=error)
