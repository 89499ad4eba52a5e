"""Erasing a company's personal data on request (`japanmall staff erase REF`): every SQL
statement of it. What stays: that the application existed (reference, programme, status, track,
dates), its status history, and answers that are codes, yes/no or numbers (no person in them).
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, bindparam, delete, or_, select, update

from storage.models import (
    Application,
    ConversationState,
    Delivery,
    Enquiry,
    InboundKey,
    MessageLog,
    StoredFile,
)

_apps = Application.__table__
_states = ConversationState.__table__
_deliveries = Delivery.__table__
_enquiries = Enquiry.__table__
_keys = InboundKey.__table__
_log = MessageLog.__table__
_files = StoredFile.__table__

ERASED = "(erased)"


def _mentions(value: Any, needles: Collection[str]) -> bool:
    text = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value
    return any(needle in text for needle in needles)


def erase(
    conn: Connection,
    *,
    application_ids: Collection[int],
    user_ids: Collection[int],
    keep: dict[int, tuple[dict[str, Any], dict[str, Any]]],
    values: Iterable[str],
    now: datetime,
) -> list[str]:
    """Erase; `keep` maps each application to the (data, meta) it keeps. Returns the paths of the
    files whose rows were removed (the caller deletes them once the transaction committed)."""
    needles = {value for value in values if value and len(value) >= 3}
    for application_id, (data, meta) in keep.items():
        conn.execute(
            update(_apps).where(_apps.c.id == application_id).values(data=data, meta=meta, updated_at=now)
        )
    users, apps = list(user_ids), list(application_ids)
    conn.execute(
        update(_states)
        .where(_states.c.user_id.in_(users))
        .values(flow="menu", step="choose", answers={}, back_stack=[], context={}, updated_at=now)
    )
    conn.execute(delete(_log).where(_log.c.user_id.in_(users)))
    conn.execute(
        update(_enquiries)
        .where(or_(_enquiries.c.user_id.in_(users), _enquiries.c.application_id.in_(apps)))
        .values(question=ERASED, answer=None)
    )
    mine = or_(_deliveries.c.user_id.in_(users), _deliveries.c.application_id.in_(apps))
    conn.execute(update(_deliveries).where(mine).values(payload={"erased": True}, error=None))
    if needles:  # replies kept for retries, and any other delivery, that quote the company
        for row in conn.execute(select(_deliveries.c.id, _deliveries.c.payload)).all():
            if _mentions(row.payload, needles):
                conn.execute(
                    update(_deliveries).where(_deliveries.c.id == row.id).values(payload={"erased": True})
                )
        for row in conn.execute(select(_keys.c.channel, _keys.c.key, _keys.c.reply)).all():
            if row.reply is not None and _mentions(row.reply, needles):
                conn.execute(
                    update(_keys)
                    .where(_keys.c.channel == bindparam("c"), _keys.c.key == bindparam("k"))
                    .values(reply=None),
                    {"c": row.channel, "k": row.key},
                )
    owned = or_(_files.c.user_id.in_(users), _files.c.application_id.in_(apps))
    paths = [path for path in conn.execute(select(_files.c.path).where(owned)).scalars() if path]
    conn.execute(delete(_files).where(owned))
    return paths


def remove_files(paths: Iterable[str]) -> int:
    removed = 0
    for path in paths:
        file = Path(path)
        if file.is_file():
            file.unlink()
            removed += 1
    return removed
