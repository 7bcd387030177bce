from __future__ import annotations

from datetime import date

import pytest

from tracker.dates import (
    DateError,
    Length,
    add_length,
    add_months,
    is_working_day,
    minimum_met_on,
    parse_date,
    parse_date_ex,
)


@pytest.mark.parametrize("text", ["2024-03-05", "2024.3.5", "2024/03/05", "2024年3月5日", "20240305", " 2024-3-5 ",
                                  "２０２４年３月５日", "2024.03.05"])
def test_secretary_spellings_all_read_the_same_day(text: str) -> None:
    assert parse_date(text) == date(2024, 3, 5)


@pytest.mark.parametrize("text", ["", "03/05/2024", "5.3.2024", "2024-13-01", "2023-02-29", "2024年2月30日", "yesterday",
                                  "202403", "2024-3", "99999999"])
def test_ambiguous_or_invalid_dates_are_refused_with_a_hint(text: str) -> None:
    with pytest.raises(DateError) as err:
        parse_date(text)
    assert "2024-03-05" in err.value.en or "does not exist" in err.value.en or "plausible" in err.value.en


def test_feb_29_exists_only_in_leap_years() -> None:
    assert parse_date("2024-02-29") == date(2024, 2, 29)
    with pytest.raises(DateError, match="does not exist"):
        parse_date("2025.2.29")


def test_month_only_dates_take_the_first_and_say_so() -> None:
    parsed = parse_date_ex("202305", allow_month=True)
    assert parsed.value == date(2023, 5, 1) and parsed.month_only
    assert parse_date_ex("2023年5月", allow_month=True).month_only


@pytest.mark.parametrize(("anchor", "months", "expected"), [
    ("2024-01-31", 1, "2024-02-29"), ("2023-01-31", 1, "2023-02-28"), ("2024-02-29", 12, "2025-02-28"),
    ("2024-08-31", 6, "2025-02-28"), ("2024-03-31", 1, "2024-04-30"), ("2024-12-31", 2, "2025-02-28"),
])
def test_months_clamp_to_the_month_end(anchor: str, months: int, expected: str) -> None:
    assert add_months(date.fromisoformat(anchor), months) == date.fromisoformat(expected)


def test_months_are_added_from_the_original_anchor_never_repeatedly() -> None:
    start = date(2024, 1, 31)
    repeated = add_months(add_months(start, 1), 1)
    assert repeated == date(2024, 3, 29)
    assert add_months(start, 2) == date(2024, 3, 31)


@pytest.mark.parametrize(("day", "working"), [
    ("2026-10-01", False), ("2026-10-07", False), ("2026-10-08", True), ("2026-10-10", True),  # Saturday make-up
    ("2026-09-20", True), ("2026-09-19", False), ("2026-02-14", True), ("2026-02-17", False), ("2026-06-19", False),
    ("2026-11-27", True), ("2026-11-28", False),
])
def test_working_days_follow_china_holidays_and_make_up_days(day: str, working: bool) -> None:
    assert is_working_day(date.fromisoformat(day)) is working


def test_five_working_days_over_spring_festival() -> None:
    # 2026-02-12 Thu, 02-13 Fri, 02-14 Sat (make-up), then holiday 02-15..02-23, 02-24 Tue, 02-25 Wed
    assert add_length(date(2026, 2, 12), Length(5, "wd")) == date(2026, 2, 25)
    assert minimum_met_on(date(2026, 2, 12), Length(5, "wd")) == date(2026, 2, 26)


def test_calendar_minimum_is_met_on_the_anniversary() -> None:
    assert minimum_met_on(date(2024, 3, 15), Length(1, "y")) == date(2025, 3, 15)


def test_add_months_is_exactly_relativedelta_for_every_day() -> None:
    from datetime import timedelta

    from dateutil.relativedelta import relativedelta

    day = date(2000, 1, 1)
    while day < date(2032, 12, 31):
        for months in (-12, -1, 1, 3, 6, 12, 18, 216):
            assert add_months(day, months) == day + relativedelta(months=months), (day, months)
        day += timedelta(days=1)
