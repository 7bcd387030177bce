"""Record a step: pick it, date it, fill its fields; the rule checks show live as you type."""

from __future__ import annotations

from datetime import date

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Checkbox, Input, Label, Select, Static

from tracker.dates import DateError, parse_date
from tracker.model import Event
from tracker.reports import Check
from tracker.service import InputError, build_event
from tracker.stages import EVENT_BY_KEY, EVENT_KEYS, event_label
from tracker.textsafe import printable

from .footer import LocalFooter
from .keys import bind, relabel
from .saving import Explained, SaveCancelDialog
from .text import t
from .widgets import DialogScroll, Tick, make_input, plain, tracker_app
from .wrap import Wrapped

FIELD_INPUTS = ("names", "days", "hours", "months", "reason")


class RecordModal(SaveCancelDialog):
    BINDINGS = [bind("escape", "cancel", "cancel"), bind("ctrl+s", "save", "save", priority=True)]

    def __init__(self, person_id: int, preselect: str | None = None, pick_step: bool = False,
                 on_date: date | None = None) -> None:
        super().__init__()
        self.person_id = person_id
        self.on_date = on_date  # the planner's meeting date; None: today
        self.preselect = preselect
        self.pick_step = pick_step
        self.check: Check | None = None
        self.input_ok = False

    def compose(self) -> ComposeResult:
        app = tracker_app(self)
        lang = app.lang
        svc = app.service
        person = svc.person(self.person_id)
        today = svc.today
        valid: list[str] = []
        other: list[str] = []
        for key in EVENT_KEYS:
            if key == "applied":
                continue
            chk = svc.check(person, Event(key, today))
            (other if any(v.kind == "order" for v in chk.hard_refusals) else valid).append(key)
        options = [(f"✓ {event_label(k, lang)}", k) for k in valid] + [(f"  {event_label(k, lang)}", k) for k in other]
        first = self.preselect if self.preselect in EVENT_KEYS else (valid[0] if valid else other[0])
        with DialogScroll(id="dialog"):
            yield Label(plain(t("record_title", lang, name=person.name)), classes="title")
            yield Label(t("step", lang), classes="field-label")
            yield Select(options, value=first, allow_blank=False, id="rec-step")
            yield Label(t("date", lang), classes="field-label")
            yield make_input(app, value=(self.on_date or today).isoformat(), id="rec-date")
            yield Wrapped("", id="err-date", classes="error")
            with Vertical(id="box-names", classes="optional"):
                yield Label(t("names", lang), classes="field-label")
                yield make_input(app, id="rec-names")
            with Vertical(id="box-result", classes="optional"):
                yield Label(t("result", lang), classes="field-label")
                yield Select([(t("pass", lang), "pass"), (t("fail", lang), "fail")], value="pass",
                             allow_blank=False, id="rec-result")
            with Horizontal(id="box-training", classes="optional"):
                with Vertical():
                    yield Label(t("days", lang), classes="field-label")
                    yield make_input(app, id="rec-days")
                    yield Wrapped("", id="err-days", classes="error")
                with Vertical():
                    yield Label(t("hours", lang), classes="field-label")
                    yield make_input(app, id="rec-hours")
                    yield Wrapped("", id="err-hours", classes="error")
            with Vertical(id="box-months", classes="optional"):
                yield Label(t("months", lang), classes="field-label")
                yield make_input(app, value="6", id="rec-months")
                yield Wrapped("", id="err-months", classes="error")
            with Vertical(id="box-collective", classes="optional"):
                yield Tick(t("collective", lang), id="rec-collective")
            with Vertical(id="box-reason", classes="optional"):
                yield Label(t("leave_reason", lang), classes="field-label")
                yield make_input(app, id="rec-reason")
            yield Label(t("note", lang), classes="field-label")
            yield make_input(app, id="rec-note")
            yield Wrapped("", id="err-field", classes="error")
            yield Label(t("checks", lang), classes="section")
            yield Wrapped("", id="rec-checks")
            with Vertical(id="box-override"):
                yield Label(t("override", lang), classes="field-label")
                yield make_input(app, id="rec-override")
            with Horizontal(classes="buttons"):
                yield Button(t("save", lang) + " (Ctrl+S)", variant="primary", id="rec-save")
                yield Button(t("cancel", lang) + " (Esc)", id="rec-cancel")
        yield LocalFooter()

    def on_mount(self) -> None:
        relabel(self, tracker_app(self).lang)
        self.show_fields()
        self.update_checks()
        self.query_one("#rec-step" if self.pick_step else "#rec-date").focus()

    # ---- building the event from the form
    def _value(self, wid: str) -> str:
        return self.query_one(wid, Input).value.strip()

    def _number(self, wid: str, field: str) -> float | None:
        text = self._value(wid)
        if not text:
            return None
        try:
            return float(text)
        except ValueError:
            raise InputError(f"“{text}”不是数字。", f"'{text}' is not a number.", field) from None

    def step(self) -> str:
        return str(self.query_one("#rec-step", Select).value)

    def build(self) -> Event:
        kind = self.step()
        try:
            on_date = parse_date(self._value("#rec-date"))
        except DateError as exc:
            raise InputError(exc.zh, exc.en, "date") from None
        fields = EVENT_BY_KEY[kind].fields
        return build_event(
            kind, on_date,
            names=self._value("#rec-names") if "names" in fields else None,
            result=str(self.query_one("#rec-result", Select).value) if "result" in fields else None,
            days=self._number("#rec-days", "days") if "days" in fields else None,
            hours=self._number("#rec-hours", "hours") if "hours" in fields else None,
            months=self._number("#rec-months", "months") if "months" in fields else None,
            reason=self._value("#rec-reason") if "reason" in fields else None,
            note=self._value("#rec-note"),
            collective="collective" in fields and self.query_one("#rec-collective", Checkbox).value,
        )

    def show_fields(self) -> None:
        fields = EVENT_BY_KEY[self.step()].fields
        self.query_one("#box-names").display = "names" in fields
        self.query_one("#box-result").display = "result" in fields
        self.query_one("#box-training").display = "days" in fields
        self.query_one("#box-months").display = "months" in fields
        self.query_one("#box-reason").display = "reason" in fields
        self.query_one("#box-collective").display = "collective" in fields

    def update_checks(self) -> None:
        app = tracker_app(self)
        lang = app.lang
        for label in self.query(".error").results(Label):
            label.update("")
        panel = self.query_one("#rec-checks", Static)
        self.check = None
        try:
            ev = self.build()
        except InputError as exc:
            self._error_label(exc.field).update(plain(exc.message(lang), keep_newlines=True))
            panel.update("")
            self.input_ok = False
            self._update_save()
            return
        self.input_ok = True
        person = app.service.person(self.person_id)
        self.check = app.service.check(person, ev)
        panel.update(render_check(self.check, lang))
        self._update_save()

    def _error_label(self, field: str | None) -> Label:
        """The error line next to the field that is wrong."""
        where = {"date": "#err-date", "days": "#err-days", "hours": "#err-hours", "months": "#err-months"}
        return self.query_one(where.get(field or "", "#err-field"), Label)

    def _update_save(self) -> None:
        chk = self.check
        needs_override = chk is not None and bool(chk.refusals) and not chk.hard_refusals
        self.query_one("#box-override").display = needs_override
        override = self._value("#rec-override")
        ok = self.input_ok and chk is not None and not chk.hard_refusals and (chk.ok or bool(override))
        self.query_one("#rec-save", Button).disabled = not ok

    # ---- events
    @on(Select.Changed, "#rec-step")
    def _step_changed(self) -> None:
        self.show_fields()
        self.update_checks()

    @on(Select.Changed, "#rec-result")
    @on(Checkbox.Changed)
    @on(Input.Changed)
    def _changed(self) -> None:
        self.update_checks()

    def action_save(self) -> None:
        app = tracker_app(self)
        lang = app.lang
        if self.query_one("#rec-save", Button).disabled:
            self.update_checks()
            if self.check is not None and self.check.refusals and not self.check.hard_refusals:
                self.query_one("#err-field", Label).update(t("required_override", lang))
                self.query_one("#rec-override").focus()
            return
        try:
            ev = self.build()
        except InputError as exc:
            self._error_label(exc.field).update(plain(exc.message(lang), keep_newlines=True))
            return
        override = self._value("#rec-override") or None
        pid = self.person_id

        def saved(_: object) -> None:
            app.data_changed(t("saved", lang))
            self.dismiss(True)

        def failed(exc: Explained) -> None:
            if isinstance(exc, InputError):
                self._error_label(exc.field).update(plain(exc.message(lang), keep_newlines=True))
            else:  # refused, or the database is locked by another writer (the wait timed out), or damaged
                self.query_one("#err-field", Label).update(
                    plain(t("refused", lang) + exc.message(lang), keep_newlines=True))

        self.write_in_background(lambda: app.service.record(pid, ev, override=override), saved, failed,
                                 status=self.query_one("#err-field", Label))


def render_check(check: Check, lang: str) -> Text:
    out = Text()
    if check.ok:
        out.append(t("all_ok", lang) + "\n", style="green")
    for v in check.verdicts:
        if v.ok:
            out.append(f"✓{printable(v.message(lang)).lstrip('✓ ')}", style="green")
            out.append(f"  ({v.citation_zh if lang == 'zh' else v.citation_en})\n", style="dim")
        else:
            out.append(f"✗{printable(v.message(lang))}\n", style="bold red")
    for n in check.notes:
        out.append(f"!{printable(n.message(lang))}\n", style="yellow")
    if check.earliest is not None:
        out.append(t("earliest_on", lang, date=check.earliest.isoformat()) + "\n", style="bold cyan")
    return out

