"""Telling the company, after the fact, through the one outbound path (bot/outbound.py): the
notice of a status move and the answer to its enquiry. Used by `japanmall staff` and, once the
step has committed, by the staff's chat commands (Services.options["notify"])."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from hashlib import sha1
from typing import TYPE_CHECKING

from sqlalchemy import Connection

from conversations import Outbound
from conversations.staff.moves import notice
from storage import applications as store
from storage import channel_users

if TYPE_CHECKING:
    from bot.outbound import Sent
    from bot.wiring import App

log = logging.getLogger(__name__)


def _language(conn: Connection, user_id: int, fallback: str | None) -> str:
    user = channel_users.by_id(conn, user_id)
    return (user.language if user else None) or fallback or "ja"


def notify_move(app: App, application_id: int, *, from_status: str, note: str | None = None) -> Sent:
    """The notice of the application's latest move, in the company's language, on its channel."""
    from bot.outbound import send_now

    with app.engine.connect() as conn:
        row = store.application_by_id(conn, application_id)
        assert row is not None
        lang = _language(conn, row.user_id, row.meta.get("language"))
        text = notice(conn, app.texts, app.programme, row, lang, from_status=from_status, note=note)
        moved_at = store.reached_at(conn, row.id, row.status)
    key = f"status:{row.id}:{row.status}:{moved_at.isoformat() if moved_at else ''}"
    sent = send_now(app, row.user_id, [Outbound(text)], kind="notice", dedup_key=key, application_id=row.id)
    log.info(
        "status notice %s", sent.outcome, extra={"application_id": row.id, "delivery_id": sent.delivery_id}
    )
    return sent


def notify_reply(app: App, enquiry_id: int, user_id: int, answer: str, application_id: int | None) -> Sent:
    """Staff's answer to an enquiry, introduced in the company's language."""
    from bot.outbound import send_now

    with app.engine.connect() as conn:
        lang = _language(conn, user_id, None)
    text = app.texts.render(lang, "staff.reply.to_company", answer=answer)
    sent = send_now(
        app,
        user_id,
        [Outbound(text)],
        kind="enquiry_reply",
        dedup_key=f"enquiry:{enquiry_id}:{sha1(answer.encode()).hexdigest()[:16]}",
        application_id=application_id,
    )
    log.info(
        "enquiry reply %s", sent.outcome, extra={"enquiry_id": enquiry_id, "delivery_id": sent.delivery_id}
    )
    return sent


@dataclass
class Notifier:
    """What the chat's staff commands call after their step commits."""

    app: App

    def move(self, application_id: int, from_status: str, note: str | None) -> None:
        notify_move(self.app, application_id, from_status=from_status, note=note)

    def reply(self, enquiry_id: int, user_id: int, answer: str, application_id: int | None) -> None:
        notify_reply(self.app, enquiry_id, user_id, answer, application_id)
