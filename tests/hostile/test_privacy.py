"""Private data (PIPL): files only their owner reads, backups that say what they hold, no full ID
number in history, messages or reports, one person per ID number."""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from tests.ui.conftest import BOOK, TODAY
from tracker.service import Service
from tracker.store import Store

from .run_cli import ID_A, ID_B, Run, runner

MASKED_A = ID_A[:6] + "********" + ID_A[-4:]


@pytest.fixture
def run(tmp_path: Path) -> Run:
    r = runner(tmp_path / "tracker.json", cwd=tmp_path)
    assert r("add", "张三", "--applied", "2024-01-10", "--id-number", ID_A, "--phone", "13800000000").code == 0
    return r


@pytest.fixture
def open_umask() -> Iterator[None]:
    old = os.umask(0)
    try:
        yield
    finally:
        os.umask(old)


@pytest.mark.parametrize(("fmt", "person"), [("xlsx", None), ("csv", None), ("md", None), ("json", None),
                                             ("md", 1), ("xlsx", 1)])
def test_exports_are_readable_by_their_owner_only_whatever_the_umask(tmp_path: Path, open_umask: None, fmt: str,
                                                                      person: int | None) -> None:
    svc = Service(Store(tmp_path / "db.json"), BOOK, lambda: TODAY)
    svc.add({"name": "张三", "id_number": ID_A}, date(2024, 1, 10))
    out = tmp_path / f"out.{fmt}"
    out.write_bytes(b"old")
    os.chmod(out, 0o644)
    done = svc.export(stage="applicant" if fmt == "csv" else "all", fmt=fmt, person=person, path=out, force=True)
    assert stat.S_IMODE(done.path.stat().st_mode) == 0o600


def test_cli_export_is_0600_under_umask_0(run: Run, tmp_path: Path, open_umask: None) -> None:
    out = tmp_path / "r.xlsx"
    assert run("export", "-o", str(out)).code == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o600


def test_json_backup_keeps_full_id_numbers_and_says_so(run: Run, tmp_path: Path) -> None:
    out = tmp_path / "b.json"
    r = run("export", "--format", "json", "-o", str(out), lang="zh")
    assert r.code == 0
    assert json.loads(out.read_text(encoding="utf-8"))["people"][0]["id_number"] == ID_A
    assert "身份证号" in r.err and "--mask-id" in r.err


def test_json_mask_id_makes_a_copy_without_id_numbers(run: Run, tmp_path: Path) -> None:
    out = tmp_path / "share.json"
    r = run("export", "--format", "json", "--mask-id", "-o", str(out))
    assert r.code == 0 and r.err == ""
    text = out.read_text(encoding="utf-8")
    assert ID_A not in text and MASKED_A in text
    other = runner(tmp_path / "other.json", cwd=tmp_path)
    r = other("import", str(out))
    assert r.code == 0, r.out + r.err
    (p,) = other("list", "--json").json()
    assert p["name"] == "张三" and not p.get("id_number")


def test_mask_id_and_full_id_together_are_refused(run: Run, tmp_path: Path) -> None:
    assert run("export", "--format", "json", "--mask-id", "--full-id", "-o", str(tmp_path / "x.json")).code == 2


def test_history_shows_id_numbers_masked_and_undo_restores_the_full_one(run: Run, tmp_path: Path) -> None:
    assert run("edit", "1", "--id-number", ID_B, "--birth", "1996-05-12").code == 0
    for lang in ("zh", "en"):
        shown = run("history", lang=lang).out + run("history", "--json", lang=lang).out
        assert ID_A not in shown and ID_B not in shown
        assert MASKED_A in shown
    assert run("undo").code == 0
    assert run("show", "1", "--json").json()["id_number"] == ID_A


@pytest.mark.parametrize("bad", [ID_A[:-1] + ("1" if ID_A[-1] != "1" else "2"), ID_A[:-1], "110101199502304512"])
def test_a_bad_id_number_is_not_echoed_in_full(run: Run, bad: str) -> None:
    for lang in ("zh", "en"):
        r = run("add", "李四", "--applied", "2024-01-10", "--id-number", bad, lang=lang)
        assert r.code == 2
        assert bad not in r.err + r.out and bad[:6] in r.err


def test_import_report_never_prints_a_full_id_number(run: Run, tmp_path: Path) -> None:
    # the same person (name and birth date) with a different ID number: the report notes the difference
    sheet = tmp_path / "s.csv"
    sheet.write_text(f"姓名,出生年月,身份证号,递交入党申请书时间\n张三,1995-03-07,{ID_A[:-4]}9999,2024-01-10\n"
                     f"李四,1996-05-12,{ID_B},2024-02-10\n", encoding="utf-8")
    for lang in ("zh", "en"):
        r = run("import", str(sheet), "--dry-run", lang=lang)
        j = run("import", str(sheet), "--dry-run", "--json", lang=lang)
        shown = r.out + r.err + j.out + j.err
        for idn in (ID_A, ID_B, ID_A[:-4] + "9999"):
            assert idn not in shown


def test_a_second_person_with_the_same_id_number_is_refused_naming_the_first(run: Run) -> None:
    r = run("add", "李四", "--applied", "2024-02-10", "--id-number", ID_A, lang="zh")
    assert r.code == 2
    assert "张三" in r.err and "编号 1" in r.err and ID_A not in r.err
    assert [p["name"] for p in run("list", "--json").json()] == ["张三"]


def test_editing_an_id_number_into_someone_elses_is_refused(run: Run) -> None:
    assert run("add", "李四", "--applied", "2024-02-10").code == 0
    r = run("edit", "2", "--id-number", ID_A, lang="en")
    assert r.code == 2 and "张三 (id 1)" in r.err
    assert not run("show", "2", "--json").json().get("id_number")


def test_import_with_a_known_id_number_merges_instead_of_duplicating(run: Run, tmp_path: Path) -> None:
    sheet = tmp_path / "s.csv"
    sheet.write_text(f"姓名,身份证号,递交入党申请书时间\n张三丰,{ID_A},2024-01-10\n", encoding="utf-8")
    assert run("import", str(sheet)).code == 0
    people = run("list", "--json").json()
    assert [p["id_number"] for p in people] == [ID_A]
