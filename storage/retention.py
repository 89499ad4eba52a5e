"""Retention: what the bot keeps only as long as it is needed (`japanmall db prune`, a daily job).

- The stored reply of a platform message (`inbound_keys.reply`) exists so that a retry of that
  message gets the same answer. Platforms retry within minutes (WeChat three times in 15 seconds,
  Telegram for up to a day), so after `reply_days` (default 7: the retry window plus a wide margin)
  the reply is dropped. The row itself stays: it still stops a very late retry from acting twice.
- A delivery's payload (the text sent) is dropped once the delivery is settled — its outcome is
  final (`SETTLED`) — and older than `payload_days` (default 90). The row's facts stay: who, what
  kind, which channel, outcome, attempts, error and dates; the payload becomes {"pruned": true}.

Each table is pruned in batches of `BATCH` rows, one short transaction each (no long SQLite lock).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine, Text, Update, cast, func, null, select, tuple_, update
from sqlalchemy.sql.elements import ColumnElement

from storage import deliveries
from storage.models import Delivery, InboundKey

REPLY_DAYS_ENV = "JAPANMALL_REPLY_RETENTION_DAYS"
PAYLOAD_DAYS_ENV = "JAPANMALL_PAYLOAD_RETENTION_DAYS"
REPLY_DAYS = 7
PAYLOAD_DAYS = 90
BATCH = 1000
# Outcomes after which a delivery is never sent, retried or shown again. One constant, to adjust when
# storage/deliveries.py renames its outcomes (queued, sending, waiting and held are not final).
# The outbox's final outcomes, less those a later run may still take up again (held, waiting).
SETTLED = frozenset(deliveries.FINAL) - {deliveries.HELD, deliveries.WAITING}
PRUNED = {"pruned": True}
PRUNED_TEXT = json.dumps(PRUNED)

_keys = InboundKey.__table__
_deliveries = Delivery.__table__


@dataclass(frozen=True, slots=True)
class Policy:
    reply_days: int = REPLY_DAYS
    payload_days: int = PAYLOAD_DAYS

    @classmethod
    def from_environment(cls) -> Policy:
        return cls(_days(REPLY_DAYS_ENV, REPLY_DAYS), _days(PAYLOAD_DAYS_ENV, PAYLOAD_DAYS))


def _days(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= 36500:
        raise ValueError(f"{name} must be a whole number of days from 1, not {raw!r}")
    return int(raw)


@dataclass(frozen=True, slots=True)
class Report:
    replies: int
    payloads: int
    reply_before: datetime
    payload_before: datetime

    def lines(self, *, dry_run: bool) -> list[str]:
        verb = "would drop" if dry_run else "dropped"
        return [
            f"{verb} {self.replies} stored replies of platform messages received before "
            f"{self.reply_before:%Y-%m-%d %H:%M} UTC",
            f"{verb} {self.payloads} payloads of settled deliveries created before "
            f"{self.payload_before:%Y-%m-%d %H:%M} UTC",
        ]


def _old_replies(before: datetime) -> ColumnElement[bool]:
    return (_keys.c.received_at < before) & _keys.c.reply.is_not(None)


def _old_payloads(before: datetime) -> ColumnElement[bool]:
    return (
        (_deliveries.c.created_at < before)
        & _deliveries.c.outcome.in_(sorted(SETTLED))
        & (func.coalesce(_deliveries.c.sent_at, _deliveries.c.created_at) < before)
        # not pruned already: both databases render it as this text (json.dumps / jsonb's output)
        & (cast(_deliveries.c.payload, Text) != PRUNED_TEXT)
    )


def prune(engine: Engine, now: datetime, policy: Policy | None = None, *, dry_run: bool = False) -> Report:
    """Drop (or with `dry_run` count) what is past its time; returns how many of each."""
    policy = policy or Policy.from_environment()
    reply_before = now - timedelta(days=policy.reply_days)
    payload_before = now - timedelta(days=policy.payload_days)
    if dry_run:
        with engine.connect() as conn:
            replies = conn.execute(
                select(func.count()).select_from(_keys).where(_old_replies(reply_before))
            ).scalar_one()
            payloads = conn.execute(
                select(func.count()).select_from(_deliveries).where(_old_payloads(payload_before))
            ).scalar_one()
        return Report(replies, payloads, reply_before, payload_before)
    chosen_keys = select(_keys.c.channel, _keys.c.key).where(_old_replies(reply_before)).limit(BATCH)
    replies = _in_batches(
        engine,
        update(_keys).where(tuple_(_keys.c.channel, _keys.c.key).in_(chosen_keys)).values(reply=null()),
    )
    chosen_ids = select(_deliveries.c.id).where(_old_payloads(payload_before)).limit(BATCH)
    payloads = _in_batches(
        engine, update(_deliveries).where(_deliveries.c.id.in_(chosen_ids)).values(payload=PRUNED)
    )
    return Report(replies, payloads, reply_before, payload_before)


def _in_batches(engine: Engine, statement: Update) -> int:
    """Run `statement` (which changes at most BATCH rows) until it changes fewer."""
    total = 0
    while True:
        with engine.begin() as conn:
            changed = conn.execute(statement).rowcount
        total += changed
        if changed < BATCH:
            return total
