"""Companies in every state the reminders care about, written straight into the database."""

from __future__ import annotations

import itertools
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, update

from bot.wiring import App
from storage import applications
from storage.models import Application, Delivery, User

_numbers = itertools.count(1)


def add_user(
    app: App,
    channel: str = "console",
    language: str | None = "ja",
    *,
    channel_user_id: str | None = None,
    timezone: str | None = None,
    last_inbound_at: datetime | None = None,
) -> int:
    with app.engine.begin() as conn:
        return conn.execute(
            insert(User).returning(User.id),
            {
                "channel": channel,
                "channel_user_id": channel_user_id or f"{channel}-{next(_numbers)}",
                "language": language,
                "timezone": timezone,
                "created_at": app.services.clock(),
                "last_inbound_at": last_inbound_at,
                "subscribed": True,
            },
        ).scalar_one()


def add_application(
    app: App,
    user_id: int,
    path: tuple[str, ...] = (),
    *,
    at: datetime | None = None,
    meta: dict[str, Any] | None = None,
) -> int:
    """A draft, then moved along `path` (e.g. ("submitted", "under_review", "accepted")) at `at`."""
    now = at or app.services.clock()
    programme = app.programme.id
    with app.engine.begin() as conn:
        aid = applications.create_draft(conn, user_id=user_id, programme=programme, actor="company", now=now)
        status = "draft"
        for target in path:
            if status == "draft":
                number = next(_numbers)
                applications.submit(
                    conn,
                    application_id=aid,
                    programme=programme,
                    number=number,
                    reference=f"{app.programme.reference_prefix}-{number:04d}",
                    data={},
                    meta=meta or {},
                    actor="company",
                    now=now,
                )
            else:
                assert applications.move(
                    conn, aid, from_status=status, to_status=target, actor="staff", now=now
                )
            status = target
    return aid


def move(app: App, aid: int, from_status: str, to_status: str) -> None:
    with app.engine.begin() as conn:
        assert applications.move(
            conn, aid, from_status=from_status, to_status=to_status, actor="staff", now=app.services.clock()
        )


def set_meta(app: App, aid: int, meta: dict[str, Any]) -> None:
    with app.engine.begin() as conn:
        conn.execute(update(Application).where(Application.id == aid).values(meta=meta))


def reminder_rows(app: App) -> list[tuple[str, str]]:
    with app.engine.connect() as conn:
        rows = conn.execute(
            select(Delivery.dedup_key, Delivery.outcome)
            .where(Delivery.kind == "reminder")
            .order_by(Delivery.id)
        ).all()
    return [(row.dedup_key, row.outcome) for row in rows]
