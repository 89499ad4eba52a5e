"""Amounts of yen and head counts as people write them, in Japanese, Chinese or plain digits.

    parse_yen("3億円") == 300_000_000          parse_yen("5000万日元") == 50_000_000
    parse_yen("50百万円") == 50_000_000        parse_yen("1.5億") == 150_000_000
    parse_yen("３００,０００,０００") == 300_000_000
    parse_headcount("120人") == parse_headcount("百二十名") == 120

The number may sit in a sentence (「5,000万円です」「資本金は1億円です」「大概80个人」「8個くらい送ります」):
the one number of the text is read, the words around it are not, unless they make it a bound
(「3億円以下」「120人以上」) or there is more than one number. `parse_count` reads a count of
things (「十个」「5箱」「3万PVくらい」), `parse_money` an amount with the currencies it names
(「一百二十八元」「98元です」「￥98」, where ¥ alone may be yen or yuan).

All raise :class:`ParseError` (a ValueError) whose `reason` says what was wrong, so that a
conversation can answer in the user's language: "empty", "not_a_number", "currency" (a currency
other than yen), "not_whole", "negative", "too_large", "several" (two numbers: `candidates`).
`yen_in_words` writes an amount back the way people say it (3億5,000万 / 3亿5000万), to repeat
the number understood.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation
from typing import NamedTuple

__all__ = [
    "REASONS",
    "Money",
    "ParseError",
    "parse_count",
    "parse_headcount",
    "parse_money",
    "parse_yen",
    "yen_in_words",
]

REASONS = ("empty", "not_a_number", "currency", "not_whole", "negative", "too_large", "several")
MAX_YEN = 10**15  # 1,000兆円: far above any company's capital
MAX_HEADCOUNT = 10_000_000
MAX_COUNT = 10**12


class ParseError(ValueError):
    """The text is not an amount (or head count); `reason` is one of REASONS."""

    def __init__(self, reason: str, text: str, candidates: tuple[Decimal, ...] = ()) -> None:
        super().__init__(f"{reason}: {text!r}")
        self.reason = reason
        self.text = text
        self.candidates = candidates


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
_YEN = re.compile(r"日元|日圆|日幣|日币|円|えん|エン|jpy|yen|¥")
_FOREIGN = re.compile(r"人民币|人民幣|rmb|cny|usd|us\$|\$|ドル|美元|元|块|塊")


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
# one number as written: digits or counting characters, with an English multiplier after digits
_RUN = re.compile(
    rf"(?:\d[\d,]*(?:\.\d+)?|\.\d+|[{_DIGIT_CHARS}千仟百佰十拾兆億亿万萬])+"
    r"(?:(?:billion|million|bn|mn|k|m)(?![a-z]))?"
)
# words that hold a counting character but no number (一共 "in all", 十分 "enough")
_NOT_NUMBERS = re.compile(
    r"一共|一下|一些|一点|一定|一般|一起|一緒|一番|万一|十分|一度|一応|一旦|一部|一律|一括|统一|統一|唯一|一致"
    r"|一同|一切|一直|一样|一様|単一|单一|百货|百貨|第一|千万别|零售|零売|零件"
)
_BOUND = re.compile(r"以下|以上|未満|未满|超え|超过|超|以内|不到|不足|以外|まで|至少|最多|最少")
_NEGATIVE = ("-", "−", "▲", "△")


def _single(core: str, original: str) -> tuple[str, bool]:
    """The one number in a text and whether a minus stands before it; the rest must not bound it."""
    blanked = _NOT_NUMBERS.sub(lambda match: "_" * len(match.group()), core)
    runs = [match for match in _RUN.finditer(blanked) if _NUMERAL.search(match.group())]
    if len(runs) > 1:
        values = []
        for match in runs:
            try:
                values.append(_number(match.group(), original))
            except ParseError:
                raise ParseError("not_a_number", original) from None
        raise ParseError("several", original, tuple(values))
    if not runs:
        raise ParseError("not_a_number", original)
    run = runs[0]
    if _BOUND.search(blanked[: run.start()] + " " + blanked[run.end() :]):
        raise ParseError("not_a_number", original)
    return run.group(), blanked[: run.start()].endswith(_NEGATIVE)


def _read(core: str, original: str, limit: int, *, whole: bool = True) -> Decimal:
    try:
        number, negative = _single(core, original)
        value = _number(number, original)
    except ParseError as problem:
        if problem.reason == "several" and not whole:
            raise
        if problem.reason == "several":
            raise ParseError("not_a_number", original) from None
        raise
    except InvalidOperation:
        raise ParseError("not_a_number", original) from None
    if negative and value != 0:
        raise ParseError("negative", original)
    if whole and value != value.to_integral_value():
        raise ParseError("not_whole", original)
    if value > limit:
        raise ParseError("too_large", original)
    return value


def parse_yen(text: str) -> int:
    """An amount of yen: "3億円", "5000万円", "300,000,000", "3亿日元", "50百万円", "1.5億", "¥3,000万"."""
    core = _normalise(text)
    if not core:
        raise ParseError("empty", text)
    core = _YEN.sub("", core)
    if _FOREIGN.search(core):
        raise ParseError("currency", text)
    return int(_read(core, text, MAX_YEN))


def parse_headcount(text: str) -> int:
    """A number of people: "120人", "120名", "１２０", "約120人", "百二十名", "1.2万人", "大概80个人"."""
    core = _normalise(text)
    if not core:
        raise ParseError("empty", text)
    return int(_read(core, text, MAX_HEADCOUNT))


def parse_count(text: str, limit: int = MAX_COUNT) -> int:
    """A count of things in a sentence: "10個", "十个", "5箱", "3万PVくらい", "一共6个", "200单左右".
    Two numbers ("8個か10個") raise "several" with both as `candidates`."""
    core = _normalise(text)
    if not core:
        raise ParseError("empty", text)
    value = _read(core, text, limit, whole=False)
    if value != value.to_integral_value():
        raise ParseError("not_whole", text)
    return int(value)


YUAN, YEN, YEN_OR_YUAN, OTHER = "yuan", "yen", "yen_or_yuan", "other"
_CURRENCY = re.compile(
    r"人民币|人民幣|人民元|日元|日圆|日币|日幣|円|えん|エン|元|块|塊|rmb|cny|jpy|yen|usd|us\$|美元|ドル|\$|¥"
)
_CURRENCY_OF = {
    **dict.fromkeys(("人民币", "人民幣", "人民元", "元", "块", "塊", "rmb", "cny"), YUAN),
    **dict.fromkeys(("日元", "日圆", "日币", "日幣", "円", "えん", "エン", "jpy", "yen"), YEN),
    **dict.fromkeys(("usd", "us$", "美元", "ドル", "$"), OTHER),
    "¥": YEN_OR_YUAN,
}


class Money(NamedTuple):
    """An amount and the currencies its text named (yuan, yen, yen_or_yuan for ¥ alone, other)."""

    amount: Decimal
    currencies: frozenset[str]


def parse_money(text: str, limit: int = MAX_YEN) -> Money:
    """An amount of money in a sentence: "98元です", "一百二十八元", "¥128.50", "1.28万元", "约150元"."""
    core = _normalise(text)
    if not core:
        raise ParseError("empty", text)
    currencies = frozenset(_CURRENCY_OF[match] for match in _CURRENCY.findall(core))
    value = _read(_CURRENCY.sub("_", core), text, limit, whole=False)
    return Money(value, currencies)


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
