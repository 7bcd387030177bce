"""The procedure as the Rules' text orders it (RULES.md "The 25 standard steps", R20–R23), the stages
following the approvals, collective oaths, provisional working days and steps before 2014."""

from __future__ import annotations

from datetime import date

import pytest

from tracker.nextstep import next_step
from tracker.profiles import load_rulebook
from tracker.reports import stage_counts, status, timeline
from tracker.rules import check_event, deadlines, lateness, party_standing_from, stage_date
from tracker.yearly import year_figures

from .helpers import BOOK, d, ev, person, probationer, ready_target, with_events


def refused_by(p, e, book=BOOK, today=None):  # type: ignore[no-untyped-def]
    return {v.rule for v in check_event(p, e, book, today).refusals}


def activist(on: str = "2024-03-15", *more: tuple[str, ...]):  # type: ignore[no-untyped-def]
    return person(("applied", "2023-06-01"), ("activist", on), *more)


# ---------------------------------------------------------------- R5 applies to proposal, consent and listing

@pytest.mark.parametrize("step", ["target-proposed", "target-filed", "target"])
@pytest.mark.parametrize(("on", "ok"), [("2025-03-14", False), ("2025-03-15", True), ("2025-03-16", True)])
def test_r5_one_year_is_the_condition_for_being_proposed_consented_and_listed(step: str, on: str, ok: bool) -> None:
    p = activist("2024-03-15", ("target-filed", "2024-03-15")) if step == "target" else activist()
    assert ("activist-1y" not in refused_by(p, ev(step, on))) is ok


@pytest.mark.parametrize(("on", "ok"), [("2027-02-27", False), ("2027-02-28", True)])
def test_r5_for_consent_across_the_2026_edition_on_feb_29(on: str, ok: bool) -> None:
    p = person(("applied", "2023-06-01"), ("activist", "2026-02-28"))
    assert ("activist-1y" not in refused_by(p, ev("target-filed", on))) is ok


def test_an_activist_records_the_consent_it_is_not_a_target_step() -> None:
    check = check_event(activist("2024-03-15", ("target-proposed", "2025-04-01")), ev("target-filed", "2025-04-01"), BOOK)
    assert check.ok and check.verdicts


# ---------------------------------------------------------------- R20 consent (2014: filing) before publicity and listing

@pytest.mark.parametrize(("listed", "rule_text"), [
    ("2026-05-10", "备案"),   # 2014: filed with the higher committee
    ("2026-05-11", "同意"),   # 2026: the higher committee consents
])
def test_r20_listing_without_consent_is_refused_in_both_editions(listed: str, rule_text: str) -> None:
    p = activist("2024-03-15", ("publicity", "2026-04-01"))
    check = check_event(p, ev("target", listed), BOOK)
    (v,) = [v for v in check.refusals if v.rule == "consent-first"]
    assert v.overridable and rule_text in v.zh and "细则第十三条" in v.zh


@pytest.mark.parametrize(("start", "needs_consent"), [("2026-05-10", False), ("2026-05-11", True)])
def test_r20_publicity_needs_the_consent_from_2026_05_11(start: str, needs_consent: bool) -> None:
    assert ("consent-first" in refused_by(activist(), ev("publicity", start))) is needs_consent


def test_r20_consent_on_the_day_of_the_publicity_is_enough() -> None:
    p = activist("2024-03-15", ("target-proposed", "2026-06-01"), ("target-filed", "2026-06-01"))
    assert check_event(p, ev("publicity", "2026-06-01"), BOOK).ok


def test_old_flowchart_order_consent_after_listing_is_refused() -> None:
    p = activist("2024-03-15", ("target-filed", "2025-03-20"), ("target", "2025-03-20"))
    p2 = person(("applied", "2023-06-01"), ("activist", "2024-03-15"), ("target", "2025-03-20"))
    assert refused_by(p2, ev("target-filed", "2025-03-25")) == {"after-next-stage"}
    # and a consent already recorded may not be dated after the listing being recorded
    p3 = activist("2024-03-15", ("target-filed", "2025-04-01"))
    assert refused_by(p3, ev("target", "2025-03-20")) == {"before-earlier-step"}
    assert p.stage == "target"


def test_earliest_takes_a_later_publicity_into_account() -> None:
    # the example: activist 2025-05-01, publicity 2026-06-01 → not 2026-05-01 but 2026-06-06
    p = person(("applied", "2024-06-01"), ("activist", "2025-05-01"), ("target-proposed", "2026-05-20"),
               ("target-filed", "2026-05-20"), ("publicity", "2026-06-01"))
    nxt = next_step(p, BOOK, d("2026-06-02"))
    assert nxt is not None and nxt.earliest == d("2026-06-06")
    assert "publicity-5wd" in refused_by(p, ev("target", "2026-06-05"))
    assert check_event(p, ev("target", "2026-06-06"), BOOK).ok


# ---------------------------------------------------------------- R21 pre-review passed, R22 committee talk, R23 request

@pytest.mark.parametrize(("reviews", "ok"), [
    ([], False), ([{}], False), ([{"result": "fail"}], False), ([{"result": "pass"}], True),
    ([{"result": "fail"}, {"result": "pass"}], True),
])
def test_r21_the_meeting_needs_a_passed_pre_review(reviews: list[dict[str, str]], ok: bool) -> None:
    base = person(("applied", "2023-01-01"), ("activist", "2023-06-01"), ("target-filed", "2025-06-01"),
                  ("target", "2025-06-01"), ("sponsors", "2025-06-01", {"names": ["李四", "王五"]}),
                  ("political-review", "2025-06-01", {"result": "pass"}), ("training", "2025-06-01", {"days": 3.0}),
                  *[("pre-review", f"2025-07-0{i + 1}", r) for i, r in enumerate(reviews)])
    assert ("pre-review-passed" not in refused_by(base, ev("admitted", "2025-08-01"))) is ok


def test_r21_a_failed_pre_review_says_so() -> None:
    p = with_events(ready_target(), ("pre-review", "2025-07-01", {"result": "fail"}))
    (v,) = [v for v in check_event(p, ev("admitted", "2025-08-01"), BOOK).refusals]
    assert "结论为“不合格”，须为“合格”" in v.zh and "细则第二十条" in v.zh  # 2014: Art. 20


def test_r22_approval_needs_the_committee_talk() -> None:
    p = with_events(ready_target(), ("admitted", "2025-08-01"))
    check = check_event(p, ev("approved", "2025-09-01"), BOOK)
    assert [v.rule for v in check.refusals] == ["committee-talk-first"]
    assert "细则第二十四条（推定）" in check.refusals[0].zh  # 2014's number is inferred, and says so
    p2 = with_events(p, ("committee-talk", "2026-06-01"))
    c2 = check_event(p2, ev("approved", "2026-06-01"), BOOK)
    assert c2.ok


def test_r22_talk_before_the_meeting_is_out_of_order() -> None:
    check = check_event(ready_target(), ev("committee-talk", "2025-07-01"), BOOK)
    assert [v.rule for v in check.hard_refusals] == ["needs-step"] and "支部大会讨论接收为预备党员" in check.refusals[0].zh


def test_r23_conversion_needs_the_written_request() -> None:
    p = probationer("2025-06-15")
    check = check_event(p, ev("converted", "2026-06-15"), BOOK)
    assert [v.rule for v in check.refusals] == ["conversion-request-first"] and check.refusals[0].overridable
    assert "细则第三十二条" in check.refusals[0].zh
    assert check_event(with_events(p, ("conversion-request", "2026-06-01")), ev("converted", "2026-06-15"), BOOK).ok


# ---------------------------------------------------------------- stages follow the approvals

def test_admitted_is_a_target_awaiting_approval_then_probationary_from_the_meeting() -> None:
    p = with_events(ready_target(), ("admitted", "2025-08-01"))
    assert (p.stage, p.pending, stage_date(p)) == ("target", "approval", d("2025-06-01"))
    q = with_events(p, ("committee-talk", "2025-08-20"), ("approved", "2025-10-10"))
    assert (q.stage, q.pending, stage_date(q)) == ("probationary", None, d("2025-08-01"))


def test_converted_is_probationary_awaiting_approval_then_member_from_the_end_of_probation() -> None:
    p = with_events(probationer("2024-02-29"), ("conversion-request", "2025-02-01"), ("converted", "2025-03-10"))
    assert (p.stage, p.pending, party_standing_from(p)) == ("probationary", "conversion-approval", None)
    q = with_events(p, ("conversion-approved", "2025-05-20"))
    assert (q.stage, q.pending, stage_date(q), party_standing_from(q)) == (
        "member", None, d("2025-02-28"), d("2025-02-28"))


def test_counts_and_status_follow_the_approvals() -> None:
    awaiting = with_events(ready_target(), ("admitted", "2025-08-01"))
    people = [awaiting, probationer("2025-06-01")]
    assert stage_counts(people)["target"] == 1 and stage_counts(people)["probationary"] == 1
    assert status(people, BOOK, d("2025-09-01")).pending == {"approval": 1, "conversion-approval": 0}


def test_probationary_steps_wait_for_the_approval() -> None:
    p = with_events(ready_target(), ("admitted", "2025-08-01"))
    check = check_event(p, ev("oath", "2025-08-10"), BOOK)
    assert [v.rule for v in check.refusals] == ["stage-order"]
    assert "待上级党委审批" in check.refusals[0].zh and "上级党委审批（接收预备党员）" in check.refusals[0].zh


def test_next_step_of_a_target_awaiting_approval_is_the_approval() -> None:
    p = with_events(ready_target(), ("admitted", "2025-08-01"))
    nxt = next_step(p, BOOK, d("2025-08-05"))
    assert nxt is not None and nxt.event == "approved" and nxt.earliest == d("2025-08-01")
    assert [b.rule for b in nxt.blockers] == ["committee-talk-first"]


def test_year_figures_count_approvals() -> None:
    p = with_events(probationer("2025-06-01", "2025-08-01"), ("conversion-request", "2026-05-20"),
                    ("converted", "2026-06-01"), ("conversion-approved", "2026-07-01"))
    waiting = with_events(ready_target(), ("admitted", "2025-12-20"))
    y25 = year_figures([p, waiting], 2025, d("2026-11-27"))
    assert y25.flows["approved"] == 1 and y25.flows["conversion-approved"] == 0
    assert year_figures([p, waiting], 2026, d("2026-11-27")).flows["conversion-approved"] == 1


def test_year_figures_across_new_year_vote_in_december_approval_in_january() -> None:
    p = with_events(ready_target(), ("admitted", "2025-12-20"), ("committee-talk", "2026-01-05"),
                    ("approved", "2026-01-10"))
    y25 = year_figures([p], 2025, d("2026-11-27"))
    y26 = year_figures([p], 2026, d("2026-11-27"))
    assert (y25.flows["approved"], y26.flows["approved"]) == (0, 1)  # 发展党员 by the approval's date
    assert y25.at_end["target"] == 1 and y25.at_end["probationary"] == 0  # at 2025's end: awaiting approval
    assert y26.at_end["probationary"] == 1 and not y26.complete and y26.as_of == d("2026-11-27")
    assert "年末有入党申请人0名、入党积极分子0名、发展对象1名、预备党员0名" in y25.sentence("zh")


def test_year_end_counts_leave_out_who_left_or_had_not_applied() -> None:
    gone = person(("applied", "2024-01-01"), ("left", "2025-06-01", {"reason": "调离"}))
    later = person(("applied", "2026-02-01"))
    figs = year_figures([gone, later], 2025, d("2026-11-27"))
    assert figs.at_end == {"applicant": 0, "activist": 0, "target": 0, "probationary": 0, "member": 0}
    assert figs.flows["left"] == 1


def test_timeline_lists_the_steps_in_the_texts_order() -> None:
    rows = [r.event for r in timeline(activist(), BOOK, d("2024-06-01"))]
    assert rows.index("target-proposed") < rows.index("target-filed") < rows.index("publicity") < rows.index("target")
    assert rows.index("target") < rows.index("sponsors")
    assert rows.index("pre-review") < rows.index("admitted") < rows.index("committee-talk") < rows.index("approved")
    assert rows.index("conversion-request") < rows.index("converted") < rows.index("conversion-approved")
    assert len([r for r in rows if r != "publicity" and r != "target"]) == 25


# ---------------------------------------------------------------- R12 collective oath

@pytest.mark.parametrize(("approved", "oath", "collective", "late"), [
    ("2026-06-10", "2026-07-10", False, False),  # within the month
    ("2026-06-10", "2026-07-11", False, True),
    ("2026-06-05", "2026-07-01", True, False),   # 七一 within the month anyway
    ("2026-07-20", "2026-10-01", True, False),   # waited for 国庆, the first listed date after the deadline
    ("2026-07-20", "2026-10-01", False, True),   # the same date, not collective: late
    ("2026-07-20", "2026-10-02", True, True),    # not a listed date
    ("2026-05-20", "2026-10-01", True, True),    # 七一 came first: 国庆 is too late
])
def test_r12_collective_oath_on_a_listed_date_is_on_time(approved: str, oath: str, collective: bool,
                                                         late: bool) -> None:
    p = with_events(probationer("2026-05-12", approved), ("oath", oath, {"collective": collective}))
    found = [x for x in lateness(p, p.last("oath"), BOOK) if x.rule == "oath-1m"]  # type: ignore[arg-type]
    assert bool(found) is late


def test_r12_a_unit_may_add_its_own_collective_date(tmp_path) -> None:  # type: ignore[no-untyped-def]
    f = tmp_path / "unit.toml"
    f.write_text('name = "unit"\nkind = "local"\ncollective_oath_dates = ["05-04"]\n', encoding="utf-8")
    book = load_rulebook(str(f))
    p = with_events(probationer("2026-05-12", "2027-03-01"), ("oath", "2027-05-04", {"collective": True}))
    assert lateness(p, p.last("oath"), book) == []  # type: ignore[arg-type]
    assert lateness(p, p.last("oath"), BOOK) != []  # type: ignore[arg-type]


# ---------------------------------------------------------------- R9's 2026 clause as a notice

@pytest.mark.parametrize(("on", "notice"), [("2026-05-10", False), ("2026-05-11", True)])
def test_r9_discipline_clause_is_a_reminder_when_sponsors_are_recorded_from_2026(on: str, notice: bool) -> None:
    p = person(("applied", "2023-01-01"), ("activist", "2023-06-01"), ("target-filed", "2024-06-01"),
               ("target", "2024-06-01"))
    check = check_event(p, ev("sponsors", on, names=["李四", "王五"]), BOOK)
    assert check.ok
    assert any(n.rule == "sponsor-discipline" and "不宜" in n.zh for n in check.notes) is notice


# ---------------------------------------------------------------- provisional working days

def test_a_publicity_in_a_year_without_a_notice_is_counted_on_weekdays_and_marked_provisional() -> None:
    p = person(("applied", "2025-06-01"), ("activist", "2026-01-04"), ("target-filed", "2027-01-05"),
               ("publicity", "2027-01-05"))
    check = check_event(p, ev("target", "2027-01-09"), BOOK)
    (v,) = [v for v in check.refusals if v.rule == "publicity-5wd"]
    assert v.provisional and v.earliest == d("2027-01-12") and "暂定" in v.zh
    nxt = next_step(p, BOOK, d("2027-01-06"))
    assert nxt is not None and nxt.provisional and nxt.earliest == d("2027-01-12")


def test_a_publicity_in_a_published_year_is_not_provisional() -> None:
    p = activist("2024-03-15", ("target-filed", "2026-06-01"), ("publicity", "2026-06-01"))
    check = check_event(p, ev("target", "2026-06-05"), BOOK)
    assert not check.provisional and not next_step(p, BOOK, d("2026-06-02")).provisional  # type: ignore[union-attr]


# ---------------------------------------------------------------- before 2014-05-28: order only

def test_steps_before_2014_are_checked_for_order_only_and_say_so() -> None:
    p = person(("applied", "2010-01-01"), ("activist", "2010-03-01"))
    check = check_event(p, ev("target", "2010-06-01"), BOOK)  # no year, no filing: not modelled
    assert check.ok and any(n.rule == "unmodelled" and "1990" in n.zh for n in check.notes)
    assert refused_by(p, ev("target", "2010-02-01")) == {"before-stage-date"}  # order still checked


def test_no_deadlines_run_from_before_2014() -> None:
    assert deadlines(person(("applied", "2012-01-01")), BOOK, date(2012, 6, 1)) == []
