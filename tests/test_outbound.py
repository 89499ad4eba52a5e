"""One outbox whatever the channel: WeChat and Telegram against their fake APIs, the console held
until the user next opens the chat; each delivery a row, never written or sent twice."""

from __future__ import annotations

import asyncio
import io

import pytest
from sqlalchemy import select

from bot.outbound import Postman
from conversations import Inbound, Outbound, UserKey
from handlers import console
from storage.models import Delivery
from tests.fakes.telegram_api import FakeTelegram
from tests.fakes.telegram_chat import point_at
from tests.wechat_support import openid

pytest_plugins = ["tests.wechat_fixtures"]
pytestmark = pytest.mark.filterwarnings("ignore:.*retry_after.*:telegram.warnings.PTBDeprecationWarning")


def send_now(app, user_id, messages, **kwargs):
    return asyncio.run(Postman(app).send(user_id, messages, **kwargs))


def outcomes(app) -> list[tuple[str, str, str]]:
    with app.engine.connect() as conn:
        rows = conn.execute(select(Delivery).where(Delivery.kind == "notice").order_by(Delivery.id)).all()
    return [(row.channel, row.outcome, row.dedup_key) for row in rows]


def test_console_notice_is_held_and_shown_when_the_user_next_opens_the_chat(app):
    reply = app.dialog.handle(UserKey("console", "alice"), Inbound(text="こんにちは"))
    sent = send_now(
        app, reply.user_id, [Outbound("ご応募が採択されました。")], kind="notice", dedup_key="n:1"
    )
    assert sent.outcome == "held"
    again = send_now(
        app, reply.user_id, [Outbound("ご応募が採択されました。")], kind="notice", dedup_key="n:1"
    )
    assert again.duplicate and again.delivery_id == sent.delivery_id
    out = io.StringIO()
    console.run(app.dialog, "alice", lines=[], out=out)
    assert out.getvalue().index("ご応募が採択されました。") < out.getvalue().index("ご用件をお選びください")
    assert outcomes(app) == [("console", "sent", "n:1")]
    again = io.StringIO()
    console.run(app.dialog, "alice", lines=[], out=again)
    assert "採択されました" not in again.getvalue()  # shown once


def test_wechat_notice_goes_as_a_customer_service_message(wechat_app, wechat_api):
    who = openid()
    reply = wechat_app.dialog.handle(UserKey("wechat", who), Inbound(text="你好"), message_key=f"{who}:1")
    sent = send_now(
        wechat_app, reply.user_id, [Outbound("您的报名已入选。")], kind="notice", dedup_key="n:wx"
    )
    assert sent.outcome == "sent"
    assert wechat_api.texts_to(who) == ["您的报名已入选。"]
    again = send_now(
        wechat_app, reply.user_id, [Outbound("您的报名已入选。")], kind="notice", dedup_key="n:wx"
    )
    assert again.duplicate and again.outcome == "sent"
    assert wechat_api.texts_to(who) == ["您的报名已入选。"]


def test_telegram_notice_goes_through_the_bot_api(app):
    with FakeTelegram() as fake:
        point_at(app, fake, "polling")
        reply = app.dialog.handle(UserKey("telegram", "9001"), Inbound(text="/start", language_hint="ja"))
        sent = asyncio.run(Postman(app).send(reply.user_id, [Outbound("採択されました。")], kind="notice"))
        assert sent.outcome == "sent"
        texts = [call.params.get("text") for call in fake.calls_of("sendMessage", chat_id=9001)]
        assert texts[-1] == "採択されました。"
    assert outcomes(app) == [("telegram", "sent", None)]


def test_telegram_without_a_token_is_recorded_as_failed(app):
    reply = app.dialog.handle(UserKey("telegram", "9002"), Inbound(text="/start", language_hint="zh"))
    sent = send_now(app, reply.user_id, [Outbound("x")], kind="notice")
    assert sent.outcome == "failed" and "JAPANMALL_TELEGRAM_TOKEN" in sent.error
