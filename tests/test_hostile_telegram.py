"""Hostile input on `/telegram`, over real HTTP on both databases (issue 18): a wrong secret never
reaches the core; NUL and overlong texts, odd digits and odd headers get a normal answer."""

from __future__ import annotations

import logging

import httpx
import pytest
from sqlalchemy import func, select

from storage.models import InboundKey, MessageLog, User
from tests.fakes.telegram_chat import SECRET, TelegramChat, message_update, serving

pytest_plugins = ["tests.telegram_fixtures"]


@pytest.fixture
def served(app, fake):
    with serving(app, fake, mode="webhook") as served:
        yield served


def count(engine, table) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()


def test_a_wrong_secret_never_reaches_the_core(app, fake, served, caplog):
    chat = TelegramChat(app, fake, served.url)
    client = httpx.Client(base_url=served.url, timeout=10)
    update = message_update(fake, 6001, "ja", text="/start")
    with caplog.at_level(logging.DEBUG):
        for secret in (None, "", "wrong", SECRET[:-1], SECRET + "x", SECRET.upper()):
            assert chat.post(update, secret=secret).status_code == 403, secret
        odd = {b"X-Telegram-Bot-Api-Secret-Token": ("²" * len(SECRET)).encode()}
        assert client.post("/telegram", json=update, headers=odd).status_code == 403
        # refused before the body is read: a huge or broken body with a wrong secret is a 403 too
        headers = {"X-Telegram-Bot-Api-Secret-Token": "wrong"}
        assert client.post("/telegram", content=b"{" * 900_000, headers=headers).status_code == 403
        assert client.post("/telegram", content=b"\xff\xfe", headers=headers).status_code == 403
    assert not fake.calls_of("sendMessage")
    assert (count(app.engine, User), count(app.engine, InboundKey), count(app.engine, MessageLog)) == (
        0,
        0,
        0,
    )
    core = [r for r in caplog.records if r.name.startswith(("conversations", "storage"))]
    assert not core, [r.getMessage() for r in core]
    client.close()


def test_nul_long_texts_and_odd_digits_get_a_normal_answer_on_both_databases(app, fake, served, caplog):
    chat = TelegramChat(app, fake, served.url, user_id=6002, language_code="ja")
    with caplog.at_level(logging.ERROR):
        first = chat.send("こんにち\x00は")
        assert "応募締切は 2026年1月30日（金）" in first
        assert "応募資格の事前確認" in chat.send("①")
        assert "どれに当たりますか" in chat.send("\x00" * 10 + "あ" * 20_000)  # asked again, politely
        assert "どちらのプログラム" in chat.send("¹")
    assert not [r for r in caplog.records if r.exc_info], [r.getMessage() for r in caplog.records]
    with app.engine.connect() as conn:
        logged = conn.execute(select(MessageLog.inbound)).scalars().all()
    assert logged and all("\x00" not in (item or "") and len(item or "") < 9000 for item in logged)


def test_odd_bodies_and_headers_are_400_or_413_never_500(app, fake, served):
    client = httpx.Client(base_url=served.url, timeout=10)
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
    bodies = [
        b"",
        b"[" * 100_000 + b"]" * 100_000,  # deeper than the recursion limit
        b'{"update_id": ' + b"9" * 5000 + b"}",
        b'{"update_id": 1, "message": {"chat": "x"}}',
        b'{"update_id": "1"}',
        '{"update_id": 1, "message": "\u0000"}'.encode(),
    ]
    for body in bodies:
        status = client.post("/telegram", content=body, headers=headers).status_code
        assert status in (200, 400), (body[:40], status)
    odd_length = client.post("/telegram", content=b"{}", headers=headers | {"Content-Length": "2"})
    assert odd_length.status_code == 400
    client.close()
