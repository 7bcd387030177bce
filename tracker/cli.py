"""Command-line front end: argparse in, Rich tables or JSON out.

Exit codes: 0 done; 1 refused by a rule (nothing saved); 2 bad input or usage;
3 the database cannot be used right now (locked by another writer, damaged, newer schema).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .cli_args import Parser as _Parser  # noqa: F401  (the name other modules and tests knew)
from .cli_args import build_parser, command_function
from .cli_output import _add_row as _add_row
from .cli_output import _console as _console
from .cli_output import _plain as _plain
from .cli_output import _print_json as _print_json
from .cli_output import _print_marked as _print_marked
from .cli_output import _print_table as _print_table
from .cli_output import _say as _say
from .cli_output import _table as _table
from .cli_output import _text as _text
from .i18n import BilingualError, default_lang, label, pick
from .textsafe import printable

if TYPE_CHECKING:
    from datetime import date

    from .profiles import RuleBook
    from .service import Service

# Each command imports what it uses when it runs (``tracker.cli_args``): the modules every command needs cost
# ≈ 50 ms, Rich, openpyxl, the meeting planner and psycopg more; ``tracker status`` on a file imports none of those.

EXIT_OK, EXIT_REFUSED, EXIT_INPUT, EXIT_STORE = 0, 1, 2, 3
EXIT_INTERRUPTED = 130  # Ctrl-C, as shells report it
APP_NAME = "party-tracker"
#: commands that only read (or change what must already be there): a missing file is a mistyped --db
NEEDS_EXISTING_DB = frozenset({"list", "show", "status", "due", "eligible", "history", "export", "report",
                               "edit", "undo", "fix", "unrecord", "notice"})
__all__ = ["build_parser", "main"]


def default_db_path() -> Path:
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, appauthor=False) / "tracker.json"


# ------------------------------------------------------------------ context

class Context:
    def __init__(self, args: argparse.Namespace) -> None:
        from datetime import date

        from .backend import is_pg_url, start_connecting
        from .dates import parse_date

        env = os.environ
        self.lang: str = args.lang or default_lang()
        db: str | None = args.db or env.get("TRACKER_DB")
        #: a file's path, or a postgresql:// URL
        self.db_path: Path | str = db if db and is_pg_url(db) else Path(db).expanduser() if db else default_db_path()
        if isinstance(self.db_path, str) and args.command not in (None, "db", "migrate", "rules"):
            # the server's answer awaited while the rules load (the app connects after its first frame instead)
            start_connecting(self.db_path)
        today_text = args.today or env.get("TRACKER_TODAY")
        self.today: date = parse_date(today_text) if today_text else date.today()
        from .profiles import load_rulebook

        self.book: RuleBook = load_rulebook(args.profile or env.get("TRACKER_PROFILE"))
        self._service: Service | None = None
        self._must_exist = args.command in NEEDS_EXISTING_DB

    @property
    def service(self) -> Service:
        if self._service is None:
            from .backend import open_store
            from .service import Service

            store = open_store(self.db_path, book=self.book, must_exist=self._must_exist)
            today = self.today
            self._service = Service(store, self.book, lambda: today)
        return self._service


# ------------------------------------------------------------------ commands

def cmd_add(ctx: Context, args: argparse.Namespace) -> int:
    from .serialize import person_json

    details = {k: getattr(args, k) for k in ("birth", "gender", "ethnicity", "education", "branch", "phone",
                                              "id_number", "note", "expected_departure", "native_place", "job")
               if getattr(args, k) is not None}
    details["name"] = args.name
    applied = _date_arg(args.applied, "applied")
    done = ctx.service.add(details, applied, override=args.override, if_absent=args.if_absent)
    if done.existed is not None:
        p = done.person
        why_zh, why_en = ("身份证号相同", "same ID number") if done.existed == "id_number" else \
            ("姓名与出生日期相同", "same name and birth date")
        print(pick(f"已有此人：{p.name}（编号 {p.id}，{why_zh}），未重复新增。",
                   f"Already there: {p.name} (id {p.id}, {why_en}); not added again.", ctx.lang), file=sys.stderr)
    if args.json:
        _print_json({**person_json(done.person), "existed": done.existed is not None} if args.if_absent
                    else person_json(done.person))
    else:
        print(done.person.id)
    return EXIT_OK


def _date_arg(text: str, field: str) -> date:
    from .dates import DateError, parse_date
    from .service import InputError

    try:
        return parse_date(text)
    except DateError as exc:
        raise InputError(exc.zh, exc.en, field) from None


def cmd_record(ctx: Context, args: argparse.Namespace) -> int:
    from . import cli_meeting
    from .service import InputError, build_event
    from .stages import event_label, stage_label

    svc = ctx.service
    if args.event == "applied":
        raise InputError("申请日期在新增人员时记录（tracker add --applied）。",
                         "The application date is recorded when adding the person (tracker add --applied).")
    ev = build_event(args.event, _date_arg(args.on, "on"), names=args.names, result=args.result,
                     days=args.days, hours=args.hours, months=args.months, reason=args.reason, note=args.note,
                     collective=args.collective)
    if len(args.person) > 1:
        return cli_meeting.record_batch(ctx, args, ev)
    person = svc.find(args.person[0])
    done = svc.record(person.id, ev, override=args.override)
    lang = ctx.lang
    return _print_recorded(done, lang, args.json, pick(
        f"已记录：{done.person.name} {event_label(ev.event, 'zh')} {ev.date}（现为{stage_label(done.person.stage, 'zh')}）",
        f"Recorded: {done.person.name} — {event_label(ev.event, 'en')} on {ev.date} "
        f"(now {stage_label(done.person.stage, 'en')})", lang))


def _print_recorded(done: Any, lang: str, as_json: bool, headline: str) -> int:
    """What a saved step says: the person as JSON (with the notes and the rules overridden), or a line
    and then each rule overridden and each note."""
    from .serialize import person_json, verdict_json

    if as_json:
        out = person_json(done.person)
        out["notes"] = [verdict_json(v, lang) for v in done.check.notes]
        out["overridden"] = [verdict_json(v, lang) for v in done.check.refusals]
        _print_json(out)
        return EXIT_OK
    _say(headline)
    for v in done.check.refusals:
        _say(pick("  已超越规则：", "  Overridden: ", lang) + v.message(lang))
    for v in done.check.notes:
        _say(pick("  注意：", "  Note: ", lang) + v.message(lang))
    return EXIT_OK


def cmd_show(ctx: Context, args: argparse.Namespace) -> int:
    from .reports import person_view
    from .serialize import view_json
    from .stages import event_label, pending_label, stage_label

    svc = ctx.service
    person = svc.find(args.person)
    view = person_view(person, svc.book, svc.today)
    lang = ctx.lang
    if args.json:
        _print_json(view_json(view, lang))
        return EXIT_OK
    con = _console()
    p = view.person
    state = stage_label(p.stage, lang) + ("" if p.active else f" ({label('left', lang)})")
    if p.pending:
        state += f"（{pending_label(p.pending, lang)}）" if lang == "zh" else f" ({pending_label(p.pending, lang)})"
    con.print(_text(p.name, "bold").append(f"  #{p.id}  {state}"))
    from .registers import mask_id

    shown_id = p.id_number if args.full_id or not p.id_number else mask_id(p.id_number)  # as the app shows it
    facts = [(label(k, lang), shown_id if k == "id_number" else p.birth_text if k == "birth" else getattr(p, k))
             for k in ("gender", "ethnicity", "birth", "native_place", "education", "job", "branch", "phone",
                       "id_number", "expected_departure", "note")]
    facts += [(label("stage_date", lang), view.stage_date), (label("probation_end", lang), view.probation_end),
              (label("standing_from", lang), view.standing_from)]
    from rich.text import Text

    con.print(Text("  ".join(f"{k}: {printable(str(v), keep_newlines=k == label('note', lang))}" for k, v in facts if v)))
    t = _table(label("events", lang), ["#", label("step", lang), label("date", lang), ""])
    waiting = {d.event: d.waiting_text(lang) for d in view.deadlines if d.status == "waiting"}
    reminders = {d.event for d in view.deadlines if d.kind == "reminder"}  # "及时": no due date to show
    for row in view.timeline:
        if not row.dates and row.status not in ("next", "needed", "open"):
            continue
        extra = []
        for late in row.late:
            extra.append(_text(late.message(lang), "red"))
        for o in row.overrides:
            extra.append(_text(f"{label('override', lang)}: {o}", "magenta"))
        if row.provisional and row.dates:
            extra.append(_text(label("provisional", lang).strip(" （）()"), "yellow"))
        if row.status == "next":
            tentative = label("provisional", lang) if view.next is not None and view.next.provisional else ""
            extra.append(_text(f"{label('next', lang)} · {label('earliest', lang)} {row.earliest}{tentative}", "cyan"))
        if row.status == "needed":
            extra.append(_text(pick("须先办理", "to do first", lang), "bold yellow"))
        if row.event in waiting:
            extra.append(_text(waiting[row.event], "cyan"))
        elif row.due and row.event not in reminders:
            if row.missed > 1:
                extra.append(_text(pick(f"已漏 {row.missed} 次", f"{row.missed} missed", lang), "red"))
            past = (svc.today - row.due).days
            extra.append(_text(f"{label('due', lang)} {row.due} · {pick(f'逾期{past}天', f'{past} days overdue', lang)}",
                               "red") if past > 0 else _text(f"{label('due', lang)} {row.due}", "yellow"))
        _add_row(t, str(row.step or ""), event_label(row.event, lang), ", ".join(d.isoformat() for d in row.dates),
                 _text("; ").join(extra))
    con.print(t)
    if view.next is not None:
        for v in view.next.blockers:
            _print_marked(con, _text("✗", "red"), printable(v.message(lang), keep_newlines=True))
    return EXIT_OK


def cmd_list(ctx: Context, args: argparse.Namespace) -> int:
    from .serialize import person_json
    from .stages import pending_label, stage_label

    svc = ctx.service
    everyone = svc.summaries()  # the derived fields: no one's events replayed
    chosen = [s for s in everyone if (args.all or s.derived.active)
              and (args.stage is None or s.derived.stage == args.stage)
              and (args.branch is None or s.branch == args.branch)]
    shown = chosen if args.limit is None else chosen[:args.limit]
    lang = ctx.lang
    if args.json:
        _print_json([person_json(svc.person(s.id)) for s in shown])
        return EXIT_OK
    if not chosen:
        print(label("no_people", lang) if not everyone else pick("没有符合条件的人员。", "No one matches.", lang))
        return EXIT_OK
    rows = []
    for s in shown:
        d = s.derived
        # a list's column: the approval awaited in a word (tracker show says it whole)
        stage = stage_label(d.stage, lang) + (f"（{pending_label(d.pending, lang, short=True)}）" if d.pending else "")
        rows.append([str(s.id), s.name + ("" if d.active else f" ({label('left', lang)})"), stage,
                     str(d.stage_date or ""), s.branch])
    _print_table(pick(f"人员名单（{len(chosen)}人）", f"People ({len(chosen)})", lang),
                 [label("id", lang), label("name", lang), label("stage", lang), label("stage_date", lang),
                  label("branch", lang)], rows, more=len(chosen) - len(shown), lang=lang)
    return EXIT_OK


def cmd_status(ctx: Context, args: argparse.Namespace) -> int:
    from .stages import STAGE_KEYS, pending_label, stage_label

    svc = ctx.service
    st = svc.status()
    anyone = any(st.counts.values()) or st.left > 0
    lang = ctx.lang
    if args.json:
        _print_json(st.to_json())
        return EXIT_OK
    if _plain():
        return _print_status_plain(st, lang, anyone)
    con = _console()
    t = _table(pick(f"党员发展情况（{st.today}）", f"Member development on {st.today}", lang),
               [label("stage", lang), label("count", lang)])
    for key in STAGE_KEYS:
        t.add_row(stage_label(key, lang), str(st.counts[key]))
    t.add_row(label("left", lang), str(st.left))
    con.print(t)
    con.print(pick(f"[red]已逾期 {st.overdue} 项[/]，[yellow]30天内到期 {st.due_soon} 项[/]，"
                   f"[cyan]预备期已满待讨论转正 {st.waiting} 项[/]。",
                   f"[red]{st.overdue} overdue[/], [yellow]{st.due_soon} due within 30 days[/], "
                   f"[cyan]{st.waiting} waiting (probation ended, conversion not yet discussed)[/].", lang))
    for key, n in st.pending.items():
        if n:
            con.print(pick(f"{pending_label(key, 'zh')}：{n} 人。", f"{n} {pending_label(key, 'en')}.", lang))
    if not anyone:
        con.print(label("no_people", lang))
    return EXIT_OK


def _print_status_plain(st: Any, lang: str, anyone: bool) -> int:
    from .plaintext import table_text
    from .stages import STAGE_KEYS, pending_label, stage_label

    rows = [[stage_label(key, lang), str(st.counts[key])] for key in STAGE_KEYS]
    rows.append([label("left", lang), str(st.left)])
    out = [table_text(pick(f"党员发展情况（{st.today}）", f"Member development on {st.today}", lang),
                      [label("stage", lang), label("count", lang)], rows).rstrip("\n"),
           pick(f"已逾期 {st.overdue} 项，30天内到期 {st.due_soon} 项，预备期已满待讨论转正 {st.waiting} 项。",
                f"{st.overdue} overdue, {st.due_soon} due within 30 days, "
                f"{st.waiting} waiting (probation ended, conversion not yet discussed).", lang)]
    out += [pick(f"{pending_label(key, 'zh')}：{n} 人。", f"{n} {pending_label(key, 'en')}.", lang)
            for key, n in st.pending.items() if n]
    if not anyone:
        out.append(label("no_people", lang))
    print("\n".join(out))
    return EXIT_OK


def cmd_due(ctx: Context, args: argparse.Namespace) -> int:
    from .serialize import deadline_json
    from .service import InputError

    svc = ctx.service
    if args.within < 0:
        raise InputError("--within 须为非负天数。", "--within must be a number of days, 0 or more.", "within")
    every = svc.due(args.within)
    items = every if args.limit is None else every[:args.limit]
    lang = ctx.lang
    if args.json:
        _print_json([deadline_json(d, lang) for d in items])
        return EXIT_OK
    if not items:
        print(label("nothing_due", lang))
        return EXIT_OK
    plain = _plain()
    rows: list[list[Any]] = []
    for d in items:
        colour = "cyan" if d.status == "waiting" else "red" if d.overdue else "yellow"
        left = (d.waiting_text(lang) or str(d.days_left)) + (label("provisional", lang) if d.provisional else "")
        rows.append([str(d.person), d.name, d.what(lang), d.due.isoformat(), left if plain else _text(left, colour),
                     f"{d.code} {d.citation_zh if lang == 'zh' else d.citation_en}"])
    _print_table(pick(f"逾期和{args.within}天内到期（{svc.today}）", f"Overdue and due within {args.within} days ({svc.today})", lang),
                 [label("id", lang), label("name", lang), label("what", lang), label("due", lang),
                  label("days_left", lang), label("rule", lang)], rows, more=len(every) - len(items), lang=lang)
    return EXIT_OK


def cmd_eligible(ctx: Context, args: argparse.Namespace) -> int:
    from .reports import eligibility
    from .serialize import eligibility_json
    from .stages import event_label, stage_label

    svc = ctx.service
    on = _date_arg(args.on, "on")
    items = [e for e in eligibility(svc.people(), svc.book, on, args.to, today=svc.today) if e.eligible or args.all]
    lang = ctx.lang
    if args.json:
        _print_json([eligibility_json(e, lang) for e in items])
        return EXIT_OK
    if not items:
        print(label("nobody_eligible", lang))
        return EXIT_OK
    t = _table(pick(f"{on} 可办理下一步的人员", f"Eligible for their next step on {on}", lang),
               [label("id", lang), label("name", lang), label("stage", lang), label("next", lang),
                label("earliest", lang), *([label("blockers", lang)] if args.all else [])])
    for e in items:
        why = "" if e.eligible else "；".join(v.message(lang) for v in e.check.refusals)
        _add_row(t, str(e.person.id), e.person.name, stage_label(e.person.stage, lang), event_label(e.event, lang),
                 str(e.earliest or ""), *([("✓ " if e.eligible else "✗ ") + why] if args.all else []))
    _console().print(t)
    return EXIT_OK


def cmd_edit(ctx: Context, args: argparse.Namespace) -> int:
    from .serialize import person_json
    from .service import InputError

    svc = ctx.service
    person = svc.find(args.person)
    changes = {k: getattr(args, k) for k in ("name", "birth", "gender", "ethnicity", "education", "branch", "phone",
                                              "id_number", "note", "expected_departure", "native_place", "job")
               if getattr(args, k) is not None}
    if not changes:
        raise InputError("请给出要更正的内容，例如 --phone 13800000000。", "Give what to change, e.g. --phone 13800000000.")
    updated = svc.edit(person.id, changes, override=args.override)
    if args.json:
        _print_json(person_json(updated))
    else:
        _say(pick(f"已更正：{updated.name}", f"Updated: {updated.name}", ctx.lang))
    return EXIT_OK


def cmd_undo(ctx: Context, args: argparse.Namespace) -> int:
    svc = ctx.service
    entry = svc.undo_person(svc.find(args.person).id) if args.person else svc.undo()
    if args.json:
        _print_json({"undone": None if entry is None else {"id": entry.id, "at": entry.at, "action": entry.action,
                                                             "summary": entry.summary(ctx.lang)}})
    elif entry is None:
        print(pick("没有可撤销的更改。", "Nothing to undo.", ctx.lang))
    else:
        _say(pick(f"已撤销：{entry.zh}", f"Undone: {entry.en}", ctx.lang))
    return EXIT_OK


def cmd_history(ctx: Context, args: argparse.Namespace) -> int:
    svc = ctx.service
    pid = svc.find(args.person).id if args.person else None
    entries = svc.history(pid)
    lang = ctx.lang
    if args.json:
        _print_json([{"id": h.id, "at": h.at, "action": h.action, "summary": h.summary(lang), "people": h.people,
                      "undone": h.undone} for h in entries])
        return EXIT_OK
    t = _table(pick("更改记录", "Change history", lang), ["#", label("history_at", lang), label("history_what", lang)])
    for h in entries:
        what = _text(h.summary(lang))
        if h.undone:
            what.append(f" ({label('undone', lang)})", style="dim")
        _add_row(t, str(h.id), h.at.replace("T", " ")[:19], what)
    _console().print(t)
    return EXIT_OK


def cmd_demo(ctx: Context, args: argparse.Namespace) -> int:
    from .backend import shown_db

    people = ctx.service.load_demo()
    if args.json:
        _print_json({"loaded": len(people)})
    else:
        shown = shown_db(ctx.db_path)  # a PostgreSQL URL without its password
        _say(pick(f"已载入示例数据 {len(people)} 人（{shown}）。", f"Loaded {len(people)} demo people into {shown}.",
                  ctx.lang))
    return EXIT_OK


def cmd_rules(ctx: Context, args: argparse.Namespace) -> int:
    on = _date_arg(args.on, "on") if args.on else ctx.today
    rs = ctx.book.on(on)
    lang = ctx.lang
    if not ctx.book.modelled(on):
        if args.json:
            _print_json({"on": on.isoformat(), "edition": rs.edition.name, "modelled": False,
                         "note": rs.edition.title(lang), "rules": []})
        else:
            _say(pick(f"{on} 适用：{rs.edition.title('zh')}。", f"On {on}: {rs.edition.title('en')}.", lang))
        return EXIT_OK
    if args.json:
        _print_json({"on": on.isoformat(), "edition": rs.edition.name, "modelled": True, "rules": [
            {"id": r.id, "code": r.code, "kind": r.kind, "from": r.from_, "to": r.to, "also": list(r.also),
             "length": str(r.length) if r.length else None, "article": r.article, "source": r.source,
             "text": r.text(lang)} for r in rs.rules]})
        return EXIT_OK
    t = _table(pick(f"{on} 适用：{rs.edition.title('zh')}", f"In force on {on}: {rs.edition.title('en')}", lang),
               ["", "id", label("rule", lang), ""])
    for r in sorted(rs.rules, key=lambda r: (len(r.code), r.code)):
        _add_row(t, r.code, r.id, r.text(lang), r.citation(lang))
    _console().print(t)
    return EXIT_OK


def _fail(lang: str, as_json: bool, code: int, payload: dict[str, Any], text: str) -> int:

    if as_json:
        _print_json(payload)
    print(printable(text, keep_newlines=True), file=sys.stderr)  # a refusal may quote stored text
    return code


def _saves() -> int:
    """Files replaced by this process so far (none when the file store was never imported)."""
    storefile = sys.modules.get(f"{__package__}.storefile")
    return 0 if storefile is None else int(storefile.saves_in_this_process())


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command. Ctrl-C at any point prints one line, saved or not, never a traceback."""
    from .interrupts import forget_the_interrupt, imports_finish_first

    saves_before = _saves()
    try:
        with imports_finish_first():
            return _main(argv)
    except KeyboardInterrupt:  # the store is consistent at any point: only say which side of the save we are
        forget_the_interrupt()
        words = sys.argv[1:] if argv is None else list(argv)
        lang = words[words.index("--lang") + 1] if "--lang" in words[:-1] else default_lang()
        saved = _saves() > saves_before
        print(pick("已中断：更改已保存。" if saved else "已中断：未保存任何更改。",
                   "Interrupted: the change was saved." if saved else "Interrupted: nothing was saved.", lang),
              file=sys.stderr)
        return EXIT_INTERRUPTED
    finally:
        try:  # the real command line, about to exit: a late Ctrl-C changes nothing any more
            if argv is None:
                import signal

                signal.signal(signal.SIGINT, signal.SIG_IGN)
        except (KeyboardInterrupt, ValueError, OSError):
            pass


def _main(argv: Sequence[str] | None) -> int:
    words = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser(argv=words)
    args = parser.parse_args(words)
    lang = args.lang or default_lang()
    as_json = bool(getattr(args, "json", False))
    try:
        _import_orjson_whole()
        ctx = Context(args)
        if args.command is None:
            if not (sys.stdin.isatty() and sys.stdout.isatty()):  # a script or cron job: no screen to draw
                print(pick("（没有终端，显示概况；在终端中运行 tracker 打开全屏界面，tracker --help 查看命令。）",
                           "(No terminal: showing the status. Run tracker in a terminal for the full-screen app; "
                           "tracker --help lists the commands.)", lang), file=sys.stderr)
                return cmd_status(ctx, argparse.Namespace(json=False))
            return run_tui(ctx)
        return command_function(args.command)(ctx, args)
    except BilingualError as exc:
        return _failed(exc, lang, as_json)
    except Exception as exc:
        service = sys.modules.get(f"{__package__}.service")  # a rule's refusal comes from there (exit 1)
        if service is None or not isinstance(exc, service.Refused):
            raise
        from .serialize import refusal_json

        return _fail(lang, as_json, EXIT_REFUSED, refusal_json(exc.check, lang), exc.message(lang))


def _failed(exc: BilingualError, lang: str, as_json: bool) -> int:
    """A refusal, bad input, a conflict, a database that cannot be used now: its message and exit code."""
    from .dates import DateError
    from .profiles import ProfileError
    from .service import Conflict, InputError
    from .storefile import StoreError

    if isinstance(exc, InputError):
        return _fail(lang, as_json, EXIT_INPUT, {"error": "input", "field": exc.field, "message": exc.message(lang)},
                     exc.message(lang))
    if isinstance(exc, Conflict):
        return _fail(lang, as_json, EXIT_REFUSED, {"error": "conflict", "message": exc.message(lang)},
                     exc.message(lang))
    if isinstance(exc, StoreError):
        return _fail(lang, as_json, EXIT_STORE, {"error": "store", "message": exc.message(lang)}, exc.message(lang))
    # a date, a profile, a file to read or write
    kind = "profile" if isinstance(exc, ProfileError) else "input"
    field = "date" if isinstance(exc, DateError) else None
    return _fail(lang, as_json, EXIT_INPUT, {"error": kind, "field": field, "message": exc.message(lang)},
                 exc.message(lang))


def _import_orjson_whole() -> None:
    """Import orjson with Ctrl-C held back, then let it through: orjson's module set-up crashes the process
    (SIGSEGV, orjson 3.13) when Ctrl-C lands in the middle of it — found by the Ctrl-C-at-any-moment test.
    The same hold as around the save's rename (``storefile.interrupts_deferred``). Done before any command
    reaches the store (which imports orjson); ``--version`` and ``--help`` never import it."""
    if "orjson" in sys.modules:
        return
    from .storefile import interrupts_deferred

    with interrupts_deferred():
        import orjson  # noqa: F401


def run_tui(ctx: Context) -> int:
    from screens.app import TrackerApp

    from .backend import is_pg_url

    # the screen first: the file is opened (read, checked, everyone built) in the app's worker; PostgreSQL
    # announces changes (NOTIFY): reading them costs no round trip, so look often (within a second)
    app = TrackerApp(lambda: ctx.service, lang=ctx.lang, watch_seconds=0.25 if is_pg_url(ctx.db_path) else 2.0)
    app.run()
    if app.error_message:
        print(app.error_message, file=sys.stderr)
    return tui_exit_code(app)


def tui_exit_code(app: Any) -> int:
    """0 when the app was quit; its non-zero return code when it stopped on an error (a crash must not exit 0)."""
    return int(app.return_code or EXIT_OK)


if __name__ == "__main__":
    raise SystemExit(main())
