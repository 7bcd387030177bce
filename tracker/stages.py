"""The five stages and the event kinds: keys, Chinese and English labels, the stage each belongs to.

Code says ``target``; the user sees 发展对象. Nothing here knows a time rule: that is the profiles' job.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Stage:
    key: str
    zh: str
    en: str
    entered_by: str
    order: int


STAGES: tuple[Stage, ...] = (
    Stage("applicant", "入党申请人", "Applicant", "applied", 0),
    Stage("activist", "入党积极分子", "Activist", "activist", 1),
    Stage("target", "发展对象", "Development target", "target", 2),
    Stage("probationary", "预备党员", "Probationary member", "admitted", 3),
    Stage("member", "正式党员", "Full member", "converted", 4),
)
STAGE_BY_KEY: dict[str, Stage] = {s.key: s for s in STAGES}
STAGE_KEYS: tuple[str, ...] = tuple(s.key for s in STAGES)
STAGE_ENTERED_BY: dict[str, str] = {s.entered_by: s.key for s in STAGES}


@dataclass(frozen=True)
class EventKind:
    """One kind of dated event.

    ``phase`` is the stage a person must have reached to record it; for steps that
    prepare the next stage (e.g. political review) the event must also fall before
    that next stage's date when the person has already moved on.
    """

    key: str
    zh: str
    en: str
    phase: str
    step: int | None = None
    enters: str | None = None
    repeatable: bool = False
    fields: tuple[str, ...] = ()
    place: float | None = None  # where a step without a number sits in a timeline

    @property
    def position(self) -> float:
        if self.place is not None:
            return self.place
        return float(self.step) if self.step is not None else 99.0


EVENT_KINDS: tuple[EventKind, ...] = (
    EventKind("applied", "递交入党申请书", "Application received", "applicant", 1, enters="applicant"),
    EventKind("talked", "党组织派人谈话", "Intake talk", "applicant", 2),
    EventKind("activist", "确定为入党积极分子", "Named activist", "applicant", 3, enters="activist"),
    EventKind("activist-filed", "报上级党委备案（积极分子）", "Activist filed with higher committee",
              "activist", 4),
    EventKind("mentors", "指定培养联系人", "Mentors assigned", "activist", 5, repeatable=True,
              fields=("names",)),
    EventKind("activist-review", "培养教育考察（半年考察）", "Half-yearly assessment", "activist", 6,
              repeatable=True, fields=("result",)),
    EventKind("thought-report", "思想汇报", "Thought report", "activist", None, repeatable=True,
              place=6.5),
    EventKind("publicity", "发展对象公示开始", "Target publicity started", "activist", None,
              repeatable=True, place=6.9),
    EventKind("target", "确定为发展对象", "Listed as development target", "activist", 7, enters="target"),
    EventKind("target-filed", "报上级党委同意（发展对象）", "Target consented by higher committee",
              "target", 8),
    EventKind("sponsors", "确定入党介绍人", "Sponsors named", "target", 9, repeatable=True,
              fields=("names",)),
    EventKind("political-review", "政治审查", "Political review", "target", 10, repeatable=True,
              fields=("result",)),
    EventKind("training", "集中培训", "Training", "target", 11, repeatable=True,
              fields=("days", "hours")),
    EventKind("committee-review", "支部委员会审查", "Branch committee review", "target", 12),
    EventKind("pre-review", "上级党委预审", "Pre-review by higher committee", "target", 13),
    EventKind("form", "填写入党志愿书", "Application form filled", "target", 14),
    EventKind("admitted", "支部大会讨论接收为预备党员", "Admitted as probationary member", "target", 15,
              enters="probationary"),
    EventKind("committee-talk", "上级党委派人谈话", "Talk by higher committee", "probationary", 16),
    EventKind("approved", "上级党委审批", "Admission approved", "probationary", 17),
    EventKind("filed-up", "再上一级党委组织部门备案", "Filed one level up", "probationary", 18),
    EventKind("placed", "编入党支部和党小组", "Placed in branch and group", "probationary", 19),
    EventKind("oath", "入党宣誓", "Oath taken", "probationary", 20),
    EventKind("probation-review", "继续教育考察", "Probation assessment", "probationary", 21,
              repeatable=True),
    EventKind("conversion-request", "提出转正申请", "Conversion requested", "probationary", 22),
    EventKind("extended", "延长预备期", "Probation extended", "probationary", None, fields=("months",),
              repeatable=True,  # "once only" is rule R15, which names its article
              place=22.5),
    EventKind("transferred-in", "预备党员转入", "Probationer transferred in", "probationary", None,
              place=18.5),
    EventKind("converted", "支部大会讨论转正", "Conversion passed by branch meeting", "probationary", 23,
              enters="member"),
    EventKind("conversion-approved", "上级党委审批转正", "Conversion approved", "member", 24),
    EventKind("archived", "材料归档", "File archived", "member", 25),
    EventKind("left", "离开发展程序", "Left the pipeline", "applicant", None, fields=("reason",)),
)
EVENT_BY_KEY: dict[str, EventKind] = {e.key: e for e in EVENT_KINDS}
EVENT_KEYS: tuple[str, ...] = tuple(e.key for e in EVENT_KINDS)
STANDARD_STEPS: tuple[EventKind, ...] = tuple(
    sorted((e for e in EVENT_KINDS if e.step is not None), key=lambda e: e.step or 0)
)

#: the five parts of the standard flow (RULES.md I–V, the Rules' chapters 2–6) by step number
SECTIONS: tuple[tuple[int, int, str, str], ...] = (
    (1, 2, "入党申请", "Application"),
    (3, 6, "入党积极分子的确定和培养教育", "Activist: naming and training"),
    (7, 11, "发展对象的确定和考察", "Development target: listing and review"),
    (12, 18, "预备党员的接收", "Admission"),
    (19, 25, "预备党员的教育考察和转正", "Probation and conversion"),
)


def section_of(position: float) -> int:
    """Index into SECTIONS for a step's timeline position (unnumbered steps sit between)."""
    for i, (_first, last, _zh, _en) in enumerate(SECTIONS):
        if position < last + 1:
            return i
    return len(SECTIONS) - 1


#: the stage step that follows each stage (the "next" a secretary plans for)
NEXT_STAGE_EVENT: dict[str, str | None] = {
    "applicant": "activist",
    "activist": "target",
    "target": "admitted",
    "probationary": "converted",
    "member": None,
}


def stage_label(key: str, lang: str) -> str:
    """The stage's name; English always carries the Chinese term as well."""
    stage = STAGE_BY_KEY[key]
    return stage.zh if lang == "zh" else f"{stage.en} {stage.zh}"


def event_label(key: str, lang: str) -> str:
    kind = EVENT_BY_KEY[key]
    return kind.zh if lang == "zh" else kind.en
