"""Amounts of yuan and counts of things read for a question, in the company's language.

`yuan` reads a price or a sales amount asked in yuan (「98元です」「一百二十八元」「1.28万元」):
¥ alone means yuan to a Chinese writer and may mean yen to a Japanese one, who is asked which
(「98元（人民元）」 or 「98円（日本円）」, the second refused: the question asks for yuan).
`count` reads a count (「十个」「8個くらい」); two numbers (「8個か10個」) are asked back.
"""

from __future__ import annotations

from decimal import Decimal

from conversations.answers.problems import Ambiguous, Invalid, Reading
from conversations.context import Context
from conversations.parsing import OTHER, YEN, YEN_OR_YUAN, ParseError, parse_count, parse_money

YUAN_WORDS = ("元", "人民元", "人民币", "rmb", "cny", "块")
YEN_WORDS = ("円", "日本円", "日元", "jpy")


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def yuan(
    ctx: Context, text: str, *, invalid: str, not_yuan: str, minimum: Decimal, maximum: Decimal
) -> int | float:
    """An amount of yuan from `minimum` to below `maximum`, at most 2 decimals.

    `invalid` is the reason's key for what is no such amount, `not_yuan` for another currency."""
    try:
        amount, currencies = parse_money(text)
    except ParseError:
        raise Invalid(invalid) from None
    if amount != amount.quantize(Decimal("0.01")) or not minimum <= amount < maximum:
        raise Invalid(invalid)
    if currencies & {YEN, OTHER}:
        raise Invalid(not_yuan)
    value = _number(amount)
    if YEN_OR_YUAN in currencies and ctx.lang != "zh":
        shown = f"{value:,}"
        raise Ambiguous(
            [
                Reading(value, ctx.t("core.currency.yuan", amount=shown), YUAN_WORDS),
                Reading(None, ctx.t("core.currency.yen", amount=shown), YEN_WORDS, refusal=not_yuan),
            ]
        )
    return value


def count(ctx: Context, text: str, *, invalid: str, units: str, **variables: object) -> int:
    """A whole number of 0 or more (the caller checks its range); `units` is the key that shows
    a count ("application.units": 5個 / 5个), `invalid` the reason's key for what is none."""
    try:
        return parse_count(text)
    except ParseError as problem:
        whole = [int(value) for value in problem.candidates if value == value.to_integral_value()]
        if problem.reason == "several" and len(whole) >= 2:
            raise Ambiguous([Reading(value, ctx.t(units, count=value)) for value in whole[:3]]) from None
        raise Invalid(invalid, **variables) from None
