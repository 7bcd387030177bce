"""The shape of a database file, checked whole when it is read (part of the store).

A file that parses as JSON may still not be ours: a top level that is not an object, people as a
string, a person without a name, an event without a date or with an impossible one, an event key
this program does not know, a key that is not a number, a broken history, a schema written as text,
a second meta record. Each is found here, with where it is, before anything else reads the data, so
that no command can write on top of a file that another command cannot read.

Unknown *fields* (a person detail, an event option a newer version added) are allowed: the model
keeps them. Event keys are checked against ``tracker.stages.EVENT_BY_KEY`` at run time.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, MutableMapping
from datetime import date
from typing import Any

from .model import DATE_DETAILS, DETAIL_FIELDS
from .stages import EVENT_BY_KEY

SCHEMA_VERSION = 1
TABLES = ("meta", "people", "history")

_TEXT_OPTIONS = ("result", "reason", "note", "override")
_NUMBER_OPTIONS = ("days", "hours")
_LIST_OPTIONS = ("names", "overridden")
_TEXT_DETAILS = tuple(k for k in DETAIL_FIELDS if k not in DATE_DETAILS)


class ShapeError(Exception):
    """Where the file is not in our shape, and what is wrong there (zh, en)."""

    def __init__(self, where: str, zh: str, en: str) -> None:
        super().__init__(f"{where}: {en}")
        self.zh = f"{where}：{zh}" if where else zh
        self.en = f"{where}: {en}" if where else en


def _is_id(key: str) -> bool:
    return key.isascii() and key.isdigit() and key[0] != "0"


def _table(data: dict[str, Any], name: str) -> MutableMapping[str, Any]:
    table = data.get(name, {})
    if not isinstance(table, MutableMapping):  # a dict, or the store's lazily parsed people
        raise ShapeError(name, "应为对象（按编号列出的记录）", "should be an object of records by number")
    if not _all_ids(table):
        key = next(k for k in table if not _is_id(k))
        raise ShapeError(f"{name}/{key}", "编号不是正整数", "the key is not a positive whole number")
    return table


def _all_ids(keys: Collection[str]) -> bool:
    """``_is_id`` for every key, the usual yes without a Python call per key (10k people, 10k more in history)."""
    if not keys:
        return True
    joined = "".join(keys)
    return joined.isascii() and joined.isdigit() and "" not in keys and "0" not in {k[:1] for k in keys}


class _Checker:
    """Checks people documents; remembers the date strings already found valid (they repeat a lot)."""

    def __init__(self) -> None:
        self.good_dates: set[str] = set()

    def date(self, value: Any, where: str) -> None:
        if type(value) is str and value in self.good_dates:
            return
        if not isinstance(value, str):
            raise ShapeError(where, "日期应为文本 YYYY-MM-DD", "a date should be text, YYYY-MM-DD")
        try:
            date.fromisoformat(value)
        except ValueError:
            raise ShapeError(where, f"日期 {value!r} 不存在或格式不对", f"the date {value!r} is impossible or malformed") from None
        self.good_dates.add(value)

    def person(self, doc: Any, where: str) -> None:
        if type(doc) is not dict:
            raise ShapeError(where, "人员记录应为对象", "a person should be an object")
        name = doc.get("name")
        if not isinstance(name, str) or not name.strip():
            raise ShapeError(where, "缺少姓名", "the name is missing")
        for key in _TEXT_DETAILS:
            value = doc.get(key)
            if value is not None and not isinstance(value, str):
                raise ShapeError(f"{where}/{key}", "应为文本", "should be text")
        for key in DATE_DETAILS:
            value = doc.get(key)
            if value:
                self.date(value, f"{where}/{key}")
        events = doc.get("events", [])
        if type(events) is not list:
            raise ShapeError(f"{where}/events", "应为列表", "should be a list")
        known, good = EVENT_BY_KEY, self.good_dates
        for i, ev in enumerate(events, 1):  # ~150k events in 10k people: keep the usual case to a few lookups
            try:
                if (type(ev) is dict and ev.get("event") in known and ev.get("date") in good
                        and (len(ev) == 2 or _options_fine(ev))):
                    continue
            except TypeError:  # an unhashable value: the full check below names it
                pass
            self.event(ev, f"{where}/events/{i}")

    def event(self, ev: Any, where: str) -> None:
        if not isinstance(ev, dict):
            raise ShapeError(where, "事件应为对象", "an event should be an object")
        kind = ev.get("event")
        if not isinstance(kind, str) or kind not in EVENT_BY_KEY:
            raise ShapeError(where, f"未知的事件 {kind!r}", f"unknown event {kind!r}")
        if "date" not in ev:
            raise ShapeError(where, "缺少日期", "the date is missing")
        self.date(ev["date"], f"{where}/date")
        if len(ev) > 2:
            self.options(ev, where)

    @staticmethod
    def options(ev: dict[str, Any], where: str) -> None:
        for key in _TEXT_OPTIONS:
            if key in ev and not isinstance(ev[key], str):
                raise ShapeError(f"{where}/{key}", "应为文本", "should be text")
        for key in _NUMBER_OPTIONS:
            value = ev.get(key)
            if key in ev and (isinstance(value, bool) or not isinstance(value, int | float)):
                raise ShapeError(f"{where}/{key}", "应为数字", "should be a number")
        if "months" in ev and (isinstance(ev["months"], bool) or not isinstance(ev["months"], int)):
            raise ShapeError(f"{where}/months", "应为整数", "should be a whole number")
        for key in _LIST_OPTIONS:
            value = ev.get(key)
            if key in ev and not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
                raise ShapeError(f"{where}/{key}", "应为文本列表", "should be a list of text")


_OPTION_TYPES: dict[str, type | tuple[type, ...]] = {
    **dict.fromkeys(_TEXT_OPTIONS, str), **dict.fromkeys(_NUMBER_OPTIONS, (int, float)), "months": int,
    **dict.fromkeys(_LIST_OPTIONS, list),
}


def _options_fine(ev: dict[str, Any]) -> bool:
    """The quick yes for an event's options; a no goes to ``_Checker.options``, which says what is wrong."""
    for key, value in ev.items():
        kind = _OPTION_TYPES.get(key)
        if kind is None:
            continue
        if type(value) is bool or not isinstance(value, kind):
            return False
        if isinstance(value, list) and not all(type(v) is str for v in value):
            return False
    return True


def _history(table: Mapping[str, Any], check: _Checker) -> None:
    for key, entry in table.items():
        where = f"history/{key}"
        if not isinstance(entry, dict):
            raise ShapeError(where, "记录应为对象", "an entry should be an object")
        for field in ("at", "action", "zh", "en"):
            if not isinstance(entry.get(field), str):
                raise ShapeError(f"{where}/{field}", "缺少或不是文本", "missing or not text")
        for field in ("undone", "undoable"):
            if field in entry and not isinstance(entry[field], bool):
                raise ShapeError(f"{where}/{field}", "应为 true 或 false", "should be true or false")
        before = entry.get("before", {})
        if not isinstance(before, dict):
            raise ShapeError(f"{where}/before", "应为对象", "should be an object")
        fine = _all_ids(before)
        for pid, doc in before.items():
            if not fine and not _is_id(pid):
                raise ShapeError(f"{where}/before/{pid}", "编号不是正整数", "the key is not a positive whole number")
            if doc is not None:
                check.person(doc, f"{where}/before/{pid}")


def check_shape(data: Any, trusted: Collection[str] = (), *,
                trusted_history: Collection[str] = ()) -> dict[str, MutableMapping[str, Any]]:
    """The tables of a parsed file, or ShapeError saying where it is not in our shape.

    ``trusted``: the people whose line this store wrote and that nothing changed since (its checksum
    adds up, see ``tracker.storelayout``); their documents are not checked again. ``trusted_history``: the same
    for history entries (a history section or a change journal entry that adds up)."""
    if not isinstance(data, dict):
        raise ShapeError("", "顶层不是对象", "the top level is not an object")
    for key, value in data.items():
        if key not in TABLES and value not in ({}, None):
            raise ShapeError(key, "不认识的表", "an unknown table")
    tables = {name: _table(data, name) for name in TABLES}
    meta = tables["meta"]
    if meta:
        record = meta.get("1")
        if len(meta) > 1 or not isinstance(record, dict):
            raise ShapeError("meta", "应只有一条记录（编号 1）", "should hold one record, number 1")
        schema = record.get("schema")
        if isinstance(schema, bool) or not isinstance(schema, int) or schema < 1:
            raise ShapeError("meta/1/schema", f"格式版本 {schema!r} 不是正整数", f"the schema {schema!r} is not a positive whole number")
        if schema > SCHEMA_VERSION:  # a newer program's file: the store refuses it as such, unchecked
            return {name: _copy(table) for name, table in tables.items()}
    check = _Checker()
    people = tables["people"]
    for key in people:
        if key not in trusted:
            check.person(people[key], f"people/{key}")
    history = tables["history"]
    _history({k: v for k, v in history.items() if k not in trusted_history} if trusted_history else history, check)
    return {name: _copy(table) for name, table in tables.items()}


def _copy(table: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    return dict(table) if type(table) is dict else table  # the store's people stay unparsed


def check_person(doc: Any, where: str = "") -> None:
    """One person document (from a backup, say) in the shape the file holds, or ShapeError saying where not."""
    _Checker().person(doc, where)
