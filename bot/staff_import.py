"""`japanmall staff import FILE.xlsx… [--dry-run] [--received DATE] [--lang ja|zh]`: filled
application forms into applications (bot/form_import.py), one line of the report a file, each
problem with its cell.

Exit codes: 0 every file taken (or, with --dry-run, found right); 2 a file was refused.
"""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

import click

from bot.form_import import import_forms
from conversations.vocab import LANGUAGES


@click.command("import")
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option("--dry-run", is_flag=True, help="Check the files; write nothing.")
@click.option(
    "--received",
    type=click.DateTime(["%Y-%m-%d", "%Y-%m-%dT%H:%M"]),
    help="When the forms reached JETRO, in the programme's time zone (default: now).",
)
@click.option("--lang", "labels", type=click.Choice(LANGUAGES), default="ja", help="Language of the report.")
def import_(files: tuple[Path, ...], dry_run: bool, received: datetime | None, labels: str) -> None:
    """Read filled application forms (.xlsx, e.g. e-mailed by companies) into applications."""
    from bot.cli import load_app
    from bot.staff_commands import who

    app = load_app()
    at = received.replace(tzinfo=app.programme.tz) if received else None
    sources = [(path.name, path) for path in files]
    report = import_forms(app, sources, dry_run=dry_run, who=who(), received=at)
    for line in report.lines(app.texts, labels):
        click.echo(line)
    if not report.ok:
        sys.exit(2)
