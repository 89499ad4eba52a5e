"""Amounts of yen and head counts as people write them, in Japanese, Chinese or plain digits.

    parse_yen("3億円") == 300_000_000          parse_yen("5000万日元") == 50_000_000
    parse_yen("50百万円") == 50_000_000        parse_yen("1.5億") == 150_000_000
    parse_yen("３００,０００,０００") == 300_000_000
    parse_headcount("120人") == parse_headcount("百二十名") == 120

Both raise :class:`ParseError` (a ValueError) whose `reason` says what was wrong, so that a
conversation can answer in the user's language: "empty", "not_a_number", "currency" (a currency
other than yen), "not_whole", "negative", "too_large". `yen_in_words` writes an amount back the
way people say it (3億5,000万 / 3亿5000万), to repeat the number understood.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation

__all__ = ["REASONS", "ParseError", "parse_headcount", "parse_yen", "yen_in_words"]

REASONS = ("empty", "not_a_number", "currency", "not_whole", "negative", "too_large")
MAX_YEN = 10**15  # 1,000兆円: far above any company's capital
MAX_HEADCOUNT = 10_000_000


class ParseError(ValueError):
    """The text is not an amount (or head count); `reason` is one of REASONS."""

    def __init__(self, reason: str, text: str) -> None:
        super().__init__(f"{reason}: {text!r}")
        self.reason = reason
        self.text = text


_BIG = {"兆": 10**12, "億": 10**8, "亿": 10**8, "万": 10**4, "萬": 10**4}
_SMALL = {"千": 1000, "仟": 1000, "百": 100, "佰": 100, "十": 10, "拾": 10}
_WORDS = {"billion": 10**9, "bn": 10**9, "million": 10**6, "mn": 10**6, "m": 10**6, "k": 10**3}
_DIGIT_GROUPS = {"〇零": 0, "一壱壹": 1, "二弐贰貳两兩": 2, "三参叁": 3, "四肆": 4, "五伍": 5, "六陆陸": 6}
_DIGIT_GROUPS |= {"七柒": 7, "八捌": 8, "九玖": 9}
_KANJI_DIGITS = {char: value for chars, value in _DIGIT_GROUPS.items() for char in chars}
_DIGIT_CHARS = "".join(_KANJI_DIGITS)
_TOKEN = re.compile(
    r"(?P<num>\d+(?:,\d{3})*(?:\.\d+)?|\.\d+)"
    rf"|(?P<kanji>[{_DIGIT_CHARS}]+)"
    r"|(?P<small>[千仟百佰十拾])"
    r"|(?P<big>[兆億亿万萬])"
    r"|(?P<word>billion|million|bn|mn|m|k)"
)
_APPROX = re.compile(r"^(?:約|约|およそ|大約|大约|大概|approx\.?|about|ca\.?|~|〜|～)")
_APPROX_END = re.compile(r"(?:ほど|くらい|ぐらい|程度|前後|左右|上下|強|弱|余り|余|多)$")
_YEN = re.compile(r"日元|日圆|日幣|日币|円|えん|エン|jpy|yen|¥")
_FOREIGN = re.compile(r"人民币|人民幣|rmb|cny|usd|us\$|\$|ドル|美元|元|块|塊")
_PEOPLE = re.compile(r"(?:人|名|位|people|persons|person|employees|staff)$")
_LABEL = re.compile(r"^(?:資本金|资本金|注册资本|註冊資本|従業員数?|员工人数|员工|社員数?)[:：はが]?")


def _normalise(text: str) -> str:
    """Full-width to ASCII, lower case, no spaces; the Japanese comma as a comma."""
    text = unicodedata.normalize("NFKC", text).lower().replace("、", ",")
    return re.sub(r"[\s\u200b]+", "", text)


def _number(core: str, original: str) -> Decimal:
    """Digits with the units of Japanese and Chinese counting (億 万 千 百 十), and a few English words."""
    if not core:
        raise ParseError("not_a_number", original)
    total = Decimal(0)
    section = Decimal(0)
    pending: Decimal | None = None
    last_big, last_small = 10**20, 10**5
    position = 0
    for match in _TOKEN.finditer(core):
        if match.start() != position:
            raise ParseError("not_a_number", original)
        position = match.end()
        kind, token = match.lastgroup, match.group()
        if kind in ("num", "kanji"):
            if pending is not None:
                raise ParseError("not_a_number", original)
            if kind == "num":
                pending = Decimal(token.replace(",", ""))
            else:
                pending = Decimal("".join(str(_KANJI_DIGITS[c]) for c in token))
        elif kind == "small":
            unit = _SMALL[token]
            if unit >= last_small:
                raise ParseError("not_a_number", original)
            section += (pending if pending is not None else 1) * unit
            pending, last_small = None, unit
        else:
            unit = _BIG[token] if kind == "big" else _WORDS[token]
            if unit >= last_big or (pending is None and section == 0 and kind == "word"):
                raise ParseError("not_a_number", original)
            value = section + (pending or 0)
            total += (value if value else 1) * unit
            section, pending, last_big, last_small = Decimal(0), None, unit, 10**5
    if position != len(core):
        raise ParseError("not_a_number", original)
    return total + section + (pending or 0)


_NUMERAL = re.compile(r"[0-9一二三四五六七八九十百千〇零两壱弐参壹贰叁肆伍陆柒捌玖拾佰仟]")


def _strip(text: str) -> tuple[str, bool]:
    """Labels, "about", and a leading minus; returns the rest and whether it was negative."""
    text = _LABEL.sub("", text)
    text = _APPROX.sub("", text)
    text = _APPROX_END.sub("", text)
    negative = text.startswith(("-", "−", "▲", "△"))
    return text.lstrip("-−▲△+"), negative


def _whole(value: Decimal, negative: bool, limit: int, original: str) -> int:
    if negative and value != 0:
        raise ParseError("negative", original)
    if value != value.to_integral_value():
        raise ParseError("not_whole", original)
    if value > limit:
        raise ParseError("too_large", original)
    return int(value)


def parse_yen(text: str) -> int:
    """An amount of yen: "3億円", "5000万円", "300,000,000", "3亿日元", "50百万円", "1.5億", "¥3,000万"."""
    core = _normalise(text)
    if not core:
        raise ParseError("empty", text)
    core = _YEN.sub("", core)
    if _FOREIGN.search(core):
        raise ParseError("currency", text)
    core, negative = _strip(core)
    if not _NUMERAL.search(core):
        raise ParseError("not_a_number", text)  # "億円" or "万" alone is a unit, not an amount
    try:
        value = _number(core, text)
    except InvalidOperation:
        raise ParseError("not_a_number", text) from None
    return _whole(value, negative, MAX_YEN, text)


def parse_headcount(text: str) -> int:
    """A number of people: "120人", "120名", "１２０", "約120人", "百二十名", "1.2万人"."""
    core = _normalise(text)
    if not core:
        raise ParseError("empty", text)
    core, negative = _strip(core)
    core = _APPROX_END.sub("", _PEOPLE.sub("", core))
    try:
        value = _number(core, text)
    except InvalidOperation:
        raise ParseError("not_a_number", text) from None
    return _whole(value, negative, MAX_HEADCOUNT, text)


def yen_in_words(value: int, lang: str = "ja") -> str:
    """300000000 -> "3億" (ja) / "3亿" (zh); 350000000 -> "3億5,000万"; below 10,000 the plain digits."""
    units = (("兆", 10**12), ("億" if lang != "zh" else "亿", 10**8), ("万", 10**4))
    parts: list[str] = []
    rest = value
    for name, size in units:
        if rest >= size:
            count, rest = divmod(rest, size)
            parts.append(f"{count:,}{name}" if lang != "zh" else f"{count}{name}")
    if rest or not parts:
        parts.append(f"{rest:,}" if lang != "zh" else str(rest))
    return "".join(parts)
