"""Administering a PostgreSQL database: ``db init``, ``db grant``/``revoke``, and ``migrate`` file ⇄ PostgreSQL."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

from .backend import is_pg_url, shown_url
from .derived import Derived
from .i18n import BilingualError
from .model import Person
from .pgrows import _ROW_COLS as ROW_COLS
from .pgrows import book_fingerprint, canonical_doc, derived, derived_columns, join_doc
from .pgschema import GROUP_ROLES, migrate_schema, schema_version
from .pgstore import _connect, _first_line
from .profiles import RuleBook
from .store import StoreError
from .storeshape import SCHEMA_VERSION as FILE_SCHEMA_VERSION
from .storeshape import TABLES

Data = dict[str, dict[str, Any]]


class AdminError(BilingualError):
    """A database command given what it cannot do (exit 2)."""


def _now() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")


def _need_pg(url: str) -> None:
    if not is_pg_url(url):
        raise AdminError("tracker db 只用于 PostgreSQL 数据库：--db postgresql://…",
                         "tracker db works on a PostgreSQL database only: --db postgresql://…")


def init(url: str) -> tuple[int | None, int]:
    """Create or upgrade the schema; (the version before — None: none —, the version now)."""
    _need_pg(url)
    import psycopg

    conn = _connect(url)
    try:
        if (schema_version(conn) or 2) < 2:  # schema 2 adds the unique ID-number index: say who stands in its way
            twice = {str(n): [str(i) for i in ids] for n, ids in conn.execute(
                "SELECT details->>'id_number', array_agg(id ORDER BY id) FROM people WHERE details->>'id_number' <> '' "
                "GROUP BY 1 HAVING count(*) > 1")}
            _refuse_duplicates(twice, "数据库", "database")
        return migrate_schema(conn, _now())
    except psycopg.Error as exc:
        raise StoreError(f"无法建立数据库表：{_first_line(exc)}", f"Cannot create the tables: {_first_line(exc)}") from None
    finally:
        conn.close()


def grant(url: str, user: str, branches: list[str], all_branches: bool, password: str | None = None) -> bool:
    """Let ``user`` (created as a login role if missing) read and write these branches, or all; True if created."""
    _need_pg(url)
    if not user or user in GROUP_ROLES or user.startswith("pg_"):
        raise AdminError(f"不能使用用户名“{user}”。", f"The user name '{user}' cannot be used.")
    if not branches and not all_branches:
        raise AdminError("请给出 --branch 支部（可多次）或 --all。", "Give --branch BRANCH (repeatable) or --all.")
    import psycopg
    from psycopg import sql

    conn = _connect(url)
    try:
        with conn.transaction():
            if schema_version(conn) is None:
                raise AdminError("请先运行 tracker db init。", "Run tracker db init first.")
            exists = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (user,)).fetchone() is not None
            role = sql.Identifier(user)
            if not exists:
                conn.execute(sql.SQL("CREATE ROLE {} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE").format(role))
            if password:
                conn.execute(sql.SQL("ALTER ROLE {} PASSWORD {}").format(role, sql.Literal(password)))
            conn.execute(sql.SQL("GRANT CONNECT ON DATABASE {} TO {}").format(
                sql.Identifier(conn.info.dbname), role))
            if all_branches:
                conn.execute(sql.SQL("GRANT tracker_all TO {}").format(role))
            if branches:
                conn.execute(sql.SQL("GRANT tracker_branch TO {}").format(role))
                for b in branches:
                    conn.execute("INSERT INTO tracker_grants (role, branch) VALUES (%s, %s) ON CONFLICT DO NOTHING",
                                 (user, b))
        return not exists
    except psycopg.Error as exc:
        raise StoreError(f"授权失败：{_first_line(exc)}", f"Grant failed: {_first_line(exc)}") from None
    finally:
        conn.close()


def revoke(url: str, user: str, branches: list[str]) -> list[str]:
    """Take away these branches (none given: every right, the login role stays); the branches left."""
    _need_pg(url)
    import psycopg
    from psycopg import sql

    conn = _connect(url)
    try:
        with conn.transaction():
            role = sql.Identifier(user)
            if conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (user,)).fetchone() is None:
                raise AdminError(f"没有数据库用户“{user}”。", f"No database user '{user}'.")
            if branches:
                conn.execute("DELETE FROM tracker_grants WHERE role = %s AND branch = ANY(%s)", (user, branches))
            else:
                conn.execute("DELETE FROM tracker_grants WHERE role = %s", (user,))
                conn.execute(sql.SQL("REVOKE tracker_all FROM {}").format(role))
            left = [r[0] for r in conn.execute("SELECT branch FROM tracker_grants WHERE role = %s ORDER BY branch",
                                               (user,))]
            if not left:
                conn.execute(sql.SQL("REVOKE tracker_branch FROM {}").format(role))
        return left
    except psycopg.Error as exc:
        raise StoreError(f"撤销授权失败：{_first_line(exc)}", f"Revoke failed: {_first_line(exc)}") from None
    finally:
        conn.close()


# ------------------------------------------------------------------ migrate

def read_data(source: str, book: RuleBook) -> Data:
    """Everything in a database, in the file's shape: meta, people and history by id."""
    if is_pg_url(source):
        return _read_pg(source)
    from .store import AtomicJSONStorage

    path = Path(source).expanduser()
    storage = AtomicJSONStorage(path)
    storage.load(must_exist=True)
    # every person parsed (the file store leaves lines unparsed until asked), without the cached derived fields
    return {name: {key: {k: v for k, v in dict(doc).items() if k != "derived"} if name == "people" else doc
                   for key, doc in table.items()}
            for name, table in storage.data.items()}


def _read_pg(url: str) -> Data:
    conn = _connect(url)
    try:
        if schema_version(conn) is None:
            raise StoreError(f"数据库 {shown_url(url)} 还没有台账的表。", f"The database {shown_url(url)} has no tracker tables.")
        meta_rows = dict(conn.execute("SELECT key, value FROM tracker_meta").fetchall())
        meta: dict[str, Any] = {"schema": FILE_SCHEMA_VERSION}
        for key in ("created", "settings"):
            if key in meta_rows:
                meta[key] = meta_rows.pop(key)
        meta.update((k, v) for k, v in meta_rows.items() if k != "schema")
        people = {str(r[0]): join_doc(r[1], r[2])
                  for r in conn.execute("SELECT id, details, events FROM people ORDER BY id")}
        history: dict[str, Any] = {}
        for hid, at, action, zh, en, before, undone, undoable in conn.execute(
                "SELECT id, at, action, zh, en, before, undone, undoable FROM history ORDER BY id"):
            kept = {k: (canonical_doc(v) if isinstance(v, dict) else None)
                    for k, v in sorted(before.items(), key=lambda kv: int(kv[0]))}
            history[str(hid)] = {"at": at, "action": action, "zh": zh, "en": en, "before": kept,
                                 "undone": undone, "undoable": undoable}
        return {"meta": {"1": meta} if people or history or meta_rows or "created" in meta else {},
                "people": people, "history": history}
    finally:
        conn.close()


def migrate(source: str, target: str, book: RuleBook) -> tuple[int, int]:
    """Copy every person and every history entry from ``source`` to the empty ``target`` (ids kept);
    a PostgreSQL target without the tables is initialised first. Returns (people, history entries)."""
    if is_pg_url(source) == is_pg_url(target) and not is_pg_url(source):
        raise AdminError("migrate 在数据库文件与 PostgreSQL 之间复制：一端须为 postgresql://…",
                         "migrate copies between a database file and PostgreSQL: one side must be postgresql://…")
    data = read_data(source, book)
    if is_pg_url(target):
        _write_pg(target, data, book, _kept_derived(source, book))
    else:
        _write_file(Path(target).expanduser(), data, book)
    return len(data.get("people", {})), len(data.get("history", {}))


def _kept_derived(source: str, book: RuleBook) -> dict[int, Derived]:
    """Each person's derived fields as the file keeps them (valid for this rule book and line, else derived now by
    the store): migrate then needs no one's events replayed (of 100k people: most of its time)."""
    from .store import Store

    store = Store(Path(source).expanduser(), must_exist=True, rulebook=book)
    return {s.id: s.derived for s in store.summaries()}


def _write_file(path: Path, data: Data, book: RuleBook) -> None:
    from .store import AtomicJSONStorage, Store
    from .storefile import hold_lock

    real = path.resolve()
    with hold_lock(real.with_name(real.name + ".lock"), 3.0):
        if path.exists() and path.stat().st_size > 0:
            raise AdminError(f"目标文件 {path} 已存在，迁移只写入新文件。", f"The target file {path} exists; migrate writes a new file only.")
        storage = AtomicJSONStorage(real, path)
        storage.data = {t: dict(data.get(t, {})) for t in TABLES}
        storage.writable = True
        storage.flush()
    store = Store(path, rulebook=book)  # once more through the store: each line gets its derived fields
    with store.transaction() as tx:
        tx.changed = True


def _refuse_duplicate_id_numbers(data: Data) -> None:
    """PostgreSQL keeps one person per ID number (a unique index): a file holding two is refused before anything
    is written, naming them so that the secretary can merge or correct them first."""

    holders: dict[str, list[str]] = {}
    for key, doc in data.get("people", {}).items():
        number = str(doc.get("id_number") or "")
        if number:
            holders.setdefault(number, []).append(key)
    _refuse_duplicates({n: ids for n, ids in holders.items() if len(ids) > 1}, "原数据库", "source")


def _refuse_duplicates(twice: dict[str, list[str]], where_zh: str, where_en: str) -> None:
    from .registers import mask_id

    if twice:
        shown = "；".join(f"{mask_id(n)}：编号 {'、'.join(ids)}" for n, ids in list(twice.items())[:10])
        shown_en = "; ".join(f"{mask_id(n)}: ids {', '.join(ids)}" for n, ids in list(twice.items())[:10])
        raise AdminError(
            f"有 {len(twice)} 个身份证号各登记了不止一人（{shown}）。PostgreSQL 中一个身份证号只能登记一人；"
            f"请先在{where_zh}中核对、更正（tracker edit），再继续。未作任何更改。",
            f"{len(twice)} ID numbers are each registered for more than one person ({shown_en}). In PostgreSQL one "
            f"ID number belongs to one person; check and correct them in the {where_en} first (tracker edit), then "
            "try again. Nothing was changed.")


def _write_pg(url: str, data: Data, book: RuleBook, kept: dict[int, Derived] | None = None) -> None:
    import psycopg

    migrate_schema_conn = _connect(url)
    try:
        migrate_schema(migrate_schema_conn, _now())
    finally:
        migrate_schema_conn.close()
    _refuse_duplicate_id_numbers(data)
    fp = book_fingerprint(book)
    conn = _connect(url)
    try:
        with conn.transaction():
            conn.execute("LOCK TABLE people, history IN EXCLUSIVE MODE")
            if conn.execute("SELECT EXISTS (SELECT 1 FROM people) OR EXISTS (SELECT 1 FROM history)").fetchone()[0]:
                raise AdminError(f"目标数据库 {shown_url(url)} 已有数据，迁移只写入空数据库。",
                                 f"The target database {shown_url(url)} is not empty; migrate writes into an empty one.")
            # emptied in this transaction, so COPY may write the rows frozen and all-visible: the covering indexes
            # answer the committee's counts at once (index-only), without a VACUUM pass over 100k fresh rows first
            conn.execute("TRUNCATE people, history")
            meta = dict(data.get("meta", {}).get("1") or {})
            meta.pop("schema", None)
            for key, value in meta.items():
                conn.execute("INSERT INTO tracker_meta (key, value) VALUES (%s, %s::jsonb) ON CONFLICT (key) "
                             "DO UPDATE SET value = excluded.value", (key, json.dumps(value, ensure_ascii=False)))
            cur = conn.cursor()
            with cur.copy(f"COPY people (id, {', '.join(ROW_COLS)}) FROM STDIN WITH (FREEZE)") as copy:
                for key, doc in data.get("people", {}).items():
                    found = (kept or {}).get(int(key))
                    columns = derived(Person.from_doc(int(key), doc), book) if found is None else derived_columns(found)
                    details = {k: v for k, v in doc.items() if k != "events"}
                    copy.write_row((int(key), str(doc.get("branch") or ""), doc["name"], _json(details),
                                    _json(doc.get("events", [])), *columns, fp))
            people = data.get("people", {})
            with cur.copy("COPY history (id, who, at, action, zh, en, before, people, branches, undone, undoable) "
                          "FROM STDIN WITH (FREEZE)") as copy:
                for key, entry in data.get("history", {}).items():
                    before = entry.get("before", {}) or {}
                    branches = {str(d.get("branch", "")) for d in before.values() if isinstance(d, dict)}
                    branches |= {str(people[k].get("branch", "")) for k in before if k in people}
                    copy.write_row((int(key), conn.info.user, entry["at"], entry["action"], entry["zh"], entry["en"],
                                    _json(before), sorted(int(k) for k in before),
                                    sorted(branches), bool(entry.get("undone")), bool(entry.get("undoable", True))))
            for table in ("people", "history"):
                conn.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                             f"coalesce((SELECT max(id) FROM {table}), 0) + 1, false)")
        conn.execute("ANALYZE people, history")  # the planner's figures for the new rows, before the first query
    except psycopg.Error as exc:
        raise StoreError(f"迁移失败，目标未改动：{_first_line(exc)}", f"Migrate failed; the target is unchanged: "
                         f"{_first_line(exc)}") from None
    finally:
        conn.close()


def _json(value: Any) -> str:
    """JSON text for a JSONB column (orjson: a third of the json module's time; the server parses it either way)."""
    import orjson

    return orjson.dumps(value).decode()
