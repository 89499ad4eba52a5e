"""Opening a WeChat request: its size, its signature, its freshness, safe-mode decryption, the message.

A body over the limit is None (413); a bad `signature` or `msg_signature`, or another account's
AppId inside the ciphertext, is a PermissionError (403); anything that is not a WeChat message is
a MalformedMessage (400). A client that goes away while sending the body raises ClientDisconnect
(the channel answers 499 and logs one plain line).

Replay: in plain mode WeChat signs only token, timestamp and nonce — not the body — so one query
string seen once (a proxy's access log) would let anyone post any body as anyone. Therefore a
timestamp more than `WINDOW` from this server's clock is refused, and each (timestamp, nonce) is
remembered for that window with the hash of its body (`ReplayGuard`, in the `kv` table, shared by
every process): the same pair with another body is refused, a byte-identical retry passes (and the
core answers it with the stored reply). Safe mode also signs the ciphertext (`msg_signature`), so
there the body cannot be swapped at all; see README, "WeChat: safe mode in production".
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine
from starlette.requests import Request
from wechatpy.crypto import WeChatCrypto
from wechatpy.exceptions import InvalidAppIdException, InvalidSignatureException
from wechatpy.messages import BaseMessage
from wechatpy.utils import check_signature

from conversations import Refused
from handlers.wechat_xml import MalformedMessage, parse_message, parse_xml
from storage import kv, storable

WINDOW = 300  # seconds either side of this server's clock
NONCE_PREFIX = "wechat:nonce:"


class Replayed(Refused):
    """A timestamp and nonce already taken with another body (answered 403)."""


async def read_body(request: Request, limit: int) -> bytes | None:
    """The body, or None when it is larger than `limit` bytes (read no further than that)."""
    length = request.headers.get("content-length")
    if length is not None and length.isascii() and length.isdigit() and int(length) > limit:
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


def timestamp_of(query: Any) -> int | None:
    """The request's `timestamp` as a number of seconds, or None when it is not one."""
    value = query.get("timestamp", "")
    if not (value.isascii() and value.isdigit()) or len(value) > 12:
        return None
    return int(value)


def fresh(query: Any, now: float, window: int = WINDOW) -> bool:
    """Whether the signed timestamp is within `window` seconds of `now` (either side)."""
    stamp = timestamp_of(query)
    return stamp is not None and abs(now - stamp) <= window


class ReplayGuard:
    """Each (timestamp, nonce) once, for one body: remembered in `kv` until it is stale anyway."""

    def __init__(self, engine: Engine, wall: Callable[[], float] = time.time, window: int = WINDOW) -> None:
        self.engine = engine
        self.wall = wall
        self.window = window

    def admit(self, query: Any, body: bytes) -> bool:
        """True for a pair not seen before, or seen with exactly this body (a retry); else False.
        In a transaction of its own: for requests that run no step (unsubscribe, unsupported)."""
        with self.engine.begin() as conn:
            return self.check(conn, query, body)

    def refuse_replayed(self, query: Any, body: bytes) -> Callable[[Connection], None]:
        """The check as the core's `admit` (conversations.Admit): run first in the step's own
        transaction, one commit for both; raises Replayed for a pair taken with another body."""

        def admit(conn: Connection) -> None:
            if not self.check(conn, query, body):
                raise Replayed("timestamp and nonce replayed")

        return admit

    def check(self, conn: Connection, query: Any, body: bytes) -> bool:
        """`admit` on a connection in a transaction the caller began (on the hot path: every message)."""
        stamp = timestamp_of(query)
        assert stamp is not None, "check fresh() first"
        key = storable.key(f"{NONCE_PREFIX}{stamp}:{query.get('nonce', '')}", 128)
        digest = hashlib.sha256(body).hexdigest()
        now = datetime.fromtimestamp(self.wall(), UTC)
        until = datetime.fromtimestamp(stamp + self.window + 60, UTC)
        return kv.insert_if_absent(conn, key, digest, now, until) == digest

    def purge(self) -> int:
        with self.engine.begin() as conn:
            return kv.purge_expired(conn, NONCE_PREFIX, datetime.fromtimestamp(self.wall(), UTC))
