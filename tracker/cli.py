"""Command-line front end: argparse in, Rich tables or JSON out.

Exit codes: 0 done; 1 refused by a rule (nothing saved); 2 bad input or usage;
3 the database cannot be used right now (locked by another writer, damaged, newer schema).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any, NoReturn

from . import __version__, cli_config, cli_corrections, cli_db, cli_meeting, cli_registers
from .backend import is_pg_url, open_store, shown_db
from .dates import DateError, parse_date
from .i18n import BilingualError, default_lang, label, pick
from .profiles import ProfileError, load_rulebook
from .reports import eligibility, person_view
from .serialize import (
    deadline_json,
    eligibility_json,
    person_json,
    refusal_json,
    verdict_json,
    view_json,
)
from .service import Conflict, InputError, Refused, Service, build_event
from .stages import EVENT_KEYS, STAGE_KEYS, event_label, pending_label, stage_label
from .store import StoreError, saves_in_this_process
from .textsafe import printable

EXIT_OK, EXIT_REFUSED, EXIT_INPUT, EXIT_STORE = 0, 1, 2, 3
EXIT_INTERRUPTED = 130  # Ctrl-C, as shells report it
APP_NAME = "party-tracker"
#: commands that only read (or change what must already be there): a missing file is a mistyped --db
NEEDS_EXISTING_DB = frozenset({"list", "show", "status", "due", "eligible", "history", "export", "report",
                               "edit", "undo", "fix", "unrecord", "notice"})


def default_db_path() -> Path:
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, appauthor=False) / "tracker.json"


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(EXIT_INPUT, f"{self.prog}: 用法错误 / usage error: {message}\n")


def _limit(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        n = 0
    if n < 1:
        raise argparse.ArgumentTypeError(f"--limit 须为正整数 / must be a whole number, 1 or more: {text!r}")
    return n


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="tracker", description="党员发展工作台账 — Party member development tracker. "
                "Run without a command to open the full-screen app.")
    p.add_argument("--version", action="version", version=f"tracker {__version__}")
    p.add_argument("--db", help="database file (env TRACKER_DB; default: the user data directory)")
    p.add_argument("--today", help="the date to treat as today, YYYY-MM-DD (env TRACKER_TODAY)")
    p.add_argument("--lang", choices=("zh", "en"), help="language (env TRACKER_LANG; default from the locale)")
    p.add_argument("--profile", help="pin a national edition (cpc-2014, cpc-2026) or add a local profile file")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    def detail_options(sp: argparse.ArgumentParser) -> None:
        sp.add_argument("--birth", help="出生日期 birth date")
        sp.add_argument("--gender", help="性别 男/女")
        sp.add_argument("--ethnicity", help="民族")
        sp.add_argument("--education", help="学历")
        sp.add_argument("--branch", help="所在党支部")
        sp.add_argument("--phone", help="联系电话")
        sp.add_argument("--id-number", dest="id_number", help="身份证号 (18 characters)")
        sp.add_argument("--note", help="备注")
        sp.add_argument("--expected-departure", dest="expected_departure", help="预计离开日期 (R18)")
        sp.add_argument("--native-place", dest="native_place", help="籍贯")
        sp.add_argument("--job", help="工作单位及职务")

    a = sub.add_parser("add", help="新增入党申请人 add an applicant")
    a.add_argument("name")
    a.add_argument("--applied", required=True, help="递交入党申请书时间 date the application was received")
    detail_options(a)
    a.add_argument("--override", help="written reason to proceed despite a rule")
    a.add_argument("--if-absent", dest="if_absent", action="store_true",
                   help="若已有此人（身份证号相同，或姓名与出生日期相同）则不新增，输出其编号 / if the person is already "
                   "there (same ID number, or same name and birth date), print their id instead of adding (exit 0)")
    a.add_argument("--json", action="store_true")

    r = sub.add_parser("record", help="记录一个步骤 record a step")
    r.add_argument("person", nargs="+", help="id or unique name; several: one decision for each (one undo)")
    r.add_argument("event", help="one of: " + ", ".join(k for k in EVENT_KEYS if k != "applied"))
    r.add_argument("--on", required=True, help="the date it happened")
    r.add_argument("--names", help="names, comma separated (sponsors, mentors)")
    r.add_argument("--result", help="pass | fail (political-review)")
    r.add_argument("--days", type=float, help="training days")
    r.add_argument("--hours", type=float, help="training class hours")
    r.add_argument("--months", type=int, help="extension months (6–12)")
    r.add_argument("--reason", help="reason (left)")
    r.add_argument("--note", help="a note kept with the step")
    r.add_argument("--collective", action="store_true", help="oath: at a collective ceremony (七一, 国庆 …: R12)")
    r.add_argument("--override", help="written reason to proceed despite a minimum or gate")
    r.add_argument("--skip-refused", action="store_true", help="several people: record those who pass, not the refused")
    r.add_argument("--json", action="store_true")

    cli_corrections.add_parsers(sub)

    s = sub.add_parser("show", help="一个人的全程纪实 one person's record")
    s.add_argument("person")
    s.add_argument("--json", action="store_true")
    s.add_argument("--full-id", action="store_true", help="show the ID number in full (masked by default, as in the app)")

    ls = sub.add_parser("list", help="人员名单 list people")
    ls.add_argument("--stage", choices=STAGE_KEYS)
    ls.add_argument("--branch")
    ls.add_argument("--all", action="store_true", help="include people who left")
    ls.add_argument("--limit", type=_limit, help="show at most N people (default: everyone)")
    ls.add_argument("--json", action="store_true")

    st = sub.add_parser("status", help="各阶段人数与待办 counts and what is due")
    st.add_argument("--json", action="store_true")

    d = sub.add_parser("due", help="逾期和即将到期 deadlines overdue or coming up")
    d.add_argument("--within", type=int, default=30, help="days ahead (default 30)")
    d.add_argument("--limit", type=_limit, help="show at most N items, most urgent first (default: all)")
    d.add_argument("--json", action="store_true")

    el = sub.add_parser("eligible", help="会议前：谁可办理下一步 who may take their next step on a date")
    el.add_argument("--on", required=True)
    el.add_argument("--to", choices=STAGE_KEYS[1:], help="only the step into this stage")
    el.add_argument("--all", action="store_true", help="also who is not yet eligible, and why")
    el.add_argument("--json", action="store_true")

    ed = sub.add_parser("edit", help="更正人员信息 correct a person's details")
    ed.add_argument("person")
    ed.add_argument("--name")
    detail_options(ed)
    ed.add_argument("--override", help="written reason to keep a birth date or departure that breaks a recorded step")
    ed.add_argument("--json", action="store_true")

    u = sub.add_parser("undo", help="撤销上一次更改 undo the last change")
    u.add_argument("--person", help="undo this person's last change only (if nothing newer touched them)")
    u.add_argument("--json", action="store_true")

    h = sub.add_parser("history", help="更改记录 the change history")
    h.add_argument("person", nargs="?")
    h.add_argument("--json", action="store_true")

    dm = sub.add_parser("demo", help="载入示例数据 load demo data into an empty database")
    dm.add_argument("--json", action="store_true")

    ex = sub.add_parser("export", help="导出名册或全程纪实 export rosters, a person's record, or a JSON backup")
    ex.add_argument("--stage", choices=(*STAGE_KEYS, "all"), default="all", help="one stage, or all (default)")
    ex.add_argument("--branch", help="only this branch")
    ex.add_argument("--format", choices=("xlsx", "csv", "md", "json"), default=None,
                    help="xlsx (default), csv, md; json = full backup that import reads back")
    ex.add_argument("--person", help="write this person's full record (全程纪实) as md (default) or xlsx")
    ex.add_argument("-o", "--output", help="file to write (default: a dated name in the current directory)")
    ex.add_argument("--force", action="store_true", help="overwrite an existing file")
    ex.add_argument("--full-id", action="store_true", help="show ID numbers in full (masked by default)")
    ex.add_argument("--full-contact", action="store_true", help="show phone numbers in full (masked by default)")
    ex.add_argument("--date-style", choices=("dot", "iso"),
                    help="dates as 2025.03.05 (dot: default in xlsx/md) or 2025-03-05 (iso: default in csv/json)")
    ex.add_argument("--unit", help="the unit heading the roster titles (default: tracker config unit)")
    ex.add_argument("--mask-id", action="store_true",
                    help="json: mask ID numbers, for a copy to share (the backup keeps them in full by default)")
    cli_meeting.add_export_options(ex)
    ex.add_argument("--json", action="store_true")

    im = sub.add_parser("import", help="导入现有表格 import an XLSX/CSV sheet or a JSON backup")
    im.add_argument("file")
    im.add_argument("--sheet", help="read only this worksheet (default: every worksheet with a header row)")
    im.add_argument("--dry-run", action="store_true", help="check and report, write nothing")
    im.add_argument("--skip-invalid", action="store_true", help="import the valid rows even if others have errors")
    im.add_argument("--include-hidden", action="store_true",
                    help="import hidden rows too (by default a row hidden in Excel is listed, not imported)")
    im.add_argument("--json", action="store_true")

    rp = sub.add_parser("report", help="年度统计 the year's figures")
    rp.add_argument("--year", type=int, required=True)
    rp.add_argument("--branch", help="only this branch")
    rp.add_argument("--json", action="store_true")

    ru = sub.add_parser("rules", help="在某日适用的规则 the rules in force on a date")
    ru.add_argument("--on", help="date (default today)")
    ru.add_argument("--json", action="store_true")
    cli_config.add_parsers(sub)
    cli_meeting.add_parsers(sub)
    cli_db.add_parsers(sub)
    return p


# ------------------------------------------------------------------ context

class Context:
    def __init__(self, args: argparse.Namespace) -> None:
        env = os.environ
        self.lang: str = args.lang or default_lang()
        today_text = args.today or env.get("TRACKER_TODAY")
        self.today: date = parse_date(today_text) if today_text else date.today()
        db: str | None = args.db or env.get("TRACKER_DB")
        #: a file's path, or a postgresql:// URL
        self.db_path: Path | str = db if db and is_pg_url(db) else Path(db).expanduser() if db else default_db_path()
        self.book = load_rulebook(args.profile or env.get("TRACKER_PROFILE"))
        self._service: Service | None = None
        self._must_exist = args.command in NEEDS_EXISTING_DB

    @property
    def service(self) -> Service:
        if self._service is None:
            store = open_store(self.db_path, book=self.book, must_exist=self._must_exist)
            today = self.today
            self._service = Service(store, self.book, lambda: today)
        return self._service


def _console() -> Any:
    from rich.console import Console

    width = None if sys.stdout.isatty() else int(os.environ.get("COLUMNS", "120"))
    return Console(width=width, highlight=False, soft_wrap=False)


def _print_marked(con: Any, mark: Any, message: str) -> None:
    """``✗ message`` wrapped by character with the lines after the first indented under the message (Rich
    breaks at spaces only: a Chinese message would leave the mark alone on its line)."""
    from rich.text import Text

    from .cjkwrap import wrap_text

    body = wrap_text(Text(message), max(10, con.width - 2))
    for n, line in enumerate(body.split("\n", allow_blank=True)):
        con.print((mark.copy() if n == 0 else Text(" " * len(mark.plain))).append(" ").append_text(line))


def _plain() -> bool:
    """Output for a pipe or a file: plain aligned text (``tracker.plaintext``); Rich only for a terminal."""
    return not sys.stdout.isatty()


def _print_table(title: str, columns: Sequence[str], rows: list[list[Any]], *, more: int = 0, lang: str = "zh") -> None:
    """A table: Rich in a terminal (cells may be styled ``Text``), plain aligned text otherwise; ``more``: the
    rows left out by --limit, said on a last line."""
    if _plain():
        from .plaintext import table_text

        sys.stdout.write(table_text(title, columns, [[str(c) for c in row] for row in rows]))
    else:
        t = _table(title, columns)
        for row in rows:
            _add_row(t, *row)
        _console().print(t)
    if more:
        print(pick(f"……另有 {more} 项未显示（--limit）。", f"… {more} more not shown (--limit).", lang))


def _print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def _say(text: str, *, file: Any = None) -> None:
    """A line with stored text in it: control characters shown as escapes (never sent to the terminal)."""
    print(printable(text), file=file)


def _text(value: Any, style: str = "") -> Any:
    """Stored text as a Rich ``Text``: shown literally, never read as markup (``[/]`` is a name, not a tag)."""
    from rich.text import Text

    return value if isinstance(value, Text) else Text(printable(str(value)), style=style)


def _add_row(table: Any, *cells: Any) -> None:
    table.add_row(*(_text(c) for c in cells))


def _table(title: str, columns: Sequence[str]) -> Any:
    from rich.cells import cell_len
    from rich.table import Table

    t = Table(title=title, title_justify="left", show_lines=False, pad_edge=False, min_width=cell_len(title) + 2)
    for c in columns:
        t.add_column(c, overflow="fold")
    return t


# ------------------------------------------------------------------ commands

def cmd_add(ctx: Context, args: argparse.Namespace) -> int:
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
    try:
        return parse_date(text)
    except DateError as exc:
        raise InputError(exc.zh, exc.en, field) from None


def cmd_record(ctx: Context, args: argparse.Namespace) -> int:
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


COMMANDS = {
    "add": cmd_add, "record": cmd_record, "show": cmd_show, "list": cmd_list, "status": cmd_status,
    "due": cmd_due, "eligible": cmd_eligible, "edit": cmd_edit, "undo": cmd_undo, "history": cmd_history,
    "demo": cmd_demo, "rules": cmd_rules,
    **cli_registers.COMMANDS,
    **cli_corrections.COMMANDS,
    **cli_config.COMMANDS,
    **cli_meeting.COMMANDS,
    **cli_db.COMMANDS,
}


def _fail(lang: str, as_json: bool, code: int, payload: dict[str, Any], text: str) -> int:
    if as_json:
        _print_json(payload)
    print(printable(text, keep_newlines=True), file=sys.stderr)  # a refusal may quote stored text
    return code


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command. Ctrl-C at any point prints one line, saved or not, never a traceback."""
    saves_before = saves_in_this_process()
    try:
        return _main(argv)
    except KeyboardInterrupt:  # the store is consistent at any point: only say which side of the save we are
        words = sys.argv[1:] if argv is None else list(argv)
        lang = words[words.index("--lang") + 1] if "--lang" in words[:-1] else default_lang()
        saved = saves_in_this_process() > saves_before
        print(pick("已中断：更改已保存。" if saved else "已中断：未保存任何更改。",
                   "Interrupted: the change was saved." if saved else "Interrupted: nothing was saved.", lang),
              file=sys.stderr)
        return EXIT_INTERRUPTED
    finally:
        try:  # the real command line, about to exit: a late Ctrl-C changes nothing any more
            if argv is None:
                signal.signal(signal.SIGINT, signal.SIG_IGN)
        except (KeyboardInterrupt, ValueError, OSError):
            pass


def _main(argv: Sequence[str] | None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    lang = args.lang or default_lang()
    as_json = bool(getattr(args, "json", False))
    try:
        ctx = Context(args)
        if args.command is None:
            if not (sys.stdin.isatty() and sys.stdout.isatty()):  # a script or cron job: no screen to draw
                print(pick("（没有终端，显示概况；在终端中运行 tracker 打开全屏界面，tracker --help 查看命令。）",
                           "(No terminal: showing the status. Run tracker in a terminal for the full-screen app; "
                           "tracker --help lists the commands.)", lang), file=sys.stderr)
                return cmd_status(ctx, argparse.Namespace(json=False))
            return run_tui(ctx)
        return COMMANDS[args.command](ctx, args)
    except Refused as exc:
        return _fail(lang, as_json, EXIT_REFUSED, refusal_json(exc.check, lang), exc.message(lang))
    except InputError as exc:
        return _fail(lang, as_json, EXIT_INPUT, {"error": "input", "field": exc.field, "message": exc.message(lang)},
                     exc.message(lang))
    except Conflict as exc:
        return _fail(lang, as_json, EXIT_REFUSED, {"error": "conflict", "message": exc.message(lang)},
                     exc.message(lang))
    except StoreError as exc:
        return _fail(lang, as_json, EXIT_STORE, {"error": "store", "message": exc.message(lang)}, exc.message(lang))
    except BilingualError as exc:  # a date, a profile, a file to read or write
        kind = "profile" if isinstance(exc, ProfileError) else "input"
        field = "date" if isinstance(exc, DateError) else None
        return _fail(lang, as_json, EXIT_INPUT, {"error": kind, "field": field, "message": exc.message(lang)},
                     exc.message(lang))


def run_tui(ctx: Context) -> int:
    from screens.app import TrackerApp

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
