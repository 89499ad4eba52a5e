"""/status (the application's status, what happens next, what is due, in the company's language)
and /apply.

Due dates come from the programme file: the samples `dates.samples_due_days` after acceptance (the
history row of the move to `accepted`), the sales data `dates.sales_data_due_days` after the
promotion ends (its planned end, or the move to `promotion_ended` when that came later).
"""

from __future__ import annotations

from typing import Any

from conversations.application.common import zone
from conversations.application.fields import open_fields
from conversations.context import Context
from conversations.registry import Registry
from storage.applications import ApplicationRow
from storage.links import visible_to


def due_dates(ctx: Context, row: ApplicationRow) -> dict[str, Any]:
    from conversations.staff import moves  # here: conversations.staff imports this package

    dates = ctx.programme.dates
    # staff may set the dates and the sample address per application (applications.meta)
    samples_due = moves.samples_due(ctx.conn, ctx.programme, row) if row.status == "accepted" else None
    sales_data_due = moves.sales_data_due(ctx.conn, ctx.programme, row)
    return {
        "deadline": dates.deadline,
        "zone": zone(ctx),
        "samples_due": samples_due,
        "promotion_start": dates.promotion_start,
        "promotion_end": dates.promotion_end,
        "sales_data_due": sales_data_due,
        "max_units": ctx.programme.samples.max_units,
        "address": row.meta.get(moves.SAMPLE_ADDRESS),
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
        variables["remaining"] = len(open_fields(ctx.answers, ctx.programme))
        variables["open"] = ctx.programme.intake_open(ctx.now)
    return line + "\n" + ctx.t(f"application.next.{row.status}", reference=row.reference or "", **variables)


def status(ctx: Context, _args: str) -> None:
    rows = visible_to(ctx.conn, ctx.user.id)  # never another's
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
    registry.add_command("status", status)
    registry.add_command("apply", apply)
