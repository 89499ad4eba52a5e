"""The one path for everything the bot sends first on Telegram: status notices, reminders, broadcasts.

`await outbox.send_to_user(user_id, messages, kind="reminder", dedup_key="reminder:deadline:42")`

- goes through the channel's rate-limited bot (handlers/telegram_limits.py: 30/s overall,
  about 1/s per chat, a 429's retry_after waited out up to 30 s and retried twice, never more);
- claims a `deliveries` row first (its unique `dedup_key` keeps two processes or two runs from
  sending the same reminder twice; a failed or held delivery may be claimed again later);
- marks a user who blocked the bot (403) in `users.blocked_at` and holds every later message for
  them (outcome "blocked", nothing sent) until they write to the bot again;
- writes the outcome on the row: sent, failed (with the error) or blocked.

In `japanmall serve` the Telegram channel owns the outbox (`channel.outbox`); a command that runs
outside the server opens one with `open_outbox(app)`.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from telegram import Bot
from telegram.error import Forbidden, TelegramError
from telegram.ext import ExtBot

from conversations import Outbound
from handlers.telegram_app import keep_library_logs_clean
from handlers.telegram_limits import ChatRateLimiter
from handlers.telegram_render import callback_key, send_outbound
from storage import telegram_store as store

if TYPE_CHECKING:
    from bot.wiring import App
    from storage.runner import StepRunner

log = logging.getLogger(__name__)
CHANNEL = "telegram"


@dataclass(frozen=True, slots=True)
class Delivered:
    """What became of one send: sent, failed, blocked, or duplicate (sent before: not sent again)."""

    outcome: str
    delivery_id: int | None
    error: str | None = None


def make_bot(app: App, limiter: ChatRateLimiter | None = None) -> ExtBot:
    """A bot on JAPANMALL_TELEGRAM_API_URL with our rate limiter (for use outside the channel)."""
    token = app.settings.telegram_token
    if not token:
        raise ValueError("JAPANMALL_TELEGRAM_TOKEN is not set")
    keep_library_logs_clean(token)
    api = app.settings.telegram_api_url.rstrip("/")
    return ExtBot(
        token,
        base_url=f"{api}/bot",
        base_file_url=f"{api}/file/bot",
        rate_limiter=limiter or ChatRateLimiter(),
    )


class TelegramOutbox:
    def __init__(self, app: App, runner: StepRunner, bot: Bot) -> None:
        self.app = app
        self.runner = runner
        self.bot = bot

    async def remember(self, digest: str, step: str | None, value: str) -> None:
        """Keep a long button's (step, value) where every process can read it back."""
        now = self.app.services.clock()
        pair = {"step": step, "value": value}
        await self.runner.run(store.remember_value, self.app.engine, callback_key(digest), pair, now)

    async def mark_blocked(self, channel_user_id: str) -> None:
        now = self.app.services.clock()
        await self.runner.run(store.mark_blocked, self.app.engine, CHANNEL, channel_user_id, now)
        log.info("telegram user marked as having blocked the bot", extra={"user_ref": channel_user_id})

    async def send_to_user(
        self,
        user_id: int,
        messages: Sequence[Outbound],
        *,
        kind: str,
        dedup_key: str | None = None,
        application_id: int | None = None,
    ) -> Delivered:
        """Send messages the user did not ask for; `user_id` is our users.id (a Telegram user)."""
        engine, clock = self.app.engine, self.app.services.clock
        payload = {"messages": [message.to_json() for message in messages]}
        claim = await self.runner.run(
            store.claim_delivery,
            engine,
            user_id=user_id,
            channel=CHANNEL,
            kind=kind,
            payload=payload,
            now=clock(),
            dedup_key=dedup_key,
            application_id=application_id,
        )
        if claim.outcome == "duplicate":
            return Delivered("duplicate", None)
        assert claim.delivery_id is not None and claim.channel_user_id is not None
        if claim.outcome == "blocked":
            await self.runner.run(
                store.finish_delivery,
                engine,
                claim.delivery_id,
                outcome="blocked",
                now=clock(),
                error="the user has blocked the bot",
            )
            return Delivered("blocked", claim.delivery_id, "the user has blocked the bot")
        outcome, error = await self._send(int(claim.channel_user_id), messages)
        if outcome == "blocked":
            await self.mark_blocked(claim.channel_user_id)
        await self.runner.run(
            store.finish_delivery, engine, claim.delivery_id, outcome=outcome, now=clock(), error=error
        )
        if outcome != "sent":
            log.warning(
                "telegram delivery %s: %s", claim.delivery_id, outcome, extra={"kind": kind, "error": error}
            )
        return Delivered(outcome, claim.delivery_id, error)

    async def _send(self, chat_id: int, messages: Sequence[Outbound]) -> tuple[str, str | None]:
        done = 0
        try:
            for message in messages:
                await send_outbound(self.bot, chat_id, message, self.remember)
                done += 1
        except Forbidden as exc:
            return "blocked", f"{exc.message} (after {done} of {len(messages)} messages)"
        except (TelegramError, OSError) as exc:
            return "failed", f"{type(exc).__name__}: {exc} (after {done} of {len(messages)} messages)"
        return "sent", None


@asynccontextmanager
async def open_outbox(app: App, runner: StepRunner | None = None) -> AsyncIterator[TelegramOutbox]:
    """An outbox with a bot of its own, for commands that run outside `japanmall serve`."""
    from storage.runner import StepRunner

    own_runner = runner is None
    runner = runner or StepRunner(app.engine)
    try:
        async with make_bot(app) as bot:
            yield TelegramOutbox(app, runner, bot)
    finally:
        if own_runner:
            runner.close()
