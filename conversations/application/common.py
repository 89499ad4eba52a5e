"""Small pieces the application's modules share: back to the menu, the time zone, who acted."""

from __future__ import annotations

from datetime import datetime

from conversations.context import Context


def to_menu(ctx: Context) -> None:
    """Leave the form for the menu question (without the welcome again); /back cannot re-enter."""
    ctx.state.back_stack.clear()
    ctx.state.context.pop("return", None)
    ctx.move("menu", "choose", remember=False)
    ctx.ask_again()


def zone(ctx: Context, at: datetime | None = None) -> str:
    """The programme's time zone as the company reads it: 日本時間（UTC+09:00） / 日本时间（UTC+09:00）."""
    moment = (at or ctx.programme.dates.deadline).astimezone(ctx.programme.tz)
    offset = moment.strftime("%z")
    return ctx.t("application.zone", offset=f"{offset[:3]}:{offset[3:]}")


def actor(ctx: Context) -> str:
    """Who made a move, as status_history.actor records it (channel:user, as JAPANMALL_STAFF names staff)."""
    return f"{ctx.user.channel}:{ctx.user.channel_user_id}"
