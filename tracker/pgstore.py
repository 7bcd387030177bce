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
- Every committed change sends ``NOTIFY tracker_people`` with the ids it changed; ``refresh`` reads the
  notifications (without a round trip) and drops only those people from the cache.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Any

from .backend import shown_url
from .model import Person
from .pgschema import NOTIFY_CHANNEL, PG_SCHEMA_VERSION, schema_version
from .profiles import RuleBook
from .rules import deadlines, stage_date
from .store import HistoryEntry, LockedError, StoreError

_PEOPLE_COLS = "id, details, events"
#: a NOTIFY payload is limited to 8000 bytes: beyond this many ids, "*" (everyone may have changed)
_NOTIFY_MAX_IDS = 500
_SCAN_LOCK = 7232  # advisory lock taken by a transaction that reads everyone


def _connect(url: str) -> Any:
    try:
        import psycopg
    except ImportError:
        raise StoreError(
            "使用 PostgreSQL 数据库需要安装 psycopg：pip install 'party-tracker[postgres]'。",
            "A PostgreSQL database needs psycopg: pip install 'party-tracker[postgres]'.") from None
    try:
        return psycopg.connect(url, autocommit=True, connect_timeout=10)
    except psycopg.Error as exc:
        raise StoreError(f"无法连接 PostgreSQL 数据库：{_first_line(exc)}",
                         f"Cannot connect to the PostgreSQL database: {_first_line(exc)}") from None


def psycopg_errors() -> Any:
    import psycopg

    return psycopg.errors


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


def book_fingerprint(book: RuleBook) -> str:
    """What the derived columns depend on besides the events: the timed rules in every edition."""
    parts = [repr(book.pinned and book.pinned.name), repr(book.local and book.local.name),
             *(f"{e.name}@{e.effective}" for e in book.editions), repr(book.timed_rules())]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


#: the derived columns, in the order ``derived`` returns them (then ``derived_by``)
DERIVED_COLS = ("stage", "stage_date", "active", "pending", "next_due", "due_dates", "due_kinds")
_ROW_COLS = ("branch", "name", "details", "events", *DERIVED_COLS, "derived_by")


def derived(person: Person, book: RuleBook) -> tuple[Any, ...]:
    """The derived columns of a person: stage, stage date, active, pending, the earliest open deadline, and
    every open deadline's date and kind.

    Deadlines' dates do not depend on "today" (only their days left do), so these stay true until the
    person or the rules change."""
    items = sorted(deadlines(person, book, date.today()), key=lambda d: d.due) if person.active else []
    return (person.stage, stage_date(person), person.active, person.pending, items[0].due if items else None,
            [d.due for d in items], [d.kind for d in items])


def split_doc(doc: dict[str, Any]) -> tuple[dict[str, Any], list[Any]]:
    details = {k: v for k, v in doc.items() if k != "events"}
    return details, list(doc.get("events", []))


def join_doc(details: dict[str, Any], events: list[Any]) -> dict[str, Any]:
    """The stored document as the file store keeps it: details, then events, then unknown fields."""
    doc = {k: v for k, v in details.items()}
    doc["events"] = events
    return canonical_doc(doc)


def canonical_doc(doc: dict[str, Any]) -> dict[str, Any]:
    """A person's document in the order the model writes it (JSONB does not keep the order of keys)."""
    try:
        return Person.from_doc(0, doc).to_doc()
    except (KeyError, TypeError, ValueError):
        return doc


class PgTransaction:
    """The changes of one user action, in one database transaction (committed when the block ends)."""

    def __init__(self, store: PgStore) -> None:
        self._store = store
        self._cur = store._conn
        self.before: dict[str, dict[str, Any] | None] = {}
        self.changed = False
        self.locked: dict[int, dict[str, Any] | None] = {}  # rows read FOR UPDATE: their document then
        self.branches: set[str] = set()
        self.touched: set[int] = set()

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
        self.touched.add(pid)

    def _row(self, person: Person) -> tuple[Any, ...]:
        from psycopg.types.json import Jsonb

        details, events = split_doc(person.to_doc())
        return (person.branch, person.name, Jsonb(details), Jsonb(events), *derived(person, self._store.book),
                self._store.fingerprint)

    # ---- the store's Transaction API
    def add(self, person: Person) -> Person:
        self.changed = True
        row = self._cur.execute(
            f"INSERT INTO people ({', '.join(_ROW_COLS)}) VALUES ({', '.join(['%s'] * len(_ROW_COLS))}) RETURNING id",
            self._row(person)).fetchone()
        pid = int(row[0])
        self.before[str(pid)] = None
        self.locked[pid] = None
        self.branches.add(person.branch)
        self.touched.add(pid)
        saved = Person.from_doc(pid, person.to_doc())
        self._store._remember(saved)
        return saved

    def add_all(self, people: list[Person]) -> list[Person]:
        return [self.add(p) for p in people]

    def put(self, person: Person) -> None:
        self._remember(person.id)
        self.branches.add(person.branch)
        self._cur.execute(
            f"UPDATE people SET {', '.join(c + ' = %s' for c in _ROW_COLS)}, version = version + 1 WHERE id = %s",
            (*self._row(person), person.id))
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
        self.branches.add(person.branch)
        self._cur.execute(
            f"INSERT INTO people ({', '.join(_ROW_COLS)}, id) VALUES ({', '.join(['%s'] * (len(_ROW_COLS) + 1))}) "
            f"ON CONFLICT (id) DO UPDATE SET {', '.join(f'{c} = excluded.{c}' for c in _ROW_COLS)}, "
            "version = people.version + 1", (*self._row(person), pid))
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
        ids = sorted(self.touched)
        payload = f"{self._store.backend_pid}:" + (",".join(map(str, ids)) if len(ids) <= _NOTIFY_MAX_IDS else "*")
        self._cur.execute("SELECT pg_notify(%s, %s)", (NOTIFY_CHANNEL, payload))


class PgStore:
    """People and the change history in a PostgreSQL database (``postgresql://…``)."""

    def __init__(self, url: str, *, book: RuleBook, lock_timeout: float = 10.0, must_exist: bool = False) -> None:
        self.url = url
        self.path = shown_url(url)  # what messages show as "the database"
        self.book = book
        self.fingerprint = book_fingerprint(book)
        self.lock_timeout = lock_timeout
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
        self._conn.execute(f"LISTEN {NOTIFY_CHANNEL}")
        self._persons: dict[int, Person] = {}
        self._people_list: list[Person] | None = None
        self._loaded_all = False
        self._stale: set[int] = set()
        self._tx: PgTransaction | None = None
        self._derived_checked = False  # rows derived under other rules are recomputed once per session
        self.user: str = self._conn.execute("SELECT current_user").fetchone()[0]


    def use_rulebook(self, book: RuleBook) -> None:
        """The rule book the derived columns are computed with (the service's)."""
        self.book = book
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
        rows = self._conn.execute(
            "SELECT id, at, action, zh, en, people, undone, undoable, who = current_user FROM history ORDER BY id")
        return [HistoryEntry(int(r[0]), r[1], r[2], r[3], r[4], sorted(int(x) for x in r[5]), bool(r[6]), bool(r[7]),
                             mine=bool(r[8])) for r in rows]

    def history_before(self, hid: int) -> dict[str, dict[str, Any] | None]:
        row = self._conn.execute("SELECT before FROM history WHERE id = %s", (hid,)).fetchone()
        if not row:
            return {}
        return {k: (canonical_doc(v) if isinstance(v, dict) else None) for k, v in row[0].items()}

    # ---- the fast queries (derived columns; the service falls back to the people when a store lacks them)
    def due_candidates(self, until: date) -> list[Person]:
        """The active people with an open deadline on or before ``until`` (everyone else has nothing due)."""
        self._refresh_derived()
        return self._fetch("WHERE active AND next_due <= %s", (until,))

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
            for p in self._fetch("WHERE derived_by < %(fp)s OR derived_by > %(fp)s", {"fp": self.fingerprint},
                                 lock=True):
                self._conn.execute(
                    f"UPDATE people SET {', '.join(c + ' = %s' for c in (*DERIVED_COLS, 'derived_by'))} WHERE id = %s",
                    (*derived(p, self.book), self.fingerprint, p.id))
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

