"""`japanmall staff list|show|set-status|stats|enquiries|reply` (docs/interfaces.md).

Exit codes: 0 done; 2 a usage problem, an unknown reference or enquiry, or a refused move (one
clear line on stderr). Notices go out after the move has committed, through bot/outbound.py.
"""

from __future__ import annotations

import dataclasses
import getpass
import json
import sys
from typing import Any

import click

from bot.staff_filters import filter_options, find
from bot.staff_views import Views
from conversations.staff import moves, review
from conversations.statuses import STATUSES, MoveRefused
from conversations.vocab import LANGUAGES
from storage import applications as store
from storage import channel_users
from storage import staff as staff_store


def _app() -> Any:
    from bot.cli import load_app

    return load_app()


def fail(message: str) -> None:
    click.echo(message, err=True)
    sys.exit(2)


def _json(value: Any) -> None:
    click.echo(json.dumps(value, ensure_ascii=False, indent=2, default=str))


def who() -> str:
    return f"cli:{getpass.getuser()}"


@click.command("list")
@filter_options()
@click.option("--labels", type=click.Choice(LANGUAGES), default="ja", help="Language of the table.")
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")
def list_(labels: str, as_json: bool, **filters: Any) -> None:
    """List the submitted applications, filtered: a table, or JSON."""
    app = _app()
    with app.engine.connect() as conn:
        items = find(conn, app.programme, filters)
    if as_json:
        _json([review.summary(item, app.programme) for item in items])
        return
    for line in Views(app.texts, labels, app.programme).listing(items):
        click.echo(line)


@click.command()
@click.argument("ref")
@click.option("--lang", "labels", type=click.Choice(LANGUAGES), default="ja", help="Language of the card.")
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")
def show(ref: str, labels: str, as_json: bool) -> None:
    """Show one application: every field by section, its verdict, history and deliveries."""
    app = _app()
    with app.engine.connect() as conn:
        row = store.application_by_reference(conn, ref.strip().upper())
        if row is None:
            fail(f"no application {ref}")
            return
        detail = review.detail(conn, app.programme, row)
        user = channel_users.by_id(conn, row.user_id)
    if as_json:
        _json(detail)
        return
    channel = user.channel if user else row.meta.get("channel", "console")
    for line in Views(app.texts, labels, app.programme).card(row, detail, channel):
        click.echo(line)


@click.command("set-status")
@click.argument("ref")
@click.argument("status", type=click.Choice(STATUSES))
@click.option("--note", help="A note kept in the history and shown to the company.")
@click.option("--sample-address", help="Where this company ships its samples (instead of the programme's).")
@click.option("--samples-due", type=click.DateTime(["%Y-%m-%d"]), help="Samples due date for this company.")
@click.option("--samples-units", type=click.IntRange(1, 100), help="How many samples this company ships.")
@click.option("--sales-data-due", type=click.DateTime(["%Y-%m-%d"]), help="Sales data due date for it.")
def set_status(ref: str, status: str, note: str | None, **settings: Any) -> None:
    """Move an application to STATUS (if the status machine allows it) and notify the company.

    The per-application settings are stored first, so the notice already gives them."""
    from bot.notices import settle_now
    from conversations.staff import actions

    app = _app()
    try:
        with app.engine.begin() as conn:
            row = store.application_by_reference(conn, ref.strip().upper())
            if row is None:
                raise moves.NotFound(ref)
            row = _with_settings(conn, row, settings)
            now = app.services.clock()
            done = actions.move(conn, app.texts, app.programme, row, status, who=who(), now=now, note=note)
    except moves.NotFound:
        fail(f"no application {ref}")
        return
    except MoveRefused as refused:
        fail(f"refused: {refused}")
        return
    sent = settle_now(app, done.delivery_id, done.outcome)
    click.echo(
        f"{done.application.reference}: {row.status} -> {done.application.status}; notice {sent.outcome}"
    )


def _with_settings(conn: Any, row: store.ApplicationRow, settings: dict[str, Any]) -> store.ApplicationRow:
    values = {
        moves.SAMPLE_ADDRESS: settings["sample_address"],
        moves.SAMPLES_DUE: settings["samples_due"].date().isoformat() if settings["samples_due"] else None,
        moves.SAMPLES_UNITS: settings["samples_units"],
        moves.SALES_DATA_DUE: settings["sales_data_due"].date().isoformat()
        if settings["sales_data_due"]
        else None,
    }
    values = {key: value for key, value in values.items() if value is not None}
    if not values:
        return row
    staff_store.set_meta(conn, row.id, {**row.meta, **values})
    return dataclasses.replace(row, meta={**row.meta, **values})


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")
def stats(as_json: bool) -> None:
    """Counts by status, track, category, company size, language and channel; applications per day."""
    app = _app()
    with app.engine.connect() as conn:
        figures = review.stats(conn, app.programme)
    if as_json:
        _json(figures)
        return
    click.echo(f"total: {figures['total']}")
    for key in ("status", "track", "category", "size", "language", "channel", "per_day"):
        click.echo(f"{key}:")
        for name, count in figures[key].items():
            click.echo(f"  {name}: {count}")


@click.command()
@click.option("--open", "open_only", is_flag=True, help="Only the enquiries not yet answered.")
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")
def enquiries(open_only: bool, as_json: bool) -> None:
    """The questions the bot passed to staff, with their answers."""
    app = _app()
    with app.engine.connect() as conn:
        rows = staff_store.enquiries(conn, open_only=open_only)
        references = {}
        for row in rows:
            linked = store.application_by_id(conn, row.application_id) if row.application_id else None
            references[row.application_id] = linked.reference if linked else None
    items = [
        {
            "id": row.id,
            "reference": references.get(row.application_id),
            "language": row.language,
            "question": row.question,
            "created_at": row.created_at.isoformat(),
            "answer": row.answer,
            "answered_at": row.answered_at.isoformat() if row.answered_at else None,
        }
        for row in rows
    ]
    if as_json:
        _json(items)
        return
    for item in items:
        state = "answered" if item["answer"] else "open"
        click.echo(
            f"#{item['id']} [{state}] {item['created_at']} {item['language']} {item['reference'] or '-'}"
        )
        click.echo(f"  Q: {item['question']}")
        if item["answer"]:
            click.echo(f"  A: {item['answer']}")


@click.command()
@click.argument("enquiry_id", metavar="ID", type=int)
@click.argument("text")
def reply(enquiry_id: int, text: str) -> None:
    """Answer enquiry ID; the company receives TEXT in the chat."""
    from bot.notices import settle_now
    from conversations.staff import actions

    if not text.strip():
        fail("the answer is empty")
    app = _app()
    try:
        with app.engine.begin() as conn:
            done = actions.reply(conn, app.texts, enquiry_id, text, who=who(), now=app.services.clock())
    except LookupError:
        fail(f"no enquiry {enquiry_id}")
        return
    sent = settle_now(app, done.delivery_id, done.outcome)
    click.echo(f"enquiry {done.enquiry.id} answered; reply {sent.outcome}")


COMMANDS = (list_, show, set_status, stats, enquiries, reply)
