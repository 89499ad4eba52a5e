"""The `japanmall` command (docs/interfaces.md)."""

from __future__ import annotations

import getpass
import logging
import sys
from typing import Any

import click

from bot import reminders_cli, wechat_cli
from bot.check_cmd import check
from bot.config import ConfigError, load_settings
from bot.programme import ProgrammeError
from bot.staff_cli import staff
from bot.wiring import App, build_app
from conversations.vocab import LANGUAGES


def fail(message: str, code: int = 2) -> None:
    click.echo(message, err=True)
    sys.exit(code)


def load_app(**kwargs: Any) -> App:
    """Settings, programme, database, core; a configuration problem stops here with clear lines."""
    try:
        return build_app(load_settings(), **kwargs)
    except (ConfigError, ProgrammeError) as exc:
        fail(f"japanmall: configuration problem:\n{exc}")
        raise  # unreachable; for type checkers


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("-v", "--verbose", is_flag=True, help="Log at debug level.")
def main(verbose: bool) -> None:
    """The JAPAN MALL applicant bot."""
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s %(message)s",
    )


def _chat_logging(verbose: bool, log_file: str) -> None:
    """The console conversation is stdout and the terminal: log lines go to a file, or with
    --verbose to stderr, and never in between the bot's answers unasked."""
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    handler: logging.Handler = (
        logging.StreamHandler(sys.stderr) if verbose else logging.FileHandler(log_file, encoding="utf-8")
    )
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    root.addHandler(handler)
    root.setLevel(logging.INFO if verbose else logging.WARNING)


@main.command()
@click.option("--lang", type=click.Choice(LANGUAGES), default=None, help="Language to talk in.")
@click.option("--user", default=None, help="Who you are in the console (default: your login name).")
@click.option("--verbose", is_flag=True, help="Show the log lines (on stderr) while you chat.")
@click.option(
    "--log-file",
    default="japanmall-chat.log",
    show_default=True,
    help="Where the log lines go (never into the conversation); without --verbose.",
)
def chat(lang: str | None, user: str | None, verbose: bool, log_file: str) -> None:
    """Talk to the bot in the terminal: same core, same database."""
    from handlers import console

    _chat_logging(verbose, log_file)
    app = load_app()
    sys.exit(console.run(app.dialog, user or getpass.getuser(), language=lang))


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8080, show_default=True, type=int, help="Port to listen on.")
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Worker processes (PostgreSQL only; SQLite has one writer).",
)
@click.option(
    "--log-level",
    default="info",
    show_default=True,
    type=click.Choice(["debug", "info", "warning", "error"]),
    help="Level of the JSON log lines on stderr.",
)
def serve(host: str, port: int, workers: int, log_level: str) -> None:
    """Run the ASGI server: the channels' webhooks, /healthz, and the scheduler."""
    from bot.logs import configure_logging
    from bot.server import run

    configure_logging(log_level.upper())
    app = load_app()  # migrates the schema once, before any worker starts
    if workers > 1 and app.engine.dialect.name == "sqlite":
        fail("japanmall: --workers above 1 needs PostgreSQL (JAPANMALL_DATABASE_URL); SQLite has one writer.")
    run(app, host, port, workers=workers, log_level=log_level)


@main.group()
def db() -> None:
    """The database schema."""


@db.command("upgrade")
def db_upgrade() -> None:
    """Create or migrate the schema to the newest revision."""
    app = load_app(migrate=False)
    from storage.db import upgrade

    upgrade(app.engine)
    click.echo("The database schema is up to date.")


@db.command("prune")
@click.option("--dry-run", is_flag=True, help="Count what would be dropped; change nothing.")
def db_prune(dry_run: bool) -> None:
    """Drop old stored replies and settled delivery payloads, keeping the rows (storage/retention.py).

    Ages: JAPANMALL_REPLY_RETENTION_DAYS (default 7), JAPANMALL_PAYLOAD_RETENTION_DAYS (default 90)."""
    from storage import retention

    app = load_app(migrate=False)
    try:
        policy = retention.Policy.from_environment()
    except ValueError as exc:
        fail(f"japanmall: configuration problem:\n{exc}")
        raise
    report = retention.prune(app.engine, app.services.clock(), policy, dry_run=dry_run)
    for line in report.lines(dry_run=dry_run):
        click.echo(line)


main.add_command(check)
main.add_command(staff)
main.add_command(wechat_cli.wechat)
main.add_command(reminders_cli.reminders)

if __name__ == "__main__":
    main()
