"""What the Telegram channel keeps beyond the dialog core: deliveries it sends first, blocked
users, long button data, and answers the channel gives itself (a file over the size limit).

Each function is one short transaction on the engine it is given; statements are built once.
The delivery helpers know no platform (the channel is a parameter), so another channel may use
them as they are.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, bindparam, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from storage import dialog
from storage.models import Delivery, InboundKey, KeyValue, User

_users = User.__table__
_deliveries = Delivery.__table__
_keys = InboundKey.__table__
_kv = KeyValue.__table__

_TARGET = select(_users.c.channel, _users.c.channel_user_id, _users.c.language, _users.c.blocked_at).where(
    _users.c.id == bindparam("uid")
)
_LANGUAGE = select(_users.c.language).where(
    _users.c.channel == bindparam("channel"), _users.c.channel_user_id == bindparam("cuid")
)
_BLOCK = (
    update(_users)
    .where(_users.c.channel == bindparam("b_channel"), _users.c.channel_user_id == bindparam("cuid"))
    .values(blocked_at=bindparam("now"))
)
_SEEN = select(_keys.c.key).where(_keys.c.channel == bindparam("channel"), _keys.c.key == bindparam("key"))
_INSERT_DELIVERY = {
    name: dialect(_deliveries)
    .on_conflict_do_nothing(index_elements=["dedup_key"])
    .returning(_deliveries.c.id)
    for name, dialect in (("sqlite", sqlite_insert), ("postgresql", pg_insert))
}
# A delivery that failed, or was held for a blocked user, may be claimed again by a later run.
_RECLAIM = (
    update(_deliveries)
    .where(
        _deliveries.c.dedup_key == bindparam("key"),
        _deliveries.c.outcome.in_(("failed", "blocked")),
    )
    .values(outcome=bindparam("outcome"), payload=bindparam("payload"), error=None)
    .returning(_deliveries.c.id)
)
_FINISH = (
    update(_deliveries)
    .where(_deliveries.c.id == bindparam("did"))
    .values(
        outcome=bindparam("outcome"),
        error=bindparam("error"),
        attempts=_deliveries.c.attempts + 1,
        sent_at=bindparam("sent_at"),
    )
)
_KV_GET = select(_kv.c.value).where(_kv.c.key == bindparam("key"))
_KV_PUT = {
    "sqlite": sqlite_insert(_kv).on_conflict_do_nothing(),
    "postgresql": pg_insert(_kv).on_conflict_do_nothing(),
}

SENDING = "sending"


@dataclass(frozen=True, slots=True)
class Claim:
    """The outcome of claiming a delivery before sending it.

    outcome  "sending" (go ahead), "blocked" (the user blocked the bot: recorded, not sent),
             or "duplicate" (this dedup_key was sent, or is being sent, already)
    """

    outcome: str
    delivery_id: int | None
    channel_user_id: str | None = None


def claim_delivery(
    engine: Engine,
    *,
    user_id: int,
    channel: str,
    kind: str,
    payload: Any,
    now: datetime,
    dedup_key: str | None = None,
    application_id: int | None = None,
) -> Claim:
    """Record a message the bot is about to send first; say whether to send it."""
    with engine.begin() as conn:
        target = conn.execute(_TARGET, {"uid": user_id}).first()
        if target is None or target.channel != channel:
            raise ValueError(f"user {user_id} is not a {channel} user")
        outcome = "blocked" if target.blocked_at is not None else SENDING
        row = {
            "user_id": user_id,
            "application_id": application_id,
            "kind": kind,
            "channel": channel,
            "dedup_key": dedup_key,
            "payload": payload,
            "outcome": outcome,
            "error": "the user has blocked the bot" if outcome == "blocked" else None,
            "attempts": 0,
            "created_at": now,
            "sent_at": None,
        }
        delivery_id = conn.execute(_INSERT_DELIVERY[conn.dialect.name], row).scalar_one_or_none()
        if delivery_id is None and dedup_key is not None:
            delivery_id = conn.execute(
                _RECLAIM, {"key": dedup_key, "outcome": outcome, "payload": payload}
            ).scalar_one_or_none()
        if delivery_id is None:
            return Claim("duplicate", None)
        return Claim(outcome, delivery_id, target.channel_user_id)


def finish_delivery(
    engine: Engine, delivery_id: int, *, outcome: str, now: datetime, error: str | None = None
) -> None:
    """Write what became of a claimed delivery: sent, failed or blocked."""
    with engine.begin() as conn:
        conn.execute(
            _FINISH,
            {
                "did": delivery_id,
                "outcome": outcome,
                "error": error,
                "sent_at": now if outcome == "sent" else None,
            },
        )


def mark_blocked(engine: Engine, channel: str, channel_user_id: str, now: datetime) -> None:
    """The user blocked the bot (a 403): nothing is sent to them until they write again."""
    with engine.begin() as conn:
        conn.execute(_BLOCK, {"b_channel": channel, "cuid": channel_user_id, "now": now})


def user_language(engine: Engine, channel: str, channel_user_id: str) -> str | None:
    with engine.connect() as conn:
        return conn.execute(_LANGUAGE, {"channel": channel, "cuid": channel_user_id}).scalar_one_or_none()


def seen(engine: Engine, channel: str, key: str) -> bool:
    """Has this inbound message been acted on already (its key claimed)?"""
    with engine.connect() as conn:
        return conn.execute(_SEEN, {"channel": channel, "key": key}).first() is not None


def claim_local_reply(engine: Engine, channel: str, key: str, payload: Any, now: datetime) -> bool:
    """Claim an inbound message the channel answers itself; False when it was seen before."""
    with engine.begin() as conn:
        new, _stored = dialog.claim_inbound(conn, channel, key, now)
        if new:
            dialog.store_reply(conn, channel, key, payload)
        return new


def remember_value(engine: Engine, key: str, value: Any, now: datetime) -> None:
    """Keep a small value under a key for good (first writer wins; the key must be content-derived)."""
    with engine.begin() as conn:
        conn.execute(_KV_PUT[conn.dialect.name], {"key": key, "value": value, "updated_at": now})


def recall_value(engine: Engine, key: str) -> Any | None:
    with engine.connect() as conn:
        return conn.execute(_KV_GET, {"key": key}).scalar_one_or_none()
