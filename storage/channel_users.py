"""What a channel needs to know of its users outside a dialog step: who, language, window, subscription."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, bindparam, select, update

from storage.models import StoredFile, User

_u = User.__table__
_f = StoredFile.__table__

_COLUMNS = (
    _u.c.id,
    _u.c.channel,
    _u.c.channel_user_id,
    _u.c.language,
    _u.c.last_inbound_at,
    _u.c.subscribed,
)
_BY_CHANNEL_ID = select(*_COLUMNS).where(
    _u.c.channel == bindparam("channel"), _u.c.channel_user_id == bindparam("cuid")
)
_BY_ID = select(*_COLUMNS).where(_u.c.id == bindparam("uid"))
_SET_SUBSCRIBED = (
    update(_u)
    .where(_u.c.channel == bindparam("b_channel"), _u.c.channel_user_id == bindparam("cuid"))
    .values(subscribed=bindparam("b_subscribed"))
)
_FILE_BY_TOKEN = select(_f.c.id, _f.c.name, _f.c.path, _f.c.mime, _f.c.token_expires_at).where(
    _f.c.token == bindparam("token")
)


@dataclass(frozen=True, slots=True)
class ChannelUser:
    id: int
    channel: str
    channel_user_id: str
    language: str | None
    last_inbound_at: datetime | None
    subscribed: bool


@dataclass(frozen=True, slots=True)
class TokenFile:
    id: int
    name: str
    path: str | None
    mime: str | None


def find(conn: Connection, channel: str, channel_user_id: str) -> ChannelUser | None:
    row = conn.execute(_BY_CHANNEL_ID, {"channel": channel, "cuid": channel_user_id}).first()
    return None if row is None else ChannelUser(*row)


def by_id(conn: Connection, user_id: int) -> ChannelUser | None:
    row = conn.execute(_BY_ID, {"uid": user_id}).first()
    return None if row is None else ChannelUser(*row)


def set_subscribed(conn: Connection, channel: str, channel_user_id: str, subscribed: bool) -> bool:
    """Record (un)subscription; False when the user is not known yet."""
    params = {"b_channel": channel, "cuid": channel_user_id, "b_subscribed": subscribed}
    return conn.execute(_SET_SUBSCRIBED, params).rowcount == 1


def file_for_token(conn: Connection, token: str, now: datetime) -> TokenFile | None:
    """The file a download link names, unless the token is unknown or has expired."""
    row = conn.execute(_FILE_BY_TOKEN, {"token": token}).first()
    if row is None or row.token_expires_at is None or row.token_expires_at <= now:
        return None
    return TokenFile(row.id, row.name, row.path, row.mime)
