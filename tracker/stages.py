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
    # entered by the higher committee's approval (Art. 22); the stage date is the branch meeting's
    Stage("probationary", "预备党员", "Probationary member", "approved", 3),
    # entered by the approval of the conversion (Art. 31); 党龄 counts from the end of probation
    Stage("member", "正式党员", "Full member", "conversion-approved", 4),
)
STAGE_BY_KEY: dict[str, Stage] = {s.key: s for s in STAGES}
STAGE_KEYS: tuple[str, ...] = tuple(s.key for s in STAGES)
STAGE_ENTERED_BY: dict[str, str] = {s.entered_by: s.key for s in STAGES}


@dataclass(frozen=True)
class Pending:
    """Between a branch meeting's vote and the higher committee's approval."""

    key: str
    voted: str  # the event of the vote
    approval: str  # the event that ends the wait (and enters the next stage)
    zh: str
    en: str
    short_zh: str  # for a list's stage column
    short_en: str


PENDING: tuple[Pending, ...] = (
    Pending("approval", "admitted", "approved", "支部大会已通过，待上级党委审批",
            "passed by the branch meeting, awaiting the higher committee's approval", "待审批", "awaiting approval"),
    Pending("conversion-approval", "converted", "conversion-approved", "支部大会已通过转正，待上级党委审批",
            "conversion passed by the branch meeting, awaiting the higher committee's approval", "转正待审批",
            "conversion awaiting approval"),
)
PENDING_BY_KEY: dict[str, Pending] = {p.key: p for p in PENDING}


def pending_label(key: str | None, lang: str, *, short: bool = False) -> str:
    if key is None:
        return ""
    p = PENDING_BY_KEY[key]
    if short:
        return p.short_zh if lang == "zh" else p.short_en
    return p.zh if lang == "zh" else p.en


#: ``before`` value of a step whose window never closes (e.g. thought reports go on in every stage)
OPEN = ""


@dataclass(frozen=True)
class EventKind:
    """One kind of dated event.

    ``phase`` is the stage a person must have reached to record it. Its window opens on the
    date that stage was entered (and on the date of ``after``, a step that must come first)
    and closes on the date of ``before`` (by default the event entering the next stage;
    ``OPEN``: never). ``leads_to`` is the stage a vote prepares (``admitted`` → probationary).
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
    after: str | None = None
    before: str | None = None
    leads_to: str | None = None
    follows: tuple[str, ...] = ()  # steps that, when recorded, come first (not required)
    #: steps the text puts before this one that no rule requires (no gate): when missing, a note says so
    expects: tuple[str, ...] = ()

    @property
    def position(self) -> float:
        if self.place is not None:
            return self.place
        return float(self.step) if self.step is not None else 99.0

    @property
    def towards(self) -> str | None:
        """The stage this step moves a person towards (entered now, or after an approval)."""
        return self.enters or self.leads_to


#: the steps in the order of the Rules' text (RULES.md "The 25 standard steps")
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
              place=6.5, before=OPEN),
    EventKind("target-proposed", "支委会研究讨论拟列为发展对象", "Proposed as target by branch committee",
              "activist", 7),
    EventKind("target-filed", "报上级党委同意（备案）", "Higher committee consented (filed)", "activist", 8,
              follows=("target-proposed",)),
    EventKind("publicity", "发展对象公示开始", "Target publicity started", "activist", None,
              repeatable=True, place=8.5, follows=("target-proposed", "target-filed")),
    EventKind("target", "确定为发展对象", "Listed as development target", "activist", None, enters="target",
              place=8.9),
    EventKind("sponsors", "确定入党介绍人", "Sponsors named", "target", 9, repeatable=True,
              fields=("names",), before="admitted"),
    EventKind("political-review", "政治审查", "Political review", "target", 10, repeatable=True,
              fields=("result",), before="admitted"),
    EventKind("training", "集中培训", "Training", "target", 11, repeatable=True,
              fields=("days", "hours"), before="admitted"),
    EventKind("committee-review", "支部委员会审查", "Branch committee review", "target", 12, before="admitted"),
    # 支部委员会审查合格后报上级党委预审; 预审合格的发给入党志愿书; then the branch meeting: in that order
    EventKind("pre-review", "上级党委预审", "Pre-review by higher committee", "target", 13, repeatable=True,
              fields=("result",), before="admitted", follows=("committee-review",)),
    EventKind("form", "填写入党志愿书", "Application form filled", "target", 14, before="admitted",
              follows=("committee-review", "pre-review")),
    EventKind("admitted", "支部大会讨论接收为预备党员", "Admission passed by branch meeting", "target", 15,
              leads_to="probationary", expects=("committee-review", "form")),
    EventKind("committee-talk", "上级党委派人谈话", "Talk by higher committee", "target", 16, after="admitted"),
    EventKind("approved", "上级党委审批（接收预备党员）", "Admission approved", "target", 17, enters="probationary",
              after="admitted"),
    EventKind("filed-up", "再上一级党委组织部门备案", "Filed one level up", "probationary", 18),
    EventKind("transferred-in", "预备党员转入", "Probationer transferred in", "probationary", None,
              place=18.5),
    EventKind("placed", "编入党支部和党小组", "Placed in branch and group", "probationary", 19),
    EventKind("oath", "入党宣誓", "Oath taken", "probationary", 20, fields=("collective",)),
    EventKind("probation-review", "继续教育考察", "Probation assessment", "probationary", 21,
              repeatable=True, before="converted"),
    EventKind("conversion-request", "提出书面转正申请", "Written conversion request", "probationary", 22,
              before="converted"),
    EventKind("extended", "延长预备期", "Probation extended", "probationary", None, fields=("months",),
              repeatable=True,  # "once only" is rule R15, which names its article
              place=22.5, before="converted"),
    EventKind("converted", "支部大会讨论转正", "Conversion passed by branch meeting", "probationary", 23,
              leads_to="member"),
    EventKind("conversion-approved", "上级党委审批转正", "Conversion approved", "probationary", 24,
              enters="member", after="converted"),
    EventKind("archived", "材料归档", "File archived", "member", 25),
    EventKind("left", "离开发展程序", "Left the pipeline", "applicant", None, fields=("reason",)),
)
EVENT_BY_KEY: dict[str, EventKind] = {e.key: e for e in EVENT_KINDS}
EVENT_KEYS: tuple[str, ...] = tuple(e.key for e in EVENT_KINDS)
STANDARD_STEPS: tuple[EventKind, ...] = tuple(
    sorted((e for e in EVENT_KINDS if e.step is not None), key=lambda e: e.step or 0)
)
#: what a person's timeline always shows: the 25 steps, and the publicity and listing the text puts
#: between steps 8 and 9
TIMELINE_KINDS: tuple[EventKind, ...] = tuple(
    sorted((e for e in EVENT_KINDS if e.step is not None or e.key in ("publicity", "target")),
           key=lambda e: e.position)
)

#: the five parts of the standard flow (RULES.md I–V, the Rules' chapters 2–6) by step number
SECTIONS: tuple[tuple[int, int, str, str], ...] = (
    (1, 2, "入党申请", "Application"),
    (3, 6, "入党积极分子的确定和培养教育", "Activist: naming and training"),
    (7, 11, "发展对象的确定和考察", "Development target: listing and review"),
    (12, 18, "预备党员的接收", "Admission"),
    (19, 25, "预备党员的教育考察和转正", "Probation and conversion"),
)


#: steps whose order the text gives in one article of both editions (Art. 13: proposal, consent, publicity,
#: listing); any other order is cited by its chapter
ORDER_ARTICLE: dict[str, int] = {"target-proposed": 13, "target-filed": 13, "publicity": 13, "target": 13}
_ZH_DIGITS = "零一二三四五六七八九"


def zh_number(n: int) -> str:
    """3 → 三, 13 → 十三, 25 → 二十五, 35 → 三十五 (enough for article and chapter numbers)."""
    if n < 10:
        return _ZH_DIGITS[n]
    tens, ones = divmod(n, 10)
    head = "" if tens == 1 else _ZH_DIGITS[tens]
    return f"{head}十{_ZH_DIGITS[ones] if ones else ''}"


def order_citation(event: str, other: str | None = None) -> tuple[str, str]:
    """Where the Rules' text gives the order of ``event`` and ``other``: the article when both sit in one
    (``ORDER_ARTICLE``), else the chapter (``SECTIONS``: chapters 2–6) of the one the text puts later."""
    later = event if other is None or EVENT_BY_KEY[event].position >= EVENT_BY_KEY[other].position else other
    article = ORDER_ARTICLE.get(later)
    if article is not None and (other is None or ORDER_ARTICLE.get(event) == ORDER_ARTICLE.get(other) == article):
        return (f"细则第{zh_number(article)}条", f"Rules Art. {article}")
    i = section_of(EVENT_BY_KEY[later].position)
    _first, _last, zh, en = SECTIONS[i]
    return (f"细则第{zh_number(i + 2)}章“{zh}”", f"Rules ch. {i + 2}, {en}")


def section_of(position: float) -> int:
    """Index into SECTIONS for a step's timeline position (unnumbered steps sit between)."""
    for i, (_first, last, _zh, _en) in enumerate(SECTIONS):
        if position < last + 1:
            return i
    return len(SECTIONS) - 1


#: the stage step that follows each stage (the "next" a secretary plans for), and while a vote
#: awaits approval, the approval (see ``next_stage_event``)
NEXT_STAGE_EVENT: dict[str, str | None] = {
    "applicant": "activist",
    "activist": "target",
    "target": "admitted",
    "probationary": "converted",
    "member": None,
}


def next_stage_event(stage: str, pending: str | None) -> str | None:
    if pending is not None:
        return PENDING_BY_KEY[pending].approval
    return NEXT_STAGE_EVENT[stage]


def window_end(kind: EventKind) -> str | None:
    """The event whose date closes this step's window (None: never)."""
    if kind.before is not None:
        return kind.before or None
    if kind.key == "left" or kind.enters is not None:
        return None
    order = STAGE_BY_KEY[kind.phase].order
    return STAGES[order + 1].entered_by if order + 1 < len(STAGES) else None


def _precedes() -> dict[str, frozenset[str]]:
    out: dict[str, set[str]] = {}
    for kind in EVENT_KINDS:
        end = window_end(kind)
        if end is not None and end != kind.key:
            out.setdefault(end, set()).add(kind.key)
        if kind.after is not None:
            out.setdefault(kind.key, set()).add(kind.after)
        out.setdefault(kind.key, set()).update(kind.follows)
    return {k: frozenset(v) for k, v in out.items()}


#: event → the steps that, when recorded, must be dated on or before it
MUST_PRECEDE: dict[str, frozenset[str]] = _precedes()
#: event → the steps that, when recorded, must be dated on or after it
MUST_FOLLOW: dict[str, frozenset[str]] = {
    k: frozenset(e for e, before in MUST_PRECEDE.items() if k in before) for k in EVENT_BY_KEY}


def stage_label(key: str, lang: str) -> str:
    """The stage's name; English always carries the Chinese term as well."""
    stage = STAGE_BY_KEY[key]
    return stage.zh if lang == "zh" else f"{stage.en} {stage.zh}"


def event_label(key: str, lang: str) -> str:
    kind = EVENT_BY_KEY[key]
    return kind.zh if lang == "zh" else kind.en
