from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tracker.inputs import InputError, build_event, clean_details
from tracker.model import Event, Person
from tracker.service import Refused, Service
from tracker.store import Store

from .helpers import BOOK, d


def _svc(tmp_path: Path, today: str = "2026-11-27") -> Service:
    return Service(Store(tmp_path / "db.json"), BOOK, lambda: date.fromisoformat(today))


def test_refused_step_saves_nothing(tmp_path: Path) -> None:
    svc = _svc(tmp_path)
    p = svc.add({"name": "张三"}, d("2024-01-01")).person
    svc.record(p.id, Event("activist", d("2025-12-01")))
    before = (tmp_path / "db.json").read_bytes()
    with pytest.raises(Refused) as err:
        svc.record(p.id, Event("target", d("2026-11-20")))
    assert err.value.check.earliest == d("2026-12-01")
    assert (tmp_path / "db.json").read_bytes() == before
    assert svc.person(p.id).stage == "activist"


def test_override_is_saved_with_its_reason_and_the_rules_it_overrode(tmp_path: Path) -> None:
    svc = _svc(tmp_path)
    p = svc.add({"name": "张三"}, d("2024-01-01")).person
    svc.record(p.id, Event("activist", d("2025-12-01")))
    # R5 is the condition for being proposed: the higher committee's consent within the year needs a reason
    svc.record(p.id, Event("target-proposed", d("2026-11-02")), override="上级党委批准提前")
    done = svc.record(p.id, Event("target-filed", d("2026-11-02")), override="上级党委批准提前")
    saved = Store(tmp_path / "db.json").person(p.id)
    assert saved is not None and saved.stage == "activist"
    filed = saved.last("target-filed")
    assert filed is not None and filed.override == "上级党委批准提前" and filed.overridden == ("activist-1y",)
    assert "activist-1y" in svc.history()[-1].en and done.person.stage == "activist"


def test_order_refusal_cannot_be_overridden(tmp_path: Path) -> None:
    svc = _svc(tmp_path)
    p = svc.add({"name": "张三"}, d("2024-01-01")).person
    with pytest.raises(Refused) as err:
        svc.record(p.id, Event("admitted", d("2025-01-01")), override="想跳过")
    assert err.value.check.hard_refusals


def test_undo_reverts_the_last_change_then_the_one_before(tmp_path: Path) -> None:
    svc = _svc(tmp_path)
    p = svc.add({"name": "张三"}, d("2024-01-01")).person
    svc.record(p.id, Event("talked", d("2024-01-10")))
    svc.edit(p.id, {"phone": "13800000000"})
    assert svc.undo() is not None
    assert svc.person(p.id).phone == "" and svc.person(p.id).last("talked") is not None
    svc.undo()
    assert svc.person(p.id).last("talked") is None
    svc.undo()
    assert svc.people() == []
    assert svc.undo() is None
    actions = [(h.action, h.undone) for h in svc.history()]
    assert actions[:3] == [("add", True), ("record", True), ("edit", True)]
    assert [a for a, _ in actions[3:]] == ["undo", "undo", "undo"]


def test_undo_survives_a_restart(tmp_path: Path) -> None:
    svc = _svc(tmp_path)
    p = svc.add({"name": "张三"}, d("2024-01-01")).person
    svc.record(p.id, Event("talked", d("2024-01-10")))
    svc2 = _svc(tmp_path)
    svc2.undo()
    assert svc2.person(p.id).last("talked") is None


def test_edit_records_before_and_after(tmp_path: Path) -> None:
    svc = _svc(tmp_path)
    p = svc.add({"name": "张三", "branch": "一支部"}, d("2024-01-01")).person
    svc.edit(p.id, {"branch": "二支部"})
    assert "所在党支部：一支部 → 二支部" in svc.history(p.id)[-1].zh


def test_find_by_unique_name_or_id(tmp_path: Path) -> None:
    svc = _svc(tmp_path)
    a = svc.add({"name": "张三"}, d("2024-01-01")).person
    svc.add({"name": "李四"}, d("2024-01-01"))
    svc.add({"name": "李四"}, d("2024-01-02"))
    assert svc.find("张三").id == a.id and svc.find(str(a.id)).name == "张三"
    with pytest.raises(InputError, match="use the id"):
        svc.find("李四")
    with pytest.raises(InputError, match="No one"):
        svc.find("王五")


def test_id_number_is_checked_and_fills_the_birth_date() -> None:
    clean = clean_details({"name": "张三", "id_number": "11010519491231002x"}, require_name=True)
    assert clean["id_number"] == "11010519491231002X" and clean["birth"] == date(1949, 12, 31)
    with pytest.raises(InputError, match="check digit"):
        clean_details({"name": "张三", "id_number": "110105194912310021"}, require_name=True)
    with pytest.raises(InputError, match="does not match"):
        clean_details({"name": "张三", "id_number": "11010519491231002X", "birth": "1950-01-01"}, require_name=True)


@pytest.mark.parametrize(("kind", "kwargs", "field"), [
    ("sponsors", {}, "names"), ("political-review", {}, "result"), ("political-review", {"result": "ok"}, "result"),
    ("training", {}, "days"), ("extended", {}, "months"), ("left", {}, "reason"), ("nonsense", {}, "event"),
])
def test_step_fields_are_required_with_a_hint(kind: str, kwargs: dict[str, str], field: str) -> None:
    with pytest.raises(InputError) as err:
        build_event(kind, date(2025, 1, 1), **kwargs)  # type: ignore[arg-type]
    assert err.value.field == field


def test_chinese_result_words_are_accepted() -> None:
    assert build_event("political-review", date(2025, 1, 1), result="合格").result == "pass"
    assert build_event("sponsors", date(2025, 1, 1), names="李四、王五").names == ("李四", "王五")


def test_demo_loads_only_into_an_empty_database(tmp_path: Path) -> None:
    svc = _svc(tmp_path)
    svc.add({"name": "张三"}, d("2024-01-01"))
    with pytest.raises(InputError, match="empty"):
        svc.load_demo()


def test_a_refused_step_neither_writes_nor_reloads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    svc = _svc(tmp_path)
    p = svc.add({"name": "张三"}, d("2024-01-01")).person
    mtime = (tmp_path / "db.json").stat().st_mtime_ns
    reloads = []
    monkeypatch.setattr(svc.store, "_open", lambda: reloads.append(1))
    with pytest.raises(Refused):
        svc.record(p.id, Event("target", d("2024-06-01")))
    assert reloads == [] and (tmp_path / "db.json").stat().st_mtime_ns == mtime


def _sponsored(tmp_path: Path) -> tuple[Service, Person, Person]:
    """李四, an activist in this register, and 张三, a development target looking for sponsors."""
    svc = _svc(tmp_path)
    sponsor = svc.add({"name": "李四"}, d("2024-01-01")).person
    sponsor = svc.record(sponsor.id, Event("activist", d("2024-03-01"))).person
    p = svc.add({"name": "张三"}, d("2024-01-01")).person
    svc.record(p.id, Event("activist", d("2024-02-01")))
    for kind in ("target-proposed", "target-filed", "target"):
        svc.record(p.id, Event(kind, d("2025-02-01")))
    return svc, svc.person(p.id), sponsor


def test_a_sponsor_who_is_not_a_full_member_here_is_refused_saying_who(tmp_path: Path) -> None:
    svc, p, sponsor = _sponsored(tmp_path)
    check = svc.check(p, Event("sponsors", d("2025-02-10"), names=("李四", "王五")))
    (v,) = check.refusals
    assert v.rule == "sponsor-not-member" and v.code == "R9" and v.overridable
    assert f"入党介绍人“李四”在本台账中不是正式党员（编号 {sponsor.id}，入党积极分子）" in v.zh
    assert v.zh.endswith("（细则第十四条）") and f"(#{sponsor.id}, Activist 入党积极分子)" in v.en
    with pytest.raises(Refused):
        svc.record(p.id, Event("sponsors", d("2025-02-10"), names=("李四", "王五")))
    done = svc.record(p.id, Event("sponsors", d("2025-02-10"), names=("李四", "王五")), override="另一位李四，正式党员")
    assert done.person.last("sponsors") is not None


def test_sponsors_not_in_this_register_pass(tmp_path: Path) -> None:
    svc, p, _ = _sponsored(tmp_path)
    assert svc.check(p, Event("sponsors", d("2025-02-10"), names=("赵六", "王五"))).ok


def test_only_the_last_changes_keep_what_undo_needs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import tracker.store

    monkeypatch.setattr(tracker.store, "UNDO_DEPTH", 2)
    svc = _svc(tmp_path)
    p = svc.add({"name": "张三"}, d("2024-01-01")).person
    svc.record(p.id, Event("talked", d("2024-01-10")))
    svc.edit(p.id, {"phone": "13800000000"})
    assert [h.undoable for h in svc.history()] == [False, True, True]
    assert svc.undo() is not None and svc.undo() is not None
    assert svc.undo() is None  # the add is older than the undo depth: it stays, with its summary
    assert svc.person(p.id).name == "张三" and svc.history()[0].zh.startswith("新增 张三")


def test_a_chinese_name_keeps_no_spaces_and_a_pasted_paragraph_is_refused(tmp_path: Path) -> None:
    """张 三 typed in the app and 张　三 padded in a sheet are one person, 张三; a Latin name keeps one space."""
    assert clean_details({"name": " 张 三 "}, require_name=True)["name"] == "张三"
    assert clean_details({"name": "张\u3000三"}, require_name=True)["name"] == "张三"
    assert clean_details({"name": "𠮷 田"}, require_name=True)["name"] == "𠮷田"
    assert clean_details({"name": "Anna  Lee"}, require_name=True)["name"] == "Anna Lee"
    assert clean_details({"name": "阿卜杜热合曼·买买提"}, require_name=True)["name"] == "阿卜杜热合曼·买买提"
    with pytest.raises(InputError) as refused:
        clean_details({"name": "长" * 300}, require_name=True)
    assert "姓名过长（300 个字），最多 40 个字" in refused.value.zh and refused.value.field == "name"
    svc = _svc(tmp_path)
    pid = svc.add({"name": "张 三"}, d("2024-01-01")).person.id
    assert svc.person(pid).name == "张三"
