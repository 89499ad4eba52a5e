"""`/broadcast` for staff in the chat (staff-only; named so as not to clash with `/staff`).

    /broadcast status=accepted lang=zh ja=日本語の本文 zh=中文正文   → counts and a preview, then
    /broadcast yes                                                 → queued (or /broadcast no)

The request waits in the staff user's state until confirmed; on `yes` a `broadcasts` row is
written as `queued` in this step's transaction, and the server's minute job (bot/scheduler.py)
sends it through bot/broadcast.py and tells the staff member the result.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from conversations.answers.polarity import polarity
from conversations.context import Context
from conversations.registry import Registry
from storage import broadcasts as store

KEYS = ("status", "track", "lang", "channel", "ref", "ja", "zh")
_SPLIT = re.compile(r"(?:^|\s)(" + "|".join(KEYS) + r")=")
PENDING = "broadcast_request"


def parse(args: str) -> dict[str, list[str]] | None:
    """`key=value` pairs; ja= and zh= run to the next key. None when a text is missing."""
    parts = _SPLIT.split(args.strip())
    found: dict[str, list[str]] = {}
    for name, value in zip(parts[1::2], parts[2::2], strict=True):
        value = value.strip()
        if name in ("ja", "zh"):
            found[name] = [value]
        else:
            found.setdefault(name, []).extend(v for v in value.split(",") if v)
    if not (found.get("ja", [""])[0] and found.get("zh", [""])[0]):
        return None
    return found


def _confirmation(ctx: Context, args: str) -> str | None:
    """ "yes" or "no" to a waiting broadcast, as staff write it (/broadcast はい, /broadcast 确定)."""
    if "=" in args:
        return None  # a request, whatever words its texts hold
    readings = polarity(args, ctx.lang) & {"yes", "no"}
    return next(iter(readings)) if len(readings) == 1 else None


def broadcast_command(ctx: Context, args: str) -> None:
    answer = _confirmation(ctx, args)
    pending: dict[str, Any] | None = ctx.state.context.get(PENDING)
    if answer is not None:
        if pending is None:
            ctx.say("reminders.broadcast.usage")
        elif answer == "no":
            ctx.state.context.pop(PENDING, None)
            ctx.say("reminders.broadcast.cancelled")
        else:
            ctx.state.context.pop(PENDING, None)
            recipients = _recipients(ctx, pending)
            broadcast_id = store.create(
                ctx.conn,
                created_by=f"{ctx.user.channel}:{ctx.user.channel_user_id}",
                filters={**pending["filters"], "requested_by_user": ctx.user.id},
                text_ja=pending["ja"],
                text_zh=pending["zh"],
                recipients=recipients,
                now=ctx.now,
                status=store.QUEUED,
            )
            ctx.say("reminders.broadcast.started", id=broadcast_id)
        ctx.ask_again()
        return
    request = parse(args)
    if request is None:
        ctx.say("reminders.broadcast.usage")
        ctx.ask_again()
        return
    pending = {
        "filters": {k: v for k, v in request.items() if k not in ("ja", "zh")},
        "ja": request["ja"][0],
        "zh": request["zh"][0],
    }
    recipients = _recipients(ctx, pending)
    if not recipients:
        ctx.say("reminders.broadcast.nobody")
        ctx.ask_again()
        return
    ctx.state.context[PENDING] = pending
    counts = Counter((r.channel, r.language) for r in recipients)
    summary = "\n".join(f"{channel} / {lang}: {n}" for (channel, lang), n in sorted(counts.items()))
    ctx.say("reminders.broadcast.preview", count=len(recipients), summary=summary)
    ctx.say_text(f"— ja —\n{pending['ja']}\n— zh —\n{pending['zh']}")
    ctx.say("reminders.broadcast.confirm", count=len(recipients))
    ctx.ask_again()


def _recipients(ctx: Context, pending: dict[str, Any]) -> list[store.Recipient]:
    filters = pending["filters"]
    return store.recipients(
        ctx.conn,
        ctx.programme.id,
        statuses=filters.get("status", ()),
        tracks=filters.get("track", ()),
        languages=filters.get("lang", ()),
        channels=filters.get("channel", ()),
        references=filters.get("ref", ()),
    )


def register(registry: Registry) -> None:
    registry.add_command("broadcast", broadcast_command, staff_only=True)
