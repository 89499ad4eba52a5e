"""The draft row behind the form: created when the form starts, rewritten after every answer."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from conversations.application.common import actor
from conversations.application.fields import NAMES
from conversations.context import Context
from storage.applications import create_draft, draft_for_user, save_draft

DATA_KEYS = (*NAMES, "eligibility_verdict")


def collect(answers: Mapping[str, Any]) -> dict[str, Any]:
    """What `applications.data` holds: every application field and profile answer known so far."""
    return {key: answers[key] for key in DATA_KEYS if key in answers}


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def save(ctx: Context) -> bool:
    answers = ctx.answers
    return save_draft(
        ctx.conn,
        user_id=ctx.user.id,
        programme=ctx.programme.id,
        data=collect(answers),
        track=_text(answers.get("track")),
        corporate_number=_text(answers.get("corporate_number")),
        company_name=_text(answers.get("company_name_ja")),
        now=ctx.now,
    )


def start(ctx: Context) -> bool:
    """Create the draft, or take up the existing one; True when a draft was resumed.

    The conversation state and the draft are written in the same transaction, so they agree;
    should the state have been lost, the draft's answers come back from the row.
    """
    draft = draft_for_user(ctx.conn, ctx.user.id, ctx.programme.id)
    if draft is None:
        create_draft(ctx.conn, user_id=ctx.user.id, programme=ctx.programme.id, actor=actor(ctx), now=ctx.now)
        save(ctx)
        return False
    for key, value in draft.data.items():
        ctx.answers.setdefault(key, value)
    return True
