"""/staff in the chat, for the accounts in JAPANMALL_STAFF only (registered staff_only: anyone
else gets the ordinary unknown-command answer and the attempt is logged by the engine).

/staff list [STATUS] · /staff show REF · /staff set REF STATUS [note] · /staff stats ·
/staff reply ID text. The company's notice is written into the outbox with the step
(conversations/staff/actions.py); the sender delivers it after the commit.
"""

from __future__ import annotations

import logging

from conversations.answers import choices
from conversations.answers.problems import Invalid
from conversations.application.common import actor
from conversations.broadcast_cmd import broadcast_command
from conversations.context import Context
from conversations.i18n import LANGUAGES
from conversations.numerals import is_number, read_int
from conversations.registry import Registry
from conversations.staff import actions, moves, review
from conversations.statuses import STATUSES, MoveRefused, allowed_moves
from storage import applications as store
from storage import staff as staff_store

log = logging.getLogger(__name__)
LIST_LIMIT = 30


def _name(ctx: Context, status: str) -> str:
    return ctx.t(f"core.status_names.{status}") if status in STATUSES else status


def _status(ctx: Context, given: str) -> str:
    """A status by its code or its name in either language (「採択」「入选」 → accepted)."""
    asked = choices.Question(STATUSES, "core.status_names", "status_names")
    for lang in (ctx.lang, *(other for other in LANGUAGES if other != ctx.lang)):
        try:
            found = choices.read(ctx.services.texts, lang, asked, given)
        except Invalid:
            continue
        if isinstance(found, str) and not is_number(given):
            return found
    return given


def _list(ctx: Context, args: str) -> None:
    status = _status(ctx, args.strip()) if args.strip() else None
    if status and status not in STATUSES:
        ctx.say("staff.chat.bad_status", given=status[:32], statuses=", ".join(STATUSES))
        return
    items = review.find(ctx.conn, ctx.programme, staff_store.Filters(status=status))
    if not items:
        ctx.say("staff.chat.none")
        return
    lines = [
        f"{row.reference} · {_name(ctx, row.status)} · {row.company_name or ''}"
        for row in (item.application for item in items[:LIST_LIMIT])
    ]
    ctx.say("staff.chat.list", count=len(items), lines="\n".join(lines), more=max(0, len(items) - LIST_LIMIT))


def _show(ctx: Context, args: str) -> None:
    row = store.application_by_reference(ctx.conn, args.strip().upper())
    if row is None:
        ctx.say("staff.chat.not_found", reference=args.strip()[:32])
        return
    history = "\n".join(
        f"{h.at.astimezone(ctx.programme.tz):%Y-%m-%d %H:%M} {_name(ctx, h.from_status or '')} → "
        f"{_name(ctx, h.to_status)}{' (' + h.note + ')' if h.note else ''}"
        for h in store.history(ctx.conn, row.id)
    )
    ctx.say(
        "staff.chat.show",
        reference=row.reference,
        company=row.company_name or "",
        status=_name(ctx, row.status),
        track=ctx.t(f"core.tracks.{row.track}") if row.track else "",
        size=review.size_of(row, ctx.programme),
        history=history,
        allowed=", ".join(moves_allowed(row.status)),
    )


def moves_allowed(status: str) -> list[str]:
    return list(allowed_moves(status, "staff"))


def _set(ctx: Context, args: str) -> None:
    parts = args.split(maxsplit=2)
    if len(parts) < 2:
        ctx.say("staff.chat.usage")
        return
    reference, wanted = parts[0], _status(ctx, parts[1])
    note = parts[2] if len(parts) > 2 else None
    try:
        done = actions.move(
            ctx.conn,
            ctx.services.texts,
            ctx.programme,
            reference,
            wanted,
            who=actor(ctx),
            now=ctx.now,
            note=note,
        )
    except moves.NotFound:
        ctx.say("staff.chat.not_found", reference=reference[:32])
        return
    except MoveRefused as refused:
        ctx.say(
            "staff.chat.refused",
            current=_name(ctx, refused.current),
            wanted=wanted[:32],
            allowed=", ".join(refused.allowed),
        )
        return
    moved = done.application
    log.info("staff moved an application", extra={"application_id": moved.id, "to": moved.status})
    ctx.woke_outbox = True  # its notice is in the outbox with this step
    ctx.say("staff.chat.moved", reference=moved.reference, status=_name(ctx, moved.status))


def _stats(ctx: Context, _args: str) -> None:
    figures = review.stats(ctx.conn, ctx.programme)
    by_status = "\n".join(f"{_name(ctx, key)}: {value}" for key, value in figures["status"].items())
    by_channel = ", ".join(f"{key}: {value}" for key, value in figures["channel"].items())
    by_language = ", ".join(f"{key}: {value}" for key, value in figures["language"].items())
    ctx.say(
        "staff.chat.stats", total=figures["total"], status=by_status, channel=by_channel, language=by_language
    )


def _reply(ctx: Context, args: str) -> None:
    parts = args.split(maxsplit=1)
    number = read_int(parts[0]) if parts else None
    if len(parts) < 2 or number is None:
        ctx.say("staff.chat.usage")
        return
    try:
        done = actions.reply(ctx.conn, ctx.services.texts, number, parts[1], who=actor(ctx), now=ctx.now)
    except LookupError:
        ctx.say("staff.chat.no_enquiry", id=parts[0][:12])
        return
    found = done.enquiry
    ctx.woke_outbox = True
    ctx.say("staff.chat.replied", id=found.id)


SUBCOMMANDS = {
    "list": _list,
    "show": _show,
    "set": _set,
    "stats": _stats,
    "reply": _reply,
    "broadcast": broadcast_command,  # /staff broadcast … is /broadcast … (a preview, then a confirm)
}


def staff(ctx: Context, args: str) -> None:
    sub, _, rest = args.strip().partition(" ")
    handler = SUBCOMMANDS.get(sub.lower())
    if handler is None:
        ctx.say("staff.chat.usage")
    else:
        handler(ctx, rest.strip())


def register(registry: Registry) -> None:
    registry.add_command("staff", staff, staff_only=True)
