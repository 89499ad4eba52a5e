"""The ASGI application of `japanmall serve`: channels' webhooks, /healthz, and their lifecycles.

A channel (handlers/) gives routes and start/stop hooks; the server owns nothing
platform-specific. Blocking core steps run in a StepRunner: one writer thread on SQLite (several
SQLite writers wait on each other's locks for seconds, DESIGN.md), a pool on PostgreSQL.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from functools import partial
from typing import Any, Protocol, TypeVar

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Route

from bot.wiring import App

log = logging.getLogger(__name__)
T = TypeVar("T")


class StepRunner:
    """Runs blocking work (a core step, a database call) off the event loop."""

    def __init__(self, app: App, workers: int | None = None) -> None:
        if workers is None:
            workers = 1 if app.engine.dialect.name == "sqlite" else 8
        self.workers = workers
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="step")

    async def run(self, function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._pool, partial(function, *args, **kwargs))

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=False)


class Channel(Protocol):
    """What a channel adapter offers the server."""

    name: str

    def routes(self) -> list[BaseRoute]: ...

    async def start(self) -> None: ...

    async def stop(self) -> None: ...


def build_channels(app: App, runner: StepRunner) -> list[Channel]:
    """The channels that are configured (a channel is off without its token)."""
    channels: list[Channel] = []
    from handlers import telegram

    channels.extend(telegram.configured(app, runner))  # on when JAPANMALL_TELEGRAM_TOKEN is set
    return channels


def create_asgi(
    app: App, *, channels: list[Channel] | None = None, runner: StepRunner | None = None
) -> Starlette:
    runner = runner or StepRunner(app)
    channels = build_channels(app, runner) if channels is None else channels

    async def healthz(_request: Request) -> JSONResponse:
        def probe() -> None:
            with app.engine.connect() as conn:
                conn.exec_driver_sql("SELECT 1")

        try:
            await runner.run(probe)
        except Exception:
            log.exception("health check: database unreachable")
            return JSONResponse({"status": "error", "database": "unreachable"}, status_code=503)
        return JSONResponse(
            {"status": "ok", "programme": app.programme.id, "channels": [c.name for c in channels]}
        )

    @asynccontextmanager
    async def lifespan(_asgi: Starlette) -> AsyncIterator[None]:
        for channel in channels:
            await channel.start()
        try:
            yield
        finally:
            for channel in reversed(channels):
                try:
                    await channel.stop()
                except Exception:
                    log.exception("channel %s did not stop cleanly", channel.name)
            runner.close()

    routes: list[BaseRoute] = [Route("/healthz", healthz, methods=["GET"])]
    for channel in channels:
        routes.extend(channel.routes())
    asgi = Starlette(routes=routes, lifespan=lifespan)
    asgi.state.app = app
    asgi.state.runner = runner
    return asgi
