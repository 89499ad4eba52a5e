"""The core's messages as WeChat text: options numbered, documents as links, split to fit.

A passive reply carries about 2,048 bytes of UTF-8 (docs/architecture.md); we cut at 2,000 to keep a margin.
Messages are packed into as few parts as fit (fewer customer-service calls), split at line ends
where possible, never inside a character.
"""

from __future__ import annotations

from collections.abc import Iterable

from conversations import FileRef, Outbound

PART_LIMIT = 2000  # bytes of UTF-8 per passive reply or customer-service text
SEPARATOR = "\n\n"


def document_link(document: FileRef, public_url: str | None) -> str | None:
    """An absolute link for a document the bot offers (`/files/<token>` is served by `japanmall serve`)."""
    url = document.url
    if url and url.startswith(("http://", "https://")):
        return url
    if url and url.startswith("/"):
        return f"{public_url}{url}" if public_url else url
    return None


def render(message: Outbound, public_url: str | None = None) -> str:
    """One message as text; the core accepts the number, the label or the value of an option."""
    lines = [message.text] if message.text else []
    lines += [f"{number}. {option.label}" for number, option in enumerate(message.options, 1)]
    if message.document is not None:
        link = document_link(message.document, public_url)
        lines.append(f"{message.document.name}\n{link}" if link else message.document.name)
    return "\n".join(lines)


def utf8_len(text: str) -> int:
    return len(text.encode("utf-8"))


def split_text(text: str, limit: int = PART_LIMIT) -> list[str]:
    """Cut one text into parts of at most `limit` bytes, at line ends where a line fits."""
    if utf8_len(text) <= limit:
        return [text]
    parts: list[str] = []
    current = ""
    for line in text.split("\n"):
        candidate = f"{current}\n{line}" if current else line
        if utf8_len(candidate) <= limit:
            current = candidate
            continue
        if current:
            parts.append(current)
        while utf8_len(line) > limit:
            head = _cut(line, limit)
            parts.append(head)
            line = line[len(head) :]
        current = line
    if current:
        parts.append(current)
    return parts


def _cut(text: str, limit: int) -> str:
    """The longest prefix of `text` that fits in `limit` bytes (whole characters only)."""
    size = 0
    for index, char in enumerate(text):
        size += len(char.encode("utf-8"))
        if size > limit:
            return text[:index]
    return text


def pack(texts: Iterable[str], limit: int = PART_LIMIT) -> list[str]:
    """Join texts into as few parts as fit in `limit` bytes each, in order."""
    parts: list[str] = []
    current = ""
    for text in texts:
        if not text:
            continue
        for piece in split_text(text, limit):
            candidate = f"{current}{SEPARATOR}{piece}" if current else piece
            if utf8_len(candidate) <= limit:
                current = candidate
            else:
                parts.append(current)
                current = piece
    if current:
        parts.append(current)
    return parts


def reply_parts(
    messages: Iterable[Outbound], public_url: str | None = None, prefix: Iterable[str] = ()
) -> list[str]:
    """A whole reply as WeChat text parts: the first goes passively, the rest as customer service."""
    return pack([*prefix, *(render(message, public_url) for message in messages)])
