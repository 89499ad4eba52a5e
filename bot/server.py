"""The ASGI application of `japanmall serve`: channels' webhooks, /healthz, /files, their lifecycles.

A channel (handlers/) gives routes and start/stop hooks; the server owns nothing
platform-specific. The outbox's one sender (handlers/sender.py) starts after the channels and
stops before them. Blocking core steps run in a StepRunner: one writer thread on SQLite (several
SQLite writers wait on each other's locks for seconds, docs/architecture.md), a pool on PostgreSQL; calls
to platform APIs run in its separate I/O pool so that they never hold up the writer.

Every request gets an id (X-Request-ID, taken from the proxy when it sends a sane one), carried
in every log line written while serving it, threads included; one log line per request says
method, path (never the query string: it carries signatures), status and duration. uvicorn
turns SIGTERM into a clean shutdown: no new connections, requests in flight finish, then the
channels stop (background sends finish) and the runner drains.
"""

from __future__ import annotations

import asyncio
import gc
import itertools
import logging
import os
import re
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, Protocol

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.logs import request_id
from bot.wiring import App
from handlers.sender import Sender
from storage import health
from storage.runner import StepRunner

log = logging.getLogger(__name__)
MAX_BODY = 1024 * 1024  # any route; the WeChat route holds its own 64 KiB limit
# routes that take more and check their own, lower, limit (answering in the staff member's words):
# the console's upload of e-mailed forms (staff_console/imports.py MAX_REQUEST)
LARGER_BODY = {"/staff/import/check": 32 * 1024 * 1024}
_REQUEST_ID = re.compile(r"[A-Za-z0-9._\-]{8,64}")


class Channel(Protocol):
    """What a channel adapter offers the server."""

    name: str

    def routes(self) -> list[BaseRoute]: ...

    async def start(self) -> None: ...

    async def stop(self) -> None: ...


def build_channels(app: App, runner: StepRunner) -> list[Channel]:
    """The channels that are configured (a channel is off without its token)."""
    channels: list[Channel] = []
    if app.settings.wechat_token:
        from handlers.wechat import WeChatChannel

        channels.append(WeChatChannel(app, runner))
    from handlers import telegram

    channels.extend(telegram.configured(app, runner))  # on when JAPANMALL_TELEGRAM_TOKEN is set
    return channels


_ID_PREFIX = os.urandom(4).hex()  # this process's (several workers share one log)
_ID_COUNTER = itertools.count(1)


def _new_request_id() -> str:
    """A request id unique across processes: a random prefix per process and a counter (ids need
    not be secret, and reading os.urandom for each request costs a system call on the hot path)."""
    return f"{_ID_PREFIX}{next(_ID_COUNTER):08x}"


class RequestContext:
    """Pure ASGI middleware: request id, a body-size cap by Content-Length, one log line per request."""

    def __init__(self, app: ASGIApp, max_body: int = MAX_BODY) -> None:
        self.app = app
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or ())
        given = headers.get(b"x-request-id", b"").decode("latin-1")
        rid = given if _REQUEST_ID.fullmatch(given) else _new_request_id()
        token = request_id.set(rid)
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", ()), (b"x-request-id", rid.encode())]
            await send(message)

        try:
            length = headers.get(b"content-length", b"")
            limit = LARGER_BODY.get(scope.get("path", ""), self.max_body)
            if length.isdigit() and int(length) > limit:
                response = JSONResponse({"error": "body too large"}, status_code=413)
                await response(scope, receive, send_with_id)
            else:
                await self.app(scope, receive, send_with_id)
        finally:
            log.info(
                "request",
                extra={
                    "method": scope.get("method"),
                    "path": scope.get("path"),
                    "status": status,
                    "ms": round((time.perf_counter() - started) * 1000, 1),
                },
            )
            request_id.reset(token)


def create_asgi(
    app: App,
    *,
    channels: list[Channel] | None = None,
    runner: StepRunner | None = None,
    reminders: bool | None = None,
) -> Starlette:
    """`reminders`: run the reminders' minute job (bot/scheduler.py); by default on when the
    channels come from the configuration (`japanmall serve`), off when a test gives its own."""
    from bot.scheduler import ReminderScheduler
    from handlers.files import file_routes

    runner = runner or StepRunner(app.engine)
    if reminders is None:
        reminders = channels is None
    channels = build_channels(app, runner) if channels is None else channels
    sender = build_sender(app, runner, channels)
    scheduler = ReminderScheduler(app, sender) if reminders else None

    probe = health.Probe(app.engine)

    async def healthz(_request: Request) -> JSONResponse:
        """The truth about the database (storage/health.py): 503 when it cannot be written."""
        result = await asyncio.to_thread(probe.check)  # not on the step runner: never queued behind a step
        body = result.to_json() | {"programme": app.programme.id, "channels": [c.name for c in channels]}
        return JSONResponse(body, status_code=200 if result.ok else 503)

    @asynccontextmanager
    async def lifespan(_asgi: Starlette) -> AsyncIterator[None]:
        for channel in channels:
            await channel.start()
        await sender.start()
        if scheduler is not None:
            await scheduler.start()
        # Everything built so far lives as long as the process: keep it out of the cyclic collector's
        # full passes, which otherwise stall every request for ~50 ms every few seconds under load.
        gc.collect()
        gc.freeze()
        log.info("server started", extra={"channels": ",".join(c.name for c in channels), "pid": os.getpid()})
        try:
            yield
        finally:
            if scheduler is not None:
                await scheduler.stop()
            try:
                await sender.stop()
            except Exception:
                log.exception("the sender did not stop cleanly")
            for channel in reversed(channels):
                try:
                    await channel.stop()
                except Exception:
                    log.exception("channel %s did not stop cleanly", channel.name)
            runner.close()
            log.info("server stopped cleanly", extra={"pid": os.getpid()})

    # The channels' webhooks first: Starlette tries routes in order, and they take nearly every request.
    routes: list[BaseRoute] = [route for channel in channels for route in channel.routes()]
    routes += [Route("/healthz", healthz, methods=["GET"]), *file_routes(app, runner)]
    routes.append(_staff_console(app, runner, sender))
    asgi = Starlette(routes=routes, lifespan=lifespan)
    asgi.state.app = app
    asgi.state.runner = runner
    asgi.state.channels = channels
    asgi.state.scheduler = scheduler
    asgi.state.sender = sender
    asgi.add_middleware(RequestContext)
    return asgi


def build_sender(app: App, runner: StepRunner, channels: list[Channel]) -> Sender:
    """The outbox's one sender (handlers/sender.py), on the running Telegram channel's bot; every
    part that writes rows (the core's steps, the channels, the console) is handed its `wake`."""
    from bot.outbound import transports
    from handlers.wechat_out import outbound

    telegram = next((c.outbox for c in channels if getattr(c, "outbox", None) is not None), None)
    sender = Sender(app.engine, app.services.clock, runner, transports(app, runner, telegram=telegram))
    app.services.wake = sender.wake
    outbound(app).wake = sender.wake
    for channel in channels:
        if hasattr(channel, "wake"):
            channel.wake = sender.wake  # type: ignore[attr-defined]
    return sender


def _staff_console(app: App, runner: StepRunner, sender: Sender) -> BaseRoute:
    """The staff console under /staff/ (staff_console/), handed what it needs."""
    import staff_console
    from staff_console.actions import Actions

    return staff_console.mount(
        staff_console.Console(
            engine=app.engine,
            texts=app.texts,
            programme=app.programme,
            clock=app.services.clock,
            runner=runner,
            actions=Actions(app, runner, sender),
            files_dir=app.settings.files_dir,
            public_url=app.settings.public_url,
        )
    )


def asgi_from_environment() -> Starlette:
    """The factory each worker process of `japanmall serve --workers N` calls (schema already migrated)."""
    from bot.config import load_settings
    from bot.logs import configure_logging
    from bot.wiring import build_app

    configure_logging(os.environ.get("JAPANMALL_LOG_LEVEL", "INFO").upper())
    return create_asgi(build_app(load_settings(), migrate=False))


def run(app: App, host: str, port: int, *, workers: int = 1, log_level: str = "info") -> None:
    """Serve until SIGTERM/SIGINT; several workers re-create the app in each process."""
    import uvicorn

    options: dict[str, Any] = {
        "host": host,
        "port": port,
        "log_config": None,
        "access_log": False,
        "lifespan": "on",
        "timeout_graceful_shutdown": 10,
        "proxy_headers": True,
    }
    if workers > 1:
        os.environ["JAPANMALL_LOG_LEVEL"] = log_level
        uvicorn.run("bot.server:asgi_from_environment", factory=True, workers=workers, **options)
    else:
        uvicorn.run(create_asgi(app), **options)
