"""Delivering what was written into the outbox, from wherever it was written.

Everything the bot sends first is a `deliveries` row written with its cause (storage/deliveries.py);
the one sender (handlers/sender.py) delivers it. This module builds that sender's transports from
the settings and offers:

- `deliver(app, ids, sender=…)`: in `japanmall serve`, wake the server's sender and wait (a few
  seconds at most) for the rows' outcomes; in a command (`japanmall staff …`, `reminders run`),
  run a sender of its own until the rows are settled, then stop it. When a server runs, it holds
  the channels' leases, so the command's sender sends nothing and only waits for the server's.
- `Postman.send`: one message to one user, enqueued and delivered (reminders, broadcast reports).

Outcomes are storage/deliveries.OUTCOMES everywhere (queued, sending, sent, held, waiting,
blocked, unsubscribed, undeliverable, failed, unconfirmed).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from conversations import Outbound
from handlers.sender import Sender, Transport, Unconfigured
from storage import deliveries, telegram_store
from storage.runner import StepRunner

if TYPE_CHECKING:
    from telegram import Bot

    from bot.wiring import App

__all__ = [
    "NO_TELEGRAM",
    "Postman",
    "Sent",
    "deliver",
    "deliver_now",
    "local_sender",
    "transports",
]

NO_TELEGRAM = "the Telegram channel is not configured (JAPANMALL_TELEGRAM_TOKEN)"
WAIT_IN_COMMAND = 20.0  # seconds a command waits for its rows (retries after 2, 4, 8 s fit)


@dataclass(frozen=True)
class Sent:
    outcome: str
    delivery_id: int | None = None
    error: str | None = None
    duplicate: bool = False  # the key was written before: nothing new was sent


def telegram_remember(app: App, runner: StepRunner) -> Callable[[str, str | None, str], Any]:
    from handlers.telegram_render import callback_key

    async def remember(digest: str, step: str | None, value: str) -> None:
        pair = {"step": step, "value": value}
        now = app.services.clock()
        await runner.run(telegram_store.remember_value, app.engine, callback_key(digest), pair, now)

    return remember


def transports(
    app: App, runner: StepRunner, *, telegram_bot: Bot | None = None, telegram: Transport | None = None
) -> list[Transport]:
    """One transport per channel that the bot sends to; a channel without credentials fails its rows.
    `telegram`: the running channel's own (the server); `telegram_bot`: a bot to build one on."""
    from handlers.telegram_out import TelegramOutbox
    from handlers.wechat_out import outbound

    found: list[Transport] = []
    if telegram is not None:
        found.append(telegram)
    elif telegram_bot is not None:
        found.append(TelegramOutbox(telegram_bot, telegram_remember(app, runner), app.services.clock))
    else:
        found.append(Unconfigured("telegram", NO_TELEGRAM))
    # WeChat's transport even without credentials: a user outside the window waits without a
    # call, and a call that needs them fails saying which settings are missing.
    found.append(outbound(app).transport(runner))
    return found


@contextlib.asynccontextmanager
async def local_sender(
    app: App, runner: StepRunner | None = None, *, in_flight: int = 400
) -> AsyncIterator[Sender]:
    """A sender for a command that runs outside the server (its own bot, its own runner)."""
    own = runner is None
    runner = runner or StepRunner(app.engine)
    settings = app.settings
    try:
        async with contextlib.AsyncExitStack() as stack:
            bot = None
            if settings.telegram_token:
                from handlers.telegram_out import open_bot

                bot = await stack.enter_async_context(
                    open_bot(settings.telegram_token, settings.telegram_api_url)
                )
            found = transports(app, runner, telegram_bot=bot)
            sender = Sender(app.engine, app.services.clock, runner, found, in_flight=in_flight)
            await sender.start()
            try:
                yield sender
            finally:
                await sender.stop()
    finally:
        if own:
            runner.close()


async def deliver(
    app: App,
    ids: Sequence[int],
    *,
    sender: Sender | None = None,
    timeout: float | None = None,
    on_progress: Callable[[dict[int, str]], None] | None = None,
    in_flight: int = 400,
) -> dict[int, str]:
    """Deliver these rows (see the module's docstring); id -> outcome when done or out of time.
    `in_flight`: how many rows a command's own sender has claimed at most (what a kill may leave
    unconfirmed)."""
    if not ids:
        return {}
    poll = 0.1 if len(ids) < 100 else 0.5
    if sender is not None:
        sender.wake()
        return await sender.wait_for(ids, timeout=timeout or 3.0, poll=poll, on_progress=on_progress)
    async with local_sender(app, in_flight=in_flight) as local:
        return await local.wait_for(
            ids, timeout=timeout or WAIT_IN_COMMAND, poll=poll, on_progress=on_progress
        )


def deliver_now(app: App, ids: Sequence[int], **kwargs: Any) -> dict[int, str]:
    """The same from synchronous code (the `japanmall staff` commands)."""
    return asyncio.run(deliver(app, ids, **kwargs))


async def blocking(sender: Sender | None, function: Callable[..., Any], *args: Any) -> Any:
    """Database work from async code: on the server's runner (SQLite's one writer) when there is
    a server's sender, else in a thread of its own (a command: nothing else writes in it)."""
    if sender is not None:
        return await sender.runner.run(function, *args)
    return await asyncio.to_thread(function, *args)


def error_of(app: App, delivery_id: int) -> str | None:
    with app.engine.connect() as conn:
        found = deliveries.outcomes_of(conn, [delivery_id]).get(delivery_id)
    return found.error if found else None


class Postman:
    """One message to one user: enqueued, then delivered by `sender` (the server's) or a local one."""

    def __init__(self, app: App, *, sender: Sender | None = None) -> None:
        self.app = app
        self.sender = sender

    def language_of(self, user_id: int) -> str:
        from conversations.staff.actions import language_of

        with self.app.engine.connect() as conn:
            return language_of(conn, user_id)

    async def send(
        self,
        user_id: int,
        messages: Sequence[Outbound],
        *,
        kind: str,
        dedup_key: str | None = None,
        application_id: int | None = None,
        template: dict[str, Any] | None = None,
    ) -> Sent:
        def write() -> tuple[deliveries.DeliveryRow, bool]:
            with self.app.engine.begin() as conn:
                return deliveries.enqueue(
                    conn,
                    user_id=user_id,
                    kind=kind,
                    messages=[m.to_json() for m in messages],
                    now=self.app.services.clock(),
                    dedup_key=dedup_key,
                    application_id=application_id,
                    template=template,
                )

        row, new = await blocking(self.sender, write)
        if not new or row.outcome in deliveries.FINAL:
            return Sent(row.outcome, row.id, row.error, duplicate=not new)
        outcome = (await deliver(self.app, [row.id], sender=self.sender)).get(row.id, deliveries.QUEUED)
        return Sent(outcome, row.id, await blocking(self.sender, error_of, self.app, row.id))
