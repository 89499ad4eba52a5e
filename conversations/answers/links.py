"""Links to product materials as people paste them, with the extraction code of a shared folder.

    「pan.baidu.com/s/1abc 提取码：8k2m」 → {"url": "https://pan.baidu.com/s/1abc", "code": "8k2m"}
    「https://pan.baidu.com/s/1Zz9?pwd=ab12」 → the same link, code "ab12"

A link may be written without https:// when its host is plain (pan.baidu.com, www.example.jp);
a code written after a link (提取码, 密码, パスワード, code) belongs to that link.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any
from urllib.parse import parse_qs, urlsplit

_LINK = re.compile(
    r"(?i)(?:https?://|www\.)[A-Za-z0-9\-._~:/?#\[\]@!$&'*+;=%]+"
    r"|(?<![A-Za-z0-9.@])(?:[A-Za-z0-9-]+\.)+(?:com|cn|jp|net|org|io|info|biz|tv)"
    r"(?:\.[a-z]{2})?(?:/[A-Za-z0-9\-._~:/?#\[\]@!$&'*+;=%]*)?"
)
_CODE = re.compile(
    r"(?i)(?:提取码|提取碼|取码|密码|密碼|パスワード|pwd|code|パス)\s*[:=]?\s*([A-Za-z0-9]{4,8})\b"
)
_TRAILING = ".,;:!?)'"


def _query_code(link: str) -> str | None:
    found = parse_qs(urlsplit(link).query).get("pwd")
    return found[0] if found else None


def links_in(text: str) -> list[dict[str, Any]]:
    """Every link of a text, each with its extraction code when one is given; BadValue when none."""
    # imported here: conversations.application imports this module (its parsers read links)
    from conversations.application.validators import BadValue, url

    value = unicodedata.normalize("NFKC", text)
    found: list[dict[str, Any]] = []
    matches = list(_LINK.finditer(value))
    for number, match in enumerate(matches):
        link = url(match.group().rstrip(_TRAILING))
        item: dict[str, Any] = {"url": link}
        end = matches[number + 1].start() if number + 1 < len(matches) else len(value)
        code = _CODE.search(value, match.end(), end)
        extraction = code.group(1) if code else _query_code(link)
        if extraction:
            item["code"] = extraction
        found.append(item)
    if not found:
        raise BadValue("materials_none")
    return found
