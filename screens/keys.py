"""Every key binding has an id; its footer text comes from here in the current language."""

from __future__ import annotations

from dataclasses import replace

from textual.binding import Binding
from textual.dom import DOMNode

#: binding id → (key shown in help, zh, en)
KEYS: dict[str, tuple[str, str, str]] = {
    "quit": ("q", "退出", "Quit"),
    "help": ("?", "帮助", "Help"),
    "search": ("/", "搜索", "Search"),
    "new_person": ("n", "新增", "New"),
    "record": ("r", "记录步骤", "Record step"),
    "undo": ("u", "撤销", "Undo"),
    "toggle_lang": ("l", "English", "中文"),
    "tab_overview": ("1", "概览", "Overview"),
    "tab_people": ("2", "人员", "People"),
    "tab_deadlines": ("3", "时限", "Deadlines"),
    "tab_planner": ("4", "会议准备", "Planner"),
    "tab_calendar": ("5", "日历", "Calendar"),
    "pipeline_branch": ("b", "切换支部", "Branch"),
    "yearly": ("y", "年度统计", "Year figures"),
    "prev_month": ("<", "上月", "Prev month"),
    "next_month": (">", "下月", "Next month"),
    "this_month": ("t", "本月", "This month"),
    "axis": ("g", "时间轴", "Time axis"),
    "prev_year": ("<", "上一年", "Prev year"),
    "next_year": (">", "下一年", "Next year"),
    "load_demo": ("D", "载入示例数据", "Load demo data"),
    "export": ("e", "导出", "Export"),
    "sort": ("o", "排序", "Sort"),
    "toggle_left": ("a", "含已离开", "Include left"),
    "back": ("esc", "返回", "Back"),
    "record_next": ("r", "记录下一步", "Record next"),
    "record_any": ("s", "记录任一步骤", "Record any step"),
    "edit": ("d", "修改信息", "Edit details"),
    "leave": ("x", "离开流程", "Leave pipeline"),
    "correct": ("c", "更正", "Correct"),
    "reveal_id": ("i", "显示身份证号", "Show ID number"),
    "remove": ("delete", "删除记录", "Remove"),
    "meeting_date": ("m", "会议日期", "Meeting date"),
    "mark": ("space", "选中↓", "Mark ↓"),
    "export_list": ("e", "导出名单", "Export list"),
    "notice": ("g", "公示", "Notice"),
    "save": ("ctrl+s", "保存", "Save"),
    "cancel": ("esc", "取消", "Cancel"),
    "confirm": ("y", "确定", "Yes"),
    "decline": ("n", "否", "No"),
    "palette": ("ctrl+p", "命令面板", "Palette"),
    "import": ("I", "导入", "Import"),
    "help_f1": ("f1", "帮助", "Help"),
}


#: help text: binding id → (zh, en) where it differs from the footer's, and where the key works
HELP: dict[str, tuple[str, str]] = {
    "toggle_lang": ("切换中文 / English", "Switch 中文 / English"),
    "record": ("为选中的人记录步骤", "Record a step for the selected person"),
    "search": ("搜索人员：姓名、拼音首字母、全拼或支部", "Search people: name, pinyin initials, full pinyin, branch"),
    "new_person": ("新增入党申请人", "Add an applicant"),
    "undo": ("撤销上一次更改", "Undo the last change"),
    "export": ("导出名册", "Export rosters"),
    "sort": ("人员页：切换排序列（也可点击表头）", "People: cycle the sort column (or click a header)"),
    "toggle_left": ("人员页：含 / 不含已离开的人", "People: include / hide those who left"),
    "load_demo": ("空数据库：载入示例数据", "Empty database: load demo data"),
    "record_next": ("人员详情：记录光标所在或下一步", "A person: record the step under the cursor, or the next"),
    "record_any": ("人员详情：记录任一步骤", "A person: record any step"),
    "edit": ("人员详情：修改信息", "A person: edit details"),
    "leave": ("人员详情：离开发展流程", "A person: leave the pipeline"),
    "reveal_id": ("人员详情：显示 / 隐去完整身份证号（默认隐去中间8位）", "A person: show / hide the full ID number (masked by default)"),
    "correct": ("人员详情：更正光标所在步骤的日期（须写理由，其后各步重新核对）",
                "A person: correct the date of the step under the cursor (a reason; later steps re-checked)"),
    "remove": ("人员详情：删除光标所在的误记步骤（其后有依赖它的步骤时不能删除）",
               "A person: remove the step under the cursor (not while a later step depends on it)"),
    "meeting_date": ("会议准备：输入会议日期（回车或 Esc 回到名单）", "Planner: type the meeting date (Enter or Esc back to the list)"),
    "mark": ("会议准备：选中 / 取消选中此人并移到下一行，r 为选中的人一并记录",
             "Planner: mark / unmark and move to the next row; r records one decision for the marked"),
    "export_list": ("会议准备：导出名单（格式同名册）", "Planner: export the list (the rosters' formats)"),
    "notice": ("会议准备：发展对象公示文本及公示期", "Planner: the publicity notice for the proposed targets, with its dates"),
    "back": ("返回上一页", "Back"),
    "pipeline_branch": ("概览：流程图按支部显示（依次切换，再回到全部支部）",
                        "Overview: the pipeline chart per branch (in turn, then all again)"),
    "yearly": ("年度统计图（< > 换年份）", "The year's figures as a chart (< > another year)"),
    "prev_month": ("日历：上个月（也可 PageUp）", "Calendar: previous month (or PageUp)"),
    "next_month": ("日历：下个月（也可 PageDown）", "Calendar: next month (or PageDown)"),
    "this_month": ("日历：回到今天", "Calendar: back to today"),
    "axis": ("人员详情：显示 / 隐去时间轴图", "A person: show / hide the time axis"),
    "prev_year": ("年度统计：上一年", "Year figures: previous year"),
    "next_year": ("年度统计：下一年", "Year figures: next year"),
    "save": ("对话框：保存", "Dialogs: save"),
    "cancel": ("对话框：取消", "Dialogs: cancel"),
    "confirm": ("确认对话框：确定", "Questions: yes"),
    "decline": ("确认对话框：否", "Questions: no"),
    "palette": ("命令面板：可执行全部操作", "Command palette: every action"),
    "import": ("导入名册或备份（先预览，再导入）", "Import a roster or backup (preview first, then apply)"),
    "help": ("帮助：按键一览（也可按 F1）", "Help: every key (also F1)"),
    "help_f1": ("帮助（在任何地方，包括输入框中）", "Help (anywhere, also inside a text box)"),
}


def help_text(binding_id: str, lang: str) -> str:
    if binding_id in HELP:
        zh, en = HELP[binding_id]
        return zh if lang == "zh" else en
    return key_text(binding_id, lang)


def bind(key: str, action: str, binding_id: str, *, show: bool = True, priority: bool = False) -> Binding:
    _, zh, _ = KEYS[binding_id]
    return Binding(key, action, zh, show=show, id=binding_id, priority=priority)


def key_text(binding_id: str, lang: str) -> str:
    _, zh, en = KEYS[binding_id]
    return zh if lang == "zh" else en


def relabel(node: DOMNode, lang: str) -> None:
    """Rewrite the descriptions of ``node``'s bindings in ``lang`` (the footer shows them)."""
    bindings = node._bindings
    bindings.key_to_bindings = {
        key: [replace(b, description=key_text(b.id, lang)) if b.id in KEYS and b.description else b for b in blist]
        for key, blist in bindings.key_to_bindings.items()
    }
