"""The form's readers of free text: validators bound to their texts (`application.invalid.*`)."""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from conversations.answers import amounts, choices
from conversations.answers.links import links_in
from conversations.application import validators as check
from conversations.context import Context
from conversations.flow import Invalid

Parser = Callable[[Context, str], Any]


def checked(validate: Callable[[str], Any]) -> Parser:
    """A parser from a pure validator: its BadValue becomes the reason the company reads."""

    def parse(_ctx: Context, text: str) -> Any:
        try:
            return validate(text)
        except check.BadValue as bad:
            raise Invalid(f"application.invalid.{bad.reason}", **bad.variables) from None

    parse.__name__ = getattr(validate, "__name__", "parse")
    return parse


def plain(limit: int = 200) -> Parser:
    """Free text, spaces tidied, at most `limit` characters."""

    def parse(_ctx: Context, text: str) -> str:
        value = re.sub(r"[ \t\u3000]+", " ", text).strip()
        if len(value) > limit:
            raise Invalid("application.invalid.too_long", limit=limit, length=len(value))
        return value

    return parse


def samples(ctx: Context, text: str) -> int:
    """How many samples (E6): 「10個」「十个」「8個くらい」; 1 to the programme's maximum."""
    maximum = ctx.programme.samples.max_units
    count = amounts.count(
        ctx, text, invalid="application.invalid.samples_number", units="application.units", maximum=maximum
    )
    if not 1 <= count <= maximum:
        raise Invalid("application.invalid.samples_range", maximum=maximum)
    return count


def price(ctx: Context, text: str) -> int | float:
    """The retail price in yuan: 「98元です」「一百二十八元」「¥128.50」 (¥ asked back in Japanese)."""
    return amounts.yuan(
        ctx,
        text,
        invalid="application.invalid.price",
        not_yuan="application.invalid.price_not_yuan",
        minimum=Decimal("0.01"),
        maximum=Decimal(10_000_000),
    )


def store_platforms(ctx: Context) -> tuple[str, ...]:
    track = ctx.programme.tracks.get("kol_affiliate")
    return track.store_platforms if track else ()


def platforms(ctx: Context, text: str) -> list[str]:
    """EC platforms of the store (E3): numbers as listed, names, several at once (「REDとDouyin」)."""
    allowed = store_platforms(ctx)
    asked = choices.Question(allowed, "application.options.ec_platforms", "ec_platforms", multiple=True)
    try:
        chosen = choices.read(ctx.services.texts, ctx.lang, asked, text)
    except Invalid:
        raise Invalid("application.invalid.platforms", count=len(allowed)) from None
    return list(chosen)


def materials(ctx: Context, text: str) -> dict[str, Any]:
    """Product materials sent as text: the words that end the list, or links (with their codes)."""
    if choices.ends_list(text, ctx.lang):
        return {"done": True}
    try:
        return {"links": links_in(text)}
    except check.BadValue as bad:
        raise Invalid(f"application.invalid.{bad.reason}") from None
