"""Opening a WeChat request: its size, its signature, safe-mode decryption, the message inside.

A body over the limit is None (413); a bad `signature` or `msg_signature`, or another account's
AppId inside the ciphertext, is a PermissionError (403); anything that is not a WeChat message is
a MalformedMessage (400). Nothing here touches the database.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from wechatpy.crypto import WeChatCrypto
from wechatpy.exceptions import InvalidAppIdException, InvalidSignatureException
from wechatpy.messages import BaseMessage
from wechatpy.utils import check_signature

from handlers.wechat_xml import MalformedMessage, parse_message, parse_xml


async def read_body(request: Request, limit: int) -> bytes | None:
    """The body, or None when it is larger than `limit` bytes (read no further than that)."""
    length = request.headers.get("content-length")
    if length is not None and length.isdigit() and int(length) > limit:
        return None
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


def signed(token: str, query: Any) -> bool:
    """The `signature` of every request from WeChat: sha1 of the sorted token, timestamp and nonce."""
    try:
        check_signature(token, query.get("signature", ""), query.get("timestamp", ""), query.get("nonce", ""))
    except InvalidSignatureException:
        return False
    return True


def open_message(body: bytes, query: Any, crypto: WeChatCrypto | None, encrypted: bool) -> BaseMessage:
    """The message of a signed request, decrypted in safe mode (`encrypt_type=aes`)."""
    if not encrypted:
        return parse_message(body)
    if crypto is None:
        raise MalformedMessage("safe mode is not configured (JAPANMALL_WECHAT_AES_KEY)")
    outer = parse_xml(body)
    if not isinstance(outer.get("Encrypt"), str):
        raise MalformedMessage("no Encrypt element")
    try:
        inner = crypto.decrypt_message(
            outer, query.get("msg_signature", ""), query.get("timestamp", ""), query.get("nonce", "")
        )
    except InvalidSignatureException:
        raise PermissionError("invalid msg_signature") from None
    except InvalidAppIdException:
        raise PermissionError("wrong AppId") from None
    except Exception as exc:  # base64, padding, lengths: anything else is a broken body
        raise MalformedMessage(f"cannot decrypt: {type(exc).__name__}") from None
    return parse_message(inner)
