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
    "load_demo": ("D", "载入示例数据", "Load demo data"),
    "export": ("e", "导出", "Export"),
    "sort": ("o", "排序", "Sort"),
    "toggle_left": ("a", "含已离开", "Include left"),
    "back": ("esc", "返回", "Back"),
    "record_next": ("r", "记录下一步", "Record next"),
    "record_any": ("s", "记录任一步骤", "Record any step"),
    "edit": ("d", "修改信息", "Edit details"),
    "leave": ("x", "离开流程", "Leave pipeline"),
    "save": ("ctrl+s", "保存", "Save"),
    "cancel": ("esc", "取消", "Cancel"),
}


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
