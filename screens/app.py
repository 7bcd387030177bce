"""The secretary's full-screen app. It only calls tracker.service and tracker.reports.

The service (with its store, rule book and clock) is passed in, so tests and ``--today`` work
without touching time or files.
"""

from __future__ import annotations

import asyncio
import importlib
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from rich.table import Table
from rich.text import Text
from textual import events, work
from textual.actions import SkipAction
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.widgets import Header, Input, Static, TabbedContent, TabPane

from tracker.i18n import BilingualError
from tracker.service import InputError, Service
from tracker.textsafe import printable

from . import heap
from .driver import terminal_driver
from .footer import LocalFooter
from .keys import KEYS, bind, help_text, key_text, relabel
from .overview import Overview
from .person import PersonScreen
from .text import procedure_text, t
from .widgets import TABLES, notify, tables_in

NEEDS_DATA = ("search", "new_person", "record", "export", "import", "undo", "load_demo", "yearly")
TABS = ("overview", "people", "deadlines", "planner", "calendar")
#: each tab's pane (module, class): imported when first shown, so the first paint does not wait for the others
PANES: dict[str, tuple[str, str]] = {"overview": ("overview", "Overview"), "people": ("people", "People"),
                                     "deadlines": ("deadlines", "Deadlines"), "planner": ("planner", "Planner"),
                                     "calendar": ("calendar", "Calendar")}


def pane_class(key: str) -> type[Any]:
    module, name = PANES[key]
    cls: type[Any] = getattr(importlib.import_module(f"{__package__}.{module}"), name)
    return cls


def _type_into(box: Input, text: str) -> None:
    """As if typed: replacing the selected text (after ``/`` the last search is selected) or at the cursor."""
    start, end = sorted(box.selection)
    box.replace(text, start, end)


class MainTabs(TabbedContent):
    """The tabs change only when the user asks (a key, a click, an action). Textual's TabbedContent also switches
    to a pane when a widget inside it reports focus: when ``5`` or ``/`` hides the overview, Textual moves the focus
    from its hidden table to the table beside it, and on a busy machine that focus arrived before the new pane's
    and took the user back to the overview — with the keys typed next lost."""

    def _on_tab_pane_focused(self, event: TabPane.Focused) -> None:
        event.stop()
        event.prevent_default()  # not TabbedContent's own handler either


class MainScreen(Screen[None]):
    BINDINGS = [
        bind("1", "tab('overview')", "tab_overview"),
        bind("2", "tab('people')", "tab_people"),
        bind("3", "tab('deadlines')", "tab_deadlines"),
        bind("4", "tab('planner')", "tab_planner"),
        bind("5", "tab('calendar')", "tab_calendar"),
        bind("a", "toggle_left", "toggle_left"),
        bind("y", "yearly", "yearly", show=False),
    ]

    def __init__(self, initial: str = "overview") -> None:
        super().__init__()
        self.initial = initial
        self._pane_lock = asyncio.Lock()
        self.focus_after_switch: tuple[str, str] | None = None  # (tab, selector) asked by an action
        self.buffering: str | None = None  # "slash" or "n": letters typed ahead of the box are kept

    def compose(self) -> ComposeResult:
        app = self.app
        assert isinstance(app, TrackerApp)
        lang = app.lang
        yield Header(show_clock=False)
        with MainTabs(initial=self.initial, id="tabs"):
            for key in TABS:
                with TabPane(t(f"tab_{key}", lang), id=key):
                    if key == self.initial:  # the others are built when first shown
                        yield pane_class(key)(id=f"pane-{key}")
        yield LocalFooter()

    def on_mount(self) -> None:
        app = self.app
        assert isinstance(app, TrackerApp)
        relabel(self, app.lang)
        self.stale = set(TABS)
        self.wanted_tab: str | None = None  # a tab asked for while the database was still being opened
        self._refresh_pane(self.current_tab())

    def _refresh_pane(self, key: str) -> None:
        """Panes are built and filled when first shown, and after a change only when visible:
        with 10k people a hidden planner or deadline list must not slow the first paint."""
        app = self.app
        assert isinstance(app, TrackerApp)
        if not app.ready:  # still opening the file: the pane shows as loading, filled once it is open
            return
        self.query_one(f"#pane-{key}", pane_class(key)).refresh_data()
        self.stale.discard(key)

    async def ensure_pane(self, key: str) -> Any:
        async with self._pane_lock:  # a key press and the tab switch may both ask for it
            if not self.query(f"#pane-{key}"):
                await self.query_one(f"TabPane#{key}", TabPane).mount(pane_class(key)(id=f"pane-{key}"))
        if key in self.stale:
            self._refresh_pane(key)
        return self.query_one(f"#pane-{key}", pane_class(key))

    async def on_tabbed_content_tab_activated(self, event: TabbedContent.TabActivated) -> None:
        pane = await self.ensure_pane(str(event.pane.id))
        if self.current_tab() != event.pane.id:
            return  # a stale activation: the user has moved on to another tab
        # keyboard first: arrow keys and Enter go to the pane's list (the planner to its date),
        # unless the action that switched tabs asked for another place ("/" → the filter)
        wanted = self.focus_after_switch
        if wanted is not None and wanted[0] == event.pane.id:
            self.focus_after_switch = None
            pane.query_one(wanted[1]).focus()
        else:  # the planner too: its date box is entered with m (digits and letters keep their meaning)
            pane.query(TABLES).first().focus()

    def on_key(self, event: events.Key) -> None:
        """Typing ahead: the letters typed right after ``/`` or ``n`` (fast, or pasted) reach this screen before
        the filter or the new-person form has the focus; they are kept and handed to it, never lost."""
        app = self.app
        assert isinstance(app, TrackerApp)
        if isinstance(self.focused, Input):
            # a letter typed into a box never gets here (the box takes it); one that does was sent to the table
            # the focus just left, on its way to the filter: it goes in, not lost
            if (self.buffering == "slash" and self.focused.id == "people-filter" and event.character
                    and event.character.isprintable()):
                event.stop()
                event.prevent_default()
                _type_into(self.focused, event.character)
            return
        if event.key in ("slash", "n") and not self.buffering and app.ready:
            self.buffering, app.typed_ahead = event.key, ""
            return  # the key itself goes on to its binding
        if not self.buffering or not ((event.character and event.character.isprintable()) or event.key == "enter"):
            return
        event.stop()
        event.prevent_default()
        char = "\r" if event.key == "enter" else (event.character or "")
        target = app.screen if self.buffering == "n" else self
        box = target.query("#f-name" if self.buffering == "n" else "#people-filter")
        if box and (self.buffering == "n" or box.first().has_focus):  # already there: straight in
            if char != "\r":
                _type_into(box.first(Input), char)
        else:
            app.typed_ahead += char

    def on_screen_resume(self) -> None:
        self.buffering = None  # back from the form (saved or cancelled): typing means keys again

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        if self.buffering == "slash" and isinstance(event.widget, Input) and event.widget.id == "people-filter":
            typed = self.take_typed_ahead()
            if typed:  # "/" starts a new search: what was typed replaces the last one (selected on focus)
                _type_into(event.widget, typed)

    def on_descendant_blur(self, event: events.DescendantBlur) -> None:
        if isinstance(event.widget, Input) and event.widget.id == "people-filter":
            self.buffering = None

    def take_typed_ahead(self) -> str:
        app = self.app
        assert isinstance(app, TrackerApp)
        text, app.typed_ahead = app.typed_ahead, ""
        return text.replace("\r", "")

    def action_tab(self, key: str) -> None:
        if key != "people":
            self.focus_after_switch = None
        app = self.app
        assert isinstance(app, TrackerApp)
        if not app.ready and key != self.current_tab():
            self.wanted_tab = key  # switched to once the database is open: the key press is not lost
            return
        self.query_one(TabbedContent).active = key

    def action_yearly(self) -> None:
        from .yearchart import YearScreen

        overview = self.query(Overview)  # the year of the branch the pipeline shows
        self.app.push_screen(YearScreen(branch=overview.first().branch if overview else None))

    def action_toggle_left(self) -> None:
        from .people import People

        for people in self.query(People):
            people.toggle_left()

    def current_tab(self) -> str:
        return str(self.query_one(TabbedContent).active)

    def refresh_data(self) -> None:
        self.stale = set(TABS)
        self._refresh_pane(self.current_tab())
        if self.wanted_tab is not None:
            self.action_tab(self.wanted_tab)
            self.wanted_tab = None

    def selected_person_id(self) -> int | None:
        if not self.query(f"#pane-{self.current_tab()}"):
            return None
        pane = self.query_one(f"#pane-{self.current_tab()}")
        pid: int | None = pane.selected_person_id() if hasattr(pane, "selected_person_id") else None
        return pid


def tracker_app_lang(node: Any) -> str:
    return str(node.app.lang)


class HelpScreen(ModalScreen[None]):
    BINDINGS = [bind("escape", "close", "back"), Binding("q", "close", show=False)]

    def compose(self) -> ComposeResult:
        app = self.app
        assert isinstance(app, TrackerApp)
        lang = app.lang
        table = Table(box=None, show_header=True, header_style="bold", pad_edge=False)
        table.add_column("键" if lang == "zh" else "Key", style="bold orange1", no_wrap=True)
        table.add_column("操作" if lang == "zh" else "Action")
        for bid, (key, _zh, _en) in KEYS.items():
            table.add_row(key, help_text(bid, lang))
        table.add_row("enter", "表格：打开该行的人员" if lang == "zh" else "Tables: open the person on that row")
        with VerticalScroll(id="help"):
            yield Static(Text(t("help_title", lang), style="bold"))
            yield Static(t("help_palette", lang), classes="hint")
            yield Static(table)
            yield Static(Text("\n" + t("procedure_title", lang), style="bold"))
            yield Static(procedure_text(lang), id="help-procedure")
        yield LocalFooter()

    def on_mount(self) -> None:
        relabel(self, tracker_app_lang(self))

    def action_close(self) -> None:
        self.dismiss(None)


class TrackerApp(App[None]):
    CSS_PATH = "app.tcss"
    TITLE = "党员发展工作台账"
    BINDINGS = [
        bind("q", "quit", "quit"),
        # priority: a text box does not swallow them (? is still typed into a box that has text in it)
        bind("question_mark", "help", "help", priority=True),
        bind("f1", "help(True)", "help_f1", show=False, priority=True),
        bind("ctrl+p", "command_palette", "palette", show=False, priority=True),
        bind("I", "import", "import", show=False),
        bind("slash", "search", "search"),
        bind("n", "new_person", "new_person"),
        bind("r", "record", "record"),
        bind("u", "undo", "undo", show=False),
        bind("e", "export", "export"),
        bind("l", "toggle_lang", "toggle_lang"),
        bind("D", "load_demo", "load_demo", show=False),
    ]

    class Opened(Message):
        """The database was opened in the background: its service, or the error that stops the app."""

        def __init__(self, service: Service | None, error: BilingualError | None = None) -> None:
            super().__init__()
            self.service, self.error = service, error

    class Counted(Message):
        """While the file is being opened: the stage counts, before everyone is built."""

        def __init__(self, counts: dict[str, int]) -> None:
            super().__init__()
            self.counts = counts

    def on_tracker_app_counted(self, message: Counted) -> None:
        if not self.ready:
            for overview in self.main_screen().query(Overview):
                overview.show_counts(message.counts)

    def __init__(self, service: Service | Callable[[], Service], *, lang: str = "zh", cursor_blink: bool = True,
                 watch_seconds: float = 2.0, initial_tab: str = "overview", export_dir: Path | None = None,
                 background_from: int = 2000) -> None:
        super().__init__(driver_class=terminal_driver())  # a lone Esc read after ESCDELAY (screens/driver.py)
        #: from this many people on, the overview is computed in a worker (the screen shows first)
        self.background_from = background_from
        # a Service, or how to open one: then the screen shows first and the file is read in a worker
        self._service = service if isinstance(service, Service) else None
        self._opener = None if isinstance(service, Service) else service
        self.error_message: str | None = None  # why the app stopped (the file could not be opened)
        self.typed_ahead = ""  # letters typed before the box they were meant for had the focus
        self.lang = lang
        self.cursor_blink = cursor_blink
        self.watch_seconds = watch_seconds
        self.initial_tab = initial_tab
        self.export_dir = export_dir
        self._person_screen: PersonScreen | None = None
        self.writes_in_flight = 0  # saves waiting or writing in a worker (screens/saving.py): no reload meanwhile
        self.exports_in_flight = 0  # exports reading everyone in a worker (screens/export.py): no reload either

    # ---- lifecycle
    @property
    def service(self) -> Service:
        if self._service is None:
            raise RuntimeError("the database is not open yet")
        return self._service

    @property
    def ready(self) -> bool:
        """The database is open (until then the screen shows, loading)."""
        return self._service is not None

    def on_mount(self) -> None:
        heap.tune()
        self.title = t("app_title", self.lang)
        relabel(self, self.lang)
        self.push_screen(MainScreen(self.initial_tab))
        if self._opener is None:
            self._started()
        else:
            self.sub_title = t("opening", self.lang)
            self.call_after_refresh(self.open_database)  # the first frame is drawn before the file is read

    def _started(self) -> None:
        self.show_unit()
        if self.watch_seconds > 0:
            self.set_interval(self.watch_seconds, self.watch_database)

    @work(thread=True, exit_on_error=False, group="open")
    def open_database(self) -> None:
        """Read and check the file, and build everyone, off the UI thread (at 10k people about a second)."""
        assert self._opener is not None
        try:
            svc = self._opener()
            if svc.count() >= self.background_from:  # the counts first (kept in the file), then everyone built
                self.post_message(self.Counted(svc.status().counts))
            svc.people()
        except BilingualError as exc:
            self.post_message(self.Opened(None, exc))
            return
        self.post_message(self.Opened(svc))

    def on_tracker_app_opened(self, message: Opened) -> None:
        if message.error is not None:
            self.error_message = message.error.message(self.lang)
            self.exit(return_code=3)  # the database cannot be used now (tracker.cli prints why)
            return
        self._service = message.service
        self._started()
        self.main_screen().refresh_data()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """While the file is being opened only what needs no data works (help, palette, language, quit)."""
        return self.ready or action not in NEEDS_DATA

    def watch_database(self) -> None:
        """A cron job or another window changed the file: reload and redraw."""
        if not self.writes_in_flight and not self.exports_in_flight and self.service.refresh():
            self.data_changed(t("reloaded", self.lang))

    def main_screen(self) -> MainScreen:
        return next(s for s in self.screen_stack if isinstance(s, MainScreen))

    # ---- what every change calls
    def show_unit(self) -> None:
        """The header: the unit's name (tracker config unit) and today."""
        unit = self.service.unit()
        self.sub_title = f"{printable(unit)}  ·  {self.service.today}" if unit else self.service.today.isoformat()

    def data_changed(self, message: str | None = None) -> None:
        self.show_unit()
        for screen in list(self.screen_stack):
            if isinstance(screen, PersonScreen):
                try:
                    self.service.person(screen.person_id)
                except InputError:  # undone: the person no longer exists
                    while self.screen is not screen and len(self.screen_stack) > 2:
                        self.pop_screen()
                    if self.screen is screen:
                        self.pop_screen()
                    continue
                screen.refresh_data()
            elif isinstance(screen, MainScreen):
                screen.refresh_data()
        if message:
            notify(self, message, timeout=3)

    def open_person(self, pid: int) -> None:
        """One person screen is built once and re-targeted: building a screen (and its footer)
        is most of the time it takes to open one."""
        screen = self._person_screen
        if screen is None:
            screen = self._person_screen = PersonScreen(pid)
            self.install_screen(screen, name="person")
        elif screen in self.screen_stack:  # a person opened from a person: a screen of its own
            self.push_screen(PersonScreen(pid))
            return
        elif screen.is_mounted:
            screen.show_person(pid)
        else:
            screen.person_id = pid
        self.push_screen(screen)

    # ---- actions
    def action_help(self, anywhere: bool = False) -> None:
        focused = self.focused
        if not anywhere and isinstance(focused, Input) and focused.value:
            raise SkipAction()  # typing a "?" into a note or a name
        if isinstance(self.screen, HelpScreen):
            self.screen.dismiss(None)
            return
        self.push_screen(HelpScreen())

    async def action_search(self) -> None:
        main = self.main_screen()
        while self.screen is not main:
            self.pop_screen()
        if main.current_tab() != "people" or not main.query("#pane-people"):
            main.focus_after_switch = ("people", "#people-filter")  # the tab switch places the focus
            main.action_tab("people")
            return
        people = await main.ensure_pane("people")
        people.focus_filter()

    def action_new_person(self) -> None:
        from .forms import PersonForm

        def opened(pid: int | None) -> None:
            if pid is not None:
                self.open_person(pid)

        self.push_screen(PersonForm(None), opened)

    def action_record(self) -> None:
        """On a person: their record dialog. On a row: that row's step (the planner's: with its date);
        on the planner's marked rows: one decision for all of them."""
        from .record import RecordModal

        if isinstance(self.screen, PersonScreen):
            self.push_screen(RecordModal(self.screen.person_id))
            return
        main = self.main_screen()
        pane: Any = main.query(f"#pane-{main.current_tab()}").first() if main.query(f"#pane-{main.current_tab()}") \
            else None
        req = pane.record_request() if pane is not None and hasattr(pane, "record_request") else None
        if req is None:
            self.notify(t("no_person", self.lang), severity="warning")
        elif req.batch:
            from .batch import BatchRecordModal

            self.push_screen(BatchRecordModal(list(req.pids), req.step, req.on), pane.batch_done)
        else:
            self.push_screen(RecordModal(req.pids[0], preselect=req.step, on_date=req.on))

    def action_export(self) -> None:
        from .export import ExportModal

        self.push_screen(ExportModal(self.export_dir))

    def action_undo(self) -> None:
        """Undo the last change; one that touched several people (an import, the demo) is asked first."""
        from .confirm import ConfirmModal

        entry = self.service.next_undo()
        if entry is None:
            self.notify(t("nothing_to_undo", self.lang))
            return
        n = len(entry.people)
        if n <= 1:
            self._undo(entry.id)
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self._undo(entry.id)

        self.push_screen(ConfirmModal(t("undo_many", self.lang, what=brief(entry.summary(self.lang)), n=n),
                                      t("undo_yes", self.lang, n=n)), answered)

    def _undo(self, expect: int) -> None:
        """In a worker: another program's lock is waited for without freezing the screen."""
        from .saving import write_from_app

        def undone(entry: Any) -> None:
            if entry is None:
                self.notify(t("nothing_to_undo", self.lang))
                return
            self.data_changed(t("undone", self.lang, what=brief(entry.summary(self.lang))))

        def failed(exc: Any) -> None:  # locked by another writer (the wait timed out), or changed meanwhile
            notify(self, exc.message(self.lang), severity="error", timeout=6)

        write_from_app(self, lambda: self.service.undo(expect=expect), undone, failed)

    def action_import(self) -> None:
        from .importing import ImportModal

        self.push_screen(ImportModal(self.export_dir))

    def action_load_demo(self) -> None:
        try:
            people = self.service.load_demo()
        except BilingualError as exc:
            notify(self, exc.message(self.lang), severity="warning")
            return
        self.data_changed(t("demo_loaded", self.lang, n=len(people)))

    async def action_toggle_lang(self) -> None:
        self.lang = "en" if self.lang == "zh" else "zh"
        self.title = t("app_title", self.lang)
        if self._person_screen is not None and self._person_screen not in self.screen_stack:
            self.uninstall_screen(self._person_screen)  # built in the old language: build anew when next opened
            self._person_screen = None
        relabel(self, self.lang)
        for screen in list(self.screen_stack):
            if isinstance(screen, MainScreen | PersonScreen):
                if isinstance(screen, MainScreen):
                    screen.initial = screen.current_tab()
                # the same row and the same place afterwards: only the words change
                focused = screen.focused.id if screen.focused is not None else None
                rows = {tb.id: tb.cursor_row for tb in tables_in(screen) if tb.id}
                await screen.recompose()
                relabel(screen, self.lang)
                screen.refresh_bindings()
                screen.refresh_data()
                self.call_after_refresh(_restore_place, screen, focused, rows)
        self.notify(t("lang_switched", self.lang), timeout=2)

    # ---- the command palette: every action is there, in the UI's language only
    def action_command_palette(self) -> None:
        from textual.command import CommandPalette

        if self.use_command_palette and not CommandPalette.is_open(self):  # type: ignore[arg-type]
            self.push_screen(CommandPalette(placeholder=t("palette_ph", self.lang), id="--command-palette"))

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """Our actions, and of Textual's own only what works here (no Screenshot: it writes into the
        current folder without saying where; no Theme: its names are English)."""
        lang = self.lang

        def command(title: str, key: str, callback: Any) -> SystemCommand:
            # one line in the UI's language (no English second line under a Chinese command)
            return SystemCommand(f"{title} ({key})" if key else title, "", callback)

        entries = [
            ("help", self.action_help), ("search", self.action_search), ("new_person", self.action_new_person),
            ("record", self.action_record), ("undo", self.action_undo), ("toggle_lang", self.action_toggle_lang),
            ("load_demo", self.action_load_demo), ("export", self.action_export), ("import", self.action_import),
        ]
        for bid, callback in entries:
            yield command(help_text(bid, lang), KEYS[bid][0], callback)
        if isinstance(screen, PersonScreen):
            for bid, callback in (("record_next", screen.action_record_next), ("record_any", screen.action_record_any),
                                  ("edit", screen.action_edit), ("leave", screen.action_leave),
                                  ("correct", screen.action_correct), ("remove", screen.action_remove),
                                  ("reveal_id", screen.action_reveal_id),
                                  ("back", screen.action_back)):
                yield command(key_text(bid, lang), KEYS[bid][0], callback)
        main = self.main_screen()
        for tab in TABS:
            yield command(t("tab_" + tab, lang), KEYS["tab_" + tab][0], lambda tab=tab: main.action_tab(tab))
        yield command(key_text("yearly", lang), "y", main.action_yearly)
        if screen.maximized is not None:
            yield command(t("minimize", lang), "", screen.action_minimize)
        elif screen.focused is not None and screen.focused.allow_maximize:
            yield command(t("maximize", lang), "", screen.action_maximize)
        yield command(key_text("quit", lang), KEYS["quit"][0], self.action_quit)


def _restore_place(screen: Screen[Any], focused: str | None, rows: dict[str, int]) -> None:
    for table in tables_in(screen):
        row = rows.get(table.id or "")
        if row is not None and row < table.row_count:
            table.move_cursor(row=row)
    if focused and screen.query(f"#{focused}"):
        screen.query_one(f"#{focused}").focus()


_RULE_IDS = re.compile(r"（超越规则 [^，）]*，理由：(.*)）$| \(overrode [^:)]*: (.*)\)$")


def brief(summary: str) -> str:
    """A change's summary for a toast: who and which step, without the rule ids an override lists
    (those stay in the history)."""
    return _RULE_IDS.sub(lambda m: f"（超越规则：{m.group(1)}）" if m.group(1) is not None
                         else f" (overridden: {m.group(2)})", summary)


__all__ = ["TrackerApp"]
