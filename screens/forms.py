"""Add an applicant or correct a person's details; errors show next to the field."""

from __future__ import annotations

from datetime import date
from typing import Any

from textual import events, on
from textual.app import ComposeResult
from textual.containers import Grid, Horizontal, Vertical
from textual.widgets import Button, Input, Label, Select

from tracker.dates import DateError, parse_date
from tracker.model import Person
from tracker.service import EditConflict, InputError, Refused
from tracker.textsafe import printable

from .footer import LocalFooter
from .keys import bind, relabel
from .saving import BackgroundWrites, Explained
from .text import t
from .widgets import DialogScroll, make_input, plain, tracker_app
from .wrap import Wrapped

NEW_BRANCH = "\x00new"  # the "new branch" choice (no branch name can hold a NUL)
TEXT_FIELDS = ("name", "birth", "ethnicity", "native_place", "education", "job", "branch", "phone", "id_number",
               "expected_departure", "note")


class PersonForm(BackgroundWrites[int | None]):
    """New applicant (person_id None) or edit details of an existing person."""

    BINDINGS = [bind("escape", "cancel", "cancel"), bind("ctrl+s", "save", "save", priority=True)]

    def __init__(self, person_id: int | None = None) -> None:
        super().__init__()
        self.person_id = person_id
        #: each field's text as the form loaded it: only fields the user changed are saved, checked against it
        self.loaded: dict[str, str] = {}
        self.branches: list[str] = []
        self.shown: dict[str, str] = {}

    def _person(self) -> Person | None:
        return tracker_app(self).service.person(self.person_id) if self.person_id is not None else None

    def compose(self) -> ComposeResult:
        app = tracker_app(self)
        lang = app.lang
        person = self._person()
        if person is not None:
            self.loaded = {f: _text(getattr(person, f), f) for f in (*TEXT_FIELDS, "gender")}
        title = t("new_person", lang) if person is None else t("edit_person", lang, name=person.name)
        with DialogScroll(id="dialog"):
            yield Label(plain(title), classes="title")
            with Grid(id="form-grid"):
                yield from self._field("name", person, required=True)
                if person is None:  # required, and no default: today is rarely the day the letter came
                    with Vertical(classes="field"):
                        yield Label(t("applied", lang) + t("required", lang), classes="field-label")
                        yield make_input(app, placeholder="YYYY-MM-DD", id="f-applied")
                        yield Wrapped("", id="err-applied", classes="error")
                with Vertical(classes="field"):
                    yield Label(t("gender", lang), classes="field-label")
                    yield Select([("男", "男"), ("女", "女")], prompt=t("choose", lang),
                                 value=(person.gender if person and person.gender else Select.NULL), id="f-gender")
                for field in TEXT_FIELDS[1:-1]:
                    if field == "branch":
                        yield from self._branch_field(person)
                    else:
                        yield from self._field(field, person)
            yield from self._field("note", person)
            yield Wrapped("", id="err-form", classes="error")
            with Horizontal(id="box-override"):
                yield Label(t("override", lang), classes="field-label")
                yield make_input(app, id="f-override")
            with Horizontal(classes="buttons"):
                yield Button(t("save", lang) + " (Ctrl+S)", variant="primary", id="f-save")
                yield Button(t("cancel", lang) + " (Esc)", id="f-cancel")
        yield LocalFooter()

    def _field(self, field: str, person: Person | None, *, required: bool = False) -> ComposeResult:
        app = tracker_app(self)
        lang = app.lang
        text = _text(getattr(person, field), field) if person is not None else ""
        label = t("birth_month", lang) if field == "birth" else t(field, lang)
        with Vertical(classes="field"):
            yield Label(label + (t("required", lang) if required else ""), classes="field-label")
            yield make_input(app, value=text, id=f"f-{field}",
                             placeholder=t("birth_hint", lang) if field == "birth" else "")
            yield Wrapped("", id=f"err-{field}", classes="error")

    def _branch_field(self, person: Person | None) -> ComposeResult:
        """The branch is chosen from those in the database, or a new one typed (the box below the list, whose
        text is what is saved)."""
        app = tracker_app(self)
        lang = app.lang
        current = person.branch if person is not None else ""
        self.branches = sorted({p.branch for p in app.service.people() if p.branch} | ({current} - {""}))
        options: list[tuple[Any, str]] = [(plain(b), b) for b in self.branches]
        options.append((t("new_branch", lang), NEW_BRANCH))
        with Vertical(classes="field"):
            yield Label(t("branch", lang), classes="field-label")
            yield Select(options, prompt=t("choose", lang), value=current or Select.NULL, id="f-branch-choice")
            yield make_input(app, value=_text(current), placeholder=t("new_branch_name", lang), id="f-branch")
            yield Wrapped("", id="err-branch", classes="error")

    def on_mount(self) -> None:
        relabel(self, tracker_app(self).lang)
        self.query_one("#box-override").display = False
        self.query_one("#f-branch").display = not self.branches  # no branch yet: type the first one
        name = self.query_one("#f-name", Input)
        name.focus()
        app = tracker_app(self)
        self.shown = self._values()  # what the form showed: Esc asks before throwing away anything else
        if self.person_id is None and app.typed_ahead:  # "n" then a name typed fast: nothing is lost
            typed, app.typed_ahead = app.typed_ahead, ""  # (and it is typed: Esc asks before dropping it)
            name.insert_text_at_cursor(typed.split("\r")[0])
            if "\r" in typed:
                self.query_one("#f-applied").focus()

    def on_key(self, event: events.Key) -> None:
        """Typed before the name box had the focus (``n`` then a name, fast): the letters go into the name."""
        if self.focused is None and event.character and event.character.isprintable():
            self.query_one("#f-name", Input).insert_text_at_cursor(event.character)
            event.stop()
        elif self.focused is None and event.key == "enter":
            self.query_one("#f-applied" if self.query("#f-applied") else "#f-gender").focus()
            event.stop()

    @on(Select.Changed, "#f-branch-choice")
    def _branch_chosen(self, event: Select.Changed) -> None:
        box = self.query_one("#f-branch", Input)
        if event.value == NEW_BRANCH:
            box.value = ""
            box.display = True
            box.focus()
        else:
            box.value = "" if event.value is Select.NULL else str(event.value)
            box.display = not self.branches

    def _values(self) -> dict[str, str]:
        values = {f: self.query_one(f"#f-{f}", Input).value for f in TEXT_FIELDS}
        gender = self.query_one("#f-gender", Select).value
        values["gender"] = "" if gender is Select.NULL else str(gender)
        if self.query("#f-applied"):
            values["applied"] = self.query_one("#f-applied", Input).value
        return values

    def _clear_errors(self) -> None:
        for label in self.query(".error"):
            if isinstance(label, Label):
                label.update("")

    def _show_error(self, field: str | None, message: str) -> None:
        target = f"#err-{field}" if field and self.query(f"#err-{field}") else "#err-form"
        self.query_one(target, Label).update(plain(message, keep_newlines=True))
        # in view: the field and its message (a long form scrolls; the message must not be below the fold)
        field_box = self.query(f"#f-{field}") if field else None
        if field_box:
            field_box.first().focus()
        self.query_one(target).scroll_visible(animate=False)

    @on(Button.Pressed, "#f-cancel")
    def action_cancel(self) -> None:
        """Esc: a form the user has typed into asks before it throws that away."""
        from .confirm import ConfirmModal

        if self.cancel_write():  # a save still waiting for the lock: given up, nothing is written
            return
        if self._values() == self.shown:
            self.dismiss(None)
            return
        lang = tracker_app(self).lang

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)

        self.app.push_screen(ConfirmModal(t("discard", lang), t("discard_yes", lang)), answered)

    @on(Button.Pressed, "#f-save")
    def _save_pressed(self) -> None:
        self.action_save()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        """Enter goes to the next field (a half-filled form is never saved by a stray Enter); Ctrl+S saves."""
        event.stop()
        self.focus_next()

    def action_save(self) -> None:
        app = tracker_app(self)
        lang = app.lang
        self._clear_errors()
        values = {f: self.query_one(f"#f-{f}", Input).value.strip() for f in TEXT_FIELDS}
        gender = self.query_one("#f-gender", Select).value
        values["gender"] = "" if gender is Select.NULL else str(gender)
        person = self._person()
        svc = app.service
        if person is None:
            text = self.query_one("#f-applied", Input).value.strip()
            if not text:
                self._show_error("applied", t("applied_required", lang))
                return
            try:
                applied = parse_date(text)
            except DateError as exc:
                self._show_error("applied", exc.zh if lang == "zh" else exc.en)
                return
            details = {k: v for k, v in values.items() if v}
            override = self.query_one("#f-override", Input).value.strip() or None

            def write() -> int:
                return svc.add(details, applied, override=override).person.id
        else:
            # only what the user changed: a field another program changed meanwhile is not written back
            changes = {k: v for k, v in values.items() if v != self.loaded[k]}
            expect = {k: self.loaded[k] for k in changes}
            pid = person.id

            def write() -> int:
                if changes:
                    svc.edit(pid, changes, expect=expect)
                return pid

        def saved(pid: int) -> None:
            app.data_changed(t("saved", lang))
            self.dismiss(pid)

        self.write_in_background(write, saved, lambda exc: self._refused(exc, person),
                                 status=self.query_one("#err-form", Label))

    def _refused(self, exc: Explained, person: Person | None) -> None:
        app = tracker_app(self)
        lang = app.lang
        if isinstance(exc, EditConflict):
            fresh = app.service.person(person.id) if person is not None else None
            for field, (zh, en) in exc.fields.items():  # both values stay visible: theirs here, yours in the field
                self._show_error(field, zh if lang == "zh" else en)
                self.loaded[field] = _text(getattr(fresh, field), field)  # saving again is a choice made knowingly
            app.data_changed()
        elif isinstance(exc, InputError):
            self._show_error(exc.field, exc.message(lang))
        elif isinstance(exc, Refused):
            self._show_error(None, exc.message(lang))
            self.query_one("#box-override").display = True
            self.query_one("#f-override").focus()
        else:  # the database is locked by another writer (the wait timed out), or damaged
            self._show_error(None, exc.message(lang))


def _text(value: Any, field: str = "") -> str:
    """A stored value as its input shows it: control characters as visible escapes (an input would send them
    to the terminal); a field left as shown is not a change."""
    if isinstance(value, date):
        return value.isoformat()
    return printable(value or "", keep_newlines=field == "note")
