"""Calendar dates: parsing what secretaries type, adding lengths from an anchor, working days.

Conventions (RULES.md "Date conventions"):
- dates are calendar dates, no times or zones;
- "N months after D" is ``D + relativedelta(months=N)`` from the original anchor, the day
  clamped to the month's end (2024-01-31 + 1 month = 2024-02-29);
- working days are Monday–Friday less China's statutory holidays, plus official make-up
  working days (调休), as published in the ``holidays`` package.
"""

from __future__ import annotations

import re
from calendar import isleap
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from .i18n import BilingualError


class DateError(BilingualError, ValueError):
    """A date that cannot be read; the message says what is wrong and how to write it."""

    def __init__(self, text: str, zh: str, en: str) -> None:
        super().__init__(zh, en)
        self.text = text


_HINT_ZH = "请写成 2024-03-05、2024.3.5、2024/03/05、2024年3月5日 或 20240305"
_HINT_EN = "write it as 2024-03-05, 2024.3.5, 2024/03/05, 2024年3月5日 or 20240305"

_YMD = re.compile(r"^(\d{4})\s*[-./年]\s*(\d{1,2})\s*[-./月]\s*(\d{1,2})\s*日?$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_YM = re.compile(r"^(\d{4})\s*[-./年]\s*(\d{1,2})\s*月?$")
_COMPACT_YM = re.compile(r"^(\d{4})(\d{2})$")


@dataclass(frozen=True)
class ParsedDate:
    value: date
    month_only: bool = False


def parse_date(text: str, *, allow_month: bool = False) -> date:
    """Read a date as secretaries write it; raise DateError for anything ambiguous or invalid."""
    return parse_date_ex(text, allow_month=allow_month).value


def parse_date_ex(text: str, *, allow_month: bool = False) -> ParsedDate:
    raw = text
    s = text.strip().replace("\u3000", " ")
    # full-width digits and punctuation, as typed with a Chinese input method
    s = s.translate(str.maketrans("０１２３４５６７８９．／－", "0123456789./-"))
    if not s:
        raise DateError(raw, f"日期为空：{_HINT_ZH}。", f"The date is empty: {_HINT_EN}.")
    m = _YMD.match(s) or _COMPACT.match(s)
    month_only = False
    if m:
        y, mo, d = (int(g) for g in m.groups())
    elif allow_month and (m := (_YM.match(s) or _COMPACT_YM.match(s))):
        y, mo = (int(g) for g in m.groups())
        d = 1
        month_only = True
    else:
        raise DateError(raw, f"无法识别日期“{raw}”：{_HINT_ZH}。",
                        f"Cannot read the date '{raw}': {_HINT_EN}.")
    try:
        value = date(y, mo, d)
    except ValueError:
        raise DateError(raw, f"日期“{raw}”不存在（{y}年没有{mo}月{d}日）。",
                        f"The date '{raw}' does not exist (no day {d} in month {mo} of {y}).") from None
    if not 1900 <= y <= 2200:
        raise DateError(raw, f"日期“{raw}”的年份不合理。", f"The year of '{raw}' is not plausible.")
    return ParsedDate(value, month_only)


def iso(d: date | None) -> str:
    return d.isoformat() if d else ""


_LENGTH = re.compile(r"^(\d+)(y|m|d|wd)$")


@dataclass(frozen=True, order=True)
class Length:
    """A rule's length: ``n`` of ``unit`` (y years, m months, d calendar days, wd working days)."""

    n: int
    unit: str

    @classmethod
    def parse(cls, text: str) -> Length:
        m = _LENGTH.match(text.strip())
        if not m:
            raise ValueError(f"bad length {text!r}: use e.g. 18y, 6m, 30d or 5wd")
        return cls(int(m.group(1)), m.group(2))

    def months(self) -> int | None:
        """Length in months when it is whole months or years, else None."""
        if self.unit == "y":
            return self.n * 12
        if self.unit == "m":
            return self.n
        return None

    def __str__(self) -> str:
        return f"{self.n}{self.unit}"

    def zh(self) -> str:
        return {"y": f"{self.n}年", "m": f"{self.n}个月", "d": f"{self.n}天", "wd": f"{self.n}个工作日"}[
            self.unit
        ]

    def en(self) -> str:
        names = {"y": "year", "m": "month", "d": "day", "wd": "working day"}
        word = names[self.unit]
        return f"{self.n} {word}{'' if self.n == 1 else 's'}"


def add_months(anchor: date, months: int) -> date:
    """``anchor`` plus whole months, clamped to the month's end; always from the original anchor.

    Exactly ``anchor + dateutil.relativedelta(months=months)`` (a test checks every day of
    2000–2032 against it), written out because the rules call it some 10^5 times per screen.
    """
    index = anchor.month - 1 + months
    year, month = anchor.year + index // 12, index % 12 + 1
    return date(year, month, min(anchor.day, _DAYS_IN_MONTH[month] if month != 2 else (29 if isleap(year) else 28)))


_DAYS_IN_MONTH = (0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def add_length(anchor: date, length: Length) -> date:
    """The date a length after ``anchor`` is reached.

    For y/m/d this is the plain sum (a minimum is met on that day, a deadline falls on it).
    For working days it is the last of the N working days counted from ``anchor`` itself.
    """
    if length.unit in ("y", "m"):
        months = length.months()
        assert months is not None
        return add_months(anchor, months)
    if length.unit == "d":
        return anchor + timedelta(days=length.n)
    return nth_working_day(anchor, length.n)


def minimum_met_on(anchor: date, length: Length) -> date:
    """First calendar day on which a minimum of ``length`` from ``anchor`` is satisfied.

    A publicity of 5 working days is complete at the end of its 5th working day, so the
    later step may happen from the next calendar day; for calendar lengths the anniversary
    day itself already counts.
    """
    end = add_length(anchor, length)
    return end + timedelta(days=1) if length.unit == "wd" else end


@lru_cache(maxsize=8)
def _china_calendar(first_year: int, last_year: int) -> object:
    import holidays

    return holidays.China(years=range(first_year, last_year + 1))  # type: ignore[attr-defined]


def _calendar_for(d: date) -> object:
    # one calendar object per decade keeps the cache small and look-ups fast
    start = d.year - d.year % 10
    return _china_calendar(start - 1, start + 11)


@lru_cache(maxsize=1)
def published_years() -> frozenset[int]:
    """The years whose 放假调休 notice the ``holidays`` package holds (a year of substitutions each)."""
    from holidays.countries.china import ChinaStaticHolidays

    return frozenset(int(y) for y in getattr(ChinaStaticHolidays, "special_public_holidays", {}))


@lru_cache(maxsize=8192)  # pure (the holiday tables are fixed while running); the rules ask 10^5 times a screen
def is_working_day(d: date) -> bool:
    """Monday–Friday less China's statutory holidays, plus official make-up working days.

    A year whose notice is not published yet counts weekends only (RULES.md "Working days"):
    results that depend on it are provisional (``working_days_provisional``)."""
    if d.year not in published_years():  # 元旦 (01-01) is a statutory holiday every year, notice or not
        return d.weekday() < 5 and not (d.month == 1 and d.day == 1)
    cal = _calendar_for(d)
    return bool(cal.is_working_day(d))  # type: ignore[attr-defined]


def working_days_provisional(start: date, end: date) -> bool:
    """True when counting working days from ``start`` to ``end`` touches a year without a notice."""
    years = published_years()
    return any(y not in years for y in range(start.year, end.year + 1))


def length_provisional(anchor: date, length: Length) -> bool:
    """Whether a date ``length`` after ``anchor`` rests on a year whose 调休 is not published."""
    return length.unit == "wd" and working_days_provisional(anchor, add_length(anchor, length))


@lru_cache(maxsize=8192)
def nth_working_day(start: date, n: int) -> date:
    """The date of the ``n``-th working day counting ``start`` itself as the first when it is one."""
    if n <= 0:
        return start
    d = start
    count = 0
    while True:
        if is_working_day(d):
            count += 1
            if count == n:
                return d
        d += timedelta(days=1)
