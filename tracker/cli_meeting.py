"""The CLI's meeting commands: one decision recorded for several people (``record A B … STEP``), the
planner's list written like a roster (``export --meeting DATE``), and the publicity notice (``notice``).

Registered by ``tracker.cli``; they share its context, output helpers and exit codes.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from .i18n import pick

if TYPE_CHECKING:
    from .cli import Context
    from .model import Event


def args_notice(n: argparse.ArgumentParser) -> None:
    n.add_argument("--on", help="the publicity's first day (default today)")
    n.add_argument("--person", action="append", help="only this person (id or unique name); repeat for several")
    n.add_argument("--branch", help="only this branch (it also heads the notice)")
    n.add_argument("--record", action="store_true",
                   help="also record the publicity's start for everyone on the notice (one change, one undo)")
    n.add_argument("--json", action="store_true")


def add_export_options(ex: argparse.ArgumentParser) -> None:
    from .meeting import MEETING_STEPS

    ex.add_argument("--meeting", metavar="DATE",
                    help="the meeting planner's list for a meeting on DATE (who is up for which step, and why not)")
    ex.add_argument("--step", choices=MEETING_STEPS, help="with --meeting: only this step")


def record_batch(ctx: Context, args: argparse.Namespace, ev: Event) -> int:
    """``tracker record A B C STEP --on DATE``: one decision of one meeting for each of them (one undo)."""
    from .cli import EXIT_OK, EXIT_REFUSED, _print_json, _say
    from .serialize import person_json, verdict_json
    from .service import BatchRefused
    from .stages import event_label

    svc, lang = ctx.service, ctx.lang
    pids = [svc.find(ref).id for ref in args.person]
    try:
        done = svc.record_many(pids, ev, override=args.override, skip_refused=args.skip_refused)
    except BatchRefused as exc:
        if args.json:
            _print_json({"error": "refused", "refused": [
                {"person": p.id, "name": p.name, "refusals": [verdict_json(v, lang) for v in c.refusals]}
                for p, c in exc.refused]})
        print(exc.message(lang), file=sys.stderr)
        return EXIT_REFUSED
    if args.json:
        _print_json({"recorded": [person_json(p) for p in done.people], "history": done.history_id,
                     "skipped": [{"person": p.id, "name": p.name,
                                  "refusals": [verdict_json(v, lang) for v in c.refusals]} for p, c in done.skipped]})
        return EXIT_OK
    what_zh, what_en = event_label(ev.event, "zh"), event_label(ev.event, "en")
    _say(pick(f"已记录：{what_zh} {ev.date}，共 {len(done.people)} 人（一次更改，tracker undo 可整体撤销）",
              f"Recorded: {what_en} on {ev.date} for {len(done.people)} people (one change; tracker undo reverts "
              "it all)", lang))
    for p in done.people:
        lifted = done.checks[p.id].refusals
        extra = pick("（已超越规则 ", " (overrode ", lang) + ", ".join(v.rule for v in lifted) + pick("）", ")", lang)
        _say(f"  ✓ {p.name}（{p.id}）" + (extra if lifted else "") if lang == "zh"
             else f"  ✓ {p.name} ({p.id})" + (extra if lifted else ""))
    for p, c in done.skipped:
        _say(pick(f"  ✗ 未记录 {p.name}（{p.id}）：", f"  ✗ not recorded {p.name} ({p.id}): ", lang)
             + c.refusals[0].message(lang))
    return EXIT_OK


def cmd_notice(ctx: Context, args: argparse.Namespace) -> int:
    from .cli import EXIT_OK, EXIT_REFUSED, _date_arg, _print_json, _say
    from .model import Event
    from .serialize import verdict_json

    svc, lang = ctx.service, ctx.lang
    start = _date_arg(args.on, "on") if args.on else svc.today
    pids = [svc.find(ref).id for ref in args.person] if args.person else None
    notice, chosen = svc.notice(start, pids=pids, branch=args.branch, lang=lang)
    refused = chosen.refused
    w = notice.window
    recorded: int | None = None
    if args.record and notice.people:
        recorded = svc.record_many([p.id for p in notice.people], Event("publicity", start)).history_id
    if args.json:
        _print_json({"start": w.start.isoformat(), "last_day": w.last_day.isoformat(),
                     "listable_from": w.listable_from.isoformat(), "required": w.required,
                     "rules": [r.id for r in w.rules], "provisional": w.provisional,
                     "people": [{"person": p.id, "name": p.name} for p in notice.people],
                     "refused": [{"person": p.id, "name": p.name, "refusals": [verdict_json(v, lang) for v in c.refusals]}
                                 for p, c in refused],
                     "listed_later": {str(pid): d.isoformat() for pid, d in chosen.later.items()},
                     "recorded": recorded, "text": notice.text})
        return EXIT_OK if notice.people else EXIT_REFUSED
    for p, c in refused:
        _say(pick(f"未列入公示：{p.name}（{p.id}）：", f"Not on the notice: {p.name} ({p.id}): ", lang)
             + c.refusals[0].message(lang), file=sys.stderr)
    if not notice.people:
        _say(pick("没有可公示的人：须先由支委会研究讨论并报上级党委同意（tracker record … target-filed）。",
                  "No one to publish: the branch committee proposes and the higher committee consents first "
                  "(tracker record … target-filed).", lang), file=sys.stderr)
        return EXIT_REFUSED
    sys.stdout.write(notice.text)
    if w.required:  # for the secretary, not for the notice board: stderr keeps `> notice.txt` clean
        _say(pick(f"公示 {w.start} 至 {w.last_day}（{w.length_text('zh')}），期满后最早可于 {w.listable_from} 确定为发展对象。",
                  f"Publicity {w.start} to {w.last_day} ({w.length_text('en')}); the listing may come from "
                  f"{w.listable_from}.", lang), file=sys.stderr)
    else:
        _say(pick(f"{w.start} 时施行的规则不要求公示（2026-05-11 起确定发展对象前须公示）。",
                  f"The rules in force on {w.start} ask for no publicity (required from 2026-05-11).", lang),
             file=sys.stderr)
    for p in notice.people:
        if p.id in chosen.later:
            when = chosen.later[p.id]
            _say(pick(f"注意：{p.name} 公示期满后仍须等到 {when} 才能确定为发展对象（培养考察未满一年等）。",
                      f"Note: {p.name} can be listed only from {when}, after the publicity (e.g. the activist year).",
                      lang), file=sys.stderr)
    if recorded is not None:
        _say(pick(f"已为 {len(notice.people)} 人记录公示开始（{start}）。", f"Recorded the publicity's start ({start}) "
                  f"for {len(notice.people)} people.", lang), file=sys.stderr)
    return EXIT_OK


def cmd_export_meeting(ctx: Context, args: argparse.Namespace) -> int:
    from .cli import EXIT_OK, _date_arg, _print_json, _say

    svc, lang = ctx.service, ctx.lang
    done = svc.export_meeting(_date_arg(args.meeting, "meeting"), branch=args.branch, step=args.step,
                              fmt=args.format, path=Path(args.output) if args.output else None, force=args.force,
                              lang=lang)
    if args.json:
        _print_json({"written": str(done.path), "format": done.fmt, "rows": done.rows})
    else:
        _say(pick(f"已导出 {done.rows} 条：{done.path}", f"Exported {done.rows} rows: {done.path}", lang))
    return EXIT_OK


COMMANDS = {"notice": cmd_notice}
