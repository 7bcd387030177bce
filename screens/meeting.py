"""The planner's dialogs: export its list for the meeting (the rosters' formats), and the publicity notice
(公示) for the proposed targets with the dates it must run (copy it, or record its start for everyone on it)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, Select, Static

from tracker.dates import DateError, parse_date
from tracker.i18n import BilingualError
from tracker.model import Event

from .export import FORMATS
from .keys import bind
from .saving import BackgroundWrites, Explained
from .text import t
from .widgets import Tick, make_input, notify, plain, tracker_app


class MeetingExportModal(ModalScreen[Path | None]):
    BINDINGS = [bind("escape", "cancel", "cancel"), bind("ctrl+s", "save", "save", priority=True)]

    def __init__(self, on_date: date, branch: str | None, step: str | None, directory: Path | None) -> None:
        super().__init__()
        self.on_date, self.branch, self.step = on_date, branch, step
        self.directory = directory or Path.cwd()

    def compose(self) -> ComposeResult:
        app = tracker_app(self)
        lang = app.lang
        with VerticalScroll(id="dialog"):
            yield Label(t("meeting_export_title", lang, date=self.on_date.isoformat()), classes="title")
            yield Label(plain(f"{t('branch', lang)}：{self.branch or t('all_branches', lang)}" if lang == "zh"
                              else f"{t('branch', lang)}: {self.branch or t('all_branches', lang)}"), classes="hint")
            yield Label(t("format", lang), classes="field-label")
            yield Select([(k, v) for k, v in FORMATS if v != "json"] + [("JSON", "json")], value="xlsx",
                         allow_blank=False, id="mx-format")
            yield Label(t("folder", lang), classes="field-label")
            yield make_input(app, value=str(self.directory), id="mx-dir")
            yield Tick(t("overwrite", lang), id="mx-force")
            yield Label("", id="mx-error", classes="error")
            with Horizontal(classes="buttons"):
                yield Button(t("export", lang) + " (Ctrl+S)", variant="primary", id="mx-save")
                yield Button(t("cancel", lang) + " (Esc)", id="mx-cancel")

    def on_mount(self) -> None:
        self.query_one("#mx-format").focus()

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#mx-cancel")
    def _cancel(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#mx-save")
    def _save(self) -> None:
        self.action_save()

    def action_save(self) -> None:
        app = tracker_app(self)
        lang = app.lang
        place = Path(self.query_one("#mx-dir", Input).value.strip() or ".").expanduser()
        as_file = place.suffix.lower().lstrip(".") in ("xlsx", "csv", "md", "json")
        try:
            done = app.service.export_meeting(
                self.on_date, branch=self.branch, step=self.step, fmt=str(self.query_one("#mx-format", Select).value),
                path=place if as_file else None, directory=None if as_file else place,
                force=self.query_one("#mx-force", Checkbox).value, lang=lang)
        except BilingualError as exc:
            self.query_one("#mx-error", Label).update(plain(exc.message(lang), keep_newlines=True))
            return
        except OSError as exc:
            self.query_one("#mx-error", Label).update(plain(f"{t('export_failed', lang)}{exc.strerror or exc}"))
            return
        notify(app, t("exported", lang, rows=done.rows, path=str(done.path)), timeout=6)
        self.dismiss(done.path)


class NoticeModal(BackgroundWrites[bool]):
    """The notice for the marked development-target candidates (or every proposed target), live as the start
    date is typed."""

    BINDINGS = [bind("escape", "cancel", "cancel")]

    def __init__(self, pids: list[int] | None, branch: str | None) -> None:
        super().__init__()
        self.pids, self.branch = pids, branch
        self.text = ""
        self.people: list[int] = []
        self.start: date | None = None

    def compose(self) -> ComposeResult:
        app = tracker_app(self)
        lang = app.lang
        with VerticalScroll(id="dialog"):
            yield Label(t("notice_title", lang), classes="title")
            yield Label(t("notice_start", lang), classes="field-label")
            yield make_input(app, value=app.service.today.isoformat(), id="notice-start")
            yield Label("", id="notice-error", classes="error")
            yield Static("", id="notice-dates")
            yield Static("", id="notice-text")
            yield Static("", id="notice-notes")
            with Horizontal(classes="buttons"):
                yield Button(t("notice_copy", lang), variant="primary", id="notice-copy")
                yield Button(t("notice_record", lang, n=0), id="notice-record")
                yield Button(t("cancel", lang) + " (Esc)", id="notice-cancel")

    def on_mount(self) -> None:
        self.update_notice()
        self.query_one("#notice-copy").focus()

    def update_notice(self) -> None:
        app = tracker_app(self)
        lang = app.lang
        err = self.query_one("#notice-error", Label)
        err.update("")
        try:
            start = parse_date(self.query_one("#notice-start", Input).value)
        except DateError as exc:
            err.update(exc.message(lang))
            return
        notice, chosen = app.service.notice(start, pids=self.pids, branch=self.branch, lang=lang)
        self.start, self.text = start, notice.text
        self.people = [p.id for p in notice.people]
        w = notice.window
        dates = (t("notice_dates", lang, start=w.start, last=w.last_day, length=w.length_text(lang),
                   listable=w.listable_from) if w.required else t("notice_none_required", lang))
        self.query_one("#notice-dates", Static).update(Text(dates, style="bold cyan"))
        self.query_one("#notice-text", Static).update(plain(notice.text if notice.people else t("notice_nobody", lang),
                                                            keep_newlines=True))
        notes = Text()
        for p, c in chosen.refused:
            notes.append(t("notice_left_out", lang, name=p.name, why=c.refusals[0].message(lang)) + "\n", style="yellow")
        for p in notice.people:
            if p.id in chosen.later:
                notes.append(t("notice_later", lang, name=p.name, date=chosen.later[p.id]) + "\n", style="yellow")
        self.query_one("#notice-notes", Static).update(notes)
        self.query_one("#notice-copy", Button).disabled = not self.people
        record = self.query_one("#notice-record", Button)
        record.label = t("notice_record", lang, n=len(self.people))
        record.disabled = not self.people

    @on(Input.Changed, "#notice-start")
    def _start_changed(self) -> None:
        self.update_notice()

    @on(Button.Pressed, "#notice-copy")
    def _copy(self) -> None:
        app = tracker_app(self)
        app.copy_to_clipboard(self.text)
        notify(app, t("notice_copied", app.lang), timeout=3)

    @on(Button.Pressed, "#notice-record")
    def _record(self) -> None:
        app = tracker_app(self)
        lang = app.lang
        if not self.people or self.start is None:
            return
        people, start = list(self.people), self.start

        def saved(done: Any) -> None:
            self.dismiss(True)
            app.data_changed()
            notify(app, t("batch_saved", lang, n=len(done.people), step=t("notice_title", lang), date=start),
                   timeout=4)

        def failed(exc: Explained) -> None:  # refused: another program changed someone meanwhile; locked
            self.query_one("#notice-error", Label).update(plain(exc.message(lang), keep_newlines=True))

        self.write_in_background(lambda: app.service.record_many(people, Event("publicity", start)), saved, failed,
                                 status=self.query_one("#notice-error", Label))

    @on(Button.Pressed, "#notice-cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()

    def action_cancel(self) -> None:
        if not self.cancel_write():  # a save still waiting for the lock: given up, nothing is written
            self.dismiss(False)
