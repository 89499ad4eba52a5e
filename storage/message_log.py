"""The company's conversation with the bot, for staff to read: one row per step, what the user
sent and what the bot answered (personal data: `forget` removes a user's rows).

Written in the step's own transaction (conversations/engine.py), as one more one-row INSERT; on
SQLite as plain SQL on the driver's connection like the rest of the hot path (storage/dialog.py),
the values as JSON text (no JSON column: nothing queries inside them, and text costs less to bind).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, delete, insert, select

from storage.dialog import _sqlite, _text_time
from storage.models import MessageLog

_log = MessageLog.__table__
_INSERT = insert(_log)
_RAW_INSERT = "INSERT INTO message_log (user_id, at, inbound, outbound) VALUES (?, ?, ?, ?)"
_FOR_USER = (
    select(_log.c.id, _log.c.at, _log.c.inbound, _log.c.outbound)
    .where(_log.c.user_id == bindparam("uid"))
    .order_by(_log.c.id.desc())
    .limit(bindparam("limit"))
)
_FORGET = delete(_log).where(_log.c.user_id == bindparam("uid"))


@dataclass(frozen=True, slots=True)
class Logged:
    id: int
    at: datetime
    inbound: dict[str, Any] | None  # {"text": …} | {"option": value} | {"file": name}
    messages: list[dict[str, Any]]  # the reply's messages (Outbound.to_json)


def record(
    conn: Connection, user_id: int, now: datetime, inbound: dict[str, Any] | None, reply: dict[str, Any]
) -> None:
    """One step: what came in (None for a greeting) and the reply as Reply.to_json gives it."""
    dumps = json.dumps
    incoming = None if inbound is None else dumps(inbound, ensure_ascii=False)
    outgoing = dumps(reply.get("messages", []), ensure_ascii=False)
    raw = _sqlite(conn)
    if raw is not None:
        raw.execute(_RAW_INSERT, (user_id, _text_time(now), incoming, outgoing))
        return
    conn.execute(_INSERT, {"user_id": user_id, "at": now, "inbound": incoming, "outbound": outgoing})


def for_user(conn: Connection, user_id: int, limit: int = 200) -> list[Logged]:
    """The user's latest `limit` steps, oldest first."""
    rows = conn.execute(_FOR_USER, {"uid": user_id, "limit": limit}).all()
    loads = json.loads
    return [
        Logged(row.id, row.at, loads(row.inbound) if row.inbound else None, loads(row.outbound or "[]"))
        for row in reversed(rows)
    ]


def forget(conn: Connection, user_ids: Sequence[int]) -> int:
    """Erase these users' conversations (a company's personal data); how many rows went."""
    return sum(conn.execute(_FORGET, {"uid": uid}).rowcount for uid in user_ids)
