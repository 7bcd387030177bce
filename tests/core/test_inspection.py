"""The procedure errors an inspector found against RULES.md: steps 12→13→14 in the text's order, the branch
committee's proposal before the consent (R20), month-only births and the age rules, sponsors (R9), provisional
working days, R10 from a passed pre-review, and order refusals that cite the text."""

from __future__ import annotations

import pytest

from tracker.nextstep import next_step
from tracker.reports import timeline
from tracker.rules import check_event

from .helpers import BOOK, d, ev, person, with_events


def refused_by(p, e, book=BOOK, today=None):  # type: ignore[no-untyped-def]
    return {v.rule for v in check_event(p, e, book, today).refusals}


def target(on: str = "2026-01-12", *more: tuple[object, ...]):  # type: ignore[no-untyped-def]
    """A development target listed on ``on`` (proposal, consent the days before)."""
    return person(("applied", "2024-03-01"), ("talked", "2024-03-10"), ("activist", "2025-01-10"),
                  ("target-proposed", on), ("target-filed", on), ("target", on), *more)  # type: ignore[arg-type]


def ready(on: str = "2026-01-12", *more: tuple[object, ...]):  # type: ignore[no-untyped-def]
    """A target whose every gate for the branch meeting holds (sponsors, review, training, passed pre-review)."""
    return target(on, ("sponsors", on, {"names": ["李四", "王五"]}), ("political-review", on, {"result": "pass"}),
                  ("training", on, {"days": 3.0}), *more)


# ---------------------------------------------------------------- 1. steps 12 → 13 → 14 → 15 in order

@pytest.mark.parametrize(("on", "ok"), [("2026-02-09", False), ("2026-02-10", True), ("2026-02-11", True)])
def test_pre_review_may_not_come_before_the_committee_review(on: str, ok: bool) -> None:
    p = target("2026-01-12", ("committee-review", "2026-02-10"))
    assert ("before-earlier-step" not in refused_by(p, ev("pre-review", on, result="pass"))) is ok


@pytest.mark.parametrize(("on", "ok"), [("2026-02-14", False), ("2026-02-15", True), ("2026-02-16", True)])
def test_form_may_not_come_before_the_pre_review(on: str, ok: bool) -> None:
    p = target("2026-01-12", ("committee-review", "2026-02-10"), ("pre-review", "2026-02-15", {"result": "pass"}))
    assert ("before-earlier-step" not in refused_by(p, ev("form", on))) is ok


def test_form_may_not_come_before_the_committee_review_either() -> None:
    p = target("2026-01-12", ("committee-review", "2026-02-10"))
    assert refused_by(p, ev("form", "2026-02-09")) == {"before-earlier-step"}


def test_committee_review_dated_after_a_recorded_pre_review_is_refused() -> None:
    p = target("2026-01-12", ("pre-review", "2026-02-05", {"result": "pass"}))
    check = check_event(p, ev("committee-review", "2026-02-10"), BOOK)
    assert [v.rule for v in check.refusals] == ["after-later-step"] and check.hard_refusals


@pytest.mark.parametrize("edition_day", ["2026-05-10", "2026-05-11"])
def test_the_order_holds_in_both_editions(edition_day: str) -> None:
    p = target("2026-01-12", ("committee-review", edition_day))
    assert refused_by(p, ev("pre-review", "2026-05-09", result="pass")) == {"before-earlier-step"}


def test_sponsors_review_and_training_stay_unordered_among_themselves() -> None:
    p = target("2026-01-12", ("training", "2026-02-10", {"days": 3.0}))
    assert check_event(p, ev("political-review", "2026-02-01", result="pass"), BOOK).ok
    assert check_event(p, ev("sponsors", "2026-01-20", names=("李四", "王五")), BOOK).ok


def test_sponsors_after_the_meeting_is_refused() -> None:
    p = with_events(ready("2026-01-12", ("pre-review", "2026-02-05", {"result": "pass"})), ("admitted", "2026-03-05"))
    assert "after-next-stage" in refused_by(p, ev("sponsors", "2026-03-06", names=("甲", "乙")))


def test_meeting_without_committee_review_or_form_is_not_refused_but_noted() -> None:
    p = ready("2026-01-12", ("pre-review", "2026-02-05", {"result": "pass"}))
    check = check_event(p, ev("admitted", "2026-03-05"), BOOK)
    assert check.ok
    (note,) = [n for n in check.notes if n.rule == "expected-steps"]
    assert "尚未记录“支部委员会审查”“填写入党志愿书”" in note.zh and "细则第五章" in note.zh
    assert "'Branch committee review', 'Application form filled' not recorded yet" in note.en


def test_meeting_after_committee_review_and_form_has_no_note() -> None:
    p = ready("2026-01-12", ("committee-review", "2026-02-01"), ("pre-review", "2026-02-05", {"result": "pass"}),
              ("form", "2026-02-06"))
    check = check_event(p, ev("admitted", "2026-03-05"), BOOK)
    assert check.ok and not [n for n in check.notes if n.rule == "expected-steps"]


def test_timeline_shows_the_missing_committee_review_and_form_as_to_do_first() -> None:
    p = ready("2026-01-12", ("pre-review", "2026-02-05", {"result": "pass"}))
    nxt = next_step(p, BOOK, d("2026-02-06"))
    assert nxt is not None and nxt.event == "admitted" and nxt.prerequisite == "committee-review"
    rows = {r.event: r.status for r in timeline(p, BOOK, d("2026-02-06"))}
    assert rows["committee-review"] == "needed" and rows["form"] == "needed" and rows["admitted"] == "next"
    assert rows["pre-review"] == "done"


# ---------------------------------------------------------------- 7. order refusals cite the text

def test_stage_order_refusal_cites_the_chapter() -> None:
    p = person(("applied", "2024-03-01"))
    (v,) = check_event(p, ev("target-proposed", "2025-06-01"), BOOK).refusals
    assert v.rule == "stage-order" and v.zh.endswith("（细则第四章“发展对象的确定和考察”）")
    assert v.en.endswith("(Rules ch. 4, Development target: listing and review).")


def test_order_refusal_within_article_13_cites_the_article() -> None:
    p = person(("applied", "2023-06-01"), ("activist", "2024-03-15"), ("target-proposed", "2025-04-01"))
    (v,) = check_event(p, ev("target-filed", "2025-03-20"), BOOK).refusals
    assert v.rule == "before-earlier-step" and "（细则第十三条）" in v.zh and "(Rules Art. 13)" in v.en


def test_admission_order_refusal_cites_chapter_five() -> None:
    p = target("2026-01-12", ("committee-review", "2026-02-10"))
    (v,) = check_event(p, ev("pre-review", "2026-02-05", result="pass"), BOOK).refusals
    assert "细则第五章“预备党员的接收”" in v.zh and v.citation_en == "Rules ch. 5, Admission"


# ---------------------------------------------------------------- 2. the branch committee's proposal first (R20)

def activist(*more: tuple[object, ...]):  # type: ignore[no-untyped-def]
    return person(("applied", "2023-06-01"), ("activist", "2024-03-15"), *more)  # type: ignore[arg-type]


@pytest.mark.parametrize("step", ["target-filed", "publicity", "target"])
@pytest.mark.parametrize("on", ["2026-05-10", "2026-05-11", "2026-05-12"])
def test_consent_publicity_and_listing_need_the_proposal_in_both_editions(step: str, on: str) -> None:
    p = activist(("target-filed", "2025-04-01"), ("publicity", "2025-04-01")) if step == "target" else activist()
    check = check_event(p, ev(step, on), BOOK)
    if step == "publicity" and on == "2026-05-10":
        assert "proposal-first" not in {v.rule for v in check.refusals}  # 2014 has no publicity to gate
        return
    (v,) = [v for v in check.refusals if v.rule == "proposal-first"]
    assert v.overridable and v.code == "R20" and "细则第十三条" in v.zh and "Rules Art. 13" in v.en
    assert "尚未记录“支委会研究讨论拟列为发展对象”" in v.zh
    # 2014: 经支部委员会讨论同意并报上级党委备案; 2026: 党支部委员会会议研究讨论并报上级党委同意
    assert ("方可报上级党委备案并列为发展对象" in v.zh) is (on == "2026-05-10")
    assert ("方可报上级党委同意、公示并列为发展对象" in v.zh) is (on != "2026-05-10")


@pytest.mark.parametrize(("proposed", "refused"), [
    ("2026-06-02", {"before-earlier-step"}), ("2026-06-01", set()), ("2026-05-31", set())])
def test_the_proposal_on_or_before_the_consent_is_enough(proposed: str, refused: set[str]) -> None:
    p = activist(("target-proposed", proposed))
    assert refused_by(p, ev("target-filed", "2026-06-01")) == refused


def test_the_inspectors_listing_without_a_proposal_is_refused() -> None:
    p = person(("applied", "2024-03-01"), ("talked", "2024-03-10"), ("activist", "2025-01-10"))
    assert "proposal-first" in refused_by(p, ev("target-filed", "2026-06-01"))
    filed = with_events(p, ("target-filed", "2026-06-01"))
    assert "proposal-first" in refused_by(filed, ev("publicity", "2026-06-02"))
    published = with_events(filed, ("publicity", "2026-06-02"))
    assert "proposal-first" in refused_by(published, ev("target", "2026-06-09"))


def test_next_step_of_an_unproposed_activist_starts_with_the_proposal() -> None:
    nxt = next_step(activist(), BOOK, d("2026-06-01"))
    assert nxt is not None and nxt.prerequisite == "target-proposed"
    assert nxt.needed[:2] == ("target-proposed", "target-filed")


def test_an_imported_target_without_a_proposal_column_is_saved_marked_unverified(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from tracker.importers import plan_import

    sheet = tmp_path / "targets.csv"
    sheet.write_text("姓名,出生年月,递交入党申请书时间,确定为入党积极分子时间,确定为发展对象时间\n"
                     "张三,1995-05-05,2022-03-01,2022-09-01,2026-09-15\n", encoding="utf-8")
    plan = plan_import(sheet, [], BOOK, d("2026-11-27"), None)
    assert plan.errors == 0, [r.problems for r in plan.rows]
    (p,) = plan.new
    listed = p.last("target")
    assert p.stage == "target" and listed is not None
    assert {"proposal-first", "consent-first", "publicity-5wd"} <= set(listed.overridden)
    assert listed.override is not None and "原表未记录核对所需的步骤（R20、R6）" in listed.override


# ---------------------------------------------------------------- 3. a birth known to the month only

def month_born(*events: tuple[object, ...]):  # type: ignore[no-untyped-def]
    from dataclasses import replace

    return replace(person(*events, birth="2008-05-01"), birth_month_only=True)  # type: ignore[arg-type]


@pytest.mark.parametrize(("applied", "ok"), [("2026-05-30", False), ("2026-05-31", True), ("2026-06-01", True)])
def test_r1_a_month_only_birth_counts_from_the_months_last_day(applied: str, ok: bool) -> None:
    check = check_event(month_born(), ev("applied", applied), BOOK)
    assert check.ok is ok
    if not ok:
        (v,) = check.refusals
        assert v.rule == "age-18-apply" and v.earliest == d("2026-05-31")
        assert "出生年月 2008-05（只知年月，按该月最后一天 2008-05-31 计算年龄）" in v.zh
        assert "known to the month only" in v.en


def test_r1_a_full_birth_date_on_the_first_is_eighteen_that_day() -> None:
    assert check_event(person(birth="2008-05-01"), ev("applied", "2026-05-01"), BOOK).ok


@pytest.mark.parametrize(("admitted", "ok"), [("2026-05-30", False), ("2026-05-31", True), ("2026-06-01", True)])
def test_r19_a_month_only_birth_counts_from_the_months_last_day(admitted: str, ok: bool) -> None:
    p = month_born(("applied", "2024-01-01"), ("activist", "2024-06-01"), ("target-proposed", "2026-01-05"),
                   ("target-filed", "2026-01-05"), ("target", "2026-01-05"),
                   ("sponsors", "2026-01-05", {"names": ["李四", "王五"]}),
                   ("political-review", "2026-01-05", {"result": "pass"}), ("training", "2026-01-05", {"days": 3.0}),
                   ("pre-review", "2026-01-05", {"result": "pass"}))
    assert ("age-18-admit" not in refused_by(p, ev("admitted", admitted))) is ok


def test_a_month_only_birth_is_stored_with_its_precision_and_old_data_reads_as_a_full_date() -> None:
    from tracker.model import Person

    p = month_born(("applied", "2026-06-01"))
    doc = p.to_doc()
    assert doc["birth"] == "2008-05-01" and doc["birth_month_only"] is True
    back = Person.from_doc(1, doc)
    assert back.birth_month_only and back.age_birth == d("2008-05-31") and back.birth_text == "2008-05"
    old = Person.from_doc(1, {k: v for k, v in doc.items() if k != "birth_month_only"})
    assert not old.birth_month_only and old.age_birth == d("2008-05-01") and not old.extra


def test_a_month_only_birth_from_a_sheet_without_id_number_counts_from_the_months_end(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from tracker.importers import plan_import

    sheet = tmp_path / "applicants.csv"
    sheet.write_text("姓名,出生年月,递交入党申请书时间\n小王,2008.05,2026-05-20\n小李,2008.05,2026-06-02\n",
                     encoding="utf-8")
    plan = plan_import(sheet, [], BOOK, d("2026-11-27"), None)
    by_name = {r.name: r for r in plan.rows}
    assert by_name["小王"].status == "error" and any("2008-05-31" in zh for zh, _ in by_name["小王"].problems)
    (li,) = [p for p in plan.new if p.name == "小李"]
    assert li.birth_month_only and li.birth_text == "2008-05"


# ---------------------------------------------------------------- 4. R9: two different sponsors, not the person

def listed():  # type: ignore[no-untyped-def]
    return target("2026-01-12")


def test_the_same_sponsor_twice_is_bad_input_citing_art_14() -> None:
    check = check_event(listed(), ev("sponsors", "2026-02-01", names=("丙", "丙")), BOOK)
    (v,) = check.refusals
    assert v.rule == "sponsors-distinct" and v.kind == "input" and not v.overridable
    assert "“丙”填写了两次" in v.zh and v.zh.endswith("（细则第十四条）") and "(Rules Art. 14)." in v.en


def test_the_person_as_their_own_sponsor_is_refused() -> None:
    (v,) = check_event(listed(), ev("sponsors", "2026-02-01", names=("张三", "李四")), BOOK).refusals
    assert v.rule == "sponsor-not-self" and v.overridable and "是发展对象本人" in v.zh


def test_two_different_sponsors_pass() -> None:
    assert check_event(listed(), ev("sponsors", "2026-02-01", names=("李四", "王五")), BOOK).ok


@pytest.mark.parametrize(("names", "ok"), [
    (("丙", "丙"), False), (("张三", "丙"), False), (("丙",), False), (("丙", "丁"), True), (("丙", "丁", "张三"), True)])
def test_r9_at_the_meeting_counts_two_different_sponsors_other_than_the_person(names: tuple[str, ...], ok: bool) -> None:
    p = target("2026-01-12", ("sponsors", "2026-02-01", {"names": list(names)}),
               ("political-review", "2026-02-01", {"result": "pass"}), ("training", "2026-02-01", {"days": 3.0}),
               ("pre-review", "2026-02-05", {"result": "pass"}))
    check = check_event(p, ev("admitted", "2026-03-05"), BOOK)
    assert ("two-sponsors" not in {v.rule for v in check.refusals}) is ok
    if not ok and len(set(names)) == 2:
        (v,) = [v for v in check.refusals if v.rule == "two-sponsors"]
        assert "只有 1 名（重复的姓名和本人不计）" in v.zh


# ---------------------------------------------------------------- 5. provisional working days; 元旦 every year

def published(*more: tuple[object, ...]):  # type: ignore[no-untyped-def]
    return activist(("target-proposed", "2026-12-01"), ("target-filed", "2026-12-02"), ("publicity", "2026-12-28"),
                    *more)


@pytest.mark.parametrize(("listed", "ok"), [("2027-01-04", False), ("2027-01-05", True), ("2027-01-06", True)])
def test_new_years_day_is_a_holiday_in_a_year_without_a_notice(listed: str, ok: bool) -> None:
    # 2026-12-28 (Mon) … 12-31 are four working days; 2027-01-01 (Fri) is 元旦: the fifth is Mon 01-04
    assert ("publicity-5wd" not in refused_by(published(), ev("target", listed))) is ok


def test_new_years_day_is_not_a_working_day_whatever_the_year() -> None:
    from datetime import timedelta

    from tracker.dates import is_working_day, published_years

    later = max(published_years()) + 1  # no notice yet: weekends only, less 元旦
    for year in range(later, later + 8):
        new_year = d(f"{year}-01-01")
        assert not is_working_day(new_year)
        weekday_after = next(new_year + timedelta(days=i) for i in range(1, 4) if (new_year + timedelta(days=i)).weekday() < 5)
        assert is_working_day(weekday_after)


def test_a_listing_on_a_provisional_count_is_saved_with_a_note_saying_so() -> None:
    check = check_event(published(), ev("target", "2027-01-05"), BOOK)
    assert check.ok and check.provisional
    (note,) = [n for n in check.notes if n.rule == "provisional"]
    assert note.zh.startswith("暂定：") and "尚未公布放假调休安排" in note.zh and note.en.startswith("provisional:")


def test_a_listing_on_a_published_year_has_no_provisional_note() -> None:
    p = activist(("target-proposed", "2026-06-01"), ("target-filed", "2026-06-02"), ("publicity", "2026-06-08"))
    check = check_event(p, ev("target", "2026-06-15"), BOOK)
    assert check.ok and not check.provisional and not [n for n in check.notes if n.rule == "provisional"]


def test_timeline_marks_a_listing_on_a_provisional_count() -> None:
    p = with_events(published(), ("target", "2027-01-05"))
    rows = {r.event: r for r in timeline(p, BOOK, d("2027-01-06"))}
    assert rows["target"].provisional and not rows["target-filed"].provisional


# ---------------------------------------------------------------- 6. R10 runs from a pre-review that passed

def reviewed(*reviews: tuple[str, dict[str, str]]):  # type: ignore[no-untyped-def]
    return ready("2026-05-20", *[("pre-review", on, r) for on, r in reviews])


def r10(p) -> list[object]:  # type: ignore[no-untyped-def]
    from tracker.rules import deadlines

    return [(x.anchor, x.due) for x in deadlines(p, BOOK, d("2026-06-15")) if x.rule == "pre-review-1m"]


@pytest.mark.parametrize("result", [{"result": "fail"}, {}])
def test_r10_does_not_start_from_a_failed_pre_review_or_one_without_a_result(result: dict[str, str]) -> None:
    assert r10(reviewed(("2026-06-01", result))) == []


def test_r10_starts_from_the_latest_passed_pre_review() -> None:
    assert r10(reviewed(("2026-06-01", {"result": "fail"}), ("2026-06-10", {"result": "pass"}))) == [
        (d("2026-06-10"), d("2026-07-10"))]
    assert r10(reviewed(("2026-06-01", {"result": "pass"}), ("2026-06-10", {}))) == [
        (d("2026-06-01"), d("2026-07-01"))]


@pytest.mark.parametrize(("admitted", "late"), [("2026-07-09", 0), ("2026-07-10", 0), ("2026-07-11", 1)])
def test_r10_lateness_counts_from_the_passed_pre_review(admitted: str, late: int) -> None:
    from tracker.rules import lateness

    p = with_events(reviewed(("2026-06-01", {"result": "fail"}), ("2026-06-10", {"result": "pass"})),
                    ("admitted", admitted))
    days = [x.days for x in lateness(p, p.last("admitted"), BOOK) if x.rule == "pre-review-1m"]  # type: ignore[arg-type]
    assert days == ([late] if late else [])


# ---------------------------------------------------------------- minor: the planner's next step for an activist

def test_eligible_offers_an_unproposed_activist_the_proposal_then_the_listing() -> None:
    from tracker.reports import eligibility

    young = person(("applied", "2025-01-01"), ("activist", "2025-08-01"))
    proposed = activist(("target-proposed", "2026-06-01"))
    items = {e.person is proposed: e for e in eligibility([young, proposed], BOOK, d("2026-08-03"), "target",
                                                          today=d("2026-06-02"))}
    assert items[False].event == "target-proposed" and items[False].eligible
    assert items[False].earliest == d("2026-08-01")  # R5: one year after the activist naming
    assert items[True].event == "target" and not items[True].eligible


# ---------------------------------------------------------------- minor: an extension is decided when probation ends

@pytest.mark.parametrize(("on", "ok"), [("2026-06-14", False), ("2026-06-15", True), ("2026-06-16", True)])
def test_an_extension_is_decided_when_probation_ends_not_before(on: str, ok: bool) -> None:
    from .helpers import probationer

    p = probationer("2025-06-15")  # probation ends 2026-06-15 (2026 edition: Art. 31)
    check = check_event(p, ev("extended", on, months=6), BOOK)
    assert check.ok is ok
    if not ok:
        (v,) = check.refusals
        assert v.rule == "extension-at-end" and v.overridable and v.earliest == d("2026-06-15")
        assert "预备期至 2026-06-15 届满" in v.zh and "细则第三十一条" in v.zh


def test_an_extension_before_2026_cites_the_2014_article() -> None:
    from .helpers import probationer

    (v,) = check_event(probationer("2024-06-15"), ev("extended", "2025-06-14", months=6), BOOK).refusals
    assert v.rule == "extension-at-end" and "细则第三十二条" in v.zh


# ---------------------------------------------------------------- backups written before these rules

def test_a_backup_from_before_the_proposal_rule_imports_marked_unverified(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from dataclasses import replace

    from tracker.exporters import backup_json
    from tracker.importers import plan_import

    old = person(("applied", "2023-06-01"), ("activist", "2024-03-15"), ("target-filed", "2025-04-01"),
                 ("target", "2025-04-01"))
    month = replace(person(("applied", "2026-06-01"), birth="2008-05-01"), id=2, name="李梅", birth_month_only=True)
    dump = tmp_path / "backup.json"
    dump.write_bytes(backup_json([old, month], d("2026-11-27")))
    plan = plan_import(dump, [], BOOK, d("2026-11-27"))
    assert plan.errors == 0, [r.problems for r in plan.rows]
    got = {p.name: p for p in plan.new}
    filed = got["张三"].last("target-filed")
    assert filed is not None and "proposal-first" in filed.overridden and "备份早于此项规定" in (filed.override or "")
    assert any("the backup predates this rule (R20)" in en for _, en in plan.rows[0].notes)
    assert got["李梅"].birth_month_only  # the precision travels with the backup


def test_an_id_number_completes_a_month_only_birth(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from tracker.service import Service
    from tracker.store import Store

    svc = Service(Store(tmp_path / "db.json"), BOOK, lambda: d("2026-11-27"))
    p = svc.add({"name": "小李", "birth": "2008-05"}, d("2026-06-01")).person
    assert p.birth_month_only and svc.person(p.id).birth_text == "2008-05"
    done = svc.edit(p.id, {"id_number": "11010120080517001X"})
    assert done.birth == d("2008-05-17") and not done.birth_month_only
    assert "出生日期：2008-05 → 2008-05-17" in svc.history()[-1].zh


# ---------------------------------------------------------------- minor: R4 says how many assessments were missed

@pytest.mark.parametrize(("today", "missed"), [
    ("2024-09-15", 0), ("2024-09-16", 1), ("2025-03-15", 1), ("2025-03-16", 2), ("2025-09-16", 3)])
def test_r4_the_timeline_counts_every_missed_assessment(today: str, missed: int) -> None:
    p = person(("applied", "2023-06-01"), ("activist", "2024-03-15"))  # due 2024-09-15, 2025-03-15, 2025-09-15 …
    row = next(r for r in timeline(p, BOOK, d(today)) if r.event == "activist-review")
    assert row.due == d("2024-09-15") and row.missed == missed
