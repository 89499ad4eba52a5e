"""`japanmall staff …`: what JETRO staff do from the command line (docs/interfaces.md)."""

from __future__ import annotations

import click

from bot.broadcast_cli import broadcast
from bot.staff_commands import COMMANDS
from bot.staff_export import export
from bot.staff_import import import_
from bot.staff_records import erase, intake, link
from bot.staff_users_cli import user


@click.group()
def staff() -> None:
    """Review, export, answer and broadcast: the staff's commands."""


for _command in COMMANDS:
    staff.add_command(_command)
staff.add_command(export)
staff.add_command(broadcast)
staff.add_command(import_)
staff.add_command(user)
staff.add_command(link)
staff.add_command(erase)
staff.add_command(intake)
