"""Polling mode inside `japanmall serve`: PTB's Updater long-polls the fake Bot API's getUpdates."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time

import httpx
from sqlalchemy import select

from conversations import Form, Step
from handlers.telegram_limits import ChatRateLimiter
from storage import dialog
from storage.models import User
from tests.fakes.telegram_api import BOT_ID, TOKEN, FakeTelegram
from tests.fakes.telegram_chat import callback_update, message_update, serving, telegram_user

pytest_plugins = ["tests.telegram_fixtures"]


def said(fake: FakeTelegram, chat_id: int, text: str):
    return lambda: [c for c in fake.calls_of("sendMessage", chat_id=chat_id) if text in c.params["text"]]


def answers(app, user: int) -> dict:
    """The user's answers so far; only reads (creating the user here would race the bot's own
    first step for the same user, which PostgreSQL then reports as a duplicate key)."""
    with app.engine.connect() as conn:
        user_id = conn.execute(
            select(User.id).where(User.channel == "telegram", User.channel_user_id == str(user))
        ).scalar_one_or_none()
        state = dialog.load_state(conn, user_id) if user_id is not None else None
    return state.answers if state else {}


def test_polling_answers_text_and_buttons_and_confirms_what_it_fetched(app, fake):
    with serving(app, fake, mode="polling", limiter=ChatRateLimiter(chat_rate=0)) as served:
        assert fake.calls_of("deleteWebhook")  # polling needs the webhook off
        assert httpx.post(f"{served.url}/telegram", json={}).status_code == 404  # no webhook route
        fake.queue(message_update(fake, 6001, "ja", text="/start"))
        menu = fake.wait_for(said(fake, 6001, "ご用件をお選びください"))[-1]
        button = menu.params["reply_markup"]["inline_keyboard"][3][0]  # 応募状況を確認する
        last = callback_update(fake, 6001, "ja", button["callback_data"], menu.result)
        fake.queue(last)
        fake.wait_for(said(fake, 6001, "まだ応募はありません"))
        fake.wait_for(lambda: fake.calls_of("editMessageReplyMarkup", chat_id=6001))
    # On stopping, the Updater tells Telegram what it has fetched, so nothing comes twice.
    assert fake.calls_of("getUpdates")[-1].params["offset"] == last["update_id"] + 1


def test_each_users_updates_are_processed_in_order_while_users_run_side_by_side(app, fake):
    steps = [Step(name, "core.skip_hint") for name in ("one", "two", "three", "four")]
    app.registry.add_flow(Form(name="order", steps=steps))
    app.registry.add_command("order", lambda ctx, _args: ctx.go("order"))
    users = (6101, 6102, 6103)
    with serving(app, fake, mode="polling", limiter=ChatRateLimiter(chat_rate=0)):
        for user in users:  # all queued at once: PTB fetches them in one batch
            for text in ("/start", "/order", "a1", "a2", "a3", "a4"):
                fake.queue(message_update(fake, user, "ja", text=text))
        deadline = time.monotonic() + 20
        while any(len(answers(app, u)) < 4 for u in users) and time.monotonic() < deadline:
            time.sleep(0.05)
    for user in users:
        assert answers(app, user) == {"one": "a1", "two": "a2", "three": "a3", "four": "a4"}


def test_a_user_who_blocks_the_bot_is_marked(app, fake):
    with serving(app, fake, mode="polling", limiter=ChatRateLimiter(chat_rate=0)):
        fake.queue(message_update(fake, 6201, "ja", text="/start"))
        fake.wait_for(said(fake, 6201, "ご用件をお選びください"))
        bot = {"id": BOT_ID, "is_bot": True, "first_name": "JAPAN MALL"}
        fake.queue(
            {
                "update_id": fake.next_update_id(),
                "my_chat_member": {
                    "chat": {"id": 6201, "type": "private", "first_name": "Tester"},
                    "from": telegram_user(6201, "ja"),
                    "date": int(time.time()),
                    "old_chat_member": {"user": bot, "status": "member"},
                    "new_chat_member": {"user": bot, "status": "kicked", "until_date": 0},
                },
            }
        )

        def blocked():
            with app.engine.connect() as conn:
                query = select(User.blocked_at).where(User.channel_user_id == "6201")
                return conn.execute(query).scalar_one()

        assert fake.wait_for(blocked) is not None


def test_japanmall_serve_runs_polling_when_a_token_is_set_and_stops_cleanly_on_sigterm(
    db_url, fake, tmp_path
):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {
        **os.environ,
        "JAPANMALL_DATABASE_URL": db_url,
        "JAPANMALL_PROGRAMME": "demo",
        "JAPANMALL_TELEGRAM_TOKEN": TOKEN,
        "JAPANMALL_TELEGRAM_API_URL": fake.url,
        "JAPANMALL_TELEGRAM_MODE": "polling",
        "JAPANMALL_FILES_DIR": str(tmp_path / "files"),
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "serve", "--port", str(port)],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        fake.wait_for(lambda: fake.calls_of("getUpdates"), timeout=30)
        health = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=5).json()
        assert health["channels"] == ["telegram"]
        update = message_update(fake, 6301, "zh-hans", text="/start")
        fake.queue(update)
        fake.wait_for(said(fake, 6301, "请选择您要办理的事项"))
    finally:
        server.send_signal(signal.SIGTERM)
        output = server.communicate(timeout=30)[0].decode()
    # uvicorn re-raises the SIGTERM it handled once it has shut down, hence -15 as well as 0.
    assert server.returncode in (0, -signal.SIGTERM), output
    assert "Application shutdown complete" in output and "Traceback" not in output, output
    assert fake.calls_of("getUpdates")[-1].params["offset"] == update["update_id"] + 1
