"""`japanmall staff import FILE.xlsx… [--dry-run] [--lang ja|zh]`: filled application forms into
applications (bot/form_import.py), one line of the report a file, each problem with its cell.

Exit codes: 0 every file taken (or, with --dry-run, found right); 2 a file was refused.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from bot.form_import import import_forms
from conversations.vocab import LANGUAGES


@click.command("import")
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option("--dry-run", is_flag=True, help="Check the files; write nothing.")
@click.option("--lang", "labels", type=click.Choice(LANGUAGES), default="ja", help="Language of the report.")
def import_(files: tuple[Path, ...], dry_run: bool, labels: str) -> None:
    """Read filled application forms (.xlsx, e.g. e-mailed by companies) into applications."""
    from bot.cli import load_app
    from bot.staff_commands import who

    app = load_app()
    report = import_forms(app, [(path.name, path) for path in files], dry_run=dry_run, who=who())
    for line in report.lines(app.texts, labels):
        click.echo(line)
    if not report.ok:
        sys.exit(2)
