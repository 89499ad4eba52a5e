"""PTB's Application as our channel uses it: built from settings, commands published, logs kept clean.

- The Bot API base URL comes from JAPANMALL_TELEGRAM_API_URL (`<url>/bot<token>/<method>`,
  files from `<url>/file/bot<token>/<path>`).
- No JobQueue (reminders are rows in our database), no persistence, no ConversationHandler.
- Library logs: httpx logs every request URL at INFO, and the URL holds the bot token; a filter
  replaces the token. PTB logs whole updates (names, texts) at DEBUG; its loggers are held at
  INFO so that `japanmall -v` does not write what companies say into the log.
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING

from telegram import BotCommand
from telegram.error import TelegramError
from telegram.ext import Application, ApplicationBuilder

from conversations.vocab import LANGUAGES
from handlers.telegram_limits import ChatRateLimiter, PerUserOrder

if TYPE_CHECKING:
    from handlers.app import App

log = logging.getLogger(__name__)

COMMANDS = ("start", "help", "lang", "back", "cancel", "status", "apply", "check", "form")
ALLOWED_UPDATES = ["message", "callback_query", "my_chat_member"]
# setWebhook's secret_token: 1-256 characters of A-Z, a-z, 0-9, _ and -.
SECRET_FORM = re.compile(r"[A-Za-z0-9_-]{1,256}")


class RedactToken(logging.Filter):
    """Replace the bot token wherever a library puts it into a log record."""

    def __init__(self, token: str) -> None:
        super().__init__()
        self.token = token

    def filter(self, record: logging.LogRecord) -> bool:
        if self.token and self.token in record.getMessage():
            record.msg = record.getMessage().replace(self.token, "<token>")
            record.args = None
        return True


def keep_library_logs_clean(token: str) -> None:
    httpx_log = logging.getLogger("httpx")
    if not any(isinstance(f, RedactToken) and f.token == token for f in httpx_log.filters):
        httpx_log.addFilter(RedactToken(token))
    ptb_log = logging.getLogger("telegram")
    if ptb_log.getEffectiveLevel() < logging.INFO:
        ptb_log.setLevel(logging.INFO)


def check_settings(app: App) -> None:
    """What setWebhook would refuse, said at start-up in one line."""
    settings = app.settings
    if not settings.telegram_token:
        raise ValueError("JAPANMALL_TELEGRAM_TOKEN is not set")
    if settings.telegram_mode == "webhook":
        if not (settings.telegram_webhook_secret and settings.telegram_webhook_url):
            raise ValueError("webhook mode needs JAPANMALL_TELEGRAM_WEBHOOK_SECRET and _WEBHOOK_URL")
        if not SECRET_FORM.fullmatch(settings.telegram_webhook_secret):
            raise ValueError(
                "JAPANMALL_TELEGRAM_WEBHOOK_SECRET: 1-256 characters of A-Z, a-z, 0-9, _ and - only"
            )
        if not settings.telegram_webhook_url.startswith("https://"):
            log.warning("JAPANMALL_TELEGRAM_WEBHOOK_URL is not https: Telegram accepts only https webhooks")


def build_application(app: App, *, polling: bool, limiter: ChatRateLimiter | None = None) -> Application:
    token = app.settings.telegram_token or ""
    keep_library_logs_clean(token)
    api = app.settings.telegram_api_url.rstrip("/")
    builder = (
        ApplicationBuilder()
        .token(token)
        .base_url(f"{api}/bot")
        .base_file_url(f"{api}/file/bot")
        .rate_limiter(limiter or ChatRateLimiter())
        .concurrent_updates(PerUserOrder())
        .job_queue(None)
    )
    if not polling:
        builder = builder.updater(None)
    return builder.build()


async def publish_commands(app: App, application: Application) -> None:
    """setMyCommands in Japanese, in Chinese, and both together for any other language."""
    texts = app.texts

    def described(lang: str) -> list[BotCommand]:
        return [BotCommand(name, texts.render(lang, f"telegram.commands.{name}")) for name in COMMANDS]

    bilingual = [
        BotCommand(ja.command, f"{ja.description} / {zh.description}"[:256])
        for ja, zh in zip(described("ja"), described("zh"), strict=True)
    ]
    try:
        await application.bot.set_my_commands(bilingual)
        for lang in LANGUAGES:
            await application.bot.set_my_commands(described(lang), language_code=lang)
    except TelegramError:
        log.exception("telegram: could not publish the command list (the bot works without it)")
