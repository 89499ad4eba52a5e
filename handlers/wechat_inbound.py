"""A wechatpy message or event as what the core understands: an Inbound and its message key.

Messages are keyed FromUserName + MsgId, events FromUserName + CreateTime (docs/architecture.md; the event's
name and EventKey are added so that two different events in one second stay apart).
"""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass

from wechatpy.messages import BaseMessage

from conversations import FileRef, Inbound, Registry
from handlers.wechat_xml import strip_controls

STEP, UNSUBSCRIBE, UNSUPPORTED, IGNORE = "step", "unsubscribe", "unsupported", "ignore"
MAX_TEXT = 4000  # characters; WeChat itself allows about 2,048 bytes of text
# CLICK keys of the published menu (handlers/wechat_menu.py) -> the command each one stands for.
MENU_COMMANDS = {
    "check": "check",
    "apply": "apply",
    "form": "form",
    "status": "status",
    "ask": "ask",
    "help": "help",
    "lang": "lang",
}
SUBSCRIBE_EVENTS = frozenset({"subscribe", "subscribe_scan", "subscribe_scan_product"})


@dataclass(frozen=True, slots=True)
class Translated:
    action: str
    inbound: Inbound | None = None
    message_key: str | None = None
    media_id: str | None = None  # an image to fetch through media/get before the step
    subscribe: bool = False


def _text(value: object) -> str:
    return strip_controls(str(value or ""))[:MAX_TEXT]


def translate(message: BaseMessage, registry: Registry) -> Translated:
    source = message.source
    kind = message.type
    if kind == "text":
        return Translated(STEP, Inbound(text=_text(message.content)), f"{source}:{message.id}")
    if kind == "voice" and (message.recognition or "").strip():
        return Translated(STEP, Inbound(text=_text(message.recognition)), f"{source}:{message.id}")
    if kind == "image":
        file = FileRef(
            name=f"wechat-image-{message.id}.jpg",
            url=message.image or None,
            platform_id=message.media_id or None,
            mime="image/jpeg",
        )
        return Translated(
            STEP, Inbound(file=file), f"{source}:{message.id}", media_id=message.media_id or None
        )
    if kind == "event":
        return _event(message, registry)
    raw = getattr(message, "_data", {})
    if str(raw.get("MsgType", "")).lower() == "file":
        name = _text(raw.get("Title") or raw.get("FileName") or f"wechat-file-{message.id}")[:200]
        file = FileRef(
            name=name,
            platform_id=str(raw.get("FileKey") or raw.get("MediaId") or "") or None,
            mime=mimetypes.guess_type(name)[0],
            size=int(raw["FileTotalLen"]) if str(raw.get("FileTotalLen", "")).isdigit() else None,
        )
        return Translated(STEP, Inbound(file=file), f"{source}:{message.id}")
    return Translated(UNSUPPORTED)


def _event(message: BaseMessage, registry: Registry) -> Translated:
    event = str(message.event or "").lower()
    # Two different buttons tapped within one second are two events; a retry repeats all three.
    event_key = str(getattr(message, "_data", {}).get("EventKey") or "")[:64]
    key = f"{message.source}:{message.time}:{event}:{event_key}"
    if event in SUBSCRIBE_EVENTS:
        # The core's language flow: a bilingual question, then the welcome in the chosen language.
        return Translated(STEP, Inbound(text="/lang"), key, subscribe=True)
    if event == "unsubscribe":
        return Translated(UNSUBSCRIBE, message_key=key)
    if event == "click":
        return Translated(STEP, Inbound(text=click_command(str(message.key or ""), registry)), key)
    return Translated(IGNORE)  # VIEW, LOCATION, SCAN, template receipts: nothing to answer


def click_command(event_key: str, registry: Registry) -> str:
    """The command a menu button stands for; the menu itself when that feature is not installed."""
    command = MENU_COMMANDS.get(event_key.strip().lower())
    if command and command in registry.commands:
        return f"/{command}"
    return "/start"
