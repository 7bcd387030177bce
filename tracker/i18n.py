"""zh/en text for the CLI and the TUI. Chinese first; English carries the Chinese stage term."""

from __future__ import annotations

import locale
import os

LANGS = ("zh", "en")

LABELS: dict[str, tuple[str, str]] = {
    # key: (zh, en)
    "app_title": ("党员发展工作台账", "Party member development tracker"),
    "id": ("编号", "ID"),
    "name": ("姓名", "Name"),
    "gender": ("性别", "Gender"),
    "ethnicity": ("民族", "Ethnicity"),
    "birth": ("出生日期", "Birth date"),
    "education": ("学历", "Education"),
    "branch": ("所在党支部", "Branch"),
    "phone": ("联系电话", "Phone"),
    "id_number": ("身份证号", "ID number"),
    "note": ("备注", "Notes"),
    "expected_departure": ("预计离开日期", "Expected departure"),
    "native_place": ("籍贯", "Native place"),
    "job": ("工作单位及职务", "Workplace and post"),
    "stage": ("阶段", "Stage"),
    "stage_date": ("阶段日期", "Stage date"),
    "active": ("在册", "Active"),
    "left": ("已离开", "Left"),
    "next": ("下一步", "Next step"),
    "earliest": ("最早日期", "Earliest"),
    "due": ("截止日期", "Due"),
    "days_left": ("剩余天数", "Days left"),
    "overdue": ("已逾期", "Overdue"),
    "due_soon": ("即将到期", "Due soon"),
    "rule": ("规则", "Rule"),
    "what": ("事项", "What"),
    "person": ("人员", "Person"),
    "date": ("日期", "Date"),
    "step": ("步骤", "Step"),
    "blockers": ("尚缺条件", "Blocked by"),
    "count": ("人数", "Count"),
    "today": ("今天", "Today"),
    "history_at": ("时间", "When"),
    "history_what": ("变更", "Change"),
    "undone": ("已撤销", "undone"),
    "provisional": ("（暂定：当年放假调休安排尚未公布）", " (provisional: the year's holiday notice is not published)"),
    "probation_end": ("预备期满", "Probation ends"),
    "standing_from": ("党龄起算", "Membership counts from"),
    "events": ("已记录步骤", "Recorded steps"),
    "deadlines": ("待办时限", "Open deadlines"),
    "late": ("逾期", "late"),
    "override": ("超越规则理由", "Override reason"),
    "eligible_on": ("可于该日办理", "Eligible on"),
    "no_people": ("还没有人员。可用 tracker add 添加，或 tracker demo 载入示例数据。",
                  "No people yet. Add one with 'tracker add', or load demo data with 'tracker demo'."),
    "nothing_due": ("没有逾期或即将到期的事项。", "Nothing overdue or due soon."),
    "nobody_eligible": ("该日没有可办理的人员。", "Nobody is eligible on that date."),
    "profile": ("规则版本", "Rule profile"),
    "total": ("合计", "Total"),
}


class BilingualError(Exception):
    """An error a person reads: what is wrong and how to fix it, in Chinese and in English."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.zh = zh
        self.en = en

    def message(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


def label(key: str, lang: str) -> str:
    zh, en = LABELS[key]
    return zh if lang == "zh" else en


def default_lang(env: dict[str, str] | None = None) -> str:
    """TRACKER_LANG, else the locale (zh_* → zh), else English."""
    env = dict(os.environ) if env is None else env
    explicit = env.get("TRACKER_LANG", "").strip().lower()
    if explicit in LANGS:
        return explicit
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(var, "")
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    try:
        loc = locale.getlocale()[0] or ""
    except ValueError:
        loc = ""
    return "zh" if loc.lower().startswith("zh") else "en"


def pick(zh: str, en: str, lang: str) -> str:
    return zh if lang == "zh" else en
