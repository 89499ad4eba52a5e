"""Broadcasts: one message, in Japanese and in Chinese, to a segment of companies.

`prepare` fixes the recipients (a `broadcasts` row with the list); `deliver` writes one outbox row
per recipient (`broadcast:<id>:<user id>`, in one transaction) and has the one sender
(handlers/sender.py) deliver them at the platforms' pace. Run it again on an interrupted
broadcast and the rows already written are not written again: nobody gets it twice. A
recipient whose send was in flight when its sender died is settled `unconfirmed` and not sent
again (a platform cannot tell us whether it arrived); a failed one is tried again on resume.

The report counts the outbox's outcomes (storage/deliveries.OUTCOMES): sent, held (the console,
shown at the next opening), waiting (WeChat, outside the 48-hour window), blocked, unsubscribed,
undeliverable, failed, unconfirmed, and queued for what is still being retried.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from bot import outbound
from bot.outbound import Postman
from bot.wiring import App
from conversations import Outbound
from handlers.sender import Sender
from storage import broadcasts as store
from storage import deliveries

CONCURRENCY = 16  # rows a command's sender has in flight at most (the platform limiter sets the pace)
ORDER = (
    "sent",
    "held",
    "waiting",
    "blocked",
    "unsubscribed",
    "undeliverable",
    "failed",
    "unconfirmed",
    "queued",
)


@dataclass(frozen=True)
class Segment:
    statuses: tuple[str, ...] = ()
    tracks: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    channels: tuple[str, ...] = ()
    references: tuple[str, ...] = ()

    def as_filters(self) -> dict[str, list[str]]:
        return {name: list(value) for name, value in vars(self).items() if value}


@dataclass
class Report:
    broadcast_id: int
    total: int
    counts: Counter[str] = field(default_factory=Counter)

    def line(self) -> str:
        shown = [name for name in ORDER if self.counts.get(name) or name in ("sent", "failed")]
        return ", ".join(f"{name} {self.counts.get(name, 0)}" for name in shown)


def select_recipients(app: App, segment: Segment) -> list[store.Recipient]:
    with app.engine.connect() as conn:
        return store.recipients(
            conn,
            app.programme.id,
            statuses=segment.statuses,
            tracks=segment.tracks,
            languages=segment.languages,
            channels=segment.channels,
            references=segment.references,
        )


def per_channel_and_language(recipients: Sequence[store.Recipient]) -> dict[tuple[str, str], int]:
    return dict(sorted(Counter((r.channel, r.language) for r in recipients).items()))


def prepare(
    app: App, segment: Segment, text_ja: str, text_zh: str, created_by: str
) -> tuple[int, list[store.Recipient]]:
    recipients = select_recipients(app, segment)
    with app.engine.begin() as conn:
        broadcast_id = store.create(
            conn,
            created_by=created_by,
            filters=segment.as_filters(),
            text_ja=text_ja,
            text_zh=text_zh,
            recipients=recipients,
            now=app.services.clock(),
        )
    return broadcast_id, recipients


CHUNK = 1000  # rows written per transaction: a broadcast never holds SQLite's write lock for long


def write_rows(app: App, broadcast_id: int) -> list[int]:
    """The broadcast's outbox rows: written for recipients that have none (a thousand a
    transaction; a run cut short is completed by the next, the keys keep it from doubling),
    failed ones queued again; returns every recipient's row id."""
    with app.engine.begin() as conn:
        row = store.get(conn, broadcast_id)
        if row is None:
            raise LookupError(f"no broadcast {broadcast_id}")
        prefix = store.key(broadcast_id, 0)[:-1]
        existing = deliveries.with_prefix(conn, prefix)
        deliveries.requeue_failed(conn, prefix, app.services.clock())
    texts = {"ja": row.text_ja, "zh": row.text_zh}
    todo = [r for r in row.recipients if r.user_id not in existing]
    for start in range(0, len(todo), CHUNK):
        with app.engine.begin() as conn:
            deliveries.enqueue_many(
                conn,
                (
                    deliveries.Item(
                        r.user_id,
                        r.channel,
                        "broadcast",
                        [Outbound(texts.get(r.language, row.text_ja)).to_json()],
                        store.key(broadcast_id, r.user_id),
                        r.application_id,
                    )
                    for r in todo[start : start + CHUNK]
                ),
                app.services.clock(),
            )
    with app.engine.connect() as conn:
        return [row_id for row_id, _outcome in deliveries.with_prefix(conn, prefix).values()]


async def deliver(
    app: App,
    broadcast_id: int,
    *,
    sender: Sender | None = None,
    concurrency: int = CONCURRENCY,
    on_result: Callable[[str], Any] | None = None,
) -> Report:
    """Write the broadcast's rows and wait for the sender; the report covers all recipients."""
    ids = await outbound.blocking(sender, write_rows, app, broadcast_id)
    seen: set[int] = set()

    def progress(found: dict[int, str]) -> None:
        for row_id, outcome in found.items():
            if outcome in deliveries.FINAL and row_id not in seen:
                seen.add(row_id)
                if on_result:
                    on_result(outcome)

    timeout = max(60.0, len(ids) / 10)  # 10 a second at the least; Telegram allows 30
    outcomes = await outbound.deliver(
        app, ids, sender=sender, timeout=timeout, on_progress=progress, in_flight=concurrency
    )
    report = Report(broadcast_id, len(ids), Counter(outcomes.values()))
    await outbound.blocking(sender, _finish, app, broadcast_id)
    return report


def _finish(app: App, broadcast_id: int) -> None:
    with app.engine.begin() as conn:
        store.finish(conn, broadcast_id, app.services.clock())


def take_queued(app: App) -> int | None:
    with app.engine.begin() as conn:
        return store.take_queued(conn)


async def tell_requester(app: App, postman: Postman, report: Report) -> None:
    """Tell the staff member who confirmed it in the chat how the broadcast went."""
    with app.engine.connect() as conn:
        row = store.get(conn, report.broadcast_id)
    user_id = (row.filters if row else {}).get("requested_by_user")
    if user_id is None:
        return
    counts = report.counts
    text = app.texts.render(
        postman.language_of(user_id),
        "reminders.broadcast.finished",
        id=report.broadcast_id,
        sent=counts.get("sent", 0),
        held=counts.get("held", 0) + counts.get("waiting", 0) + counts.get("queued", 0),
        blocked=counts.get("blocked", 0),
        failed=sum(
            counts.get(name, 0) for name in ("failed", "unconfirmed", "unsubscribed", "undeliverable")
        ),
    )
    await postman.send(
        user_id, [Outbound(text)], kind="notice", dedup_key=f"broadcast-report:{report.broadcast_id}"
    )
