"""Webhook mode of `japanmall serve` against the fake Bot API: registration, the secret, repeats."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import func, select

from bot.server import build_channels
from handlers.telegram import TelegramChannel
from storage.models import Delivery, InboundKey, User
from storage.runner import StepRunner
from tests.fakes.telegram_api import TOKEN
from tests.fakes.telegram_chat import SECRET, TelegramChat, message_update, point_at, serving, settled

pytest_plugins = ["tests.telegram_fixtures"]


@pytest.fixture
def served(app, fake):
    with serving(app, fake, mode="webhook") as served:
        yield served


def count(engine, table) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()


def test_start_registers_the_webhook_with_its_secret_and_the_commands_in_both_languages(app, fake, served):
    webhook = fake.calls_of("setWebhook")[0].params
    assert webhook["url"] == "https://bot.example.jp/telegram"
    assert webhook["secret_token"] == SECRET
    assert set(webhook["allowed_updates"]) == {"message", "callback_query", "my_chat_member"}
    published = {c.params.get("language_code"): c.params["commands"] for c in fake.calls_of("setMyCommands")}
    assert set(published) == {None, "ja", "zh"}
    for commands in published.values():
        assert [c["command"] for c in commands] == [
            "start", "help", "lang", "back", "cancel", "status", "apply", "check", "form",
        ]  # fmt: skip
    assert published["ja"][5]["description"] == "応募状況を確認します"
    assert published["zh"][5]["description"] == "查询报名进度"
    assert published[None][5]["description"] == "応募状況を確認します / 查询报名进度"
    assert not fake.calls_of("getUpdates")  # no polling in webhook mode


def test_a_request_without_the_right_secret_is_refused_and_not_processed(app, fake, served):
    chat = TelegramChat(app, fake, served.url)
    update = message_update(fake, 5001, "ja", text="/start")
    assert chat.post(update, secret=None).status_code == 403
    assert chat.post(update, secret="wrong-secret").status_code == 403
    assert chat.post(update, secret=SECRET[:-1]).status_code == 403
    assert not fake.calls_of("sendMessage")
    assert count(app.engine, InboundKey.__table__) == 0
    # The same update with the right secret is then taken as new.
    assert chat.post(update).status_code == 200
    settled(app.engine, "5001")
    assert fake.calls_of("sendMessage", chat_id=5001)


def test_a_body_that_is_not_an_update_gets_400_and_a_huge_one_413(app, fake, served):
    chat = TelegramChat(app, fake, served.url)
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
    assert chat.client.post("/telegram", content=b"{not json", headers=headers).status_code == 400
    assert chat.client.post("/telegram", json=[1, 2], headers=headers).status_code == 400
    assert chat.client.post("/telegram", json={"update_id": "x"}, headers=headers).status_code == 400
    huge = b'{"update_id": 1, "message": "' + b"x" * (1024 * 1024) + b'"}'
    assert chat.client.post("/telegram", content=huge, headers=headers).status_code == 413
    assert chat.client.get("/healthz").json()["channels"] == ["telegram"]


def test_a_repeated_update_id_is_acted_on_and_answered_once(app, fake, served):
    chat = TelegramChat(app, fake, served.url)
    chat.send("/start")
    update = message_update(fake, 5001, "ja", text="4")  # "check my status"
    first = chat.exchange(update)
    assert "まだ応募はありません" in first
    sent = len(fake.calls_of("sendMessage", chat_id=5001))
    replies = count(app.engine, Delivery.__table__)
    again = chat.exchange(update)  # Telegram sends it again (e.g. our 200 was lost)
    assert again == ""
    assert len(fake.calls_of("sendMessage", chat_id=5001)) == sent
    assert count(app.engine, Delivery.__table__) == replies


def test_text_goes_out_without_a_parse_mode_so_markup_in_it_stays_as_written(app, fake, served):
    chat = TelegramChat(app, fake, served.url)
    chat.send("/start")
    answer = chat.send("/<b>x</b>_*")
    assert "「/<b>x</b>_*」というコマンドはありません" in answer
    assert all("parse_mode" not in call.params for call in fake.calls_of("sendMessage"))


def test_a_tap_on_an_old_keyboard_is_answered_gracefully(app, fake, served):
    chat = TelegramChat(app, fake, served.url)
    chat.send("/start")
    menu = chat.keyboard
    assert "言語" in chat.tap("lang")  # the language question now, with a keyboard of its own
    answer = chat.tap("status", keyboard=menu)  # a button of the menu, tapped later
    assert "そのボタンは前の質問のものです" in answer
    assert "ご利用の言語をお選びください" in answer  # and the current question again
    assert len(fake.calls_of("answerCallbackQuery")) == 2


def test_a_tap_answers_the_query_and_removes_the_tapped_keyboard(app, fake, served):
    chat = TelegramChat(app, fake, served.url)
    chat.send("/start")
    message, _buttons = chat.keyboard
    chat.tap("status")
    fake.wait_for(lambda: fake.calls_of("editMessageReplyMarkup", chat_id=5001))  # beside the reply
    edit = fake.calls_of("editMessageReplyMarkup", chat_id=5001)[-1]
    assert edit.params["message_id"] == message["message_id"]
    assert "reply_markup" not in edit.params
    assert fake.calls_of("answerCallbackQuery")


def test_build_channels_adds_telegram_only_when_a_token_is_set(app, fake):
    runner = StepRunner(app.engine)
    try:
        assert [c.name for c in build_channels(app, runner)] == []
        point_at(app, fake, "webhook")
        channels = build_channels(app, runner)
        assert [c.name for c in channels] == ["telegram"]
        assert isinstance(channels[0], TelegramChannel)
        assert channels[0].application.bot.base_url == f"{fake.url}/bot{TOKEN}"
        assert channels[0].application.bot.base_file_url == f"{fake.url}/file/bot{TOKEN}"
        assert [route.path for route in channels[0].routes()] == ["/telegram"]
    finally:
        runner.close()


def test_a_reply_refused_with_403_marks_the_user(app, fake, served):
    chat = TelegramChat(app, fake, served.url, user_id=5301)
    chat.send("/start")
    fake.block(5301)
    chat.send("/status")
    with app.engine.connect() as conn:
        query = select(User.blocked_at).where(User.channel_user_id == "5301")
        assert conn.execute(query).scalar_one() is not None


def test_the_bot_token_never_reaches_the_log(app, fake, served, caplog):
    caplog.set_level(logging.DEBUG)
    TelegramChat(app, fake, served.url).send("/start")
    assert "sendMessage" in caplog.text  # httpx logged the requests ...
    assert TOKEN not in caplog.text  # ... without the token
    assert "Tester" not in caplog.text  # and PTB did not log the update (the user's name)


def test_a_webhook_secret_telegram_would_refuse_stops_start_up(app, fake):
    point_at(app, fake, "webhook")
    app.settings = app.settings.model_copy(update={"telegram_webhook_secret": "has spaces!"})
    runner = StepRunner(app.engine)
    try:
        with pytest.raises(ValueError, match="A-Z, a-z, 0-9, _ and -"):
            TelegramChannel(app, runner)
    finally:
        runner.close()
