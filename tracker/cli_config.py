"""``tracker config``: this database's settings (the unit's name that heads every roster)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .cli import Context


def args_config(c: argparse.ArgumentParser) -> None:
    c.add_argument("key", choices=("unit",), help="unit: the unit's name heading every roster (中共××委员会)")
    c.add_argument("value", nargs="?", help="the new value (omit to show the current one)")
    c.add_argument("--clear", action="store_true", help="remove the setting")
    c.add_argument("--json", action="store_true")


def cmd_config(ctx: Context, args: argparse.Namespace) -> int:
    from .cli import EXIT_OK, _print_json, _say
    from .i18n import pick

    svc, lang = ctx.service, ctx.lang
    if args.clear or args.value is not None:
        svc.set_unit(None if args.clear else args.value)
    unit = svc.unit()
    if args.json:
        _print_json({"unit": unit})
    elif unit:
        _say(pick(f"单位名称：{unit}（名册标题为“{unit}××党支部 ××名册”）",
                  f"Unit: {unit} (rosters are titled '{unit}<branch> <stage> roster')", lang))
    else:
        _say(pick("尚未设置单位名称：tracker config unit \"中共××委员会\"",
                  'No unit name yet: tracker config unit "中共××委员会"', lang))
    return EXIT_OK


COMMANDS = {"config": cmd_config}
