"""Output to a pipe or a file: plain aligned text (no table borders, no colours), every item by default,
at most ``--limit`` items when asked."""

from __future__ import annotations

import re

from tests.cli.conftest import Run
from tracker.plaintext import width

BOX = re.compile("[│┃━─┏┓┗┛╇╈┡┩]")


def _rows(out: str) -> list[str]:
    """The data rows of a plain table: title and header lines skipped, and any '… more' line."""
    return [line for line in out.splitlines()[2:] if line and line[0].isdigit()]


def test_due_to_a_pipe_is_plain_text_in_aligned_columns(run: Run) -> None:
    assert run("demo").code == 0
    res = run("due", lang="zh")
    assert res.code == 0, res.err
    assert not BOX.search(res.out) and "\x1b[" not in res.out
    rows = _rows(res.out)
    assert len(rows) == len(run("due", "--json").json())
    starts = set()
    for row in rows:
        m = re.search(r"\d{4}-\d{2}-\d{2}", row)
        assert m is not None
        starts.add(width(row[:m.start()]))  # the due date starts in the same column on every row
    assert len(starts) == 1


def test_due_limit_shows_the_most_urgent_and_says_how_many_more(run: Run) -> None:
    assert run("demo").code == 0
    every = run("due", "--json").json()
    assert len(every) > 3
    assert run("due", "--limit", "2", "--json").json() == every[:2]
    res = run("due", "--limit", "2")
    assert [r.split()[0] for r in _rows(res.out)] == [str(every[0]["person"]), str(every[1]["person"])]
    assert f"{len(every) - 2} more not shown" in res.out
    assert f"另有 {len(every) - 2} 项未显示" in run("due", "--limit", "2", lang="zh").out


def test_list_prints_everyone_chosen_without_a_limit(run: Run) -> None:
    assert run("demo").code == 0
    listed = [p["id"] for p in run("list", "--stage", "target", "--json").json()]
    res = run("list", "--stage", "target")
    assert [int(r.split()[0]) for r in _rows(res.out)] == listed
    assert f"People ({len(listed)})" in res.out and "more not shown" not in res.out


def test_list_limit_must_be_a_positive_whole_number(run: Run) -> None:
    assert run("demo").code == 0
    for bad in ("0", "-1", "x"):
        res = run("list", "--limit", bad)
        assert res.code == 2 and "--limit" in res.err


def test_status_to_a_pipe_gives_the_counts_of_the_json(run: Run) -> None:
    assert run("demo").code == 0
    counts = run("status", "--json").json()
    out = run("status", lang="zh").out
    assert not BOX.search(out)
    assert re.search(rf"^入党积极分子\s+{counts['counts']['activist']}$", out, re.M)
    assert f"已逾期 {counts['overdue']} 项" in out


def test_list_names_an_awaited_approval_in_a_word_so_the_columns_stay_narrow(run: Run) -> None:
    assert run("demo").code == 0
    res = run("list", "--stage", "target")
    assert "Development target 发展对象（awaiting approval）" in res.out
    assert "higher committee" not in res.out  # the whole sentence is tracker show's
    assert max(width(line) for line in res.out.splitlines()) < 120
    assert "发展对象（待审批）" in run("list", "--stage", "target", lang="zh").out
