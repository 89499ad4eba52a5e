"""The WeChat Official Account channel: `GET/POST /wechat`, plain and safe (AES) mode.

Only translation and sending live here (docs/architecture.md): the request is checked (size → 413, signature →
403, a stale timestamp or a replayed timestamp+nonce with another body → 403, a plain request when
the AES key is set → 403, AppId in safe mode → 403, body → 400, a user id no platform sends → 400,
a client gone mid-body → 499; never a 500 for what a client sends), turned into an
Inbound with its message key (wechat_inbound), run through the core on the StepRunner, and the
reply rendered as text parts (wechat_render). The first part is the passive reply; the rest go
as customer-service messages (wechat_out) once the response is out. If the core has not answered
within the budget (4 s of WeChat's 5), the answer is `success` and the whole reply follows by
customer service; wechat_modes makes sure a retry of the same message never delivers it twice.
Staff commands are taken over WeChat only in safe mode: in plain mode the body is not signed, so a
staff account's message is answered with `wechat.staff_safe_mode` and never reaches the core.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

from sqlalchemy import Connection
from starlette.requests import ClientDisconnect, Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import BaseRoute, Route
from wechatpy.crypto import WeChatCrypto
from wechatpy.messages import BaseMessage

from conversations import FileRef, Inbound, Reply, UserKey
from conversations.vocab import LANGUAGES
from handlers import wechat_inbound as inbound_
from handlers.app import App
from handlers.wechat_modes import CUSTOMER_SERVICE, PASSIVE, InFlight, ReplyModes
from handlers.wechat_out import WeChatOutbound, outbound
from handlers.wechat_render import reply_parts
from handlers.wechat_request import Replayed, ReplayGuard, fresh, open_message, read_body, signed
from handlers.wechat_xml import MalformedMessage, text_reply
from storage import channel_users, health, storable
from storage.runner import StepRunner

log = logging.getLogger(__name__)

CHANNEL = "wechat"
MAX_BODY = 64 * 1024
BUDGET = 4.0  # seconds of WeChat's 5 before we answer `success` and follow up by customer service
SWEEP_EVERY = 60.0
SUCCESS = "success"


def _plain(status: int, text: str) -> PlainTextResponse:
    return PlainTextResponse(text, status_code=status)


class WeChatChannel:
    name = CHANNEL

    def __init__(
        self,
        app: App,
        runner: StepRunner,
        *,
        budget: float = BUDGET,
        max_body: int = MAX_BODY,
        out: WeChatOutbound | None = None,
        sweep_every: float = SWEEP_EVERY,
        wall: Callable[[], float] = time.time,
    ) -> None:
        settings = app.settings
        if not settings.wechat_token:
            raise ValueError("JAPANMALL_WECHAT_TOKEN is not set")
        self.app = app
        self.runner = runner
        self.token = settings.wechat_token
        self.crypto = (
            WeChatCrypto(settings.wechat_token, settings.wechat_aes_key, settings.wechat_app_id)
            if settings.wechat_aes_key
            else None
        )
        self.budget = budget
        self.max_body = max_body
        self.out = out or outbound(app)
        self.modes = ReplyModes(app.engine, app.services.clock)
        self.wall = wall  # the server's real clock: WeChat's timestamps are real time
        self.replays = ReplayGuard(app.engine, wall)
        self.sweep_every = sweep_every
        self._tasks: set[asyncio.Task[Any]] = set()
        self._sweeper: asyncio.Task[None] | None = None

    # -- the Channel protocol ----------------------------------------------------------------------
    def routes(self) -> list[BaseRoute]:
        return [
            Route("/wechat", self.verify, methods=["GET"]),
            Route("/wechat", self.receive, methods=["POST"]),
        ]

    async def start(self) -> None:
        if not self.app.settings.public_url:
            log.warning("JAPANMALL_PUBLIC_URL is not set: document links on WeChat are shown as paths")
        if not self.out.configured:
            log.warning("WeChat app id/secret not set: long replies are cut and late answers are lost")
        self._sweeper = asyncio.create_task(self._sweep_forever())

    async def stop(self) -> None:
        if self._sweeper is not None:
            self._sweeper.cancel()
        if self._tasks:
            await asyncio.wait(list(self._tasks), timeout=15)

    @property
    def sending(self) -> int:
        """Background sends still running (tests wait for none)."""
        return len(self._tasks)

    # -- HTTP ----------------------------------------------------------------------------------------
    async def verify(self, request: Request) -> Response:
        """The URL check of the admin console: a signed GET with `echostr`, answered with it."""
        if not signed(self.token, request.query_params):
            return _plain(403, "invalid signature")
        echostr = request.query_params.get("echostr")
        return _plain(200, echostr) if echostr else _plain(400, "echostr missing")

    async def receive(self, request: Request) -> Response:
        started = asyncio.get_running_loop().time()
        try:
            body = await read_body(request, self.max_body)
        except ClientDisconnect:
            log.info("wechat client went away before its body was read", extra={"channel": CHANNEL})
            return _plain(499, "client closed request")
        if body is None:
            return _plain(413, "body too large")
        query = request.query_params
        if not signed(self.token, query):
            return _plain(403, "invalid signature")
        if not fresh(query, self.wall()):
            log.warning("wechat request with a stale timestamp refused", extra={"channel": CHANNEL})
            return _plain(403, "stale timestamp")
        encrypted = query.get("encrypt_type", "raw").lower() == "aes"
        if self.crypto is not None and not encrypted:
            log.warning(
                "wechat plain-mode request refused: safe mode is configured", extra={"channel": CHANNEL}
            )
            return _plain(403, "safe mode required")
        try:
            message = open_message(body, query, self.crypto, encrypted)
            openid = storable.user_id(message.source)
        except PermissionError as exc:
            return _plain(403, str(exc))
        except (MalformedMessage, storable.NotStorable) as exc:
            log.info("malformed wechat body", extra={"reason": str(exc)[:80]})
            return _plain(400, "malformed message")
        seal = (query, body)
        try:
            if not encrypted and (CHANNEL, openid) in self.app.services.staff:
                await self.runner.run(self._admit, seal)
                log.warning("wechat staff account in plain mode: not taken", extra={"channel": CHANNEL})
                texts = self.app.texts
                text: str | None = "\n\n".join(
                    texts.render(lang, "wechat.staff_safe_mode") for lang in LANGUAGES
                )
            else:
                text = await self._answer(message, started, seal)
            if text is None:
                return _plain(200, SUCCESS)
            xml = text_reply(message, text)
            if encrypted:
                assert self.crypto is not None
                xml = self.crypto.encrypt_message(xml, query.get("nonce", ""), query.get("timestamp"))
        except Replayed:
            log.warning(
                "wechat timestamp and nonce replayed with another body: refused", extra={"channel": CHANNEL}
            )
            return _plain(403, "replayed request")
        except Exception:
            log.exception("wechat message could not be handled")
            return _plain(503, "try again")
        return Response(xml, media_type="application/xml")

    # -- answering -----------------------------------------------------------------------------------
    def _admit(self, seal: tuple[Any, bytes]) -> None:
        """On the StepRunner: the replay check (wechat_request.ReplayGuard); Replayed if refused.
        A database that cannot be written lets the request through: the step cannot write either,
        and apologises (storage/health.py says it once)."""
        try:
            admitted = self.replays.admit(*seal)
        except Exception as exc:
            if not health.step_failed(exc):
                raise
            return
        if not admitted:
            raise Replayed("timestamp and nonce replayed")

    async def _answer(self, message: BaseMessage, started: float, seal: tuple[Any, bytes]) -> str | None:
        """The passive reply's text, or None for `success`. Raises Replayed for a replayed request."""
        translated = inbound_.translate(message, self.app.registry)
        openid = message.source
        if translated.action != inbound_.STEP:
            await self.runner.run(self._admit, seal)
        if translated.action == inbound_.UNSUBSCRIBE:
            await self.runner.run(self._set_subscribed, openid, False)
            log.info("wechat user unsubscribed", extra={"channel": CHANNEL})
            return None
        if translated.action == inbound_.IGNORE:
            return None
        if translated.action == inbound_.UNSUPPORTED:
            return await self.runner.run(self._unsupported_text, openid)
        assert translated.inbound is not None and translated.message_key is not None
        inbound = translated.inbound
        if translated.media_id and self.out.configured:
            inbound = await self._with_download(inbound, translated.media_id, started)
        loop = asyncio.get_running_loop()
        flight = InFlight()
        work = self.runner.submit(
            self._step, flight, openid, inbound, translated.message_key, translated.subscribe, seal
        )
        remaining = max(0.0, self.budget - (loop.time() - started))
        await asyncio.wait((work,), timeout=remaining)  # leaves `work` running when time is up
        if not work.done() and flight.give_up():
            self._spawn(self._after_success(work, openid, translated))
            log.warning("wechat step over budget: answering success", extra={"channel": CHANNEL})
            return None
        reply, mode = await work
        parts = self._parts(reply, translated)
        key = translated.message_key
        if mode == PASSIVE:
            if len(parts) > 1:
                self._spawn(self._send_parts(openid, parts[1:], key))
            return parts[0] if parts else None
        if mode == CUSTOMER_SERVICE:
            self._spawn(self._send_parts(openid, parts, key))
        return None

    def _step(
        self,
        flight: InFlight,
        openid: str,
        inbound: Inbound,
        message_key: str,
        subscribe: bool,
        seal: tuple[Any, bytes],
    ) -> tuple[Reply, str]:
        """On the StepRunner: the core's step with the replay check (and a follow's subscription)
        first in its transaction, one commit for all; then the mode this request acts on."""
        refuse_replayed = self.replays.refuse_replayed(*seal)

        def admit(conn: Connection) -> None:
            refuse_replayed(conn)
            if subscribe:
                channel_users.set_subscribed(conn, CHANNEL, openid, True)

        key = UserKey(CHANNEL, openid)
        reply = self.app.dialog.handle(key, inbound, message_key=message_key, admit=admit)
        abandoned = flight.arrived(reply)
        mode = self.modes.settle(
            message_key, duplicate=reply.duplicate, abandoned=abandoned, follow_up=self.out.configured
        )
        return reply, mode

    def _parts(self, reply: Reply, translated: inbound_.Translated) -> list[str]:
        prefix = [self.app.texts.render(reply.language, "wechat.subscribed")] if translated.subscribe else []
        return reply_parts(reply.messages, self.app.settings.public_url, prefix)

    async def _after_success(
        self, work: asyncio.Future[Any], openid: str, translated: inbound_.Translated
    ) -> None:
        try:
            reply, mode = await work
        except Replayed:
            log.warning(
                "wechat timestamp and nonce replayed with another body: refused", extra={"channel": CHANNEL}
            )
            return
        if mode == CUSTOMER_SERVICE:
            await self._send_parts(openid, self._parts(reply, translated), translated.message_key or "")

    async def _send_parts(self, openid: str, parts: list[str], message_key: str) -> None:
        outcome = await self.runner.io(
            self.out.send_parts,
            openid,
            parts,
            kind="reply_cs",
            dedup_key=storable.key(f"wechat:reply:{message_key}"),
        )
        if outcome.status not in ("sent", "queued") and not outcome.duplicate:  # queued: the sender has it
            log.warning(
                "wechat reply parts not sent", extra={"outcome": outcome.status, "error": outcome.error}
            )

    async def _with_download(self, inbound: Inbound, media_id: str, started: float) -> Inbound:
        """Fetch an image through media/get into files_dir while the budget allows; else keep the link."""
        assert inbound.file is not None
        loop = asyncio.get_running_loop()
        allowed = self.budget / 2 - (loop.time() - started)
        directory = Path(self.app.settings.files_dir) / CHANNEL
        try:
            fetched = await asyncio.wait_for(
                self.runner.io(self.out.download_media, media_id, directory, inbound.file.name),
                max(0.1, allowed),
            )
        except TimeoutError:
            fetched = None
        if fetched is None:
            return inbound
        path, size, mime = fetched
        file = FileRef(
            inbound.file.name, str(path), inbound.file.url, mime or inbound.file.mime, size, media_id
        )
        return Inbound(file=file)

    # -- small database work (on the StepRunner) ---------------------------------------------------
    def _set_subscribed(self, openid: str, subscribed: bool) -> None:
        with self.app.engine.begin() as conn:
            channel_users.set_subscribed(conn, CHANNEL, openid, subscribed)

    def _unsupported_text(self, openid: str) -> str:
        with self.app.engine.begin() as conn:
            user = channel_users.find(conn, CHANNEL, openid)
        if user is not None and user.language:
            return self.app.texts.render(user.language, "wechat.unsupported")
        return "\n\n".join(self.app.texts.render(lang, "wechat.unsupported") for lang in LANGUAGES)

    # -- background work ---------------------------------------------------------------------------------
    def _spawn(self, coroutine: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._done)

    def _done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("wechat background send failed", exc_info=task.exception())

    async def _sweep_forever(self) -> None:
        """Every minute: send deliveries that waited for the user, drop old reply-mode marks."""
        while True:
            try:
                await self.runner.run(self.modes.purge)
                await self.runner.run(self.replays.purge)
                if self.out.configured:
                    await self.runner.io(self.out.send_open)
            except Exception:
                log.exception("wechat sweep failed")
            await asyncio.sleep(self.sweep_every)
