"""Small shared values in the `kv` table: read, write, insert-if-absent, and short leases.

Every process of the bot reads the same rows, so a value here is shared (the WeChat access_token)
and an insert that only one process can win is a compare-and-set (a lease, a decision). Statements
are built once at import; `now` is always passed in (the injected clock).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, bindparam, delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from storage.dialog import _sqlite, _text_time
from storage.models import KeyValue

_kv = KeyValue.__table__

_GET = select(_kv.c.value, _kv.c.expires_at).where(_kv.c.key == bindparam("key"))
_GET_FOR_UPDATE = _GET.with_for_update()
_DELETE = delete(_kv).where(_kv.c.key == bindparam("key"))
_PURGE = delete(_kv).where(_kv.c.key.startswith(bindparam("prefix")), _kv.c.expires_at < bindparam("now"))


def _upsert(dialect_insert: Any) -> Any:
    stmt = dialect_insert(_kv)
    return stmt.on_conflict_do_update(
        index_elements=[_kv.c.key],
        set_={
            "value": stmt.excluded.value,
            "expires_at": stmt.excluded.expires_at,
            "updated_at": stmt.excluded.updated_at,
        },
    )


def _lease(dialect_insert: Any) -> Any:
    # Insert the lease, or take over one whose time has run out; a live lease is left alone.
    stmt = dialect_insert(_kv)
    return stmt.on_conflict_do_update(
        index_elements=[_kv.c.key],
        set_={
            "value": stmt.excluded.value,
            "expires_at": stmt.excluded.expires_at,
            "updated_at": stmt.excluded.updated_at,
        },
        where=_kv.c.expires_at < stmt.excluded.updated_at,
    ).returning(_kv.c.key)


_UPSERT = {"sqlite": _upsert(sqlite_insert), "postgresql": _upsert(pg_insert)}
# RETURNING says whether a row went in (SQLAlchemy reports no rowcount for INSERT on psycopg).
_INSERT_IF_ABSENT = {
    "sqlite": sqlite_insert(_kv).on_conflict_do_nothing().returning(_kv.c.key),
    "postgresql": pg_insert(_kv).on_conflict_do_nothing().returning(_kv.c.key),
}
_LEASE = {"sqlite": _lease(sqlite_insert), "postgresql": _lease(pg_insert)}
# On SQLite, insert-if-absent as plain SQL on the driver's connection (WeChat's replay guard runs it
# for every message; storage/dialog.py explains the hot path). The value as SQLAlchemy's JSON type
# writes it (json.dumps), the times as its DATETIME does.
_RAW_INSERT_IF_ABSENT = (
    "INSERT INTO kv (key, value, expires_at, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING"
)
_RAW_VALUE = "SELECT value FROM kv WHERE key = ?"


@dataclass(frozen=True, slots=True)
class Entry:
    value: Any
    expires_at: datetime | None

    def live(self, now: datetime, margin: timedelta = timedelta(0)) -> bool:
        return self.expires_at is None or self.expires_at - margin > now


def get(conn: Connection, key: str) -> Entry | None:
    row = conn.execute(_GET, {"key": key}).first()
    return None if row is None else Entry(row.value, row.expires_at)


def get_for_update(conn: Connection, key: str) -> Entry | None:
    """The row, locked until the transaction ends (PostgreSQL; SQLite's BEGIN IMMEDIATE locks all)."""
    row = conn.execute(_GET_FOR_UPDATE, {"key": key}).first()
    return None if row is None else Entry(row.value, row.expires_at)


def put(conn: Connection, key: str, value: Any, now: datetime, expires_at: datetime | None = None) -> None:
    params = {"key": key, "value": value, "expires_at": expires_at, "updated_at": now}
    conn.execute(_UPSERT[conn.dialect.name], params)


def insert_if_absent(
    conn: Connection, key: str, value: Any, now: datetime, expires_at: datetime | None = None
) -> Any:
    """Compare-and-set on absence: store `value` unless the key exists. Returns the value that holds."""
    raw = _sqlite(conn)
    if raw is not None:
        until = None if expires_at is None else _text_time(expires_at)
        if raw.execute(_RAW_INSERT_IF_ABSENT, (key, json.dumps(value), until, _text_time(now))).rowcount:
            return value
        return json.loads(raw.execute(_RAW_VALUE, (key,)).fetchone()[0])
    params = {"key": key, "value": value, "expires_at": expires_at, "updated_at": now}
    if conn.execute(_INSERT_IF_ABSENT[conn.dialect.name], params).first() is not None:
        return value
    return conn.execute(_GET, {"key": key}).first().value


def take_lease(conn: Connection, key: str, holder: str, now: datetime, ttl: timedelta) -> bool:
    """Become the one holder of `key` until now + ttl, unless someone else holds it still."""
    params = {"key": key, "value": {"holder": holder}, "expires_at": now + ttl, "updated_at": now}
    return conn.execute(_LEASE[conn.dialect.name], params).first() is not None


def release_lease(conn: Connection, key: str, holder: str) -> None:
    entry = get_for_update(conn, key)
    if entry is not None and isinstance(entry.value, dict) and entry.value.get("holder") == holder:
        conn.execute(_DELETE, {"key": key})


def remove(conn: Connection, key: str) -> None:
    conn.execute(_DELETE, {"key": key})


def purge_expired(conn: Connection, prefix: str, now: datetime) -> int:
    """Delete the expired rows whose key starts with `prefix`; returns how many."""
    return conn.execute(_PURGE, {"prefix": prefix, "now": now}).rowcount
