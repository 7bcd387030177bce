"""The meeting's core: the publicity's dates from the profile, the R6 hint, the notice, one decision for many."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tracker.meeting import meeting_items, publicity_people
from tracker.model import Event
from tracker.profiles import load_rulebook
from tracker.publicity import build_notice, publicity_window
from tracker.rules import check_event
from tracker.service import BatchRefused, Service
from tracker.store import Store

from .helpers import BOOK, d, ev, person

TODAY = date(2026, 11, 27)
LOCAL = load_rulebook("local-example")


# ---------------------------------------------------------------- the days a publicity runs

@pytest.mark.parametrize(("start", "last_day", "listable"), [
    ("2026-11-27", "2026-12-03", "2026-12-04"),  # Friday: over a weekend and a month's end
    ("2026-12-28", "2027-01-04", "2027-01-05"),  # over the year's end: 2027 not published, weekends and 元旦 (provisional)
    ("2026-09-30", "2026-10-12", "2026-10-13"),  # National Day inside; Saturday 2026-10-10 is a make-up working day
    ("2026-05-04", "2026-05-11", "2026-05-12"),  # starts inside the May Day holiday; 2026-05-09 (Sat) is worked
    ("2026-05-08", "2026-05-13", "2026-05-14"),  # starts under the 2014 edition, listed under 2026: 5 working days
    ("2026-07-31", "2026-08-06", "2026-08-07"),  # a month's last day, a Friday
])
def test_publicity_window_counts_working_days(start: str, last_day: str, listable: str) -> None:
    w = publicity_window(d(start), BOOK)
    assert (w.last_day, w.listable_from) == (d(last_day), d(listable))
    assert [r.id for r in w.rules] == ["publicity-5wd"]


def test_publicity_window_is_provisional_in_a_year_without_a_holiday_notice() -> None:
    assert publicity_window(d("2026-12-28"), BOOK).provisional
    assert not publicity_window(d("2026-11-27"), BOOK).provisional


def test_publicity_long_before_the_2026_edition_is_not_required() -> None:
    w = publicity_window(d("2026-04-01"), BOOK)  # even 5 working days end before 2026-05-11
    assert not w.required and w.listable_from == d("2026-04-01")


def test_a_local_profile_adds_seven_calendar_days() -> None:
    w = publicity_window(d("2026-11-27"), LOCAL)  # 7 days end 12-03, 5 working days end 12-03 too
    assert w.listable_from == d("2026-12-04")
    w = publicity_window(d("2026-11-30"), LOCAL)  # Monday: 5 working days end 12-04, 7 days end 12-06
    assert (w.last_day, w.listable_from) == (d("2026-12-06"), d("2026-12-07"))
    assert w.length_text("zh") == "5个工作日、7天"


# ---------------------------------------------------------------- R6 without a publicity

def _consented(on: str = "2026-10-20") -> tuple[tuple[str, str], ...]:
    return (("applied", "2024-01-01"), ("activist", "2025-01-01"), ("target-proposed", "2026-10-01"),
            ("target-filed", on))


def test_r6_says_when_the_listing_could_come_if_the_publicity_started_today() -> None:
    check = check_event(person(*_consented()), ev("target", "2026-12-10"), BOOK, None, now=TODAY)
    (v,) = check.refusals
    assert v.code == "R6"
    assert "若今天 2026-11-27 开始公示，最早可于 2026-12-04 确定为发展对象" in v.zh
    assert "上级党委已于 2026-10-20 同意，公示最早可于该日开始" in v.zh
    assert "if it started today, 2026-11-27, the listing could come on 2026-12-04" in v.en


def test_r6_starts_the_publicity_at_the_consent_when_that_is_later() -> None:
    p = person(*_consented("2026-12-01"))
    check = check_event(p, ev("target", "2026-12-20"), BOOK, None, now=TODAY)
    (v,) = check.refusals
    assert "若于 2026-12-01 开始公示，最早可于 2026-12-08 确定为发展对象" in v.zh


def test_r6_without_the_consent_says_it_comes_first() -> None:
    p = person(("applied", "2024-01-01"), ("activist", "2025-01-01"))
    check = check_event(p, ev("target", "2026-11-27"), BOOK, TODAY)
    r6 = next(v for v in check.refusals if v.code == "R6")
    assert "公示须在“报上级党委同意（备案）”之后，该步骤尚未记录" in r6.zh


# ---------------------------------------------------------------- the notice

def _svc(tmp_path: Path) -> Service:
    return Service(Store(tmp_path / "m.json"), BOOK, lambda: TODAY)


def _activist(svc: Service, name: str, branch: str = "第一党支部", consent: str | None = "2026-11-20") -> int:
    p = svc.add({"name": name, "branch": branch, "gender": "女", "birth": "1998-05-01"}, d("2024-01-10")).person
    svc.record(p.id, Event("activist", d("2025-03-01")))
    svc.record(p.id, Event("target-proposed", d("2026-11-10")))
    if consent:
        svc.record(p.id, Event("target-filed", d(consent)))
    return p.id


def test_notice_lists_the_consented_and_says_the_dates(tmp_path: Path) -> None:
    svc = _svc(tmp_path)
    a = _activist(svc, "王芳")
    b = _activist(svc, "李娜", consent=None)
    notice, chosen = svc.notice(d("2026-11-30"))
    assert [p.id for p in notice.people] == [a]
    assert [p.id for p, _ in chosen.refused] == [b]
    assert "王芳（女，1998年5月生），第一党支部；2024-01-10 递交入党申请书，2025-03-01 确定为入党积极分子。" in notice.text
    assert "公示期：2026-11-30 至 2026-12-04（不少于5个工作日）" in notice.text
    assert "李娜" not in notice.text


def test_notice_in_english_and_for_chosen_people(tmp_path: Path) -> None:
    svc = _svc(tmp_path)
    _activist(svc, "王芳")
    b = _activist(svc, "赵敏", branch="第二党支部")
    notice, _ = svc.notice(d("2026-11-27"), pids=[b], lang="en")
    assert [p.name for p in notice.people] == ["赵敏"]
    assert "The publicity runs from 2026-11-27 to 2026-12-03 (at least 5 working days)." in notice.text
    assert "1. 赵敏 (女, born 1998-05), 第二党支部; applied 2024-01-10, activist since 2025-03-01." in notice.text


def test_notice_says_when_the_activist_year_keeps_the_listing_later(tmp_path: Path) -> None:
    people = [person(("applied", "2025-01-01"), ("activist", "2026-01-05"), ("target-proposed", "2026-11-20"),
                     ("target-filed", "2026-11-20"))]
    chosen = publicity_people(people, BOOK, d("2026-11-27"))
    assert chosen.later == {1: d("2027-01-05")}
    notice = build_notice(chosen.people, d("2026-11-27"), BOOK, "zh", issued=TODAY, unit="中共某某委员会",
                          branch="第一党支部")
    assert notice.text.startswith("中共某某委员会第一党支部关于拟确定发展对象的公示")


# ---------------------------------------------------------------- one decision for many

def test_record_many_saves_one_change_and_one_undo_reverts_all(tmp_path: Path) -> None:
    svc = _svc(tmp_path)
    ids = [_activist(svc, n) for n in ("甲一", "乙二", "丙三")]
    before = len(svc.history())
    done = svc.record_many(ids, Event("publicity", d("2026-11-27")))
    assert len(svc.history()) == before + 1 and sorted(svc.history()[-1].people) == sorted(ids)
    assert all(svc.person(i).date_of("publicity") == d("2026-11-27") for i in ids)
    assert done.history_id == svc.history()[-1].id
    svc.undo()
    assert all(svc.person(i).date_of("publicity") is None for i in ids)


def test_record_many_refuses_all_when_one_is_refused(tmp_path: Path) -> None:
    svc = _svc(tmp_path)
    ok = _activist(svc, "甲一")
    no = _activist(svc, "乙二", consent=None)
    with pytest.raises(BatchRefused) as err:
        svc.record_many([ok, no], Event("publicity", d("2026-11-27")))
    assert [p.id for p, _ in err.value.refused] == [no]
    assert "乙二（编号" in err.value.message("zh")
    assert svc.person(ok).date_of("publicity") is None


def test_record_many_skips_the_refused_when_asked(tmp_path: Path) -> None:
    svc = _svc(tmp_path)
    ok = _activist(svc, "甲一")
    no = _activist(svc, "乙二", consent=None)
    done = svc.record_many([ok, no], Event("publicity", d("2026-11-27")), skip_refused=True)
    assert [p.id for p in done.people] == [ok] and [p.id for p, _ in done.skipped] == [no]
    assert svc.person(no).date_of("publicity") is None


def test_record_many_override_lifts_a_minimum_for_each_but_never_the_order(tmp_path: Path) -> None:
    svc = _svc(tmp_path)
    early = svc.add({"name": "早甲"}, d("2026-01-10")).person.id
    svc.record(early, Event("activist", d("2026-03-01")))
    ready = _activist(svc, "乙二")
    done = svc.record_many([early], Event("target-proposed", d("2026-11-27")), override="支委会决定提前研究")
    assert svc.person(early).last("target-proposed").overridden == ("activist-1y",)  # type: ignore[union-attr]
    assert "超越规则 activist-1y" in svc.history()[-1].zh and done.people
    with pytest.raises(BatchRefused):  # already proposed: the order cannot be overridden
        svc.record_many([ready], Event("target-proposed", d("2026-11-27")), override="理由")


def test_meeting_items_filter_by_branch_and_step(tmp_path: Path) -> None:
    svc = _svc(tmp_path)
    _activist(svc, "甲一")
    _activist(svc, "乙二", branch="第二党支部")
    svc.add({"name": "丙三", "branch": "第二党支部"}, d("2026-10-01"))
    items = meeting_items(svc.people(), BOOK, TODAY, branch="第二党支部")
    assert [(e.person.name, e.event) for e in items] == [("丙三", "activist"), ("乙二", "target")]
    assert [e.person.name for e in meeting_items(svc.people(), BOOK, TODAY, step="target")] == ["甲一", "乙二"]


def test_an_activist_not_yet_proposed_is_planned_for_the_branch_committees_proposal() -> None:
    """A secretary found every activist under 确定为发展对象, refused for want of the 备案: the month's decision is
    the branch committee's proposal, and the planner lists that step until it is recorded."""
    ready = person(("applied", "2024-01-05"), ("talked", "2024-01-20"), ("activist", "2025-03-01"))
    young = person(("applied", "2026-01-05"), ("talked", "2026-01-20"), ("activist", "2026-11-27"))
    items = meeting_items([ready, young], BOOK, d("2026-12-10"), today=TODAY)
    assert [(e.event, e.eligible) for e in items] == [("target-proposed", True), ("target-proposed", False)]
    assert items[1].earliest == d("2027-11-27")  # a year as an activist: no earlier hint in the way
    proposed = ready.with_events((*ready.events, ev("target-proposed", "2026-12-10")))
    after = meeting_items([proposed], BOOK, d("2027-01-10"), today=TODAY)
    assert [e.event for e in after] == ["target"]  # proposed: the listing is what comes next
    assert meeting_items([ready, young], BOOK, d("2026-12-10"), today=TODAY, step="target") == []


def test_an_activist_past_the_proposal_is_planned_for_the_listing() -> None:
    """The consent or the publicity recorded (the proposal itself not, e.g. imported): the listing comes next."""
    consented = person(("applied", "2024-01-05"), ("talked", "2024-01-20"), ("activist", "2025-03-01"),
                       ("target-filed", "2026-11-02"))
    publicised = person(("applied", "2024-01-05"), ("talked", "2024-01-20"), ("activist", "2025-03-01"),
                        ("publicity", "2026-11-02"))
    items = meeting_items([consented, publicised], BOOK, d("2026-12-10"), today=TODAY)
    assert [e.event for e in items] == ["target", "target"]
