"""The data behind the pictures: the pipeline's counts and who may move on soon, the calendar's marks by
day and month (month ends, 29 February), a person's time axis, the year's flows over several years."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from tracker.axis import person_axis
from tracker.calendar import agenda, clamp_day, month_grid, shift_month
from tracker.model import Person
from tracker.pipeline import NO_BRANCH, pipeline
from tracker.reports import status
from tracker.service import Service
from tracker.store import Store
from tracker.yearly import year_figures, year_flows

from .helpers import BOOK, d, person, probationer, with_events

TODAY = d("2026-11-27")


def _activist(on: str, pid: int = 1, branch: str | None = "一支部") -> Person:
    return replace(person(("applied", "2024-01-01"), ("activist", on)), id=pid, name=f"人{pid}", branch=branch)


def _demo(tmp_path: Path) -> list[Person]:
    svc = Service(Store(tmp_path / "demo.json"), BOOK, lambda: TODAY)
    svc.load_demo()
    return svc.people()


# --------------------------------------------------------------------------- pipeline

def test_pipeline_counts_are_the_status_counts(tmp_path: Path) -> None:
    people = _demo(tmp_path)
    assert {k: f.count for k, f in pipeline(people, BOOK, TODAY).total.items()} == status(people, BOOK, TODAY).counts


@pytest.mark.parametrize(("activist_on", "ready", "in_30", "in_90"), [
    ("2025-11-27", 1, 1, 1),  # the year completed today: may move on now
    ("2025-12-27", 0, 1, 1),  # completes in exactly 30 days
    ("2025-12-28", 0, 0, 1),  # in 31 days
    ("2026-02-25", 0, 0, 1),  # in 90 days
    ("2026-02-26", 0, 0, 0),  # in 91 days
])
def test_an_activist_moves_on_when_the_year_completes(activist_on: str, ready: int, in_30: int, in_90: int) -> None:
    flow = pipeline([_activist(activist_on)], BOOK, TODAY).total["activist"]
    assert (flow.count, flow.ready, flow.within) == (1, ready, (in_30, in_90))


def test_pipeline_per_branch_and_without_a_branch() -> None:
    people = [_activist("2025-12-01", 1, "一支部"), _activist("2026-06-01", 2, "二支部"), _activist("2026-06-01", 3, None)]
    data = pipeline(people, BOOK, TODAY)
    assert data.branches == ("一支部", "二支部", NO_BRANCH)
    assert data.stages("一支部")["activist"].within == (1, 1)
    assert data.stages("二支部")["activist"].within == (0, 0)
    assert data.stages(NO_BRANCH)["activist"].count == 1
    assert data.total["activist"].count == 3 and data.stages(None) is data.total
    assert data.stages("没有这个支部")["activist"].count == 0


def test_people_who_left_and_members_do_not_move() -> None:
    left = replace(with_events(_activist("2025-01-01"), ("left", "2026-01-01", {"reason": "调离"})), id=2)
    member = replace(with_events(probationer("2024-06-01"), ("conversion-request", "2025-05-01"),
                                 ("converted", "2025-06-01"), ("conversion-approved", "2025-06-20")), id=3)
    data = pipeline([left, member], BOOK, TODAY).total
    assert data["activist"].count == 0
    assert (data["member"].count, data["member"].ready, data["member"].within) == (1, 0, (0, 0))


# --------------------------------------------------------------------------- calendar

def test_a_month_is_six_weeks_from_monday_with_29_february_in_a_leap_year() -> None:
    weeks = month_grid(2028, 2)
    days = [x for w in weeks for x in w]
    assert len(weeks) == 6 and all(len(w) == 7 for w in weeks)
    assert days[0] == date(2028, 1, 31) and days[0].weekday() == 0
    assert [x for x in days if x.month == 2][-1] == date(2028, 2, 29)
    feb_2027 = month_grid(2027, 2)  # starts on a Monday and has 28 days: four weeks, then March
    assert feb_2027[0][0] == date(2027, 2, 1) and feb_2027[3][6] == date(2027, 2, 28)
    assert all(x.month == 3 for x in feb_2027[4] + feb_2027[5])
    assert [x.month for x in month_grid(2026, 2)[0]] == [1, 1, 1, 1, 1, 1, 2]  # 1 February 2026 is a Sunday


@pytest.mark.parametrize(("year", "month", "delta", "expected"), [
    (2026, 12, 1, (2027, 1)), (2027, 1, -1, (2026, 12)), (2026, 11, 14, (2028, 1)), (2026, 3, -15, (2024, 12))])
def test_moving_by_months_crosses_years(year: int, month: int, delta: int, expected: tuple[int, int]) -> None:
    assert shift_month(year, month, delta) == expected


def test_the_same_day_in_a_shorter_month_is_its_last_day() -> None:
    assert clamp_day(d("2026-01-31"), 2026, 2) == d("2026-02-28")
    assert clamp_day(d("2028-01-31"), 2028, 2) == d("2028-02-29")
    assert clamp_day(d("2026-03-31"), 2026, 4) == d("2026-04-30")
    assert clamp_day(d("2026-03-15"), 2026, 4) == d("2026-04-15")


def test_a_deadline_a_month_after_31_january_is_marked_on_29_february() -> None:
    p = person(("applied", "2024-01-31"))  # the intake talk is due within a month (R2)
    cal = agenda([p], BOOK, d("2024-02-01"))
    marks = cal.on(d("2024-02-29"))
    assert [(m.kind, m.event, m.code) for m in marks] == [("deadline", "talked", "R2")]
    cell = cal.month(2024, 2).cell(d("2024-02-29"))
    assert cell is not None and (cell.in_month, cell.deadlines, cell.overdue, cell.earliest) == (True, 1, 0, 0)


def test_the_earliest_listing_of_an_activist_named_on_29_february_is_28_february() -> None:
    p = person(("applied", "2023-06-01"), ("activist", "2024-02-29"))
    cal = agenda([p], BOOK, d("2025-01-10"))
    assert [(m.kind, m.event) for m in cal.on(d("2025-02-28"))] == [("earliest", "target")]
    assert cal.month(2025, 2).earliest == 1 and cal.month(2025, 3).earliest == 0


def test_an_overdue_deadline_stays_on_its_day_and_is_listed_first() -> None:
    a = replace(person(("applied", "2026-09-27")), id=1, name="甲")  # talk due 2026-10-27: overdue
    b = replace(person(("applied", "2025-08-27"), ("talked", "2025-09-01"), ("activist", "2025-10-27")), id=2,
                name="乙")  # may be listed from 2026-10-27: an earliest date on the same day
    cal = agenda([b, a], BOOK, TODAY)
    view = cal.month(2026, 10)
    cell = view.cell(d("2026-10-27"))
    assert cell is not None and cell.overdue == 1
    assert [(m.kind, m.name) for m in cal.on(d("2026-10-27"))] == [("overdue", "甲"), ("earliest", "乙")]
    assert cal.on(d("2026-10-27"))[0].what("zh") == "已逾期：党组织派人谈话"


def test_days_of_the_neighbouring_months_are_not_counted_in_the_month() -> None:
    p = person(("applied", "2026-10-31"))  # the talk is due 2026-11-30, shown in December's first week
    view = agenda([p], BOOK, TODAY).month(2026, 12)
    cell = view.cell(d("2026-11-30"))
    assert cell is not None and not cell.in_month and cell.deadlines == 1
    assert view.deadlines == 0


def test_someone_who_left_has_no_marks() -> None:
    p = with_events(person(("applied", "2026-10-01")), ("left", "2026-10-20", {"reason": "本人撤回"}))
    assert agenda([p], BOOK, TODAY).by_day == {}


# --------------------------------------------------------------------------- a person's axis

def test_the_activist_year_and_the_probation_year_are_spans() -> None:
    p = probationer("2025-09-14")  # activist 2023-06-01
    axis = person_axis(p, BOOK, TODAY)
    lanes = {lane.stage: lane for lane in axis.lanes}
    r5 = next(s for s in lanes["activist"].spans if s.code == "R5")
    assert (r5.start, r5.end, r5.label("zh"), r5.projected) == (d("2023-06-01"), d("2024-06-01"), "≥1年", False)
    probation = lanes["probationary"].spans[0]
    assert (probation.start, probation.end, probation.kind) == (d("2025-09-14"), d("2026-09-14"), "probation")
    assert lanes["member"].start_projected and lanes["member"].start >= TODAY
    assert axis.start == d("2023-01-01") and axis.end >= TODAY


def test_an_extension_lengthens_the_probation_span() -> None:
    p = with_events(probationer("2025-09-14"), ("extended", "2026-09-01", {"months": 6}))
    probation = next(lane for lane in person_axis(p, BOOK, TODAY).lanes if lane.stage == "probationary").spans[0]
    assert probation.end == d("2027-03-14")


def test_an_applicants_path_to_come_is_projected() -> None:
    axis = person_axis(person(("applied", "2026-09-06")), BOOK, TODAY)
    lanes = {lane.stage: lane for lane in axis.lanes}
    assert not lanes["applicant"].start_projected and lanes["activist"].start_projected
    r5 = lanes["activist"].spans[0]
    assert r5.projected and (r5.end - r5.start).days == 365


def test_someone_who_left_has_no_projected_path() -> None:
    p = with_events(person(("applied", "2026-09-06")), ("left", "2026-10-20", {"reason": "本人撤回"}))
    assert [lane.stage for lane in person_axis(p, BOOK, TODAY).lanes] == ["applicant"]


# --------------------------------------------------------------------------- the year's flows

def test_the_flows_of_several_years_are_each_years_figures(tmp_path: Path) -> None:
    people = _demo(tmp_path)
    trend = year_flows(people, 2021, 2027, TODAY)
    assert sorted(trend) == list(range(2021, 2027))  # not beyond this year
    for year, flows in trend.items():
        assert flows == year_figures(people, year, TODAY).flows


def test_the_end_of_probation_is_a_reminder_to_act_promptly_never_overdue() -> None:
    p = probationer("2025-09-14")  # probation ended 2026-09-14; no conversion vote yet (R14: "及时")
    marks = agenda([p], BOOK, TODAY).on(d("2026-09-14"))
    assert [(m.kind, m.event) for m in marks] == [("waiting", "converted"), ("earliest", "converted")]
    assert marks[0].what("zh") == "应及时办理：支部大会讨论转正"
