"""The CLI's commands and their arguments, declared only for the command that runs.

Building every subcommand's arguments took ≈ 20–40 ms of each process (argparse formats each option as it is
added), and importing every command's module took more: here each command is a name, a help line and the module
that runs it (``tracker.<module>.cmd_<name>``). ``tracker --help`` lists them all without declaring their
arguments; ``tracker status`` declares only the arguments of ``status`` (when argparse picks the command) and
imports only what ``status`` needs. ``build_parser(full=True)`` declares everything (tests, docs).

Nothing here imports the domain at module level: ``tracker --version`` and ``--help`` cost only argparse.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Sequence
from typing import Any, NoReturn

from . import __version__

EXIT_INPUT = 2  # bad input or usage (tracker.cli's exit codes)

#: every command, in the order ``tracker --help`` lists them: its help line and the module (``tracker.<module>``)
#: whose ``cmd_<name>`` runs it
COMMANDS: dict[str, tuple[str, str]] = {
    "add": ("新增入党申请人 add an applicant", "cli"),
    "record": ("记录一个步骤 record a step", "cli"),
    "fix": ("更正一个已记录步骤的日期或内容 correct a recorded step's date or details", "cli_corrections"),
    "unrecord": ("删除一个误记的步骤 remove a step recorded by mistake", "cli_corrections"),
    "show": ("一个人的全程纪实 one person's record", "cli"),
    "list": ("人员名单 list people", "cli"),
    "status": ("各阶段人数与待办 counts and what is due", "cli"),
    "due": ("逾期和即将到期 deadlines overdue or coming up", "cli"),
    "eligible": ("会议前：谁可办理下一步 who may take their next step on a date", "cli"),
    "edit": ("更正人员信息 correct a person's details", "cli"),
    "undo": ("撤销上一次更改 undo the last change", "cli"),
    "history": ("更改记录 the change history", "cli"),
    "demo": ("载入示例数据 load demo data into an empty database", "cli"),
    "export": ("导出名册或全程纪实 export rosters, a person's record, or a JSON backup", "cli_registers"),
    "import": ("导入现有表格 import an XLSX/CSV sheet or a JSON backup", "cli_registers"),
    "report": ("年度统计 the year's figures", "cli_registers"),
    "rules": ("在某日适用的规则 the rules in force on a date", "cli"),
    "config": ("本数据库的设置 this database's settings", "cli_config"),
    "notice": ("发展对象公示 the publicity notice (公示) for the proposed targets", "cli_meeting"),
    "db": ("PostgreSQL 数据库：建表、授权 set up a PostgreSQL database, grant access", "cli_db"),
    "migrate": ("在数据库文件与 PostgreSQL 之间复制全部数据 copy everything file ⇄ PostgreSQL", "cli_db"),
}
#: where a command's arguments are declared (``args_<name>``) when not in this module
_ARGS_IN = {"fix": "cli_corrections", "unrecord": "cli_corrections", "config": "cli_config",
            "notice": "cli_meeting", "db": "cli_db", "migrate": "cli_db"}


def command_function(name: str) -> Callable[..., int]:
    """The function that runs ``name`` (its module imported now)."""
    module = importlib.import_module(f"{__package__}.{COMMANDS[name][1]}")
    run: Callable[..., int] = getattr(module, f"cmd_{name}")
    return run


def declare_arguments(name: str, parser: argparse.ArgumentParser) -> None:
    """Add the arguments of command ``name`` to its (empty) parser."""
    module = importlib.import_module(f"{__package__}.{_ARGS_IN[name]}") if name in _ARGS_IN else sys.modules[__name__]
    declare: Callable[[argparse.ArgumentParser], None] = getattr(module, f"args_{name}")
    declare(parser)


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(EXIT_INPUT, f"{self.prog}: 用法错误 / usage error: {message}\n")


class _Commands(argparse._SubParsersAction):  # type: ignore[type-arg]
    """The subcommands' action: declares the chosen command's arguments just before argparse parses them."""

    declared: set[str]

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace,
                 values: str | Sequence[Any] | None, option_string: str | None = None) -> None:
        name = values[0] if isinstance(values, list) and values else None
        if isinstance(name, str) and name in COMMANDS and name not in self._name_parser_map:
            self.add_parser(name, help=COMMANDS[name][0])  # the line was read otherwise than foreseen: made now
        if isinstance(name, str) and name in self._name_parser_map:
            self.declare(name)
        super().__call__(parser, namespace, values, option_string)

    def declare(self, name: str) -> None:
        if name not in self.declared:
            self.declared.add(name)
            declare_arguments(name, self._name_parser_map[name])


class _NotNow(Exception):
    pass


class _Peek(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise _NotNow(message)


def chosen_command(argv: Sequence[str]) -> str | None:
    """The command ``argv`` names, read past the global options as argparse reads them (abbreviations, ``--db=X``);
    None when there is none or the line is not understood (then the whole parser reads it and says why)."""
    peek = _Peek(add_help=False)
    for option in ("--db", "--today", "--lang", "--profile"):
        peek.add_argument(option)
    peek.add_argument("command", nargs="?")
    peek.add_argument("rest", nargs=argparse.REMAINDER)
    try:
        found, _unknown = peek.parse_known_args(list(argv))
    except _NotNow:
        return None
    command: str | None = found.command
    return command if command in COMMANDS else None


def build_parser(*, full: bool = False, argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The command line's parser; ``full``: every command's arguments declared now (else when it is chosen).
    Given the ``argv`` it will read, a line that names a command gets that command's parser only (making the
    twenty others cost ≈ 10 ms), and a line without one (the app, ``--version``) none; ``--help`` gets them all."""
    only = None if full or argv is None else chosen_command(argv)
    if only is None and argv is not None and not full and not any(w.startswith(("-h", "--h")) for w in argv):
        only = ""  # no command (the app, --version, a usage error): no command's parser needed, only their names
    p = Parser(prog="tracker", description="党员发展工作台账 — Party member development tracker. "
               "Run without a command to open the full-screen app.")
    p.add_argument("--version", action="version", version=f"tracker {__version__}")
    p.add_argument("--db", help="database file (env TRACKER_DB; default: the user data directory)")
    p.add_argument("--today", help="the date to treat as today, YYYY-MM-DD (env TRACKER_TODAY)")
    p.add_argument("--lang", choices=("zh", "en"), help="language (env TRACKER_LANG; default from the locale)")
    p.add_argument("--profile", help="pin a national edition (cpc-2014, cpc-2026) or add a local profile file")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser, action=_Commands)
    assert isinstance(sub, _Commands)
    sub.declared = set()
    for name, (help_line, _module) in COMMANDS.items():
        if only is None or name == only:
            sub.add_parser(name, help=help_line)
    if only == "":
        sub.choices = COMMANDS  # a mistyped command is still named as such, with the list to choose from
    if full:
        for name in COMMANDS:
            sub.declare(name)
    return p


# ------------------------------------------------------------------ the arguments of tracker.cli's commands

def _limit(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        n = 0
    if n < 1:
        raise argparse.ArgumentTypeError(f"--limit 须为正整数 / must be a whole number, 1 or more: {text!r}")
    return n


def _stage_keys() -> tuple[str, ...]:
    from .stages import STAGE_KEYS

    return STAGE_KEYS


def _detail_options(sp: argparse.ArgumentParser) -> None:
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


def args_add(a: argparse.ArgumentParser) -> None:
    a.add_argument("name")
    a.add_argument("--applied", required=True, help="递交入党申请书时间 date the application was received")
    _detail_options(a)
    a.add_argument("--override", help="written reason to proceed despite a rule")
    a.add_argument("--if-absent", dest="if_absent", action="store_true",
                   help="若已有此人（身份证号相同，或姓名与出生日期相同）则不新增，输出其编号 / if the person is already "
                   "there (same ID number, or same name and birth date), print their id instead of adding (exit 0)")
    a.add_argument("--json", action="store_true")


def args_record(r: argparse.ArgumentParser) -> None:
    from .stages import EVENT_KEYS

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


def args_show(s: argparse.ArgumentParser) -> None:
    s.add_argument("person")
    s.add_argument("--json", action="store_true")
    s.add_argument("--full-id", action="store_true", help="show the ID number in full (masked by default, as in the app)")


def args_list(ls: argparse.ArgumentParser) -> None:
    ls.add_argument("--stage", choices=_stage_keys())
    ls.add_argument("--branch")
    ls.add_argument("--all", action="store_true", help="include people who left")
    ls.add_argument("--limit", type=_limit, help="show at most N people (default: everyone)")
    ls.add_argument("--json", action="store_true")


def args_status(st: argparse.ArgumentParser) -> None:
    st.add_argument("--json", action="store_true")


def args_due(d: argparse.ArgumentParser) -> None:
    d.add_argument("--within", type=int, default=30, help="days ahead (default 30)")
    d.add_argument("--limit", type=_limit, help="show at most N items, most urgent first (default: all)")
    d.add_argument("--json", action="store_true")


def args_eligible(el: argparse.ArgumentParser) -> None:
    el.add_argument("--on", required=True)
    el.add_argument("--to", choices=_stage_keys()[1:], help="only the step into this stage")
    el.add_argument("--all", action="store_true", help="also who is not yet eligible, and why")
    el.add_argument("--json", action="store_true")


def args_edit(ed: argparse.ArgumentParser) -> None:
    ed.add_argument("person")
    ed.add_argument("--name")
    _detail_options(ed)
    ed.add_argument("--override", help="written reason to keep a birth date or departure that breaks a recorded step")
    ed.add_argument("--json", action="store_true")


def args_undo(u: argparse.ArgumentParser) -> None:
    u.add_argument("--person", help="undo this person's last change only (if nothing newer touched them)")
    u.add_argument("--json", action="store_true")


def args_history(h: argparse.ArgumentParser) -> None:
    h.add_argument("person", nargs="?")
    h.add_argument("--json", action="store_true")


def args_demo(dm: argparse.ArgumentParser) -> None:
    dm.add_argument("--json", action="store_true")


def args_export(ex: argparse.ArgumentParser) -> None:
    from .cli_meeting import add_export_options

    ex.add_argument("--stage", choices=(*_stage_keys(), "all"), default="all", help="one stage, or all (default)")
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
    add_export_options(ex)
    ex.add_argument("--json", action="store_true")


def args_import(im: argparse.ArgumentParser) -> None:
    im.add_argument("file")
    im.add_argument("--sheet", help="read only this worksheet (default: every worksheet with a header row)")
    im.add_argument("--dry-run", action="store_true", help="check and report, write nothing")
    im.add_argument("--skip-invalid", action="store_true", help="import the valid rows even if others have errors")
    im.add_argument("--include-hidden", action="store_true",
                    help="import hidden rows too (by default a row hidden in Excel is listed, not imported)")
    im.add_argument("--json", action="store_true")


def args_report(rp: argparse.ArgumentParser) -> None:
    rp.add_argument("--year", type=int, required=True)
    rp.add_argument("--branch", help="only this branch")
    rp.add_argument("--json", action="store_true")


def args_rules(ru: argparse.ArgumentParser) -> None:
    ru.add_argument("--on", help="date (default today)")
    ru.add_argument("--json", action="store_true")
