"""One way to send what the bot says first — status notices, reminders, broadcasts, enquiry
replies — whatever the user's channel.

- WeChat: customer-service message inside the 48-hour window, else a template message when one
  is given and configured, else the delivery waits for the user's next message
  (handlers/wechat_out.py).
- Telegram: through the rate-limited bot, honouring 429 retry_after; a user who blocked the bot is
  marked and skipped (handlers/telegram_out.py).
- Console: the terminal cannot receive a message it did not ask for, so the delivery is held
  and shown when that user next opens the chat.

Every call leaves one `deliveries` row with its outcome; with a `dedup_key` the row is claimed
before anything is sent, so no message goes out twice (another process, a retry, a restart).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bot.wiring import App
from conversations import Outbound
from conversations.vocab import EMAIL
from storage import channel_users, deliveries

if TYPE_CHECKING:
    from handlers.telegram_out import TelegramOutbox
    from handlers.wechat_out import Template

log = logging.getLogger(__name__)

# Outcomes a caller may see: sent, waiting (WeChat, until the user writes), held (console, until
# the user opens the chat), blocked (Telegram), unsubscribed (WeChat), undeliverable (no chat
# account: a company that applied by e-mail), failed, duplicate.
DELIVERED = ("sent",)
NO_TELEGRAM = "the Telegram channel is not configured (JAPANMALL_TELEGRAM_TOKEN)"
NO_CHAT_ACCOUNT = "no chat account: the company applied with the e-mailed form"


@dataclass(frozen=True)
class Sent:
    outcome: str
    delivery_id: int | None = None
    error: str | None = None


class Postman:
    """Sends to users by our users.id. In `japanmall serve`, give it the running Telegram outbox;
    elsewhere (the CLI, tests) it opens one of its own when a Telegram user is addressed."""

    def __init__(self, app: App, *, telegram: TelegramOutbox | None = None) -> None:
        self.app = app
        self.telegram = telegram

    def language_of(self, user_id: int) -> str:
        with self.app.engine.connect() as conn:
            user = channel_users.by_id(conn, user_id)
        return (user.language if user else None) or "ja"

    async def send(
        self,
        user_id: int,
        messages: Sequence[Outbound],
        *,
        kind: str,
        dedup_key: str | None = None,
        application_id: int | None = None,
        template: Template | None = None,
    ) -> Sent:
        with self.app.engine.connect() as conn:
            user = channel_users.by_id(conn, user_id)
        if user is None:
            return Sent("failed", error="unknown user")
        if user.channel == "wechat":
            from handlers.wechat_out import send_to_user

            result = await asyncio.to_thread(
                send_to_user,
                self.app,
                user_id,
                list(messages),
                kind=kind,
                dedup_key=dedup_key,
                template=template,
                application_id=application_id,
            )
            return Sent("duplicate" if result.duplicate else result.status, result.delivery_id, result.error)
        if user.channel == "telegram":
            return await self._telegram(user_id, messages, kind, dedup_key, application_id)
        if user.channel == EMAIL:
            return self._settle(
                user_id,
                EMAIL,
                messages,
                kind,
                dedup_key,
                application_id,
                outcome=deliveries.UNDELIVERABLE,
                error=NO_CHAT_ACCOUNT,
            )
        return self._settle(
            user_id, user.channel, messages, kind, dedup_key, application_id, outcome=deliveries.HELD
        )

    async def _telegram(
        self,
        user_id: int,
        messages: Sequence[Outbound],
        kind: str,
        dedup_key: str | None,
        application_id: int | None,
    ) -> Sent:
        if self.telegram is None:
            if not self.app.settings.telegram_token:
                return self._settle(
                    user_id,
                    "telegram",
                    messages,
                    kind,
                    dedup_key,
                    application_id,
                    outcome=deliveries.FAILED,
                    error=NO_TELEGRAM,
                )
            from handlers.telegram_out import open_outbox

            async with open_outbox(self.app) as outbox:
                self.telegram = outbox
                try:
                    return await self._telegram(user_id, messages, kind, dedup_key, application_id)
                finally:
                    self.telegram = None
        done = await self.telegram.send_to_user(
            user_id, messages, kind=kind, dedup_key=dedup_key, application_id=application_id
        )
        return Sent(done.outcome, done.delivery_id, done.error)

    def _settle(
        self,
        user_id: int,
        channel: str,
        messages: Sequence[Outbound],
        kind: str,
        dedup_key: str | None,
        application_id: int | None,
        *,
        outcome: str,
        error: str | None = None,
    ) -> Sent:
        """Record a delivery whose outcome is known without calling a platform."""
        with self.app.engine.begin() as conn:
            row, new = deliveries.settle(
                conn,
                user_id=user_id,
                channel=channel,
                kind=kind,
                messages=[m.to_json() for m in messages],
                now=self.app.services.clock(),
                outcome=outcome,
                error=error,
                dedup_key=dedup_key,
                application_id=application_id,
            )
        if new and error:
            log.warning("delivery %s %s: %s", row.id, outcome, error)
        return Sent(outcome if new else "duplicate", row.id, error)


def send_now(app: App, user_id: int, messages: Sequence[Outbound], **kwargs: Any) -> Sent:
    """The same from synchronous code (the `japanmall staff` commands)."""
    return asyncio.run(Postman(app).send(user_id, messages, **kwargs))
