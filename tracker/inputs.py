"""Input as people type it (CLI, the app's forms, import rows), checked and normalised before anything is
saved: names and other text, dates, ID numbers, genders, results, amounts; and the event a step records."""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable
from datetime import date
from typing import Any

from .dates import DateError, parse_date, parse_date_ex
from .i18n import BilingualError
from .model import DATE_DETAILS, DETAIL_FIELDS, Event, Person
from .registers import mask_id
from .stages import EVENT_BY_KEY, event_label
from .textsafe import codepoint, control_char


class InputError(BilingualError):
    """Bad input: says what is wrong and how to fix it (exit code 2); ``field`` names where."""

    def __init__(self, zh: str, en: str, field: str | None = None) -> None:
        super().__init__(zh, en)
        self.field = field



# ------------------------------------------------------------------ input normalisation

_GENDERS = {"男": "男", "女": "女", "m": "男", "male": "男", "f": "女", "female": "女"}
_RESULTS = {"pass": "pass", "合格": "pass", "通过": "pass", "fail": "fail", "不合格": "fail", "未通过": "fail"}
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def id_check_char(first17: str) -> str:
    return _ID_CHECK[sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS, strict=True)) % 11]


def normalise_id_number(text: str) -> str:
    value = text.strip().upper().replace(" ", "")
    shown = mask_id(value)  # messages end up in terminals, logs and import reports: never the whole number
    if not re.fullmatch(r"\d{17}[\dX]", value):
        raise InputError(f"身份证号“{shown}”（{len(value)}位）应为18位（前17位为数字，最后一位为数字或X）。",
                         f"The ID number '{shown}' ({len(value)} characters) must have 18 characters: 17 digits "
                         "then a digit or X.", "id_number")
    if id_check_char(value[:17]) != value[17]:
        raise InputError(f"身份证号“{shown}”校验位不对，请核对号码。",
                         f"The ID number '{shown}' fails its check digit; please check it.", "id_number")
    try:
        date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        raise InputError(f"身份证号“{shown}”中的出生日期（{value[6:14]}）不存在。",
                         f"The birth date inside ID number '{shown}' ({value[6:14]}) does not exist.",
                         "id_number") from None
    return value


def birth_from_id(id_number: str) -> date:
    return date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))


def split_names(text: str) -> tuple[str, ...]:
    return tuple(n for n in re.split(r"[,，、;；\s]+", text.strip()) if n)


def parse_birth(text: str) -> tuple[date, bool]:
    """A birth date as 出生年月 is written: to the day, or to the month (``1998-05``, ``1998年5月``: the 1st).
    Returns the date and whether only the month was given."""
    try:
        parsed = parse_date_ex(text, allow_month=True)
    except DateError as exc:
        raise InputError(exc.zh, exc.en, "birth") from None
    return parsed.value, parsed.month_only


def parse_input_date(text: str, field: str) -> date:
    try:
        return parse_date(text)
    except DateError as exc:
        raise InputError(exc.zh, exc.en, field) from None


#: (zh, en) names of the text fields that are not person details (those are named by tracker.i18n)
_TEXT_FIELDS = {"names": ("姓名", "Names"), "reason": ("原因或理由", "Reason"), "note": ("备注", "Note"),
                "override": ("超越规则理由", "Override reason")}


def refuse_control_chars(text: str, field: str, *, multiline: bool = False) -> None:
    """Refuse a control character (ESC, BEL, NUL …), a bidirectional override or a line separator in
    stored text: it would steer the terminal or reorder what others read. A note (``multiline``) may keep
    newlines and tabs."""
    found = control_char(text, multiline=multiline)
    if found is None:
        return
    pos, ch = found
    from .i18n import LABELS

    zh, en = _TEXT_FIELDS.get(field) or LABELS.get(field) or (field, field)
    zh_rule = "备注可以换行和使用制表符，但不能含其他控制字符" if multiline else "此项须为一行普通文字"
    en_rule = ("a note may keep line breaks and tabs, but no other control characters" if multiline
               else "this field must be one line of plain text")
    raise InputError(
        f"{zh}：第{pos}个字符是不可见的控制字符（{codepoint(ch)}），可能来自复制粘贴；{zh_rule}。请删除它后重新输入。",
        f"{en}: character {pos} is an invisible control character ({codepoint(ch)}), perhaps from copy and "
        f"paste; {en_rule}. Remove it and enter the text again.", field)


def refuse_control_text(person: Person) -> None:
    """Every stored text of a person (details and steps) checked as on input: for imports of whole records."""
    for key in DETAIL_FIELDS:
        value = getattr(person, key)
        if isinstance(value, str):
            refuse_control_chars(value, key, multiline=key == "note")
    for ev in person.events:
        refuse_event_text(ev)


def clean_text(text: str, field: str, *, multiline: bool = False) -> str:
    """Input text made safe to store: line breaks written as CR LF or CR become LF in a note (which keeps
    line breaks and tabs); in a one-line field, line breaks and tabs (a pasted spreadsheet cell) become a
    space. Every other control character is refused (``refuse_control_chars``)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n") if multiline else _LINE_BREAKS.sub(" ", text)
    refuse_control_chars(text, field, multiline=multiline)
    return text


_LINE_BREAKS = re.compile(r"[\r\n\t]+")


def refuse_event_text(ev: Event) -> None:
    """A step's names, reason, note and override reason checked as on input."""
    for n in ev.names:
        refuse_control_chars(n, "names")
    for field, value in (("reason", ev.reason), ("note", ev.note), ("override", ev.override)):
        if value:
            refuse_control_chars(value, field, multiline=field == "note")


_CJK = re.compile(r"[\u3400-\u9fff\U00020000-\U0003134f]")
#: longer than any real name (a minority name in transcription, 阿卜杜热合曼·买买提, is 10): a pasted paragraph
NAME_MAX = 40


def unspaced_name(raw: str) -> str:
    """A name without the spaces typed or padded to align it (张　三, 张 三 → 张三): a Chinese name has none, so
    the same person is not entered twice; a name in Latin letters keeps single spaces."""
    return "".join(raw.split()) if _CJK.search(raw) else " ".join(raw.split())


def clean_details(raw: dict[str, Any], *, require_name: bool) -> dict[str, Any]:
    """Validate and normalise person details given as text (CLI, TUI form, import row)."""
    out: dict[str, Any] = {}
    month_births: set[str] = set()
    for key, value in raw.items():
        if key not in DETAIL_FIELDS:
            raise InputError(f"未知字段：{key}", f"Unknown field: {key}", key)
        if value is None:
            continue
        if isinstance(value, date):
            out[key] = value
            continue
        text = clean_text(str(value).strip(), key, multiline=key == "note")
        if key == "birth" and text:  # 出生年月: a month alone (1998-05) is the 1st, or the ID number's day
            out[key], month_only = parse_birth(text)
            if month_only:
                month_births.add(key)
        elif key in DATE_DETAILS:
            out[key] = parse_input_date(text, key) if text else None
        elif key == "gender" and text:
            g = _GENDERS.get(text.lower())
            if g is None:
                raise InputError(f"性别“{text}”无法识别，请写“男”或“女”。",
                                 f"Gender '{text}' is not recognised; use 男/女 (or male/female).", key)
            out[key] = g
        elif key == "id_number" and text:
            out[key] = normalise_id_number(text)
        elif key == "name" and text:
            text = unspaced_name(text)
            if len(text) > NAME_MAX:
                raise InputError(f"姓名过长（{len(text)} 个字），最多 {NAME_MAX} 个字；请只填写姓名。",
                                 f"The name is too long ({len(text)} characters; at most {NAME_MAX}): enter the name "
                                 "only.", key)
            out[key] = text
        elif key == "phone" and text and not re.fullmatch(r"[\d+\-() ]{3,20}", text := unicodedata.normalize("NFKC", text)):
            raise InputError(f"电话“{text}”只能包含数字、空格、+、-和括号。",
                             f"The phone '{text}' may contain only digits, spaces, +, - and brackets.", key)
        else:
            out[key] = text
    if require_name and not out.get("name"):
        raise InputError("姓名不能为空。", "The name must not be empty.", "name")
    if "name" in out and not out["name"]:
        raise InputError("姓名不能为空。", "The name must not be empty.", "name")
    idn = out.get("id_number")
    if idn:
        from_id = birth_from_id(idn)
        if out.get("birth") is None and "birth" not in raw:
            out["birth"] = from_id
        elif "birth" in month_births and out["birth"].replace(day=1) == from_id.replace(day=1):
            out["birth"] = from_id  # the month agrees: the ID number gives the day
        elif out.get("birth") is not None and out["birth"] != from_id:
            raise InputError(
                f"出生日期 {out['birth']} 与身份证号中的 {from_id} 不一致，请核对。",
                f"The birth date {out['birth']} does not match {from_id} in the ID number; please check.",
                "birth")
        month_births.discard("birth")  # the ID number gives the day
    if "birth" in month_births and out.get("birth") is not None:
        out["birth_month_only"] = True  # not a detail: how precisely the birth is known (model.Person)
    return out


#: (field, zh, en, upper bound): training days and class hours, 0 < value ≤ bound, finite
_AMOUNTS = (("days", "培训天数", "training days", 365.0), ("hours", "培训学时", "training hours", 2000.0))
MONTHS_RANGE = (1, 24)


def check_amounts(days: float | None, hours: float | None, months: float | None) -> None:
    """Training length and extension months within sensible ranges (never NaN or infinity: the JSON file
    cannot hold them, and ``inf`` days would pass the training gate). The rules check R15 (6–12) after this."""
    for name, zh, en, top in _AMOUNTS:
        value = days if name == "days" else hours
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) \
                or not 0 < value <= top:
            raise InputError(f"{zh}须为大于0且不超过{top:g}的数（--{name}），而不是“{value}”。",
                             f"--{name} must be a number above 0 and at most {top:g} ({en}), not '{value}'.", name)
    if months is not None:
        low, high = MONTHS_RANGE
        if isinstance(months, bool) or not isinstance(months, int | float) or not math.isfinite(months) \
                or months != int(months) or not low <= months <= high:
            raise InputError(f"延长月数须为{low}至{high}的整数（--months），而不是“{months}”。",
                             f"--months must be a whole number from {low} to {high}, not '{months}'.", "months")


def _closest_steps(typed: str) -> list[str]:
    """The steps a mistyped one probably meant: a key spelled nearly so (talk → talked), or those whose
    Chinese name contains what was typed (谈话 → talked, committee-talk)."""
    import difflib

    close = difflib.get_close_matches(typed.lower(), list(EVENT_BY_KEY), n=1, cutoff=0.6)
    if close:
        return close
    named = [k for k, e in EVENT_BY_KEY.items() if typed and (typed in e.zh or typed.lower() in e.en.lower())]
    return named if len(named) <= 3 else []


def build_event(kind: str, on: date, *, names: str | Iterable[str] | None = None, result: str | None = None,
                days: float | None = None, hours: float | None = None, months: float | None = None,
                reason: str | None = None, note: str | None = None, collective: bool = False) -> Event:
    """An event from user input, with the fields its kind needs; InputError says what is missing."""
    ek = EVENT_BY_KEY.get(kind)
    if ek is None:
        keys = ", ".join(EVENT_BY_KEY)
        guesses = _closest_steps(kind)
        zh_names = "或 ".join(f"{g}（{event_label(g, 'zh')}）" for g in guesses)
        en_names = " or ".join(f"{g} ({event_label(g, 'en')})" for g in guesses)
        ask_zh = f"是不是 {zh_names}？" if guesses else ""
        ask_en = f"Did you mean {en_names}? " if guesses else ""
        raise InputError(f"未知的步骤“{kind}”。{ask_zh}可用：{keys}", f"Unknown step '{kind}'. {ask_en}Use one of: {keys}",
                         "event")
    zh, en = event_label(kind, "zh"), event_label(kind, "en")
    name_tuple: tuple[str, ...] = ()
    if names is not None:
        name_tuple = split_names(names) if isinstance(names, str) else tuple(n for n in names if n)
    for n in name_tuple:
        refuse_control_chars(n, "names")
    if reason is not None:
        reason = clean_text(reason, "reason")
    if note is not None:
        note = clean_text(note, "note", multiline=True)
    if kind in ("sponsors", "mentors") and not name_tuple:
        raise InputError(f"“{zh}”须写明姓名：--names \"甲,乙\"", f"'{en}' needs the names: --names \"A,B\"", "names")
    if kind == "mentors" and len(name_tuple) > 2:
        raise InputError("培养联系人为1至2名。", "Assign one or two mentors.", "names")
    res = None
    if result is not None:
        res = _RESULTS.get(result.strip().lower())
        if res is None:
            raise InputError(f"结论“{result}”无法识别，请写 pass（合格）或 fail（不合格）。",
                             f"Result '{result}' is not recognised; use pass or fail.", "result")
    if kind == "political-review" and res is None:
        raise InputError(f"“{zh}”须写明结论：--result pass（合格）或 --result fail（不合格）",
                         f"'{en}' needs its result: --result pass or --result fail", "result")
    if collective and kind != "oath":
        raise InputError("--collective 只用于入党宣誓（集体宣誓）。", "--collective is for the oath only.", "collective")
    check_amounts(days, hours, months)
    if kind == "training" and days is None and hours is None:
        raise InputError("集中培训须写明天数或学时：--days 3 或 --hours 24",
                         "Training needs its length: --days 3 or --hours 24", "days")
    if kind == "extended" and months is None:
        raise InputError("延长预备期须写明月数：--months 6（6至12）",
                         "An extension needs its length: --months 6 (6 to 12)", "months")
    if kind == "left" and not (reason or "").strip():
        raise InputError("离开发展程序须写明原因：--reason \"...\"",
                         "Leaving the pipeline needs a reason: --reason \"...\"", "reason")
    return Event(kind, on, names=name_tuple, result=res, days=days, hours=hours,
                 months=None if months is None else int(months),
                 reason=(reason or "").strip() or None, note=(note or "").strip() or None, collective=collective)
