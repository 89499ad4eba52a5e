"""`japanmall staff user add|list|disable|password`: the staff console's accounts.

The password is read from standard input with --password-stdin (one line; for scripts), else
asked twice without echo. It is never printed, logged or passed on the command line.
"""

from __future__ import annotations

import sys

import click

from conversations.vocab import LANGUAGES
from staff_console import accounts


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


def _app():  # type: ignore[no-untyped-def]
    from bot.cli import load_app

    return load_app()


def _fail(problem: accounts.AccountError) -> None:
    click.echo(f"japanmall: {problem}", err=True)
    sys.exit(2)


@click.group("user")
def user() -> None:
    """Accounts of the staff console (/staff/ of `japanmall serve`)."""


@user.command("add")
@click.argument("name")
@click.option("--role", required=True, type=click.Choice(accounts.ROLES), help="What the account may do.")
@click.option(
    "--lang",
    "language",
    type=click.Choice(LANGUAGES),
    default="ja",
    show_default=True,
    help="The console's language for this account (changeable in the console).",
)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def add(name: str, role: str, language: str, password_stdin: bool) -> None:
    """Add an account NAME with a role: viewer reads, reviewer also acts, admin also administers."""
    app = _app()
    try:
        accounts.add(app.engine, app.services.clock, name, role, _password(password_stdin), language)
    except accounts.AccountError as problem:
        _fail(problem)
    click.echo(f"Account {accounts.check_name(name)} ({role}) added.")


@user.command("list")
def list_() -> None:
    """The accounts, their roles and whether they are disabled."""
    app = _app()
    for account in accounts.listing(app.engine):
        state = f"disabled {account.disabled_at:%Y-%m-%d}" if account.disabled_at else "active"
        click.echo(f"{account.username}\t{account.role}\t{state}")


@user.command("disable")
@click.argument("name")
def disable(name: str) -> None:
    """Disable NAME: its sessions end at once and it can no longer sign in."""
    app = _app()
    try:
        ended = accounts.disable(app.engine, app.services.clock, name)
    except accounts.AccountError as problem:
        _fail(problem)
        return
    click.echo(f"Account {name} disabled; {ended} session(s) ended.")


@user.command("password")
@click.argument("name")
@click.option("--password-stdin", is_flag=True, help="Read the new password from standard input.")
def password(name: str, password_stdin: bool) -> None:
    """Give NAME a new password; its sessions end."""
    app = _app()
    try:
        accounts.set_password(app.engine, app.services.clock, name, _password(password_stdin))
    except accounts.AccountError as problem:
        _fail(problem)
    click.echo(f"Password of {name} changed; its sessions ended.")
