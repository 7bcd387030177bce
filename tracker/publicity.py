"""The publicity (公示) of proposed development targets: the days it must run, and the notice text.

From 2026-05-11 a target is listed only after a publicity of at least five working days (R6, Art. 13);
a unit's profile may add a length of its own (e.g. 7 calendar days, L2). The lengths come from the rule
profile: this module asks the book which minimums run from ``publicity`` to ``target`` and times them
with ``tracker.dates`` (working days less China's holidays, plus make-up working days).

Pure: dates, the rule book and people in, dates and text out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from .dates import length_provisional, minimum_met_on
from .model import Person
from .profiles import Rule, RuleBook
from .stages import EVENT_BY_KEY

PUBLICITY = "publicity"
LISTING = "target"


@dataclass(frozen=True)
class PublicityWindow:
    """A publicity starting on ``start``: its last day and the first day a listing may follow."""

    start: date
    last_day: date  # the publicity runs ``start`` … ``last_day``, both included
    listable_from: date  # the first day the listing may come (the day after the last day)
    rules: tuple[Rule, ...]  # the minimums that time it (empty: the edition in force asks for none)
    provisional: bool = False  # counts a year whose 放假调休 notice is not yet published

    @property
    def required(self) -> bool:
        return bool(self.rules)

    def length_text(self, lang: str) -> str:
        """"5个工作日、7天" / "5 working days, 7 days": every length that applies."""
        sep = "、" if lang == "zh" else ", "
        return sep.join((r.length.zh() if lang == "zh" else r.length.en()) for r in self.rules if r.length)


def publicity_rules(book: RuleBook, on: date) -> tuple[Rule, ...]:
    """The minimums from the publicity's start to the listing in force on ``on``."""
    return tuple(r for r in book.on(on).for_event(LISTING)
                 if r.kind == "minimum" and r.from_ == PUBLICITY and r.length is not None)


def _window(start: date, rules: tuple[Rule, ...]) -> PublicityWindow:
    listable = max(minimum_met_on(start, r.length) for r in rules if r.length is not None)
    provisional = any(r.length is not None and length_provisional(start, r.length) for r in rules)
    return PublicityWindow(start, listable - timedelta(days=1), listable, rules, provisional)


def publicity_window(start: date, book: RuleBook) -> PublicityWindow:
    """How long a publicity starting on ``start`` must run.

    A minimum is judged by the edition in force on the day of the listing (RULES.md "Which edition
    applies"), so a publicity that starts before 2026-05-11 and would end after it is timed by the 2026
    edition. When no edition in force on a possible listing day asks for a publicity, the window is
    empty (``required`` is False): the listing may come the same day.
    """
    days = [start, *sorted(e.effective for e in book.editions
                           if e.effective is not None and e.effective > start and book.pinned is None)]
    for day in days:
        rules = publicity_rules(book, day)
        if not rules:
            continue
        window = _window(start, rules)
        if publicity_rules(book, window.listable_from) == rules:
            return window
    return PublicityWindow(start, start - timedelta(days=1), start, ())


def consent_event(book: RuleBook, on: date) -> str | None:
    """The step a publicity must follow (R20: the higher committee's consent), from the gates in force."""
    needs = [r.requires for r in book.on(on).for_event(PUBLICITY) if r.kind == "gate" and r.requires]
    return max(needs, key=lambda k: EVENT_BY_KEY[k].position) if needs else None  # the consent, not the proposal


# --------------------------------------------------------------------------- the notice

@dataclass(frozen=True)
class Notice:
    window: PublicityWindow
    people: tuple[Person, ...]
    text: str


#: how a person's line in the notice is written, in each language
_LINE = {
    "zh": {"born": "{y}年{m}月生", "facts": "（{}）", "join": "，", "branch": "，{}", "applied": "{} 递交入党申请书",
           "activist": "{} 确定为入党积极分子", "steps": "；{}。", "end": "。"},
    "en": {"born": "born {y}-{m:02d}", "facts": " ({})", "join": ", ", "branch": ", {}", "applied": "applied {}",
           "activist": "activist since {}", "steps": "; {}.", "end": "."},
}


def _person_line(i: int, p: Person, lang: str) -> str:
    w = _LINE["zh" if lang == "zh" else "en"]
    facts = [x for x in (p.gender, p.ethnicity) if x]
    if p.birth:
        facts.append(w["born"].format(y=p.birth.year, m=p.birth.month))
    facts += [x for x in (p.education, p.job) if x]
    head = f"{i}. {p.name}" + (w["facts"].format(w["join"].join(facts)) if facts else "")
    branch = w["branch"].format(p.branch) if p.branch else ""
    steps = [w[k].format(when) for k in ("applied", "activist") if (when := p.date_of(k)) is not None]
    return head + branch + (w["steps"].format(w["join"].join(steps)) if steps else w["end"])


#: the notice's sentences, in each language (``{head}``: the unit and branch issuing it)
_NOTICE = {
    "zh": {"title": "关于拟确定发展对象的公示", "title_of": "{head}关于拟确定发展对象的公示",
           "intro": ["经党支部委员会研究讨论，并报上级党委同意，拟将以下同志确定为发展对象，现予以公示："],
           "runs": "公示期：{start} 至 {last}（不少于{length}）。", "runs_open": "公示期：自 {start} 起。",
           "provisional": "（注：公示期跨入尚未公布放假调休安排的年份，按周末计算，张贴前请核对。）",
           "comments": ["公示期间，如对上述同志有意见或建议，请以来信、来电或当面反映等方式向党支部或上级党组织反映。",
                        "反映情况须实事求是，以真实姓名反映的请提供联系方式。"],
           "contact": "联系人：　　　　　　联系电话：", "signer": "中共　　　　党支部"},
    "en": {"title": "Notice of the proposed development targets",
           "title_of": "{head}: notice of the proposed development targets",
           "intro": ["After discussion by the branch committee and with the consent of the higher Party committee, "
                     "the following comrades are proposed as development targets. This notice is published:"],
           "runs": "The publicity runs from {start} to {last} (at least {length}).",
           "runs_open": "The publicity runs from {start}.",
           "provisional": "(Note: it reaches a year whose holiday notice is not yet published; weekends only are "
                          "counted, so check the dates before posting.)",
           "comments": ["Anyone with comments on these comrades may write, call or come to the branch or the higher "
                        "Party organisation during the publicity. Please give the facts; those who give their name "
                        "are asked to leave a contact."],
           "contact": "Contact:              Phone:", "signer": "The Party branch"},
}


def notice_text(people: list[Person], window: PublicityWindow, lang: str, *, issued: date,
                unit: str | None = None, branch: str | None = None) -> str:
    """The notice to post: who is proposed, the dates it runs, how to object, who issues it and when.

    Dates are written YYYY-MM-DD. The lengths named are the rule profile's; a provisional count (a year
    whose 放假调休 notice is not yet published) is said in the text so that it is checked before posting.
    """
    lang = "zh" if lang == "zh" else "en"
    w = _NOTICE[lang]
    head = "".join(x for x in (unit, branch) if x)
    lines: list[str] = [str(w["title_of"]).format(head=head) if head else str(w["title"]), "", *w["intro"], ""]
    lines += [_person_line(i, p, lang) for i, p in enumerate(people, start=1)]
    lines.append("")
    if window.required:
        lines.append(str(w["runs"]).format(start=window.start, last=window.last_day, length=window.length_text(lang)))
    else:
        lines.append(str(w["runs_open"]).format(start=window.start))
    if window.provisional:
        lines.append(str(w["provisional"]))
    lines += [*w["comments"], str(w["contact"]), "", head or str(w["signer"]), issued.isoformat()]
    return "\n".join(lines) + "\n"


def build_notice(people: list[Person], start: date, book: RuleBook, lang: str, *, issued: date,
                 unit: str | None = None, branch: str | None = None) -> Notice:
    window = publicity_window(start, book)
    return Notice(window, tuple(people), notice_text(people, window, lang, issued=issued, unit=unit, branch=branch))
