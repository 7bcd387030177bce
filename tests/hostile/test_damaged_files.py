"""Damaged or odd database files: refused with a message and exit 3, never written over, never a traceback."""

from __future__ import annotations

import json
import math
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tracker.model import Event, Person
from tracker.store import Store, StoreError

from .conftest import Run, our_file, person, write_ours

ADD = ("add", "李四", "--applied", "2024-02-01")


@pytest.mark.parametrize("content", [b"", b"  \n\t\r\n"], ids=["zero-bytes", "whitespace"])
def test_an_empty_database_file_is_damaged_and_the_good_backup_is_kept(run: Run, db: Path, content: bytes) -> None:
    assert run(*ADD).code == 0
    assert run("add", "王五", "--applied", "2024-02-01").code == 0
    good_bak = (db.parent / "tracker.json.bak").read_bytes()
    db.write_bytes(content)

    res = run(*ADD)

    assert res.code == 3
    assert "empty" in res.err and "tracker.json.bak" in res.err and "Traceback" not in res.err
    assert db.read_bytes() == content
    assert (db.parent / "tracker.json.bak").read_bytes() == good_bak


def test_an_empty_database_file_is_damaged_for_reading_too(run: Run, db: Path) -> None:
    db.write_bytes(b"")
    res = run("list")
    assert res.code == 3 and "damaged" in res.err


def _trailing_space_after_commas(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(", ", ":"), indent=0).replace(",\n", ", \n")


def _last_line_joined_with_the_brace(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, indent=0).rstrip().removesuffix("\n}") + "}"


FOREIGN_LAYOUTS = {
    "trailing-space-after-comma": _trailing_space_after_commas,
    "last-line-joined-with-brace": _last_line_joined_with_the_brace,
    "pretty-printed": lambda data: json.dumps(data, ensure_ascii=False, indent=2),
    "one-line-ascii": lambda data: json.dumps(data),
    "windows-line-ends": lambda data: json.dumps(data, ensure_ascii=False, indent=0).replace("\n", "\r\n"),
}


@pytest.mark.parametrize("layout", FOREIGN_LAYOUTS.values(), ids=FOREIGN_LAYOUTS.keys())
def test_valid_json_in_another_layout_is_written_as_valid_json(run: Run, db: Path, layout: Any) -> None:
    data = our_file({"1": person("张三"), "2": person("赵六")})
    db.write_text(layout(data), encoding="utf-8")

    res = run("record", "张三", "talked", "--on", "2024-01-20")

    assert res.code == 0, res.err
    saved = json.loads(db.read_text(encoding="utf-8"))
    assert [e["event"] for e in saved["people"]["1"]["events"]] == ["applied", "talked"]
    # the other person's record is unchanged; the store adds what it derives from it (tracker.derived)
    assert {k: v for k, v in saved["people"]["2"].items() if k != "derived"} == person("赵六")
    assert saved["people"]["2"]["derived"]["stage"] == "applicant"
    assert run("list").code == 0


OUR_LAYOUT_HAND_EDITED = {
    "trailing-space-after-comma": lambda raw: raw.replace(b"]},\n", b"]}, \n", 1),
    "last-line-joined-with-brace": lambda raw: raw.replace(b'\n},\n"people"', b'},\n"people"'),
    "two-commas": lambda raw: raw.replace(b"]},\n", b"]},,\n", 1),
}


@pytest.mark.parametrize("edit", OUR_LAYOUT_HAND_EDITED.values(), ids=OUR_LAYOUT_HAND_EDITED.keys())
def test_our_layout_edited_by_hand_is_rewritten_as_valid_json(run: Run, db: Path, edit: Any) -> None:
    raw = write_ours(db, our_file({"1": person("张三"), "2": person("赵六"), "3": person("钱七")}))
    db.write_bytes(edit(raw))
    try:
        json.loads(db.read_bytes())
    except ValueError:
        res = run("record", "钱七", "talked", "--on", "2024-01-20")
        assert res.code == 3 and "damaged" in res.err  # not JSON at all: refused, as before
        return

    res = run("record", "钱七", "talked", "--on", "2024-01-20")

    assert res.code == 0, res.err
    saved = json.loads(db.read_bytes())
    assert [p["name"] for p in saved["people"].values()] == ["张三", "赵六", "钱七"]
    assert len(saved["people"]["3"]["events"]) == 2


def _spoil(data: dict[str, Any], how: str) -> Any:
    people = data["people"]
    if how == "top-level-list":
        return [data]
    if how == "people-as-text":
        data["people"] = "张三"
    elif how == "person-without-name":
        del people["1"]["name"]
    elif how == "event-without-date":
        del people["1"]["events"][0]["date"]
    elif how == "impossible-date":
        people["1"]["events"][0]["date"] = "2023-02-29"
    elif how == "unknown-event-key":
        people["1"]["events"].append({"event": "promoted-to-general", "date": "2024-02-01"})
    elif how == "non-numeric-key":
        people["abc"] = people.pop("1")
    elif how == "history-entry-as-text":
        data["history"] = {"1": "added 张三"}
    elif how == "history-without-summary":
        data["history"] = {"1": {"at": "2024-01-01T00:00:00+08:00", "action": "add", "before": {"1": None}}}
    elif how == "history-before-broken":
        data["history"] = {"1": {"at": "2024-01-01T00:00:00+08:00", "action": "add", "zh": "新增", "en": "added",
                                 "before": {"1": {"events": []}}}}
    elif how == "schema-as-text":
        data["meta"]["1"]["schema"] = "1"
    elif how == "second-meta-record":
        data["meta"]["2"] = {"schema": 1}
    elif how == "events-as-object":
        people["1"]["events"] = {"event": "applied", "date": "2024-01-01"}
    elif how == "birth-date-as-number":
        people["1"]["birth"] = 19900101
    elif how == "names-as-text":
        people["1"]["events"].append({"event": "mentors", "date": "2024-02-01", "names": "甲,乙"})
    return data


SHAPES = ["top-level-list", "people-as-text", "person-without-name", "event-without-date", "impossible-date",
          "unknown-event-key", "non-numeric-key", "history-entry-as-text", "history-without-summary",
          "history-before-broken", "schema-as-text", "second-meta-record", "events-as-object",
          "birth-date-as-number", "names-as-text"]


@pytest.mark.parametrize("how", SHAPES)
def test_a_file_in_the_wrong_shape_is_refused_by_every_command(run: Run, db: Path, how: str) -> None:
    db.write_text(json.dumps(_spoil(our_file({"1": person("张三")}), how), ensure_ascii=False), encoding="utf-8")
    before = db.read_bytes()

    for args in (ADD, ("list",), ("status",)):
        res = run(*args)
        assert res.code == 3, (args, res.out, res.err)
        assert "damaged" in res.err and "Traceback" not in res.err, res.err
    assert db.read_bytes() == before
    assert not (db.parent / "tracker.json.bak").exists()


def test_the_message_says_where_the_file_is_wrong(run: Run, db: Path) -> None:
    db.write_text(json.dumps(_spoil(our_file({"1": person("张三")}), "impossible-date")), encoding="utf-8")
    res = run("list", "--json")
    assert res.code == 3
    assert "people/1/events/1/date" in res.err and "2023-02-29" in res.err
    assert json.loads(res.out)["error"] == "store"


def test_the_message_is_chinese_first_when_asked(run: Run, db: Path) -> None:
    db.write_text("[]", encoding="utf-8")
    proc = run("--lang", "zh", "list")
    assert proc.code == 3 and "已损坏" in proc.err and "顶层不是对象" in proc.err


def test_unknown_fields_survive_an_edit_and_a_record(run: Run, db: Path) -> None:
    doc = person("张三", wechat="zhangsan_88")
    doc["events"][0]["venue"] = "第三会议室"
    write_ours(db, our_file({"1": doc}))

    assert run("edit", "张三", "--phone", "13800000000").code == 0
    assert run("record", "张三", "talked", "--on", "2024-01-20").code == 0

    saved = json.loads(db.read_bytes())["people"]["1"]
    assert saved["wechat"] == "zhangsan_88" and saved["phone"] == "13800000000"
    assert saved["events"][0] == {"event": "applied", "date": "2024-01-01", "venue": "第三会议室"}
    assert run("undo").code == 0 and run("undo").code == 0
    back = json.loads(db.read_bytes())["people"]["1"]
    assert back.pop("derived")["stage"] == "applicant"  # what the store derives from it, kept beside it
    assert back == doc


def test_a_number_that_is_not_json_is_never_written(tmp_path: Path) -> None:
    db = tmp_path / "t.json"
    store = Store(db)
    with store.transaction() as tx:
        saved = tx.add(Person(id=0, name="张三", events=(Event("applied", date(2024, 1, 1)),)))
    before = db.read_bytes()
    bad = saved.with_events((*saved.events, Event("training", date(2024, 2, 1), days=math.nan)))
    with pytest.raises(StoreError) as err, store.transaction() as tx:
        tx.put(bad)
    assert "Nothing was changed" in err.value.en
    assert db.read_bytes() == before
    json.loads(before)  # strict enough for any other program
