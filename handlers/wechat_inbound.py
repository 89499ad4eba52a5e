"""A wechatpy message or event as what the core understands: an Inbound and its message key.

Messages are keyed FromUserName + MsgId, events FromUserName + CreateTime (docs/architecture.md; the event's
name and EventKey are added so that two different events in one second stay apart).

Every field is read from the parsed body defensively: a field that should be text may arrive as a
nested element (a dict) or repeated (a list), a size as 「²」 or 4,300 digits; such a field counts as
absent, never as an exception (a signed but odd message still gets a normal answer).
"""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass

from wechatpy.messages import BaseMessage

from conversations import FileRef, Inbound, Registry
from conversations.numerals import read_int
from handlers.wechat_xml import strip_controls
from storage import storable

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
    return storable.text(strip_controls(value if isinstance(value, str) else ""), MAX_TEXT)


def field(message: BaseMessage, name: str, limit: int = 1000) -> str:
    """A field of the body as text: "" when absent, nested or repeated (never raises)."""
    value = getattr(message, "_data", {}).get(name)
    return _text(value)[:limit] if isinstance(value, str) else ""


def _key(message: BaseMessage, *parts: str) -> str:
    return storable.key(":".join((field(message, "FromUserName", 200), *parts)))


def translate(message: BaseMessage, registry: Registry) -> Translated:
    raw = getattr(message, "_data", {})
    kind = str(raw.get("MsgType") or "").lower() if isinstance(raw.get("MsgType"), str) else ""
    msg_id = field(message, "MsgId", 64) or "0"
    key = _key(message, msg_id)
    if kind == "text":
        return Translated(STEP, Inbound(text=_text(raw.get("Content"))), key)
    if kind == "voice" and _text(raw.get("Recognition")).strip():
        return Translated(STEP, Inbound(text=_text(raw.get("Recognition"))), key)
    if kind == "image":
        media_id = field(message, "MediaId", 256) or None
        file = FileRef(
            name=f"wechat-image-{msg_id[:32]}.jpg",
            url=field(message, "PicUrl", 2000) or None,
            platform_id=media_id,
            mime="image/jpeg",
        )
        return Translated(STEP, Inbound(file=file), key, media_id=media_id)
    if kind == "event":
        return _event(message, registry)
    if kind == "file":
        name = (field(message, "Title") or field(message, "FileName") or f"wechat-file-{msg_id[:32]}")[:200]
        file = FileRef(
            name=name,
            platform_id=(field(message, "FileKey", 256) or field(message, "MediaId", 256)) or None,
            mime=mimetypes.guess_type(name)[0],
            size=read_int(field(message, "FileTotalLen", 64)),
        )
        return Translated(STEP, Inbound(file=file), key)
    return Translated(UNSUPPORTED)


def _event(message: BaseMessage, registry: Registry) -> Translated:
    event = field(message, "Event", 64).lower()
    # Two different buttons tapped within one second are two events; a retry repeats all three.
    event_key = field(message, "EventKey", 64)
    key = _key(message, field(message, "CreateTime", 32), event, event_key)
    if event in SUBSCRIBE_EVENTS:
        # The core's language flow: a bilingual question, then the welcome in the chosen language.
        return Translated(STEP, Inbound(text="/lang"), key, subscribe=True)
    if event == "unsubscribe":
        return Translated(UNSUBSCRIBE, message_key=key)
    if event == "click":
        return Translated(STEP, Inbound(text=click_command(event_key, registry)), key)
    return Translated(IGNORE)  # VIEW, LOCATION, SCAN, template receipts: nothing to answer


def click_command(event_key: str, registry: Registry) -> str:
    """The command a menu button stands for; the menu itself when that feature is not installed."""
    command = MENU_COMMANDS.get(event_key.strip().lower())
    if command and command in registry.commands:
        return f"/{command}"
    return "/start"
