"""The inspector's repro, end to end (``tracker --today 2026-11-30``): what the CLI refuses, notes and shows."""

from __future__ import annotations

from .conftest import Run

TODAY = "2026-11-30"


def _person(run: Run) -> str:
    assert run("add", "P", "--applied", "2024-03-01", "--birth", "1990-01-01", today=TODAY).code == 0
    for event, on in [("talked", "2024-03-10"), ("activist", "2025-01-10")]:
        assert run("record", "P", event, "--on", on, today=TODAY).code == 0
    return "P"


def test_consent_without_the_committees_proposal_is_refused_citing_art_13(run: Run) -> None:
    _person(run)
    res = run("record", "P", "target-filed", "--on", "2026-06-01", "--json", today=TODAY)
    assert res.code == 1 and res.json()["rule"] == "proposal-first" and res.json()["overridable"] is True
    assert "'Proposed as target by branch committee' is not recorded" in res.err and "Rules Art. 13" in res.err


def test_admission_steps_out_of_order_are_refused_and_a_missing_form_is_noted(run: Run) -> None:
    _person(run)
    for event, on, *extra in [("target-proposed", "2026-01-10"), ("target-filed", "2026-01-11"),
                              ("target", "2026-01-12"), ("sponsors", "2026-02-01", "--names", "甲,乙"),
                              ("political-review", "2026-02-01", "--result", "pass"),
                              ("training", "2026-02-01", "--days", "3"), ("committee-review", "2026-02-10")]:
        assert run("record", "P", event, "--on", on, *extra, today=TODAY).code == 0, event
    early = run("record", "P", "pre-review", "--on", "2026-02-05", "--result", "pass", today=TODAY)
    assert early.code == 1 and "'Branch committee review' (2026-02-10) comes before this step" in early.err
    assert "(Rules ch. 5, Admission)" in early.err and "--override" not in early.err
    assert run("record", "P", "pre-review", "--on", "2026-02-15", "--result", "pass", today=TODAY).code == 0
    shown = run("show", "P", today=TODAY).out
    form_line = next(line for line in shown.splitlines() if "Application form filled" in line)
    assert "to do first" in form_line
    done = run("record", "P", "admitted", "--on", "2026-03-05", lang="zh", today=TODAY)
    assert done.code == 0 and "尚未记录“填写入党志愿书”" in done.out + done.err


def test_a_seventeen_year_old_born_in_a_month_is_refused(run: Run) -> None:
    res = run("add", "Q", "--applied", "2026-05-20", "--birth", "2008-05", today=TODAY)
    assert res.code == 1 and "known to the month only" in res.err and "earliest 2026-05-31" in res.err
    ok = run("add", "Q", "--applied", "2026-05-31", "--birth", "2008-05", today=TODAY)
    assert ok.code == 0
    shown = run("show", "Q", "--json", today=TODAY).json()
    assert shown["birth"] == "2008-05-01" and shown["birth_month_only"] is True
    assert "Birth date: 2008-05 " in run("show", "Q", today=TODAY).out


def test_sponsors_twice_themself_or_not_a_member_here_are_refused(run: Run) -> None:
    _person(run)
    assert run("add", "丙", "--applied", "2025-01-01", "--birth", "1990-01-01", today=TODAY).code == 0
    for event, on in [("target-proposed", "2026-01-10"), ("target-filed", "2026-01-11"), ("target", "2026-01-12")]:
        assert run("record", "P", event, "--on", on, today=TODAY).code == 0
    twice = run("record", "P", "sponsors", "--on", "2026-02-01", "--names", "甲,甲", today=TODAY)
    assert twice.code == 2 and "named twice" in twice.err
    self_ = run("record", "P", "sponsors", "--on", "2026-02-01", "--names", "P,甲", today=TODAY)
    assert self_.code == 1 and "the person being developed" in self_.err
    applicant = run("record", "P", "sponsors", "--on", "2026-02-01", "--names", "丙,甲", today=TODAY)
    assert applicant.code == 1 and "sponsor '丙' is in this register and not a full member (#2, Applicant" in applicant.err
    assert run("record", "P", "sponsors", "--on", "2026-02-01", "--names", "甲,乙", today=TODAY).code == 0


def test_a_listing_on_a_provisional_count_says_so_when_recorded_and_shown(run: Run) -> None:
    _person(run)
    for event, on in [("target-proposed", "2026-12-01"), ("target-filed", "2026-12-02"), ("publicity", "2026-12-28")]:
        assert run("record", "P", event, "--on", on, today="2026-12-30").code == 0, event
    early = run("record", "P", "target", "--on", "2027-01-04", today="2027-01-04")  # 元旦 is a holiday
    assert early.code == 1 and "earliest 2027-01-05" in early.err
    done = run("record", "P", "target", "--on", "2027-01-05", today="2027-01-05")
    assert done.code == 0 and "Note: provisional:" in done.out + done.err
    shown = run("show", "P", "--json", today="2027-01-05").json()
    row = next(r for r in shown["timeline"] if r["event"] == "target")
    assert row["provisional"] is True
    listed = next(line for line in run("show", "P", today="2027-01-05").out.splitlines() if "Listed as development" in line)
    assert "provisional" in listed
