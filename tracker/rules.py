"""Pure functions over a person's events and the rule book: nothing here reads or writes storage.

- ``check_event``: may this event be recorded? (order, minimums, gates, ranges; lateness notes)
- (re-exported from ``tracker.deadlines``) ``deadlines``: the open deadlines and recurring duties of a person;
  ``lateness``: how late a recorded event was against its deadlines

Which edition judges what: a minimum, gate or range is judged by the edition in force on the
date of the event being recorded; a deadline or recurring duty by the edition in force on
the date of its anchor (the event that started the clock).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from .dates import Length, add_length, length_provisional, minimum_met_on
from .deadlines import Deadline as Deadline
from .deadlines import Late as Late
from .deadlines import anchor_date, lateness, probation_end
from .deadlines import deadlines as deadlines
from .deadlines import party_standing_from as party_standing_from
from .deadlines import stage_date as stage_date
from .model import Event, Person
from .profiles import Rule, RuleBook
from .publicity import PUBLICITY, consent_event, publicity_window
from .stages import (
    EVENT_BY_KEY,
    MUST_FOLLOW,
    MUST_PRECEDE,
    STAGE_BY_KEY,
    event_label,
    next_stage_event,
    order_citation,
    pending_label,
    stage_label,
    window_end,
)

#: what a result value is called in messages
_RESULT_WORDS = {"pass": ("合格", "pass"), "fail": ("不合格", "fail")}
FIX_HINT_ZH = "日期有误请更正（tracker fix，或在人员详情中按 c）。"
FIX_HINT_EN = "To correct its date, use tracker fix (or c on the person's timeline)."
ORDER_HINT_ZH = "先后顺序不能超越：如日期记错，请更正相关步骤的日期；如确实如此办理，请以实际日期记录并在备注中说明。"
ORDER_HINT_EN = ("The order cannot be overridden: if a date is wrong, correct it; if it really happened so, record the "
                 "real dates and explain in a note.")
PROVISIONAL_ZH = "（含尚未公布放假调休安排的年份，按周末计算，日期为暂定）"
PROVISIONAL_EN = " (provisional: counts weekends only for a year whose holiday notice is not yet published)"


@dataclass(frozen=True)
class Verdict:
    """One rule's answer about one event. ``kind`` is the rule kind, or ``order``/``input``."""

    rule: str
    kind: str
    ok: bool
    zh: str
    en: str
    earliest: date | None = None
    code: str = ""
    citation_zh: str = ""
    citation_en: str = ""
    provisional: bool = False  # the earliest date rests on a year whose 调休 is not published

    @property
    def overridable(self) -> bool:
        return self.kind in ("minimum", "gate", "range")

    def message(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


@dataclass(frozen=True)
class Check:
    event: str
    on: date
    verdicts: tuple[Verdict, ...]
    notes: tuple[Verdict, ...] = ()

    @property
    def refusals(self) -> list[Verdict]:
        return [v for v in self.verdicts if not v.ok]

    @property
    def ok(self) -> bool:
        return not self.refusals

    @property
    def hard_refusals(self) -> list[Verdict]:
        """Refusals no override can lift: wrong order, bad input."""
        return [v for v in self.refusals if not v.overridable]

    @property
    def earliest(self) -> date | None:
        dates = [v.earliest for v in self.refusals if v.earliest is not None]
        return max(dates) if dates else None

    @property
    def provisional(self) -> bool:
        return any(v.provisional for v in (*self.verdicts, *self.notes))


# --------------------------------------------------------------------------- messages

def _cite(rule: Rule) -> tuple[str, str]:
    return (f"{rule.zh}，{rule.citation('zh')}", f"{rule.en}; {rule.citation('en')}")


def _verdict(rule: Rule, ok: bool, zh: str, en: str, earliest: date | None = None) -> Verdict:
    cz, ce = _cite(rule)
    return Verdict(rule.id, rule.kind, ok, f"{zh}（{cz}）" if not ok else zh,
                   f"{en} ({ce})." if not ok else en, earliest, rule.code,
                   rule.citation("zh"), rule.citation("en"))


def _anchor_words(anchor: str, when: date, person: Person | None = None) -> tuple[str, str]:
    if anchor == "birth" and person is not None and person.birth_month_only:
        return (f"出生年月 {when:%Y-%m}（只知年月，按该月最后一天 {when} 计算年龄）",
                f"born in {when:%Y-%m} (known to the month only: age counted from its last day, {when})")
    if anchor == "birth":
        return (f"出生（{when}）", f"born {when}")
    if anchor == "probation_end":
        return (f"预备期至 {when} 届满", f"probation ends {when}")
    return (f"{event_label(anchor, 'zh')}（{when}）", f"{event_label(anchor, 'en').lower()} on {when}")


# --------------------------------------------------------------------------- checks

def _state_words(person: Person, lang: str) -> str:
    """"发展对象（支部大会已通过，待上级党委审批）": the stage, and the approval awaited if any."""
    words = stage_label(person.stage, lang)
    if person.pending is not None:
        words += f"（{pending_label(person.pending, 'zh')}）" if lang == "zh" else f" ({pending_label(person.pending, 'en')})"
    return words


def _order_verdicts(person: Person, ev: Event, today: date | None) -> list[Verdict]:
    """Sequence and input checks that no override can lift (the order of the Rules' text)."""
    kind = EVENT_BY_KEY.get(ev.event)
    act_zh, act_en = event_label(ev.event, "zh"), event_label(ev.event, "en")
    out: list[Verdict] = []

    def refuse(rid: str, zh: str, en: str, k: str = "order", other: str | None = None) -> None:
        """``other``: the step whose order against this one is refused; the refusal cites where the text gives
        that order (an order refusal always cites: the article, or the chapter)."""
        if k == "order" and other is not None:
            cz, ce = order_citation(ev.event, other)
            out.append(Verdict(rid, k, False, f"不能记录“{act_zh}”：{zh}（{cz}）", f"Cannot record '{act_en}': {en.rstrip('.')} ({ce}).",
                               citation_zh=cz, citation_en=ce))
        else:
            out.append(Verdict(rid, k, False, f"不能记录“{act_zh}”：{zh}", f"Cannot record '{act_en}': {en}"))

    if kind is None:
        refuse("unknown-event", "未知的步骤。", "unknown step.", "input")
        return out
    if today is not None and ev.date > today:
        refuse("future-date", f"日期 {ev.date} 晚于今天（{today}），不能记录尚未发生的事。请检查日期。",
               f"the date {ev.date} is after today ({today}); only what has happened can be recorded.",
               "input")
    left = person.last("left")
    if left is not None:
        refuse("already-left", f"{person.name}已于 {left.date} 离开发展程序。如属误记，请先删除该记录"
               "（tracker unrecord … left，或在人员详情中按 Delete）。",
               f"{person.name} left the pipeline on {left.date}. If that was a mistake, remove it first "
               "(tracker unrecord … left, or Delete on the person's timeline).")
        return out
    if ev.event == "applied":
        earlier = [e for e in person.events if e.date < ev.date]
        if earlier:
            step = earlier[0]
            refuse("before-earlier-step",
                   f"已记录的“{event_label(step.event, 'zh')}”（{step.date}）早于递交入党申请书的日期 {ev.date}。",
                   f"'{event_label(step.event, 'en')}' ({step.date}) is recorded before the application date {ev.date}.", other=step.event)
        elif person.events:
            refuse("already-applied", "申请已记录。" + FIX_HINT_ZH, "the application is already recorded. " + FIX_HINT_EN)
        return out
    if person.date_of("applied") is None:
        refuse("no-application", "尚未记录“递交入党申请书”，或其日期晚于本步骤。",
               "the application is not recorded, or is dated after this step.", other="applied")
        return out
    if ev.event == "left":
        last_date = max((e.date for e in person.events), default=None)
        if last_date is not None and ev.date < last_date:
            refuse("before-last-step", f"日期 {ev.date} 早于最近一次记录（{last_date}）。",
                   f"the date {ev.date} is before the last recorded step ({last_date}).")
        return out
    current = person.stage
    cur_order = STAGE_BY_KEY[current].order
    phase_order = STAGE_BY_KEY[kind.phase].order
    fix_zh, fix_en = FIX_HINT_ZH, FIX_HINT_EN
    if kind.enters is not None and cur_order >= STAGE_BY_KEY[kind.enters].order:
        refuse("already-in-stage",
               f"{person.name}已是{stage_label(current, 'zh')}，“{act_zh}”已于 {person.date_of(ev.event)} 记录。"
               + fix_zh,
               f"{person.name} is already {stage_label(current, 'en')}; '{act_en}' was recorded on "
               f"{person.date_of(ev.event)}. " + fix_en)
        return out
    if cur_order < phase_order:
        need = next_stage_event(current, person.pending)
        assert need is not None
        if kind.enters is not None:
            refuse("stage-order",
                   f"{person.name}目前是{_state_words(person, 'zh')}，须先“{event_label(need, 'zh')}”。",
                   f"{person.name} is {_state_words(person, 'en')}; first record '{event_label(need, 'en')}'.", other=need)
        else:
            refuse("stage-order",
                   f"这是{stage_label(kind.phase, 'zh')}阶段的步骤，{person.name}目前是{_state_words(person, 'zh')}，"
                   f"须先“{event_label(need, 'zh')}”。",
                   f"this is a step of the {stage_label(kind.phase, 'en')} stage; {person.name} is "
                   f"{_state_words(person, 'en')}; first record '{event_label(need, 'en')}'.", other=need)
        return out
    if kind.enters is None and not kind.repeatable and person.last(ev.event) is not None:
        refuse("already-recorded", f"已于 {person.date_of(ev.event)} 记录过。" + fix_zh,
               f"already recorded on {person.date_of(ev.event)}. " + fix_en)
        return out
    if ev.event == "extended" and current != "probationary":
        refuse("not-probationary", "只有预备党员才能延长预备期。", "only a probationary member's probation can be extended.")
        return out
    if kind.after is not None:
        first = person.date_of(kind.after)
        if first is None:
            refuse("needs-step", f"须先记录“{event_label(kind.after, 'zh')}”。",
                   f"first record '{event_label(kind.after, 'en')}'.", other=kind.after)
            return out
        if ev.date < first:
            refuse("before-prerequisite", f"日期 {ev.date} 早于“{event_label(kind.after, 'zh')}”（{first}）。",
                   f"the date {ev.date} is before '{event_label(kind.after, 'en')}' ({first}).", other=kind.after)
    # the step's window: from the day its stage was entered to the step that closes it
    start = person.date_of(STAGE_BY_KEY[kind.phase].entered_by)
    if start is not None and ev.date < start:
        refuse("before-stage-date",
               f"日期 {ev.date} 早于成为{stage_label(kind.phase, 'zh')}的日期（{start}）。请检查日期。",
               f"the date {ev.date} is before {person.name} became {stage_label(kind.phase, 'en')} ({start}).", other=STAGE_BY_KEY[kind.phase].entered_by)
    closer = window_end(kind)
    end = person.date_of(closer) if closer is not None else None
    if closer is not None and end is not None and ev.date > end:
        refuse("after-next-stage",
               f"这一步应在“{event_label(closer, 'zh')}”之前，日期 {ev.date} 晚于“{event_label(closer, 'zh')}”（{end}）。"
               + ORDER_HINT_ZH,
               f"this step comes before '{event_label(closer, 'en')}', but {ev.date} is after it ({end}). "
               + ORDER_HINT_EN, other=closer)
    # steps already recorded that the text puts after this one must not be dated before it
    for later in sorted(MUST_FOLLOW.get(ev.event, ()), key=lambda k: EVENT_BY_KEY[k].position):
        dates = [e.date for e in person.all_of(later)]
        if later != closer and dates and min(dates) < ev.date:
            refuse("after-later-step",
                   f"这一步应在“{event_label(later, 'zh')}”之前，日期 {ev.date} 晚于已记录的“{event_label(later, 'zh')}”"
                   f"（{min(dates)}）。" + ORDER_HINT_ZH,
                   f"this step comes before '{event_label(later, 'en')}', but {ev.date} is after it ({min(dates)}). "
                   + ORDER_HINT_EN, other=later)
    # steps already recorded that the text puts before this one must not be dated after it
    for before in sorted(MUST_PRECEDE.get(ev.event, ()), key=lambda k: EVENT_BY_KEY[k].position):
        when = person.date_of(before)
        if when is not None and when > ev.date:
            refuse("before-earlier-step",
                   f"已记录的“{event_label(before, 'zh')}”（{when}）应在本步骤之前，日期 {ev.date} 早于它。",
                   f"'{event_label(before, 'en')}' ({when}) comes before this step, but {ev.date} is earlier.", other=before)
    return out


def _no_publicity(person: Person, rule: Rule, ev: Event, book: RuleBook, now: date | None) -> Verdict:
    """R6 without a publicity: from which day the listing could come if the publicity started today (``now``;
    without it, on the step's date), or on the day of the higher committee's consent when that is later;
    and whether the consent is there."""
    act_zh, act_en = event_label(ev.event, "zh"), event_label(ev.event, "en")
    ref = now or ev.date
    consent = consent_event(book, ref)
    consented = person.date_of(consent) if consent else None
    start = max(ref, consented) if consented else ref
    window = publicity_window(start, book)
    p_zh, p_en = (PROVISIONAL_ZH, PROVISIONAL_EN) if window.provisional else ("", "")
    when_zh = f"今天 {start} " if start == now else f"于 {start} "
    when_en = f"today, {start}," if start == now else f"on {start}"
    zh = (f"不能{act_zh}：尚未记录“{event_label(PUBLICITY, 'zh')}”；若{when_zh}开始公示，"
          f"最早可于 {window.listable_from}{p_zh} {act_zh}。")
    en = (f"Cannot record '{act_en}': the publicity is not recorded; if it started {when_en} the listing could "
          f"come on {window.listable_from}{p_en} at the earliest.")
    if consent is not None and consented is not None:
        zh += f"上级党委已于 {consented} 同意，公示最早可于该日开始"
        en += f" The higher committee consented on {consented}: the publicity may start from that day"
    elif consent is not None:
        zh += f"公示须在“{event_label(consent, 'zh')}”之后，该步骤尚未记录"
        en += f" The publicity must follow '{event_label(consent, 'en')}', which is not recorded yet"
    return replace(_verdict(rule, False, zh, en), provisional=window.provisional)


def _minimum(person: Person, rule: Rule, ev: Event, book: RuleBook, now: date | None = None) -> Verdict | None:
    assert rule.from_ is not None and rule.length is not None
    act_zh, act_en = event_label(ev.event, "zh"), event_label(ev.event, "en")
    anchor = anchor_date(person, rule.from_, on=ev.date)
    if anchor is None:
        if not rule.require_anchor:
            return None
        if rule.from_ == "birth":
            return _verdict(rule, False, f"不能{act_zh}：出生日期未填写，无法核对年龄。请先补充出生日期（tracker edit）。",
                            f"Cannot record '{act_en}': the birth date is missing, so age cannot be checked. "
                            "Add it first (tracker edit)")
        if rule.from_ == PUBLICITY:
            return _no_publicity(person, rule, ev, book, now)
        label_zh = event_label(rule.from_, "zh") if rule.from_ != "probation_end" else "支部大会接收"
        label_en = event_label(rule.from_, "en") if rule.from_ != "probation_end" else "Admitted"
        return _verdict(rule, False, f"不能{act_zh}：尚未记录“{label_zh}”，请先记录。",
                        f"Cannot record '{act_en}': '{label_en}' is not recorded yet; record it first")
    earliest = minimum_met_on(anchor, rule.length)
    provisional = length_provisional(anchor, rule.length)
    if ev.date >= earliest:
        return replace(_verdict(rule, True, f"✓ {rule.zh}", f"✓ {rule.en}"), provisional=provisional)
    a_zh, a_en = _anchor_words(rule.from_, anchor, person)
    p_zh, p_en = (PROVISIONAL_ZH, PROVISIONAL_EN) if provisional else ("", "")
    if rule.from_ == "probation_end":
        zh = f"不能{act_zh}：{a_zh}，最早可于 {earliest}{p_zh} {act_zh}。"
        en = f"Cannot record '{act_en}': {a_en}; earliest {earliest}{p_en}"
    else:
        zh = f"不能{act_zh}：{a_zh}未满{rule.length.zh()}，最早可于 {earliest}{p_zh} {act_zh}。"
        en = f"Cannot record '{act_en}': {a_en} is under {rule.length.en()}; earliest {earliest}{p_en}"
    return replace(_verdict(rule, False, zh, en, earliest), provisional=provisional)


def _fmt(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


def _gate(person: Person, rule: Rule, ev: Event) -> Verdict:
    act_zh, act_en = event_label(ev.event, "zh"), event_label(ev.event, "en")
    if rule.person_field is not None:
        value = getattr(person, rule.person_field, None)
        if value is not None and rule.not_within is not None and value <= add_length(ev.date, rule.not_within):
            return _verdict(rule, False, f"不能{act_zh}：预计于 {value} 离开，在{rule.not_within.zh()}之内。",
                            f"Cannot record '{act_en}': expected to leave on {value}, within "
                            f"{rule.not_within.en()}")
        return _verdict(rule, True, f"✓ {rule.zh}", f"✓ {rule.en}")
    assert rule.requires is not None
    done = [e for e in person.all_of(rule.requires) if e.date <= ev.date]
    req_zh, req_en = event_label(rule.requires, "zh"), event_label(rule.requires, "en")
    if not done:
        return _verdict(rule, False, f"不能{act_zh}：尚未记录“{req_zh}”。", f"Cannot record '{act_en}': "
                        f"'{req_en}' is not recorded")
    latest = max(done, key=lambda e: e.date)
    for key, want in rule.where:
        have = getattr(latest, key)
        if have != want:
            have_zh, have_en = _RESULT_WORDS.get(str(have), (str(have), str(have))) if have else ("未填", "none")
            want_zh, want_en = _RESULT_WORDS.get(str(want), (str(want), str(want)))
            return _verdict(rule, False, f"不能{act_zh}：最近一次“{req_zh}”（{latest.date}）结论为"
                            f"“{have_zh}”，须为“{want_zh}”。",
                            f"Cannot record '{act_en}': the latest '{req_en}' ({latest.date}) has "
                            f"{key} '{have_en}', not '{want_en}'")
    if rule.any_sum:
        totals = {f: sum((getattr(e, f) or 0) for e in done) for f, _ in rule.any_sum}
        if not any(totals[f] >= m for f, m in rule.any_sum):
            need_zh = "或".join(f"{_fmt(m)}{'天' if f == 'days' else '学时'}" for f, m in rule.any_sum)
            need_en = " or ".join(f"{_fmt(m)} {f}" for f, m in rule.any_sum)
            have_zh = "、".join(f"{_fmt(totals[f])}{'天' if f == 'days' else '学时'}" for f, _ in rule.any_sum)
            have_en = ", ".join(f"{_fmt(totals[f])} {f}" for f, _ in rule.any_sum)
            return _verdict(rule, False, f"不能{act_zh}：“{req_zh}”合计{have_zh}，不足{need_zh}。",
                            f"Cannot record '{act_en}': '{req_en}' totals {have_en}, short of {need_en}")
    if rule.count_field is not None and rule.count is not None:
        given = tuple(getattr(latest, rule.count_field) or ())
        n = len(set(given) - {person.name})  # a name twice counts once; the person never sponsors themself
        if n < rule.count:
            why_zh = "（重复的姓名和本人不计）" if n != len(given) else ""
            why_en = " (a name given twice, or the person's own name, does not count)" if n != len(given) else ""
            return _verdict(rule, False, f"不能{act_zh}：“{req_zh}”只有 {n} 名{why_zh}，须 {rule.count} 名。",
                            f"Cannot record '{act_en}': '{req_en}' names {n}{why_en}, {rule.count} are needed")
    return _verdict(rule, True, f"✓ {rule.zh}", f"✓ {rule.en}")


def _range(person: Person, rule: Rule, ev: Event) -> Verdict:
    act_zh, act_en = event_label(ev.event, "zh"), event_label(ev.event, "en")
    if rule.once and person.all_of(ev.event):
        return _verdict(rule, False, f"不能{act_zh}：只能一次，已于 {person.date_of(ev.event)} 记录。",
                        f"Cannot record '{act_en}': allowed once only, already on {person.date_of(ev.event)}")
    assert rule.field is not None
    value = getattr(ev, rule.field)
    if value is None or (rule.min is not None and value < rule.min) or (rule.max is not None and value > rule.max):
        return _verdict(rule, False, f"不能{act_zh}：{rule.field} 须在 {_fmt(rule.min or 0)} 到 "
                        f"{_fmt(rule.max or 0)} 之间（现为 {value}）。",
                        f"Cannot record '{act_en}': {rule.field} must be {_fmt(rule.min or 0)} to "
                        f"{_fmt(rule.max or 0)} (got {value})")
    return _verdict(rule, True, f"✓ {rule.zh}", f"✓ {rule.en}")


def _notices(ev: Event, book: RuleBook) -> list[Verdict]:
    """What the edition in force asks to be borne in mind when this step is recorded (R9's 2026 clause;
    steps before the first modelled edition)."""
    out = [Verdict(rule.id, "notice", True, f"{rule.zh}（{rule.citation('zh')}）",
                   f"{rule.en} ({rule.citation('en')}).", code=rule.code,
                   citation_zh=rule.citation("zh"), citation_en=rule.citation("en"))
           for rule in book.on(ev.date).for_event(ev.event) if rule.kind == "notice"]
    if not book.modelled(ev.date):
        first = book.first_effective
        out.append(Verdict("unmodelled", "notice", True,
                           f"{ev.date} 早于2014年细则施行日（{first}）；1990年试行细则未建模，本步骤只核对先后顺序",
                           f"{ev.date} is before the 2014 Rules took effect ({first}); the 1990 provisional "
                           "rules are not modelled, so only the order of steps is checked"))
    return out


def rests_on_provisional(person: Person, ev: Event, book: RuleBook) -> bool:
    """Whether ``ev`` was allowed by a count of working days reaching a year whose 放假调休 notice is not yet
    published (R6's publicity): then the step rests on a provisional count, and says so."""
    for rule in book.on(ev.date).for_event(ev.event):
        if rule.kind == "minimum" and rule.from_ is not None and rule.length is not None and rule.length.unit == "wd":
            anchor = anchor_date(person, rule.from_, on=ev.date)
            if anchor is not None and length_provisional(anchor, rule.length):
                return True
    return False


def _provisional_note(verdicts: list[Verdict]) -> list[Verdict]:
    """A step allowed by a provisional count of working days is saved; the note says the count is provisional."""
    passed = [v for v in verdicts if v.ok and v.provisional]
    if not passed:
        return []
    v = passed[0]
    return [Verdict("provisional", "notice", True,
                    f"暂定：{v.zh.removeprefix('✓ ')}，所计工作日跨入尚未公布放假调休安排的年份，按周末计算；"
                    "安排公布后请核对日期",
                    f"provisional: {v.en.removeprefix('✓ ')}, counted over a year whose holiday notice is not yet "
                    "published (weekends only); check the dates once it is", code=v.code, provisional=True)]


def sponsor_citation(book: RuleBook, on: date) -> tuple[str, str]:
    """R9's article (Art. 14 in both editions), from the edition in force; "" before the first modelled one."""
    rule = book.on(on).get("two-sponsors")
    return (rule.citation("zh"), rule.citation("en")) if rule is not None else ("", "")


def _cited(text: str, cite: str, lang: str) -> str:
    if not cite:
        return text
    return f"{text}（{cite}）" if lang == "zh" else f"{text} ({cite})."


def _sponsor_verdicts(person: Person, ev: Event, book: RuleBook) -> list[Verdict]:
    """R9 on the names themselves: two different people (a name twice is a typing error), neither the person
    being developed (a namesake who is a full member can be recorded with a written reason)."""
    cz, ce = sponsor_citation(book, ev.date)
    out: list[Verdict] = []
    twice = list(dict.fromkeys(n for n in ev.names if ev.names.count(n) > 1))
    if twice:
        names = "、".join(twice)
        out.append(Verdict("sponsors-distinct", "input", False, _cited(
            f"不能记录“确定入党介绍人”：“{names}”填写了两次，两名入党介绍人须为不同的人", cz, "zh"),
            _cited(f"Cannot record 'Sponsors named': '{', '.join(twice)}' is named twice; the two sponsors must be "
                   "two different people", ce, "en"), code="R9", citation_zh=cz, citation_en=ce))
    if person.name and person.name in ev.names:
        out.append(Verdict("sponsor-not-self", "gate", False, _cited(
            f"不能记录“确定入党介绍人”：入党介绍人“{person.name}”是发展对象本人，不能为自己作介绍人；"
            "如是同名的另一位正式党员，请写明理由后记录", cz, "zh"),
            _cited(f"Cannot record 'Sponsors named': the sponsor '{person.name}' is the person being developed, who "
                   "cannot sponsor themself; if it is a full member of the same name, record it with a written reason",
                   ce, "en"), code="R9", citation_zh=cz, citation_en=ce))
    return out


def unrecorded_expected(person: Person, event: str, on: date) -> tuple[str, ...]:
    """The steps the text puts before ``event`` that no rule requires (no gate) and that are not recorded by
    ``on``: the branch committee's review and the form before the branch meeting (steps 12 and 14)."""
    kind = EVENT_BY_KEY.get(event)
    if kind is None:
        return ()
    return tuple(k for k in kind.expects if not any(e.date <= on for e in person.all_of(k)))


def _expected_notes(person: Person, ev: Event) -> list[Verdict]:
    """A note (never a refusal: no rule makes them a gate) naming the expected steps not recorded."""
    missing = unrecorded_expected(person, ev.event, ev.date)
    if not missing:
        return []
    cz, ce = order_citation(ev.event)
    zh = "".join(f"“{event_label(k, 'zh')}”" for k in missing)
    en = ", ".join(f"'{event_label(k, 'en')}'" for k in missing)
    return [Verdict("expected-steps", "notice", True, f"尚未记录{zh}，按细则应在“{event_label(ev.event, 'zh')}”之前办理（{cz}）",
                    f"{en} not recorded yet: the Rules put {'it' if len(missing) == 1 else 'them'} before "
                    f"'{event_label(ev.event, 'en')}' ({ce}).", citation_zh=cz, citation_en=ce)]


def rule_verdicts(person: Person, ev: Event, book: RuleBook, *, now: date | None = None) -> list[Verdict]:
    """Minimums, gates and ranges of the edition in force on the event's date; ``now`` (the real today)
    dates the hints of a missing step ("if the publicity started today")."""
    out: list[Verdict] = _sponsor_verdicts(person, ev, book) if ev.event == "sponsors" and ev.names else []
    for rule in book.on(ev.date).for_event(ev.event):
        if rule.kind == "minimum":
            v = _minimum(person, rule, ev, book, now)
            if v is not None:
                out.append(v)
        elif rule.kind == "gate":
            out.append(_gate(person, rule, ev))
        elif rule.kind == "range":
            out.append(_range(person, rule, ev))
    return out


def check_event(person: Person, ev: Event, book: RuleBook, today: date | None = None, *,
                with_notes: bool = True, now: date | None = None) -> Check:
    """Everything the tool says about recording ``ev`` for ``person`` (before it is saved). ``today`` refuses
    a future date; ``now`` (default ``today``) dates the hints only (a planner checks a future meeting)."""
    order = _order_verdicts(person, ev, today)
    if any(not v.ok for v in order):
        return Check(ev.event, ev.date, tuple(order))
    verdicts = rule_verdicts(person, ev, book, now=now or today)
    if not with_notes:
        return Check(ev.event, ev.date, tuple(verdicts))
    after = person.with_events((*person.events, ev))
    notes = tuple(
        Verdict(late.rule, "deadline", True, late.zh, late.en, code=late.code)
        for late in lateness(after, ev, book)
    )
    return Check(ev.event, ev.date, tuple(verdicts),
                 (*notes, *_provisional_note(verdicts), *_expected_notes(person, ev), *_notices(ev, book)))


__all__ = [
    "Check",
    "Deadline",
    "Late",
    "Length",
    "Verdict",
    "anchor_date",
    "check_event",
    "deadlines",
    "lateness",
    "party_standing_from",
    "probation_end",
    "rests_on_provisional",
    "rule_verdicts",
    "sponsor_citation",
    "stage_date",
    "unrecorded_expected",
]
