"""UI text, Chinese first. Stage and step names come from tracker.stages, field names from tracker.i18n."""

from __future__ import annotations

from tracker.i18n import LABELS
from tracker.stages import TIMELINE_KINDS, event_label

UI: dict[str, tuple[str, str]] = {
    "tab_overview": ("概览", "Overview"),
    "tab_people": ("人员", "People"),
    "tab_deadlines": ("时限", "Deadlines"),
    "tab_planner": ("会议准备", "Meeting planner"),
    "pipeline": ("发展流程（在册人数）", "Pipeline (active people)"),
    "due_title": ("逾期与30天内到期", "Overdue and due within 30 days"),
    "soon_title": ("30天内可办理下一步", "Becoming eligible within 30 days"),
    "empty_start": ("还没有人员。\n\n  n  新增入党申请人\n  D  载入示例数据（约40人）\n\n也可以在命令行用 tracker add 添加。",
                    "No people yet.\n\n  n  add an applicant\n  D  load demo data (about 40 people)\n\n"
                    "Or add people from the command line with 'tracker add'."),
    "nothing_due": ("没有逾期或即将到期的事项。", "Nothing overdue or due soon."),
    "nobody_soon": ("30天内没有人到期可办理下一步。", "Nobody becomes eligible in the next 30 days."),
    "filter_ph": ("筛选：姓名、拼音（zs / zhangsan）或支部", "Filter: name, pinyin (zs / zhangsan) or branch"),
    "all_stages": ("全部阶段", "All stages"),
    "all_branches": ("全部支部", "All branches"),
    "all_rules": ("全部规则", "All rules"),
    "include_left": ("含已离开", "Include those who left"),
    "active_only": ("仅在册", "Active only"),
    "shown": ("显示 {shown}/{total} 人", "Showing {shown} of {total}"),
    "more": ("（向下滚动加载更多）", " (scroll down for more)"),
    "flags": ("标记", "Flags"),
    "choose": ("请选择", "Choose"),
    "more_in_tab": ("……另有 {n} 项，见“时限”页（按 3）", "… {n} more on the Deadlines tab (press 3)"),
    "more_in_planner": ("……另有 {n} 人，见“会议准备”页（按 4）", "… {n} more in the meeting planner (press 4)"),
    "export_title": ("导出名册", "Export rosters"),
    "format": ("格式", "Format"),
    "folder": ("保存到（文件夹：按名册和日期自动命名；或写完整文件名）",
               "Save to (a folder: named after the roster and date; or a full file name)"),
    "full_id": ("显示完整身份证号（默认隐去中间8位）", "Show full ID numbers (masked by default)"),
    "overwrite": ("覆盖同名文件", "Overwrite a file of the same name"),
    "export": ("导出", "Export"),
    "exported": ("已导出 {rows} 条：{path}", "Exported {rows} rows: {path}"),
    "export_failed": ("导出失败：", "Export failed: "),
    "more_rows": ("……另有 {n} 条（可按支部或规则筛选）", "… {n} more (filter by branch or rule)"),
    "next_date": ("最早/截止", "Earliest / due"),
    "group_overdue": ("已逾期", "Overdue"),
    "group_waiting": ("应及时办理（预备期已满，待讨论转正）", "Promptly (probation ended, conversion not yet discussed)"),
    "group_week": ("本周内", "This week"),
    "group_month": ("30天内", "Within 30 days"),
    "group_later": ("以后", "Later"),
    "meeting_date": ("会议日期", "Meeting date"),
    "planner_hint": ("输入会议日期后回车：列出每一步谁可办理、谁尚不具备条件及原因。",
                     "Enter the meeting date: for each step, who is eligible and who is blocked, and why."),
    "eligible": ("可办理", "Eligible"),
    "blocked": ("不具备", "Blocked"),
    "reason": ("原因", "Reason"),
    "status": ("状态", "Status"),
    "details": ("基本信息", "Details"),
    "timeline": ("全程纪实", "Timeline"),
    "section": ("环节", "Part"),
    "done": ("已完成", "done"),
    "next_step": ("下一步", "next"),
    "open": ("待办", "open"),
    "todo": ("未到", "to come"),
    "late_by": ("逾期{days}天", "{days} days late"),
    "due_on": ("应于 {date} 前", "due {date}"),
    "earliest_on": ("最早 {date}", "earliest {date}"),
    "projected_on": ("预计最早 {date}", "at the earliest {date}"),
    "blocked_by": ("尚缺：", "Blocked by: "),
    "record_title": ("记录步骤：{name}", "Record a step: {name}"),
    "step": ("步骤", "Step"),
    "date": ("日期", "Date"),
    "names": ("姓名（逗号分隔）", "Names (comma separated)"),
    "result": ("结论", "Result"),
    "pass": ("合格", "pass"),
    "fail": ("不合格", "fail"),
    "days": ("天数", "Days"),
    "hours": ("学时", "Class hours"),
    "months": ("延长月数（6–12）", "Months (6–12)"),
    "leave_reason": ("离开原因", "Reason for leaving"),
    "note": ("备注", "Note"),
    "override": ("超越规则理由（确需办理时填写）", "Override reason (only if it must proceed)"),
    "save": ("保存", "Save"),
    "cancel": ("取消", "Cancel"),
    "checks": ("规则检查", "Rule checks"),
    "all_ok": ("✓ 符合全部规则", "✓ Meets every rule"),
    "valid_steps": ("可记录的步骤", "Steps you can record"),
    "other_steps": ("其他步骤（顺序不符）", "Other steps (out of order)"),
    "new_person": ("新增入党申请人", "Add an applicant"),
    "edit_person": ("修改信息：{name}", "Edit details: {name}"),
    "applied": ("递交入党申请书时间", "Application received"),
    "saved": ("已保存", "Saved"),
    "undone": ("已撤销：{what}", "Undone: {what}"),
    "nothing_to_undo": ("没有可撤销的更改。", "Nothing to undo."),
    "reloaded": ("数据库已被其他程序更新，已重新载入。", "The database was changed elsewhere; reloaded."),
    "demo_loaded": ("已载入示例数据 {n} 人。", "Loaded {n} demo people."),
    "help_title": ("帮助：按键一览", "Help: keys"),
    "help_palette": ("Ctrl+P 打开命令面板，可执行以下全部操作。", "Ctrl+P opens the command palette: every action below is there."),
    "lang_switched": ("已切换为中文", "Switched to English"),
    "refused": ("未保存：", "Not saved: "),
    "required_override": ("有规则未满足：如确需办理，请填写超越规则理由。", "A rule is not met: to proceed anyway, write an override reason."),
    "no_person": ("请先选择一个人。", "Select a person first."),
    "correct_title": ("更正记录：{name} · {step}", "Correct a record: {name} · {step}"),
    "remove_title": ("删除记录：{name} · {step}", "Remove a record: {name} · {step}"),
    "which_one": ("更正哪一次", "Which one"),
    "correct_date": ("正确的日期", "The correct date"),
    "fix_reason": ("理由（必填，记入更改记录）", "Reason (required, kept in the history)"),
    "reason_required": ("请写明理由。", "Write the reason."),
    "remove": ("删除", "Remove"),
    "not_recorded": ("“{step}”尚未记录，无可更正。", "'{step}' is not recorded: nothing to correct."),
    "collective": ("集体宣誓（七一、国庆等日期）", "Collective ceremony (1 July, National Day …)"),
    "provisional": ("（暂定）", " (provisional)"),
    "needed_first": ("须先办理", "to do first"),
    "needed_step": ("须先办理：{step}", "first: {step}"),
    "procedure_title": ("发展流程（按《细则》条文顺序）", "The procedure (in the order of the Rules' text)"),
    "procedure_notes": (
        "先报上级党委同意（2014年版：备案），再公示（2026-05-11起，不少于5个工作日），再列为发展对象；"
        "支部大会讨论接收须预审合格；上级党委审批前须派人谈话，审批后才是预备党员（预备期从支部大会通过之日算起）；"
        "讨论转正须本人书面申请，上级党委批准转正后才是正式党员（党龄从预备期满之日算起）。",
        "Consent of the higher committee (2014: filing) first, then the publicity (from 2026-05-11, at least 5 "
        "working days), then the listing; the branch meeting needs a passed pre-review; the committee talks "
        "with the person before approving, and only the approval makes a probationary member (probation counts "
        "from the meeting); conversion is discussed on a written request, and only its approval makes a full "
        "member (standing counts from the end of probation)."),
}


def t(key: str, lang: str, **fmt: object) -> str:
    zh, en = UI[key] if key in UI else LABELS[key]
    text = zh if lang == "zh" else en
    return text.format(**fmt) if fmt else text


def procedure_text(lang: str) -> str:
    """The steps in the text's order (numbered as the 25 steps), then what gates what."""
    steps = " → ".join(f"{k.step} {event_label(k.key, lang)}" if k.step else event_label(k.key, lang)
                       for k in TIMELINE_KINDS)
    return f"{steps}\n{t('procedure_notes', lang)}"
