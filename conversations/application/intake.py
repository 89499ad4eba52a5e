"""Intake rules from the programme file (docs/programme-rules.md: capacity, deadline): when an application can
be started or submitted, and the one-application-per-company rule.

- not before `dates.intake_opens`, not after `dates.deadline` (stated with its time zone);
- not after staff closed intake (the `kv` row `intake_closed:<programme>`);
- not once `capacity` companies hold a place (every application but drafts and withdrawals);
- one application per company (its corporate number; a Chinese subsidiary gives its Japanese
  parent's), one track, once: the account that applied (or one staff linked to it) is told the
  state of its application; any other account only that the company has applied, with no
  reference, status, date or track (corporate numbers are public), and to contact the programme;
  staff see the attempt as an enquiry filed against the application.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from conversations import phase
from conversations.application.common import to_menu, zone
from conversations.context import Context
from conversations.flow import HANDLED
from storage.applications import ApplicationRow, first_for_company
from storage.enquiries import create_enquiry
from storage.links import linked_users

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Refusal:
    key: str
    variables: dict[str, Any] = field(default_factory=dict)


def refusal(ctx: Context) -> Refusal | None:
    """Why no application can be taken now (from the programme's phase, conversations/phase.py),
    or None. At submission, call it under the intake lock."""
    programme = ctx.programme
    dates = programme.dates
    now = phase.current(ctx)
    if now.name == phase.BEFORE:
        return Refusal("application.intake.not_open", {"opens": dates.intake_opens, "zone": zone(ctx)})
    if now.intake_open:
        return None
    if now.reason == phase.DEADLINE:
        return Refusal("application.intake.deadline_passed", {"deadline": dates.deadline, "zone": zone(ctx)})
    if now.reason == phase.BY_STAFF:
        return Refusal("application.intake.closed")
    return Refusal("application.intake.full", {"capacity": programme.capacity})


def say(ctx: Context, refused: Refusal) -> None:
    ctx.say(refused.key, **refused.variables)


def owns(ctx: Context, row: ApplicationRow) -> bool:
    """The application is this account's own, or staff linked this account to it."""
    return row.user_id == ctx.user.id or ctx.user.id in linked_users(ctx.conn, row.id)


def tell_existing(ctx: Context, first: ApplicationRow, *, same_user: bool) -> None:
    """The company applied already. Its own account hears the state of that application; any
    other account hears only that the company applied (nothing of the application), and the
    attempt is filed for staff."""
    if not (same_user or owns(ctx, first)):
        ctx.say("privacy.already_company")
        who = f"{ctx.user.channel}:{ctx.user.channel_user_id}"
        note = ctx.services.texts.render(
            "ja", "privacy.staff.attempt", reference=first.reference or "", who=who
        )
        create_enquiry(
            ctx.conn,
            user_id=ctx.user.id,
            language=ctx.lang,
            question=note,
            now=ctx.now,
            application_id=first.id,
        )
        log.info(
            "corporate number of another account's application entered",
            extra={"application_id": first.id, "user_id": ctx.user.id},
        )
        return
    ctx.say(
        "application.already.own",
        reference=first.reference or "",
        status=ctx.t(f"core.status_names.{first.status}"),
        track=ctx.t(f"core.tracks.{first.track}") if first.track else "",
        submitted=first.submitted_at,
    )


def on_corporate_number(ctx: Context, number: str) -> str | None:
    """A second application by the same company (by corporate number) is refused at once."""
    first = first_for_company(ctx.conn, ctx.programme.id, number)
    if first is None:
        return None
    ctx.answers.pop("corporate_number", None)
    tell_existing(ctx, first, same_user=first.user_id == ctx.user.id)
    to_menu(ctx)
    return HANDLED
