"""The delivery log of messages the bot sends first: one row per send, its outcome, and its error.

A send with a `dedup_key` is claimed by inserting its row before anything goes out; the unique
key makes a second claim (another process, a retry, a restart) see the first row instead.
Rows move `pending` → `sent` | `waiting` | `failed` | `unsubscribed`; a `waiting` row is taken
back by a compare-and-set on its outcome, so two sweeping processes never both send it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, bindparam, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from storage.models import Delivery, User

PENDING, SENT, WAITING, FAILED, UNSUBSCRIBED = "pending", "sent", "waiting", "failed", "unsubscribed"

_d = Delivery.__table__
_u = User.__table__

_COLUMNS = (
    _d.c.id,
    _d.c.user_id,
    _d.c.application_id,
    _d.c.kind,
    _d.c.channel,
    _d.c.dedup_key,
    _d.c.payload,
    _d.c.outcome,
    _d.c.error,
    _d.c.attempts,
    _d.c.created_at,
    _d.c.sent_at,
)
_INSERT = insert(_d).returning(_d.c.id)
_CLAIM = {
    "sqlite": sqlite_insert(_d).on_conflict_do_nothing(index_elements=[_d.c.dedup_key]).returning(_d.c.id),
    "postgresql": pg_insert(_d).on_conflict_do_nothing(index_elements=[_d.c.dedup_key]).returning(_d.c.id),
}
_BY_KEY = select(*_COLUMNS).where(_d.c.dedup_key == bindparam("dedup_key"))
_BY_ID = select(*_COLUMNS).where(_d.c.id == bindparam("id"))
_FINISH = (
    update(_d)
    .where(_d.c.id == bindparam("row_id"))
    .values(
        outcome=bindparam("b_outcome"),
        error=bindparam("b_error"),
        attempts=bindparam("b_attempts"),
        payload=bindparam("b_payload"),
        sent_at=bindparam("b_sent_at"),
    )
)
_RETAKE = (
    update(_d)
    .where(
        _d.c.id == bindparam("row_id"),
        _d.c.outcome == bindparam("seen_outcome"),
        _d.c.attempts == bindparam("seen_attempts"),
    )
    .values(outcome=PENDING, attempts=bindparam("b_attempts"))
)
_OPEN_FOR_CHANNEL = (
    select(*_COLUMNS, _u.c.last_inbound_at, _u.c.subscribed)
    .join(_u, _u.c.id == _d.c.user_id)
    .where(_d.c.channel == bindparam("channel"), _d.c.outcome.in_([WAITING, PENDING]))
    .order_by(_d.c.id)
    .limit(bindparam("limit"))
)


@dataclass(slots=True)
class DeliveryRow:
    id: int
    user_id: int
    application_id: int | None
    kind: str
    channel: str
    dedup_key: str | None
    payload: dict[str, Any]
    outcome: str
    error: str | None
    attempts: int
    created_at: datetime
    sent_at: datetime | None


def _row(row: Row) -> DeliveryRow:
    return DeliveryRow(*(row[i] for i in range(len(_COLUMNS))))


def claim(
    conn: Connection,
    *,
    user_id: int,
    channel: str,
    kind: str,
    payload: dict[str, Any],
    now: datetime,
    dedup_key: str | None = None,
    application_id: int | None = None,
) -> tuple[DeliveryRow, bool]:
    """Insert a `pending` row. Returns (row, True), or (the existing row, False) for a known key."""
    params = {
        "user_id": user_id,
        "application_id": application_id,
        "kind": kind,
        "channel": channel,
        "dedup_key": dedup_key,
        "payload": payload,
        "outcome": PENDING,
        "error": None,
        "attempts": 0,
        "created_at": now,
        "sent_at": None,
    }
    if dedup_key is None:
        new_id = conn.execute(_INSERT, params).scalar_one()
    else:
        new_id = conn.execute(_CLAIM[conn.dialect.name], params).scalar_one_or_none()
        if new_id is None:
            return _row(conn.execute(_BY_KEY, {"dedup_key": dedup_key}).one()), False
    return DeliveryRow(
        new_id, user_id, application_id, kind, channel, dedup_key, payload, PENDING, None, 0, now, None
    ), True


def finish(
    conn: Connection,
    row_id: int,
    *,
    outcome: str,
    payload: dict[str, Any],
    attempts: int,
    error: str | None = None,
    sent_at: datetime | None = None,
) -> None:
    conn.execute(
        _FINISH,
        {
            "row_id": row_id,
            "b_outcome": outcome,
            "b_error": error,
            "b_attempts": attempts,
            "b_payload": payload,
            "b_sent_at": sent_at,
        },
    )


def retake(conn: Connection, row: DeliveryRow) -> bool:
    """Compare-and-set a waiting (or stuck pending) row back to pending; True if this caller won it."""
    params = {
        "row_id": row.id,
        "seen_outcome": row.outcome,
        "seen_attempts": row.attempts,
        "b_attempts": row.attempts,
    }
    if row.outcome == PENDING:
        params["b_attempts"] = row.attempts + 1  # a stuck pending row is won by bumping its attempts
    return conn.execute(_RETAKE, params).rowcount == 1


def by_id(conn: Connection, row_id: int) -> DeliveryRow | None:
    row = conn.execute(_BY_ID, {"id": row_id}).first()
    return None if row is None else _row(row)


def by_key(conn: Connection, dedup_key: str) -> DeliveryRow | None:
    row = conn.execute(_BY_KEY, {"dedup_key": dedup_key}).first()
    return None if row is None else _row(row)


def open_for_channel(
    conn: Connection, channel: str, limit: int = 200
) -> Sequence[tuple[DeliveryRow, datetime | None, bool]]:
    """Waiting and pending rows of a channel, oldest first, with the user's last inbound time."""
    rows = conn.execute(_OPEN_FOR_CHANNEL, {"channel": channel, "limit": limit}).all()
    return [(_row(row), row.last_inbound_at, bool(row.subscribed)) for row in rows]


HELD = "held"
UNDELIVERABLE = "undeliverable"  # the user has no chat account (a company that applied by e-mail)
_HELD_FOR_USER = (
    select(*_COLUMNS)
    .where(_d.c.user_id == bindparam("uid"), _d.c.outcome == HELD)
    .order_by(_d.c.id)
    .with_for_update()
)
_MARK_SHOWN = (
    update(_d)
    .where(_d.c.id == bindparam("row_id"), _d.c.outcome == HELD)
    .values(outcome=SENT, sent_at=bindparam("b_sent_at"))
)


def settle(
    conn: Connection,
    *,
    user_id: int,
    channel: str,
    kind: str,
    messages: Sequence[dict[str, Any]],
    now: datetime,
    outcome: str,
    error: str | None = None,
    dedup_key: str | None = None,
    application_id: int | None = None,
) -> tuple[DeliveryRow, bool]:
    """A delivery whose outcome is known at once — `held` for a channel that cannot reach the
    user now (the console: shown at the next chat opening), `failed` for a channel that is not
    configured. Returns (row, new) like `claim`."""
    row, new = claim(
        conn,
        user_id=user_id,
        channel=channel,
        kind=kind,
        payload={"messages": list(messages)},
        now=now,
        dedup_key=dedup_key,
        application_id=application_id,
    )
    if new:
        finish(conn, row.id, outcome=outcome, payload=row.payload, attempts=0, error=error)
        row.outcome, row.error = outcome, error
    return row, new


def take_held(conn: Connection, user_id: int, now: datetime) -> list[dict[str, Any]]:
    """The held messages of a user, oldest first, marked as shown (in the caller's transaction)."""
    shown: list[dict[str, Any]] = []
    for row in conn.execute(_HELD_FOR_USER, {"uid": user_id}).all():
        conn.execute(_MARK_SHOWN, {"row_id": row.id, "b_sent_at": now})
        shown.extend(row.payload.get("messages", []))
    return shown
