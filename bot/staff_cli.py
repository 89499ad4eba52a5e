"""`japanmall staff …`: what JETRO staff do from the command line (DESIGN.md's contract)."""

from __future__ import annotations

import click


@click.group()
def staff() -> None:
    """Review, export, answer and broadcast: the staff's commands."""


from bot.broadcast_cli import broadcast  # noqa: E402  (issue 8)

staff.add_command(broadcast)
