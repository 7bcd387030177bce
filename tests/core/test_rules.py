"""Every time rule of RULES.md (R1–R19) at its boundaries: the day before, the day, the day after."""

from __future__ import annotations

import pytest

from tracker.dates import Length
from tracker.nextstep import next_step
from tracker.profiles import load_rulebook
from tracker.rules import check_event, deadlines, lateness, probation_end

from .helpers import BOOK, d, ev, person, probationer, ready_target, with_events


def refused_by(p, e, book=BOOK, today=None):  # type: ignore[no-untyped-def]
    return {v.rule for v in check_event(p, e, book, today).refusals}


def open_deadline(p, rule_id, today, book=BOOK):  # type: ignore[no-untyped-def]
    found = [x for x in deadlines(p, book, d(today)) if x.rule == rule_id]
    return found[0] if found else None


# ---------------------------------------------------------------- R1 age 18 to apply

@pytest.mark.parametrize(("birth", "applied", "ok"), [
    ("2008-05-11", "2026-05-10", False),
    ("2008-05-11", "2026-05-11", True),   # the 18th birthday itself
    ("2008-05-11", "2026-05-12", True),
    ("2008-02-29", "2026-02-27", False),
    ("2008-02-29", "2026-02-28", True),   # Feb 29 + 18 years clamps to Feb 28
    ("2008-12-31", "2026-12-30", False),
    ("2008-12-31", "2026-12-31", True),
])
def test_r1_applicant_must_be_18(birth: str, applied: str, ok: bool) -> None:
    p = person(birth=birth)
    assert ("age-18-apply" not in refused_by(p, ev("applied", applied))) is ok


def test_r1_refusal_names_the_earliest_day_and_article() -> None:
    check = check_event(person(birth="2008-05-11"), ev("applied", "2026-05-01"), BOOK)
    assert check.earliest == d("2026-05-11")
    assert "细则第五条" in check.refusals[0].zh and "Art. 5" in check.refusals[0].en


# ---------------------------------------------------------------- R2 intake talk within a month

@pytest.mark.parametrize(("applied", "today", "days_left", "status"), [
    ("2024-01-31", "2024-02-28", 1, "due"),
    ("2024-01-31", "2024-02-29", 0, "due"),      # month end clamp: due on Feb 29, still on time
    ("2024-01-31", "2024-03-01", -1, "overdue"),
    ("2023-01-31", "2023-02-28", 0, "due"),      # non-leap year clamps to Feb 28
])
def test_r2_talk_due_one_month_after_application(applied: str, today: str, days_left: int, status: str) -> None:
    dl = open_deadline(person(("applied", applied)), "talk-1m", today)
    assert dl is not None and dl.days_left == days_left and dl.status == status


def test_r2_talk_recorded_the_day_after_is_one_day_late_but_saved() -> None:
    p = person(("applied", "2024-01-31"))
    check = check_event(p, ev("talked", "2024-03-01"), BOOK, d("2024-03-05"))
    assert check.ok
    assert [(n.rule, n.zh.startswith("逾期 1 天")) for n in check.notes] == [("talk-1m", True)]


def test_r2_talk_on_the_due_day_is_not_late() -> None:
    p = person(("applied", "2024-01-31"), ("talked", "2024-02-29"))
    assert lateness(p, p.last("talked"), BOOK) == []  # type: ignore[arg-type]


def test_r2_closes_once_talk_is_recorded() -> None:
    p = person(("applied", "2024-01-31"), ("talked", "2024-02-10"))
    assert open_deadline(p, "talk-1m", "2024-06-01") is None


# ---------------------------------------------------------------- R3 application → activist

def test_r3_national_minimum_is_none() -> None:
    assert check_event(person(("applied", "2024-01-31")), ev("activist", "2024-01-31"), BOOK).ok


@pytest.mark.parametrize(("activist", "ok"), [("2024-04-29", False), ("2024-04-30", True), ("2024-05-01", True)])
def test_r3_local_three_months_from_month_end(activist: str, ok: bool) -> None:
    book = load_rulebook("data/profiles/local-example.toml")
    p = person(("applied", "2024-01-31"))
    assert ("apply-to-activist" not in refused_by(p, ev("activist", activist), book)) is ok


# ---------------------------------------------------------------- R4 half-yearly assessment

@pytest.mark.parametrize(("today", "days_left"), [("2024-09-14", 1), ("2024-09-15", 0), ("2024-09-16", -1)])
def test_r4_first_assessment_six_months_after_naming(today: str, days_left: int) -> None:
    dl = open_deadline(person(("applied", "2023-06-01"), ("activist", "2024-03-15")), "activist-review-6m", today)
    assert dl is not None and dl.due == d("2024-09-15") and dl.days_left == days_left


def test_r4_next_assessment_counts_from_the_last_one() -> None:
    p = person(("applied", "2023-06-01"), ("activist", "2024-03-15"), ("activist-review", "2024-08-31"))
    dl = open_deadline(p, "activist-review-6m", "2024-12-01")
    assert dl is not None and dl.due == d("2025-02-28")  # Aug 31 + 6 months clamps to Feb 28


def test_r4_stops_when_no_longer_an_activist() -> None:
    p = person(("applied", "2023-01-01"), ("activist", "2023-06-01"), ("target", "2024-06-01"))
    assert open_deadline(p, "activist-review-6m", "2025-01-01") is None


def test_r4_late_assessment_is_noted() -> None:
    p = person(("applied", "2023-06-01"), ("activist", "2024-03-15"))
    check = check_event(p, ev("activist-review", "2024-09-20", result="pass"), BOOK)
    assert check.ok and [n.rule for n in check.notes] == ["activist-review-6m"]


# ---------------------------------------------------------------- R5 one year as activist

@pytest.mark.parametrize(("activist", "target", "ok"), [
    ("2024-03-15", "2025-03-14", False),
    ("2024-03-15", "2025-03-15", True),   # the anniversary itself
    ("2024-03-15", "2025-03-16", True),
    ("2024-02-29", "2025-02-27", False),
    ("2024-02-29", "2025-02-28", True),   # Feb 29 + 1 year = Feb 28
    ("2023-01-31", "2024-01-30", False),
    ("2023-01-31", "2024-01-31", True),
])
def test_r5_target_after_one_year_as_activist(activist: str, target: str, ok: bool) -> None:
    p = person(("applied", "2022-01-01"), ("activist", activist))
    assert ("activist-1y" not in refused_by(p, ev("target", target))) is ok


def test_r5_message_matches_house_style() -> None:
    p = person(("applied", "2024-01-01"), ("activist", "2025-03-15"))
    check = check_event(p, ev("target", "2026-03-01"), BOOK)
    msg = check.refusals[0]
    assert msg.zh.startswith("不能确定为发展对象：确定为入党积极分子（2025-03-15）未满1年，最早可于 2026-03-15")
    assert "细则第十三条" in msg.zh
    assert msg.earliest == d("2026-03-15")


def test_r5_2014_article_number_is_kept_under_the_old_edition() -> None:
    p = person(("applied", "2020-01-01"), ("activist", "2024-03-15"))
    check = check_event(p, ev("target", "2025-03-01"), BOOK)
    assert check.refusals[0].citation_zh == "细则第十三条"


# ---------------------------------------------------------------- R6 publicity (2026 only)

def _activist_2024() -> list[tuple[str, str]]:
    """An activist of 2024 whose listing the higher committee consented to (R20) in 2025."""
    return [("applied", "2023-01-01"), ("activist", "2024-01-10"), ("target-proposed", "2025-02-01"),
            ("target-filed", "2025-02-01")]


@pytest.mark.parametrize(("target", "needs_publicity"), [
    ("2026-05-09", False), ("2026-05-10", False), ("2026-05-11", True), ("2026-05-12", True),
])
def test_r6_publicity_required_from_2026_05_11(target: str, needs_publicity: bool) -> None:
    p = person(*_activist_2024())
    assert ("publicity-5wd" in refused_by(p, ev("target", target))) is needs_publicity


@pytest.mark.parametrize(("start", "earliest"), [
    ("2026-06-01", "2026-06-06"),   # Mon–Fri, listing from Saturday
    ("2026-06-03", "2026-06-10"),   # spans a weekend
    ("2026-06-17", "2026-06-25"),   # spans the Dragon Boat Festival (06-19)
    ("2026-09-18", "2026-09-24"),   # Sunday 09-20 is an official make-up working day
    ("2026-09-28", "2026-10-10"),   # spans the National Day holiday
])
def test_r6_five_working_days_complete_at_the_end_of_the_fifth(start: str, earliest: str) -> None:
    p = person(*_activist_2024(), ("publicity", start))
    before = d(earliest).toordinal() - 1
    from datetime import date as _date

    assert "publicity-5wd" in refused_by(p, ev("target", _date.fromordinal(before).isoformat()))
    assert "publicity-5wd" not in refused_by(p, ev("target", earliest))
    check = check_event(p, ev("target", _date.fromordinal(before).isoformat()), BOOK)
    assert check.earliest == d(earliest)


def test_r6_missing_publicity_tells_what_to_record() -> None:
    check = check_event(person(*_activist_2024()), ev("target", "2026-06-01"), BOOK)
    (v,) = check.refusals
    assert "尚未记录“发展对象公示开始”" in v.zh and v.earliest is None and v.overridable


# ---------------------------------------------------------------- R7–R9 gates before admission

@pytest.mark.parametrize(("trainings", "ok"), [
    ([], False),
    ([{"days": 2.0}], False),
    ([{"days": 3.0}], True),
    ([{"hours": 23.0}], False),
    ([{"hours": 24.0}], True),
    ([{"days": 2.0}, {"days": 1.0}], True),     # two sessions add up
    ([{"hours": 12.0}, {"hours": 12.0}], True),
])
def test_r7_training_three_days_or_24_hours(trainings: list[dict[str, float]], ok: bool) -> None:
    p = person(("applied", "2023-01-01"), ("activist", "2023-06-01"), ("target", "2025-06-01"),
               *[("training", "2025-06-02", t) for t in trainings])
    assert ("training-3d-24h" not in refused_by(p, ev("admitted", "2025-08-01"))) is ok


@pytest.mark.parametrize(("reviews", "ok"), [
    ([], False), (["fail"], False), (["pass"], True), (["fail", "pass"], True), (["pass", "fail"], False),
])
def test_r8_political_review_passed(reviews: list[str], ok: bool) -> None:
    p = person(("applied", "2023-01-01"), ("activist", "2023-06-01"), ("target", "2025-06-01"),
               *[("political-review", f"2025-06-0{i + 2}", {"result": r}) for i, r in enumerate(reviews)])
    assert ("political-review-passed" not in refused_by(p, ev("admitted", "2025-08-01"))) is ok


def test_r8_review_dated_after_the_meeting_puts_the_meeting_out_of_order() -> None:
    p = with_events(ready_target(), ("political-review", "2025-08-02", {"result": "pass"}))
    check = check_event(p, ev("admitted", "2025-08-01"), BOOK)
    assert [v.rule for v in check.hard_refusals] == ["before-earlier-step"]
    assert "政治审查" in check.refusals[0].zh


@pytest.mark.parametrize(("names", "ok"), [([], False), (["李四"], False), (["李四", "王五"], True)])
def test_r9_two_sponsors(names: list[str], ok: bool) -> None:
    events = [("applied", "2023-01-01"), ("activist", "2023-06-01"), ("target", "2025-06-01")]
    if names:
        events.append(("sponsors", "2025-06-02", {"names": names}))
    assert ("two-sponsors" not in refused_by(person(*events), ev("admitted", "2025-08-01"))) is ok


def test_ready_target_passes_every_gate() -> None:
    assert check_event(ready_target(), ev("admitted", "2025-08-01"), BOOK).ok


# ---------------------------------------------------------------- R10 pre-review → meeting within a month

@pytest.mark.parametrize(("today", "days_left"), [("2026-07-29", 1), ("2026-07-30", 0), ("2026-07-31", -1)])
def test_r10_meeting_due_a_month_after_pre_review(today: str, days_left: int) -> None:
    p = person(("applied", "2024-01-01"), ("activist", "2024-06-01"), ("target", "2026-05-01"),
               ("pre-review", "2026-06-30", {"result": "pass"}))
    dl = open_deadline(p, "pre-review-1m", today)
    assert dl is not None and dl.days_left == days_left


@pytest.mark.parametrize(("pre_review", "has_deadline"), [("2026-05-10", False), ("2026-05-11", True)])
def test_r10_only_for_pre_reviews_from_2026_05_11(pre_review: str, has_deadline: bool) -> None:
    p = person(("applied", "2024-01-01"), ("activist", "2024-06-01"), ("target", "2026-05-01"),
               ("pre-review", pre_review, {"result": "pass"}))
    assert (open_deadline(p, "pre-review-1m", "2026-05-20") is not None) is has_deadline


# ---------------------------------------------------------------- R11 approval within 3 months (max 6)

def test_r11_approval_due_three_months_after_admission_clamped() -> None:
    p = with_events(ready_target(), ("admitted", "2025-11-30"))
    assert p.stage == "target" and p.pending == "approval"
    dl = open_deadline(p, "admission-approval-3m", "2026-02-27")
    assert dl is not None and dl.due == d("2026-02-28") and dl.limit == d("2026-05-30") and dl.days_left == 1


@pytest.mark.parametrize(("approved", "late", "beyond"), [
    ("2026-02-28", None, False), ("2026-03-01", 1, False), ("2026-05-30", 91, False), ("2026-05-31", 92, True),
])
def test_r11_late_approval_and_the_six_month_limit(approved: str, late: int | None, beyond: bool) -> None:
    p = probationer("2025-11-30", approved)
    found = [x for x in lateness(p, p.last("approved"), BOOK) if x.rule == "admission-approval-3m"]  # type: ignore[arg-type]
    if late is None:
        assert found == []
    else:
        assert found[0].days == late and found[0].beyond_limit is beyond


# ---------------------------------------------------------------- R12 oath within a month of approval (2026)

@pytest.mark.parametrize(("approved", "due"), [("2026-05-10", None), ("2026-05-11", "2026-06-11"),
                                               ("2026-07-31", "2026-08-31")])
def test_r12_oath_due_a_month_after_approval_from_2026(approved: str, due: str | None) -> None:
    p = probationer("2026-03-01", approved)
    dl = open_deadline(p, "oath-1m", "2026-08-01")
    assert (dl.due if dl else None) == (d(due) if due else None)


# ---------------------------------------------------------------- R13–R15 probation

@pytest.mark.parametrize(("admitted", "end"), [
    ("2024-02-29", "2025-02-28"), ("2025-01-31", "2026-01-31"), ("2025-06-15", "2026-06-15"),
])
def test_r13_probation_is_one_year_from_the_meeting(admitted: str, end: str) -> None:
    p = probationer(admitted)
    assert probation_end(p) == d(end)


@pytest.mark.parametrize(("converted", "ok"), [("2025-02-27", False), ("2025-02-28", True), ("2025-03-01", True)])
def test_r13_conversion_not_before_probation_ends(converted: str, ok: bool) -> None:
    p = with_events(probationer("2024-02-29"), ("conversion-request", "2025-02-01"))
    assert ("probation-1y" not in refused_by(p, ev("converted", converted))) is ok


@pytest.mark.parametrize(("today", "days_left", "status"), [
    ("2026-06-14", 1, "due"), ("2026-06-15", 0, "waiting"), ("2026-06-16", -1, "waiting"),
    ("2027-06-16", -366, "waiting"),  # a year on: still waiting, never "overdue" (R14 gives no number)
])
def test_r14_conversion_is_a_reminder_that_waits_and_is_never_overdue(today: str, days_left: int,
                                                                       status: str) -> None:
    p = probationer("2025-06-15")
    dl = open_deadline(p, "conversion-prompt", today)
    assert dl is not None and dl.days_left == days_left and dl.status == status and not dl.overdue


def test_r14_waiting_says_how_long_since_probation_ended() -> None:
    dl = open_deadline(probationer("2025-06-15"), "conversion-prompt", "2026-06-25")
    assert dl is not None and dl.waiting_text("zh") == "预备期已满 10 天，待支部大会讨论转正"


def test_r14_recording_the_vote_late_is_never_called_late() -> None:
    p = with_events(probationer("2025-06-15"), ("conversion-request", "2026-06-01"))
    check = check_event(p, ev("converted", "2026-12-01"), BOOK)
    assert check.ok and check.notes == ()


def test_r14_a_unit_may_give_it_a_length_and_then_it_is_a_deadline(tmp_path) -> None:  # type: ignore[no-untyped-def]
    local = tmp_path / "unit.toml"
    local.write_text('''name = "unit"
kind = "local"
[[rules]]
id = "conversion-prompt"
code = "R14"
kind = "deadline"
from = "probation_end"
to = "converted"
length = "1m"
stages = ["probationary"]
source = "local"
zh = "预备期满后一个月内讨论转正"
en = "conversion within a month of the end of probation"
''', encoding="utf-8")
    book = load_rulebook(str(local))
    dl = open_deadline(probationer("2025-06-15"), "conversion-prompt", "2026-07-16", book)
    assert dl is not None and dl.kind == "deadline" and dl.status == "overdue" and dl.due == d("2026-07-15")


@pytest.mark.parametrize(("months", "ok"), [(5, False), (6, True), (12, True), (13, False)])
def test_r15_extension_between_six_and_twelve_months(months: int, ok: bool) -> None:
    p = probationer("2025-07-01")
    assert ("extension-once-6-12m" not in refused_by(p, ev("extended", "2026-07-01", months=months))) is ok


def test_r15_extension_only_once_and_moves_the_end() -> None:
    p = with_events(probationer("2024-02-29"), ("extended", "2025-02-28", {"months": 6}),
                    ("conversion-request", "2025-08-01"))
    assert probation_end(p) == d("2025-08-29")  # from the original anchor, not Feb 28 + 6 months
    assert "extension-once-6-12m" in refused_by(p, ev("extended", "2025-03-01", months=6))
    assert "probation-1y" in refused_by(p, ev("converted", "2025-08-28"))
    assert "probation-1y" not in refused_by(p, ev("converted", "2025-08-29"))


# ---------------------------------------------------------------- R16 conversion approval within 3 months

@pytest.mark.parametrize(("converted", "due"), [("2025-01-31", "2025-04-30"), ("2025-11-30", "2026-02-28")])
def test_r16_conversion_approval_due_in_three_months(converted: str, due: str) -> None:
    p = with_events(probationer("2023-08-01"), ("conversion-request", "2024-07-15"), ("converted", converted))
    assert p.stage == "probationary" and p.pending == "conversion-approval"
    dl = open_deadline(p, "conversion-approval-3m", "2025-01-31")
    assert dl is not None and dl.due == d(due)


# ---------------------------------------------------------------- R17 transferred-in probationer

def test_r17_transferred_in_may_wait_six_months_after_the_end() -> None:
    p = with_events(probationer("2025-06-15"), ("transferred-in", "2025-09-01"))
    rules = {x.rule: x.due for x in deadlines(p, BOOK, d("2026-07-01"))}
    assert "conversion-prompt" not in rules
    assert rules["transfer-postpone-6m"] == d("2026-12-15")


# ---------------------------------------------------------------- R18 expected departure

@pytest.mark.parametrize(("leaving", "ok"), [("2026-08-31", False), ("2026-09-01", False), ("2026-09-02", True)])
def test_r18_not_admitted_when_leaving_within_three_months(leaving: str, ok: bool) -> None:
    p = ready_target(expected_departure=d(leaving))
    assert ("departure-3m" not in refused_by(p, ev("admitted", "2026-06-01"))) is ok


# ---------------------------------------------------------------- R19 age 18 at admission

@pytest.mark.parametrize(("birth", "admitted", "ok"), [
    ("2007-08-01", "2025-07-31", False), ("2007-08-01", "2025-08-01", True), ("2007-08-01", "2025-08-02", True),
])
def test_r19_eighteen_on_the_meeting_day(birth: str, admitted: str, ok: bool) -> None:
    p = ready_target(birth=birth)
    assert ("age-18-admit" not in refused_by(p, ev("admitted", admitted))) is ok


def test_r19_missing_birth_date_blocks_admission() -> None:
    p = ready_target(birth=None)
    assert "age-18-admit" in refused_by(p, ev("admitted", "2025-08-01"))


# ---------------------------------------------------------------- order and input

def test_stage_step_out_of_order_is_refused_without_override() -> None:
    check = check_event(person(("applied", "2024-01-01")), ev("target", "2025-06-01"), BOOK)
    assert [v.rule for v in check.refusals] == ["stage-order"] and check.hard_refusals
    assert "须先“确定为入党积极分子”" in check.refusals[0].zh


def test_step_dated_before_the_previous_stage_is_refused() -> None:
    check = check_event(person(("applied", "2024-03-01")), ev("activist", "2024-02-28"), BOOK)
    assert "before-stage-date" in {v.rule for v in check.hard_refusals}


def test_future_date_is_refused_as_input() -> None:
    check = check_event(person(("applied", "2024-03-01")), ev("talked", "2024-03-10"), BOOK, d("2024-03-09"))
    assert [(v.rule, v.kind) for v in check.refusals] == [("future-date", "input")]


def test_step_after_the_next_stage_already_began_is_refused() -> None:
    p = person(("applied", "2024-01-01"), ("activist", "2024-06-01"))
    assert "after-next-stage" in refused_by(p, ev("talked", "2024-06-02"))
    assert check_event(p, ev("talked", "2024-05-01"), BOOK).ok


def test_nothing_recorded_after_leaving() -> None:
    p = person(("applied", "2024-01-01"), ("left", "2024-02-01", {"reason": "本人申请"}))
    assert refused_by(p, ev("talked", "2024-01-15")) == {"already-left"}


def test_non_repeatable_step_recorded_twice_is_refused() -> None:
    p = person(("applied", "2024-01-01"), ("talked", "2024-01-10"))
    assert refused_by(p, ev("talked", "2024-01-12")) == {"already-recorded"}


# ---------------------------------------------------------------- next step and editions

def test_next_step_earliest_is_the_anniversary() -> None:
    p = person(("applied", "2023-01-01"), ("activist", "2024-03-15"))
    nxt = next_step(p, BOOK, d("2024-06-01"))
    assert nxt is not None and nxt.event == "target" and nxt.earliest == d("2025-03-15")


def test_next_step_after_the_edition_change_also_needs_consent_and_publicity() -> None:
    p = person(("applied", "2024-01-01"), ("activist", "2025-06-01"))
    nxt = next_step(p, BOOK, d("2026-01-01"))
    assert nxt is not None and nxt.earliest == d("2026-06-01")
    assert {b.rule for b in nxt.blockers} == {"publicity-5wd", "consent-first", "proposal-first"}


def test_pinned_2014_profile_never_asks_for_publicity() -> None:
    book = load_rulebook("cpc-2014")
    p = person(("applied", "2024-01-01"), ("activist", "2025-06-01"), ("target-proposed", "2026-06-01"),
               ("target-filed", "2026-06-01"))
    assert check_event(p, ev("target", "2026-06-01"), book).ok


def test_length_units_read_from_profiles() -> None:
    assert Length.parse("5wd") == Length(5, "wd") and Length.parse("18y").months() == 216


def test_later_stage_steps_are_projected_from_their_minimums() -> None:
    from tracker.reports import projected_stage_dates

    p = person(("applied", "2023-01-01"), ("activist", "2024-03-15"))
    assert projected_stage_dates(p, BOOK, d("2024-06-01")) == {
        "target": d("2025-03-15"), "admitted": d("2025-03-15"), "approved": d("2025-03-15"),
        "converted": d("2026-03-15"), "conversion-approved": d("2026-03-15")}


@pytest.mark.parametrize(("today", "days_left", "status"), [
    ("2025-04-29", 1, "due"), ("2025-04-30", 0, "due"), ("2025-05-01", -1, "overdue"),
])
def test_r16_conversion_approval_boundary(today: str, days_left: int, status: str) -> None:
    p = with_events(probationer("2023-08-01"), ("conversion-request", "2024-07-15"), ("converted", "2025-01-31"))
    dl = open_deadline(p, "conversion-approval-3m", today)
    assert dl is not None and (dl.days_left, dl.status) == (days_left, status)


@pytest.mark.parametrize(("today", "days_left"), [("2026-12-14", 1), ("2026-12-15", 0), ("2026-12-16", -1)])
def test_r17_transferred_in_boundary(today: str, days_left: int) -> None:
    p = with_events(probationer("2025-06-15"), ("transferred-in", "2025-09-01"))
    dl = open_deadline(p, "transfer-postpone-6m", today)
    assert dl is not None and dl.days_left == days_left
