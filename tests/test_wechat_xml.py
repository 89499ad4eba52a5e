"""WeChat XML in and out: `]]>` inside CDATA, control characters, malformed bodies, reply splitting."""

from __future__ import annotations

import pytest
import xmltodict
from wechatpy.messages import BaseMessage

from conversations import FileRef, Option, Outbound
from handlers.wechat_render import PART_LIMIT, pack, render, reply_parts, split_text, utf8_len
from handlers.wechat_xml import MalformedMessage, parse_message, parse_xml, text_reply
from tests.wechat_support import event_xml, image_xml, text_xml

USER = "oABCDEFGHIJKLMNOPQRSTUVWXYZ0"


@pytest.mark.parametrize(
    "content",
    [
        "plain",
        "a]]>b",
        "]]>",
        "ends with ]]",
        "x]]></Content><MsgId>1</MsgId>y",
        "</xml> in the middle",
        "a]]><![CDATA[b",
        "改行\nあり\r\n中文",
        "<b>&amp; not an entity</b>",
    ],
)
def test_user_text_comes_back_exactly_whatever_it_holds(content):
    message = parse_message(text_xml(USER, content, msg_id=42, create_time=1700000000))
    assert message.type == "text"
    assert message.content == content
    assert message.source == USER
    assert message.id == 42
    assert message.time == 1700000000


def test_wechatpy_own_parser_refuses_what_we_accept():
    from wechatpy import parse_message as wechatpy_parse

    with pytest.raises(Exception):  # noqa: B017 - expat's error: the reason this module exists
        wechatpy_parse(text_xml(USER, "a]]>b"))
    assert parse_message(text_xml(USER, "a]]>b")).content == "a]]>b"


def test_events_and_images_become_wechatpy_objects():
    subscribe = parse_message(event_xml(USER, "subscribe", 1700000001))
    assert (subscribe.type, subscribe.event, subscribe.time) == ("event", "subscribe", 1700000001)
    scan = parse_message(event_xml(USER, "subscribe", 1700000002, key="qrscene_123"))
    assert (scan.event, scan.scene_id) == ("subscribe_scan", "123")
    click = parse_message(event_xml(USER, "CLICK", key="status"))
    assert (click.event, click.key) == ("click", "status")
    image = parse_message(image_xml(USER, "MEDIA1", "http://mmbiz.example/pic.jpg", msg_id=7))
    assert (image.type, image.media_id, image.image, image.id) == (
        "image",
        "MEDIA1",
        "http://mmbiz.example/pic.jpg",
        7,
    )


def test_nested_event_fields_and_prolog_are_read():
    body = (
        '<?xml version="1.0" encoding="utf-8"?>\n<xml><ToUserName><![CDATA[gh]]></ToUserName>'
        f"<FromUserName><![CDATA[{USER}]]></FromUserName><CreateTime>1</CreateTime>"
        "<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[pic_weixin]]></Event>"
        "<EventKey><![CDATA[k]]></EventKey><SendPicsInfo><Count>2</Count><PicList>"
        "<item><PicMd5Sum><![CDATA[a]]></PicMd5Sum></item><item><PicMd5Sum><![CDATA[b]]></PicMd5Sum></item>"
        "</PicList></SendPicsInfo></xml>"
    )
    data = parse_xml(body)
    assert data["SendPicsInfo"]["Count"] == "2"
    assert [item["PicMd5Sum"] for item in data["SendPicsInfo"]["PicList"]["item"]] == ["a", "b"]
    assert isinstance(parse_message(body), BaseMessage)


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"hello",
        b'{"json": true}',
        b"<xml>",
        b"<xml><Content><![CDATA[never closed</Content></xml>",
        b"<xml><MsgType>text</MsgType></xml>",  # no FromUserName
        b"<xml><FromUserName>u</FromUserName><ToUserName>g</ToUserName><CreateTime>soon</CreateTime>"
        b"<MsgType>text</MsgType></xml>",
        b"<xml><FromUserName>u</FromUserName><CreateTime>1</CreateTime></xml>",  # no MsgType
        b"<xml>text<b>mixed</b></xml>",
        b"<root><a>1</a></root>",
        b"<xml><a>1</a></xml>trailing",
        "<xml><FromUserName>ü</FromUserName></xml>".encode("latin-1"),  # not UTF-8
        b"<xml>" + b"<a>" * 20 + b"x" + b"</a>" * 20 + b"</xml>",  # too deep
        b'<!DOCTYPE x [<!ENTITY a "aaaa">]><xml><a>&a;</a></xml>',
    ],
)
def test_malformed_bodies_are_refused(body):
    with pytest.raises(MalformedMessage):
        parse_message(body)


def test_reply_xml_stays_well_formed_whatever_the_user_typed():
    message = parse_message(text_xml(USER, "hi", create_time=1700000000))
    nasty = "a]]>b\x00c\x07d\x1be]]]]>f\ufffe\n<tag>&amp;"
    xml = text_reply(message, nasty)
    parsed = xmltodict.parse(xml)["xml"]  # expat: strict XML
    assert parsed["Content"] == "a]]>bcde]]]]>f\n<tag>&amp;"
    assert parsed["ToUserName"] == USER
    assert parsed["CreateTime"] == "1700000000"  # the message's: every retry renders the same bytes
    assert text_reply(message, nasty) == xml


def test_options_are_numbered_and_documents_linked():
    message = Outbound(
        "ご用件をお選びください。",
        options=(Option("check", "応募資格を確認する"), Option("apply", "応募する")),
        document=FileRef("application.xlsx", url="/files/abcdefghijklmnop"),
    )
    text = render(message, "https://bot.example.com")
    assert text.splitlines() == [
        "ご用件をお選びください。",
        "1. 応募資格を確認する",
        "2. 応募する",
        "application.xlsx",
        "https://bot.example.com/files/abcdefghijklmnop",
    ]
    assert render(Outbound("x", document=FileRef("a.pdf", url="https://cdn.example/a.pdf"))).endswith(
        "https://cdn.example/a.pdf"
    )
    assert render(Outbound("x", document=FileRef("local.xlsx", path="/tmp/local.xlsx"))) == "x\nlocal.xlsx"


def test_long_texts_split_at_line_ends_within_the_byte_limit():
    lines = [f"{i:04d} " + "応募" * 30 for i in range(200)]  # about 37,000 bytes
    text = "\n".join(lines)
    parts = split_text(text)
    assert len(parts) > 1
    assert all(utf8_len(part) <= PART_LIMIT for part in parts)
    assert "\n".join(parts) == text  # cut only at line ends: nothing lost, nothing reordered


def test_a_line_longer_than_the_limit_is_cut_between_characters():
    text = "漢" * 2000  # 6,000 bytes, no line end
    parts = split_text(text)
    assert "".join(parts) == text
    assert all(utf8_len(part) <= PART_LIMIT for part in parts)
    assert [utf8_len(part) for part in parts][:2] == [1998, 1998]


def test_short_messages_are_packed_into_one_part():
    parts = reply_parts([Outbound("one"), Outbound("two", options=(Option("a", "A"),))], None, ["hello"])
    assert parts == ["hello\n\none\n\ntwo\n1. A"]
    assert pack(["x" * 1500, "y" * 1500]) == ["x" * 1500, "y" * 1500]
