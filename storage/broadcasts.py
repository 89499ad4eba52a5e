"""The SQL of broadcasts: the segment's recipients, the `broadcasts` row, and each recipient's outcome.

The recipient list is fixed when the broadcast is created (kept in `filters["recipients"]`), so a
resumed broadcast goes to the same people even if statuses moved meanwhile. Each recipient's
delivery row has the key `broadcast:<id>:<user id>`: a resumed run skips every key already claimed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, case, func, insert, select, update

from storage.models import Application, Broadcast, Delivery, User

_a = Application.__table__
_u = User.__table__
_b = Broadcast.__table__
_d = Delivery.__table__
QUEUED, SENDING, FINISHED = "queued", "sending", "finished"  # queued: confirmed in the chat


@dataclass(frozen=True, slots=True)
class Recipient:
    user_id: int
    channel: str
    language: str  # ja | zh (unset: zh on WeChat, else ja)
    application_id: int | None


def recipients(
    conn: Connection,
    programme: str,
    *,
    statuses: Sequence[str] = (),
    tracks: Sequence[str] = (),
    languages: Sequence[str] = (),
    channels: Sequence[str] = (),
    references: Sequence[str] = (),
) -> list[Recipient]:
    """One per user with an application of the programme matching every filter given (drafts only
    when `draft` is among the statuses), newest application first, users by id."""
    language = func.coalesce(_u.c.language, case((_u.c.channel == "wechat", "zh"), else_="ja"))
    query = (
        select(_u.c.id, _u.c.channel, language, func.max(_a.c.id))
        .join(_a, _a.c.user_id == _u.c.id)
        .where(_a.c.programme == programme, _u.c.blocked_at.is_(None))
        .group_by(_u.c.id, _u.c.channel, _u.c.language)
        .order_by(_u.c.id)
    )
    query = query.where(_a.c.status.in_(list(statuses)) if statuses else _a.c.status != "draft")
    if tracks:
        query = query.where(_a.c.track.in_(list(tracks)))
    if channels:
        query = query.where(_u.c.channel.in_(list(channels)))
    if references:
        query = query.where(_a.c.reference.in_([ref.upper() for ref in references]))
    found = [Recipient(*row) for row in conn.execute(query)]
    return [r for r in found if not languages or r.language in languages]


def create(
    conn: Connection,
    *,
    created_by: str,
    filters: dict[str, Any],
    text_ja: str,
    text_zh: str,
    recipients: Sequence[Recipient],
    now: datetime,
    status: str = SENDING,
) -> int:
    stored = {
        **filters,
        "recipients": [[r.user_id, r.channel, r.language, r.application_id] for r in recipients],
    }
    return conn.execute(
        insert(_b).returning(_b.c.id),
        {
            "created_at": now,
            "created_by": created_by,
            "filters": stored,
            "text_ja": text_ja,
            "text_zh": text_zh,
            "status": status,
            "total": len(recipients),
            "finished_at": None,
        },
    ).scalar_one()


@dataclass(frozen=True, slots=True)
class BroadcastRow:
    id: int
    created_at: datetime
    created_by: str
    filters: dict[str, Any]
    text_ja: str
    text_zh: str
    status: str
    total: int
    finished_at: datetime | None

    @property
    def recipients(self) -> list[Recipient]:
        return [Recipient(*item) for item in self.filters.get("recipients", [])]


_COLUMNS = [getattr(_b.c, name) for name in BroadcastRow.__slots__]


def get(conn: Connection, broadcast_id: int) -> BroadcastRow | None:
    row = conn.execute(select(*_COLUMNS).where(_b.c.id == broadcast_id)).first()
    return None if row is None else BroadcastRow(*row)


def latest(conn: Connection, limit: int) -> list[BroadcastRow]:
    return [
        BroadcastRow(*row) for row in conn.execute(select(*_COLUMNS).order_by(_b.c.id.desc()).limit(limit))
    ]


def unfinished(conn: Connection) -> list[int]:
    return list(conn.execute(select(_b.c.id).where(_b.c.status == SENDING).order_by(_b.c.id)).scalars())


def take_queued(conn: Connection) -> int | None:
    """Move the oldest queued broadcast to `sending` (compare-and-set: one process wins it)."""
    for broadcast_id in conn.execute(
        select(_b.c.id).where(_b.c.status == QUEUED).order_by(_b.c.id)
    ).scalars():
        won = conn.execute(
            update(_b).where(_b.c.id == broadcast_id, _b.c.status == QUEUED).values(status=SENDING)
        ).rowcount
        if won == 1:
            return broadcast_id
    return None


def finish(conn: Connection, broadcast_id: int, now: datetime) -> None:
    conn.execute(update(_b).where(_b.c.id == broadcast_id).values(status=FINISHED, finished_at=now))


def key(broadcast_id: int, user_id: int) -> str:
    return f"broadcast:{broadcast_id}:{user_id}"


def outcomes(conn: Connection, broadcast_id: int) -> dict[int, str]:
    """user id -> outcome of every recipient claimed so far."""
    prefix = f"broadcast:{broadcast_id}:"
    rows = conn.execute(select(_d.c.user_id, _d.c.outcome).where(_d.c.dedup_key.startswith(prefix)))
    return {row.user_id: row.outcome for row in rows}
