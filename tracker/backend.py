"""Which store a ``--db`` value names: a ``postgresql://`` URL (PostgreSQL) or a file path (the JSON file)."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .profiles import RuleBook
    from .storeapi import StoreAPI

PG_SCHEMES = ("postgresql://", "postgres://")
#: connections being opened ahead (``start_connecting``), by URL: the thread, and its result when done
_EARLY: dict[str, tuple[threading.Thread, dict[str, Any]]] = {}


def shown_db(db: str | Path) -> str:
    """The database as messages show it (a URL without its password)."""
    return shown_url(str(db)) if is_pg_url(db) else str(db)


def is_pg_url(db: str | Path) -> bool:
    return isinstance(db, str) and db.startswith(PG_SCHEMES)


def shown_url(url: str) -> str:
    """The URL without a password, for messages."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"{parts.username}:***@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


def open_store(db: str | Path, *, book: RuleBook, must_exist: bool = False) -> StoreAPI:
    """Open the database ``db`` names. PostgreSQL needs the optional extra: pip install '.[postgres]'."""
    if is_pg_url(db):
        from .pgstore import PgStore

        return PgStore(str(db), book=book, must_exist=must_exist)
    from .store import Store

    return Store(Path(db).expanduser(), must_exist=must_exist)


def start_connecting(url: str) -> None:
    """Import psycopg, then open the connection to ``url`` in a thread while the command goes on loading the
    rules and our own modules: waiting for the server (the socket, TLS, the password exchange) releases the
    interpreter, importing does not (an import in a second thread only contends for it: measured slower).
    ``PgStore`` takes the connection (``early_connection``); a command that never opens the store leaves it to
    close when the process ends. Without psycopg nothing starts (the store says what to install)."""
    if url in _EARLY:
        return
    try:
        import psycopg
    except ImportError:
        return
    result: dict[str, Any] = {}

    def run() -> None:
        try:
            result["conn"] = psycopg.connect(url, autocommit=True, connect_timeout=10)
        except Exception as exc:  # handed to the store, which says what went wrong
            result["error"] = exc

    thread = threading.Thread(target=run, name="tracker-connect", daemon=True)
    _EARLY[url] = (thread, result)
    thread.start()


def early_connection(url: str) -> Any:
    """The connection ``start_connecting(url)`` opened (each is taken once), None if none was started; the
    error it met is raised here, as connecting now would have raised it."""
    started = _EARLY.pop(url, None)
    if started is None:
        return None
    thread, result = started
    thread.join()
    if "error" in result:
        raise result["error"]
    return result["conn"]
