"""/status (the application's status, what happens next, what is due, in the company's language)
and /apply.

Due dates come from the programme file: the samples `dates.samples_due_days` after acceptance (the
history row of the move to `accepted`), the sales data `dates.sales_data_due_days` after the
promotion ends (its planned end, or the move to `promotion_ended` when that came later).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from conversations.application.common import zone
from conversations.application.fields import open_fields
from conversations.context import Context
from conversations.registry import Registry
from storage.applications import ApplicationRow, applications_for_user, reached_at


def due_dates(ctx: Context, row: ApplicationRow) -> dict[str, Any]:
    dates = ctx.programme.dates
    samples_due = None
    if row.status == "accepted":
        accepted = reached_at(ctx.conn, row.id, "accepted")
        samples_due = accepted + timedelta(days=dates.samples_due_days) if accepted else None
    ended = reached_at(ctx.conn, row.id, "promotion_ended") if row.status == "promotion_ended" else None
    sales_data_due = max(ended or dates.promotion_end, dates.promotion_end) + timedelta(
        days=dates.sales_data_due_days
    )
    return {
        "deadline": dates.deadline,
        "zone": zone(ctx),
        "samples_due": samples_due,
        "promotion_start": dates.promotion_start,
        "promotion_end": dates.promotion_end,
        "sales_data_due": sales_data_due,
        "max_units": ctx.programme.samples.max_units,
        "ship_days": ctx.programme.shipping.max_days_after_order,
    }


def describe(ctx: Context, row: ApplicationRow) -> str:
    """One application: reference, status and track; then what happens next and what is due."""
    line = ctx.t(
        "core.status.line",
        reference=row.reference or "",
        status=ctx.t(f"core.status_names.{row.status}"),
        track=ctx.t(f"core.tracks.{row.track}") if row.track else "",
    )
    if row.programme != ctx.programme.id:
        return line
    variables = due_dates(ctx, row)
    if row.status == "draft":
        variables["remaining"] = len(open_fields(ctx.answers))
        variables["open"] = ctx.programme.intake_open(ctx.now)
    return line + "\n" + ctx.t(f"application.next.{row.status}", reference=row.reference or "", **variables)


def status(ctx: Context, _args: str) -> None:
    rows = applications_for_user(ctx.conn, ctx.user.id)
    if not rows:
        ctx.say("core.status.none")
    for row in rows:
        ctx.say_text(describe(ctx, row))
    ctx.ask_again()


def apply(ctx: Context, _args: str) -> None:
    """/apply: start the application, or take it up where it stopped."""
    ctx.state.context.pop("return", None)
    ctx.go("application")


def register(registry: Registry) -> None:
    registry.add_command("status", status)  # replaces the foundation's basic /status
    registry.add_command("apply", apply)
