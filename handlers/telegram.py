"""The Telegram channel: python-telegram-bot carries updates in and messages out; our core decides.

PTB's Application runs with one handler that hands every update to `Dialog.handle` (no
ConversationHandler, no persistence: the state lives in our database, docs/architecture.md). Updates of
different users run concurrently, each user's in order (`PerUserOrder`); the core claims
"update:<update_id>" in the same transaction as the step, so an update delivered twice is
acted on and answered once.

Polling mode (JAPANMALL_TELEGRAM_MODE=polling, for development) runs PTB's Updater inside
`japanmall serve`. Webhook mode serves `POST /telegram`: a request without the right
`X-Telegram-Bot-Api-Secret-Token` gets 403. The step runs before the response, and its reply is
written into the outbox in the step's own transaction (Services.outbox_channels); the response
goes out as soon as that has committed, and the sender (handlers/sender.py) delivers the reply,
in order per chat, at the Bot API's pace. An update whose step did not commit is sent again by
Telegram (and not acted on twice).
The webhook is registered, with its secret, when the server starts.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route
from telegram import Update
from telegram.error import Forbidden, TelegramError
from telegram.ext import ContextTypes, TypeHandler

from conversations import Inbound, Outbound, UserKey, normalise_language
from conversations.vocab import LANGUAGES
from handlers import telegram_files as files
from handlers.telegram_app import ALLOWED_UPDATES, build_application, check_settings, publish_commands
from handlers.telegram_limits import ChatRateLimiter
from handlers.telegram_out import CHANNEL, TelegramOutbox
from handlers.telegram_render import callback_key, decode_callback, send_outbound
from storage import telegram_store as store

if TYPE_CHECKING:
    from handlers.app import App
    from storage.runner import StepRunner

log = logging.getLogger(__name__)

MAX_BODY = 1024 * 1024  # an update is a few KiB; anything this large is not from Telegram
STALE_STEP = "telegram.unknown_button"  # a button whose data we cannot read: the core calls it stale


def _has_update_id(data: object) -> bool:
    return isinstance(data, dict) and type(data.get("update_id")) is int


def _text(value: object) -> str | None:
    """A field that should be text: PTB does not check JSON types, so a number or a list is None."""
    return value if isinstance(value, str) else None


def read_update(body: bytes, bot: Any) -> Update | None:
    """A webhook body as an Update, or None for anything that is not one (answered 400, never 500).

    JSON nested deeper than Python's recursion limit, numbers of 5,000 digits, wrong types inside:
    all are "not an update"."""
    try:
        data = json.loads(body)
        return Update.de_json(data, bot) if _has_update_id(data) else None
    except Exception:  # whatever a client sends
        return None


class TelegramChannel:
    name = CHANNEL

    def __init__(
        self,
        app: App,
        runner: StepRunner,
        *,
        limiter: ChatRateLimiter | None = None,
        poll_timeout: float = 10.0,
        file_limit: int = files.MAX_FILE_BYTES,
    ) -> None:
        check_settings(app)
        self.app = app
        self.runner = runner
        self.webhook = app.settings.telegram_mode == "webhook"
        self.poll_timeout = poll_timeout
        self.file_limit = file_limit
        self._tasks: set[asyncio.Task[Any]] = set()
        self.application = build_application(app, polling=not self.webhook, limiter=limiter)
        self.application.add_handler(TypeHandler(Update, self._on_update))
        self.application.add_error_handler(self._on_error)
        self.outbox = TelegramOutbox(self.application.bot, self.remember, app.services.clock)
        self.wake: Any = lambda: None  # the server's sender (handlers/sender.Sender.wake)

    # -- the server's side: routes and lifecycle ---------------------------------------------
    def routes(self) -> list[BaseRoute]:
        return [Route("/telegram", self._webhook, methods=["POST"])] if self.webhook else []

    async def start(self) -> None:
        application, settings = self.application, self.app.settings
        await application.initialize()  # getMe: a wrong token or API URL stops start-up here
        await publish_commands(self.app, application)
        if self.webhook:
            await application.bot.set_webhook(
                settings.telegram_webhook_url or "",
                secret_token=settings.telegram_webhook_secret,
                allowed_updates=ALLOWED_UPDATES,
            )
        else:
            assert application.updater is not None
            await application.updater.start_polling(
                timeout=self.poll_timeout, allowed_updates=ALLOWED_UPDATES, bootstrap_retries=3
            )
        await application.start()
        log.info("telegram channel started (%s)", "webhook" if self.webhook else "polling")

    async def stop(self) -> None:
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
        application = self.application
        if application.updater is not None and application.updater.running:
            await application.updater.stop()
        if application.running:
            await application.stop()
        await application.shutdown()

    async def remember(self, digest: str, step: str | None, value: str) -> None:
        """Keep a long button's (step, value) where every process can read it back."""
        now = self.app.services.clock()
        pair = {"step": step, "value": value}
        await self.runner.run(store.remember_value, self.app.engine, callback_key(digest), pair, now)

    async def mark_blocked(self, channel_user_id: str) -> None:
        now = self.app.services.clock()
        await self.runner.run(store.mark_blocked, self.app.engine, CHANNEL, channel_user_id, now)
        log.info("telegram user marked as having blocked the bot", extra={"user_ref": channel_user_id})

    async def _webhook(self, request: Request) -> Response:
        secret = (self.app.settings.telegram_webhook_secret or "").encode()
        given = request.headers.get("x-telegram-bot-api-secret-token", "").encode()
        if not hmac.compare_digest(given, secret):
            log.warning("telegram webhook: request without the right secret refused")
            return Response(status_code=403)
        length = request.headers.get("content-length", "")
        if length.isascii() and length.isdigit() and int(length) > MAX_BODY:
            return Response(status_code=413)
        body = b""
        async for chunk in request.stream():
            body += chunk
            if len(body) > MAX_BODY:
                return Response(status_code=413)
        update = read_update(body, self.application.bot)
        if update is None:
            return JSONResponse({"error": "not a Telegram update"}, status_code=400)
        # The step commits before we answer (its reply is in the outbox); what is not answered is
        # sent again by Telegram and then seen as a repeat.
        processor = self.application.update_processor
        await processor.process_update(update, self.application.process_update(update))
        return Response(status_code=200)

    # -- one update ---------------------------------------------------------------------------
    async def _on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        update_id = update.update_id if isinstance(update, Update) else None
        log.error("telegram update %s failed", update_id, exc_info=context.error)

    async def _on_update(self, update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        user, chat = update.effective_user, update.effective_chat
        # Ids are numbers in every update Telegram sends; anything else is not from Telegram.
        if user is None or type(user.id) is not int or chat is None or type(chat.id) is not int:
            return
        if update.my_chat_member is not None:
            if (
                user is not None
                and getattr(update.my_chat_member.new_chat_member, "status", None) == "kicked"
            ):
                await self.mark_blocked(str(user.id))
            return
        if chat.type != "private":
            return  # the bot talks to companies in private chats only
        key = UserKey(CHANNEL, str(user.id))
        hint = _text(user.language_code)
        message_key = f"update:{update.update_id}"
        if update.callback_query is not None:
            inbound = await self._tap(update)
        elif update.message is not None:
            inbound = await self._message(update, key, hint, message_key)
        else:
            return
        if inbound is None:
            return
        reply = await self.runner.run(self.app.dialog.handle, key, inbound, message_key=message_key)
        if reply.duplicate:
            log.info("telegram update %s seen before: not answered again", update.update_id)
            return
        query = update.callback_query
        if query is not None and query.message is not None:
            self._spawn(self._drop_keyboard(chat.id, query.message.message_id))
        if reply.user_id is None:  # the core's apology (a step that failed): not in the outbox
            await self._deliver(chat.id, key, reply.messages)
        else:
            self.wake()

    def _spawn(self, work: Any) -> None:
        task = asyncio.get_running_loop().create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _drop_keyboard(self, chat_id: int, message_id: int) -> None:
        with contextlib.suppress(TelegramError):  # BadRequest: it has no keyboard any more
            await self.application.bot.edit_message_reply_markup(chat_id, message_id, reply_markup=None)

    async def _tap(self, update: Update) -> Inbound:
        query = update.callback_query
        assert query is not None
        with contextlib.suppress(TelegramError):  # too old to answer: the reply still follows
            await query.answer()
        hint = _text(update.effective_user.language_code) if update.effective_user else None
        decoded = decode_callback(_text(query.data) or "")
        if isinstance(decoded, str):
            pair = await self.runner.run(store.recall_value, self.app.engine, callback_key(decoded))
            if not pair:
                log.warning("telegram: a button whose data is not known (%s)", decoded[:12])
                return Inbound(option=decoded, option_step=STALE_STEP, language_hint=hint)
            decoded = (pair.get("step"), pair["value"])
        step, value = decoded
        return Inbound(option=value, option_step=step, language_hint=hint)

    async def _message(
        self, update: Update, key: UserKey, hint: str | None, message_key: str
    ) -> Inbound | None:
        message = update.message
        assert message is not None
        try:
            item = files.incoming(message)
        except (TypeError, ValueError, AttributeError):  # sizes or names of the wrong JSON type
            item = None
        if item is not None and not (isinstance(item.file_id, str) and item.file_id):
            item = None
        if item is None:
            if _text(message.text) is not None:
                return Inbound(text=message.text, language_hint=hint)
            await self._answer_here(key, hint, message_key, "telegram.unsupported")
            return None
        if await self.runner.run(store.seen, self.app.engine, CHANNEL, message_key):
            return None  # a repeat: do not fetch the file again
        folder = Path(self.app.settings.files_dir) / "telegram" / key.user
        try:
            ref = await files.download(self.application.bot, item, folder, self.file_limit)
        except files.FileTooLarge as big:
            await self._answer_here(
                key,
                hint,
                message_key,
                "telegram.file_too_large",
                size_mb=f"{big.size / 1024 / 1024:.1f}",
                limit_mb=f"{self.file_limit / 1024 / 1024:g}",
            )
            return None
        except (TelegramError, OSError, TypeError, ValueError, AttributeError) as error:  # said plainly
            log.warning("telegram: file of update %s not fetched: %s", update.update_id, error)
            await self._answer_here(key, hint, None, "telegram.file_failed")
            return None
        return Inbound(text=_text(message.caption) or "", file=ref, language_hint=hint)

    async def _answer_here(
        self,
        key: UserKey,
        hint: str | None,
        message_key: str | None,
        text_key: str,
        **variables: Any,
    ) -> None:
        """Answer without the core (a file we cannot take): in the user's language, once per update,
        through the outbox like the core's replies (in order with them)."""
        language = await self.runner.run(store.user_language, self.app.engine, CHANNEL, key.user)
        language = language or normalise_language(hint)
        texts = self.app.texts
        if language is None:
            text = "\n\n".join(texts.render(lang, text_key, **variables) for lang in LANGUAGES)
        else:
            text = texts.render(language, text_key, **variables)
        payload = {"language": language or "ja", "messages": [Outbound(text).to_json()]}
        now = self.app.services.clock()
        if await self.runner.run(
            store.queue_local_reply, self.app.engine, CHANNEL, key.user, message_key, payload, now
        ):
            self.wake()  # the sender sends it after the chat's earlier replies

    async def _deliver(
        self, chat_id: int, key: UserKey, messages: tuple[Outbound, ...] | list[Outbound]
    ) -> None:
        try:
            for message in messages:
                await send_outbound(self.application.bot, chat_id, message, self.remember)
        except Forbidden:
            await self.mark_blocked(key.user)
        except (TelegramError, OSError):
            log.exception("telegram: reply to user %s not delivered", key.user)


def configured(app: App, runner: StepRunner) -> list[TelegramChannel]:
    """The Telegram channel when JAPANMALL_TELEGRAM_TOKEN is set (for bot/server.py)."""
    return [TelegramChannel(app, runner)] if app.settings.telegram_token else []
