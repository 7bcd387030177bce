"""Rule profiles: the national editions and a unit's local additions, loaded from TOML.

An action is judged by the edition in force on the action's date (``RuleBook.on``). A local
profile adds rules on top of whichever edition applies; it may make a national rule
stricter (a longer minimum, a shorter deadline) but a profile that would weaken one is
refused at load with a message naming the rule.
"""

from __future__ import annotations

import importlib
import tomllib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from .dates import Length
from .i18n import BilingualError
from .stages import EVENT_KEYS
from .stages import zh_number as zh_number  # article numbers in Chinese (re-exported)

RULE_KINDS = ("minimum", "deadline", "recurring", "gate", "range", "reminder", "notice")
#: kinds with a clock: shown in the due list (a reminder waits, never becomes overdue)
TIMED_KINDS = ("deadline", "recurring", "reminder")
#: anchors that are not events: derived points in a person's path
SPECIAL_ANCHORS = ("birth", "probation_end")


class ProfileError(BilingualError, ValueError):
    """A rule profile that cannot be loaded."""


@dataclass(frozen=True)
class Rule:
    id: str
    code: str
    kind: str
    to: str
    zh: str
    en: str
    edition: str
    from_: str | None = None
    length: Length | None = None
    article: int | None = None
    source: str = "national"
    require_anchor: bool = False
    stages: tuple[str, ...] = ()
    limit: Length | None = None
    when_event: str | None = None
    replaces: str | None = None
    requires: str | None = None
    where: tuple[tuple[str, Any], ...] = ()
    any_sum: tuple[tuple[str, float], ...] = ()
    count_field: str | None = None
    count: int | None = None
    person_field: str | None = None
    not_within: Length | None = None
    field: str | None = None
    min: float | None = None
    max: float | None = None
    once: bool = False
    also: tuple[str, ...] = ()  # further events the rule applies to (R5: proposal, consent and listing)
    doc: str = "rules"  # rules (细则) | charter (党章)
    article_derived: bool = False  # the article number is inferred, not read in the text
    collective: bool = False  # a collective ceremony on a listed date is on time (R12)

    @property
    def targets(self) -> tuple[str, ...]:
        return (self.to, *self.also)

    def citation(self, lang: str) -> str:
        if self.article is not None:
            derived = ("（推定）" if lang == "zh" else " (inferred)") if self.article_derived else ""
            if self.doc == "charter":
                return (f"党章第{zh_number(self.article)}条" if lang == "zh"
                        else f"Party Constitution Art. {self.article}") + derived
            if lang == "zh":
                return f"细则第{zh_number(self.article)}条{derived}"
            return f"Rules Art. {self.article}{derived}"
        if self.source == "local-option":
            return "各地规定" if lang == "zh" else "local option"
        return "本单位规定" if lang == "zh" else "local rule"

    def text(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


@dataclass(frozen=True)
class Profile:
    name: str
    kind: str  # national | local
    title_zh: str
    title_en: str
    effective: date | None
    rules: tuple[Rule, ...]
    collective_oath_dates: tuple[str, ...] = ()  # "MM-DD" every year, or one "YYYY-MM-DD"

    def title(self, lang: str) -> str:
        return self.title_zh if lang == "zh" else self.title_en


def _length(raw: dict[str, Any], key: str, where: str) -> Length | None:
    value = raw.get(key)
    if value is None:
        return None
    try:
        return Length.parse(str(value))
    except ValueError as exc:
        raise ProfileError(f"{where}：{key} 写法有误（{value}），应写作 18y、6m、30d 或 5wd。",
                           f"{where}: {exc}") from None


def parse_rule(raw: dict[str, Any], edition: str, origin: str) -> Rule:
    rid = str(raw.get("id", ""))
    where = f"{origin} 规则 {rid or '?'}"
    where_en = f"{origin} rule {rid or '?'}"
    if not rid:
        raise ProfileError(f"{origin}：有一条规则缺少 id。", f"{origin}: a rule has no id.")
    kind = raw.get("kind")
    if kind not in RULE_KINDS:
        raise ProfileError(f"{where}：kind 必须是 {'、'.join(RULE_KINDS)} 之一。",
                           f"{where_en}: kind must be one of {', '.join(RULE_KINDS)}.")
    to_raw = raw.get("to")
    tos: list[str] = [str(t) for t in to_raw] if isinstance(to_raw, list) else [str(to_raw)]
    for to in tos:
        if to not in EVENT_KEYS:
            raise ProfileError(f"{where}：to 不是已知的事件（{to}）。", f"{where_en}: unknown event in 'to': {to}.")
    if len(tos) > 1 and kind in TIMED_KINDS:
        raise ProfileError(f"{where}：{kind} 规则的 to 只能是一个事件。",
                           f"{where_en}: a {kind} rule has exactly one event in 'to'.")
    to = tos[0]
    frm = raw.get("from")
    if frm is not None and frm not in EVENT_KEYS and frm not in SPECIAL_ANCHORS:
        raise ProfileError(f"{where}：from 不是已知的事件（{frm}）。",
                           f"{where_en}: unknown event in 'from': {frm}.")
    length = _length(raw, "length", where)
    if kind in ("minimum", "deadline", "recurring") and (frm is None or length is None):
        raise ProfileError(f"{where}：{kind} 规则须有 from 和 length。",
                           f"{where_en}: a {kind} rule needs 'from' and 'length'.")
    if kind == "reminder" and (frm is None or length is not None):
        raise ProfileError(f"{where}：reminder（及时办理的提醒）须有 from，不能有 length；有期限的请写作 deadline。",
                           f"{where_en}: a reminder needs 'from' and no 'length' (with a length it is a deadline).")
    doc = str(raw.get("doc", "rules"))
    if doc not in ("rules", "charter"):
        raise ProfileError(f"{where}：doc 须为 rules（细则）或 charter（党章）。",
                           f"{where_en}: doc must be rules or charter.")
    any_sum = tuple((str(c["field"]), float(c["min"])) for c in raw.get("any_sum", ()))
    return Rule(
        id=rid,
        code=str(raw.get("code", rid)),
        kind=kind,
        to=to,
        zh=str(raw.get("zh", rid)),
        en=str(raw.get("en", rid)),
        edition=edition,
        from_=frm,
        length=length,
        article=raw.get("article"),
        source=str(raw.get("source", "national")),
        require_anchor=bool(raw.get("require_anchor", False)),
        stages=tuple(raw.get("stages", ())),
        limit=_length(raw, "limit", where),
        when_event=raw.get("when_event"),
        replaces=raw.get("replaces"),
        requires=raw.get("requires"),
        where=tuple(sorted(dict(raw.get("where", {})).items())),
        any_sum=any_sum,
        count_field=raw.get("count_field"),
        count=raw.get("count"),
        person_field=raw.get("person_field"),
        not_within=_length(raw, "not_within", where),
        field=raw.get("field"),
        min=raw.get("min"),
        max=raw.get("max"),
        once=bool(raw.get("once", False)),
        also=tuple(tos[1:]),
        doc=doc,
        article_derived=bool(raw.get("article_derived", False)),
        collective=bool(raw.get("collective", False)),
    )


def parse_profile(data: dict[str, Any], origin: str) -> Profile:
    name = str(data.get("name") or Path(origin).stem)
    kind = str(data.get("kind", "local"))
    if kind not in ("national", "local"):
        raise ProfileError(f"{origin}：kind 须为 national 或 local。", f"{origin}: kind must be national or local.")
    if "disable" in data or "remove" in data:
        raise ProfileError(
            f"{origin}：本单位规则只能增加或从严，不能停用全国性规定。",
            f"{origin}: a unit profile can only add or tighten rules, never disable national ones.",
        )
    effective = data.get("effective")
    if effective is not None and not isinstance(effective, date):
        raise ProfileError(f"{origin}：effective 须为日期，如 2026-05-11。",
                           f"{origin}: 'effective' must be a date such as 2026-05-11.")
    if kind == "national" and effective is None:
        raise ProfileError(f"{origin}：全国性版本须有 effective 生效日期。",
                           f"{origin}: a national edition needs an 'effective' date.")
    rules = tuple(parse_rule(r, name, origin) for r in data.get("rules", ()))
    ids = [r.id for r in rules]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise ProfileError(f"{origin}：规则 id 重复：{', '.join(dupes)}。", f"{origin}: duplicate rule ids: {', '.join(dupes)}.")
    dates = tuple(_collective_date(str(d), origin) for d in data.get("collective_oath_dates", ()))
    return Profile(name, kind, str(data.get("title_zh", name)), str(data.get("title_en", name)), effective, rules,
                   dates)


def _collective_date(text: str, origin: str) -> str:
    """``MM-DD`` (every year) or ``YYYY-MM-DD`` (once), checked."""
    try:
        if len(text) == 5:
            date(2024, int(text[:2]), int(text[3:]))  # a leap year admits 02-29
        else:
            date.fromisoformat(text)
    except ValueError:
        raise ProfileError(f"{origin}：集体宣誓日期“{text}”应写作 07-01 或 2027-05-04。",
                           f"{origin}: collective oath date '{text}' must be MM-DD or YYYY-MM-DD.") from None
    return text


def load_profile_file(path: Path) -> Profile:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ProfileError(f"找不到规则文件：{path}", f"Profile file not found: {path}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(f"规则文件 {path} 格式有误：{exc}", f"Profile file {path} is not valid TOML: {exc}") from None
    return parse_profile(data, str(path))


def _shipped() -> list[Profile]:
    """Every profile in ``data/profiles`` (installed inside the wheel as tracker.data.profiles)."""
    return [parse_profile(tomllib.loads(entry.read_text(encoding="utf-8")), entry.name)
            for entry in sorted(_profile_files(), key=lambda e: e.name)]


def _profile_files() -> list[Path]:
    """The shipped profiles' files: the package's folder read directly (importlib.resources costs every command
    ~12 ms to import, for the same files on disk)."""
    package = importlib.import_module("tracker.data.profiles")
    return [entry for folder in package.__path__ for entry in Path(folder).iterdir() if entry.name.endswith(".toml")]


def builtin_profiles() -> list[Profile]:
    """The national editions shipped with the program, oldest first."""
    return sorted((p for p in _shipped() if p.kind == "national"), key=lambda p: p.effective or date.min)


def _weakens(local: Rule, national: Rule) -> str | None:
    """Why ``local`` would weaken ``national``, or None when it keeps or tightens it."""
    if national.kind == "reminder" and local.kind == "deadline" and local.from_ == national.from_:
        return None  # a unit may give "promptly" a number: that adds a deadline, it weakens nothing
    if local.kind != national.kind:
        return "kind"
    if set(local.targets) < set(national.targets):
        return "condition"
    if local.kind in ("gate", "range", "notice", "reminder"):
        same = (local.requires, local.where, local.any_sum, local.count, local.min, local.max, local.once) == (
            national.requires, national.where, national.any_sum, national.count, national.min,
            national.max, national.once)
        return None if same else "condition"
    a, b = local.length, national.length
    if a is None or b is None:
        return "length"
    if a.unit != b.unit and (a.months() is None or b.months() is None):
        # a zero national minimum is met by anything
        return None if (local.kind == "minimum" and b.n == 0) else "unit"
    la = a.months() or a.n
    lb = b.months() or b.n
    if local.kind == "minimum":
        return None if la >= lb else "shorter"
    return None if la <= lb else "longer"  # deadline, recurring: a longer interval is weaker


def check_local_against(local: Profile, nationals: list[Profile]) -> None:
    by_id: dict[str, list[Rule]] = {}
    for prof in nationals:
        for rule in prof.rules:
            by_id.setdefault(rule.id, []).append(rule)
    for rule in local.rules:
        for national in by_id.get(rule.id, []):
            why = _weakens(rule, national)
            if why:
                raise ProfileError(
                    f"本单位规则“{local.name}”的 {rule.id} 会放宽全国性规定"
                    f"（{national.edition}：{national.zh}，{national.citation('zh')}），不予加载。"
                    "只能延长最短期限、缩短办理时限，或用新的 id 增加规则。",
                    f"Local profile '{local.name}' rule {rule.id} would weaken the national rule "
                    f"({national.edition}: {national.en}, {national.citation('en')}); not loaded. "
                    "A unit may lengthen a minimum or shorten a deadline, or add rules under new ids.",
                )


@dataclass
class RuleSet:
    """The rules in force for one edition (plus local rules), indexed for quick look-up."""

    edition: Profile
    rules: tuple[Rule, ...]
    by_to: dict[str, tuple[Rule, ...]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        by_to: dict[str, list[Rule]] = {}
        for rule in self.rules:
            for to in rule.targets:
                by_to.setdefault(to, []).append(rule)
        self.by_to = {k: tuple(v) for k, v in by_to.items()}

    def for_event(self, event: str) -> tuple[Rule, ...]:
        return self.by_to.get(event, ())

    def get(self, rule_id: str) -> Rule | None:
        return next((r for r in self.rules if r.id == rule_id), None)


#: what applies before the first modelled edition (2014-05-28): the 1990 试行细则, not modelled
UNMODELLED = Profile(
    "none", "national", "2014年5月28日以前：1990年《发展党员工作细则（试行）》，本程序未建模，只核对先后顺序",
    "Before 2014-05-28: the 1990 provisional rules, not modelled by this program; order is checked only",
    None, ())


class RuleBook:
    """Which rules apply on a date: the national edition in force then, plus local rules."""

    def __init__(self, editions: list[Profile], local: Profile | None = None,
                 pinned: Profile | None = None) -> None:
        if not editions:
            raise ProfileError("没有可用的全国性规则版本。", "No national edition is available.")
        self.editions = sorted(editions, key=lambda p: p.effective or date.min)
        self.local = local
        self.pinned = pinned
        if local is not None:
            check_local_against(local, self.editions)
        self._sets: dict[str, RuleSet] = {}
        self._timed: list[Rule] | None = None
        self._replaced: dict[str, tuple[str, ...]] | None = None

    def edition_on(self, d: date) -> Profile:
        """The edition in force on ``d``; ``UNMODELLED`` before the first one (unless one is pinned)."""
        if self.pinned is not None:
            return self.pinned
        chosen = UNMODELLED
        for ed in self.editions:
            if ed.effective is not None and ed.effective <= d:
                chosen = ed
        return chosen

    def modelled(self, d: date) -> bool:
        return self.edition_on(d) is not UNMODELLED

    @property
    def first_effective(self) -> date:
        return self.editions[0].effective or date.min

    def collective_oath_dates(self, d: date) -> tuple[str, ...]:
        """The dates on which a collective oath counts as on time (R12): the edition's and the unit's."""
        dates = self.edition_on(d).collective_oath_dates
        if self.local is not None:
            dates = (*dates, *self.local.collective_oath_dates)
        return dates

    def on(self, d: date) -> RuleSet:
        edition = self.edition_on(d)
        local_on = (edition is not UNMODELLED and self.local is not None
                    and (self.local.effective is None or self.local.effective <= d))
        key = f"{edition.name}+{int(local_on)}"
        rs = self._sets.get(key)
        if rs is None:
            rules = {r.id: r for r in edition.rules}
            if local_on and self.local is not None:
                for r in self.local.rules:
                    rules[r.id] = r
            rs = RuleSet(edition, tuple(rules.values()))
            self._sets[key] = rs
        return rs

    def timed_rules(self) -> list[Rule]:
        """One representative of each timed rule id (deadline, recurring, reminder) across editions and local rules."""
        if self._timed is None:
            seen: dict[str, Rule] = {}
            for rule in self.all_rules():
                if rule.kind in TIMED_KINDS:
                    seen.setdefault(rule.id, rule)
            self._timed = list(seen.values())
        return self._timed

    def replaced_by(self) -> dict[str, tuple[str, ...]]:
        """rule id → the events whose presence switches it off (R17 replaces R14 after a transfer)."""
        if self._replaced is None:
            out: dict[str, list[str]] = {}
            for rule in self.timed_rules():
                if rule.replaces and rule.when_event:
                    out.setdefault(rule.replaces, []).append(rule.when_event)
            self._replaced = {k: tuple(v) for k, v in out.items()}
        return self._replaced

    def all_rules(self) -> list[Rule]:
        seen: dict[tuple[str, str], Rule] = {}
        for ed in self.editions:
            for r in self.on(ed.effective or date.min).rules:
                seen[(r.edition, r.id)] = r
        return list(seen.values())

    def describe(self, lang: str) -> str:
        if self.pinned is not None:
            base = self.pinned.title(lang)
        else:
            base = " / ".join(f"{e.title(lang)} ≥ {e.effective}" for e in self.editions)
        if self.local is not None:
            base += f" + {self.local.title(lang)}"
        return base


def load_rulebook(profile: str | None = None) -> RuleBook:
    """The default book (editions by date), or one pinned/extended by ``profile``.

    ``profile`` is a national edition's name (pins it), or the path of a local profile file
    (layered over the editions by date).
    """
    editions = builtin_profiles()
    if not profile:
        return RuleBook(editions)
    by_name = {p.name: p for p in editions}
    if profile in by_name:
        return RuleBook(editions, pinned=by_name[profile])
    shipped_local = {p.name: p for p in _shipped() if p.kind == "local"}
    if profile in shipped_local:
        return RuleBook(editions, local=shipped_local[profile])
    path = Path(profile)
    if not path.suffix:
        names = "、".join([*by_name, *shipped_local])
        raise ProfileError(f"没有名为“{profile}”的规则版本；可用：{names}，或给出本单位规则文件的路径。",
                           f"No profile named '{profile}'; use one of {', '.join(by_name)} or a path to a local profile file.")
    loaded = load_profile_file(path)
    if loaded.kind == "national":
        return RuleBook(editions, pinned=loaded)
    return RuleBook(editions, local=loaded)
