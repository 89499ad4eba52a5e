"""`japanmall staff broadcast`: one message to a segment, each recipient in its language."""

from __future__ import annotations

import asyncio
import getpass
import sys

import click

from conversations.statuses import STATUSES
from conversations.vocab import CHANNELS, LANGUAGES, TRACKS


def _print_report(report: object) -> None:
    from bot.broadcast import Report

    assert isinstance(report, Report)
    click.echo(f"Broadcast {report.broadcast_id} to {report.total}: {report.line()}.")
    if report.counts.get("held"):
        click.echo("  held: console users see it at their next opening; WeChat users when they next write.")
    if report.counts.get("unconfirmed"):
        click.echo("  unconfirmed: in flight when an earlier run stopped; not sent again.")


def _run(app: object, broadcast_id: int, total: int, concurrency: int) -> None:
    from bot.broadcast import deliver

    with click.progressbar(length=total, label=f"Broadcast {broadcast_id}", file=sys.stderr) as bar:
        report = asyncio.run(
            deliver(app, broadcast_id, concurrency=concurrency, on_result=lambda _outcome: bar.update(1))  # type: ignore[arg-type]
        )
    _print_report(report)


@click.command("broadcast")
@click.option(
    "--status", "statuses", multiple=True, type=click.Choice(STATUSES), help="Applications in this status."
)
@click.option(
    "--track", "tracks", multiple=True, type=click.Choice(TRACKS), help="Applications of this track."
)
@click.option(
    "--lang", "languages", multiple=True, type=click.Choice(LANGUAGES), help="Users of this language."
)
@click.option(
    "--channel",
    "channels",
    multiple=True,
    type=click.Choice(CHANNELS),
    help="Users on this channel.",
)
@click.option("--ref", "references", multiple=True, metavar="REF", help="These applications (repeatable).")
@click.option("--ja", "text_ja", help="The message in Japanese.")
@click.option("--zh", "text_zh", help="The message in Chinese.")
@click.option("--dry-run", is_flag=True, help="Count per channel and language, preview; send nothing.")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.option("--resume", "resume_id", type=int, metavar="ID", help="Finish an interrupted broadcast.")
@click.option(
    "--concurrency", default=16, show_default=True, type=click.IntRange(1, 64), help="Sends in flight."
)
def broadcast(
    statuses: tuple[str, ...],
    tracks: tuple[str, ...],
    languages: tuple[str, ...],
    channels: tuple[str, ...],
    references: tuple[str, ...],
    text_ja: str | None,
    text_zh: str | None,
    dry_run: bool,
    yes: bool,
    resume_id: int | None,
    concurrency: int,
) -> None:
    """Send a message in Japanese and Chinese to a segment (default: every submitted application).

    An interrupted broadcast (the process stopped) resumes with --resume ID: only those never
    reached are sent to, nobody twice.
    """
    from bot import broadcast as casting
    from bot.cli import fail, load_app
    from storage import broadcasts as store

    app = load_app()
    if resume_id is not None:
        with app.engine.connect() as conn:
            row = store.get(conn, resume_id)
        if row is None:
            fail(f"japanmall: no broadcast {resume_id}")
            return
        _run(app, resume_id, row.total, concurrency)
        return
    if not (text_ja and text_zh and text_ja.strip() and text_zh.strip()):
        fail("japanmall: give the message in both languages: --ja TEXT --zh TEXT")
        return
    segment = casting.Segment(statuses, tracks, languages, channels, references)
    recipients = casting.select_recipients(app, segment)
    click.echo(f"Recipients: {len(recipients)}")
    for (channel, language), count in casting.per_channel_and_language(recipients).items():
        click.echo(f"  {channel:<9} {language}: {count}")
    click.echo(f"--- ja ---\n{text_ja}\n--- zh ---\n{text_zh}")
    with app.engine.connect() as conn:
        unfinished = store.unfinished(conn)
    if unfinished:
        click.echo(f"Unfinished broadcasts: {', '.join(map(str, unfinished))} (finish with --resume ID).")
    if dry_run or not recipients:
        if not recipients:
            click.echo("Nobody matches: nothing to send.")
        return
    if not yes and not click.confirm(f"Send to {len(recipients)} recipients?", default=False):
        click.echo("Cancelled: nothing was sent.")
        return
    broadcast_id, recipients = casting.prepare(app, segment, text_ja, text_zh, f"cli:{getpass.getuser()}")
    click.echo(f"Broadcast {broadcast_id} created (resume with --resume {broadcast_id} if interrupted).")
    _run(app, broadcast_id, len(recipients), concurrency)
