"""`japanmall staff link|erase|intake`: the records staff keep right (docs/interfaces.md).

- `link REF CHANNEL:USER`: a second chat account of the same company (a colleague on WeChat,
  say) sees the application too (/status, /apply), as its own.
- `erase REF`: the company's personal data removed on request (the call's contact handles such
  requests): every free-text field of its applications, its conversations (states, the message
  log, stored replies and deliveries that quote it), its enquiries' texts and its files. What
  stays: that the application existed, its status and status history, and answers that are codes,
  yes/no or numbers.
- `intake close|open`: staff close intake before the deadline, or reopen it.

Exit codes: 0 done; 2 an unknown reference or a malformed account (one line on stderr).
"""

from __future__ import annotations

import logging
from typing import Any

import click

from bot.staff_commands import fail, who
from conversations.application.fields import KIND
from conversations.eligibility import VERDICT_KEY
from conversations.eligibility.profile import PROFILE_KEYS
from storage import applications as store
from storage import erasure
from storage.dialog import get_or_create_user
from storage.intake import intake_closed, set_intake_closed
from storage.links import link as link_account
from storage.links import linked_users

log = logging.getLogger(__name__)

# Answers that hold no person: codes, yes/no, numbers, and the consents (a version and a time).
KEPT_KINDS = frozenset({"bool", "choice", "platforms", "yen", "headcount", "cny", "count", "consent"})
KEPT_META = ("language", "channel", "source", VERDICT_KEY, "consent", "imported_at")


def _app() -> Any:
    from bot.cli import load_app

    return load_app()


def kept_data(data: dict[str, Any]) -> dict[str, Any]:
    return {
        key: value
        for key, value in data.items()
        if key in PROFILE_KEYS or key == VERDICT_KEY or KIND.get(key) in KEPT_KINDS
    }


def personal_values(data: dict[str, Any]) -> list[str]:
    """The texts an erase removes (searched for in stored replies and deliveries too)."""
    values = []
    for key, value in data.items():
        if key in kept_data(data) or value is None:
            continue
        if isinstance(value, str):
            values.append(value)
        elif isinstance(value, list):
            values += [
                str(v) for item in value for v in (item.values() if isinstance(item, dict) else [item])
            ]
    return [value for value in values if value]


@click.command()
@click.argument("ref")
@click.argument("account")
def link(ref: str, account: str) -> None:
    """Link a second chat account (CHANNEL:USER, e.g. wechat:o6_bmjrPTlm6) to an application."""
    channel, _, user = account.partition(":")
    if not channel or not user:
        fail(f"account must be CHANNEL:USER, e.g. wechat:o6_bmj…, not {account!r}")
    app = _app()
    now = app.services.clock()
    with app.engine.begin() as conn:
        row = store.application_by_reference(conn, ref.strip().upper())
        if row is None:
            fail(f"no application {ref}")
            return
        target = get_or_create_user(conn, channel, user, now)
        added = row.user_id != target.id and link_account(
            conn, application_id=row.id, user_id=target.id, by=who(), now=now
        )
    log.info("account linked", extra={"reference": row.reference, "user_id": target.id})
    click.echo(f"{row.reference}: {account} {'linked' if added else 'was linked already'}")


@click.command()
@click.argument("ref")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def erase(ref: str, yes: bool) -> None:
    """Erase a company's personal data; the application's existence and history stay."""
    app = _app()
    now = app.services.clock()
    with app.engine.begin() as conn:
        row = store.application_by_reference(conn, ref.strip().upper())
        if row is None:
            fail(f"no application {ref}")
            return
        if not yes:
            click.confirm(f"Erase the personal data of {row.reference}?", abort=True)
        users = {row.user_id, *linked_users(conn, row.id)}
        rows = [r for uid in users for r in store.applications_for_user(conn, uid)]
        if row.id not in {r.id for r in rows}:
            rows.append(row)
        values: list[str] = []
        keep = {}
        for item in rows:
            values += personal_values(item.data)
            meta = {key: item.meta[key] for key in KEPT_META if key in item.meta}
            meta["erased"] = {"at": now.isoformat(), "by": who()}
            keep[item.id] = (kept_data(item.data), meta)
        paths = erasure.erase(
            conn,
            application_ids=[item.id for item in rows],
            user_ids=sorted(users),
            keep=keep,
            values=values,
            now=now,
        )
    removed = erasure.remove_files(paths)
    log.info("personal data erased", extra={"reference": row.reference, "files": removed})
    click.echo(f"{row.reference}: personal data erased ({len(rows)} application(s), {removed} file(s))")


@click.command()
@click.argument("action", type=click.Choice(["close", "open", "status"]))
def intake(action: str) -> None:
    """Close intake before the deadline, reopen it, or say whether it is closed."""
    app = _app()
    programme = app.programme.id
    with app.engine.begin() as conn:
        if action != "status":
            set_intake_closed(conn, programme, action == "close", by=who(), now=app.services.clock())
        closed = intake_closed(conn, programme)
    log.info("intake switch", extra={"programme": programme, "closed": closed})
    click.echo(f"{programme}: intake {'closed by staff' if closed else 'not closed by staff'}")


__all__ = ["erase", "intake", "link"]
