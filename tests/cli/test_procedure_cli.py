"""End to end: the procedure in the order of the Rules' text, and correcting the record."""

from __future__ import annotations

from .conftest import Run


def _add(run: Run, name: str = "张三", applied: str = "2025-01-10") -> int:
    res = run("add", name, "--applied", applied, "--birth", "1995-05-05", "--branch", "第一党支部")
    assert res.code == 0, res.err
    return int(res.out.strip())


def _steps(run: Run, pid: int, steps: list[tuple[str, ...]]) -> None:
    for event, on, *extra in steps:
        res = run("record", str(pid), event, "--on", on, *extra)
        assert res.code == 0, (event, res.err)


PATH_2026 = [
    ("talked", "2025-01-20"), ("activist", "2025-03-01"), ("mentors", "2025-03-05", "--names", "李四,王五"),
    ("activist-review", "2025-09-01", "--result", "pass"), ("activist-review", "2026-02-27", "--result", "pass"),
    ("target-proposed", "2026-03-02"), ("target-filed", "2026-05-20"), ("publicity", "2026-06-01"),
    ("target", "2026-06-06"), ("sponsors", "2026-06-10", "--names", "李四,王五"),
    ("political-review", "2026-06-20", "--result", "pass"), ("training", "2026-06-25", "--hours", "24"),
    ("committee-review", "2026-07-01"), ("pre-review", "2026-07-05", "--result", "pass"), ("form", "2026-07-08"),
    ("admitted", "2026-07-20"), ("committee-talk", "2026-07-25"), ("approved", "2026-08-10"),
    ("placed", "2026-08-12"), ("oath", "2026-09-05"),
]


def test_a_full_2026_path_in_the_texts_order(run: Run) -> None:
    pid = _add(run)
    _steps(run, pid, PATH_2026)
    shown = run("show", str(pid), "--json").json()
    assert (shown["stage"], shown["pending"], shown["stage_date"]) == ("probationary", None, "2026-07-20")
    assert shown["probation_end"] == "2027-07-20"
    assert [t["event"] for t in shown["timeline"] if t["dates"]][:12] == [
        "applied", "talked", "activist", "mentors", "activist-review", "target-proposed", "target-filed",
        "publicity", "target", "sponsors", "political-review", "training"]
    assert all(not t["late"] for t in shown["timeline"])
    assert shown["next"]["event"] == "converted" and shown["next"]["earliest"] == "2027-07-20"


def test_the_old_flowchart_order_is_refused(run: Run) -> None:
    pid = _add(run, applied="2023-01-10")
    _steps(run, pid, [("activist", "2023-03-01")])
    # listing first, then "reporting" it: the listing needs the proposal and the filing first (R20)
    res = run("record", str(pid), "target", "--on", "2024-03-05", "--json")
    assert res.code == 1 and res.json()["rule"] == "proposal-first" and res.json()["overridable"] is True
    assert "'Higher committee consented (filed)' is not recorded" in res.err
    _steps(run, pid, [("target", "2024-03-05", "--override", "历史数据")])
    late = run("record", str(pid), "target-filed", "--on", "2024-03-10", "--json")
    assert late.code == 1 and late.json()["overridable"] is False
    assert "comes before 'Listed as development target'" in late.json()["message"]


def test_missing_gates_before_meeting_approval_and_conversion(run: Run) -> None:
    pid = _add(run, applied="2023-01-10")
    _steps(run, pid, [("activist", "2023-03-01"), ("target-proposed", "2024-03-01"), ("target-filed", "2024-03-01"),
                      ("target", "2024-03-05"),
                      ("sponsors", "2024-03-06", "--names", "李四,王五"),
                      ("political-review", "2024-03-07", "--result", "pass"), ("training", "2024-03-08", "--days", "3"),
                      ("pre-review", "2024-03-09")])
    res = run("record", str(pid), "admitted", "--on", "2024-04-01", "--json")
    assert res.code == 1 and res.json()["rule"] == "pre-review-passed"
    _steps(run, pid, [("pre-review", "2024-03-20", "--result", "pass"), ("admitted", "2024-04-01")])
    res = run("record", str(pid), "approved", "--on", "2024-05-01", "--json")
    assert res.code == 1 and res.json()["rule"] == "committee-talk-first"
    _steps(run, pid, [("committee-talk", "2024-04-20"), ("approved", "2024-05-01")])
    res = run("record", str(pid), "converted", "--on", "2025-04-01", "--json")
    assert res.code == 1 and res.json()["rule"] == "conversion-request-first"
    ok = run("record", str(pid), "converted", "--on", "2025-04-01", "--override", "申请书遗失，已补交说明", "--json")
    assert ok.code == 0 and (ok.json()["stage"], ok.json()["pending"]) == ("probationary", "conversion-approval")


def test_pending_in_list_json_and_status(run: Run) -> None:
    pid = _add(run, applied="2023-01-10")
    _steps(run, pid, [("activist", "2023-03-01"), ("target-proposed", "2024-03-01"), ("target-filed", "2024-03-01"),
                      ("target", "2024-03-05"),
                      ("sponsors", "2024-03-06", "--names", "李四,王五"),
                      ("political-review", "2024-03-07", "--result", "pass"), ("training", "2024-03-08", "--days", "3"),
                      ("pre-review", "2024-03-09", "--result", "pass"), ("admitted", "2024-04-01")])
    (item,) = run("list", "--json").json()
    assert (item["stage"], item["pending"]) == ("target", "approval")
    st = run("status", "--json").json()
    assert st["counts"]["target"] == 1 and st["counts"]["probationary"] == 0 and st["pending"]["approval"] == 1
    assert "发展对象（待审批）" in run("list", lang="zh").out  # the approval awaited, in a word (show says it whole)
    assert "待上级党委审批" in run("show", str(pid), lang="zh").out


def test_r14_waits_and_is_never_overdue_in_due_json(run: Run) -> None:
    pid = _add(run, applied="2023-01-10")
    _steps(run, pid, [("activist", "2023-03-01"), ("target-proposed", "2024-03-01"), ("target-filed", "2024-03-01"),
                      ("target", "2024-03-05"),
                      ("sponsors", "2024-03-06", "--names", "李四,王五"),
                      ("political-review", "2024-03-07", "--result", "pass"), ("training", "2024-03-08", "--days", "3"),
                      ("pre-review", "2024-03-09", "--result", "pass"), ("admitted", "2025-11-01"),
                      ("committee-talk", "2025-11-05"), ("approved", "2025-11-20"), ("oath", "2025-11-25")])
    items = [i for i in run("due", "--json").json() if i["rule"] == "conversion-prompt"]
    assert [(i["status"], i["days_left"], i["kind"]) for i in items] == [("waiting", -26, "reminder")]
    assert items[0]["waiting"] == "probation ended 26 days ago; awaiting 'Conversion passed by branch meeting'"
    assert run("status", "--json").json()["overdue"] == 0
    assert "预备期已满 26 天" in run("due", lang="zh").out


def test_collective_oath_on_national_day_is_on_time(run: Run) -> None:
    pid = _add(run)
    upto = [s[0] for s in PATH_2026].index("approved")
    _steps(run, pid, [*PATH_2026[:upto], ("approved", "2026-08-20")])  # due 2026-09-20; 国庆 is the next listed date
    res = run("record", str(pid), "oath", "--on", "2026-10-01", "--collective", "--json")
    assert res.code == 0 and res.json()["notes"] == []
    plain = run("fix", str(pid), "oath", "--collective", "--reason", "x")  # unchanged: nothing to correct
    assert plain.code == 2


def test_rules_before_2014_say_nothing_is_modelled(run: Run) -> None:
    body = run("rules", "--on", "2010-01-01", "--json").json()
    assert body["modelled"] is False and body["rules"] == [] and "1990" in body["note"]
    assert "1990" in run("rules", "--on", "2010-01-01", lang="zh").out


# ---------------------------------------------------------------- correcting the record

def _target(run: Run) -> int:
    pid = _add(run, applied="2023-01-10")
    _steps(run, pid, [("activist", "2023-03-01"), ("target-proposed", "2024-03-01"), ("target-filed", "2024-03-01"),
                      ("target", "2024-03-05")])
    return pid


def test_fix_moves_a_date_and_the_history_says_before_after_and_why(run: Run) -> None:
    pid = _target(run)
    res = run("fix", str(pid), "activist", "--on", "2023-02-20", "--reason", "支委会记录为2月20日", "--json")
    assert res.code == 0, res.err
    assert next(e["date"] for e in res.json()["events"] if e["event"] == "activist") == "2023-02-20"
    hist = run("history", str(pid), "--json").json()[-1]
    assert hist["action"] == "fix" and "2023-03-01 → 2023-02-20" in hist["summary"] and "2月20日" in hist["summary"]
    assert run("undo").code == 0
    assert run("show", str(pid), "--json").json()["events"][1]["date"] == "2023-03-01"


def test_fix_refused_when_a_later_step_would_break_r5_then_accepted_with_override(run: Run) -> None:
    pid = _target(run)
    res = run("fix", str(pid), "activist", "--on", "2023-06-01", "--reason", "日期记错", "--json")
    assert res.code == 1
    body = res.json()
    assert body["rule"] == "activist-1y" and body["overridable"] is True
    assert "Listed as development target" in body["message"] and "2024-03-05" in body["message"]
    assert run("show", str(pid), "--json").json()["events"][1]["date"] == "2023-03-01"  # nothing saved
    ok = run("fix", str(pid), "activist", "--on", "2023-06-01", "--reason", "日期记错",
             "--override", "上级党委已书面同意", "--json")
    assert ok.code == 0, ok.err
    events = {e["event"]: e for e in ok.json()["events"]}
    assert "activist-1y" in events["target"]["overridden"] and "上级党委已书面同意" in events["target"]["override"]


def test_fix_that_breaks_the_order_cannot_be_overridden(run: Run) -> None:
    pid = _target(run)
    res = run("fix", str(pid), "target-filed", "--on", "2024-03-06", "--reason", "x", "--override", "y", "--json")
    assert res.code == 1 and res.json()["overridable"] is False


def test_fix_the_application_date_of_a_person(run: Run) -> None:
    pid = _add(run, applied="2025-01-10")
    assert run("fix", str(pid), "applied", "--on", "2025-01-08", "--reason", "收件登记为1月8日").code == 0
    assert run("show", str(pid), "--json").json()["events"][0]["date"] == "2025-01-08"
    pid2 = _target(run)
    res = run("fix", str(pid2), "applied", "--on", "2023-04-01", "--reason", "x", "--json")
    assert res.code == 1 and res.json()["overridable"] is False  # after the activist date: refused


def test_fix_needs_a_reason_and_picks_one_of_a_repeated_step(run: Run) -> None:
    pid = _add(run, applied="2023-01-10")
    _steps(run, pid, [("activist", "2023-03-01"), ("activist-review", "2023-09-01", "--result", "pass"),
                      ("activist-review", "2024-03-01", "--result", "pass")])
    assert run("fix", str(pid), "activist-review", "--on", "2023-09-02").code == 2
    res = run("fix", str(pid), "activist-review", "--on", "2023-09-02", "--reason", "x")
    assert res.code == 2 and "--date" in res.err and "2023-09-01, 2024-03-01" in res.err
    ok = run("fix", str(pid), "activist-review", "--date", "2023-09-01", "--on", "2023-09-02", "--reason", "x")
    assert ok.code == 0, ok.err
    fixed = run("fix", str(pid), "activist-review", "--date", "2024-03-01", "--result", "fail", "--reason", "结论记错",
                "--json")
    assert fixed.code == 0
    reviews = [e for e in fixed.json()["events"] if e["event"] == "activist-review"]
    assert [(r["date"], r["result"]) for r in reviews] == [("2023-09-02", "pass"), ("2024-03-01", "fail")]


def test_unrecord_refused_while_a_later_step_depends_on_it(run: Run) -> None:
    pid = _target(run)
    res = run("unrecord", str(pid), "target-filed", "--reason", "误记", "--json")
    assert res.code == 1 and res.json()["overridable"] is False
    assert "Listed as development target" in res.json()["message"]
    assert run("unrecord", str(pid), "target", "--reason", "误记").code == 0
    assert run("show", str(pid), "--json").json()["stage"] == "activist"
    assert run("unrecord", str(pid), "target-filed", "--reason", "误记").code == 0
    assert run("unrecord", str(pid), "applied", "--reason", "x").code == 2
    hist = run("history", "--json").json()
    assert [h["action"] for h in hist[-2:]] == ["unrecord", "unrecord"]
    assert run("undo").code == 0 and run("undo").code == 0
    assert run("show", str(pid), "--json").json()["stage"] == "target"


def test_undo_person_reverts_only_that_persons_last_change(run: Run) -> None:
    a = _add(run, "张三")
    b = _add(run, "李四")
    _steps(run, a, [("talked", "2025-01-20")])
    _steps(run, b, [("talked", "2025-01-21")])
    res = run("undo", "--person", "张三", "--json")
    assert res.code == 0 and "talk" in res.json()["undone"]["summary"].lower()
    assert [e["event"] for e in run("show", str(a), "--json").json()["events"]] == ["applied"]
    assert [e["event"] for e in run("show", str(b), "--json").json()["events"]] == ["applied", "talked"]
    again = run("undo", "--person", "张三", "--json")  # the add itself: removes the person
    assert again.code == 0
    assert run("undo", "--person", "李四").code == 0


def test_undo_person_refused_when_the_last_change_touched_others(run: Run, tmp_path) -> None:  # type: ignore[no-untyped-def]
    sheet = tmp_path / "in.csv"
    sheet.write_text("姓名,递交入党申请书时间\n张三,2025-01-10\n李四,2025-01-11\n", encoding="utf-8")
    assert run("import", str(sheet)).code == 0
    res = run("undo", "--person", "张三", "--json")
    assert res.code == 1 and res.json()["error"] == "conflict" and "2 people" in res.json()["message"]


# ---------------------------------------------------------------- after a first trial by a secretary

def test_consent_after_a_recorded_publicity_or_before_a_recorded_proposal_is_refused(run: Run) -> None:
    pid = _add(run, applied="2023-01-10")
    _steps(run, pid, [("activist", "2024-06-01"), ("target-proposed", "2026-05-04"),
                      ("publicity", "2026-05-06", "--override", "旧流程")])
    late = run("record", str(pid), "target-filed", "--on", "2026-05-08", "--json")
    assert late.code == 1 and late.json()["overridable"] is False
    assert "Target publicity started" in late.json()["message"]
    early = run("record", str(pid), "target-filed", "--on", "2026-05-03", "--json")  # before the proposal
    assert early.code == 1 and early.json()["refusals"][0]["rule"] == "before-earlier-step"


def test_next_step_names_the_missing_prerequisite(run: Run) -> None:
    pid = _add(run, applied="2023-01-10")
    _steps(run, pid, [("activist", "2023-03-01"), ("target-proposed", "2024-03-01"), ("target-filed", "2024-03-01"),
                      ("target", "2024-03-05"),
                      ("sponsors", "2024-03-06", "--names", "李四,王五"),
                      ("political-review", "2024-03-07", "--result", "pass"), ("training", "2024-03-08", "--days", "3"),
                      ("pre-review", "2024-03-09", "--result", "pass"), ("admitted", "2024-04-01")])
    shown = run("show", str(pid), "--json").json()
    assert shown["next"]["event"] == "approved" and shown["next"]["prerequisite"] == "committee-talk"
    text = run("show", str(pid), lang="zh").out
    assert "须先办理" in text and "逾期" in text  # the approval is overdue (R11) and says so


def test_edit_birth_that_breaks_a_recorded_step_needs_an_override(run: Run) -> None:
    pid = _add(run, applied="2025-01-10")
    res = run("edit", str(pid), "--birth", "2008-09-01", "--json")
    assert res.code == 1 and res.json()["rule"] == "age-18-apply" and "已记录" not in res.json()["message"]
    assert run("show", str(pid), "--json").json()["birth"] == "1995-05-05"
    ok = run("edit", str(pid), "--birth", "2008-09-01", "--override", "出生日期以户籍为准", "--json")
    assert ok.code == 0 and "出生日期以户籍为准" in ok.json()["events"][0]["override"]


def test_a_correction_before_the_step_it_needs_says_so(run: Run) -> None:
    pid = _add(run, applied="2023-01-10")
    _steps(run, pid, [("activist", "2023-03-01"), ("target-proposed", "2024-03-01"), ("target-filed", "2024-03-01"),
                      ("target", "2024-03-05"),
                      ("sponsors", "2024-03-06", "--names", "李四,王五"),
                      ("political-review", "2024-03-07", "--result", "pass"), ("training", "2024-03-08", "--days", "3"),
                      ("pre-review", "2024-03-09", "--result", "pass"), ("admitted", "2024-04-01"),
                      ("committee-talk", "2024-04-10")])
    res = run("fix", str(pid), "committee-talk", "--on", "2024-03-20", "--reason", "x", "--json", lang="zh")
    assert res.code == 1 and "早于已记录的“支部大会讨论接收为预备党员”（2024-04-01）" in res.json()["message"]


def test_a_late_collective_oath_names_the_ceremony_it_should_have_been(run: Run) -> None:
    pid = _add(run)
    upto = [s[0] for s in PATH_2026].index("oath")
    _steps(run, pid, PATH_2026[:upto])  # approved 2026-08-10: due 09-10; 国庆 is the ceremony to wait for
    res = run("record", str(pid), "oath", "--on", "2027-07-01", "--collective", "--json", lang="zh", today="2027-08-01")
    assert res.code == 0
    (note,) = res.json()["notes"]
    assert "第一个集中宣誓日 2026-10-01" in note["message"]


def test_eligible_all_lists_who_is_blocked_and_why(run: Run) -> None:
    a = _add(run, "张三", "2023-01-10")
    _steps(run, a, [("activist", "2024-06-01")])
    (proposal,) = run("eligible", "--on", "2026-11-27", "--json").json()  # not yet proposed: up for the proposal
    assert proposal["event"] == "target-proposed" and proposal["eligible"] is True
    _steps(run, a, [("target-proposed", "2025-06-05")])
    assert run("eligible", "--on", "2026-11-27", "--json").json() == []
    (item,) = run("eligible", "--on", "2026-11-27", "--all", "--json").json()
    assert item["event"] == "target" and item["eligible"] is False
    assert {b["rule"] for b in item["blockers"]} >= {"consent-first"}
    assert "✗" in run("eligible", "--on", "2026-11-27", "--all").out


def test_unrecord_of_a_repeated_step_asks_which_one_to_remove(run: Run) -> None:
    pid = _add(run, applied="2023-01-10")
    _steps(run, pid, [("activist", "2023-03-01"), ("activist-review", "2023-09-01", "--result", "pass"),
                      ("activist-review", "2024-03-01", "--result", "pass")])
    res = run("unrecord", str(pid), "activist-review", "--reason", "x", lang="zh")
    assert res.code == 2 and "指明删除哪一次" in res.err
