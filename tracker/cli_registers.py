"""The CLI's register commands: ``export`` (rosters, a person's record, the backup), ``import`` and ``report``.

Registered by ``tracker.cli``; they share its context, output helpers and exit codes.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from .i18n import label, pick

if TYPE_CHECKING:
    from .cli import Context


def cmd_export(ctx: Context, args: argparse.Namespace) -> int:
    from .cli import EXIT_OK, _print_json, _say
    from .service import InputError

    if args.meeting:
        from .cli_meeting import cmd_export_meeting

        return cmd_export_meeting(ctx, args)
    svc, lang = ctx.service, ctx.lang
    person = svc.find(args.person).id if args.person else None
    if args.mask_id and args.full_id:
        raise InputError("--mask-id 与 --full-id 不能同时使用。", "Give --mask-id or --full-id, not both.", "mask_id")
    done = svc.export(stage=args.stage, branch=args.branch, fmt=args.format, person=person,
                      path=Path(args.output) if args.output else None, force=args.force, full_id=args.full_id,
                      lang=lang, mask_ids=args.mask_id, full_contact=args.full_contact, date_style=args.date_style,
                      unit=args.unit)
    if done.fmt == "json" and not args.mask_id:
        _say(pick(f"注意：{done.path} 含完整身份证号（备份须能完整恢复），仅本人可读（0600），请妥善保管；"
                  "需要分享时用 --mask-id 导出隐去身份证号的副本。",
                  f"Note: {done.path} holds full ID numbers (a backup restores exactly) and only you can read it "
                  "(0600); keep it safe. To share a copy without them, export with --mask-id.", lang), file=sys.stderr)
    if args.json:
        _print_json({"written": str(done.path), "format": done.fmt, "rows": done.rows})
    else:
        _say(pick(f"已导出 {done.rows} 条：{done.path}", f"Exported {done.rows} rows: {done.path}", lang))
    return EXIT_OK


def cmd_import(ctx: Context, args: argparse.Namespace) -> int:
    from .cli import EXIT_OK, EXIT_REFUSED, _print_json, _say
    from .import_report import counts as report_counts
    from .import_report import report_lines, summary_line
    from .importers import plan_import

    svc, lang = ctx.service, ctx.lang
    plan = plan_import(Path(args.file), svc.people(), svc.book, svc.today, args.sheet,
                       include_hidden=args.include_hidden)
    write = not args.dry_run and (plan.errors == 0 or args.skip_invalid) and bool(plan.new or plan.updated)
    if write:  # only this takes the lock; the plan is checked again against the database as it is then
        _test_import_delay()
        write = svc.apply_import(plan, skip_invalid=args.skip_invalid) is not None
    errors = plan.errors
    counts = report_counts(plan)
    code = EXIT_REFUSED if errors and not args.skip_invalid else EXIT_OK
    if args.json:
        _print_json({"file": plan.source, "header_row": plan.header_row, "columns": plan.columns,
                     "unused_columns": [{"column": c, "why": why[0 if lang == "zh" else 1]}
                                        for c, why in plan.unused_columns.items()],
                     "skipped_sheets": plan.skipped_sheets,
                     "hidden_sheets": plan.hidden_sheets,
                     "hidden_rows": [{"sheet": sh, "row": r, "name": n} for sh, r, n in plan.hidden_rows],
                     "written": bool(write), "dry_run": args.dry_run, "counts": counts,
                     "rows": [r.to_json(lang) for r in plan.rows]})
        return code
    for line in report_lines(plan, lang):
        _say(line)
    print(summary_line(plan, lang))
    if args.dry_run:
        print(pick("试运行：未写入任何数据。", "Dry run: nothing was written.", lang))
    elif errors and not args.skip_invalid:
        print(pick("有错误，未写入任何数据。改正后重新导入，或用 --skip-invalid 只导入无误的行。",
                   "There are errors, so nothing was written. Fix them and import again, or use --skip-invalid "
                   "to import the valid rows only.", lang), file=sys.stderr)
    elif write:
        print(pick("已写入数据库；tracker undo 可整体撤销这次导入。",
                   "Written to the database; 'tracker undo' reverts the whole import.", lang))
    return code


def _test_import_delay() -> None:
    """For the race tests only: TRACKER_TEST_IMPORT_DELAY=seconds holds an import between reading the sheet
    (no lock) and writing it, so other writers can work meanwhile, as during a long import of a big sheet."""
    delay = os.environ.get("TRACKER_TEST_IMPORT_DELAY")
    if delay:
        print("test: import planned, waiting", file=sys.stderr, flush=True)
        time.sleep(float(delay))


def cmd_report(ctx: Context, args: argparse.Namespace) -> int:
    from .cli import EXIT_OK, _add_row, _console, _print_json, _table, _text
    from .stages import stage_label
    from .yearly import FLOW_KEYS, FLOW_LABELS, STOCK_KEYS, year_figures

    lang, svc = ctx.lang, ctx.service
    figs = year_figures(svc.people(), args.year, svc.today, args.branch)
    if args.json:
        _print_json(figs.to_json(lang))
        return EXIT_OK
    heads = FLOW_LABELS
    end = pick("年末" if figs.complete else "现有", "end: " if figs.complete else "now: ", lang)
    title = pick(f"{figs.year}年发展党员工作统计" + ("" if figs.complete else f"（截至 {figs.as_of}）"),
                 f"Member development in {figs.year}" + ("" if figs.complete else f" (to {figs.as_of})"), lang)
    t = _table(title, [label("branch", lang), *(pick(*heads[k], lang) for k in FLOW_KEYS),
                       *(end + stage_label(k, lang) for k in STOCK_KEYS)])
    t.columns[0].no_wrap = True  # a branch's name is read whole; the figures' headers wrap instead
    for branch, row in figs.by_branch.items():
        _add_row(t, branch, *(str(row["flows"][k]) for k in FLOW_KEYS), *(str(row["at_end"][k]) for k in STOCK_KEYS))
    _add_row(t, label("total", lang), *(str(figs.flows[k]) for k in FLOW_KEYS),
             *(str(figs.at_end[k]) for k in STOCK_KEYS))
    con = _console()
    con.print(t)
    con.print(_text(figs.sentence(lang)))
    con.print(_text(figs.seed_sentence(lang)))
    return EXIT_OK


COMMANDS = {"export": cmd_export, "import": cmd_import, "report": cmd_report}
