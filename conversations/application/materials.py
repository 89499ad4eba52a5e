"""Product materials (E7): photos or a manual, sent as files in the chat or as links, until "done".

Each file becomes a `files` row (kind "material") of the company's draft, for staff; the answers
keep the list under "materials" (name/path/mime/size of a file, or the url of a link).
"""

from __future__ import annotations

from typing import Any

from conversations.context import Context
from conversations.flow import HANDLED
from storage.application_files import MATERIAL, add_file
from storage.applications import draft_for_user

MAX_ITEMS = 30


def on_materials(ctx: Context, value: dict[str, Any]) -> str | None:
    items: list[dict[str, Any]] = list(ctx.answers.get("materials") or [])
    if value.get("done"):
        if not items:
            ctx.say("application.materials.need_one")
            ctx.ask_again()
            return HANDLED
        return None  # on to the next question
    if len(items) >= MAX_ITEMS:
        ctx.say("application.materials.too_many", limit=MAX_ITEMS)
        ctx.ask_again()
        return HANDLED
    if "links" in value:
        items += value["links"][: MAX_ITEMS - len(items)]  # {"url": …} with its "code" when given
    else:
        item = {key: value.get(key) for key in ("name", "path", "url", "mime", "size")}
        items.append(item)
        draft = draft_for_user(ctx.conn, ctx.user.id, ctx.programme.id)
        add_file(
            ctx.conn,
            kind=MATERIAL,
            name=str(item["name"] or "material"),
            path=item["path"],
            url=item["url"],
            mime=item["mime"],
            size=item["size"],
            user_id=ctx.user.id,
            application_id=draft.id if draft else None,
            now=ctx.now,
        )
    ctx.answers["materials"] = items
    ctx.say("application.materials.received", count=len(items))  # asks for more or "done"
    return HANDLED
