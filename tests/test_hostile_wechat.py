"""Hostile input on `/wechat`, over real HTTP on both databases (issue 18).

Replayed signatures (a stale timestamp, a timestamp+nonce with another body, plain requests when the
AES key is set, a staff account in plain mode), odd digits at choice questions, odd fields of every
message type, a client that goes away mid-body, and ids and texts the database cannot hold.
"""

from __future__ import annotations

import logging
import socket
import time

import pytest
from sqlalchemy import func, select

from storage.models import ConversationState, InboundKey, KeyValue, MessageLog, User
from tests.transcript import play
from tests.wechat_support import (
    ACCOUNT,
    AES_KEY,
    WeChatHTTP,
    make_app,
    next_id,
    openid,
    serve,
    sign,
    text_xml,
    wechat_settings,
)

pytest_plugins = ["tests.wechat_fixtures"]


def count(engine, table) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()


def message_xml(user: str, msg_type: str, fields: str, msg_id: int | str | None = None) -> str:
    return (
        f"<xml><ToUserName><![CDATA[{ACCOUNT}]]></ToUserName>"
        f"<FromUserName><![CDATA[{user}]]></FromUserName><CreateTime>{int(time.time())}</CreateTime>"
        f"<MsgType><![CDATA[{msg_type}]]></MsgType>{fields}<MsgId>{msg_id or next_id()}</MsgId></xml>"
    )


# -- replay ------------------------------------------------------------------------------------------
def test_a_timestamp_five_minutes_away_is_refused_and_nothing_is_stored(wechat, engine):
    http = wechat.http
    user = openid()
    for stamp in ("946684800", str(int(time.time()) - 301), str(int(time.time()) + 400), "１２３", "9" * 40):
        response = http.client.post(
            "/wechat", params=http.signed_query(timestamp=stamp), content=text_xml(user, "/staff list")
        )
        assert (response.status_code, response.text) == (403, "stale timestamp"), stamp
    assert count(engine, User) == 0
    # within the window either side: answered
    near = http.signed_query(timestamp=str(int(time.time()) - 240))
    assert http.reply(http.client.post("/wechat", params=near, content=text_xml(user, "こんにちは")))


def test_a_replayed_timestamp_and_nonce_take_no_other_body_but_a_retry_gets_the_same_reply(wechat, engine):
    http = wechat.http
    company, other = openid(), openid()
    query = http.signed_query()
    first = http.client.post(
        "/wechat", params=query, content=text_xml(company, "こんにちは", msg_id=next_id())
    )
    body = first.request.content
    answer = http.reply(first)
    assert "応募締切は 2026年1月30日（金）" in answer
    # The query string seen once (a proxy's log), another body: refused, nothing of it stored.
    forged = http.client.post("/wechat", params=query, content=text_xml(other, "你好").encode())
    assert (forged.status_code, forged.text) == (403, "replayed request")
    assert count(engine, User) == 1
    # WeChat's own retry, byte for byte: the stored reply, no second step.
    retry = http.client.post("/wechat", params=query, content=body)
    assert http.reply(retry) == answer
    assert count(engine, InboundKey) == 1 and count(engine, MessageLog) == 1
    with engine.connect() as conn:
        remembered = conn.execute(
            select(func.count()).select_from(KeyValue).where(KeyValue.key.startswith("wechat:nonce:"))
        ).scalar_one()
    assert remembered == 1


def test_a_replayed_pair_changes_nothing_for_the_company_it_names(wechat, engine):
    """The replay check runs first in the step's own transaction: a refused body leaves the
    company's question, its unsubscription and the message log exactly as they were."""
    http = wechat.http
    company = openid()
    assert "応募締切" in http.reply(http.post(text_xml(company, "こんにちは")))
    unfollow = http.post(
        f"<xml><ToUserName><![CDATA[{ACCOUNT}]]></ToUserName><FromUserName><![CDATA[{company}]]>"
        f"</FromUserName><CreateTime>{int(time.time())}</CreateTime><MsgType><![CDATA[event]]>"
        "</MsgType><Event><![CDATA[unsubscribe]]></Event></xml>"
    )
    assert unfollow.status_code == 200

    def snapshot() -> tuple:
        with engine.connect() as conn:
            state = conn.execute(select(ConversationState.flow, ConversationState.step)).one()
            subscribed = conn.execute(select(User.subscribed)).scalar_one()
        return tuple(state), subscribed, count(engine, MessageLog), count(engine, InboundKey)

    before = snapshot()
    assert before[1] is False
    query = http.signed_query()
    taken = http.client.post("/wechat", params=query, content=text_xml(company, "/help"))
    assert taken.status_code == 200
    after_help = snapshot()
    # The same pair again with a follow event and a menu choice: both refused, nothing changed.
    follow = (
        f"<xml><ToUserName><![CDATA[{ACCOUNT}]]></ToUserName><FromUserName><![CDATA[{company}]]>"
        f"</FromUserName><CreateTime>{int(time.time())}</CreateTime><MsgType><![CDATA[event]]>"
        "</MsgType><Event><![CDATA[subscribe]]></Event></xml>"
    )
    for forged in (follow, text_xml(company, "1")):
        response = http.client.post("/wechat", params=query, content=forged.encode())
        assert (response.status_code, response.text) == (403, "replayed request")
        assert snapshot() == after_help


def test_with_the_aes_key_set_only_signed_ciphertext_is_taken(settings, engine, clock, wechat_api):
    app = make_app(wechat_settings(settings, wechat_api, wechat_aes_key=AES_KEY), engine, clock)
    with serve(app, wechat_api, aes=True) as running:
        user = openid()
        plain = WeChatHTTP(running.url).post(text_xml(user, "你好"))
        assert (plain.status_code, plain.text) == (403, "safe mode required")
        sealed = running.http
        query = sealed.signed_query()
        body = sealed.envelope(text_xml(user, "你好"), query)
        assert "报名截止日期" in sealed.reply(sealed.client.post("/wechat", params=query, content=body))
        # The ciphertext of another message under the same signatures: msg_signature does not match.
        other_query = sealed.signed_query()
        other = sealed.envelope(text_xml(user, "/staff list"), other_query)
        swapped = sealed.client.post("/wechat", params=query | {"nonce": query["nonce"]}, content=other)
        assert swapped.status_code == 403
        assert count(engine, User) == 1 and count(engine, InboundKey) == 1


def test_a_staff_account_in_plain_mode_never_reaches_the_core(wechat, engine, caplog):
    staff = openid()
    wechat.app.services.staff = frozenset({("wechat", staff)})
    with caplog.at_level(logging.WARNING, logger="handlers.wechat"):
        answer = wechat.chat(staff).send("/staff list")
    assert "安全モード" in answer and "安全模式" in answer
    assert "JM-" not in answer
    assert count(engine, User) == 0
    assert any("staff account in plain mode" in record.getMessage() for record in caplog.records)


# -- odd digits at choice questions -----------------------------------------------------------------
def test_digits_of_every_form_choose_an_option_in_japanese(wechat):
    play(
        wechat.chat(),
        """
        > こんにちは
        < 1. 応募資格を確認する
        > ①
        < 応募される会社は、次のどれに当たりますか？
        > ①
        < どちらの参加コースをお考えですか？
        > ²
        < 出品をお考えの商品のカテゴリーをお選びください。
        > ⁹⁹
        < 選択肢の中からお選びください。1〜7 の番号でもお答えいただけます。
        > ³番
        < その商品は、日本ブランドの商品ですか？
        """,
    )


def test_digits_of_every_form_choose_an_option_in_chinese(wechat):
    play(
        wechat.chat(),
        """
        > 你好，我想报名
        < 1. 确认报名资格
        > ❶
        < 报名企业属于以下哪一类？
        > １
        < 您打算选择哪种推广方式？
        > ②号
        < 请选择您计划参与推广的商品类别。
        > """
        + "1" * 5000
        + """
        < 请从选项中选择，也可以回复序号 1～7。
        > 食品
        < 该商品是日本品牌的商品吗？
        """,
    )


# -- odd fields of signed messages: a normal answer, never 503 ----------------------------------------
@pytest.mark.parametrize(
    ("msg_type", "fields"),
    [
        (
            "file",
            "<Title><![CDATA[申込書.xlsx]]></Title><FileKey><![CDATA[k1]]></FileKey><FileTotalLen>²</FileTotalLen>",
        ),
        ("file", "<Title><![CDATA[a.xlsx]]></Title><FileTotalLen>" + "9" * 4300 + "</FileTotalLen>"),
        ("file", "<Title><A>nested</A></Title><FileTotalLen><B>1</B></FileTotalLen>"),
        (
            "voice",
            "<MediaId><![CDATA[m1]]></MediaId><Format>amr</Format><Recognition><a>1</a><b>2</b></Recognition>",
        ),
        ("voice", "<Recognition><![CDATA[你好]]></Recognition><Recognition><![CDATA[x]]></Recognition>"),
        ("text", "<Content><c>nested</c></Content>"),
        ("text", "<Content><![CDATA[a]]></Content><Content><![CDATA[b]]></Content>"),
        ("image", "<PicUrl><x/></PicUrl><MediaId><m>1</m></MediaId>"),
        (
            "location",
            "<Location_X>²</Location_X><Location_Y>y</Location_Y><Scale>①</Scale><Label><l/></Label>",
        ),
        ("link", "<Title><t/></Title><Description>d</Description><Url>javascript:1</Url>"),
        ("video", "<MediaId>m</MediaId><ThumbMediaId><t/></ThumbMediaId>"),
        ("shortvideo", "<MediaId>m</MediaId>"),
    ],
)
def test_odd_fields_of_every_message_type_get_a_normal_answer(wechat, caplog, msg_type, fields):
    http = wechat.http
    with caplog.at_level(logging.ERROR):
        response = http.post(message_xml(openid(), msg_type, fields))
        assert response.status_code == 200, response.text
        http.reply(response)  # well-formed XML or `success`
    assert not [r for r in caplog.records if r.exc_info], [r.getMessage() for r in caplog.records]


def test_events_with_odd_fields_get_a_normal_answer(wechat, caplog):
    http = wechat.http
    user = openid()
    events = [
        "<Event><e>click</e></Event><EventKey><![CDATA[apply]]></EventKey>",
        "<Event><![CDATA[CLICK]]></Event><EventKey><k>1</k></EventKey>",
        "<Event><![CDATA[subscribe]]></Event><EventKey><![CDATA[qrscene_" + "x" * 500 + "]]></EventKey>",
        "<Event><![CDATA[LOCATION]]></Event><Latitude>²</Latitude>",
        "<Event><![CDATA[TEMPLATESENDJOBFINISH]]></Event><MsgID>" + "9" * 5000 + "</MsgID>",
    ]
    with caplog.at_level(logging.ERROR):
        for event in events:
            xml = (
                f"<xml><ToUserName><![CDATA[{ACCOUNT}]]></ToUserName><FromUserName><![CDATA[{user}]]>"
                f"</FromUserName><CreateTime>{next_id()}</CreateTime><MsgType><![CDATA[event]]></MsgType>"
                f"{event}</xml>"
            )
            response = http.post(xml)
            assert response.status_code == 200, (event, response.text)
            http.reply(response)
    assert not [r for r in caplog.records if r.exc_info]


# -- a client that goes away ------------------------------------------------------------------------------
def test_a_broken_chunked_body_is_not_an_error(wechat, caplog):
    http = wechat.http
    query = http.signed_query()
    path = "/wechat?" + "&".join(f"{k}={v}" for k, v in query.items())
    host, port = wechat.url.removeprefix("http://").split(":")
    with caplog.at_level(logging.INFO):
        with socket.create_connection((host, int(port)), timeout=5) as sock:
            sock.sendall(
                f"POST {path} HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n".encode()
                + b"100\r\n<xml><ToUserName>"  # promises 256 bytes, sends a few, then goes away
            )
            time.sleep(0.2)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and not any(
            r.getMessage() == "request" and getattr(r, "path", "") == "/wechat" for r in caplog.records
        ):
            time.sleep(0.05)
    lines = [r for r in caplog.records if r.getMessage() == "request" and getattr(r, "path", "") == "/wechat"]
    assert lines and lines[-1].status == 499, [(r.getMessage(), getattr(r, "status", None)) for r in lines]
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]
    assert any("went away" in r.getMessage() for r in caplog.records)
    assert "応募" in wechat.chat().send("こんにちは")  # and the server serves on


# -- what the database cannot hold: the same answer on SQLite and PostgreSQL --------------------------------
def test_an_id_over_128_characters_or_with_nul_is_400_on_both_databases(wechat, engine, caplog):
    http = wechat.http
    with caplog.at_level(logging.ERROR):
        for user in ("o" * 129, "o" * 5000, "oabc\x00def", "o\x01"):
            body = text_xml(user, "こんにちは").encode()
            response = http.client.post("/wechat", params=http.signed_query(), content=body)
            assert (response.status_code, response.text) == (400, "malformed message"), user[:10]
    assert count(engine, User) == 0
    assert not [r for r in caplog.records if r.exc_info]


def test_a_key_over_200_characters_and_nul_in_text_are_answered_on_both_databases(wechat, engine, caplog):
    http = wechat.http
    user = "o" * 128  # the longest id there is
    long_id = "7" * 400  # a MsgId no WeChat sends, but a number: the key is 529 characters
    with caplog.at_level(logging.ERROR):
        first = http.reply(http.post(text_xml(user, "こんにち\x00は", msg_id=long_id)))
        again = http.reply(http.post(text_xml(user, "こんにち\x00は", msg_id=long_id)))
        nul_text = http.reply(http.post(text_xml(user, "4\x00")))
    assert "応募締切" in first and again == first
    assert "まだ応募されていません" in nul_text or "応募" in nul_text
    assert not [r for r in caplog.records if r.exc_info], [r.getMessage() for r in caplog.records]
    with engine.connect() as conn:
        keys = conn.execute(select(InboundKey.key)).scalars().all()
        logged = conn.execute(select(MessageLog.inbound)).scalars().all()
    assert len(keys) == 2 and all(len(key) <= 200 for key in keys)
    assert all("\x00" not in str(item) for item in logged)
    assert any("こんにちは" in (item or "") for item in logged), logged


def test_signed_but_unsigned_body_in_query_only_matters_with_the_token(wechat):
    """The signature covers token, timestamp and nonce; a forger without the token gets nothing."""
    http = wechat.http
    stamp, nonce = str(int(time.time())), "n0nce"
    forged = {"signature": sign("not-the-token", stamp, nonce), "timestamp": stamp, "nonce": nonce}
    assert http.client.post("/wechat", params=forged, content=text_xml(openid(), "x")).status_code == 403
