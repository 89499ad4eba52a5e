"""The outbox: every message the bot sends first is a `deliveries` row, and this is the one module
that writes them (docs/architecture.md, "The outbox").

A row is written by `enqueue` in the same transaction as its cause (a status move, an enquiry's
answer, a reminder found due, a broadcast's recipient list, a Telegram reply), with its unique
`dedup_key`: the same cause enqueued twice (a retry, another process, a restart) finds the first
row. The sender (handlers/sender.py) takes due rows with `claim`, sends them, and writes what
became of them with `settle`. One set of outcomes, everywhere:

    queued         waiting for the sender (`next_attempt_at` says from when: a retry's backoff)
    sending        claimed by a sender (`claimed_by`) until `claimed_until`
    sent           the platform accepted it
    held           the console: shown when the user next opens the chat
    waiting        WeChat, outside the 48-hour window: sent once the user writes again
    blocked        Telegram: the user blocked the bot (nothing sent until they write again)
    unsubscribed   WeChat: the user unfollowed the account
    undeliverable  no chat account (a company that applied with the e-mailed form)
    failed         a permanent error, or transient ones MAX_ATTEMPTS times
    unconfirmed    a broadcast message in flight when its sender died: maybe sent, not sent again

Order: a row is claimed only when no earlier row of the same user is still being sent by another
sender or waits for a retry, so each chat gets its messages in the order they were written.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Row, and_, bindparam, exists, func, insert, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from storage import kv
from storage.models import Delivery, User

__all__ = [
    "BLOCKED",
    "FAILED",
    "FINAL",
    "HELD",
    "MAX_ATTEMPTS",
    "OUTCOMES",
    "QUEUED",
    "SENDING",
    "SENT",
    "UNCONFIRMED",
    "UNDELIVERABLE",
    "UNSUBSCRIBED",
    "WAITING",
    "Claimed",
    "DeliveryRow",
    "Settlement",
    "backoff",
    "claim",
    "enqueue",
    "enqueue_many",
    "hold_lease",
    "outcomes_of",
    "record",
    "requeue_waiting",
    "set_payload",
    "settle",
    "take_held",
    "with_prefix",
]

QUEUED, SENDING, SENT, HELD, WAITING = "queued", "sending", "sent", "held", "waiting"
BLOCKED, UNSUBSCRIBED, UNDELIVERABLE = "blocked", "unsubscribed", "undeliverable"
FAILED, UNCONFIRMED = "failed", "unconfirmed"
OUTCOMES = (QUEUED, SENDING, SENT, HELD, WAITING, BLOCKED, UNSUBSCRIBED, UNDELIVERABLE, FAILED, UNCONFIRMED)
OPEN = (QUEUED, SENDING)
FINAL = tuple(outcome for outcome in OUTCOMES if outcome not in OPEN)

MAX_ATTEMPTS = 8  # transient failures (network, 5xx, 429) before a row is failed
FIRST_BACKOFF = timedelta(seconds=2)
MAX_BACKOFF = timedelta(minutes=10)
CLAIM_FOR = timedelta(minutes=5)  # a claim not settled by then is taken back

NO_CHAT_ACCOUNT = "no chat account: the company applied with the e-mailed form"
BLOCKED_ERROR = "the user has blocked the bot"
UNSUBSCRIBED_ERROR = "the user has unsubscribed"

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


_USER = select(_u.c.channel, _u.c.blocked_at, _u.c.subscribed).where(_u.c.id == bindparam("uid"))
_INSERT = insert(_d).returning(_d.c.id)
_INSERT_KEYED = {
    "sqlite": sqlite_insert(_d).on_conflict_do_nothing(index_elements=[_d.c.dedup_key]).returning(_d.c.id),
    "postgresql": pg_insert(_d).on_conflict_do_nothing(index_elements=[_d.c.dedup_key]).returning(_d.c.id),
}
_INSERT_MANY = {
    "sqlite": sqlite_insert(_d).on_conflict_do_nothing(index_elements=[_d.c.dedup_key]),
    "postgresql": pg_insert(_d).on_conflict_do_nothing(index_elements=[_d.c.dedup_key]),
}
_BY_KEY = select(*_COLUMNS).where(_d.c.dedup_key == bindparam("dedup_key"))


def first_outcome(channel: str, blocked: bool = False, subscribed: bool = True) -> tuple[str, str | None]:
    """What a new row starts as: queued for the sender, or settled at once when no platform can
    take it (the console holds it, an e-mail applicant has no chat, a blocked user)."""
    if channel == "console":
        return HELD, None
    if channel == "email":
        return UNDELIVERABLE, NO_CHAT_ACCOUNT
    if blocked:
        return BLOCKED, BLOCKED_ERROR
    if not subscribed:
        return UNSUBSCRIBED, UNSUBSCRIBED_ERROR
    return QUEUED, None


def _params(
    *,
    user_id: int,
    channel: str,
    kind: str,
    payload: dict[str, Any],
    now: datetime,
    outcome: str,
    error: str | None,
    dedup_key: str | None,
    application_id: int | None,
) -> dict[str, Any]:
    return {
        "user_id": user_id,
        "application_id": application_id,
        "kind": kind,
        "channel": channel,
        "dedup_key": dedup_key,
        "payload": payload,
        "outcome": outcome,
        "error": error,
        "attempts": 0,
        "created_at": now,
        "sent_at": now if outcome == SENT else None,
        "next_attempt_at": now,
        "claimed_by": None,
        "claimed_until": None,
    }


def enqueue(
    conn: Connection,
    *,
    user_id: int,
    kind: str,
    messages: Sequence[dict[str, Any]],
    now: datetime,
    dedup_key: str | None = None,
    application_id: int | None = None,
    template: dict[str, Any] | None = None,
) -> tuple[DeliveryRow, bool]:
    """Write a message for `user_id` into the outbox, in the caller's transaction.

    Returns (row, True), or (the row written before, False) when `dedup_key` is known. A row that
    no platform can take is settled at once (held, undeliverable, blocked, unsubscribed)."""
    user = conn.execute(_USER, {"uid": user_id}).first()
    if user is None:
        raise LookupError(f"no user {user_id}")
    outcome, error = first_outcome(user.channel, user.blocked_at is not None, bool(user.subscribed))
    payload: dict[str, Any] = {"messages": list(messages)}
    if template is not None:
        payload["template"] = template
    params = _params(
        user_id=user_id,
        channel=user.channel,
        kind=kind,
        payload=payload,
        now=now,
        outcome=outcome,
        error=error,
        dedup_key=dedup_key,
        application_id=application_id,
    )
    if dedup_key is None:
        new_id = conn.execute(_INSERT, params).scalar_one()
    else:
        new_id = conn.execute(_INSERT_KEYED[conn.dialect.name], params).scalar_one_or_none()
        if new_id is None:
            return _row(conn.execute(_BY_KEY, {"dedup_key": dedup_key}).one()), False
    return DeliveryRow(
        new_id, user_id, application_id, kind, user.channel, dedup_key, payload, outcome, error, 0, now, None
    ), True


def enqueue_reply(
    conn: Connection,
    *,
    user_id: int,
    channel: str,
    message_key: str | None,
    messages: Sequence[dict[str, Any]],
    now: datetime,
) -> tuple[DeliveryRow, bool]:
    """A reply to an inbound message (the core's, or a channel's own), keyed by that message so a
    retry of it finds the row written first (`reply:<channel>:<message key>`)."""
    key = f"reply:{channel}:{message_key}" if message_key is not None else None
    return enqueue(conn, user_id=user_id, kind="reply", messages=messages, now=now, dedup_key=key)


def set_payload(conn: Connection, row_id: int, payload: dict[str, Any]) -> None:
    """A new row's payload completed by its writer (WeChat's parts, cut to size already)."""
    conn.execute(update(_d).where(_d.c.id == row_id).values(payload=payload))


@dataclass(frozen=True, slots=True)
class Item:
    """One row of `enqueue_many` (a broadcast's recipient)."""

    user_id: int
    channel: str
    kind: str
    messages: Sequence[dict[str, Any]]
    dedup_key: str
    application_id: int | None = None


def enqueue_many(conn: Connection, items: Iterable[Item], now: datetime) -> int:
    """Many rows in one statement (a broadcast); keys already known are left as they are.
    The users are taken as given (a broadcast's recipients exclude blocked users)."""
    rows = []
    for item in items:
        outcome, error = first_outcome(item.channel)
        rows.append(
            _params(
                user_id=item.user_id,
                channel=item.channel,
                kind=item.kind,
                payload={"messages": list(item.messages)},
                now=now,
                outcome=outcome,
                error=error,
                dedup_key=item.dedup_key,
                application_id=item.application_id,
            )
        )
    for start in range(0, len(rows), 1000):
        conn.execute(_INSERT_MANY[conn.dialect.name], rows[start : start + 1000])
    return len(rows)


def record(
    conn: Connection,
    *,
    user_id: int,
    channel: str,
    kind: str,
    payload: dict[str, Any],
    outcome: str,
    now: datetime,
    error: str | None = None,
) -> None:
    """A row whose outcome is known as it is written (a console reply shown at once)."""
    params = _params(
        user_id=user_id,
        channel=channel,
        kind=kind,
        payload=payload,
        now=now,
        outcome=outcome,
        error=error,
        dedup_key=None,
        application_id=None,
    )
    conn.execute(_INSERT, params)


# -- the sender's side ---------------------------------------------------------------------------


@dataclass(slots=True)
class Claimed:
    """A row taken by a sender, with what the sender needs to know about its user."""

    row: DeliveryRow
    channel_user_id: str
    last_inbound_at: datetime | None
    subscribed: bool
    was_stale: bool = False  # claimed before by a sender that died


# Due rows, oldest first; then, for their users only, the earliest row that must go first and
# cannot now (being sent by another sender, or waiting for its retry). Two small queries: one
# correlated NOT EXISTS over every queued row cost PostgreSQL ~0.7 s a claim at 10,000 rows.
_DUE = (
    select(_d.c.id, _d.c.user_id)
    .where(
        _d.c.channel == bindparam("channel"),
        _d.c.outcome == QUEUED,
        _d.c.next_attempt_at <= bindparam("now"),
    )
    .order_by(_d.c.id)
    .limit(bindparam("limit"))
)
_BLOCKING = (
    select(_d.c.user_id, func.min(_d.c.id))
    .where(
        _d.c.user_id.in_(bindparam("users", expanding=True)),
        or_(
            and_(
                _d.c.outcome == SENDING,
                _d.c.claimed_until >= bindparam("now"),
                _d.c.claimed_by != bindparam("me"),
            ),
            and_(_d.c.outcome == QUEUED, _d.c.next_attempt_at > bindparam("now")),
        ),
    )
    .group_by(_d.c.user_id)
)
_TAKE = (
    update(_d)
    .where(_d.c.id.in_(bindparam("ids", expanding=True)), _d.c.outcome == QUEUED)
    .values(outcome=SENDING, claimed_by=bindparam("me"), claimed_until=bindparam("until"))
    .returning(_d.c.id)
)
_TAKEN = (
    select(*_COLUMNS, _u.c.channel_user_id, _u.c.last_inbound_at, _u.c.subscribed)
    .join(_u, _u.c.id == _d.c.user_id)
    .where(_d.c.id.in_(bindparam("ids", expanding=True)))
    .order_by(_d.c.id)
)
# Rows a dead sender of this channel had claimed: broadcasts are not sent twice (unconfirmed),
# anything else goes out again (a notice may arrive twice rather than never).
_ORPHANED_BROADCASTS = (
    update(_d)
    .where(
        _d.c.channel == bindparam("b_channel"),
        _d.c.outcome == SENDING,
        _d.c.claimed_by != bindparam("me"),
        _d.c.kind == "broadcast",
    )
    .values(
        outcome=UNCONFIRMED, error="in flight when its sender stopped", claimed_by=None, claimed_until=None
    )
)
_ORPHANED = (
    update(_d)
    .where(
        _d.c.channel == bindparam("b_channel"), _d.c.outcome == SENDING, _d.c.claimed_by != bindparam("me")
    )
    .values(outcome=QUEUED, next_attempt_at=bindparam("now"), claimed_by=None, claimed_until=None)
)


def hold_lease(
    conn: Connection, channel: str, holder: str, now: datetime, ttl: timedelta
) -> tuple[bool, bool]:
    """Be the one sender of `channel` (a lease in the kv table). Returns (held, newly): a sender
    that newly holds the lease first takes back what a dead one had claimed."""
    key = f"outbox:{channel}"
    entry = kv.get_for_update(conn, key)
    mine = entry is not None and isinstance(entry.value, dict) and entry.value.get("holder") == holder
    if entry is not None and not mine and entry.live(now):
        return False, False
    kv.put(conn, key, {"holder": holder}, now, now + ttl)
    if not mine:
        conn.execute(_ORPHANED_BROADCASTS, {"b_channel": channel, "me": holder})
        conn.execute(_ORPHANED, {"b_channel": channel, "me": holder, "now": now})
    return True, not mine


def release_lease(conn: Connection, channel: str, holder: str) -> None:
    kv.release_lease(conn, f"outbox:{channel}", holder)


def claim(conn: Connection, channel: str, holder: str, now: datetime, limit: int) -> list[Claimed]:
    """Take up to `limit` due rows of a channel, oldest first, for `holder`."""
    due = conn.execute(_DUE, {"channel": channel, "now": now, "limit": limit}).all()
    if not due:
        return []
    users = sorted({row.user_id for row in due})
    first: dict[int, int] = {}
    for start in range(0, len(users), 900):
        params = {"users": users[start : start + 900], "now": now, "me": holder}
        first.update((user, earliest) for user, earliest in conn.execute(_BLOCKING, params))
    ids = [row.id for row in due if row.id < first.get(row.user_id, row.id + 1)]
    if not ids:
        return []
    taken = list(conn.execute(_TAKE, {"ids": ids, "me": holder, "until": now + CLAIM_FOR}).scalars())
    if not taken:
        return []
    return [
        Claimed(_row(row), row.channel_user_id, row.last_inbound_at, bool(row.subscribed))
        for row in conn.execute(_TAKEN, {"ids": taken})
    ]


def claim_one(conn: Connection, row_id: int, holder: str, now: datetime) -> Claimed | None:
    """Take one queued row by its id (a caller delivering what it just wrote, with no sender running)."""
    if not conn.execute(_TAKE, {"ids": [row_id], "me": holder, "until": now + CLAIM_FOR}).scalars().all():
        return None
    row = conn.execute(_TAKEN, {"ids": [row_id]}).one()
    return Claimed(_row(row), row.channel_user_id, row.last_inbound_at, bool(row.subscribed))


def backoff(attempts: int) -> timedelta:
    """2 s, 4 s, 8 s … at most 10 minutes, after the `attempts`-th failed try."""
    return min(FIRST_BACKOFF * (2 ** max(0, attempts - 1)), MAX_BACKOFF)


@dataclass(slots=True)
class Settlement:
    """What a sender learnt of one claimed row. `outcome` QUEUED means "try again from `retry_at`"."""

    id: int
    outcome: str
    attempts: int
    payload: dict[str, Any]
    error: str | None = None
    retry_at: datetime | None = None
    user_id: int | None = None
    mark_user: str | None = None  # "blocked" | "unsubscribed": recorded on the user too


_SETTLE = (
    update(_d)
    .where(_d.c.id == bindparam("b_id"))
    .values(
        outcome=bindparam("b_outcome"),
        attempts=bindparam("b_attempts"),
        payload=bindparam("b_payload"),
        error=bindparam("b_error"),
        sent_at=bindparam("b_sent_at"),
        next_attempt_at=bindparam("b_next"),
        claimed_by=None,
        claimed_until=None,
    )
)
_MARK_BLOCKED = update(_u).where(_u.c.id == bindparam("b_uid")).values(blocked_at=bindparam("b_now"))
_MARK_UNSUBSCRIBED = update(_u).where(_u.c.id == bindparam("b_uid")).values(subscribed=False)


def settle(conn: Connection, settlements: Sequence[Settlement], now: datetime) -> None:
    """Write the outcomes of many rows in one transaction (the sender batches them per turn)."""
    if not settlements:
        return
    conn.execute(
        _SETTLE,
        [
            {
                "b_id": s.id,
                "b_outcome": s.outcome,
                "b_attempts": s.attempts,
                "b_payload": s.payload,
                "b_error": s.error,
                "b_sent_at": now if s.outcome == SENT else None,
                "b_next": s.retry_at if s.outcome in (QUEUED, WAITING) else None,
            }
            for s in settlements
        ],
    )
    blocked = [
        {"b_uid": s.user_id, "b_now": now} for s in settlements if s.mark_user == BLOCKED and s.user_id
    ]
    if blocked:
        conn.execute(_MARK_BLOCKED, blocked)
    gone = [{"b_uid": s.user_id} for s in settlements if s.mark_user == UNSUBSCRIBED and s.user_id]
    if gone:
        conn.execute(_MARK_UNSUBSCRIBED, gone)


# A waiting row (WeChat, outside the window) goes back to the queue once its user has written
# after it started waiting (its `next_attempt_at` holds that moment) and within the window.
_REQUEUE_WAITING = (
    update(_d)
    .where(
        _d.c.channel == bindparam("b_channel"),
        _d.c.outcome == WAITING,
        exists().where(
            _u.c.id == _d.c.user_id,
            _u.c.last_inbound_at > _d.c.next_attempt_at,
            _u.c.last_inbound_at > bindparam("window_start"),
        ),
    )
    .values(outcome=QUEUED, next_attempt_at=bindparam("now"))
)


def requeue_waiting(conn: Connection, channel: str, now: datetime, window: timedelta) -> int:
    return conn.execute(
        _REQUEUE_WAITING, {"b_channel": channel, "now": now, "window_start": now - window}
    ).rowcount


_OUTCOMES = select(_d.c.id, _d.c.outcome, _d.c.error, _d.c.attempts, _d.c.next_attempt_at).where(
    _d.c.id.in_(bindparam("ids", expanding=True))
)


@dataclass(frozen=True, slots=True)
class State:
    outcome: str
    error: str | None
    attempts: int
    next_attempt_at: datetime | None


def outcomes_of(conn: Connection, ids: Sequence[int]) -> dict[int, State]:
    """id -> where the row stands."""
    found: dict[int, State] = {}
    for start in range(0, len(ids), 900):
        for row in conn.execute(_OUTCOMES, {"ids": list(ids[start : start + 900])}):
            found[row.id] = State(row.outcome, row.error, row.attempts, row.next_attempt_at)
    return found


_WITH_PREFIX = select(_d.c.id, _d.c.user_id, _d.c.outcome).where(
    _d.c.dedup_key.startswith(bindparam("prefix"))
)


def with_prefix(conn: Connection, prefix: str) -> dict[int, tuple[int, str]]:
    """user id -> (row id, outcome) of the rows whose key starts with `prefix` (a broadcast's)."""
    return {row.user_id: (row.id, row.outcome) for row in conn.execute(_WITH_PREFIX, {"prefix": prefix})}


def requeue_failed(conn: Connection, prefix: str, now: datetime) -> int:
    """Failed rows whose key starts with `prefix` back to the queue (a resumed broadcast)."""
    return conn.execute(
        update(_d)
        .where(_d.c.dedup_key.startswith(prefix), _d.c.outcome == FAILED)
        .values(outcome=QUEUED, attempts=0, next_attempt_at=now, error=None)
    ).rowcount


# -- the console: held rows shown at the next opening ---------------------------------------------

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


def take_held(conn: Connection, user_id: int, now: datetime) -> list[dict[str, Any]]:
    """The held messages of a user, oldest first, marked as shown (in the caller's transaction)."""
    shown: list[dict[str, Any]] = []
    for row in conn.execute(_HELD_FOR_USER, {"uid": user_id}).all():
        conn.execute(_MARK_SHOWN, {"row_id": row.id, "b_sent_at": now})
        shown.extend(row.payload.get("messages", []))
    return shown
