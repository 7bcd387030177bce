"""The store on PostgreSQL: the same public API as ``tracker.store.Store``, for a whole committee.

- One row per person (details and events as JSONB, a version, and derived columns: stage, stage date,
  active, pending, the earliest open deadline), one row per change in ``history`` (who is the database
  user), settings in ``tracker_meta``. The schema is in ``tracker.pgschema``.
- Each user action is one database transaction. Reading a person inside it (``person``) locks the row
  (``SELECT … FOR UPDATE``): a second secretary recording for the same person waits, then reads the
  step the first one saved, and the service checks the rules against that. A scan of everyone inside a
  transaction (a duplicate check, an import) takes a transaction-level advisory lock, so two such scans
  run one after the other and the second sees what the first added.
- Row-level security in the server decides which people and which history a user sees.
- Every committed change is announced (``tracker_notify``) on the channel of each branch it touched, with that
  branch's ids only, and on the all-branches channel; channel names derive from a secret only the owner reads, and
  a user LISTENs on the channels ``tracker_listen_channels`` gives her. ``refresh`` reads the notifications
  (without a round trip) and drops only those people from the cache.
- History rows are kept for audit (who, when, what); what undo restores (``before``) is kept for each user's last
  ``UNDO_DEPTH`` undoable changes, as the file keeps it for its last ones. Undo finds the user's last change and a
  person's changes through indexes, never by reading the history.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Any

from .backend import shown_url
from .derived import Derived, Summary, summary
from .model import Person
from .pgrows import (
    _ROW_COLS,
    DERIVED_COLS,
    _duplicate_in,
    book_fingerprint,
    canonical_doc,
    derived,
    duplicate_id_error,
    join_doc,
    split_doc,
)
from .pgschema import PG_SCHEMA_VERSION, schema_version
from .profiles import RuleBook
from .store import UNDO_DEPTH, HistoryEntry, LockedError, StoreError

_PEOPLE_COLS = "id, details, events"
_HISTORY_COLS = "id, at, action, zh, en, people, undone, undoable, who = current_user"
_SCAN_LOCK = 7232  # advisory lock taken by a transaction that reads everyone


def _connect(url: str) -> Any:
    try:
        import psycopg
    except ImportError:
        raise StoreError(
            "使用 PostgreSQL 数据库需要安装 psycopg：pip install 'party-tracker[postgres]'。",
            "A PostgreSQL database needs psycopg: pip install 'party-tracker[postgres]'.") from None
    from .backend import early_connection

    try:
        conn = early_connection(url) or psycopg.connect(url, autocommit=True, connect_timeout=10)
    except psycopg.Error as exc:
        raise StoreError(f"无法连接 PostgreSQL 数据库：{_first_line(exc)}",
                         f"Cannot connect to the PostgreSQL database: {_first_line(exc)}") from None
    import orjson
    from psycopg.types.json import set_json_dumps, set_json_loads

    set_json_loads(orjson.loads, conn)  # JSONB read and written with orjson: a third of the json module's time
    set_json_dumps(orjson.dumps, conn)
    return conn


def psycopg_errors() -> Any:
    import psycopg

    return psycopg.errors


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


class PgTransaction:
    """The changes of one user action, in one database transaction (committed when the block ends)."""

    def __init__(self, store: PgStore) -> None:
        self._store = store
        self._cur = store._conn
        self.before: dict[str, dict[str, Any] | None] = {}
        self.changed = False
        self.locked: dict[int, dict[str, Any] | None] = {}  # rows read FOR UPDATE: their document then
        self.branches: set[str] = set()
        self.touched: dict[int, set[str]] = {}  # the people changed, each with their branches before and after

    # ---- locking
    def lock(self, pid: int) -> dict[str, Any] | None:
        """Lock the person's row for this transaction; their document as it is now (None: no such row)."""
        if pid not in self.locked:
            row = self._cur.execute(f"SELECT {_PEOPLE_COLS} FROM people WHERE id = %s FOR UPDATE", (pid,)).fetchone()
            self.locked[pid] = join_doc(row[1], row[2]) if row else None
            if row:
                self.branches.add(str(row[1].get("branch", "")))
        return self.locked[pid]

    def _remember(self, pid: int) -> None:
        self.changed = True
        doc = self.lock(pid)
        self.before.setdefault(str(pid), doc)
        self._touch(pid, None if doc is None else str(doc.get("branch", "")))

    def _touch(self, pid: int, branch: str | None) -> None:
        self.touched.setdefault(pid, set())
        if branch is not None:
            self.touched[pid].add(branch)
            self.branches.add(branch)

    def _execute(self, sql: str, params: Any, id_number: str | None) -> Any:
        """Run a statement that writes a person; the unique index on the ID number refusing it (someone in the
        committee, perhaps in a branch this user cannot see, or added by another secretary a moment ago) is the
        same refusal as the service's own check."""
        import psycopg

        try:
            return self._cur.execute(sql, params)
        except psycopg.errors.UniqueViolation as exc:
            if exc.diag.constraint_name != "people_id_number":
                raise
            raise duplicate_id_error(id_number or "") from None

    def _row(self, person: Person) -> tuple[Any, ...]:
        from psycopg.types.json import Jsonb

        details, events = split_doc(person.to_doc())
        return (person.branch, person.name, Jsonb(details), Jsonb(events), *derived(person, self._store.book),
                self._store.fingerprint)

    # ---- the store's Transaction API
    def add(self, person: Person) -> Person:
        self.changed = True
        row = self._execute(
            f"INSERT INTO people ({', '.join(_ROW_COLS)}) VALUES ({', '.join(['%s'] * len(_ROW_COLS))}) RETURNING id",
            self._row(person), person.id_number).fetchone()
        return self._added(int(row[0]), person)

    def _added(self, pid: int, person: Person) -> Person:
        self.before[str(pid)] = None
        self.locked[pid] = None
        self._touch(pid, person.branch)
        saved = Person.from_doc(pid, person.to_doc())
        self._store._remember(saved)
        return saved

    def add_all(self, people: list[Person]) -> list[Person]:
        """Everyone in a few round trips: their ids drawn from the sequence at once, the rows sent in one pipeline
        (``executemany``), not one INSERT and its reply per person."""
        import psycopg

        if len(people) < 2:
            return [self.add(p) for p in people]
        self.changed = True
        ids = [int(r[0]) for r in self._cur.execute(
            "SELECT nextval(pg_get_serial_sequence('people', 'id')) FROM generate_series(1, %s)", (len(people),))]
        rows = [(*self._row(p), pid) for pid, p in zip(ids, people, strict=True)]
        try:
            self._cur.cursor().executemany(
                f"INSERT INTO people ({', '.join(_ROW_COLS)}, id) VALUES ({', '.join(['%s'] * (len(_ROW_COLS) + 1))})",
                rows)
        except psycopg.errors.UniqueViolation as exc:
            if exc.diag.constraint_name != "people_id_number":
                raise
            raise duplicate_id_error(_duplicate_in(exc, people)) from None
        return [self._added(pid, p) for pid, p in zip(ids, people, strict=True)]

    def put(self, person: Person) -> None:
        self._remember(person.id)
        self._touch(person.id, person.branch)
        self._execute(
            f"UPDATE people SET {', '.join(c + ' = %s' for c in _ROW_COLS)}, version = version + 1 WHERE id = %s",
            (*self._row(person), person.id), person.id_number)
        self._store._remember(person)

    def put_all(self, people: list[Person]) -> None:
        for person in people:
            self.put(person)

    def restore(self, pid: int, doc: dict[str, Any] | None) -> None:
        """Put a person back as a stored document was (None: remove them)."""
        self._remember(pid)
        if doc is None:
            self._cur.execute("DELETE FROM people WHERE id = %s", (pid,))
            self._store._forget(pid)
            return
        person = Person.from_doc(pid, doc)
        self._touch(pid, person.branch)
        self._execute(
            f"INSERT INTO people ({', '.join(_ROW_COLS)}, id) VALUES ({', '.join(['%s'] * (len(_ROW_COLS) + 1))}) "
            f"ON CONFLICT (id) DO UPDATE SET {', '.join(f'{c} = excluded.{c}' for c in _ROW_COLS)}, "
            "version = people.version + 1", (*self._row(person), pid), person.id_number)
        self._store._remember(person)

    def log(self, action: str, zh: str, en: str, *, undoable: bool = True,
            before: dict[str, dict[str, Any] | None] | None = None) -> int:
        from psycopg.types.json import Jsonb

        self.changed = True
        kept = self.before if before is None else before
        for doc in kept.values():
            if doc is not None:
                self.branches.add(str(doc.get("branch", "")))
        people = sorted(int(k) for k in kept)
        row = self._cur.execute(
            "INSERT INTO history (at, action, zh, en, before, people, branches, undoable) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s, %s) RETURNING id",
            (datetime.now().astimezone().isoformat(timespec="seconds"), action, zh, en, Jsonb(kept), people,
             sorted(self.branches), undoable)).fetchone()
        if undoable:
            # what undo restores is kept for this user's last undo_depth undoable changes (the file keeps its
            # last UNDO_DEPTH); older entries keep their summary for the audit. An index range, not a scan.
            self._cur.execute(
                "UPDATE history SET before = '{}', undoable = false WHERE who = current_user AND undoable "
                "AND id <= (SELECT id FROM history WHERE who = current_user AND undoable "
                "ORDER BY id DESC OFFSET %s LIMIT 1)", (self._store.undo_depth,))
        return int(row[0])

    def set_setting(self, key: str, value: str | None) -> None:
        from psycopg.types.json import Jsonb

        self.changed = True
        settings = dict(self._store.settings())
        if value is None:
            settings.pop(key, None)
        else:
            settings[key] = value
        self._cur.execute("INSERT INTO tracker_meta (key, value) VALUES ('settings', %s) "
                          "ON CONFLICT (key) DO UPDATE SET value = excluded.value", (Jsonb(settings),))

    def mark_undone(self, hid: int) -> None:
        self.changed = True
        done = self._cur.execute("UPDATE history SET undone = true WHERE id = %s AND NOT undone", (hid,))
        if done.rowcount != 1:
            raise LockedError("这次更改刚刚已被撤销（可能是在另一窗口），未作任何更改。",
                              "That change was just undone (perhaps in another window); nothing was changed.")

    def notify(self) -> None:
        """Announce the change on each touched branch's channel (that branch's ids only) and the all-branches one."""
        from psycopg.types.json import Jsonb

        by_branch: dict[str, list[int]] = {}
        for pid, branches in sorted(self.touched.items()):
            for b in branches:
                by_branch.setdefault(b, []).append(pid)
        changes = {b: ",".join(map(str, ids)) for b, ids in by_branch.items()}
        self._cur.execute("SELECT tracker_notify(%s, %s)", (str(self._store.backend_pid), Jsonb(changes)))


class PgStore:
    """People and the change history in a PostgreSQL database (``postgresql://…``)."""

    def __init__(self, url: str, *, book: RuleBook, lock_timeout: float = 10.0, must_exist: bool = False,
                 undo_depth: int = UNDO_DEPTH) -> None:
        self.url = url
        self.path = shown_url(url)  # what messages show as "the database"
        self.book = book
        self.fingerprint = book_fingerprint(book)
        self.lock_timeout = lock_timeout
        self.undo_depth = undo_depth  # each user's last undoable changes that keep what undo restores
        self._conn = _connect(url)
        self.backend_pid: int = self._conn.info.backend_pid
        try:
            version = schema_version(self._conn)
        except psycopg_errors().InsufficientPrivilege:
            user = self._conn.info.user
            self._conn.close()
            raise StoreError(
                f"数据库用户 {user} 没有使用台账 {self.path} 的权限。请数据库管理员运行 tracker db grant {user} --branch 支部。",
                f"The database user {user} has no access to the tracker {self.path}. Ask the administrator to run "
                f"tracker db grant {user} --branch BRANCH.") from None
        if version is None:
            raise StoreError(
                f"数据库 {self.path} 还没有台账的表。请由数据库管理员运行 tracker --db URL db init。",
                f"The database {self.path} has no tracker tables yet. Ask its administrator to run "
                "tracker --db URL db init.")
        if version > PG_SCHEMA_VERSION:
            raise StoreError(f"数据库 {self.path} 由较新版本的程序建立（格式 {version}），请升级本程序。",
                             f"The database {self.path} was set up by a newer version (schema {version}); "
                             "upgrade this program.")
        if version < PG_SCHEMA_VERSION:
            self._conn.close()
            raise StoreError(
                f"数据库 {self.path} 的表是旧格式（{version}），请由数据库管理员运行 tracker --db URL db init 升级。",
                f"The database {self.path} has tables of an older schema ({version}); ask its administrator to run "
                "tracker --db URL db init to upgrade them.")
        from psycopg import sql

        channels, replica = self._conn.execute("SELECT tracker_listen_channels(), pg_is_in_recovery()").fetchone()
        for channel in [] if replica else channels or []:  # her branches' channels only (a replica cannot LISTEN)
            self._conn.execute(sql.SQL("LISTEN {}").format(sql.Identifier(channel)))
        self._persons: dict[int, Person] = {}
        self._people_list: list[Person] | None = None
        self._loaded_all = False
        self._stale: set[int] = set()
        self._tx: PgTransaction | None = None
        self._derived_checked = False  # rows derived under other rules are recomputed once per session
        self.user: str = self._conn.execute("SELECT current_user").fetchone()[0]


    def use_rulebook(self, book: RuleBook) -> None:
        """The rule book the derived columns are computed with (the service's)."""
        if book is not self.book:
            self.book = book
            self.fingerprint = book_fingerprint(book)
            self._derived_checked = False

    def close(self) -> None:
        self._conn.close()

    # ---- the cache
    def _remember(self, person: Person) -> None:
        self._persons[person.id] = person
        self._stale.discard(person.id)
        self._people_list = None

    def _forget(self, pid: int) -> None:
        self._persons.pop(pid, None)
        self._stale.discard(pid)
        self._people_list = None

    def refresh(self) -> bool:
        """Take in the changes other connections announced; True when someone else changed something.
        Only the people they named are read again (on the next ``people()``/``person()``)."""
        changed = False
        for note in self._conn.notifies(timeout=0.0):
            sender, _, ids = note.payload.partition(":")
            if sender == str(self.backend_pid):
                continue
            changed = True
            if ids == "*":
                self._persons.clear()
                self._loaded_all = False
            else:
                for pid in (int(x) for x in ids.split(",") if x):
                    self._persons.pop(pid, None)
                    self._stale.add(pid)
            self._people_list = None
        return changed

    # ---- reading
    def _fetch(self, where: str = "", params: tuple[Any, ...] | dict[str, Any] = (), lock: bool = False) -> list[Person]:
        sql = f"SELECT {_PEOPLE_COLS} FROM people {where} ORDER BY id" + (" FOR UPDATE" if lock else "")
        return [Person.from_doc(int(r[0]), {**r[1], "events": r[2]}) for r in self._conn.execute(sql, params)]

    def people(self) -> list[Person]:
        if self._tx is not None:  # under a transaction: as the database holds them now, scans one at a time
            self._conn.execute("SELECT pg_advisory_xact_lock(%s)", (_SCAN_LOCK,))
            fresh = self._fetch()
            for p in fresh:
                self._persons[p.id] = p
            return fresh
        if self._people_list is None:
            if not self._loaded_all:
                self._persons = {p.id: p for p in self._fetch()}
                self._loaded_all = True
                self._stale.clear()
            elif self._stale:
                ids = sorted(self._stale)
                for pid in ids:
                    self._persons.pop(pid, None)
                for p in self._fetch("WHERE id = ANY(%s)", (ids,)):
                    self._persons[p.id] = p
                self._stale.clear()
            self._people_list = sorted(self._persons.values(), key=lambda p: p.id)
        return self._people_list

    def person(self, pid: int) -> Person | None:
        if self._tx is not None:  # the row is locked until the transaction ends
            doc = self._tx.lock(pid)
            if doc is None:
                return None
            person = Person.from_doc(pid, doc)
            self._persons[pid] = person
            return person
        cached = self._persons.get(pid)
        if cached is not None:
            return cached
        found = self._fetch("WHERE id = %s", (pid,))
        if not found:
            return None
        self._remember(found[0])
        return found[0]

    def ids_named(self, name: str) -> list[int]:
        return [int(r[0]) for r in self._conn.execute("SELECT id FROM people WHERE name = %s ORDER BY id", (name,))]

    def settings(self) -> dict[str, str]:
        row = self._conn.execute("SELECT value FROM tracker_meta WHERE key = 'settings'").fetchone()
        found = row[0] if row else None
        return {str(k): str(v) for k, v in found.items()} if isinstance(found, dict) else {}

    def count(self) -> int:
        return int(self._conn.execute("SELECT count(*) FROM people").fetchone()[0])

    def history(self) -> list[HistoryEntry]:
        return self._history("")

    def _history(self, where: str, params: tuple[Any, ...] = (), order: str = "id") -> list[HistoryEntry]:
        rows = self._conn.execute(f"SELECT {_HISTORY_COLS} FROM history {where} ORDER BY {order}", params)
        return [HistoryEntry(int(r[0]), r[1], r[2], r[3], r[4], sorted(int(x) for x in r[5]), bool(r[6]), bool(r[7]),
                             mine=bool(r[8])) for r in rows]

    # ---- the indexed look-ups (``storeapi.IndexedLookups``): none reads the whole table
    def history_of(self, pid: int) -> list[HistoryEntry]:
        """The changes that touched this person, oldest first."""
        return self._history("WHERE people @> ARRAY[%s]::bigint[]", (pid,))

    def last_undoable(self) -> HistoryEntry | None:
        """This user's last change that undo would revert (not undone, not an undo)."""
        found = self._history("WHERE who = current_user AND undoable AND NOT undone AND action <> 'undo'",
                              order="id DESC LIMIT 1")
        return found[0] if found else None

    def history_after(self, hid: int, people: list[int]) -> list[HistoryEntry]:
        """The changes newer than ``hid`` that touched any of these people."""
        return self._history("WHERE id > %s AND people && %s::bigint[]", (hid, people))

    def people_with_id_number(self, id_number: str) -> list[Person]:
        """The people (this user may see) with this ID number."""
        self._serialise_scans()
        return self._fetch("WHERE details->>'id_number' = %s AND details->>'id_number' <> ''", (id_number,))

    def people_named(self, name: str) -> list[Person]:
        """The people (this user may see) with this name."""
        self._serialise_scans()
        return self._fetch("WHERE name = %s", (name,))

    def _serialise_scans(self) -> None:
        """Inside a transaction, a look-up that decides whether to add someone waits for another such transaction
        to end (as a scan of everyone does), so two "add if absent" at once still add one person."""
        if self._tx is not None:
            self._conn.execute("SELECT pg_advisory_xact_lock(%s)", (_SCAN_LOCK,))

    def history_before(self, hid: int) -> dict[str, dict[str, Any] | None]:
        row = self._conn.execute("SELECT before FROM history WHERE id = %s", (hid,)).fetchone()
        if not row:
            return {}
        return {k: (canonical_doc(v) if isinstance(v, dict) else None) for k, v in row[0].items()}

    # ---- the fast queries (derived columns; the service falls back to the people when a store lacks them)
    def summaries(self) -> list[Summary]:
        """Everyone (who left too), by id, with their derived fields: no one's events read or replayed."""
        self._refresh_derived()
        return self._summaries("")

    def due_summaries(self, until: date) -> list[Summary]:
        """The active people with an open deadline on or before ``until`` (everyone else has nothing due)."""
        self._refresh_derived()
        return self._summaries("WHERE active AND next_due <= %s", (until,))

    def _summaries(self, where: str, params: tuple[Any, ...] = ()) -> list[Summary]:
        from_json = Derived.from_json
        return [summary(int(r[0]), r[1], r[2], from_json(r[3]))
                for r in self._conn.execute(f"SELECT id, name, branch, derived FROM people {where} ORDER BY id", params)]

    def stage_summary(self) -> tuple[dict[str, int], int, dict[str, int]]:
        """Active people per stage, the number who left, and the number pending per kind."""
        self._refresh_derived()
        counts: dict[str, int] = {}
        pending: dict[str, int] = {}
        left = 0
        for active, stage, pend, n in self._conn.execute(
                "SELECT active, stage, pending, count(*) FROM people GROUP BY active, stage, pending"):
            if not active:
                left += int(n)
                continue
            counts[stage] = counts.get(stage, 0) + int(n)
            if pend is not None:
                pending[pend] = pending.get(pend, 0) + int(n)
        return counts, left, pending

    def due_counts(self, today: date, within: int) -> tuple[int, int, int]:
        """Of the open deadlines due within ``within`` days: (overdue, waiting, all), counted by the server
        (``reports.status`` counts the same from the due list: a reminder waits, it is never overdue)."""
        self._refresh_derived()
        row = self._conn.execute(
            "SELECT count(*) FILTER (WHERE k <> 'reminder' AND d < %(today)s), "
            "count(*) FILTER (WHERE k = 'reminder' AND d <= %(today)s), count(*) "
            "FROM people, unnest(due_dates, due_kinds) AS u(d, k) "
            "WHERE active AND next_due <= %(until)s AND d <= %(until)s",
            {"today": today, "until": today + timedelta(days=within)}).fetchone()
        return int(row[0]), int(row[1]), int(row[2])

    def _refresh_derived(self) -> None:
        """Recompute the derived columns of rows computed under other rules (another profile, a new version)."""
        if self._derived_checked:
            return
        self._derived_checked = True
        stale = self._conn.execute(  # two index range scans (an index is no help for <>)
            "SELECT EXISTS (SELECT 1 FROM people WHERE derived_by < %(fp)s OR derived_by > %(fp)s)",
            {"fp": self.fingerprint}).fetchone()[0]
        if not stale:
            return
        with self.transaction() as tx:
            stale_people = self._fetch("WHERE derived_by < %(fp)s OR derived_by > %(fp)s", {"fp": self.fingerprint},
                                       lock=True)
            self._conn.cursor().executemany(
                f"UPDATE people SET {', '.join(c + ' = %s' for c in (*DERIVED_COLS, 'derived_by'))} WHERE id = %s",
                [(*derived(p, self.book), self.fingerprint, p.id) for p in stale_people])
            tx.changed = False  # the data did not change: nothing to announce

    # ---- writing
    @contextlib.contextmanager
    def transaction(self) -> Iterator[PgTransaction]:
        """One database transaction: rows read through ``person`` are locked until it ends; committed when the
        block ends, rolled back (and the cache dropped) if it raises."""
        import psycopg

        if self._tx is not None:
            raise RuntimeError("nested transaction")
        try:
            with self._conn.transaction():
                self._conn.execute(f"SET LOCAL lock_timeout = '{int(self.lock_timeout * 1000)}ms'")
                tx = PgTransaction(self)
                self._tx = tx
                try:
                    yield tx
                    if tx.changed:
                        tx.notify()
                finally:
                    self._tx = None
        except psycopg.errors.LockNotAvailable:
            self._drop_cache()
            raise LockedError(
                f"另一位用户正在更改同一人员，等待 {self.lock_timeout:g} 秒后仍未完成。未作任何更改，请稍后重试。",
                f"Another user is changing the same person and has not finished after {self.lock_timeout:g} s. "
                "Nothing was changed; try again shortly.") from None
        except psycopg.errors.InsufficientPrivilege as exc:
            self._drop_cache()
            raise StoreError(f"数据库拒绝了这次更改（权限不足：{_first_line(exc)}）。未作任何更改。",
                             f"The database refused the change (no permission: {_first_line(exc)}). "
                             "Nothing was changed.") from None
        except psycopg.Error as exc:
            self._drop_cache()
            raise StoreError(f"数据库出错，未作任何更改：{_first_line(exc)}",
                             f"Database error; nothing was changed: {_first_line(exc)}") from None
        except BaseException:
            self._drop_cache()
            raise

    def _drop_cache(self) -> None:
        self._persons.clear()
        self._people_list = None
        self._loaded_all = False
        self._stale.clear()

