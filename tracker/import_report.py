"""The text of an import's report (the CLI's ``tracker import`` and the app's import dialog print the same)."""

from __future__ import annotations

from .i18n import pick
from .importers import ImportPlan

STATUS_WORDS = {"new": ("新增", "new"), "merged": ("合并", "merged"), "unchanged": ("无变化", "unchanged"),
                "error": ("错误", "error")}


def counts(plan: ImportPlan) -> dict[str, int]:
    return {s: sum(1 for r in plan.rows if r.status == s) for s in ("new", "merged", "unchanged", "error")}


def report_lines(plan: ImportPlan, lang: str, *, app: bool = False) -> list[str]:
    """The header found, the columns not used, the sheets and hidden rows skipped, then every row and its
    problems. ``app``: for the app's import dialog (its checkbox, not the command's option, imports hidden rows)."""
    i = 0 if lang == "zh" else 1
    out: list[str] = []
    if plan.header_row:
        out.append(pick(f"表头在第 {plan.header_row} 行；识别的列：{'、'.join(plan.columns)}",
                        f"Header on row {plan.header_row}; columns recognised: {', '.join(plan.columns)}", lang))
    if plan.unused_columns:
        out.append(pick("未使用的列：" + "、".join(f"{c}（{w[0]}）" for c, w in plan.unused_columns.items()),
                        "Columns not used: " + ", ".join(f"{c} ({w[1]})" for c, w in plan.unused_columns.items()),
                        lang))
    if plan.hidden_sheets:
        how = ("需要时在下面的“工作表”中选择", "choose one under 'Sheets' below") if app else ("需要时用 --sheet 指定", "name one with --sheet")
        out.append(pick(f"隐藏的工作表，未导入：{'、'.join(plan.hidden_sheets)}（{how[0]}）",
                        f"Hidden sheets, not imported: {', '.join(plan.hidden_sheets)} ({how[1]})", lang))
    for sheet, row, name in plan.hidden_rows:
        where = pick(f"“{sheet}”表", f"Sheet '{sheet}' ", lang) if sheet is not None else ""
        out.append(pick(f"{where}第{row}行已隐藏，未导入：{name}", f"{where}Row {row} is hidden, not imported: {name}", lang))
    if plan.hidden_rows and app:
        out.append(pick("（隐藏的行多是已离开或转出的人；确需导入时勾选下面的“也导入隐藏的行”）",
                        "(hidden rows are mostly people who left or moved away; to import them, tick 'Import hidden "
                        "rows too' below)", lang))
    elif plan.hidden_rows:
        out.append(pick("（隐藏的行多是已离开或转出的人；确需导入时用 --include-hidden）",
                        "(hidden rows are mostly people who left or moved away; to import them, use --include-hidden)",
                        lang))
    if plan.skipped_sheets:
        out.append(pick(f"没有表头、未读取的工作表：{'、'.join(plan.skipped_sheets)}",
                        f"Sheets without a header, not read: {', '.join(plan.skipped_sheets)}", lang))
    for r in plan.rows:
        head = pick(f"第{r.row}行", f"Row {r.row}", lang)
        if r.sheet is not None:
            head = pick(f"“{r.sheet}”表", f"Sheet '{r.sheet}' ", lang) + head
        shown = ""
        if r.events and r.status != "error":
            shown = pick(f"（{'，'.join(e[0] for e in r.events)}）", f" ({', '.join(e[1] for e in r.events)})", lang)
        out.append(pick(f"{head} {r.name}：", f"{head} {r.name}: ", lang) + STATUS_WORDS[r.status][i] + shown)
        out.extend(pick("  ✗ 问题：", "  ✗ problem: ", lang) + m[i] for m in r.problems)
        out.extend(pick("  ! 注意：", "  ! note: ", lang) + m[i] for m in r.notes)
    return out


def summary_line(plan: ImportPlan, lang: str) -> str:
    c = counts(plan)
    return pick(f"共 {len(plan.rows)} 行：新增 {c['new']}，合并 {c['merged']}，无变化 {c['unchanged']}，错误 {c['error']}。",
                f"{len(plan.rows)} rows: {c['new']} new, {c['merged']} merged, {c['unchanged']} unchanged, "
                f"{c['error']} with errors.", lang)
