"""The meeting commands end to end: record several people at once, the notice, the planner's list exported."""

from __future__ import annotations

from pathlib import Path

from .conftest import Run


def _activist(run: Run, name: str, consent: bool = True, branch: str = "第一党支部") -> str:
    res = run("add", name, "--applied", "2024-01-10", "--birth", "1995-05-05", "--branch", branch)
    assert res.code == 0, res.err
    pid = res.out.strip()
    for event, on in (("activist", "2025-03-01"), ("target-proposed", "2026-11-10"),
                      *((("target-filed", "2026-11-20"),) if consent else ())):
        assert run("record", pid, event, "--on", on).code == 0
    return pid


def test_record_several_people_is_one_change_and_one_undo(run: Run) -> None:
    a, b = _activist(run, "王芳"), _activist(run, "李娜")
    res = run("record", a, b, "publicity", "--on", "2026-11-27", "--json")
    assert res.code == 0, res.err
    assert [p["name"] for p in res.json()["recorded"]] == ["王芳", "李娜"]
    hist = run("history", "--json").json()
    assert "王芳" in hist[-1]["summary"] and "李娜" in hist[-1]["summary"] and len(hist[-1]["people"]) == 2
    res = run("undo")
    assert res.code == 0 and "2 people" in res.out
    for pid in (a, b):
        shown = run("show", pid, "--json").json()
        assert all(e["event"] != "publicity" for e in shown["events"])


def test_record_several_refused_names_each_person_and_saves_nothing(run: Run) -> None:
    a, b = _activist(run, "王芳"), _activist(run, "李娜", consent=False)
    res = run("record", a, b, "publicity", "--on", "2026-11-27", lang="zh")
    assert res.code == 1
    assert "李娜（编号" in res.err and "--skip-refused" in res.err and "王芳" not in res.err
    assert all(e["event"] != "publicity" for e in run("show", a, "--json").json()["events"])
    res = run("record", a, b, "publicity", "--on", "2026-11-27", "--skip-refused", lang="zh")
    assert res.code == 0 and "✓ 王芳" in res.out and "✗ 未记录 李娜" in res.out


def test_notice_prints_the_text_and_the_dates_it_runs(run: Run) -> None:
    _activist(run, "王芳")
    _activist(run, "李娜", consent=False)
    res = run("notice", "--on", "2026-11-30", lang="zh")
    assert res.code == 0, res.err
    assert "关于拟确定发展对象的公示" in res.out and "王芳" in res.out and "李娜" not in res.out
    assert "公示期：2026-11-30 至 2026-12-04（不少于5个工作日）" in res.out
    assert "未列入公示：李娜" in res.err and "最早可于 2026-12-05 确定为发展对象" in res.err


def test_notice_record_saves_the_publicity_start_for_everyone_on_it(run: Run) -> None:
    a = _activist(run, "王芳")
    res = run("notice", "--on", "2026-11-27", "--record", "--json")
    assert res.code == 0 and res.json()["recorded"] and res.json()["listable_from"] == "2026-12-04"
    events = run("show", a, "--json").json()["events"]
    assert {"event": "publicity", "date": "2026-11-27"}.items() <= next(
        e for e in events if e["event"] == "publicity").items()


def test_notice_with_nobody_to_publish_exits_1(run: Run) -> None:
    _activist(run, "李娜", consent=False)
    res = run("notice")
    assert res.code == 1 and "No one to publish" in res.err


def test_export_meeting_writes_the_planners_list(run: Run, tmp_path: Path) -> None:
    _activist(run, "王芳")
    _activist(run, "赵敏", branch="第二党支部")
    out = tmp_path / "meeting.csv"
    res = run("export", "--meeting", "2026-12-10", "--branch", "第二党支部", "--format", "csv", "-o", str(out),
              lang="zh")
    assert res.code == 0, res.err
    text = out.read_text(encoding="utf-8-sig")
    assert "赵敏" in text and "王芳" not in text and "拟办理步骤" in text and "尚未记录“发展对象公示开始”" in text
    res = run("export", "--meeting", "2026-12-10", "--format", "md", "-o", str(tmp_path / "m.md"), lang="zh")
    assert res.code == 0 and "会议准备名单" in (tmp_path / "m.md").read_text(encoding="utf-8")
