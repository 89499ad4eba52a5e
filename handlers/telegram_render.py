"""Our outbound messages as Telegram messages, and button data back into our terms.

- Text goes out with no parse mode, so nothing in it needs escaping and nothing a user typed
  (`<b>`, `*`, `_`) can break a message; a text over 4,096 characters (counted in UTF-16 code
  units, as Telegram counts) is split at a line break, else at a space, else anywhere.
- Options become an inline keyboard, one button a row, the keyboard on the last part.
- A button carries "<step>|<value>" (the question it belongs to and the option's value) when
  that fits in Telegram's 64 bytes; otherwise "~<digest>" and the pair is kept in the database
  under the digest, so that any process can read it back.
"""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Message

from conversations import Option, Outbound

MESSAGE_LIMIT = 4096  # characters (UTF-16 code units) in one message
CALLBACK_LIMIT = 64  # bytes of callback data
HASHED = "~"
NO_STEP = ""

Remember = Callable[[str, str | None, str], Awaitable[None]]  # (digest, step, value)


def callback_key(digest: str) -> str:
    """Where a long button's (step, value) is kept (the kv table)."""
    return f"telegram:button:{digest}"


def encode_callback(step: str | None, value: str) -> tuple[str, str | None]:
    """The button's data, and the digest to remember the pair under when it had to be shortened."""
    plain = f"{step or NO_STEP}|{value}"
    if len(plain.encode("utf-8")) <= CALLBACK_LIMIT and not plain.startswith(HASHED):
        return plain, None
    digest = hashlib.sha256(f"{step or NO_STEP}\x00{value}".encode()).hexdigest()[:32]
    return HASHED + digest, digest


def decode_callback(data: str) -> tuple[str | None, str] | str:
    """(step, value) from plain data; the digest (a str) when the pair must be looked up."""
    if data.startswith(HASHED):
        return data[len(HASHED) :]
    step, _, value = data.partition("|")
    return (step or None), value


def utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def split_text(text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """Parts of at most `limit` UTF-16 code units, cut at a line break or space where possible."""
    parts: list[str] = []
    rest = text
    while utf16_length(rest) > limit:
        units = 0
        cut = 0
        for index, char in enumerate(rest):
            units += 2 if ord(char) > 0xFFFF else 1
            if units > limit:
                cut = index
                break
        head = rest[:cut]
        at = head.rfind("\n")
        if at <= 0:
            at = max(head.rfind(" "), head.rfind("\u3000"))
        if at > 0:
            parts.append(head[:at])
            rest = rest[at + 1 :]
        else:
            parts.append(head)
            rest = rest[cut:]
    if rest or not parts:
        parts.append(rest)
    return parts


async def keyboard(
    options: Sequence[Option], step: str | None, remember: Remember
) -> InlineKeyboardMarkup | None:
    if not options:
        return None
    rows = []
    for option in options:
        data, digest = encode_callback(step, option.value)
        if digest is not None:
            await remember(digest, step, option.value)
        rows.append([InlineKeyboardButton(option.label, callback_data=data)])
    return InlineKeyboardMarkup(rows)


async def send_outbound(bot: Bot, chat_id: int, message: Outbound, remember: Remember) -> list[Message]:
    """Send one of our messages: its text in parts, its keyboard, then its document."""
    sent: list[Message] = []
    markup = await keyboard(message.options, message.step, remember)
    parts = split_text(message.text) if message.text.strip() else []
    for index, part in enumerate(parts):
        last = index == len(parts) - 1
        sent.append(await bot.send_message(chat_id, part, reply_markup=markup if last else None))
    document = message.document
    if document is not None:
        if document.path:
            with Path(document.path).open("rb") as handle:
                sent.append(await bot.send_document(chat_id, handle, filename=document.name))
        elif document.url:
            sent.append(await bot.send_document(chat_id, document.url, filename=document.name))
    return sent
