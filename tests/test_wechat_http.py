"""The WeChat webhook over real HTTP: URL check, plain and safe mode, and every bad request."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from wechatpy.crypto import WeChatCrypto

from storage.models import Delivery, InboundKey, User
from tests.wechat_support import (
    AES_KEY,
    TOKEN,
    WeChatHTTP,
    make_app,
    openid,
    serve,
    sign,
    text_xml,
    wechat_settings,
)

pytest_plugins = ["tests.wechat_fixtures"]


def counts(engine) -> tuple[int, int, int]:
    with engine.connect() as conn:
        return tuple(
            conn.execute(select(func.count()).select_from(t)).scalar_one()
            for t in (User, InboundKey, Delivery)
        )


def test_url_verification_echoes_echostr_only_when_signed(wechat):
    http = wechat.http
    query = http.signed_query() | {"echostr": "1234567890123"}
    answer = http.client.get("/wechat", params=query)
    assert (answer.status_code, answer.text) == (200, "1234567890123")
    query["signature"] = "0" * 40
    assert http.client.get("/wechat", params=query).status_code == 403
    assert http.client.get("/wechat", params={"echostr": "x"}).status_code == 403
    assert http.client.get("/wechat", params=http.signed_query()).status_code == 400


def test_plain_mode_text_is_answered_by_the_core(wechat):
    reply = wechat.chat().send("こんにちは")
    assert "応募締切は 2026年1月30日（金）" in reply
    assert "1. 応募資格を確認する" in reply


def test_safe_mode_is_decrypted_and_answered_encrypted(settings, engine, clock, wechat_api):
    app = make_app(wechat_settings(settings, wechat_api, wechat_aes_key=AES_KEY), engine, clock)
    with serve(app, wechat_api, aes=True) as running:
        http = running.http
        user = openid()
        response = http.post(text_xml(user, "你好"))
        assert "<Encrypt>" in response.text and "报名" not in response.text  # nothing readable on the wire
        assert "报名截止日期为 2026年1月30日（周五）" in http.reply(response)
        # With the AES key set, a plain request is refused: its body is not signed (README, safe mode).
        plain = WeChatHTTP(running.url)
        refused = plain.post(text_xml(user, "4"))
        assert (refused.status_code, refused.text) == (403, "safe mode required")


def test_safe_mode_refuses_a_wrong_app_id_and_a_wrong_msg_signature(settings, engine, clock, wechat_api):
    app = make_app(wechat_settings(settings, wechat_api, wechat_aes_key=AES_KEY), engine, clock)
    with serve(app, wechat_api, aes=True) as running:
        other_account = WeChatHTTP(running.url, aes_key=AES_KEY, app_id="wxffffffffffffffff")
        assert other_account.post(text_xml(openid(), "你好")).status_code == 403
        assert running.http.post(text_xml(openid(), "你好"), msg_signature="0" * 40).status_code == 403
        garbage = running.http.signed_query() | {"encrypt_type": "aes"}
        garbage["msg_signature"] = sign(TOKEN, garbage["timestamp"], garbage["nonce"], "bm90IGFlcw==")
        body = "<xml><Encrypt><![CDATA[bm90IGFlcw==]]></Encrypt></xml>"
        assert running.http.client.post("/wechat", params=garbage, content=body).status_code == 400
        no_encrypt = running.http.signed_query() | {"encrypt_type": "aes", "msg_signature": "x"}
        assert (
            running.http.client.post("/wechat", params=no_encrypt, content="<xml><A>1</A></xml>").status_code
            == 400
        )
        assert counts(engine) == (0, 0, 0)


def test_safe_mode_request_without_an_aes_key_configured_is_refused(wechat):
    crypto = WeChatCrypto(TOKEN, AES_KEY, "wx0123456789abcdef")
    assert crypto  # the sender can encrypt; this server has no key to open it
    sealed = WeChatHTTP(wechat.url, aes_key=AES_KEY)
    assert sealed.post(text_xml(openid(), "hi")).status_code == 400


def test_wrong_signature_is_403_and_nothing_is_stored(wechat, engine):
    http = wechat.http
    user = openid()
    assert http.post(text_xml(user, "こんにちは"), signature="f" * 40).status_code == 403
    assert http.post(text_xml(user, "こんにちは"), timestamp="1").status_code == 403
    assert http.client.post("/wechat", content=text_xml(user, "こんにちは")).status_code == 403
    assert counts(engine) == (0, 0, 0)


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"not xml at all",
        b"<xml><FromUserName><![CDATA[o1]]></FromUserName></xml>",
        b"<xml><FromUserName><![CDATA[o1]]></FromUserName><CreateTime>1</CreateTime><MsgType>text",
        b"\xff\xfe<xml/>",
        b'{"MsgType": "text"}',
    ],
)
def test_malformed_bodies_are_400_and_nothing_is_stored(wechat, engine, body):
    http = wechat.http
    assert http.client.post("/wechat", params=http.signed_query(), content=body).status_code == 400
    assert counts(engine) == (0, 0, 0)


def test_a_body_over_64_kib_is_413_with_or_without_content_length(wechat, engine):
    http = wechat.http
    big = text_xml(openid(), "あ" * 22_000).encode("utf-8")  # about 66 KB
    assert len(big) > 64 * 1024
    assert http.client.post("/wechat", params=http.signed_query(), content=big).status_code == 413

    def chunks():
        for start in range(0, len(big), 4096):
            yield big[start : start + 4096]

    streamed = http.client.post("/wechat", params=http.signed_query(), content=chunks())
    assert streamed.status_code == 413
    unsigned = http.client.post("/wechat", content=big)
    assert unsigned.status_code == 413
    assert counts(engine) == (0, 0, 0)


def test_nothing_a_client_sends_makes_a_500(wechat):
    http = wechat.http
    user = openid()
    bodies = [
        text_xml(user, "x").replace("<MsgId>", "<MsgId>abc"),
        text_xml(user, "x").replace("text", "unknown_type"),
        "<xml><FromUserName><![CDATA[u]]></FromUserName><CreateTime>1</CreateTime>"
        "<MsgType><![CDATA[event]]></MsgType></xml>",
        "<xml>" + "<a>" * 100 + "</a>" * 100 + "</xml>",
        "<xml><FromUserName/></xml>",
        text_xml(user, "\x00\x01\x02"),
    ]
    for body in bodies:
        for extra in ({}, {"encrypt_type": "aes"}, {"encrypt_type": "aes", "msg_signature": "x"}):
            status = http.client.post("/wechat", params=http.signed_query() | extra, content=body).status_code
            assert status in (200, 400, 403), (body, extra, status)
    assert http.client.put("/wechat", content="x").status_code == 405
