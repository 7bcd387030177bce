"""Import dialog (key I, or from the empty-database card): the same core as ``tracker import``.

The file is read and checked first (a dry run, in a worker: a big sheet takes seconds) and its report
shown; only then does "Import" write, in one change that one undo reverts.
"""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Button, Checkbox, Input, Label, LoadingIndicator, Select, Static

from tracker.i18n import BilingualError
from tracker.import_report import counts, report_lines, summary_line
from tracker.importers import ImportPlan

from .footer import LocalFooter
from .keys import bind, relabel
from .saving import BackgroundWrites, Explained
from .text import t
from .widgets import DialogScroll, Tick, make_input, notify, plain, tracker_app
from .wrap import Wrapped


class ImportModal(BackgroundWrites[bool]):
    BINDINGS = [bind("escape", "cancel", "cancel"), bind("ctrl+s", "save", "save", priority=True)]

    class Planned(Message):
        """The worker read and checked the file: its plan, or the error to show (in both languages)."""

        def __init__(self, path: Path, plan: ImportPlan | None, error: tuple[str, str] | None) -> None:
            super().__init__()
            self.path = path
            self.plan = plan
            self.error = error

    def __init__(self, directory: Path | None = None) -> None:
        super().__init__()
        self.directory = directory or Path.cwd()
        self.plan: ImportPlan | None = None
        self.planned_path: Path | None = None
        self.hidden_sheets: list[str] = []  # the workbook's hidden sheets, offered in the sheet picker

    def compose(self) -> ComposeResult:
        app = tracker_app(self)
        lang = app.lang
        with DialogScroll(id="dialog"):
            yield Label(t("import_title", lang), classes="title")
            yield Label(t("import_file", lang), classes="field-label")
            yield make_input(app, value=f"{self.directory}/", id="imp-file")
            yield Wrapped("", id="imp-error", classes="error")
            yield LoadingIndicator(id="imp-loading")
            yield Wrapped("", id="imp-report")
            yield Select([(t("all_visible_sheets", lang), "")], allow_blank=False, value="", id="imp-sheet")
            yield Tick(t("skip_invalid", lang), id="imp-skip")
            yield Tick(t("include_hidden", lang), id="imp-hidden")
            with Horizontal(classes="buttons"):
                yield Button(t("preview", lang) + " (Enter)", variant="default", id="imp-preview")
                yield Button(t("import_apply", lang) + " (Ctrl+S)", variant="primary", id="imp-apply", disabled=True)
                yield Button(t("cancel", lang) + " (Esc)", id="imp-cancel")
        yield LocalFooter()

    def on_mount(self) -> None:
        relabel(self, tracker_app(self).lang)
        self.query_one("#imp-loading").display = False
        self.query_one("#imp-skip").display = False
        self.query_one("#imp-hidden").display = False
        self.query_one("#imp-sheet").display = False
        self.query_one("#imp-file").focus()

    def _path(self) -> Path:
        return Path(self.query_one("#imp-file", Input).value.strip()).expanduser()

    # ---- the dry run
    @on(Input.Submitted, "#imp-file")
    @on(Button.Pressed, "#imp-preview")
    def preview(self) -> None:
        path = self._path()
        self.plan = None
        self.query_one("#imp-apply", Button).disabled = True
        self.query_one("#imp-error", Label).update("")
        self.query_one("#imp-report", Static).update("")
        if not path.is_file():
            lang = tracker_app(self).lang
            self.query_one("#imp-error", Label).update(plain(t("no_such_file", lang, path=str(path))))
            return
        self.query_one("#imp-loading").display = True
        sheet = self.query_one("#imp-sheet", Select).value
        self.read_file(path, tracker_app(self).service.people(), self.query_one("#imp-hidden", Checkbox).value,
                       sheet if isinstance(sheet, str) and sheet else None)

    @on(Checkbox.Changed, "#imp-hidden")
    @on(Select.Changed, "#imp-sheet")
    def _hidden_changed(self) -> None:
        if self.planned_path is not None:
            self.preview()  # the report (and what Import writes) with or without the hidden rows / that sheet

    @work(thread=True, exclusive=True, group="import", description="import: read the file")
    def read_file(self, path: Path, people: list[object], include_hidden: bool = False, sheet: str | None = None) -> None:
        svc = tracker_app(self).service
        try:
            plan = svc.plan_import(path, sheet, people=people, include_hidden=include_hidden)  # type: ignore[arg-type]
        except BilingualError as exc:
            self.post_message(self.Planned(path, None, (exc.zh, exc.en)))
            return
        except (OSError, ValueError) as exc:  # unreadable: say so in the UI's words, not Python's
            self.post_message(self.Planned(path, None, (f"无法读取该文件（{type(exc).__name__}）。",
                                                        f"The file cannot be read ({type(exc).__name__}).")))
            return
        self.post_message(self.Planned(path, plan, None))

    @on(Planned)
    def _planned(self, message: Planned) -> None:
        lang = tracker_app(self).lang
        self.query_one("#imp-loading").display = False
        if message.error is not None:
            self.query_one("#imp-error", Label).update(plain(message.error[0 if lang == "zh" else 1]))
            return
        plan = message.plan
        assert plan is not None
        self.plan, self.planned_path = plan, message.path
        report = Text()
        for line in report_lines(plan, lang, app=True):
            style = "red" if "✗" in line else ("yellow" if line.lstrip().startswith("!") else "")
            report.append_text(plain(line, style))
            report.append("\n")
        report.append(summary_line(plan, lang), style="bold")
        c = counts(plan)
        if not (plan.new or plan.updated):
            report.append("\n" + t("import_nothing", lang), style="dim")
        elif c["error"]:
            report.append("\n" + t("import_has_errors", lang), style="bold red")
        else:
            report.append("\n" + t("import_ready", lang), style="green")
        self.query_one("#imp-report", Static).update(report)
        self.query_one("#imp-skip").display = bool(c["error"]) and bool(plan.new or plan.updated)
        hidden = self.query_one("#imp-hidden", Checkbox)
        hidden.display = bool(plan.hidden_rows) or hidden.value  # ticked, the rows are in the plan: keep it shown
        self._offer_sheets(plan, lang)
        self._update_apply()

    def _offer_sheets(self, plan: ImportPlan, lang: str) -> None:
        """A workbook with hidden sheets: a picker to read one of them instead of the visible ones."""
        picker: Select[str] = self.query_one("#imp-sheet", Select)
        if plan.hidden_sheets and plan.hidden_sheets != self.hidden_sheets:
            self.hidden_sheets = list(plan.hidden_sheets)
            with picker.prevent(Select.Changed):
                picker.set_options([(t("all_visible_sheets", lang), "")]
                                   + [(t("hidden_sheet", lang, name=n), n) for n in self.hidden_sheets])
                picker.value = ""
        picker.display = bool(self.hidden_sheets)

    @on(Checkbox.Changed, "#imp-skip")
    def _update_apply(self) -> None:
        plan = self.plan
        ok = plan is not None and bool(plan.new or plan.updated) and (
            not plan.errors or self.query_one("#imp-skip", Checkbox).value)
        self.query_one("#imp-apply", Button).disabled = not ok

    @on(Input.Changed, "#imp-file")
    def _file_changed(self) -> None:
        if self.plan is not None and self._path() != self.planned_path:
            self.plan = None  # the report shown is for another file
            self._update_apply()
        if self.hidden_sheets and self._path() != self.planned_path:
            self.hidden_sheets = []  # another workbook: its own sheets, once read
            picker: Select[str] = self.query_one("#imp-sheet", Select)
            with picker.prevent(Select.Changed):
                picker.set_options([(t("all_visible_sheets", tracker_app(self).lang), "")])
                picker.value = ""
            picker.display = False

    # ---- writing
    @on(Button.Pressed, "#imp-apply")
    def action_save(self) -> None:
        app = tracker_app(self)
        lang = app.lang
        plan = self.plan
        if plan is None or self.query_one("#imp-apply", Button).disabled:
            return
        skip = self.query_one("#imp-skip", Checkbox).value

        def applied(hid: int | None) -> None:
            if hid is None:  # changed meanwhile: the plan, checked again under the lock, now has errors
                self._planned(self.Planned(self.planned_path or self._path(), plan, None))
                return
            app.data_changed()
            notify(app, t("imported", lang, new=len(plan.new), updated=len(plan.updated)), timeout=6)
            self.dismiss(True)

        def failed(exc: Explained) -> None:  # locked by another writer (the wait timed out), or damaged
            self.query_one("#imp-error", Label).update(plain(exc.message(lang)))

        self.write_in_background(lambda: app.service.apply_import(plan, skip_invalid=skip), applied, failed,
                                 status=self.query_one("#imp-error", Label))

    @on(Button.Pressed, "#imp-cancel")
    def action_cancel(self) -> None:
        if not self.cancel_write():  # a save still waiting for the lock: given up, nothing is written
            self.dismiss(False)
