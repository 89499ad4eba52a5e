"""WeChat's XML in and out, tolerant of what WeChat really sends.

WeChat wraps text in CDATA without escaping it, so a user's `]]>` arrives as
`<Content><![CDATA[a]]>b]]></Content>`, which no XML parser accepts. WeChat's bodies are flat
(`<xml>` with one level of children, a few events one level deeper), so they are read here by a
small scanner: a field that carries user text ends at the LAST `]]></Name>`, every other field at
the first. Entities are not expanded (no entity attacks). The dict is then turned into wechatpy's
message classes exactly as `wechatpy.parser.parse_message` does.

Replies are wechatpy's `TextReply`, with `]]>` split across two CDATA sections and characters that
XML 1.0 forbids removed, so nothing a user types can break the reply.
"""

from __future__ import annotations

import re
from html import unescape
from typing import Any

from wechatpy.events import EVENT_TYPES
from wechatpy.messages import MESSAGE_TYPES, BaseMessage, UnknownMessage
from wechatpy.replies import TextReply

# Fields whose text a user writes; everything else is WeChat's own and never holds "]]>".
USER_TEXT = frozenset({"Content", "Recognition", "Title", "Description", "Url", "Label", "FileName"})
MAX_DEPTH = 4

_NAME = re.compile(r"<([A-Za-z_][\w.\-]*)\s*(/?)>")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff\ud800-\udfff]")
_PROLOG = re.compile(r"^\s*(<\?xml[^>]*\?>)?\s*", re.S)
_CDATA = "<![CDATA["


class MalformedMessage(ValueError):
    """The body is not a WeChat message (answered 400)."""


def strip_controls(text: str) -> str:
    """Remove the characters XML 1.0 cannot carry (keeps tab and newlines), and lone surrogates."""
    return _CONTROL.sub("", text)


def parse_xml(body: bytes | str) -> dict[str, Any]:
    """The children of `<xml>` as a dict (repeated names become lists)."""
    if isinstance(body, bytes):
        try:
            body = body.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise MalformedMessage("not UTF-8") from exc
    body = body.lstrip("\ufeff")
    start = _PROLOG.match(body).end()
    if not body.startswith("<xml>", start):
        raise MalformedMessage("no <xml> root")
    end = body.rstrip().rfind("</xml>")
    if end < start + 5 or body[end + 6 :].strip():
        raise MalformedMessage("no </xml> at the end")
    return _children(body, start + 5, end, 0)


def _children(text: str, pos: int, end: int, depth: int) -> dict[str, Any]:
    if depth > MAX_DEPTH:
        raise MalformedMessage("nested too deeply")
    found: dict[str, Any] = {}
    while True:
        while pos < end and text[pos].isspace():
            pos += 1
        if pos >= end:
            return found
        match = _NAME.match(text, pos, end)
        if match is None:
            raise MalformedMessage(f"expected an element at {pos}")
        name, pos = match.group(1), match.end()
        if match.group(2):  # <Name/>
            value: Any = ""
        else:
            value, pos = _value(text, name, pos, end, depth)
        _add(found, name, value)


def _value(text: str, name: str, pos: int, end: int, depth: int) -> tuple[Any, int]:
    close = f"</{name}>"
    if text.startswith(_CDATA, pos):
        marker = "]]>" + close
        stop = text.rfind(marker, pos, end) if name in USER_TEXT else text.find(marker, pos, end)
        if stop < 0:
            raise MalformedMessage(f"unterminated <{name}>")
        return text[pos + len(_CDATA) : stop], stop + len(marker)
    stop = text.find(close, pos, end)
    if stop < 0:
        raise MalformedMessage(f"unterminated <{name}>")
    inner = text[pos:stop]
    if inner.lstrip().startswith("<"):
        return _children(text, pos, stop, depth + 1), stop + len(close)
    if "<" in inner:
        raise MalformedMessage(f"mixed content in <{name}>")
    return unescape(inner), stop + len(close)


def _add(found: dict[str, Any], name: str, value: Any) -> None:
    if name not in found:
        found[name] = value
    elif isinstance(found[name], list):
        found[name].append(value)
    else:
        found[name] = [found[name], value]


def message_from_dict(message: dict[str, Any]) -> BaseMessage:
    """wechatpy's message or event object for a parsed body (as `wechatpy.parser.parse_message`)."""
    try:
        message_type = str(message["MsgType"]).lower()
        for name in ("FromUserName", "ToUserName"):
            if not message.get(name) or not isinstance(message[name], str):
                raise MalformedMessage(f"no {name}")
        int(message["CreateTime"])
        if message_type != "event":
            int(message.get("MsgId", 0))
    except KeyError as exc:
        raise MalformedMessage(f"missing {exc}") from None
    except (TypeError, ValueError):
        raise MalformedMessage("CreateTime or MsgId is not a number") from None
    if message_type == "event" or message_type.startswith("device_"):
        event_type = str(message["Event"]).lower() if "Event" in message else None
        if event_type is None and message_type.startswith("device_"):
            event_type = message_type
        elif message_type.startswith("device_"):
            event_type = f"device_{event_type}"
        if event_type == "subscribe" and message.get("EventKey"):
            event_key = str(message["EventKey"])
            if event_key.startswith(("scanbarcode|", "scanimage|")):
                event_type = message["Event"] = "subscribe_scan_product"
            elif event_key.startswith("qrscene_"):
                event_type = message["Event"] = "subscribe_scan"
                message["EventKey"] = event_key[len("qrscene_") :]
        return EVENT_TYPES.get(event_type, UnknownMessage)(message)
    return MESSAGE_TYPES.get(message_type, UnknownMessage)(message)


def parse_message(body: bytes | str) -> BaseMessage:
    return message_from_dict(parse_xml(body))


def cdata_safe(text: str) -> str:
    """Text that can sit inside `<![CDATA[...]]>` whatever it holds."""
    return strip_controls(text).replace("]]>", "]]]]><![CDATA[>")


def text_reply(message: BaseMessage, content: str) -> str:
    """The passive text reply to `message`, as XML. CreateTime is the message's, so retries match."""
    reply = TextReply(
        source=cdata_safe(message.target or ""),
        target=cdata_safe(message.source or ""),
        content=cdata_safe(content),
        time=int(message.time),
    )
    return reply.render()
