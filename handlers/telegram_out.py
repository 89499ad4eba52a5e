"""Telegram's transport for the sender (handlers/sender.py): one outbox row to the Bot API.

- Goes through the channel's rate-limited bot (handlers/telegram_limits.py: 30/s overall,
  about 1/s per chat, a short 429 `retry_after` waited out by the limiter).
- A row of several messages remembers how many went out (`payload["sent"]`), so a retry does
  not send the first ones again.
- Outcomes: sent; blocked (403: the user is marked, nothing later is sent until they write
  again); failed at once for a bad request or a bad token; network errors, 5xx and a 429 the
  limiter would not wait out are transient: tried again with backoff (sender.retry_failure).

In `japanmall serve` the Telegram channel's bot is used (`TelegramOutbox(channel.application.bot, …)`);
a command outside the server opens a bot of its own with `open_bot(settings)`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any

from telegram import Bot
from telegram.error import BadRequest, Forbidden, InvalidToken, NetworkError, RetryAfter, TelegramError
from telegram.ext import ExtBot
from telegram.request import HTTPXRequest

from conversations import Outbound
from handlers.sender import retry_failure
from handlers.telegram_app import keep_library_logs_clean
from handlers.telegram_limits import ChatRateLimiter, RetryTooLong, retry_seconds
from handlers.telegram_render import send_outbound
from storage.deliveries import BLOCKED, FAILED, SENT, Claimed, Settlement

__all__ = ["CHANNEL", "TelegramOutbox", "make_bot", "open_bot"]
CHANNEL = "telegram"
Remember = Callable[[str, str | None, str], Awaitable[None]]


CONNECTIONS = 64  # HTTP connections of a bot made here (PTB's default for a bare bot is one)


def make_bot(token: str, api_url: str, limiter: ChatRateLimiter | None = None) -> ExtBot:
    """A bot on `api_url` with our rate limiter and a pool of connections (for use outside the
    channel: with PTB's default single connection, sends queue behind each other's round trip)."""
    if not token:
        raise ValueError("JAPANMALL_TELEGRAM_TOKEN is not set")
    keep_library_logs_clean(token)
    api = api_url.rstrip("/")
    return ExtBot(
        token,
        base_url=f"{api}/bot",
        base_file_url=f"{api}/file/bot",
        rate_limiter=limiter or ChatRateLimiter(),
        request=HTTPXRequest(connection_pool_size=CONNECTIONS),
    )


@asynccontextmanager
async def open_bot(token: str, api_url: str) -> AsyncIterator[ExtBot]:
    async with make_bot(token, api_url) as bot:
        yield bot


class TelegramOutbox:
    """The sender's Telegram transport. `remember` keeps a long button's data (the kv table)."""

    channel = CHANNEL

    def __init__(
        self, bot: Bot, remember: Remember, clock: Callable[[], datetime], *, concurrency: int = 64
    ) -> None:
        self.bot = bot
        self.remember = remember
        self.clock = clock
        self.concurrency = concurrency

    async def send(self, item: Claimed) -> Settlement:
        row = item.row
        payload: dict[str, Any] = dict(row.payload)
        messages = payload.get("messages", [])
        done = int(payload.get("sent", 0))
        chat_id = int(item.channel_user_id)
        try:
            for message in messages[done:]:
                await send_outbound(self.bot, chat_id, Outbound.from_json(message), self.remember)
                done += 1
                payload["sent"] = done
        except Forbidden as exc:
            return Settlement(row.id, BLOCKED, row.attempts + 1, payload, exc.message, mark_user=BLOCKED)
        except (InvalidToken, BadRequest) as exc:
            return Settlement(
                row.id, FAILED, row.attempts + 1, payload, f"{type(exc).__name__}: {exc.message}"
            )
        except RetryTooLong as exc:
            row.payload = payload
            return retry_failure(item, str(exc), self.clock(), at_least=exc.seconds)
        except RetryAfter as exc:
            row.payload = payload
            return retry_failure(item, "429 Too Many Requests", self.clock(), at_least=retry_seconds(exc))
        except (NetworkError, TelegramError, OSError) as exc:
            row.payload = payload
            return retry_failure(item, f"{type(exc).__name__}: {exc}", self.clock())
        return Settlement(row.id, SENT, row.attempts + 1, payload)
