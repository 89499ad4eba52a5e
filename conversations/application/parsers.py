"""The form's readers of free text: validators bound to their texts (`application.invalid.*`)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

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
    return checked(lambda value: check.sample_count(value, ctx.programme.samples.max_units))(ctx, text)


PLATFORM_NAMES = {
    "red": ("red", "xiaohongshu", "小红书", "小紅書", "レッド"),
    "douyin": ("douyin", "抖音", "tiktok", "ティックトック"),
    "wechat_shop": ("wechat_shop", "wechat", "微信小店", "微信", "weixin", "wechat mini shop", "微信小店铺"),
}


def store_platforms(ctx: Context) -> tuple[str, ...]:
    track = ctx.programme.tracks.get("kol_affiliate")
    return track.store_platforms if track else ()


def platforms(ctx: Context, text: str) -> list[str]:
    """EC platforms of the store (E3): numbers as listed or names, separated by commas or spaces."""
    allowed = store_platforms(ctx)
    chosen: list[str] = []
    for token in filter(None, re.split(r"[,、，/・&+\s]+|と|和|及び|及", check.clean(text))):
        value = None
        if token.isdigit() and 1 <= int(token) <= len(allowed):
            value = allowed[int(token) - 1]
        else:
            folded = token.casefold()
            for name in allowed:
                label = ctx.t(f"application.options.ec_platforms.{name}").casefold()
                if folded == label or folded in PLATFORM_NAMES.get(name, (name,)):
                    value = name
        if value is None:
            raise Invalid("application.invalid.platforms", count=len(allowed))
        if value not in chosen:
            chosen.append(value)
    if not chosen:
        raise Invalid("application.invalid.platforms", count=len(allowed))
    return [name for name in allowed if name in chosen]


DONE_WORDS = frozenset({"done", "完了", "以上", "終わり", "おわり", "完成", "好了", "完毕", "结束", "就这些"})


def materials(_ctx: Context, text: str) -> dict[str, Any]:
    """Product materials sent as text: the word for "done", or one or more links."""
    if check.clean(text).casefold() in DONE_WORDS:
        return {"done": True}
    try:
        return {"links": check.urls_in(text)}
    except check.BadValue as bad:
        raise Invalid(f"application.invalid.{bad.reason}") from None
