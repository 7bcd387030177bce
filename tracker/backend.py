"""Which store a ``--db`` value names: a ``postgresql://`` URL (PostgreSQL) or a file path (the JSON file)."""

from __future__ import annotations

from pathlib import Path

from .profiles import RuleBook
from .storeapi import StoreAPI

PG_SCHEMES = ("postgresql://", "postgres://")


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
