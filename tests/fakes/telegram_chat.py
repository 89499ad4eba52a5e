"""A Telegram user talking to our server over real HTTP, for transcripts (tests/transcript.py).

`serving(app, fake, mode=...)` runs `japanmall serve`'s ASGI app with the Telegram channel under
uvicorn on a free port, the channel pointed at the fake Bot API. `TelegramChat` sends updates as
Telegram's webhook would (POST /telegram with the secret; the answer is complete when the POST
returns) and reads back what the bot sent to the fake: `send(text) -> str`, `tap(value) -> str`,
rendered like the console (text, then options numbered).
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import httpx

from bot.server import create_asgi
from bot.wiring import App
from handlers.telegram import TelegramChannel
from handlers.telegram_render import callback_key, decode_callback
from storage import telegram_store
from storage.runner import StepRunner
from tests.fakes.telegram_api import TOKEN, FakeTelegram
from tests.fakes.telegram_http import UvicornThread

SECRET = "webhook-secret-for-tests"
_message_ids = itertools.count(10_000)


def telegram_user(user_id: int, language_code: str | None) -> dict[str, Any]:
    user: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": "Tester"}
    if language_code is not None:
        user["language_code"] = language_code
    return user


def message_update(fake: FakeTelegram, user_id: int, language_code: str | None, **content: Any) -> dict:
    text = content.get("text", "")
    if text.startswith("/"):
        content["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
    return {
        "update_id": fake.next_update_id(),
        "message": {
            "message_id": next(_message_ids),
            "date": int(time.time()),
            "chat": {"id": user_id, "type": "private", "first_name": "Tester"},
            "from": telegram_user(user_id, language_code),
            **content,
        },
    }


def callback_update(
    fake: FakeTelegram, user_id: int, language_code: str | None, data: str, message: dict
) -> dict:
    return {
        "update_id": fake.next_update_id(),
        "callback_query": {
            "id": f"cq-{next(_message_ids)}",
            "from": telegram_user(user_id, language_code),
            "chat_instance": "ci-1",
            "data": data,
            "message": message,
        },
    }


def point_at(app: App, fake: FakeTelegram, mode: str) -> None:
    """Settings as JAPANMALL_TELEGRAM_* would give them, aimed at the fake Bot API."""
    app.settings = app.settings.model_copy(
        update={
            "telegram_token": TOKEN,
            "telegram_api_url": fake.url,
            "telegram_mode": mode,
            "telegram_webhook_secret": SECRET if mode == "webhook" else None,
            "telegram_webhook_url": "https://bot.example.jp/telegram" if mode == "webhook" else None,
        }
    )


@dataclass
class Served:
    url: str
    channel: TelegramChannel


@contextmanager
def serving(
    app: App, fake: FakeTelegram, *, mode: str = "webhook", **channel_options: Any
) -> Iterator[Served]:
    point_at(app, fake, mode)
    runner = StepRunner(app.engine)
    channel = TelegramChannel(app, runner, poll_timeout=1.0, **channel_options)
    server = UvicornThread(create_asgi(app, channels=[channel], runner=runner))
    url = server.start()
    try:
        yield Served(url, channel)
    finally:
        server.stop()


def settled(engine, channel_user_id: str, timeout: float = 15.0) -> None:
    """Wait until the outbox holds nothing queued or being sent for this Telegram user (the
    webhook answers once the step commits; its replies follow through the sender)."""
    from sqlalchemy import select

    from storage.models import Delivery, User

    query = (
        select(Delivery.id)
        .join(User, User.id == Delivery.user_id)
        .where(
            User.channel == "telegram",
            User.channel_user_id == channel_user_id,
            Delivery.outcome.in_(("queued", "sending")),
        )
        .limit(1)
    )
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with engine.connect() as conn:
            if conn.execute(query).first() is None:
                return
        time.sleep(0.02)
    raise AssertionError(f"the replies to {channel_user_id} were not delivered within {timeout} s")


class TelegramChat:
    """One Telegram user on the webhook path.

    With `buttons=True`, a transcript line that names an option of the keyboard on screen (its
    number as shown, or its label) is a tap on that button; anything else is typed.
    """

    def __init__(
        self,
        app: App,
        fake: FakeTelegram,
        url: str,
        *,
        user_id: int = 5001,
        language_code: str | None = "ja",
        buttons: bool = False,
    ) -> None:
        self.app = app
        self.fake = fake
        self.user_id = user_id
        self.language_code = language_code
        self.buttons = buttons
        self.client = httpx.Client(base_url=url, timeout=30)
        self.keyboard: tuple[dict, list[dict]] | None = None  # (the message, its buttons)
        self.taps = 0

    def post(self, update: dict, secret: str | None = SECRET) -> httpx.Response:
        headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret is not None else {}
        return self.client.post("/telegram", json=update, headers=headers)

    def exchange(self, update: dict) -> str:
        mark = len(self.fake.calls)
        response = self.post(update)
        assert response.status_code == 200, response.text
        settled(self.app.engine, str(self.user_id))
        return self.read(mark)

    def read(self, since: int) -> str:
        """What the bot sent this user since call number `since`, rendered like the console."""
        lines: list[str] = []
        keyboard = None
        for call in self.fake.calls[since:]:
            if call.status != 200 or call.params.get("chat_id") != self.user_id:
                continue
            if call.method == "sendMessage":
                lines.append(call.params["text"])
                rows = (call.params.get("reply_markup") or {}).get("inline_keyboard", [])
                buttons = [row[0] for row in rows]
                lines += [f"  {number}. {button['text']}" for number, button in enumerate(buttons, 1)]
                keyboard = (call.result, buttons) if buttons else None
            elif call.method == "sendDocument":
                lines.append(f"  [{call.result['document']['file_name']}]")
        if lines:
            self.keyboard = keyboard
        return "\n".join(lines)

    def send(self, text: str) -> str:
        if self.buttons and self.keyboard is not None:
            labels = [button["text"] for button in self.keyboard[1]]
            shown = str(len(labels))
            if text.isdigit() and 1 <= int(text) <= len(labels) and len(text) <= len(shown):
                return self.press(int(text) - 1)
            if text in labels:
                return self.press(labels.index(text))
        return self.exchange(message_update(self.fake, self.user_id, self.language_code, text=text))

    def press(self, index: int, keyboard: tuple[dict, list[dict]] | None = None) -> str:
        message, buttons = keyboard or self.keyboard or ({}, [])
        self.taps += 1
        data = buttons[index]["callback_data"]
        return self.exchange(callback_update(self.fake, self.user_id, self.language_code, data, message))

    def value_of(self, data: str) -> str:
        decoded = decode_callback(data)
        if isinstance(decoded, str):
            return telegram_store.recall_value(self.app.engine, callback_key(decoded))["value"]
        return decoded[1]

    def tap(self, value: str, keyboard: tuple[dict, list[dict]] | None = None) -> str:
        """Tap the button of that value on the last keyboard (or on an older one kept by the test)."""
        _message, buttons = keyboard or self.keyboard or ({}, [])
        values = [self.value_of(button["callback_data"]) for button in buttons]
        assert value in values, f"no button for {value!r} on the keyboard"
        return self.press(values.index(value), keyboard)
