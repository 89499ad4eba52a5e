"""What the Telegram channel keeps beyond the dialog core: blocked users, long button data, and
answers the channel gives itself (a file over the size limit), which go into the outbox
(storage/deliveries.py) like every other reply.

Each function is one short transaction on the engine it is given; statements are built once.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Engine, bindparam, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from storage import deliveries, dialog
from storage.models import InboundKey, KeyValue, User

_users = User.__table__
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
_KV_GET = select(_kv.c.value).where(_kv.c.key == bindparam("key"))
_KV_PUT = {
    "sqlite": sqlite_insert(_kv).on_conflict_do_nothing(),
    "postgresql": pg_insert(_kv).on_conflict_do_nothing(),
}


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


def queue_local_reply(
    engine: Engine, channel: str, channel_user_id: str, key: str | None, payload: Any, now: datetime
) -> bool:
    """An answer the channel gives itself (a file it cannot take) as a reply in the outbox, in one
    transaction with the claim of the inbound message's `key`: it then goes out through the sender
    in order with the chat's other replies. False when the message was seen before."""
    for _attempt in range(3):
        try:
            with engine.begin() as conn:
                if key is not None:
                    new, _stored = dialog.claim_inbound(conn, channel, key, now)
                    if not new:
                        return False
                    dialog.store_reply(conn, channel, key, payload)
                user = dialog.get_or_create_user(conn, channel, channel_user_id, now)
                dialog.touch_user(conn, user.id, now, user.language)  # they wrote: not blocked
                deliveries.enqueue_reply(
                    conn,
                    user_id=user.id,
                    channel=channel,
                    message_key=key,
                    messages=payload["messages"],
                    now=now,
                )
                return True
        except dialog.StaleState:  # the user's first message, created at the same moment elsewhere
            continue
    raise RuntimeError("the user's row could not be created")


def remember_value(engine: Engine, key: str, value: Any, now: datetime) -> None:
    """Keep a small value under a key for good (first writer wins; the key must be content-derived)."""
    with engine.begin() as conn:
        conn.execute(_KV_PUT[conn.dialect.name], {"key": key, "value": value, "updated_at": now})


def recall_value(engine: Engine, key: str) -> Any | None:
    with engine.connect() as conn:
        return conn.execute(_KV_GET, {"key": key}).scalar_one_or_none()
