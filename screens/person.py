"""One person: details and the timeline of all steps of their path, with the actions on it."""

from __future__ import annotations

from datetime import date

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Header, Label, Static

from tracker.axis import person_axis
from tracker.registers import mask_id
from tracker.reports import STATUS_MARKS, person_view
from tracker.stages import EVENT_BY_KEY, SECTIONS, event_label, pending_label, stage_label
from tracker.textsafe import printable

from .axischart import PersonAxis
from .footer import LocalFooter
from .keys import bind, relabel
from .table import ListTable
from .text import t
from .widgets import iso, notify, plain, tracker_app
from .wrap import Wrapped

STATUS_STYLE = {"done": "green", "next": "bold cyan", "needed": "bold yellow", "open": "yellow", "todo": "dim"}


#: from this many rows on the person screen shows the time axis without asking (below, ``g`` shows it)
TALL = 30


class PersonScreen(Screen[None]):
    BINDINGS = [
        bind("escape", "back", "back"),
        bind("r", "record_next", "record_next"),
        bind("s", "record_any", "record_any"),
        bind("d", "edit", "edit"),
        bind("x", "leave", "leave"),
        bind("u", "undo", "undo"),
        bind("c", "correct", "correct"),
        bind("i", "reveal_id", "reveal_id"),
        bind("delete", "remove", "remove"),
        bind("g", "toggle_axis", "axis", show=False),
    ]

    def __init__(self, person_id: int) -> None:
        super().__init__()
        self.person_id = person_id
        self._first_paint = True
        self.reveal_id = False  # the ID number is sensitive (PIPL): masked until asked
        #: the time axis: None = shown when the screen has room (TALL rows), else as ``g`` last set it
        self.show_axis: bool | None = None

    def compose(self) -> ComposeResult:
        lang = tracker_app(self).lang
        yield Header(show_clock=False)  # the unit and today's date, as on the main screen
        with Vertical(id="person-body"):
            yield Static("", id="person-head")
            yield Static("", id="person-details")
            yield PersonAxis(lang, id="person-axis")
            yield Label(t("timeline", lang), classes="section")
            timeline = ListTable(id="timeline", selectable=lambda key: not (key or "").startswith("section-"))
            for key, label in (("n", "#"), ("step", t("step", lang)), ("mark", ""), ("dates", t("date", lang)),
                               ("info", "")):
                timeline.add_column(label, key=key)
            yield timeline
            yield Wrapped("", id="person-next")
        yield LocalFooter()

    def on_mount(self) -> None:
        relabel(self, tracker_app(self).lang)
        self.refresh_data()
        self.query_one("#timeline").focus()

    def show_person(self, person_id: int) -> None:
        """Re-target this screen at another person (the app keeps one person screen)."""
        self.person_id = person_id
        self.reveal_id = False
        self._first_paint = True
        self.refresh_data()
        self.query_one("#timeline").focus()

    def refresh_data(self) -> None:
        app = tracker_app(self)
        lang, svc = app.lang, app.service
        person = svc.person(self.person_id)
        view = person_view(person, svc.book, svc.today)
        state = stage_label(person.stage, lang)
        head = Text.assemble(plain(person.name, "bold"), f"  #{person.id}  ", (state, "bold cyan"))
        if person.pending:
            head.append(f"  {pending_label(person.pending, lang)}", style="yellow")
        if not person.active:
            left = person.last("left")
            head.append_text(plain(f"  {t('left', lang)} {iso(left.date) if left else ''} {left.reason if left else ''}",
                                   "red"))
        self.query_one("#person-head", Static).update(head)
        facts = [(t(k, lang), person.birth_text if k == "birth" else getattr(person, k) if k != "id_number" or self.reveal_id
                  else mask_id(person.id_number))
                 for k in ("gender", "ethnicity", "birth", "native_place", "education", "job", "branch", "phone",
                           "id_number", "expected_departure")]
        facts += [(t("stage_date", lang), view.stage_date), (t("probation_end", lang), view.probation_end),
                  (t("standing_from", lang), view.standing_from), (t("note", lang), person.note)]
        colon = "：" if lang == "zh" else ": "  # Chinese punctuation in Chinese labels (性别：男)
        self.query_one("#person-details", Static).update(Text("  ".join(
            f"{k}{colon}{v.isoformat() if hasattr(v, 'isoformat') else printable(str(v), keep_newlines=k == t('note', lang))}"
            for k, v in facts if v)))
        axis = self.query_one(PersonAxis)
        axis.display = self._axis_shown()
        self._fit_height()
        if axis.display:
            axis.show(person_axis(person, svc.book, svc.today))
        table = self.query_one("#timeline", ListTable)
        row = table.cursor_row
        table.clear()
        waiting = {d.event: d.waiting_text(lang) for d in view.deadlines if d.status == "waiting"}
        reminders = {d.event for d in view.deadlines if d.kind == "reminder"}  # "及时": no due date to show
        tentative = t("provisional", lang) if view.next is not None and view.next.provisional else ""
        last_section = None
        for r in view.timeline:
            if r.section != last_section:
                _first, _last, zh, en = SECTIONS[r.section]
                roman = "ⅠⅡⅢⅣⅤ"[r.section]
                table.add_row("", Text(f"{roman} {zh if lang == 'zh' else en}", style="bold orange1"), "", "", "",
                              key=f"section-{r.section}")
                last_section = r.section
            mark, style = STATUS_MARKS[r.status] or "·", STATUS_STYLE[r.status]
            info = Text()
            for late in r.late:
                info.append(t("late_by", lang, days=late.days) + " ", style="red")
            for o in r.overrides:
                info.append(f"✎ {printable(o)} ", style="magenta")
            if r.provisional and r.dates:
                info.append(t("provisional", lang).strip(" （）()") + " ", style="yellow")
            if r.status == "needed":
                info.append(t("needed_first", lang) + " ", style="bold yellow")
            if r.status == "next" and r.earliest:
                info.append(t("earliest_on", lang, date=r.earliest.isoformat()) + tentative + " ", style="cyan")
            if r.projected:
                info.append(t("projected_on", lang, date=r.projected.isoformat()) + " ", style="dim")
            if r.event in waiting:
                info.append(waiting[r.event] + " ", style="cyan")
            elif r.due and r.event not in reminders:
                overdue = (svc.today - r.due).days
                if r.missed > 1:
                    info.append(t("missed_times", lang, n=r.missed) + " ", style="bold red")
                if overdue > 0:
                    info.append(t("due_on", lang, date=r.due.isoformat()) + " " + t("late_by", lang, days=overdue),
                                style="bold red")
                else:
                    info.append(t("due_on", lang, date=r.due.isoformat()) + " ", style="yellow")
            table.add_row(str(r.step or ""), Text(event_label(r.event, lang), style=style),
                          Text(mark, style=style), ", ".join(d.isoformat() for d in r.dates), info, key=r.event)
        if self._first_paint and view.next is not None:
            self._first_paint = False
            first = view.next.prerequisite or view.next.event
            row = next((i for i, r in enumerate(table.rows) if r.value == first), row)
        keys = [str(r.value) for r in table.rows]
        while row + 1 < len(keys) and keys[row].startswith("section-"):  # never on a part's heading
            row += 1
        if row < table.row_count:
            table.move_cursor(row=row)
        nxt = Text()
        if view.next is not None:
            nxt.append(f"{t('next_step', lang)}{'：' if lang == 'zh' else ': '}{event_label(view.next.event, lang)}", style="bold cyan")
            if view.next.earliest:
                nxt.append("  " + t("earliest_on", lang, date=view.next.earliest.isoformat()) + tentative)
            if view.next.prerequisite:
                nxt.append("  " + t("needed_step", lang, step=event_label(view.next.prerequisite, lang)),
                           style="bold yellow")
            for b in view.next.blockers:
                nxt.append("\n✗" + printable(b.message(lang)), style="red")  # no space: Rich would break the line there
        self.query_one("#person-next", Wrapped).update(nxt)

    # ---- actions
    def action_back(self) -> None:
        self.app.pop_screen()

    def _open_record(self, preselect: str | None, pick: bool) -> None:
        from .record import RecordModal

        self.app.push_screen(RecordModal(self.person_id, preselect=preselect, pick_step=pick))

    def action_record_next(self) -> None:
        app = tracker_app(self)
        person = app.service.person(self.person_id)
        view = person_view(person, app.service.book, app.service.today)
        preselect = None
        table = self.query_one("#timeline", ListTable)
        if table.row_count:
            key = str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)
            row = next((r for r in view.timeline if r.event == key), None)
            if row is not None and row.status != "done":
                preselect = key
        if preselect is None and view.next is not None:
            preselect = view.next.prerequisite or view.next.event
        self._open_record(preselect, False)

    def action_record_any(self) -> None:
        self._open_record(None, True)

    def action_leave(self) -> None:
        self._open_record("left", False)

    def action_edit(self) -> None:
        from .forms import PersonForm

        self.app.push_screen(PersonForm(self.person_id))

    def action_undo(self) -> None:
        tracker_app(self).action_undo()

    def action_toggle_axis(self) -> None:
        self.show_axis = not self._axis_shown()
        self.refresh_data()

    def _axis_shown(self) -> bool:
        return self.show_axis if self.show_axis is not None else self.app.size.height >= TALL

    def _fit_height(self) -> None:
        """On a short terminal (80×24) the steps keep room for a few rows: the what-blocks text below them is held
        to a few lines (it scrolls), and the time axis waits for ``g``."""
        self.query_one("#person-next").styles.max_height = 8 if self.app.size.height >= TALL else 4

    def on_resize(self) -> None:
        if self.is_mounted and self.show_axis is None and self.query_one(PersonAxis).display != self._axis_shown():
            self.refresh_data()
        elif self.is_mounted:
            self._fit_height()

    def action_reveal_id(self) -> None:
        self.reveal_id = not self.reveal_id
        self.refresh_data()

    def _cursor_step(self) -> tuple[str, tuple[date, ...]] | None:
        """The recorded step under the cursor and its dates; None (with a notice) when it has none."""
        app = tracker_app(self)
        table = self.query_one("#timeline", ListTable)
        if not table.row_count:
            return None
        key = str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)
        if key not in EVENT_BY_KEY:
            return None
        dates = tuple(ev.date for ev in app.service.person(self.person_id).all_of(key))
        if not dates:
            notify(app, t("not_recorded", app.lang, step=event_label(key, app.lang)), severity="warning")
            return None
        return key, dates

    def action_correct(self) -> None:
        from .correct import CorrectModal

        found = self._cursor_step()
        if found is not None:
            self.app.push_screen(CorrectModal(self.person_id, found[0], found[1]))

    def action_remove(self) -> None:
        from .correct import CorrectModal

        found = self._cursor_step()
        if found is not None:
            self.app.push_screen(CorrectModal(self.person_id, found[0], found[1], removing=True))
