"""The CLI's commands that correct the record: ``fix`` (a step's date or details) and ``unrecord``.

Registered by ``tracker.cli``; they share its context, output helpers and exit codes.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .cli import Context


def args_fix(f: argparse.ArgumentParser) -> None:
    from .stages import EVENT_KEYS

    f.add_argument("person", help="id or unique name")
    f.add_argument("event", help="the recorded step: " + ", ".join(EVENT_KEYS))
    f.add_argument("--date", help="which one, when the step is recorded more than once (its recorded date)")
    f.add_argument("--on", help="the correct date")
    f.add_argument("--names", help="names, comma separated (sponsors, mentors)")
    f.add_argument("--result", help="pass | fail")
    f.add_argument("--days", type=float, help="training days")
    f.add_argument("--hours", type=float, help="training class hours")
    f.add_argument("--months", type=int, help="extension months (6–12)")
    f.add_argument("--left-reason", dest="left_reason", help="the reason kept with 'left'")
    f.add_argument("--note", help="a note kept with the step")
    f.add_argument("--collective", action="store_true", default=None, help="oath: at a collective ceremony")
    f.add_argument("--reason", help="why the record is corrected (required; kept in the history)")
    f.add_argument("--override", help="written reason to proceed although the correction breaks a minimum or gate")
    f.add_argument("--json", action="store_true")


def args_unrecord(u: argparse.ArgumentParser) -> None:
    u.add_argument("person", help="id or unique name")
    u.add_argument("event", help="the recorded step")
    u.add_argument("--date", help="which one, when the step is recorded more than once")
    u.add_argument("--reason", help="why it is removed (required; kept in the history)")
    u.add_argument("--json", action="store_true")


def cmd_fix(ctx: Context, args: argparse.Namespace) -> int:
    from .cli import _date_arg, _print_recorded
    from .i18n import pick
    from .service import InputError
    from .stages import event_label

    svc, lang = ctx.service, ctx.lang
    person = svc.find(args.person)
    fields: dict[str, Any] = {k: v for k, v in (
        ("names", args.names), ("result", args.result), ("days", args.days), ("hours", args.hours),
        ("months", args.months), ("reason", args.left_reason), ("note", args.note),
        ("collective", args.collective)) if v is not None}
    if args.on is None and not fields:
        raise InputError("请给出正确的日期（--on）或要更正的内容（如 --names、--result）。",
                         "Give the correct date (--on) or what to correct (e.g. --names, --result).", "on")
    old = _date_arg(args.date, "date") if args.date else None
    new = _date_arg(args.on, "on") if args.on else None
    done = svc.fix(person.id, args.event, old, new, fields=fields or None, reason=args.reason,
                   override=args.override)
    zh, en = event_label(args.event, "zh"), event_label(args.event, "en")
    return _print_recorded(done, lang, args.json, pick(
        f"已更正：{done.person.name} {zh}（现为{_state(done.person, 'zh')}）",
        f"Corrected: {done.person.name} — {en} (now {_state(done.person, 'en')})", lang))


def cmd_unrecord(ctx: Context, args: argparse.Namespace) -> int:
    from .cli import EXIT_OK, _date_arg, _print_json, _say
    from .i18n import pick
    from .serialize import person_json
    from .stages import event_label

    svc, lang = ctx.service, ctx.lang
    person = svc.find(args.person)
    old = _date_arg(args.date, "date") if args.date else None
    done = svc.unrecord(person.id, args.event, old, reason=args.reason)
    if args.json:
        _print_json(person_json(done.person))
        return EXIT_OK
    _say(pick(f"已删除：{done.person.name} {event_label(args.event, 'zh')}（现为{_state(done.person, 'zh')}）",
              f"Removed: {done.person.name} — {event_label(args.event, 'en')} (now {_state(done.person, 'en')})",
              lang))
    return EXIT_OK


def _state(person: Any, lang: str) -> str:
    from .stages import pending_label, stage_label

    words = stage_label(person.stage, lang)
    if person.pending:
        words += f"，{pending_label(person.pending, lang)}" if lang == "zh" else f", {pending_label(person.pending, lang)}"
    return words


COMMANDS = {"fix": cmd_fix, "unrecord": cmd_unrecord}
