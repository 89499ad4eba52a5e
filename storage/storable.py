"""What may be written to the database, the same on SQLite and PostgreSQL.

SQLite stores a 300-character id in a VARCHAR(128) and a NUL inside a text without a word;
PostgreSQL refuses both (StringDataRightTruncation, "invalid byte sequence" / "unsupported Unicode
escape sequence" in JSONB), failing the step and then the apology. Everything a client sends is
therefore made storable at the edge, before it reaches a statement:

- a user id longer than `USER_ID_MAX` or holding a control character is not storable (the channel
  answers 400: no platform sends one);
- a message key over `KEY_MAX` is shortened to a prefix and a hash of the whole (still unique);
- a text loses its NUL and other C0 controls (tab and newlines stay) and is cut to `TEXT_MAX`.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

USER_ID_MAX = 128  # users.channel_user_id
KEY_MAX = 200  # inbound_keys.key, deliveries.dedup_key
TEXT_MAX = 4000  # characters of one inbound message
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class NotStorable(ValueError):
    """A value no platform sends and the database cannot hold (the channel answers 400)."""


def user_id(value: object) -> str:
    """A channel user id as stored, or NotStorable."""
    text = str(value)
    if not text or len(text) > USER_ID_MAX or _CONTROL.search(text):
        raise NotStorable(f"user id of {len(text)} characters or with a control character")
    return text


def key(value: str, limit: int = KEY_MAX) -> str:
    """A unique key that fits `limit` characters: long ones become a prefix and their sha256."""
    value = _CONTROL.sub("", value)
    if len(value) <= limit:
        return value
    digest = hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()
    return f"{value[: limit - len(digest) - 1]}#{digest}"


def text(value: object, limit: int = TEXT_MAX) -> str:
    """A text without NUL or other C0 controls (tab, LF, CR kept), at most `limit` characters."""
    return _CONTROL.sub("", str(value or ""))[:limit].encode("utf-8", "replace").decode("utf-8")


def clean(value: Any) -> Any:
    """A JSON-able value with every string made storable (NUL is refused by PostgreSQL's JSONB)."""
    if isinstance(value, str):
        return _CONTROL.sub("", value).encode("utf-8", "replace").decode("utf-8")
    if isinstance(value, dict):
        return {clean(k): clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [clean(item) for item in value]
    return value
