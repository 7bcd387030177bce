"""Export dialog (key e): stage, branch, format, file; the same as ``tracker export``."""

from __future__ import annotations

import errno
from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, Select

from tracker.exporters import FileExists
from tracker.i18n import BilingualError
from tracker.service import Exported
from tracker.stages import STAGE_KEYS, stage_label

from .footer import LocalFooter
from .keys import bind, relabel
from .text import t
from .widgets import DialogScroll, Tick, make_input, notify, plain, tracker_app
from .wrap import Wrapped

FORMATS = (("Excel (.xlsx)", "xlsx"), ("CSV (.csv)", "csv"), ("Markdown (.md)", "md"), ("JSON 备份 / backup", "json"))


class ExportModal(ModalScreen[Path | None]):
    BINDINGS = [bind("escape", "cancel", "cancel"), bind("ctrl+s", "save", "save", priority=True)]

    def __init__(self, directory: Path | None = None) -> None:
        super().__init__()
        self.directory = directory or Path.cwd()

    def compose(self) -> ComposeResult:
        app = tracker_app(self)
        lang = app.lang
        branches = sorted({p.branch for p in app.service.people() if p.branch})
        with DialogScroll(id="dialog"):
            yield Label(t("export_title", lang), classes="title")
            yield Label(t("stage", lang), classes="field-label")
            yield Select([(t("all_stages", lang), "all"), *((stage_label(k, lang), k) for k in STAGE_KEYS)],
                         value="all", allow_blank=False, id="x-stage")
            yield Label(t("branch", lang), classes="field-label")
            yield Select([(plain(b), b) for b in branches], prompt=t("all_branches", lang), id="x-branch")
            yield Label(t("format", lang), classes="field-label")
            yield Select(list(FORMATS), value="xlsx", allow_blank=False, id="x-format")
            yield Label(t("folder", lang), classes="field-label")
            yield make_input(app, value=str(self.directory), id="x-dir")
            yield Tick(t("full_id", lang), id="x-full-id")
            yield Tick(t("overwrite", lang), id="x-force")
            yield Wrapped("", id="x-error", classes="error")
            with Horizontal(classes="buttons"):
                yield Button(t("export", lang) + " (Ctrl+S)", variant="primary", id="x-save")
                yield Button(t("cancel", lang) + " (Esc)", id="x-cancel")
        yield LocalFooter()

    def on_mount(self) -> None:
        relabel(self, tracker_app(self).lang)
        self.query_one("#x-stage").focus()

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#x-cancel")
    def _cancel(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#x-save")
    def _save(self) -> None:
        self.action_save()

    def action_save(self) -> None:
        """Export; a folder that does not exist yet is asked about first (a typo should not make one)."""
        from .confirm import ConfirmModal

        lang = tracker_app(self).lang
        place, as_file = self._place()
        stage, fmt = str(self.query_one("#x-stage", Select).value), str(self.query_one("#x-format", Select).value)
        if fmt == "csv" and stage == "all":  # a CSV holds one roster: say so in the dialog's words
            self._error(t("csv_one_stage", lang))
            self.query_one("#x-stage").focus()
            return
        folder = place.parent if as_file else place
        if folder.exists() and not folder.is_dir():
            self._error(t("not_a_folder", lang, path=str(folder)))
            return
        if not folder.exists():
            def answered(yes: bool | None) -> None:
                if yes:
                    self._export(place, as_file)

            self.app.push_screen(ConfirmModal(t("make_folder", lang, path=str(folder)), t("make_folder_yes", lang)),
                                 answered)
            return
        self._export(place, as_file)

    def _place(self) -> tuple[Path, bool]:
        place = Path(self.query_one("#x-dir", Input).value.strip() or ".").expanduser()
        as_file = place.suffix.lower().lstrip(".") in ("xlsx", "csv", "md", "json")  # a file name, else a folder
        return place, as_file

    def _error(self, message: str) -> None:
        self.query_one("#x-error", Label).update(plain(message, keep_newlines=True))

    def _export(self, place: Path, as_file: bool) -> None:
        """In a worker (10k people: seconds): the dialog says so and keeps answering keys; Esc closes it and the
        result arrives as a toast."""
        app = tracker_app(self)
        branch = self.query_one("#x-branch", Select).value
        asked = dict(
            stage=str(self.query_one("#x-stage", Select).value),
            branch=None if branch is Select.NULL else str(branch),
            fmt=str(self.query_one("#x-format", Select).value),
            force=self.query_one("#x-force", Checkbox).value,
            full_id=self.query_one("#x-full-id", Checkbox).value,
            lang=app.lang,
            path=place if as_file else None,
            directory=None if as_file else place,
        )
        self.query_one("#x-error", Label).update(plain(t("exporting", app.lang), "bold yellow"))
        self.query_one("#x-save", Button).disabled = True
        app.exports_in_flight += 1
        service = app.service

        def run() -> None:
            try:
                done = service.export(**asked)  # type: ignore[arg-type]
            except BaseException as exc:  # handed back to the UI thread, which says what went wrong
                app.call_from_thread(self._finished, place, None, exc)
                return
            app.call_from_thread(self._finished, place, done, None)

        app.run_worker(run, thread=True, exit_on_error=False, group="export", name="export")

    def _finished(self, place: Path, done: Exported | None, exc: BaseException | None) -> None:
        app = tracker_app(self)
        app.exports_in_flight -= 1
        lang = app.lang
        open_ = self.is_attached and app.screen is self

        def say(message: str) -> None:  # in the dialog while it is open, else as a toast
            if open_:
                self.query_one("#x-save", Button).disabled = False
                self._error(message)
            else:
                notify(app, message, severity="error", timeout=10)

        if isinstance(exc, FileExists):
            say(t("file_exists", lang, path=str(exc.path)))
            return
        if isinstance(exc, BilingualError):
            say(exc.message(lang))
            return
        if isinstance(exc, OSError):  # the UI's words, not Python's ("[Errno 13] Permission denied")
            why = {errno.EACCES: "no_permission", errno.EPERM: "no_permission", errno.ENOSPC: "disk_full",
                   errno.EROFS: "read_only", errno.ENOENT: "no_folder"}.get(exc.errno or 0, "cannot_write")
            say(t("export_failed", lang) + t(why, lang, path=str(exc.filename or place)))
            return
        if exc is not None:
            raise exc
        assert done is not None
        if done.rows == 0:
            notify(app, t("exported_empty", lang, path=str(done.path)), severity="warning", timeout=8)
        else:
            notify(app, t("exported", lang, rows=done.rows, path=str(done.path)), timeout=6)
        if open_:
            self.dismiss(done.path)
