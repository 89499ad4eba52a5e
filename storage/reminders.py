"""The SQL of reminders: who may be due, and which reminders were already claimed.

The minute job asks little of the database: drafts are filtered by the status index and joined
against the unique `deliveries.dedup_key` index (an anti-join), so when everything due was sent
the answer is empty without reading any application in full. Accepted and promotion-ended
applications are few (the programme's capacity) and are read whole with their anchor times.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, String, and_, bindparam, cast, exists, func, literal, select, update

from storage.models import Application, Delivery, StatusChange, User

_a = Application.__table__
_u = User.__table__
_d = Delivery.__table__
_h = StatusChange.__table__


@dataclass(frozen=True, slots=True)
class Candidate:
    application_id: int
    reference: str | None
    status: str
    meta: dict[str, Any]
    user_id: int
    channel: str
    language: str | None
    timezone: str | None
    anchor: datetime | None  # when the status was reached (accepted: the samples' clock starts)


_USER_COLUMNS = (_u.c.id, _u.c.channel, _u.c.language, _u.c.timezone)


def _key_expr(rule: str, offset: int) -> Any:
    return literal("reminder:") + cast(_a.c.id, String) + literal(f":{rule}:{offset}")


def drafts_without(
    conn: Connection, programme: str, rule: str, offset: int, limit: int, after_id: int = 0
) -> list[Candidate]:
    """Drafts of the programme (ids above `after_id`) whose reminder `reminder:<id>:<rule>:<offset>`
    was never claimed."""
    claimed = exists().where(_d.c.dedup_key == _key_expr(rule, offset))
    query = (
        select(_a.c.id, _a.c.reference, _a.c.status, _a.c.meta, *_USER_COLUMNS)
        .join(_u, _u.c.id == _a.c.user_id)
        .where(_a.c.id > after_id, _a.c.status == "draft", _a.c.programme == programme, ~claimed)
        .order_by(_a.c.id)
        .limit(limit)
    )
    return [Candidate(*row[:4], *row[4:], None) for row in conn.execute(query)]


def settled_id(conn: Connection, after_id: int, created_before: datetime) -> int:
    """The highest application id above `after_id` created before the moment (so committed long
    ago: a lower id cannot appear later); `after_id` if there is none. A primary-key range scan."""
    found = conn.execute(
        select(func.max(_a.c.id)).where(_a.c.id > after_id, _a.c.created_at < created_before)
    ).scalar_one_or_none()
    return found or after_id


_REACHED = (
    select(func.max(_h.c.at))
    .where(_h.c.application_id == _a.c.id, _h.c.to_status == _a.c.status)
    .scalar_subquery()
)
_IN_STATUS = (
    select(_a.c.id, _a.c.reference, _a.c.status, _a.c.meta, *_USER_COLUMNS, _REACHED)
    .join(_u, _u.c.id == _a.c.user_id)
    .where(_a.c.status == bindparam("status"), _a.c.programme == bindparam("programme"))
    .order_by(_a.c.id)
)


def in_status(conn: Connection, programme: str, status: str) -> list[Candidate]:
    """Applications in `status` with the time they reached it (from the status history)."""
    return [Candidate(*row) for row in conn.execute(_IN_STATUS, {"status": status, "programme": programme})]


def claimed_keys(conn: Connection, keys: Iterable[str]) -> set[str]:
    """Which of these dedup keys already have a delivery row (chunked IN lists)."""
    keys = list(keys)
    found: set[str] = set()
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        found.update(conn.execute(select(_d.c.dedup_key).where(_d.c.dedup_key.in_(chunk))).scalars())
    return found


_REPORT_COLUMNS = (
    _d.c.id,
    _d.c.dedup_key,
    _d.c.outcome,
    _d.c.channel,
    _d.c.user_id,
    _d.c.error,
    _d.c.created_at,
    _d.c.sent_at,
    _a.c.reference,
)


def report(conn: Connection, kind: str, outcomes: Sequence[str] | None = None, limit: int = 200) -> list[Any]:
    """The newest deliveries of a kind (reminder, broadcast) with the application's reference."""
    query = select(*_REPORT_COLUMNS).outerjoin(_a, _a.c.id == _d.c.application_id).where(_d.c.kind == kind)
    if outcomes:
        query = query.where(_d.c.outcome.in_(list(outcomes)))
    return list(conn.execute(query.order_by(_d.c.id.desc()).limit(limit)))


def set_timezone(conn: Connection, reference: str, zone: str | None) -> int | None:
    """Set the time zone of the user behind an application; returns the user id, or None."""
    user_id = conn.execute(select(_a.c.user_id).where(_a.c.reference == reference)).scalar_one_or_none()
    if user_id is not None:
        conn.execute(update(_u).where(and_(_u.c.id == user_id)).values(timezone=zone))
    return user_id
