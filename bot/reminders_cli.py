"""`japanmall reminders …`: run what is due now (or at a given moment), and see what became of it."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import click

from storage import deliveries

OUTCOMES = deliveries.OUTCOMES  # the outbox's, as everywhere


def _moment(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        at = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(
            f"{value!r} is not an ISO 8601 moment, e.g. 2026-01-23T10:00+09:00"
        ) from None
    return at if at.tzinfo else at.replace(tzinfo=UTC)


@click.group()
def reminders() -> None:
    """Deadline, samples and sales-data reminders (the server sends them every minute)."""


@reminders.command("run")
@click.option("--now", "now_text", metavar="ISO8601", help="The moment to run at (default: now).")
@click.option("--dry-run", is_flag=True, help="List what is due; send nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list.")
def run_command(now_text: str | None, dry_run: bool, as_json: bool) -> None:
    """Send (or list) the reminders due at that moment."""
    from bot import reminders as rules
    from bot.cli import load_app

    app = load_app()
    now = _moment(now_text)
    report = asyncio.run(rules.run(app, now=now, dry_run=dry_run))
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False, default=str, indent=1))
        return
    if not report:
        click.echo("Nothing is due.")
    for row in report:
        shown = row.get("delivery") or row["outcome"]  # the outbox's outcome when there is a row
        detail = f" ({row['detail']})" if row.get("detail") else ""
        click.echo(
            f"{row['reference'] or '(draft #' + str(row['application_id']) + ')'}\t{row['rule']}"
            f"\t{row['offset']:+d}d\t{row['channel']}\tuser {row['user']}\t{shown}{detail}"
        )


@reminders.command("list")
@click.option("--outcome", type=click.Choice(OUTCOMES), multiple=True, help="Only these outcomes.")
@click.option("--limit", default=100, show_default=True, type=click.IntRange(1, 10000))
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list.")
def list_command(outcome: tuple[str, ...], limit: int, as_json: bool) -> None:
    """What was sent, held (console, quiet), waiting (WeChat, for the user's next message) or failed."""
    from bot.cli import load_app
    from storage import reminders as store

    app = load_app()
    with app.engine.connect() as conn:
        rows = store.report(conn, "reminder", outcome or None, limit)
    items = [
        {
            "reference": row.reference,
            "rule": (row.dedup_key or "").split(":")[2] if row.dedup_key else None,
            "channel": row.channel,
            "user": row.user_id,
            "outcome": row.outcome,
            "error": row.error,
            "created_at": row.created_at.isoformat(),
            "sent_at": row.sent_at.isoformat() if row.sent_at else None,
        }
        for row in rows
    ]
    if as_json:
        click.echo(json.dumps(items, ensure_ascii=False, indent=1))
        return
    counts: dict[str, int] = {}
    for item in items:
        counts[item["outcome"]] = counts.get(item["outcome"], 0) + 1
        error = f"\t{item['error']}" if item["error"] else ""
        click.echo(
            f"{item['created_at'][:16]}\t{item['reference'] or '-'}\t{item['rule']}\t{item['channel']}"
            f"\t{item['outcome']}{error}"
        )
    click.echo("Total: " + (", ".join(f"{name} {n}" for name, n in sorted(counts.items())) or "none"))


@reminders.command("timezone")
@click.argument("reference")
@click.argument("zone")
def timezone_command(reference: str, zone: str) -> None:
    """Set the time zone of an application's company (quiet hours): e.g. Asia/Shanghai, or 'default'."""
    from bot.cli import fail, load_app
    from storage import reminders as store

    value: str | None = None if zone == "default" else zone
    if value is not None:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            fail(f"japanmall: unknown time zone {zone!r} (e.g. Asia/Tokyo, Asia/Shanghai)")
    app = load_app()
    with app.engine.begin() as conn:
        user_id = store.set_timezone(conn, reference.strip().upper(), value)
    if user_id is None:
        fail(f"japanmall: no application {reference}")
    click.echo(f"{reference}: reminders now follow {value or 'the default zone (channel and language)'}.")
