"""Fuzzing the readers of what clients send (issue 18), with hypothesis, bounded for CI.

- The WeChat XML reader (handlers/wechat_xml + wechat_inbound): 1,500 bodies built from WeChat's own
  field names with hostile values; every one is a message or MalformedMessage, never another
  exception, and the passive reply to it is well-formed XML carrying the text whole.
- The Telegram update reader (handlers/telegram.read_update): 1,000 bodies; an Update or None.
- Both over real HTTP through the core, on each database (150 WeChat, 100 Telegram examples): the
  status is one a client expects (200, 400, 403), a 200 is `success` or well-formed XML, and no
  step fails with a traceback.
"""

from __future__ import annotations

import itertools
import json
import logging
import time

import xmltodict
from defusedxml import ElementTree
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from telegram import Bot

from conversations import build_registry
from handlers import wechat_inbound
from handlers.telegram import read_update
from handlers.wechat_xml import MalformedMessage, parse_message, strip_controls, text_reply
from tests.fakes.telegram_chat import SECRET, serving

REGISTRY = build_registry()
BOT = Bot("123456:ABC-fuzz")
pytest_plugins = ["tests.wechat_fixtures", "tests.telegram_fixtures"]

FIELDS = [
    "ToUserName", "FromUserName", "CreateTime", "MsgType", "Content", "MsgId", "MediaId", "PicUrl",
    "Format", "Recognition", "Title", "FileName", "FileKey", "FileTotalLen", "Event", "EventKey",
    "Location_X", "Location_Y", "Scale", "Label", "Url", "Description", "ThumbMediaId", "Ticket",
]  # fmt: skip
TYPES = [
    "text",
    "image",
    "voice",
    "video",
    "shortvideo",
    "location",
    "link",
    "file",
    "event",
    "miniprogrampage",
]
EVENTS = ["subscribe", "unsubscribe", "CLICK", "VIEW", "SCAN", "LOCATION", "TEMPLATESENDJOBFINISH", "x"]
ODD = [
    "²",
    "①",
    "❶",
    "٣",
    "１２",
    "9" * 4400,
    "]]>",
    "\x00",
    "\x07",
    "&amp;",
    "&#0;",
    "<![CDATA[",
    "\ud800",
    "\ufeff",
]

hostile_text = st.one_of(
    st.text(max_size=40),
    st.sampled_from(ODD),
    st.lists(st.sampled_from([*ODD, "a", "あ", "你"]), max_size=6).map("".join),
)


def _value(draw: st.DrawFn, name: str) -> str:
    kind = draw(st.integers(0, 5))
    if kind == 0:  # nested elements where text belongs
        inner = draw(st.sampled_from(FIELDS))
        return f"<{inner}>{draw(st.sampled_from(ODD[:5]))}</{inner}>"
    if kind == 1:
        return draw(st.sampled_from(ODD)).replace("<", "&lt;")
    if name == "MsgType":
        return f"<![CDATA[{draw(st.sampled_from(TYPES))}]]>"
    if name == "Event":
        return f"<![CDATA[{draw(st.sampled_from(EVENTS))}]]>"
    if name in ("CreateTime", "MsgId", "FileTotalLen"):
        return str(draw(st.integers(0, 10**12))) if kind < 4 else draw(st.sampled_from(ODD[:6]))
    return "<![CDATA[" + draw(hostile_text).replace("]]>", "]]]]><![CDATA[>") + "]]>"


@st.composite
def wechat_bodies(draw: st.DrawFn) -> str:
    names = ["ToUserName", "FromUserName", "CreateTime", "MsgType"]
    names += draw(st.lists(st.sampled_from(FIELDS), max_size=6))
    if draw(st.booleans()):
        names = draw(st.permutations(names))
    parts = []
    for name in names:
        if name == "FromUserName" and draw(st.integers(0, 3)):
            parts.append(
                "<FromUserName><![CDATA[o"
                + draw(st.text("abcdef0123456789", min_size=5, max_size=27))
                + "]]></FromUserName>"
            )
        elif name == "CreateTime" and draw(st.integers(0, 3)):
            parts.append(f"<CreateTime>{int(time.time())}</CreateTime>")
        else:
            parts.append(f"<{name}>{_value(draw, name)}</{name}>")
    return "<xml>" + "".join(parts) + "</xml>"


def _reply_is_well_formed(xml: str, content: str) -> None:
    tree = ElementTree.fromstring(xml.encode("utf-8"))
    assert tree.tag == "xml"
    assert tree.findtext("MsgType") == "text"
    assert (tree.findtext("Content") or "") == content


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=wechat_bodies(), answer=hostile_text)
def test_the_wechat_xml_reader_never_raises_and_every_reply_is_well_formed(body, answer):
    try:
        message = parse_message(body.encode("utf-8", "surrogatepass"))
    except MalformedMessage:
        return
    translated = wechat_inbound.translate(message, REGISTRY)
    assert translated.action in {"step", "unsubscribe", "unsupported", "ignore"}
    if translated.inbound is not None:
        assert "\x00" not in translated.inbound.text
        assert translated.message_key is not None and len(translated.message_key) <= 200
    xml = text_reply(message, answer)
    # XML parsers read CR LF and CR as LF (XML 1.0, 2.11)
    _reply_is_well_formed(xml, strip_controls(answer).replace("\r\n", "\n").replace("\r", "\n"))


json_leaf = st.one_of(
    st.none(), st.booleans(), st.integers(-(2**70), 2**70), st.text(max_size=20), st.sampled_from(ODD)
)
json_any = st.recursive(
    json_leaf,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)


@st.composite
def telegram_updates(draw: st.DrawFn) -> dict:
    user = {
        "id": draw(st.integers(1, 2**40)) if draw(st.integers(0, 4)) else draw(json_leaf),
        "is_bot": draw(st.one_of(st.just(False), json_leaf)),
        "first_name": draw(st.one_of(st.just("T"), json_leaf)),
        "language_code": draw(st.one_of(st.sampled_from(["ja", "zh-hans", "en", "²"]), json_leaf)),
    }
    chat = {"id": user["id"], "type": draw(st.sampled_from(["private"] * 6 + ["group", "channel", "²"]))}
    message: dict = {
        "message_id": draw(st.integers(1, 10**9)),
        "date": int(time.time()) if draw(st.integers(0, 4)) else draw(st.integers(-(2**40), 2**40)),
        "chat": chat,
        "from": user,
    }
    extra = draw(st.sampled_from(["text", "caption", "photo", "document", "sticker", "junk", "none"]))
    if extra == "text":
        message["text"] = draw(
            st.one_of(hostile_text, st.sampled_from(["/start", "/lang zh", "①", "/staff list"]), json_leaf)
        )
    elif extra == "photo":
        message["photo"] = draw(
            st.lists(
                st.fixed_dictionaries(
                    {
                        "file_id": json_leaf,
                        "file_unique_id": json_leaf,
                        "width": json_leaf,
                        "height": json_leaf,
                    }
                ),
                max_size=2,
            )
        )
    elif extra == "document":
        message["document"] = draw(
            st.fixed_dictionaries(
                {
                    "file_id": json_leaf,
                    "file_unique_id": json_leaf,
                    "file_name": json_leaf,
                    "file_size": json_leaf,
                }
            )
        )
    elif extra == "junk":
        message.update(
            draw(
                st.dictionaries(
                    st.sampled_from(["entities", "reply_markup", "caption", "chat", "from"]),
                    json_any,
                    max_size=3,
                )
            )
        )
    elif extra == "caption":
        message["caption"] = draw(hostile_text)
    update: dict = {"update_id": draw(st.integers(1, 2**31))}
    shape = draw(st.sampled_from(["message", "callback_query", "my_chat_member", "edited_message", "odd"]))
    if shape == "message":
        update["message"] = message
    elif shape == "callback_query":
        update["callback_query"] = {
            "id": "cq",
            "from": user,
            "chat_instance": "c",
            "data": draw(st.one_of(hostile_text, json_leaf)),
            "message": message,
        }
    elif shape == "my_chat_member":
        update["my_chat_member"] = {
            "chat": chat,
            "from": user,
            "date": 1,
            "old_chat_member": {"status": "member", "user": user},
            "new_chat_member": {"status": draw(st.sampled_from(["kicked", "member", "²"])), "user": user},
        }
    else:
        update[shape] = draw(json_any)
    return update


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(update=telegram_updates(), raw=st.one_of(st.none(), st.binary(max_size=60)))
def test_the_telegram_update_reader_never_raises(update, raw):
    body = raw if raw is not None else json.dumps(update).encode()
    read = read_update(body, BOT)
    assert read is None or read.update_id == update["update_id"] or raw is not None


# -- the same, over real HTTP through the core, on each database --------------------------------------------
def test_hostile_wechat_bodies_over_http(wechat, caplog):
    http = wechat.http
    answered: list[str] = []

    @settings(max_examples=150, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
    @given(body=wechat_bodies())
    def post(body: str) -> None:
        response = http.client.post(
            "/wechat", params=http.signed_query(), content=body.encode("utf-8", "surrogatepass")
        )
        assert response.status_code in (200, 400), (body[:200], response.status_code, response.text)
        if response.status_code == 200 and response.text != "success":
            parsed = xmltodict.parse(response.text)["xml"]
            assert parsed["MsgType"] == "text" and parsed["Content"]
            answered.append(parsed["Content"])

    with caplog.at_level(logging.ERROR):
        post()
    wechat.wait_idle()
    assert len(answered) >= 10  # the fuzz reached the core, not only the 400s
    assert not [r for r in caplog.records if r.exc_info], [
        r.getMessage() for r in caplog.records if r.exc_info
    ][:3]


def test_hostile_telegram_updates_over_http(app, fake, caplog):
    import httpx

    with serving(app, fake, mode="webhook") as served:
        client = httpx.Client(base_url=served.url, timeout=30)
        headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
        update_ids = itertools.count(1)

        @settings(max_examples=100, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
        @given(update=telegram_updates())
        def post(update: dict) -> None:
            update["update_id"] = next(update_ids)  # each a new update (repeats are tested elsewhere)
            response = client.post("/telegram", content=json.dumps(update).encode(), headers=headers)
            assert response.status_code in (200, 400), (update, response.status_code)

        with caplog.at_level(logging.ERROR):
            post()
        client.close()
    failed = [r for r in caplog.records if r.exc_info]
    assert not failed, [f"{r.getMessage()}: {r.exc_info[1]!r}" for r in failed][:3]
    assert len(fake.calls_of("sendMessage")) >= 10  # the fuzz reached the core, not only the 400s
    for call in fake.calls_of("sendMessage"):
        assert isinstance(call.params["text"], str) and call.params["text"].strip()
