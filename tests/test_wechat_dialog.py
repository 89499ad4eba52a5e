"""Conversations over WeChat HTTP: the same transcripts as the core, events, files, long replies."""

from __future__ import annotations

from pathlib import Path

import pytest
import xmltodict
from sqlalchemy import select

from storage.models import ConversationState, Delivery, StoredFile, User
from tests.transcript import CoreChat, play
from tests.wechat_support import (
    LONG_LINE,
    WeChatChat,
    image_xml,
    next_id,
    openid,
    text_xml,
)

MENU_STATUS_LANG = """
    > こんにちは
    < 応募締切は 2026年1月30日（金）
    < 1. 応募資格を確認する
    < 5. 言語を変更する（日本語／中文）
    > 4
    < まだ応募はありません
    < ご用件をお選びください
    > /status
    < まだ応募はありません
    > 9
    < 選択肢の中からお選びください。1〜5 の番号でもお答えいただけます。
    > /lang zh
    < 接下来将使用中文为您服务
    < 请选择您要办理的事项
    > 8
    < 请从选项中选择
    > 5
    < 请选择您使用的语言
    > 1
    < 以後、日本語でご案内します
    < ご用件をお選びください
    <! 请选择
"""

UNKNOWN_LANGUAGE_ASKED = """
    > hello
    < ご利用の言語をお選びください。
    < 请选择您使用的语言。
    < 1. 日本語
    > 2
    < 接下来将使用中文为您服务
    < 请选择您要办理的事项
    > 4
    < 您还没有报名
    > /help
    < /lang ja
"""

pytest_plugins = ["tests.wechat_fixtures"]


@pytest.mark.parametrize("script", [MENU_STATUS_LANG, UNKNOWN_LANGUAGE_ASKED], ids=["menu", "language"])
def test_the_same_transcript_plays_through_the_core_and_through_wechat_http(wechat, script):
    core_answers = play(CoreChat(wechat.app, user=openid(), channel="wechat"), script)
    wechat_answers = play(wechat.chat(), script)
    # WeChat shows exactly what the core said, options numbered (layout aside: blank lines, indent).
    assert [lines(answer) for answer in wechat_answers] == [lines(answer) for answer in core_answers]


def lines(answer: str) -> list[str]:
    return [line.strip() for line in answer.splitlines() if line.strip()]


def test_subscribe_welcomes_with_the_language_choice_and_unsubscribe_is_recorded(wechat, engine):
    chat = wechat.chat()
    play(
        chat,
        """
        > こんにちは
        < ご用件をお選びください
        """,
    )
    answer = chat.event("subscribe")
    assert "ご登録ありがとうございます" in answer and "感谢关注" in answer
    assert "ご利用の言語をお選びください。\n请选择您使用的语言。\n1. 日本語\n2. 中文（简体）" in answer
    assert chat.send("2").startswith("接下来将使用中文为您服务")
    assert chat.event("unsubscribe") == ""
    with engine.connect() as conn:
        assert (
            conn.execute(select(User.subscribed).where(User.channel_user_id == chat.user)).scalar_one()
            is False
        )
    chat.event("subscribe")
    with engine.connect() as conn:
        assert (
            conn.execute(select(User.subscribed).where(User.channel_user_id == chat.user)).scalar_one()
            is True
        )


def test_a_new_follower_is_asked_the_language_first(wechat):
    chat = wechat.chat()
    answer = chat.event("subscribe", key="qrscene_fair2026")
    assert "请选择您使用的语言" in answer
    assert "ご用件をお選びください" in chat.send("1")


def test_menu_clicks_run_the_core_commands(wechat):
    chat = wechat.chat()
    chat.send("你好")
    assert "您还没有报名" in chat.event("CLICK", key="status")
    assert "请选择您使用的语言" in chat.event("CLICK", key="lang")
    assert "报名前，请先确认报名资格" in chat.event("CLICK", key="apply")
    assert "/lang ja" in chat.event("CLICK", key="help")
    assert chat.event("VIEW", key="https://example.com") == ""


def test_other_message_types_are_answered_politely_in_the_users_language(wechat):
    chat = wechat.chat()
    location = (
        f"<xml><ToUserName><![CDATA[gh]]></ToUserName><FromUserName><![CDATA[{chat.user}]]></FromUserName>"
        f"<CreateTime>1700000000</CreateTime><MsgType><![CDATA[location]]></MsgType>"
        f"<Location_X>31.2</Location_X><Location_Y>121.5</Location_Y><Scale>15</Scale>"
        f"<Label><![CDATA[上海]]></Label><MsgId>{next_id()}</MsgId></xml>"
    )
    both = chat.post(location)
    assert "この窓口では文字・画像・ファイル" in both and "本窗口目前只能接收文字" in both
    chat.send("你好")
    assert chat.post(location).startswith("抱歉，本窗口目前只能接收文字")
    voice = (
        location.replace("location", "voice")
        .replace("<Label>", "<Recognition>")
        .replace("</Label>", "</Recognition>")
    )
    voice = voice.replace("上海", "你好")
    assert "请选择您要办理的事项" in chat.post(voice)  # speech recognised by WeChat is taken as text


def test_user_text_with_cdata_end_is_understood_and_echoed_safely(wechat):
    chat = wechat.chat()
    chat.send("こんにちは")
    response = wechat.http.post(text_xml(chat.user, "/lang x]]><b>\x07y"))
    parsed = xmltodict.parse(response.text)["xml"]  # strict XML: the reply is well formed
    assert "「x]]><b>y」という言語には対応していません" in parsed["Content"]
    assert "ご利用の言語をお選びください" in parsed["Content"]
    refused = chat.send("]]>1")  # understood as the text "]]>1", which is not one of the choices...
    assert refused.startswith("選択肢の中からお選びください。1〜2 の番号")
    assert "以後、日本語でご案内します" in chat.send("1")  # ...the plain number is


def test_a_long_reply_is_split_passive_first_then_customer_service(wechat, engine):
    chat = wechat.chat()
    chat.send("こんにちは")
    response = wechat.http.post(text_xml(chat.user, "/long 40"))
    passive = wechat.http.reply(response)
    wechat.wait_idle()
    rest = wechat.api.texts_to(chat.user)
    parts = [passive, *rest]
    assert len(rest) >= 5
    assert all(len(part.encode("utf-8")) <= 2000 for part in parts)
    lines = "\n".join(parts).splitlines()
    assert lines == [f"{i:03d} {LONG_LINE}" for i in range(40)]
    with engine.connect() as conn:
        row = conn.execute(select(Delivery).where(Delivery.kind == "reply_cs")).one()
    assert (row.outcome, row.payload["sent_parts"], row.dedup_key.startswith("wechat:reply:")) == (
        "sent",
        len(rest),
        True,
    )


def test_a_document_is_a_link_under_the_public_url_and_the_link_serves_the_file(
    wechat, engine, clock, tmp_path
):
    from datetime import timedelta

    token = "Tk_" + "a1b2c3d4e5f6g7h8i9"
    stored = wechat.app.settings.files_dir / "forms" / "JM25-0001.xlsx"
    stored.parent.mkdir(parents=True)
    stored.write_bytes(b"PK\x03\x04 fake xlsx")
    with engine.begin() as conn:
        conn.execute(
            StoredFile.__table__.insert(),
            [
                {
                    "kind": "form",
                    "name": "JM25-0001.xlsx",
                    "path": str(stored),
                    "token": token,
                    "token_expires_at": clock() + timedelta(days=7),
                    "created_at": clock(),
                    "mime": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                },
                {
                    "kind": "form",
                    "name": "old.xlsx",
                    "path": str(stored),
                    "token": "Old_" + "x" * 20,
                    "token_expires_at": clock() - timedelta(seconds=1),
                    "created_at": clock(),
                    "mime": None,
                },
            ],
        )
    chat = wechat.chat()
    chat.send("こんにちは")
    answer = chat.send(f"/doc {token}")
    assert f"application.xlsx\nhttps://bot.example.com/files/{token}" in answer
    client = wechat.http.client
    download = client.get(f"/files/{token}")
    assert (download.status_code, download.content) == (200, b"PK\x03\x04 fake xlsx")
    assert 'filename="JM25-0001.xlsx"' in download.headers["content-disposition"]
    for bad in ("Old_" + "x" * 20, "Unknown_" + "y" * 20, "short", "..%2F..%2Fetc%2Fpasswd"):
        assert client.get(f"/files/{bad}").status_code == 404


def test_an_image_is_fetched_through_media_get_and_given_to_the_question_that_takes_files(wechat, engine):
    wechat.api.media["MEDIA-1"] = (b"\xff\xd8\xff jpeg bytes", "image/jpeg")
    chat = wechat.chat()
    chat.send("こんにちは")
    chat.send("/upload")
    answer = chat.post(image_xml(chat.user, "MEDIA-1", "http://mmbiz.qpic.cn/pic1", msg_id=555))
    assert "received wechat-image-555.jpg" in answer
    with engine.connect() as conn:
        user_id = conn.execute(select(User.id).where(User.channel_user_id == chat.user)).scalar_one()
        answers = conn.execute(
            select(ConversationState.answers).where(ConversationState.user_id == user_id)
        ).scalar_one()
    material = answers["material"]
    assert (material["url"], material["size"], material["mime"]) == (
        "http://mmbiz.qpic.cn/pic1",
        14,
        "image/jpeg",
    )
    assert Path(material["path"]).read_bytes() == b"\xff\xd8\xff jpeg bytes"


def test_an_image_wechat_will_not_give_keeps_its_link_and_loses_nothing(wechat, engine):
    chat = wechat.chat()
    chat.send("こんにちは")
    chat.send("/upload")
    answer = chat.post(image_xml(chat.user, "GONE", "http://mmbiz.qpic.cn/pic2", msg_id=556))
    assert "received wechat-image-556.jpg" in answer
    with engine.connect() as conn:
        states = conn.execute(select(ConversationState.answers)).scalars().all()
    material = next(a["material"] for a in states if "material" in a)
    assert (material["path"], material["url"]) == (None, "http://mmbiz.qpic.cn/pic2")


def test_a_chat_adapter_hides_nothing_the_core_said(wechat):
    chat = WeChatChat(wechat)
    assert chat.send("こんにちは").count("\n1. ") == 1
