"""The hot path of every inbound message: user, state, de-duplication key, outbound record.

Statements are built once at import (docs/architecture.md: building them per call costs more CPU than
running them); each call binds values only. On SQLite the per-message statements go as plain
SQL to the driver's connection, inside the transaction SQLAlchemy began: for one-row statements
SQLAlchemy's own work per execution costs several times SQLite's (benchmarks/wechat_webhook.py).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, bindparam, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError

from storage.models import ConversationState, InboundKey, User

_users = User.__table__
_states = ConversationState.__table__
_keys = InboundKey.__table__

_SELECT_USER = select(
    _users.c.id, _users.c.language, _users.c.timezone, _users.c.last_inbound_at, _users.c.blocked_at
).where(_users.c.channel == bindparam("channel"), _users.c.channel_user_id == bindparam("cuid"))
# PostgreSQL: lock the user row first (FOR UPDATE queues one user's concurrent steps), then
# read the state in a statement of its own, so that it sees what the step before committed.
_LOCK_USER = _SELECT_USER.with_for_update()
_INSERT_USER = insert(_users).returning(_users.c.id)
_TOUCH_USER = (
    update(_users)
    .where(_users.c.id == bindparam("uid"))
    .values(last_inbound_at=bindparam("now"), language=bindparam("lang"), blocked_at=None)
)
_SET_LANGUAGE = update(_users).where(_users.c.id == bindparam("uid")).values(language=bindparam("lang"))
_SELECT_STATE = (
    select(
        _states.c.flow,
        _states.c.step,
        _states.c.answers,
        _states.c.back_stack,
        _states.c.context,
        _states.c.version,
    )
    .where(_states.c.user_id == bindparam("uid"))
    .with_for_update()
)
# FOR UPDATE queues one user's concurrent steps on PostgreSQL (SQLite has no row locks and
# needs none: BEGIN IMMEDIATE already serialises writers). The version check stays as a guard.
_INSERT_STATE = insert(_states)
_UPDATE_STATE = (
    update(_states)
    .where(_states.c.user_id == bindparam("uid"), _states.c.version == bindparam("expected"))
    .values(
        flow=bindparam("flow"),
        step=bindparam("step"),
        answers=bindparam("answers"),
        back_stack=bindparam("back_stack"),
        context=bindparam("context"),
        version=bindparam("version"),
        updated_at=bindparam("now"),
    )
)
_SELECT_KEY = select(_keys.c.reply).where(
    _keys.c.channel == bindparam("channel"), _keys.c.key == bindparam("key")
)
# RETURNING tells whether the row went in (SQLAlchemy reports no rowcount for INSERT on psycopg).
_INSERT_KEY = {
    "sqlite": sqlite_insert(_keys).on_conflict_do_nothing().returning(_keys.c.key),
    "postgresql": pg_insert(_keys).on_conflict_do_nothing().returning(_keys.c.key),
}
_SET_REPLY = (
    update(_keys)
    .where(_keys.c.channel == bindparam("b_channel"), _keys.c.key == bindparam("b_key"))
    .values(reply=bindparam("b_reply"))
)

# SQLite: the same statements as plain SQL on the driver's connection, inside the transaction
# SQLAlchemy began (BEGIN IMMEDIATE, which also makes row locks unnecessary). SQLAlchemy's work
# per execution (cache lookup, parameter processing, result set-up) costs several times what
# SQLite takes for these one-row statements (docs/architecture.md, "Storage speed"). Values are
# written as SQLAlchemy's own types write them (storage.types: naive UTC text with microseconds,
# JSON text), so every other reader sees the same rows.
_RAW_USER_STATE = (
    "SELECT u.id, u.language, u.timezone, u.last_inbound_at, s.flow, s.step, s.answers,"
    " s.back_stack, s.context, s.version FROM users u LEFT OUTER JOIN conversation_states s"
    " ON s.user_id = u.id WHERE u.channel = ? AND u.channel_user_id = ?"
)
_RAW_TOUCH_USER = "UPDATE users SET last_inbound_at = ?, language = ?, blocked_at = NULL WHERE id = ?"
_RAW_UPDATE_STATE = (
    "UPDATE conversation_states SET flow = ?, step = ?, answers = ?, back_stack = ?, context = ?,"
    " version = ?, updated_at = ? WHERE user_id = ? AND version = ?"
)
_RAW_CLAIM = (
    "INSERT INTO inbound_keys (channel, key, received_at, reply) VALUES (?, ?, ?, NULL)"
    " ON CONFLICT DO NOTHING"
)
_RAW_STORED_REPLY = "SELECT reply FROM inbound_keys WHERE channel = ? AND key = ?"
_RAW_SET_REPLY = "UPDATE inbound_keys SET reply = ? WHERE channel = ? AND key = ?"


def _sqlite(conn: Connection) -> Any:
    """The sqlite3 connection under `conn` when it is SQLite (else None)."""
    if conn.dialect.name != "sqlite":
        return None
    return conn.connection.driver_connection


def _text_time(value: datetime) -> str:
    """An aware datetime as SQLAlchemy's SQLite DATETIME writes it (naive UTC, microseconds)."""
    return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")


def _read_time(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value).replace(tzinfo=UTC)


class StaleState(Exception):
    """Another step for the same user committed first; the step is run again on fresh state."""


@dataclass(slots=True)
class UserRow:
    id: int
    channel: str
    channel_user_id: str
    language: str | None
    timezone: str | None
    last_inbound_at: datetime | None
    created: bool = False


@dataclass(slots=True)
class StateRow:
    flow: str
    step: str
    answers: dict[str, Any]
    back_stack: list[Any]
    context: dict[str, Any]
    version: int


def load_user_and_state(
    conn: Connection, channel: str, cuid: str, now: datetime
) -> tuple[UserRow, StateRow | None]:
    """The user (created on first contact) and their state (None before the first step).

    The state's version is checked again on write (optimistic lock) in any case.
    """
    raw = _sqlite(conn)
    if raw is not None:  # the user and their state in one round trip; no row lock is needed
        found = raw.execute(_RAW_USER_STATE, (channel, cuid)).fetchone()
        if found is None:
            return get_or_create_user(conn, channel, cuid, now), None
        user = UserRow(found[0], channel, cuid, found[1], found[2], _read_time(found[3]))
        if found[4] is None:
            return user, None
        loads = json.loads
        return user, StateRow(found[4], found[5], loads(found[6]), loads(found[7]), loads(found[8]), found[9])
    locked = conn.execute(_LOCK_USER, {"channel": channel, "cuid": cuid}).first()
    if locked is None:
        return get_or_create_user(conn, channel, cuid, now), None
    user = UserRow(locked.id, channel, cuid, locked.language, locked.timezone, locked.last_inbound_at)
    return user, load_state(conn, user.id)


def get_or_create_user(conn: Connection, channel: str, cuid: str, now: datetime) -> UserRow:
    row = conn.execute(_SELECT_USER, {"channel": channel, "cuid": cuid}).first()
    if row is not None:
        return UserRow(row.id, channel, cuid, row.language, row.timezone, row.last_inbound_at)
    try:
        with conn.begin_nested():
            uid = conn.execute(
                _INSERT_USER,
                {"channel": channel, "channel_user_id": cuid, "created_at": now, "subscribed": True},
            ).scalar_one()
    except IntegrityError:
        # A concurrent first message of the same user created it a moment ago.
        raise StaleState from None
    return UserRow(uid, channel, cuid, None, None, None, created=True)


def touch_user(conn: Connection, user_id: int, now: datetime, language: str | None) -> None:
    """Record an inbound message (the WeChat 48-hour window counts from here) and the language."""
    raw = _sqlite(conn)
    if raw is not None:
        raw.execute(_RAW_TOUCH_USER, (_text_time(now), language, user_id))
        return
    conn.execute(_TOUCH_USER, {"uid": user_id, "now": now, "lang": language})


def set_language(conn: Connection, user_id: int, language: str) -> None:
    conn.execute(_SET_LANGUAGE, {"uid": user_id, "lang": language})


def load_state(conn: Connection, user_id: int) -> StateRow | None:
    row = conn.execute(_SELECT_STATE, {"uid": user_id}).first()
    if row is None:
        return None
    return StateRow(
        row.flow, row.step, dict(row.answers), list(row.back_stack), dict(row.context), row.version
    )


def save_state(conn: Connection, user_id: int, state: StateRow, now: datetime, *, is_new: bool) -> None:
    """Write the state; raise StaleState when another step got there first (optimistic lock)."""
    values = {
        "flow": state.flow,
        "step": state.step,
        "answers": state.answers,
        "back_stack": state.back_stack,
        "context": state.context,
        "now": now,
    }
    if is_new:
        try:
            with conn.begin_nested():
                conn.execute(
                    _INSERT_STATE,
                    {
                        **{k: v for k, v in values.items() if k != "now"},
                        "user_id": user_id,
                        "version": 1,
                        "updated_at": now,
                    },
                )
        except IntegrityError:
            raise StaleState from None
        state.version = 1
        return
    raw = _sqlite(conn)
    if raw is not None:
        dumps = json.dumps
        done = raw.execute(
            _RAW_UPDATE_STATE,
            (
                state.flow,
                state.step,
                dumps(state.answers),
                dumps(state.back_stack),
                dumps(state.context),
                state.version + 1,
                _text_time(now),
                user_id,
                state.version,
            ),
        )
        if done.rowcount != 1:
            raise StaleState
        state.version += 1
        return
    result = conn.execute(
        _UPDATE_STATE, {**values, "uid": user_id, "expected": state.version, "version": state.version + 1}
    )
    if result.rowcount != 1:
        raise StaleState
    state.version += 1


def claim_inbound(conn: Connection, channel: str, key: str, now: datetime) -> tuple[bool, Any]:
    """Insert the message's key. Returns (True, None) for a new message, else (False, stored reply).

    On PostgreSQL a concurrent retry waits on the unique index until the first transaction
    commits, then sees its key (and reply); on SQLite BEGIN IMMEDIATE serialises them.
    """
    raw = _sqlite(conn)
    if raw is not None:
        if raw.execute(_RAW_CLAIM, (channel, key, _text_time(now))).rowcount == 1:
            return True, None
        stored = raw.execute(_RAW_STORED_REPLY, (channel, key)).fetchone()
        return False, None if stored is None or stored[0] is None else json.loads(stored[0])
    params = {"channel": channel, "key": key, "received_at": now, "reply": None}
    if conn.execute(_INSERT_KEY[conn.dialect.name], params).first() is not None:
        return True, None
    return False, conn.execute(_SELECT_KEY, {"channel": channel, "key": key}).scalar_one_or_none()


def store_reply(conn: Connection, channel: str, key: str, reply: Any) -> None:
    raw = _sqlite(conn)
    if raw is not None:
        raw.execute(_RAW_SET_REPLY, (json.dumps(reply), channel, key))
        return
    conn.execute(_SET_REPLY, {"b_channel": channel, "b_key": key, "b_reply": reply})
