"""End to end: the real command in a subprocess against a temporary database."""

from __future__ import annotations

import json
import stat

from .conftest import Run


def _add(run: Run, name: str = "张三", applied: str = "2024-01-10", *extra: str) -> int:
    res = run("add", name, "--applied", applied, "--birth", "1995-05-05", "--gender", "男", "--branch", "第一党支部", *extra)
    assert res.code == 0, res.err
    return int(res.out.strip())


def test_version() -> None:
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-m", "tracker", "--version"], capture_output=True, text=True, check=True)
    assert out.stdout.startswith("tracker 0.")


def test_from_application_to_full_member_2014_path_in_the_texts_order(run: Run) -> None:
    pid = _add(run)
    steps = [
        ("talked", "2024-01-20"), ("activist", "2024-04-01"), ("mentors", "2024-04-05", "--names", "李四,王五"),
        ("activist-review", "2024-10-01", "--result", "pass"), ("activist-review", "2025-03-20", "--result", "pass"),
        ("target-proposed", "2025-04-01"), ("target-filed", "2025-04-03"), ("target", "2025-04-08"),
        ("sponsors", "2025-04-10", "--names", "李四,王五"), ("political-review", "2025-05-01", "--result", "pass"),
        ("training", "2025-05-10", "--days", "3"), ("committee-review", "2025-05-15"),
        ("pre-review", "2025-05-20", "--result", "pass"), ("form", "2025-05-22"), ("admitted", "2025-06-01"),
        ("committee-talk", "2025-06-10"), ("approved", "2025-07-01"), ("oath", "2025-07-15"),
        ("conversion-request", "2026-05-20"), ("converted", "2026-06-01"), ("conversion-approved", "2026-07-01"),
    ]
    stages = {"admitted": ("target", "approval"), "approved": ("probationary", None),
              "converted": ("probationary", "conversion-approval"), "conversion-approved": ("member", None)}
    for event, on, *extra in steps:
        res = run("record", str(pid), event, "--on", on, *extra, "--json")
        assert res.code == 0, (event, res.err)
        if event in stages:
            assert (res.json()["stage"], res.json()["pending"]) == stages[event], event
    shown = run("show", str(pid), "--json").json()
    assert shown["stage"] == "member" and shown["active"] is True and shown["pending"] is None
    assert shown["probation_end"] == "2026-06-01" and shown["standing_from"] == "2026-06-01"
    assert shown["stage_date"] == "2026-06-01"
    assert shown["next"] is None
    assert [e["event"] for e in shown["events"]][:3] == ["applied", "talked", "activist"]
    assert run("status", "--json").json()["counts"] == {
        "applicant": 0, "activist": 0, "target": 0, "probationary": 0, "member": 1}


def test_refusal_exit_1_with_rule_and_earliest_in_json(run: Run) -> None:
    pid = _add(run)
    run("record", str(pid), "activist", "--on", "2025-03-15")
    res = run("record", str(pid), "target", "--on", "2026-03-14", "--json")
    assert res.code == 1
    body = res.json()
    assert body["error"] == "rule" and body["rule"] == "activist-1y" and body["earliest"] == "2026-03-15"
    assert "Art. 13" in body["message"]
    assert run("show", str(pid), "--json").json()["stage"] == "activist"


def test_refusal_message_in_chinese_on_stderr(run: Run) -> None:
    pid = _add(run)
    run("record", str(pid), "activist", "--on", "2025-03-15")
    res = run("record", str(pid), "target", "--on", "2026-03-14", lang="zh")
    assert res.code == 1
    assert "不能确定为发展对象：确定为入党积极分子（2025-03-15）未满1年，最早可于 2026-03-15" in res.err
    assert "--override" in res.err


def test_override_saves_the_step_with_its_reason(run: Run) -> None:
    pid = _add(run)
    run("record", str(pid), "activist", "--on", "2025-03-15")
    run("record", str(pid), "target-proposed", "--on", "2026-03-02", "--override", "经上级党委同意提前")
    res = run("record", str(pid), "target-filed", "--on", "2026-03-02", "--override", "经上级党委同意提前", "--json")
    assert res.code == 0, res.err
    filed = next(e for e in res.json()["events"] if e["event"] == "target-filed")
    assert filed["override"] == "经上级党委同意提前" and filed["overridden"] == ["activist-1y"]
    assert "经上级党委同意提前" in run("history", str(pid), lang="zh").out


def test_out_of_order_is_refused_and_says_what_to_fix(run: Run) -> None:
    pid = _add(run)
    res = run("record", str(pid), "admitted", "--on", "2025-01-01", "--override", "x", "--json")
    assert res.code == 1 and res.json()["overridable"] is False
    assert "first record 'Named activist'" in res.json()["message"]


def test_future_date_is_bad_input(run: Run) -> None:
    pid = _add(run)
    res = run("record", str(pid), "talked", "--on", "2026-11-28")
    assert res.code == 2 and "after today" in res.err


def test_secretary_date_spellings_are_accepted(run: Run) -> None:
    for i, spelling in enumerate(["2024.3.5", "2024/03/05", "2024年3月5日", "20240305"]):
        res = run("add", f"人{i}", "--applied", spelling, "--json")
        assert res.code == 0, res.err
        assert res.json()["events"][0]["date"] == "2024-03-05"


def test_bad_date_is_exit_2_with_a_hint(run: Run) -> None:
    res = run("add", "张三", "--applied", "03/05/2024")
    assert res.code == 2 and "2024-03-05" in res.err
    res = run("add", "张三", "--applied", "2023-02-29", "--json")
    assert res.code == 2 and res.json()["error"] == "input"
    assert not run.db.exists()  # type: ignore[attr-defined]  # nothing was written


def test_usage_error_is_exit_2(run: Run) -> None:
    assert run("record", "1").code == 2
    assert run("frobnicate").code == 2


def test_unknown_person_is_exit_2(run: Run) -> None:
    _add(run, "张三", "2026-10-01")
    res = run("show", "王五")
    assert res.code == 2 and "No one called" in res.err


def test_status_and_due_json_keys(run: Run) -> None:
    _add(run, "张三", "2026-10-01")
    _add(run, "李四", "2026-11-20")
    st = run("status", "--json").json()
    assert st["counts"]["applicant"] == 2 and st["today"] == "2026-11-27"
    assert st["overdue"] == 1 and st["due_soon"] == 1
    items = run("due", "--json").json()
    assert [(i["name"], i["status"], i["rule"], i["due"], i["days_left"]) for i in items] == [
        ("张三", "overdue", "talk-1m", "2026-11-01", -26), ("李四", "due", "talk-1m", "2026-12-20", 23)]
    assert {"person", "name", "rule", "what", "due", "days_left", "status"} <= set(items[0])
    assert [i["name"] for i in run("due", "--within", "0", "--json").json()] == ["张三"]


def test_eligible_is_the_meeting_planner(run: Run) -> None:
    a = _add(run, "张三", "2024-01-10")
    b = _add(run, "李四", "2024-01-10")
    run("record", str(a), "activist", "--on", "2025-06-01")
    run("record", str(b), "activist", "--on", "2025-12-20")
    run("record", str(a), "target-proposed", "--on", "2026-06-05")
    run("record", str(a), "target-filed", "--on", "2026-06-05")
    run("record", str(b), "target-proposed", "--on", "2026-11-02", "--override", "上级党委同意提前研究")
    run("record", str(b), "target-filed", "--on", "2026-11-02", "--override", "上级党委同意提前研究")
    run("record", str(a), "publicity", "--on", "2026-06-08")
    run("record", str(b), "publicity", "--on", "2026-11-03")
    items = run("eligible", "--on", "2026-12-10", "--to", "target", "--json").json()
    assert [(i["name"], i["event"]) for i in items] == [("张三", "target")]
    assert {"person", "name", "event", "earliest"} <= set(items[0])
    later = run("eligible", "--on", "2026-12-20", "--to", "target", "--json").json()
    assert sorted(i["name"] for i in later) == ["张三", "李四"]


def test_edit_then_undo_then_history(run: Run) -> None:
    pid = _add(run)
    assert run("edit", str(pid), "--phone", "13800000000").code == 0
    assert run("show", str(pid), "--json").json()["phone"] == "13800000000"
    assert run("undo").code == 0
    assert run("show", str(pid), "--json").json()["phone"] is None
    hist = run("history", "--json").json()
    assert [h["action"] for h in hist] == ["add", "edit", "undo"] and hist[1]["undone"] is True


def test_unique_name_works_as_person(run: Run) -> None:
    _add(run, "张三")
    assert run("record", "张三", "talked", "--on", "2024-01-15").code == 0


def test_demo_then_status_lists_all_five_stages(run: Run) -> None:
    assert run("demo").code == 0
    st = run("status", "--json").json()
    assert all(v > 0 for v in st["counts"].values()) and st["overdue"] > 0
    assert run("demo").code == 2  # not into a full database


def test_database_file_is_private_and_human_readable(run: Run) -> None:
    _add(run, "张三")
    db = run.db  # type: ignore[attr-defined]
    assert stat.S_IMODE(db.stat().st_mode) == 0o600
    assert "张三" in db.read_text(encoding="utf-8")
    json.loads(db.read_text(encoding="utf-8"))


def test_human_output_in_english_carries_chinese_stage_terms(run: Run) -> None:
    _add(run)
    out = run("status").out
    assert "Applicant 入党申请人" in out and "Full member 正式党员" in out


def test_rules_command_shows_the_edition_in_force(run: Run) -> None:
    assert run("rules", "--on", "2026-05-10", "--json").json()["edition"] == "cpc-2014"
    assert run("rules", "--on", "2026-05-11", "--json").json()["edition"] == "cpc-2026"


def test_a_profile_that_weakens_national_rules_is_refused(run: Run, tmp_path) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "weak.toml"
    bad.write_text('name="weak"\nkind="local"\n[[rules]]\nid="activist-1y"\nkind="minimum"\nfrom="activist"\n'
                   'to="target"\nlength="3m"\nzh="三个月"\nen="three months"\n', encoding="utf-8")
    res = run("--profile", str(bad), "status")
    assert res.code == 2 and "weaken" in res.err


def test_without_a_terminal_no_command_prints_the_status(run: Run) -> None:
    _add(run)
    res = run()
    assert res.code == 0 and "Applicant 入党申请人" in res.out and "No terminal" in res.err


def test_concurrent_writers_lose_nothing(run: Run) -> None:
    """Several processes record at once: the lock serialises them and each re-reads the file first."""
    import os
    import subprocess
    import sys

    ids = [_add(run, f"人{i}", "2026-01-05") for i in range(6)]
    env = {**os.environ, "TRACKER_DB": str(run.db), "TRACKER_TODAY": "2026-11-27", "TRACKER_LANG": "en"}  # type: ignore[attr-defined]
    procs = [subprocess.Popen([sys.executable, "-m", "tracker", "record", str(pid), "talked", "--on", "2026-01-20"],
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for pid in ids]
    codes = [p.wait(timeout=60) for p in procs]
    assert codes == [0] * len(ids)
    people = run("list", "--json").json()
    assert all(any(e["event"] == "talked" for e in p["events"]) for p in people)
    assert len(run("history", "--json").json()) == 2 * len(ids)


def test_damaged_database_is_exit_3_with_a_way_out(run: Run) -> None:
    run.db.write_text('{"people": {', encoding="utf-8")  # type: ignore[attr-defined]
    res = run("status")
    assert res.code == 3 and ".bak" in res.err


def test_unwritable_database_folder_is_a_clear_error(run: Run, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import os

    if os.geteuid() == 0:  # root writes anywhere: simulate with a folder where a file is expected
        blocker = tmp_path / "not-a-dir"
        blocker.write_text("x", encoding="utf-8")
        res = run("add", "张三", "--applied", "2024-01-01", env={"TRACKER_DB": str(blocker / "db.json")})
    else:
        ro = tmp_path / "ro"
        ro.mkdir()
        ro.chmod(0o500)
        res = run("add", "张三", "--applied", "2024-01-01", env={"TRACKER_DB": str(ro / "db.json")})
    assert res.code == 3 and "Traceback" not in res.err


def test_show_masks_the_id_number_as_the_app_does_unless_asked(run: Run) -> None:
    res = run("add", "张三", "--applied", "2024-01-01", "--id-number", "11010519491231002X")
    assert res.code == 0, res.err
    shown = run("show", "张三")
    assert "110105********002X" in shown.out and "11010519491231002X" not in shown.out
    assert "11010519491231002X" in run("show", "张三", "--full-id").out


def test_show_wraps_a_chinese_blocker_by_character_keeping_the_mark_with_it(run: Run) -> None:
    assert run("add", "张三", "--applied", "2026-10-01").code == 0
    assert run("record", "张三", "talked", "--on", "2026-10-20").code == 0
    assert run("record", "张三", "activist", "--on", "2026-11-10").code == 0  # the next step waits: blockers
    shown = run("show", "张三", lang="zh", env={"COLUMNS": "40"})
    assert shown.code == 0, shown.err
    lines = shown.out.splitlines()
    start = next(i for i, x in enumerate(lines) if x.startswith("✗"))
    assert len(lines[start]) > 10  # the mark keeps its message's first words on its line
    assert lines[start + 1].startswith("  ")  # the message goes on under itself
    from rich.cells import cell_len

    assert all(cell_len(x) <= 40 for x in lines[start:])  # as wide as the terminal says, Chinese counted as 2


def test_a_mistyped_step_is_answered_with_the_step_it_probably_meant(run: Run) -> None:
    assert run("add", "张三", "--applied", "2026-10-01").code == 0
    res = run("record", "张三", "talk", "--on", "2026-10-20", lang="zh")
    assert res.code == 2 and "是不是 talked（党组织派人谈话）？" in res.err
    res = run("record", "张三", "谈话", "--on", "2026-10-20")
    assert res.code == 2 and "Did you mean talked (Intake talk) or committee-talk" in res.err
    assert [e["event"] for e in run("show", "张三", "--json").json()["events"]] == ["applied"]  # nothing saved
