"""``tracker db init|grant|revoke`` (PostgreSQL) and ``tracker migrate FROM TO`` (file ⇄ PostgreSQL)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .cli import Context


def args_db(d: argparse.ArgumentParser) -> None:
    dsub = d.add_subparsers(dest="db_command", metavar="ACTION", required=True, parser_class=type(d))
    i = dsub.add_parser("init", help="建立或升级数据库表（由数据库所有者运行） create or upgrade the tables (as the owner)")
    i.add_argument("--json", action="store_true")
    g = dsub.add_parser("grant", help="允许用户读写某些支部或全部 let a user read and write branches (creates the login role)")
    g.add_argument("user")
    g.add_argument("--branch", action="append", default=[], help="a branch (repeatable)")
    g.add_argument("--all", action="store_true", help="every branch (the committee's organiser)")
    g.add_argument("--password", help="set the login role's password")
    g.add_argument("--json", action="store_true")
    r = dsub.add_parser("revoke", help="撤销用户对某支部（或全部）的权限 take away a branch, or every right")
    r.add_argument("user")
    r.add_argument("--branch", action="append", default=[], help="only this branch (repeatable)")
    r.add_argument("--json", action="store_true")


def args_migrate(m: argparse.ArgumentParser) -> None:
    m.add_argument("source", metavar="FROM", help="a database file or postgresql://…")
    m.add_argument("target", metavar="TO", help="an empty (or missing) target: a new file or postgresql://…")
    m.add_argument("--json", action="store_true")


def _db(ctx: Context) -> str:
    return str(ctx.db_path)


def cmd_db(ctx: Context, args: argparse.Namespace) -> int:
    from . import pgadmin
    from .cli import EXIT_OK, _print_json, _say
    from .i18n import pick

    url, lang = _db(ctx), ctx.lang
    if args.db_command == "init":
        before, now = pgadmin.init(url)
        if args.json:
            _print_json({"schema": now, "before": before})
        elif before == now:
            _say(pick(f"数据库表已是最新（格式 {now}）。", f"The tables are up to date (schema {now}).", lang))
        else:
            _say(pick(f"已建立数据库表（格式 {now}）。", f"Tables created (schema {now}).", lang) if before is None else
                 pick(f"已升级数据库表：格式 {before} → {now}。", f"Tables upgraded: schema {before} → {now}.", lang))
        return EXIT_OK
    if args.db_command == "grant":
        created = pgadmin.grant(url, args.user, args.branch, args.all, args.password)
        what_zh = "全部支部" if args.all else "、".join(args.branch)
        what_en = "every branch" if args.all else ", ".join(args.branch)
        if args.json:
            _print_json({"user": args.user, "created": created, "all": args.all, "branches": args.branch})
        else:
            _say(pick(f"{'已新建登录用户 ' + args.user + '；' if created else ''}{args.user} 可读写：{what_zh}。",
                      f"{'Created the login role ' + args.user + '; ' if created else ''}{args.user} may read and "
                      f"write: {what_en}.", lang))
        return EXIT_OK
    left = pgadmin.revoke(url, args.user, args.branch)
    if args.json:
        _print_json({"user": args.user, "branches": left})
    else:
        _say(pick(f"已撤销。{args.user} 现可读写的支部：{'、'.join(left) or '无'}。",
                  f"Revoked. {args.user} may now read and write: {', '.join(left) or 'nothing'}.", lang))
    return EXIT_OK


def cmd_migrate(ctx: Context, args: argparse.Namespace) -> int:
    from . import pgadmin
    from .backend import shown_url
    from .cli import EXIT_OK, _print_json, _say
    from .i18n import pick

    people, history = pgadmin.migrate(args.source, args.target, ctx.book)
    if args.json:
        _print_json({"people": people, "history": history})
    else:
        _say(pick(f"已复制 {people} 人、{history} 条更改记录到 {shown_url(args.target)}。",
                  f"Copied {people} people and {history} history entries to {shown_url(args.target)}.", ctx.lang))
    return EXIT_OK


COMMANDS = {"db": cmd_db, "migrate": cmd_migrate}
