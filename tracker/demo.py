"""Deterministic, realistic people for the demo and the benchmarks, relative to ``today``.

Each person's path is simulated step by step through the real rule checks, so the data obeys
every minimum and gate; overdue deadlines come from steps deliberately left unrecorded.
"""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

from .dates import add_months
from .model import Event, Person
from .profiles import RuleBook
from .rules import check_event, probation_end
from .stages import STAGE_BY_KEY

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = ("伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超",
         "秀英", "霞", "平", "刚", "桂英", "建华", "文", "华", "玉兰", "志强", "海燕", "晓东", "雪梅", "子涵",
         "浩然", "雨桐", "欣怡", "思远", "梓萱", "宇航", "佳怡", "一鸣", "嘉豪", "诗雨", "俊杰", "晨曦", "若曦",
         "天佑", "书瑶", "博文", "可欣", "泽宇", "梦琪")
ETHNICITIES = ("汉族",) * 12 + ("回族", "壮族", "满族", "蒙古族", "土家族", "苗族")
EDUCATION = ("本科",) * 5 + ("硕士研究生",) * 3 + ("大专", "博士研究生", "高中")
BRANCHES = ("机关第一党支部", "机关第二党支部")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)

#: how long ago (days) a person in each final stage applied: wide enough to reach that stage
APPLIED_AGO = {
    "applicant": (5, 200),
    "activist": (260, 820),
    "target": (580, 700),
    "probationary": (760, 1150),
    "member": (1250, 2300),
}
DEMO_PLAN = (
    ["applicant"] * 8 + ["activist"] * 10 + ["target"] * 7 + ["probationary"] * 7 + ["member"] * 5
)
DEMO_LEAVERS = ("applicant", "activist", "target")


def _id_number(rng: random.Random, birth: date, gender: str) -> str:
    seq = rng.randint(0, 49) * 2 + (1 if gender == "男" else 0) + rng.choice((0, 2, 4, 6)) * 10
    first = f"110{rng.randint(101, 119):03d}{birth:%Y%m%d}{seq % 1000:03d}"
    return first + "10X98765432"[sum(int(c) * w for c, w in zip(first, _ID_WEIGHTS, strict=True)) % 11]


class _Path:
    """Builds one person's events forward in time, bumping each date to what the rules allow."""

    def __init__(self, person: Person, book: RuleBook, today: date, rng: random.Random, verify: bool) -> None:
        self.person = person
        self.book = book
        self.today = today
        self.rng = rng
        self.verify = verify
        self.last = person.events[-1].date if person.events else today
        self.latest = self.last

    def add(self, kind: str, when: date, **fields: Any) -> bool:
        ev = Event(kind, when, **fields)
        if self.verify or kind in ("activist", "target-filed", "publicity", "target", "admitted", "approved",
                                   "converted", "conversion-approved"):
            check = check_event(self.person, ev, self.book, None)
            if check.earliest is not None and check.earliest > when:
                ev = replace(ev, date=check.earliest + timedelta(days=self.rng.randint(0, 6)))
                check = check_event(self.person, ev, self.book, None)
            if not check.ok:
                if ev.date > self.today:
                    return False
                raise AssertionError(f"demo path broke a rule: {[v.en for v in check.refusals]}")
        if ev.date > self.today:
            return False
        self.person = self.person.with_events((*self.person.events, ev))
        self.last = ev.date
        self.latest = max(self.latest, ev.date)
        return True

    def after(self, base: date, lo: int, hi: int) -> date:
        return base + timedelta(days=self.rng.randint(lo, hi))


def simulate(pid: int, final: str, today: date, book: RuleBook, rng: random.Random, *,
             branch: str, verify: bool = True, used_names: set[str] | None = None,
             neglect: float = 0.15) -> Person:
    """One person whose path runs from application towards ``final`` (as far as ``today`` allows)."""
    for _ in range(50):
        name = rng.choice(SURNAMES) + rng.choice(GIVEN)
        if used_names is None or name not in used_names:
            break
    if used_names is not None:
        used_names.add(name)
    gender = rng.choice(("男", "女"))
    lo, hi = APPLIED_AGO[final]
    applied = today - timedelta(days=rng.randint(lo, hi))
    birth = applied - timedelta(days=rng.randint(19 * 365, 42 * 365))
    person = Person(
        id=pid, name=name, gender=gender, ethnicity=rng.choice(ETHNICITIES), birth=birth,
        education=rng.choice(EDUCATION), branch=branch, phone=f"13{rng.randint(0, 9)}{rng.randint(10**7, 10**8 - 1)}",
        id_number=_id_number(rng, birth, gender), events=(Event("applied", applied),),
    )
    p = _Path(person, book, today, rng, verify)
    goal = STAGE_BY_KEY[final].order

    def skip() -> bool:  # leave a duty undone: an overdue deadline
        return rng.random() < neglect

    # I. application
    if not (final == "applicant" and skip()):
        p.add("talked", p.after(applied, 5, 25))
    if goal < 1 or not p.add("activist", p.after(applied, 90, 240)):
        return p.person
    activist = p.last
    p.add("activist-filed", p.after(activist, 3, 15))
    mentors = (rng.choice(SURNAMES) + rng.choice(GIVEN), rng.choice(SURNAMES) + rng.choice(GIVEN))
    while mentors[1] in (mentors[0], p.person.name) or mentors[0] == p.person.name:  # later the sponsors (R9):
        mentors = (mentors[0] if mentors[0] != p.person.name else rng.choice(SURNAMES) + rng.choice(GIVEN),
                   rng.choice(SURNAMES) + rng.choice(GIVEN))  # two people, neither the person (rarely redrawn)
    p.add("mentors", p.after(activist, 3, 20), names=mentors)
    review = activist
    review_until = today if goal == 1 else activist + timedelta(days=400)
    while True:
        nxt = p.after(review, 150, 178)
        if nxt > review_until or (goal == 1 and nxt > today - timedelta(days=40) and skip()):
            break
        if not p.add("activist-review", nxt, result="pass"):
            break
        review = nxt
    if goal < 2:
        return p.person
    # III. development target, in the order of the Rules' text (Art. 13): the branch committee
    # proposes, the higher committee consents (2014: files), the publicity runs, then the listing
    if not p.add("target-proposed", p.after(activist, 366, 390)):
        return p.person
    if not p.add("target-filed", p.after(p.last, 3, 10)):
        return p.person
    if not p.add("publicity", p.after(p.last, 2, 8)):
        return p.person
    if not p.add("target", p.after(p.last, 8, 15)):
        return p.person
    target = p.last
    prepared = [
        p.add("sponsors", p.after(target, 5, 20), names=mentors),
        p.add("political-review", p.after(target, 10, 40), result="pass"),
        p.add("training", p.after(target, 15, 45), days=3.0),
    ]
    if goal < 3 or not all(prepared):
        return p.person
    # IV. admission: pre-review passed before the meeting; the committee talks, then approves
    if not (p.add("committee-review", p.after(p.latest, 5, 15))
            and p.add("pre-review", p.after(p.last, 5, 15), result="pass")):
        return p.person
    p.add("form", p.after(p.last, 2, 7))
    if not p.add("admitted", p.after(p.last, 7, 20)):
        return p.person
    admitted = p.last
    p.add("committee-talk", p.after(admitted, 5, 20))
    if (goal == 3 and skip()) or not p.add("approved", p.after(admitted, 30, 70)):
        return p.person  # awaiting the approval: still a development target
    approved = p.last
    p.add("filed-up", p.after(approved, 5, 15))
    p.add("placed", p.after(approved, 3, 10))
    p.add("oath", p.after(approved, 7, 25))
    end = probation_end(p.person)
    assert end is not None
    r = approved
    while (r := p.after(r, 85, 100)) < end and p.add("probation-review", r):
        pass
    if goal < 4:
        return p.person
    # V. conversion: the written request, the branch meeting's vote, the committee's approval
    p.add("conversion-request", end - timedelta(days=rng.randint(10, 30)))
    if not p.add("converted", p.after(end, 0, 20)):
        return p.person
    if p.add("conversion-approved", p.after(p.last, 20, 60)):
        p.add("archived", p.after(p.last, 10, 30))
    return p.person


def _nearly_a_year(today: date, book: RuleBook, rng: random.Random, days_left: int, branch: str,
                   used: set[str]) -> Person:
    """An activist named a year ago less ``days_left``, mentored and assessed: the branch committee
    may propose them once the year is complete (R5 is the condition for being proposed)."""
    base = simulate(0, "applicant", today, book, rng, branch=branch, used_names=used, neglect=0.0)
    activist = add_months(today + timedelta(days=days_left), -12)
    applied = activist - timedelta(days=rng.randint(100, 200))
    p = _Path(replace(base, events=(Event("applied", applied),)), book, today, rng, verify=True)
    p.add("talked", p.after(applied, 5, 20))
    p.add("activist", activist)
    p.add("mentors", p.after(activist, 3, 10), names=(rng.choice(SURNAMES) + rng.choice(GIVEN),))
    p.add("activist-review", p.after(activist, 160, 175), result="pass")
    return p.person


def demo_people(today: date, book: RuleBook, seed: int = 20261127) -> list[Person]:
    """About 40 people across all five stages and two branches; some overdue, some who left."""
    rng = random.Random(seed)
    used: set[str] = set()
    people: list[Person] = []
    for i, final in enumerate(DEMO_PLAN):
        people.append(simulate(0, final, today, book, rng, branch=BRANCHES[i % 2], used_names=used))
    for i, days_left in enumerate((9, 23)):  # activists whose year completes soon: "becoming eligible"
        people.append(_nearly_a_year(today, book, rng, days_left, BRANCHES[i % 2], used))
    reasons = ("本人申请退出", "调离本单位", "考察期间表现不符合要求")
    for i, stage in enumerate(DEMO_LEAVERS):
        p = simulate(0, stage, today, book, rng, branch=BRANCHES[i % 2], used_names=used, neglect=0.0)
        when = min(today, p.events[-1].date + timedelta(days=rng.randint(20, 90)))
        people.append(p.with_events((*p.events, Event("left", when, reason=reasons[i]))))
    return people


def bench_people(n: int, today: date, book: RuleBook, seed: int = 1) -> list[Person]:
    """``n`` people for benchmarks: the demo's mix, rule checks only at stage steps (faster)."""
    rng = random.Random(seed)
    plan = ("applicant", "activist", "activist", "target", "probationary", "member", "member")
    branches = tuple(f"第{i}党支部" for i in range(1, 21))
    people = [simulate(i + 1, plan[i % len(plan)], today, book, rng, branch=branches[i % len(branches)],
                       verify=False) for i in range(n)]
    return _unique_id_numbers(people)


def _unique_id_numbers(people: list[Person]) -> list[Person]:
    """One ID number, one person (PostgreSQL's unique index refuses a second): a number drawn twice gets another
    district code (digits 4–6), so a large generated set stays valid."""
    seen: set[str] = set()
    out = []
    for p in people:
        number = p.id_number
        district = 101
        while number and number in seen:
            first = f"{number[:3]}{district:03d}{number[6:17]}"
            number = first + "10X98765432"[sum(int(c) * w for c, w in zip(first, _ID_WEIGHTS, strict=True)) % 11]
            district += 1
        if number:
            seen.add(number)
        out.append(p if number == p.id_number else replace(p, id_number=number))
    return out
