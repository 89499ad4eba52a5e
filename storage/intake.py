"""The programme's intake switches in `kv`: staff closing intake, and the reference counter.

`intake_closed:<programme>` — present with value true (or {"closed": true, ...}) when staff have
closed intake before the deadline.
`reference_seq:<programme>` — {"last": n}, the last reference number given out. Its row is also
the programme's submission lock: PostgreSQL locks it with SELECT … FOR UPDATE; on SQLite every
transaction starts with BEGIN IMMEDIATE and so already holds the database's write lock.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, bindparam, delete, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from storage.models import KeyValue

_kv = KeyValue.__table__

_GET = select(_kv.c.value).where(_kv.c.key == bindparam("key"))
_LOCK = select(_kv.c.value).where(_kv.c.key == bindparam("key")).with_for_update()
_ADD = {
    "sqlite": sqlite_insert(_kv).on_conflict_do_nothing(),
    "postgresql": pg_insert(_kv).on_conflict_do_nothing(),
}
_SET = (
    update(_kv)
    .where(_kv.c.key == bindparam("b_key"))
    .values(value=bindparam("b_value"), updated_at=bindparam("b_now"))
)
_DELETE = delete(_kv).where(_kv.c.key == bindparam("key"))


def intake_closed_key(programme: str) -> str:
    return f"intake_closed:{programme}"


def reference_counter_key(programme: str) -> str:
    return f"reference_seq:{programme}"


def intake_closed(conn: Connection, programme: str) -> bool:
    value = conn.execute(_GET, {"key": intake_closed_key(programme)}).scalar_one_or_none()
    if isinstance(value, dict):
        return bool(value.get("closed"))
    return bool(value)


def set_intake_closed(conn: Connection, programme: str, closed: bool, *, by: str, now: datetime) -> None:
    """Staff close (or reopen) intake before the deadline."""
    key = intake_closed_key(programme)
    conn.execute(_DELETE, {"key": key})
    if closed:
        value = {"closed": True, "by": by, "at": now.isoformat()}
        conn.execute(
            _ADD[conn.dialect.name], {"key": key, "value": value, "expires_at": None, "updated_at": now}
        )


def lock_intake(conn: Connection, programme: str, now: datetime) -> int:
    """Take the programme's submission lock until commit; returns the last reference number given out."""
    key = reference_counter_key(programme)
    conn.execute(
        _ADD[conn.dialect.name], {"key": key, "value": {"last": 0}, "expires_at": None, "updated_at": now}
    )
    value = conn.execute(_LOCK, {"key": key}).scalar_one()
    return int(value.get("last", 0))


def set_last_reference(conn: Connection, programme: str, number: int, now: datetime) -> None:
    """Record the number just given out (under `lock_intake`)."""
    conn.execute(_SET, {"b_key": reference_counter_key(programme), "b_value": {"last": number}, "b_now": now})
