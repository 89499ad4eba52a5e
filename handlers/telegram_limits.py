"""Telegram's limits, kept with PTB's own machinery.

- `ChatRateLimiter` is PTB's `AIORateLimiter` (about 30 requests a second overall, 20 a minute per
  group, a 429's `retry_after` waited out for every request before a retry) with two additions:
  about one message a second per private chat after a burst of three (AIORateLimiter limits only
  groups; Telegram tolerates short bursts), and a cap on how long a 429 may make us wait: a longer
  `retry_after` fails the request at once (`RetryTooLong`) instead of holding every send for minutes.
- `PerUserOrder` is a PTB update processor: updates of different users run concurrently, the
  updates of one user one after another in the order they arrived.
"""

from __future__ import annotations

import asyncio
import contextlib
import warnings
from collections.abc import Callable, Coroutine
from datetime import timedelta
from typing import Any

from aiolimiter import AsyncLimiter
from telegram import Update
from telegram.error import RetryAfter, TelegramError
from telegram.ext import AIORateLimiter, BaseUpdateProcessor

MAX_RETRY_WAIT = 30.0  # seconds: a 429 asking for longer fails the request
MAX_RETRIES = 2  # retries after a 429 (each waits retry_after + 0.1 s)
CHAT_BURST = 3  # messages a private chat may get at once before the 1/s pace applies
CHAT_RATE = 1.0  # messages a second per private chat
OVERALL_RATE = 30.0  # requests a second overall (Telegram's broadcast limit)
# The overall pace is kept in slices of 0.1 s (a burst of a tenth of the rate), not of one second:
# a one-second bucket lets a whole second's sends out at once after a pause, and the requests then
# arrive at Telegram bunched by network jitter, some beyond its limit (benchmarks/broadcast.py: 69
# 429s in 10,000 sends at 95% of the limit with a one-second bucket).
OVERALL_SLICE = 0.1
# What counts as a message in a chat (edits and callback answers are not paced per chat).
PACED = frozenset(
    {"sendMessage", "sendDocument", "sendPhoto", "sendMediaGroup", "copyMessage", "forwardMessage"}
)


class RetryTooLong(TelegramError):
    """Telegram asked us to wait longer than we are willing to (MAX_RETRY_WAIT)."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"Flood control: retry after {seconds:g} s, more than we wait")
        self.seconds = seconds


def retry_seconds(error: RetryAfter) -> float:
    """`retry_after` in seconds, whichever type PTB gives (int now, timedelta with PTB_TIMEDELTA)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        value = error.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def _private_chat(chat_id: object) -> int | None:
    with contextlib.suppress(TypeError, ValueError):
        number = int(chat_id)  # type: ignore[call-overload]
        return number if number > 0 else None
    return None


Callback = Callable[..., Coroutine[Any, Any, Any]]


class ChatRateLimiter(AIORateLimiter):
    def __init__(
        self,
        *,
        max_retries: int = MAX_RETRIES,
        max_wait: float = MAX_RETRY_WAIT,
        chat_burst: int = CHAT_BURST,
        chat_rate: float = CHAT_RATE,
        overall_rate: float = OVERALL_RATE,
    ) -> None:
        super().__init__(
            overall_max_rate=overall_rate * OVERALL_SLICE,
            overall_time_period=OVERALL_SLICE,
            max_retries=max_retries,
        )
        self.max_wait = max_wait
        self.chat_burst = chat_burst
        self.chat_rate = chat_rate
        self._chats: dict[int, AsyncLimiter] = {}

    def _chat_limiter(self, chat: int) -> AsyncLimiter:
        if len(self._chats) > 1024:  # forget chats whose bucket is full again, as AIORateLimiter does
            for key, limiter in list(self._chats.items()):
                if key != chat and limiter.has_capacity(limiter.max_rate):
                    del self._chats[key]
        if chat not in self._chats:
            self._chats[chat] = AsyncLimiter(self.chat_burst, self.chat_burst / self.chat_rate)
        return self._chats[chat]

    async def process_request(
        self,
        callback: Callback,
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> Any:
        async def bounded(*call_args: Any, **call_kwargs: Any) -> Any:
            try:
                return await callback(*call_args, **call_kwargs)
            except RetryAfter as exc:
                seconds = retry_seconds(exc)
                if seconds > self.max_wait:
                    raise RetryTooLong(seconds) from exc
                raise

        chat = _private_chat(data.get("chat_id")) if endpoint in PACED else None
        pace = self._chat_limiter(chat) if chat is not None and self.chat_rate else contextlib.nullcontext()
        async with pace:
            return await super().process_request(bounded, args, kwargs, endpoint, data, rate_limit_args)


class PerUserOrder(BaseUpdateProcessor):
    """Concurrent across users, in order for each user (an asyncio lock per user, FIFO)."""

    def __init__(self, max_concurrent_updates: int = 64) -> None:
        super().__init__(max_concurrent_updates)
        self._locks: dict[int, asyncio.Lock] = {}
        self._holders: dict[int, int] = {}

    async def process_update(self, update: object, coroutine: Any) -> None:
        user = update.effective_user if isinstance(update, Update) else None
        if user is None:
            await super().process_update(update, coroutine)
            return
        lock = self._locks.setdefault(user.id, asyncio.Lock())
        self._holders[user.id] = self._holders.get(user.id, 0) + 1
        try:
            # The user's lock is taken before the concurrency slot, so that a user with many
            # waiting updates does not hold slots that other users could use.
            async with lock:
                await super().process_update(update, coroutine)
        finally:
            self._holders[user.id] -= 1
            if not self._holders[user.id]:
                del self._holders[user.id], self._locks[user.id]

    async def do_process_update(self, update: object, coroutine: Any) -> None:
        await coroutine

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to close."""
