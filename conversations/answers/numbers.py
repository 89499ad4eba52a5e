"""An option chosen by its number as people type it: 「2」「２」「②」「²」「2番」「第一个」「选2」「1と3」.

Digits of any script are read as the digits they are; counting characters (一…十) too. Anything
else is not a number here (None), and a number outside the list is the reader's to refuse: no
text ever raises.
"""

from __future__ import annotations

import re
import unicodedata

from conversations.numerals import ascii_digits, read_int
from conversations.parsing import ParseError, parse_count

_PREFIX = re.compile(r"^(?:第|选择|选|選択|選|no\.?|#|番号|number)")
_SUFFIX = re.compile(
    r"(?:番目|番|号|个|個|つ目|つめ|項目|项|項|です|でお願いします|にします|を選びます|を選択します|で|吧|呀|啊|"
    r"[.。)）:：])+$"
)
_SEPARATORS = re.compile(r"[,、，/・&+\s]+|と|和|及び|及|や|跟")
_COUNTING = re.compile(r"[一二三四五六七八九十两〇零壱弐参]+")
MAX_DIGITS = 4  # no list is longer; "12345678" is not an option number


def _number(part: str) -> int | None:
    part = _SUFFIX.sub("", _PREFIX.sub("", part))
    number = read_int(part, max_digits=MAX_DIGITS)  # digits of every script and form
    if number is not None:
        return number
    if _COUNTING.fullmatch(part):
        try:
            return parse_count(part)
        except ParseError:
            return None
    return None


def option_numbers(text: str) -> list[int] | None:
    """The numbers a text names, in order ("1と3" → [1, 3]); None when it is not only numbers."""
    folded = ascii_digits(unicodedata.normalize("NFKC", text)).strip().lower()  # ② ² ２ ❶ ٢ → 2
    parts = [part for part in _SEPARATORS.split(folded) if part]
    numbers = [_number(part) for part in parts]
    if not numbers or any(number is None for number in numbers):
        return None
    return [number for number in numbers if number is not None]
